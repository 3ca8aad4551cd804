"""Acute motor axonal neuropathy on plasma exchange and IVIg: recovery of walking as the
Guillain-Barré trials measured it.

Targets ``gbs.*``. The trials' patients could not walk at entry; their endpoint was the time
to walking with aid (Chevret 2017, the French Cooperative Group's trial of 220 severely
affected patients) and the share walking with aid after four weeks (three trials, 349
patients). The model reads walking on its ONLS leg grade (``Trace.disability - Trace.arm``):
grade 4 needs support on both sides, grade 5 and above is a wheelchair. Entry: the patients who
cannot walk with aid (leg grade >= 5) on the day before treatment (day 9 of the attack, the
trials' second week, approx.). Every cohort draws the same patients (common random numbers),
so a treated patient is compared with the same patient untreated (the trials' control arm).
The trials were of Guillain-Barré syndrome of every form, most of it demyelinating; the model's
patients are AMAN, so these targets test the size of the treatment effect more than the
natural history.
"""

from __future__ import annotations

import numpy as np

from .stats import Measurement, bootstrap, not_measured
from .traces import Cohorts, Trace

__all__ = ["measure", "START", "WALKS_WITH_AID", "cannot_walk", "gbs_grade"]

START = 10.0  # every treated AMAN cohort starts treatment on this day
BASE = START - 1.0
WALKS_WITH_AID = 4  # ONLS leg grade: walks with support on both sides at most
FOUR_WEEKS = START + 28.0


def _leg(t: Trace) -> np.ndarray:
    return np.asarray(t.disability, int) - np.asarray(t.arm, int)


def cannot_walk(t: Trace) -> bool:
    """Trial entry: cannot walk with aid (ONLS leg grade >= 5) the day before treatment."""
    return bool(_leg(t)[t.at(BASE)] > WALKS_WITH_AID)


def _days_to_walk(t: Trace) -> float:
    """Days from the start of treatment to the first record walking with aid (inf if never)."""
    ok = np.flatnonzero((_leg(t) <= WALKS_WITH_AID) & (t.days >= START))
    return float(t.days[ok[0]] - START) if ok.size else np.inf


def _entered(data: Cohorts, treated: str) -> list[tuple[Trace, Trace]]:
    return [(a, b) for a, b in data.paired(treated, "aman-untreated") if cannot_walk(b)]


def _median_ratio(data: Cohorts, key: str) -> Measurement:
    """Median time to walking with aid untreated over the same on exchange."""
    pairs = _entered(data, "aman-exchange")
    if len(pairs) < 2:
        return not_measured("no patient unable to walk at entry", failed=True)
    pe = np.array([_days_to_walk(a) for a, _ in pairs])
    none = np.array([_days_to_walk(b) for _, b in pairs])

    def ratio(u: np.ndarray, t: np.ndarray) -> float:
        m = float(np.median(t))
        return float(np.median(u)) / m if 0 < m < np.inf else np.nan

    r = ratio(none, pe)
    return Measurement(r, bootstrap(ratio, none, pe, key=key), len(pairs),
                       f"median {np.median(none):.0f} days untreated vs {np.median(pe):.0f} "
                       "on exchange")


def _median_untreated(data: Cohorts, key: str) -> Measurement:
    pairs = _entered(data, "aman-exchange")
    days = np.array([_days_to_walk(b) for _, b in pairs])
    if days.size < 2:
        return not_measured("no patient unable to walk at entry", failed=True)
    walked = np.isfinite(days)
    return Measurement(float(np.median(days)), bootstrap(np.median, days, key=key),
                       int(days.size), f"{int(walked.sum())} of {days.size} walked with aid "
                       "by day 200")


def _four_week_ratio(data: Cohorts, key: str) -> Measurement:
    """Share walking with aid four weeks after entry on exchange over the same untreated."""
    pairs = _entered(data, "aman-exchange")
    if len(pairs) < 2:
        return not_measured("no patient unable to walk at entry", failed=True)
    pe = np.array([_leg(a)[a.at(FOUR_WEEKS)] <= WALKS_WITH_AID for a, _ in pairs], float)
    none = np.array([_leg(b)[b.at(FOUR_WEEKS)] <= WALKS_WITH_AID for _, b in pairs], float)

    def rr(t: np.ndarray, u: np.ndarray) -> float:
        return float(t.mean() / u.mean()) if u.mean() > 0 else np.nan

    r = rr(pe, none)
    return Measurement(None if np.isnan(r) else r, bootstrap(rr, pe, none, key=key),
                       len(pairs), f"{100 * pe.mean():.0f}% on exchange vs "
                       f"{100 * none.mean():.0f}% untreated walk with aid at 4 weeks",
                       reason="" if not np.isnan(r) else "no untreated patient walked",
                       failed=bool(np.isnan(r)))


def gbs_grade(t: Trace, day: float) -> int:
    """The GBS disability grade (Hughes 1978: 0 healthy, 1 minor signs, able to run, 2 walks
    5 m unaided, 3 walks 5 m with aid, 4 chair or bed bound) read from the ONLS leg grade
    (approx.): leg 0-2 as they are, 3-4 (support on one or both sides) as 3, 5 and above as 4.
    Ventilation (grade 5) is not modelled."""
    leg = int(_leg(t)[t.at(day)])
    return leg if leg <= 2 else 3 if leg <= WALKS_WITH_AID else 4


def _ivig_as_exchange(data: Cohorts) -> Measurement:
    """PSGBS 1997: patients who need aid to walk (grade >= 3) the day before treatment; the
    mean improvement in disability grade four weeks after entry on IVIg minus that on
    exchange, the same patients."""
    pe = {a.index: a for a, _ in data.paired("aman-exchange", "aman-untreated")}
    pairs = [(a, pe[b.index]) for a, b in data.paired("aman-ivig", "aman-untreated")
             if b.index in pe and gbs_grade(b, BASE) >= 3]
    if len(pairs) < 2:
        return not_measured("no patient needing aid to walk at entry", failed=True)

    def gain(t: Trace) -> int:
        return gbs_grade(t, BASE) - gbs_grade(t, FOUR_WEEKS)

    ivig = np.array([gain(a) for a, _ in pairs], float)
    ex = np.array([gain(b) for _, b in pairs], float)

    def diff(x: np.ndarray, y: np.ndarray) -> float:
        return float(x.mean() - y.mean())

    return Measurement(diff(ivig, ex), bootstrap(diff, ivig, ex, key="gbs.ivig_vs_exchange"),
                       len(pairs), f"mean improvement {ivig.mean():.2f} grades on IVIg vs "
                       f"{ex.mean():.2f} on exchange")


def measure(data: Cohorts) -> dict[str, Measurement]:
    return {
        "gbs.pe_walk_ratio": _median_ratio(data, "gbs.pe_walk_ratio"),
        "gbs.untreated_walk_days": _median_untreated(data, "gbs.untreated_walk_days"),
        "gbs.pe_walk_4wk": _four_week_ratio(data, "gbs.pe_walk_4wk"),
        "gbs.ivig_vs_exchange": _ivig_as_exchange(data),
    }
