"""Notice-line checks: acute motor axonal neuropathy against MMN (``aman-vs-mmn``).

Each check's docstring says what it measures; ``tests/test_preset_claims.py`` maps them to the
notice lines. The preset records daily up to day 120, so the nadir is read to the day.
"""

from __future__ import annotations

import numpy as np

from sim.anatomy import ANATOMY
from sim.diagnosis import evaluate

from .support import TYPICAL, every, over_seeds, run, share

AMAN = "aman-vs-mmn"
_LLN = {n.name: n.lln_uv for n in ANATOMY.sensory}
SIX_WEEKS, SIX_MONTHS = 42.0, 182.6


def _course(r):
    c = r.tables["clinical"]
    return c["day"].to_numpy(), c["mrc_sum"].to_numpy(), c


def aman_nadir_within_four_weeks_symmetric() -> str:
    """On every seed the MRC sum reaches its lowest value (first day of it, daily records) by
    day 28, and at that nadir the MRC points lost on the two sides differ by less than a third
    of the worse side's loss: not the "clearly asymmetric" weakness of the mystery's
    examination finding (``sim.mystery``), which MMN shows."""
    n = len(ANATOMY.muscles) // 2

    def measure(s):
        r = run(AMAN, s)
        d, m, _ = _course(r)
        i = int(np.argmin(m))
        lost = 5 - r.arrays(0).grades[i]
        left, right = int(lost[:n].sum()), int(lost[n:].sum())
        return float(d[i]), abs(left - right) / max(left, right, 1)
    return every(over_seeds(AMAN, measure), lambda x: x[0] <= 28 and x[1] < 1 / 3,
                 "nadir day, side difference in MRC points lost / worse side")


def aman_no_dispersion_sensory_normal() -> str:
    """On every seed, in the studies of days 10 and 35, no motor CMAP lasts more than 30%
    longer at a proximal stimulation point than at the distal one (no temporal dispersion),
    and every sensory action potential is at or above its lower limit of normal."""
    def measure(s):
        r = run(AMAN, s)
        worst, low = 0.0, 0
        for day in (10.0, 35.0):
            ncs = r.ncs(day)
            motor = ncs[ncs["kind"] == "motor"]
            for _, g in motor.groupby(["side", "nerve"]):
                worst = max(worst, float(g["duration_ms"].max() / g["duration_ms"].iloc[0]))
            sens = ncs[ncs["kind"] == "sensory"]
            low += int((sens["amplitude"] < sens["nerve"].map(_LLN)).sum())
        return worst, low
    return every(over_seeds(AMAN, measure), lambda x: x[0] < 1.3 and x[1] == 0,
                 "longest proximal/distal CMAP duration, low SNAPs")


def aman_improved_by_six_months() -> str:
    """On every seed the MRC sum at six months (day 183) is higher than at the nadir; the
    share left with residual weakness at one year (MRC sum below 200) is reported."""
    def measure(s):
        d, m, _ = _course(run(AMAN, s))
        j = min(int(np.searchsorted(d, SIX_MONTHS)), len(m) - 1)
        return int(m[j] - m.min()), bool(m[-1] < m[0])
    v = over_seeds(AMAN, measure)
    return every(v, lambda x: x[0] > 0, "MRC points regained by six months") + (
        f"; residual weakness at one year in {sum(x[1] for x in v.values())}/{len(v)}")


def aman_mmn_checklist_fails_on_time_course() -> str:
    """On every seed the EFNS/PNS 2010 MMN checklist is 'not met' at day 35 and at day 180,
    criterion 1 (slowly progressive weakness for more than a month) is not met and the reason
    names it first: at day 180 always for the acute course (nadir within 4 weeks); at day 35
    for the acute course or, when the weakness is barely a month old, for its duration."""
    def measure(s):
        r = run(AMAN, s)
        out = []
        for day in (35.0, 180.0):
            cl = evaluate(r, day)
            acute = cl.reason.startswith("clinical core 1 not met: acute")
            young = cl.reason.startswith("clinical core not met: Slowly progressive")
            out.append((cl.category, not cl.item("1").met and (acute or (young and day < 42))))
        return out
    return every(over_seeds(AMAN, measure),
                 lambda x: all(c == "not met" and named for c, named in x),
                 "category, criterion 1 named")


def aman_brighton_met() -> str:
    """In at least three of four seeds (and the own seed) the Brighton levels at day 35 are
    level 1 or 2, and on every such seed the CSF at day 35 has raised protein and fewer than
    5 cells per µL."""
    def measure(s):
        r = run(AMAN, s)
        g = evaluate(r, 35.0, criteria="gbs")
        labs = r.labs(35.0).set_index("test")
        return (g.category, float(labs.loc["csf_protein", "value"]),
                float(labs.loc["csf_cells", "value"]))
    v = over_seeds(AMAN, measure)
    return share(v, lambda x: x[0] in ("level 1", "level 2") and x[1] >= 0.45 and x[2] < 5,
                 TYPICAL, "Brighton level, CSF protein, cells")


def aman_ivig_speeds_recovery() -> str:
    """On every seed the MRC sum at six weeks (day 42) with the preset's IVIg course is at
    least the same patient's untreated; in at least three of four seeds (and the own seed)
    the untreated patient is weaker at six weeks, or, where both have fully recovered by then,
    regains the healthy MRC sum later."""
    def measure(s):
        out = []
        for treat in (None, []):
            d, m, _ = _course(run(AMAN, s, treatment=treat))
            j = int(np.searchsorted(d, SIX_WEEKS))
            i = int(np.argmin(m))
            back = np.nonzero(m[i:] >= m[0])[0]  # records at the healthy MRC sum again
            out.append((int(m[j]), float(d[i + back[0]]) if back.size else float("inf")))
        return out
    v = over_seeds(AMAN, measure)
    every(v, lambda x: x[0][0] >= x[1][0], "MRC at six weeks, treated vs untreated")
    return share(v, lambda x: x[0][0] > x[1][0] or x[0][1] < x[1][1], TYPICAL,
                 "untreated weaker at six weeks or slower to full strength")
