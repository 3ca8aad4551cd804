"""Treatments that do not help in MMN: prednisolone and plasma exchange.

Targets ``harm.*`` (CLINICAL calibration targets 9 and 10), each patient compared with
the same patient untreated on the same recording grid.
"""

from __future__ import annotations

import numpy as np

from .ivig import WEEK4, first_course
from .stats import Measurement, bootstrap, share, summary
from .traces import Cohorts

__all__ = ["measure"]

PRED_START = 728.0
PRED_WINDOW = (PRED_START + 28, PRED_START + 56)  # weeks 4-8 of the course
PE_FIRST, PE_LAST = 730.0, 738.0  # five exchanges, every 2 days


def _prednisolone(data: Cohorts) -> dict[str, Measurement]:
    worse, better, grip_worse = [], [], []
    for a, b in data.paired("prednisolone-course", "untreated-weekly"):
        h = a.weaker_hand(PRED_START)
        w = bt = False
        for r in range(a.at(PRED_WINDOW[0]), a.at(PRED_WINDOW[1]) + 1):
            d_mrc = int(a.mrc[r]) - int(b.mrc[r])
            ratio = a.grip[r, h] / b.grip[r, h] if b.grip[r, h] > 0 else 1.0
            w |= d_mrc <= -2 or ratio <= 0.9
            bt |= d_mrc >= 2 or ratio >= 1.1
        worse.append(w)
        better.append(bt)
        if w:
            grip_worse.append(a.grip_at(PRED_WINDOW[1], h) - b.grip_at(PRED_WINDOW[1], h))
    return {
        "harm.pred_worse": share(worse),
        "harm.pred_better": share(better),
        "harm.pred_grip": summary(grip_worse, "harm.pred_grip", "median",
                                  empty="no patient was clearly worse"),
    }


def _exchange(data: Cohorts) -> dict[str, Measurement]:
    fall, back, better = [], [], []
    for a, b in data.paired("plasma-exchange", "untreated-daily"):
        base = float(a.igg[a.at(PE_FIRST - 1)])
        lo = float(a.igg[a.at(PE_FIRST):a.at(PE_FIRST + 15) + 1].min())
        fall.append(100 * (1 - lo / base))
        after = np.nonzero((a.days > PE_LAST) & (a.igg >= 0.9 * base))[0]
        back.append(a.days[after[0]] - PE_LAST if after.size else a.days[-1] - PE_LAST)
        h = a.weaker_hand(PE_FIRST)
        better.append(a.grip_at(WEEK4, h) - b.grip_at(WEEK4, h) >= 2.0)
    never = sum(1 for a, d in zip(data.get("plasma-exchange"), back, strict=True)
                if d >= a.days[-1] - PE_LAST)
    return {
        "harm.pe_igg_fall": summary(fall, "harm.pe_igg_fall", "median"),
        "harm.pe_igg_return": summary(back, "harm.pe_igg_return", "median",
                                      f"{never} not back by the last day" if never else ""),
        "harm.pe_benefit": share(better),
    }


def _after_ivig(data: Cohorts) -> Measurement:
    sel = first_course(data)
    pe = {a.index: a for a in data.get("ivig-then-exchange")}
    benefit = np.array([a.grip_at(WEEK4, h) - b.grip_at(WEEK4, h) for a, b, h in sel])
    kept = np.array([pe[a.index].grip_at(WEEK4, h) - b.grip_at(WEEK4, h) for a, b, h in sel])

    def ratio(k: np.ndarray, bn: np.ndarray) -> float:
        den = bn.mean()
        return float(100 * k.mean() / den) if den > 0 else np.nan

    if not sel or benefit.mean() <= 0:
        return share([], empty="the course alone gave no benefit to keep")
    return Measurement(ratio(kept, benefit), bootstrap(ratio, kept, benefit,
                                                       key="harm.pe_after_ivig"), len(sel),
                       f"mean benefit {kept.mean():.1f} kg with exchange vs "
                       f"{benefit.mean():.1f} kg without")


def measure(data: Cohorts) -> dict[str, Measurement]:
    out = _prednisolone(data)
    out.update(_exchange(data))
    out["harm.pe_after_ivig"] = _after_ivig(data)
    return out
