"""Notice-line checks: the CIDP presets (what MMN is not).

Presets: CIDP on prednisolone (gets better, the opposite of MMN), multifocal CIDP (sensory
nerve conduction decides). Each check's docstring says what it measures;
``tests/test_preset_claims.py`` maps them to the notice lines.
"""

from __future__ import annotations

import sim
from sim import electro
from sim.diagnosis import SENSORY_FOR, evaluate

from .support import SEEDS, TYPICAL, UNTREATED, every, grip, healthy, mrc, over_seeds, run, share

CIDP_PRED = "cidp-prednisolone"
MCIDP = "multifocal-cidp"


def _start(preset: str) -> float:
    return sim.load_scenario(preset).treatment[0].start_day


def cidp_pred_better_than_untreated() -> str:
    """Six weeks into the course, against the same patient without it: clearly better
    (MRC sum >=2 points higher or the weaker hand >=2 kg stronger) on the own seed and in
    3 of 4 seeds."""
    day = _start(CIDP_PRED) + 42.0

    def gain(s):
        t, u = run(CIDP_PRED, s), run(CIDP_PRED, s, treatment=UNTREATED)
        return (mrc(t, day) - mrc(u, day),
                min(grip(t, day, 0), grip(t, day, 1)) - min(grip(u, day, 0), grip(u, day, 1)))

    return share(over_seeds(CIDP_PRED, gain), lambda g: g[0] >= 2 or g[1] >= 2, TYPICAL,
                 "(MRC gain, weaker-grip gain kg) vs untreated at 6 weeks")


def cidp_symmetric() -> str:
    """At the end of the run the two hands differ by less than 10% of healthy grip, on the
    own seed and in 3 of 4 seeds."""
    def gap(s):
        r = run(CIDP_PRED, s)
        end = float(r.tables["clinical"]["day"].max())
        return abs(grip(r, end, 0) - grip(r, end, 1)) / healthy(r)

    return share(over_seeds(CIDP_PRED, gap), lambda g: g < 0.10, TYPICAL,
                 "left-right grip gap / healthy grip at the end")


def cidp_snaps_low_mmn_checklist_not_met() -> str:
    """At one year: SNAPs below normal in >=2 nerves on the own seed and in 3 of 4 seeds; the
    MMN checklist says "not met" on every seed."""
    def read(s):
        r = run(CIDP_PRED, s)
        return (len(electro.summarize(r.ncs(365.0)).sensory_abnormal),
                evaluate(r, 365.0).category)

    v = over_seeds(CIDP_PRED, read)
    a = share(v, lambda x: x[0] >= 2, TYPICAL, "(SNAPs below normal, MMN checklist)")
    b = every(v, lambda x: x[1] == "not met", "MMN checklist category")
    return a + "; " + b


def _blocked_snaps(r, day: float) -> tuple[int, int]:
    summ = electro.summarize(r.ncs(day))
    bad = set(summ.sensory_abnormal)
    blocked = {(s, n) for s, n, _ in (*summ.definite, *summ.probable) if n in SENSORY_FOR}
    return len(blocked), sum((s, SENSORY_FOR[n]) in bad for s, n in blocked)


def mcidp_asymmetric_with_block() -> str:
    """At the end: motor conduction block in >=1 nerve and the hands differ by >=10% of
    healthy grip, on the own seed and in 3 of 4 seeds."""
    def read(s):
        r = run(MCIDP, s)
        end = float(r.tables["clinical"]["day"].max())
        summ = electro.summarize(r.ncs(end))
        return (len({(s, n) for s, n, _ in (*summ.definite, *summ.probable)}),
                abs(grip(r, end, 0) - grip(r, end, 1)) / healthy(r))

    return share(over_seeds(MCIDP, read), lambda x: x[0] >= 1 and x[1] >= 0.10, TYPICAL,
                 "(blocked nerves, grip gap / healthy)")


def mcidp_blocked_snaps_reduced_checklist_not_met() -> str:
    """At the end: every blocked nerve's SNAP is below normal on the own seed and in 3 of 4
    of the seeds with a block; the MMN checklist says "not met" on every seed."""
    def read(s):
        r = run(MCIDP, s)
        end = float(r.tables["clinical"]["day"].max())
        blocked, low = _blocked_snaps(r, end)
        return (blocked, low, evaluate(r, end).category)

    v = over_seeds(MCIDP, read)
    with_block = {s: (x if x[0] else None) for s, x in v.items()}
    a = share(with_block, lambda x: x[1] == x[0], TYPICAL,
              "(blocked nerves, of them with low SNAP)", min_n=len(SEEDS) // 2)
    b = every(v, lambda x: x[2] == "not met", "MMN checklist category")
    return a + "; " + b
