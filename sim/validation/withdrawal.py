"""Stopping IVIg in patients who depend on it, as Hahn et al. 2013 did (12 weeks, placebo).

Targets ``withdrawal.*``. Selection is by benefit, not by responsiveness: every drawn patient
whose weaker-hand grip after two years of 1 g/kg every 4 weeks is >= 2 kg above the same
patient untreated. The trial's patients were established on IVIg, so the loading course comes
after the median delay to IVIg (day 2118, :data:`~.cohorts.ESTABLISHED_SHIFT`). Baseline is the
first withheld dose (day 2874); the endpoint is read 12 weeks later.

Rescue is a >= 20% grip loss. Hahn's patients switched to open-label IVIg on "deterioration",
which a loss of function counts as too; the rescue note gives that share as well (a daily
arm task able at baseline and lost within the 12 weeks), but the target keeps the grip rule.
"""

from __future__ import annotations

import numpy as np

from ..clinical import MILESTONES
from .cohorts import ESTABLISHED_SHIFT
from .stats import Measurement, share, summary
from .traces import Cohorts, Trace

__all__ = ["measure", "stabilised", "BASELINE_DAY", "END_DAY"]

BASELINE_DAY = 1120.0 + ESTABLISHED_SHIFT  # 2 years of 4-weekly maintenance; first withheld dose
END_DAY = BASELINE_DAY + 84  # 12 weeks
BENEFIT_KG = 2.0
RESCUE_LOSS = -20.0  # % grip change that needs rescue treatment


def stabilised(data: Cohorts) -> list[tuple[Trace, Trace, int]]:
    """(continued, withdrawn, more affected hand) of every patient benefiting at baseline."""
    out = []
    for (cont, stop), (_, none) in zip(data.paired("established", "withdrawal"),
                                       data.paired("established", "untreated-established"),
                                       strict=True):
        h = cont.weaker_hand(BASELINE_DAY)
        if cont.grip_at(BASELINE_DAY, h) - none.grip_at(BASELINE_DAY, h) >= BENEFIT_KG:
            out.append((cont, stop, h))
    return out


def _change(t: Trace, hand: int, day: float) -> float:
    base = t.grip_at(BASELINE_DAY, hand)
    return 100 * (t.grip_at(day, hand) / base - 1) if base > 0 else np.nan


def lost_arm_task(t: Trace) -> bool:
    """A daily arm task (a milestone) able at baseline is lost at some record of the 12 weeks."""
    a, b = t.at(BASELINE_DAY), t.at(END_DAY)
    return any(bool(t.status[m.key][a, s]) and not bool(t.status[m.key][a:b + 1, s].all())
               for m in MILESTONES if m.limb == "arm" and m.key in t.status for s in range(2))


def _rescue(changes: np.ndarray, traces: list[Trace]) -> Measurement:
    m = share(changes <= RESCUE_LOSS)
    if not traces:
        return m
    either = np.mean([c <= RESCUE_LOSS or lost_arm_task(t) for c, t in zip(changes, traces,
                                                                          strict=True)])
    return Measurement(m.value, m.ci, m.n, f"{m.detail}; {100 * either:.0f}% counting a lost "
                       "arm task as deterioration too", m.reason, m.failed, m.curve)


def measure(data: Cohorts) -> dict[str, Measurement]:
    sel = stabilised(data)
    stop = np.array([_change(s, h, END_DAY) for _, s, h in sel])
    cont = np.array([_change(c, h, END_DAY) for c, _, h in sel])
    days = list(range(0, 85, 7))
    curve = None
    if sel:
        curve = {
            "day": days,
            "stopped": [round(float(np.mean([_change(s, h, BASELINE_DAY + d) for _, s, h in sel])),
                              2) for d in days],
            "continued": [round(float(np.mean([_change(c, h, BASELINE_DAY + d)
                                               for c, _, h in sel])), 2) for d in days],
            "n": len(sel),
        }
    grip = summary(stop, "withdrawal.grip_stopped")
    return {
        "withdrawal.grip_stopped": Measurement(grip.value, grip.ci, grip.n, grip.detail,
                                               grip.reason, grip.failed, curve),
        "withdrawal.grip_continued": summary(cont, "withdrawal.grip_continued"),
        "withdrawal.rescue_stopped": _rescue(stop, [s for _, s, _ in sel]),
        "withdrawal.rescue_continued": _rescue(cont, [c for c, _, _ in sel]),
    }
