"""Stopping IVIg in patients who depend on it, as Hahn et al. 2013 did (12 weeks, placebo).

Targets ``withdrawal.*`` (CLINICAL calibration target 7). Selection is by benefit, not by
responsiveness: every drawn patient whose weaker-hand grip after two years of 1 g/kg every 4
weeks is >= 2 kg above the same patient untreated. Baseline is the first withheld dose
(day 1120); the endpoint is read 12 weeks later.
"""

from __future__ import annotations

import numpy as np

from .stats import Measurement, share, summary
from .traces import Cohorts, Trace

__all__ = ["measure", "stabilised", "BASELINE_DAY", "END_DAY"]

BASELINE_DAY = 1120.0  # 2 years of 4-weekly maintenance from day 392; first withheld dose
END_DAY = BASELINE_DAY + 84  # 12 weeks
BENEFIT_KG = 2.0
RESCUE_LOSS = -20.0  # % grip change that needs rescue treatment


def stabilised(data: Cohorts) -> list[tuple[Trace, Trace, int]]:
    """(continued, withdrawn, more affected hand) of every patient benefiting at baseline."""
    out = []
    for (cont, stop), (_, none) in zip(data.paired("maintenance", "withdrawal"),
                                       data.paired("maintenance", "untreated-2day"),
                                       strict=True):
        h = cont.weaker_hand(BASELINE_DAY)
        if cont.grip_at(BASELINE_DAY, h) - none.grip_at(BASELINE_DAY, h) >= BENEFIT_KG:
            out.append((cont, stop, h))
    return out


def _change(t: Trace, hand: int, day: float) -> float:
    base = t.grip_at(BASELINE_DAY, hand)
    return 100 * (t.grip_at(day, hand) / base - 1) if base > 0 else np.nan


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
        "withdrawal.rescue_stopped": share(stop <= RESCUE_LOSS),
        "withdrawal.rescue_continued": share(cont <= RESCUE_LOSS),
    }
