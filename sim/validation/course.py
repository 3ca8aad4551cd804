"""The untreated course: no remission, normal sensory conduction, slow decline, late wasting.

Targets ``course.*`` (CLINICAL calibration targets 4 and 13, and the share of patients whose
conduction study shows block), on ten untreated years.
"""

from __future__ import annotations

import numpy as np

from .. import electro
from ..units import DAYS_PER_YEAR
from .stats import Measurement, bootstrap, not_measured, share, summary
from .traces import Cohorts, Trace

__all__ = ["measure"]

STUDY_DAYS = (365.0, 1826.0, 3652.0)  # full studies at years 1, 5 and 10
BLOCK_DAY = 1826.0  # year 5: near the cohorts' 5.5-5.9 years of disease when studied


def measure(data: Cohorts) -> dict[str, Measurement]:
    traces = data.get("untreated-weekly")
    remits = []
    decline = []
    for t in traces:
        yearly = np.array([t.mrc[t.at(k * DAYS_PER_YEAR)] for k in range(11)])
        # a yearly MRC sum above any earlier one is a (partial) remission
        remits.append(bool((yearly[1:] > np.minimum.accumulate(yearly)[:-1]).any()))
        decline.append((yearly[1] - yearly[8]) / 7.0)
    sensory = [all(electro.summarize(t.ncs[d]).sensory_normal for d in STUDY_DAYS)
               for t in traces]
    return {
        "course.no_remission": share(remits),
        "course.sensory_normal": share(sensory),
        "course.decline": summary(decline, "course.decline"),
        "course.wasting_late": _wasting(data),
        "course.treated_vs_untreated": _treated_vs_untreated(data),
        **_blocks(traces),
    }


def _trough_decline(t) -> float:
    """MRC sum points lost per year from year 2 to year 9, each read as the lowest MRC sum in
    the 4 weeks before the anniversary (the trough of a 4-weekly regimen)."""
    def low(day: float) -> int:
        return int(t.mrc[t.at(day - 28):t.at(day) + 1].min())
    return (low(2 * DAYS_PER_YEAR) - low(9 * DAYS_PER_YEAR)) / 7.0


def _treated_vs_untreated(data: Cohorts) -> Measurement:
    """Taylor 2000's contrast: mean decline untreated over mean decline on maintenance IVIg,
    the same patients."""
    pairs = data.paired("maintenance-long", "untreated-weekly")
    treated = np.array([_trough_decline(a) for a, _ in pairs])
    untreated = np.array([_trough_decline(b) for _, b in pairs])

    def ratio(u: np.ndarray, t: np.ndarray) -> float:
        return float(np.mean(u) / np.mean(t)) if np.mean(t) > 0 else np.nan

    r = ratio(untreated, treated)
    return Measurement(
        None if np.isnan(r) else r, bootstrap(ratio, untreated, treated,
                                              key="course.treated_vs_untreated"),
        len(pairs), f"mean decline {untreated.mean():.2f} MRC points/year untreated vs "
        f"{treated.mean():.2f} on maintenance", reason="" if not np.isnan(r) else
        "no decline on maintenance to compare with", failed=bool(np.isnan(r)))


def _blocks(traces: list[Trace]) -> dict[str, Measurement]:
    """Block on the full studies (EFNS/PNS 2010), each measured as its paper counted it.

    Definite (Löscher 2018, a register of diagnosed MMN whose "definite motor conduction
    blocks were found" over each patient's course): among the patients with definite or
    probable block on any of the studies at years 1, 5 and 10 (those the criteria diagnose),
    the share with definite block on at least one. Definite or probable (Nobile-Orazio 2002,
    consecutive patients with the clinical picture, studied once): every patient, the study at
    year 5."""
    reads = [[electro.summarize(t.ncs[d]) for d in STUDY_DAYS] for t in traces]
    diagnosed = [r for r in reads if any(s.n_block_nerves > 0 for s in r)]
    at5 = [r[STUDY_DAYS.index(BLOCK_DAY)] for r in reads]
    return {"course.block_definite": share([any(s.n_definite_nerves > 0 for s in r)
                                            for r in diagnosed],
                                           empty="no patient had block on any study"),
            "course.block_any": share([r.n_block_nerves > 0 for r in at5])}


def _wasting(data: Cohorts) -> Measurement:
    traces = data.get("untreated-weekly")
    if not traces or "wasting" not in traces[0].exam[365.0]:
        return not_measured("the bedside examination reports no wasting, so early and late "
                            "wasting cannot be told apart")
    flags = [bool(t.exam[365.0]["wasting"]) for t in traces if t.grades[365.0].min() <= 4]
    return share(flags, empty="no patient had a weak muscle at year 1")
