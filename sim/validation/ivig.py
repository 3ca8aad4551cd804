"""A first 2 g/kg IVIg course at year 2: who responds, by how much, how fast, how long.

Targets ``ivig.*`` (CLINICAL calibration targets 5, 6 and 11, and Federico 2000's block
change). Every benefit is the same patient's weaker-hand grip on IVIg minus untreated, on the
same daily grid, as the placebo-controlled trials compared it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..anatomy import ANATOMY
from .stats import Measurement, share, summary
from .traces import Cohorts, Trace

__all__ = ["measure", "first_course", "benefit_curve", "COURSE_DAY", "HORIZON_DAYS"]

COURSE_DAY = 730.0  # the course begins at year 2
WEEK4 = COURSE_DAY + 28
HAND_WEAK = 0.8  # weaker grip below 80% of healthy: the trials' patients had hand weakness
RESPONSE_KG = 2.0  # responder: >= 2 kg above untreated at 4 weeks
HORIZON_DAYS = 84  # peaks and half-peaks are looked for within 12 weeks
BLOCKED = 30.0  # segments blocked >= 30% before the course


def first_course(data: Cohorts, cohort: str = "single-course") -> list[tuple[Trace, Trace, int]]:
    """(treated, untreated, weaker hand) for every patient with hand weakness at day 730."""
    return [(a, b, a.weaker_hand(COURSE_DAY)) for a, b in data.paired(cohort, "untreated-daily")
            if a.weak_hand_at(COURSE_DAY, HAND_WEAK)]


def benefit_curve(a: Trace, b: Trace, hand: int, start: float, days: int) -> np.ndarray:
    """Grip of ``hand`` on treatment minus untreated, days 0..days after ``start``."""
    return np.array([a.grip_at(start + d, hand) - b.grip_at(start + d, hand)
                     for d in range(days + 1)])


def measure(data: Cohorts) -> dict[str, Measurement]:
    sel = first_course(data)
    gain = [a.grip_at(WEEK4, h) - a.grip_at(COURSE_DAY, h) for a, _, h in sel]
    still = [b.grip_at(WEEK4, h) - b.grip_at(COURSE_DAY, h) for _, b, h in sel]
    early = [np.mean([a.grip_at(COURSE_DAY + d, h) - b.grip_at(COURSE_DAY + d, h)
                      for d in (8, 9, 10)]) for a, b, h in sel]
    responder = [a.grip_at(WEEK4, h) - b.grip_at(WEEK4, h) >= RESPONSE_KG for a, b, h in sel]
    improved = [a.disability[a.at(WEEK4)] < a.disability[a.at(COURSE_DAY)] for a, _, _ in sel]
    out = {
        "ivig.disability_improved": share(improved),
        "ivig.responders": share(responder),
        "ivig.grip_gain": summary(gain, "ivig.grip_gain"),
        "ivig.untreated_change": summary(still, "ivig.untreated_change"),
        "ivig.day_8_10": summary(early, "ivig.day_8_10"),
    }
    out.update(_wear_off([s for s, r in zip(sel, responder, strict=True) if r]))
    out.update(_block(sel, gain))
    return out


def _wear_off(responders: list[tuple[Trace, Trace, int]]) -> dict[str, Measurement]:
    """Day-5 share of peak, peak day and half-peak day of each responder's benefit."""
    curves, day5, peak_day, half_day = [], [], [], []
    censored = 0
    for a, b, h in responders:
        c = benefit_curve(a, b, h, COURSE_DAY, int(a.days[-1] - COURSE_DAY))
        k = int(np.argmax(c[:HORIZON_DAYS + 1]))
        peak = c[k]
        below = np.nonzero(c[k:] < peak / 2)[0]
        curves.append(c[:HORIZON_DAYS + 1] / peak * 100)
        day5.append(100 * c[5] / peak)
        peak_day.append(k)
        half_day.append(k + below[0] if below.size else c.size - 1)
        censored += not below.size
    curve = None
    if curves:
        m = np.vstack(curves)
        curve = {"day": list(range(HORIZON_DAYS + 1)),
                 "median": np.round(np.median(m, axis=0), 2).tolist(),
                 "q25": np.round(np.percentile(m, 25, axis=0), 2).tolist(),
                 "q75": np.round(np.percentile(m, 75, axis=0), 2).tolist(),
                 "n": len(curves)}
    half = summary(half_day, "ivig.half_day", "median",
                   f"{censored} still above half at the last day" if censored else "")
    return {
        "ivig.day5_share": summary(day5, "ivig.day5_share", "median"),
        "ivig.peak_day": summary(peak_day, "ivig.peak_day", "median"),
        "ivig.half_day": Measurement(half.value, half.ci, half.n, half.detail, half.reason,
                                     half.failed, curve),
    }


def _segments(study: pd.DataFrame) -> pd.DataFrame:
    """Motor segments of a study (rows with a block value), keyed by side, nerve, point."""
    m = study[(study["kind"] == "motor") & study["block_pct"].notna()]
    return m.set_index(["side", "nerve", "stim_site"])[["block_pct", "grade"]]


def _block(sel: list[tuple[Trace, Trace, int]], gain: list[float]) -> dict[str, Measurement]:
    before_all, after_all, definite = [], [], []
    for a, _, _ in sel:
        before, after = _segments(a.ncs[729.0]), _segments(a.ncs[758.0])
        both = before.join(after.add_suffix("_after"), how="inner")
        blocked = both[both["block_pct"] >= BLOCKED]
        before_all += blocked["block_pct"].tolist()
        after_all += blocked["block_pct_after"].tolist()
        defs = both[both["grade"] == "definite"]
        definite += (defs["grade_after"] == "none").tolist()
    change = np.array(after_all) - np.array(before_all)
    out = {
        "ivig.block_change": summary(change, "ivig.block_change",
                                     empty="no segment was blocked >= 30% before the course"),
        "ivig.definite_to_none": share(definite, empty="no definite block before the course"),
    }
    # Per blocked segment: the relative gain in strength of the muscle the study records from
    # (its units cross that segment) against the segment's relative fall in block.
    strength_rel, block_rel = [], []
    for a, _, _ in sel:
        before, after = _segments(a.ncs[729.0]), _segments(a.ncs[758.0])
        both = before.join(after.add_suffix("_after"), how="inner")
        for (side, nerve, _), row in both[both["block_pct"] >= BLOCKED].iterrows():
            m = ANATOMY.muscle_index[(side, ANATOMY.nerve_by_name[nerve].recorded)]
            s0, s1 = float(a.strength[729.0][m]), float(a.strength[758.0][m])
            strength_rel.append(s1 / max(s0, 1e-3) - 1)
            block_rel.append(1 - row["block_pct_after"] / row["block_pct"])
    if strength_rel:
        g, bl = 100 * float(np.median(strength_rel)), 100 * float(np.median(block_rel))
        out["ivig.strength_vs_block"] = Measurement(
            float(g > bl), None, len(strength_rel), f"median strength of the recorded muscle "
            f"{g:+.1f}% vs block reduced by {bl:.1f}% of its size ({len(strength_rel)} "
            "segments)")
    else:
        out["ivig.strength_vs_block"] = share([], empty="no blocked segment")
    return out
