"""The untreated course: no remission, normal sensory conduction, slow decline, late wasting.

Targets ``course.*`` (CLINICAL calibration targets 4 and 13, and the share of patients whose
conduction study shows block), on ten untreated years.
"""

from __future__ import annotations

import numpy as np

from .. import electro
from ..units import DAYS_PER_YEAR
from .stats import Measurement, not_measured, share, summary
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
        **_blocks(traces),
    }


def _blocks(traces: list[Trace]) -> dict[str, Measurement]:
    """Share of patients whose full study at year 5 shows block in >= 1 nerve (EFNS/PNS
    2010): definite, and definite or probable."""
    reads = [electro.summarize(t.ncs[BLOCK_DAY]) for t in traces]
    return {"course.block_definite": share([r.n_definite_nerves > 0 for r in reads]),
            "course.block_any": share([r.n_block_nerves > 0 for r in reads])}


def _wasting(data: Cohorts) -> Measurement:
    traces = data.get("untreated-weekly")
    if not traces or "wasting" not in traces[0].exam[365.0]:
        return not_measured("the bedside examination reports no wasting, so early and late "
                            "wasting cannot be told apart")
    flags = [bool(t.exam[365.0]["wasting"]) for t in traces if t.grades[365.0].min() <= 4]
    return share(flags, empty="no patient had a weak muscle at year 1")
