"""Notice-line checks: treatments other than immunoglobulin.

Presets: complement inhibitor and FcRn blocker (both hypothetical), plasma exchange,
prednisolone.

Each check's docstring says what it measures; ``tests/test_preset_claims.py`` maps them to the
notice lines.
"""

from __future__ import annotations

import numpy as np

import sim

from .support import (
    ROOM_TO_GAIN,
    SEEDS,
    TYPICAL,
    UNTREATED,
    YEAR,
    at,
    course_starts,
    events,
    every,
    grip,
    healthy,
    lesions,
    on_ivig,
    over_seeds,
    own_seed,
    pooled,
    responder_with_room,
    run,
    share,
    weaker,
    window,
)

MAINT = "ivig-maintenance"  # the same patients on 1 g/kg every 4 weeks

# === complement inhibitor (hypothetical) ====================================================
COMP = "complement-inhibitor-hypothetical"
COMP_START = 730.0


def comp_labelled_hypothetical() -> str:
    """The scenario name says HYPOTHETICAL, the treatment is registered as hypothetical, and
    on every seed the run's 'complement_start' event says so."""
    sc = sim.load_scenario(COMP)
    assert "hypothetical" in sc.scenario.name.lower()
    assert sim.treatments.get("complement_inhibitor").hypothetical
    v = over_seeds(COMP, lambda s: [e[6] for e in events(run(COMP, s), "complement_start")])
    return every(v, lambda x: len(x) == 1 and "hypothetical" in x[0], "start event text")


def comp_mechanism() -> str:
    """The preset blocks 0.89-0.99 of complement (its start event's value, every seed). After
    the start, pooled over seeds, new lesions fall by >=80% against the same patients untreated
    (89-99% blocked, less the build-up weeks), while on 4-weekly IVIg ('IVIg maintenance',
    same seeds) they fall by at most 54% (Krijgsman 2026); no seed has more new lesions on the
    inhibitor than on IVIg."""
    def f(s):
        c, i = run(COMP, s), run(MAINT, s)
        u = run(COMP, s, treatment=UNTREATED)
        return (float(events(c, "complement_start")[0][5]), lesions(c, COMP_START),
                lesions(i, COMP_START, 6 * YEAR), lesions(u, COMP_START))
    v = over_seeds(COMP, f)
    c, i, u = (pooled(v[s][k] for s in SEEDS) for k in (1, 2, 3))
    assert 1 - c / u >= 0.8 and 1 - i / u <= 0.54, f"lesions: inhibitor {c}, IVIg {i}, none {u}"
    return "; ".join([
        every(v, lambda x: 0.89 <= x[0] <= 0.99 and x[1] <= x[2],
              "(efficacy, lesions inhibitor, IVIg, untreated)"),
        f"pooled new lesions: inhibitor {c:g}, IVIg {i:g}, untreated {u:g} "
        f"(-{1 - c / u:.0%} vs -{1 - i / u:.0%})",
    ])


def comp_no_wearing_off_loss_stays() -> str:
    """From 8 weeks after the start to year 6, every seed: the weaker hand's median fall within
    any 4-week window is below 1% (no dips between doses), the summed axonal loss never falls,
    and a weaker hand that was >=10% below healthy at the start never regains its healthy
    grip."""
    def f(s):
        r = run(COMP, s)
        h = weaker(r, COMP_START - 1)
        days, g = r.patient_runs[0].days, r.arrays(0).grip[:, h]
        idx = np.nonzero(days >= COMP_START + 56)[0]
        falls = [(g[i] - g[(days > days[i]) & (days <= days[i] + 28)].min()) / g[i]
                 for i in idx[:-4]]
        lost = r.patient_runs[0].lost.sum(axis=1)[at(r, COMP_START):]
        weak0 = grip(r, COMP_START - 1, h) < ROOM_TO_GAIN * healthy(r)
        regained = weak0 and bool(g[idx].max() >= healthy(r) - 1e-6)
        return float(np.median(falls)), float(np.diff(lost).min()), regained
    return every(over_seeds(COMP, f), lambda x: x[0] < 0.01 and x[1] >= -1e-12 and not x[2],
                 "(median 4-week fall, smallest change in axonal loss, healthy grip regained)")


# === FcRn blocker (hypothetical) ============================================================
FCRN = "fcrn-blocker-hypothetical"
F_ON, F_OFF = 1096.0, 1278.0
NO_BLOCK = {"treatment.2.occupancy": 0.0}


def fcrn_igg_falls() -> str:
    """Every seed: mean serum IgG from 4 weeks after the blocker starts to its stop is below
    half the same weeks without the blocker, and the level before each IVIg course then is
    below the patient's pre-treatment IgG (the body's own IgG falls too)."""
    def f(s):
        a, b = run(FCRN, s), run(FCRN, s, set=NO_BLOCK)
        m = window(a, F_ON + 28, F_OFF)
        igg = a.patient_runs[0].igg
        pre = [igg[at(a, d - 1)] for d in course_starts(a) if F_ON + 28 <= d < F_OFF]
        return (float(igg[m].mean() / b.patient_runs[0].igg[m].mean()),
                float(max(pre) - igg[0]))
    return every(on_ivig(FCRN, f), lambda x: x[0] < 0.5 and x[1] < 0,
                 "(IgG share of no-blocker, highest pre-course IgG minus pre-treatment g/L)")


def _course_half_life(r, d: float) -> float:
    """Days for the rise of serum IgG over its pre-course level to halve, read on the first
    and second weekly records after the course starting on day ``d``."""
    x = r.patient_runs[0].igg
    base = x[at(r, d - 1)]
    i1, i2 = at(r, d + 7), at(r, d + 14)
    dt = r.patient_runs[0].days[i2] - r.patient_runs[0].days[i1]
    return float(dt * np.log(2) / np.log((x[i1] - base) / (x[i2] - base)))


def fcrn_ivig_wears_off() -> str:
    """While the blocker runs, every seed: after each IVIg course the rise of serum IgG over its
    pre-course level halves within 7 days (without the blocker it takes longer), and the mean
    IVIg effect is at most a quarter of the same weeks without the blocker; the weaker hand's
    grip when the blocker stops is lower than when it started and lower than without the
    blocker (own seed and 3 of 4 seeds)."""
    def igg(s):
        out = []
        for r in (run(FCRN, s), run(FCRN, s, set=NO_BLOCK)):
            out.append(max(_course_half_life(r, d) for d in course_starts(r)
                           if F_ON + 28 <= d < F_OFF - 28))
        a, b = run(FCRN, s), run(FCRN, s, set=NO_BLOCK)
        m = window(a, F_ON + 28, F_OFF)
        eff = a.patient_runs[0].ivig_effect[m].mean() / b.patient_runs[0].ivig_effect[m].mean()
        return out[0], out[1], float(eff)

    def gr(s):
        a, b = run(FCRN, s), run(FCRN, s, set=NO_BLOCK)
        h = weaker(a, F_ON - 1)
        return grip(a, F_OFF, h) - grip(a, F_ON - 1, h), grip(a, F_OFF, h) - grip(b, F_OFF, h)
    return "; ".join([
        every(on_ivig(FCRN, igg), lambda x: x[0] <= 7 < x[1] and x[2] <= 0.25,
              "(days for the IgG rise to halve, without blocker, IVIg effect share)"),
        share(on_ivig(FCRN, gr), lambda x: x[0] < 0 and x[1] < 0, TYPICAL,
              "(grip change on blocker kg, vs no blocker kg)"),
    ])


def fcrn_no_benefit() -> str:
    """Every seed, every record: neither hand's grip nor the MRC sum is higher with the blocker
    than without it, and new lesions after its start are not fewer."""
    def f(s):
        a, b = run(FCRN, s), run(FCRN, s, set=NO_BLOCK)
        x, y = a.arrays(0), b.arrays(0)
        return (float(max((x.grip - y.grip).max(), (x.mrc_sum - y.mrc_sum).max())),
                lesions(a, F_ON) - lesions(b, F_ON))
    return every(over_seeds(FCRN, f), lambda x: x[0] <= 1e-9 and x[1] >= 0,
                 "(largest gain over no blocker, extra lesions)")


def fcrn_recovers() -> str:
    """Every seed: over each 4-week IVIg cycle that starts 8 weeks or more after the blocker
    stops, mean serum IgG and mean IVIg effect are at least 90% of the same patient's without
    the blocker (the third course after the stop onwards)."""
    def f(s):
        a, b = run(FCRN, s), run(FCRN, s, set=NO_BLOCK)
        pa, pb = a.patient_runs[0], b.patient_runs[0]
        starts = course_starts(a)
        worst = [1.0, 1.0]
        for c0, c1 in zip(starts[:-1], starts[1:], strict=True):
            if c0 >= F_OFF + 56:
                m = window(a, c0, c1)
                worst[0] = min(worst[0], float(pa.igg[m].mean() / pb.igg[m].mean()))
                worst[1] = min(worst[1], float(pa.ivig_effect[m].mean()
                                               / pb.ivig_effect[m].mean()))
        return tuple(worst)
    return every(over_seeds(FCRN, f), lambda x: min(x) >= 0.9,
                 "(lowest cycle-mean IgG share, IVIg-effect share)")


# === plasma exchange ========================================================================
PLEX = "plasma-exchange"
IVIG_ONLY = [{"kind": "ivig", "start_day": 730.0, "dose_g_per_kg": 2.0, "infusion_days": 5}]
PLEX_ONLY = [{"kind": "plasma_exchange", "start_day": 742.0, "every_days": 2.0, "count": 5}]


def plex_removes_igg() -> str:
    """Every seed: the first exchange leaves less than half the serum IgG the same patient has
    that day without exchanges; each later exchange ends lower than the one before; after the
    fifth, serum IgG is below the patient's level before IVIg (the infused IgG is gone)."""
    def f(s):
        r, ref = run(PLEX, s), run(PLEX, s, treatment=IVIG_ONLY)
        after = [e[5] for e in events(r, "plasma_exchange")]
        before = float(ref.patient_runs[0].igg[at(ref, 742)])
        return (after[0] / before, bool(np.all(np.diff(after) < 0)),
                after[-1] - float(r.patient_runs[0].igg[0]))
    return every(over_seeds(PLEX, f), lambda x: x[0] < 0.5 and x[1] and x[2] < 0,
                 "(share left by the first exchange, falling, last minus pre-IVIg g/L)")


def plex_fades_ivig_no_own_benefit() -> str:
    """IVIg responders with room to gain, weaker hand 4 weeks after the course (day 758): the
    gain with the exchanges is at most 35% of the gain without them (same patient), on the own
    seed and in 3 of 4 seeds; exchanges alone are never better than no treatment at any record
    (either hand, MRC sum), every seed."""
    def fade(s):
        r, ref = run(PLEX, s), run(PLEX, s, treatment=IVIG_ONLY)
        if not responder_with_room(r, 729):
            return None
        h = weaker(r, 729)
        return grip(r, 758, h) - grip(r, 729, h), grip(ref, 758, h) - grip(ref, 729, h)

    def alone(s):
        a = run(PLEX, s, treatment=PLEX_ONLY).arrays(0)
        u = run(PLEX, s, treatment=UNTREATED).arrays(0)
        return float(max((a.grip - u.grip).max(), (a.mrc_sum - u.mrc_sum).max()))
    return "; ".join([
        share(over_seeds(PLEX, fade), lambda x: x[1] > 0 and x[0] <= 0.35 * x[1], TYPICAL,
              "(4-week gain kg with exchanges, without)"),
        every(over_seeds(PLEX, alone), lambda x: x <= 1e-9, "exchanges alone: best gain"),
    ])


# === prednisolone ===========================================================================
PRED = "prednisolone"
P_ON, P_OFF = 730.0, 786.0
SEEDS50 = tuple(range(50))  # the dose-creep and steroid targets are set over 50 patients


def _pred(s: int) -> dict:
    r, u = run(PRED, s), run(PRED, s, treatment=UNTREATED)
    a, b = r.arrays(0), u.arrays(0)
    h = weaker(r, P_ON - 1)
    window = [at(r, P_ON + d) for d in range(28, 57, 7)]
    g_gap = max((b.grip[i, h] - a.grip[i, h]) / b.grip[i, h] for i in window)
    m_gap = max(int(b.mrc_sum[i] - a.mrc_sum[i]) for i in window)
    return {"worse": bool(g_gap >= 0.10 or m_gap >= 2), "g_gap": float(g_gap), "m_gap": m_gap,
            "vs_before": max(max(a.grip[i, h] - a.grip[at(r, P_ON - 1), h] for i in window),
                             max(a.mrc_sum[i] - a.mrc_sum[at(r, P_ON - 1)] for i in window)),
            "stronger": float((a.strength - b.strength).max()), "r": r, "u": u, "h": h}


def pred_some_worse_none_better() -> str:
    """4-8 weeks into the course, against the same patient without steroids: clearly worse
    (MRC sum >=2 points lower, or the weaker hand >=10% weaker) on the own seed and in 30-70%
    of 50 seeds ("some, not all"); on every seed no muscle is ever stronger than without
    steroids and neither the weaker hand nor the MRC sum is above its pre-course value."""
    v = {s: _pred(s) for s in (own_seed(PRED), *SEEDS50)}
    own = next(iter(v.values()))
    frac = float(np.mean([v[s]["worse"] for s in SEEDS50]))
    assert own["worse"], f"own seed not clearly worse: {own['g_gap']:.1%}, {own['m_gap']}"
    assert 0.3 <= frac <= 0.7, f"clearly worse in {frac:.0%} of 50"
    bad = [s for s, x in v.items() if x["stronger"] > 1e-12 or x["vs_before"] > 1e-9]
    assert not bad, f"better on seeds {bad}"
    return (f"own: grip {own['g_gap']:.0%} weaker, MRC -{own['m_gap']}; clearly worse in "
            f"{frac:.0%} of 50; none better")


def pred_blocks_deepen_new_lesions() -> str:
    """During the 8-week course, against the same patient without steroids: the muscles already
    weak before it (MRC <5) lose more strength (own seed and 3 of 4 of the seeds made clearly
    worse); new lesions are never fewer on any of 50 seeds and at least 1.5 times as many
    pooled."""
    def deepen(s):
        x = _pred(s)
        a, b = x["r"].arrays(0), x["u"].arrays(0)
        i0, i1 = at(x["r"], P_ON - 1), at(x["r"], P_OFF)
        weak = a.grades[i0] < 5
        extra = float((b.strength[i1, weak] - a.strength[i1, weak]).sum())
        return extra if x["worse"] else None
    counts = {s: (lesions(run(PRED, s), P_ON, P_OFF),
                  lesions(run(PRED, s, treatment=UNTREATED), P_ON, P_OFF)) for s in SEEDS50}
    on, off = pooled(c[0] for c in counts.values()), pooled(c[1] for c in counts.values())
    assert all(c[0] >= c[1] for c in counts.values()), f"fewer lesions on steroids: {counts}"
    assert on >= 1.5 * off, f"new lesions during the course: {on:g} vs {off:g} untreated"
    return "; ".join([
        share(over_seeds(PRED, deepen), lambda x: x > 0, TYPICAL,
              "extra strength lost in already weak muscles (sum of shares)", min_n=8),
        f"new lesions during the course over 50 seeds: {on:g} vs {off:g} untreated",
    ])


def pred_not_undone() -> str:
    """After the course stops (day 786) to year 3, every seed: neither the weaker hand's grip
    nor the MRC sum ever rises above its value at the stop; a patient clearly worse at the stop
    is still weaker than the same patient without steroids at year 3 (grip or MRC sum)."""
    def f(s):
        x = _pred(s)
        a, b = x["r"].arrays(0), x["u"].arrays(0)
        i = at(x["r"], P_OFF)
        rise = float(max((a.grip[i:, x["h"]] - a.grip[i, x["h"]]).max(),
                         (a.mrc_sum[i:] - a.mrc_sum[i]).max()))
        still = (b.grip[-1, x["h"]] - a.grip[-1, x["h"]] > 0.05
                 or b.mrc_sum[-1] > a.mrc_sum[-1]) if x["worse"] else True
        return rise, bool(still)
    return every(over_seeds(PRED, f), lambda x: x[0] <= 1e-9 and x[1],
                 "(largest rise after the stop, still worse at year 3 if harmed)")
