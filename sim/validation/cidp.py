"""Typical CIDP on its first-line treatments: response shares as the trials measured them.

Targets ``cidp.*``. Every cohort draws the same CIDP patients (common random numbers), so a
treated patient is compared with the same patient untreated (the trials' placebo or sham arm).
The trials scored disability on the INCAT scale (ICE, PREDICT) or impairment on the NIS/NDS
(Dyck 1982, Dyck 1986, Hahn 1996); the model has neither, so disability is read on its
ONLS scale (``sim.results.ClinicalArrays.disability``, 0-12) and impairment on the MRC sum. Entry
(the trials enrolled patients with active, disabling disease): disability >= 1 and MRC sum
below 200 on the day before treatment.
"""

from __future__ import annotations

import numpy as np

from .stats import Measurement, share, wilson
from .traces import Cohorts, Trace

__all__ = ["measure", "START", "eligible"]

START = 365.0  # every CIDP cohort starts its treatment on this day
BASE = START - 1.0


def eligible(t: Trace) -> bool:
    """Trial entry: some disability and weakness on the day before treatment."""
    i = t.at(BASE)
    return bool(t.disability[i] >= 1 and t.mrc[i] < 200)


def _disability_better(t: Trace, day: float) -> bool:
    """Disability at ``day`` at least 1 point below the day before treatment."""
    return bool(t.disability[t.at(day)] <= t.disability[t.at(BASE)] - 1)


def _ice(data: Cohorts, key: str) -> Measurement:
    """Improvement >= 1 point that holds at every 3-weekly visit from week 6 to week 24 (ICE
    primary outcome: an improvement maintained through week 24)."""
    visits = [START + 7.0 * w for w in range(6, 25, 3)]
    flags = [all(_disability_better(t, d) for d in visits)
             for t in data.get(key) if eligible(t)]
    return share(flags)


def _mrc_gain(t: Trace, day: float) -> int:
    return int(t.mrc[t.at(day)]) - int(t.mrc[t.at(BASE)])


def _impairment(data: Cohorts, key: str, weeks: float) -> Measurement:
    """MRC sum >= 2 points above the day before treatment ``weeks`` after its start."""
    flags = [_mrc_gain(t, START + 7.0 * weeks) >= 2 for t in data.get(key) if eligible(t)]
    return share(flags)


def _predict(data: Cohorts) -> Measurement:
    """Remission at 12 months (PREDICT): disability >= 1 point better than at entry."""
    flags = [_disability_better(t, START + 365.0) for t in data.get("cidp-prednisolone")
             if eligible(t)]
    return share(flags)


SHAM_ARM = 14  # Dyck 1986: 15 patients on exchange, 14 on sham exchange


def _beyond_sham(data: Cohorts) -> Measurement:
    """Dyck 1986: improvement at 3 weeks greater than in any of the 14 patients on sham
    exchange. The bar is the largest gain of a 14-patient sham arm, not of the whole untreated
    cohort (whose largest gain grows with its size): each exchange patient counts with the
    chance that their gain beats all of 14 patients drawn from the same patients untreated,
    ``F(gain) ** 14``, where ``F`` is the share of untreated gains below it."""
    pairs = [(a, b) for a, b in data.paired("cidp-exchange-3w", "cidp-untreated")
             if eligible(b)]
    if not pairs:
        return share([])
    day = START + 21.0
    sham = np.sort([_mrc_gain(b, day) for _, b in pairs])
    below = np.searchsorted(sham, [_mrc_gain(a, day) for a, _ in pairs], side="left")
    p = (below / sham.size) ** SHAM_ARM
    lo, hi = wilson(float(p.sum()), p.size)
    return Measurement(100.0 * float(p.mean()), (lo, hi), int(p.size),
                       f"expected {p.sum():.1f} of {p.size} beyond a {SHAM_ARM}-patient sham arm; "
                       f"untreated MRC gain: median {np.median(sham):g}, largest {sham[-1]:g}")


def measure(data: Cohorts) -> dict[str, Measurement]:
    return {
        "cidp.ivig_ice": _ice(data, "cidp-ivig"),
        "cidp.ivig_placebo": _ice(data, "cidp-untreated"),
        "cidp.pred_dyck": _impairment(data, "cidp-prednisone", 12),
        "cidp.pred_dyck_untreated": _impairment(data, "cidp-untreated", 12),
        "cidp.pred_predict": _predict(data),
        "cidp.pe_hahn": _impairment(data, "cidp-exchange-4w", 4),
        "cidp.pe_dyck": _beyond_sham(data),
    }
