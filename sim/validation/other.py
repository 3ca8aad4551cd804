"""The rest: the hypothetical complement inhibitor, fasciculations, milestones and mimics.

Targets ``other.*``. Milestones are read as the dashboard shows them (``Run.arrays``), so
any smoothing of the read-outs is measured as a user sees it.
"""

from __future__ import annotations

import numpy as np

from .. import diseases, simulate
from ..diagnosis import evaluate
from ..scenario import parse_scenario
from ..units import DAYS_PER_YEAR
from .ivig import COURSE_DAY, benefit_curve, first_course
from .stats import Measurement, not_measured, share, summary
from .traces import Cohorts, Trace

__all__ = ["measure", "milestone_key", "losses"]

MIMIC_PATIENTS, MIMIC_YEARS = 10, 5


def milestone_key(traces: list[Trace], word: str) -> str | None:
    """The key of the milestone whose key contains ``word`` (None if there is none)."""
    keys = traces[0].status if traces else {}
    return next((k for k in keys if word in k), None)


def losses(col: np.ndarray) -> np.ndarray:
    """Record indices at which a (records,) milestone column turns from True to False."""
    return np.nonzero(col[:-1] & ~col[1:])[0] + 1


def _complement(data: Cohorts) -> Measurement:
    half, day0 = [], []
    for a, b, h in first_course(data, "complement"):
        c = benefit_curve(a, b, h, COURSE_DAY, 28)
        if c[28] >= 0.5:
            half.append(int(np.nonzero(c >= c[28] / 2)[0][0]))
            day0.append(100 * c[0] / c[28])
    detail = f"on the first day the benefit is {np.median(day0):.0f}% of its day-28 value" \
        if day0 else ""
    return summary(half, "other.complement_onset", "median", detail,
                   empty="no patient with hand weakness gained >= 0.5 kg within 4 weeks")


def _fasciculations(data: Cohorts) -> Measurement:
    exams = [t.exam[730.0] for t in data.get("untreated-weekly")]
    if exams and not {"fasciculations", "cramps"} & set(exams[0]):
        return not_measured("the bedside examination reports neither fasciculations nor cramps")
    return share([bool(e.get("fasciculations") or e.get("cramps")) for e in exams])


def _button(data: Cohorts) -> Measurement:
    traces = data.get("untreated-weekly")
    key = milestone_key(traces, "button")
    if key is None:
        return not_measured("the model has no 'button a shirt' milestone")
    high = []
    for t in traces:
        weaker = t.grip.min(axis=1) / t.patient.baseline_grip_kg
        for side in range(2):
            high += [bool(weaker[r] > 0.7) for r in losses(t.status[key][:, side])]
    if not high:
        return Measurement(0.0, None, 0, "no patient lost the milestone in 10 years")
    return share(high)


def _flicker(data: Cohorts) -> Measurement:
    over = []
    for t in data.get("maintenance"):
        for year in (1, 2):  # years 2 and 3 from onset, on maintenance
            a, b = t.at(year * DAYS_PER_YEAR), t.at((year + 1) * DAYS_PER_YEAR)
            counts = [losses(col[a:b + 1, s]).size for col in t.status.values() for s in range(2)]
            over.append(max(counts, default=0) > 2)
    return share(over)


def _mimics() -> Measurement:
    kinds = [k for k in diseases.kinds() if k != diseases.DEFAULT_KIND]
    if not kinds:
        return not_measured("no disease other than MMN is registered, so there is no mimic "
                            "to tell apart")
    flags, names = [], []
    for kind in kinds:
        sc = parse_scenario({"scenario": {"years": MIMIC_YEARS}, "disease": {"kind": kind}})
        for s in range(MIMIC_PATIENTS):
            run = simulate(sc, seed=s + 1)
            flags.append(evaluate(run, sc.days).category in ("definite", "probable"))
        names.append(kind)
    m = share(flags)
    return Measurement(m.value, m.ci, m.n, f"{m.detail}; diseases: {', '.join(names)}")


def measure(data: Cohorts) -> dict[str, Measurement]:
    return {
        "other.complement_onset": _complement(data),
        "other.fasciculations": _fasciculations(data),
        "other.button_threshold": _button(data),
        "other.milestone_flicker": _flicker(data),
        "other.mimics": _mimics(),
    }
