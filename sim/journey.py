"""The diagnostic journey: first symptom, first consultation and diagnosis of one patient.

Why: day 0 is the first lesion, not the day anyone knew. A patient first notices weakness
some weeks or months later, sees a doctor, and is diagnosed years after that: in an Austrian
nationwide cohort the delay from first symptom to diagnosis was 5.5 years on average (SD 8.4;
Löscher et al. 2018). The journey is worked out after the run from the recorded strength and
the patient's own ``journey`` random stream, so it never changes the disease's draws.

Rules (each day is a recorded day, so the state on it is exact):

* **first symptom**: the first record with a muscle below MRC 5 (weakness the patient and an
  examiner can notice), at the weakest muscle;
* **first consultation**: a drawn patient's delay after it, never after the diagnosis;
* **diagnosis**: the scenario's ``diagnosis_day`` if set; else the first symptom plus the
  delay (``delay_years`` if set, else drawn with mean ``mean_delay_years``). A treatment is only
  started once the disease is diagnosed, so the day before the first treatment is the latest
  diagnosis day unless the scenario pins another. A diagnosis after the run's end is not made.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .units import DAYS_PER_YEAR

__all__ = ["JourneyParams", "Journey", "draw", "plan"]


@dataclass(frozen=True)
class JourneyParams:
    """How long the road to a diagnosis is; the source of each value beside it."""

    # Delay from first symptom to diagnosis: mean 5.5 y, SD 8.4 (Löscher et al. 2018), drawn
    # log-normal (a long right tail: some patients wait decades) with that mean and spread.
    mean_delay_years: float = 5.5
    delay_cv: float = 8.4 / 5.5  # Löscher et al. 2018: SD / mean
    # Patient's delay before the first consultation: log-normal, mean 6 months. (approx.)
    consultation_mean_years: float = 0.5
    consultation_log_sd: float = 1.0  # (approx.)
    delay_years: float | None = None  # fixed delay (a scenario's [journey] delay_years)
    diagnosis_day: float | None = None  # fixed day (a scenario's [journey] diagnosis_day)


@dataclass(frozen=True)
class Journey:
    """The journey's days (None: not within the run) and what the patient noticed first."""

    first_symptom: float | None
    first_consultation: float | None
    diagnosis: float | None
    delay_years: float  # the delay this patient would have (drawn or fixed)
    first_weak: tuple[str, str, float] | None  # (side, muscle, strength 0-1) at first symptom


def draw(rng: np.random.Generator, params: JourneyParams) -> tuple[float, float]:
    """(delay to diagnosis, delay to first consultation) in years from the first symptom.

    Always consumes two standard normals, so fixing the delay never shifts other draws.
    """
    z = rng.standard_normal(2)
    mean = params.mean_delay_years
    if mean > 0:
        sigma = math.sqrt(math.log1p(params.delay_cv**2))
        delay = math.exp(math.log(mean) - sigma**2 / 2 + sigma * float(z[0]))
    else:
        delay = 0.0
    s = params.consultation_log_sd
    consult = params.consultation_mean_years * math.exp(s * float(z[1]) - s**2 / 2)
    if params.delay_years is not None:
        delay = params.delay_years
    return delay, min(consult, delay)


def _on_or_before(days: np.ndarray, day: float, exact: Sequence[float] = ()) -> float:
    """``day`` itself if a test was scheduled on it, else the last record on or before it."""
    if any(abs(d - day) < 1e-9 for d in exact):
        return float(day)
    i = int(np.searchsorted(days, day + 1e-9, side="right")) - 1
    return float(days[max(i, 0)])


def plan(
    days: np.ndarray,
    weakest: tuple[int, str, str, float] | None,
    draws: tuple[float, float],
    params: JourneyParams,
    first_treatment_day: float | None,
    study_days: Sequence[float] = (),
) -> Journey:
    """The journey of one patient from its record ``days`` and the first weak record.

    ``weakest`` is (record index, side, muscle, strength) of the first record with a muscle
    below MRC 5, or None if no muscle ever weakens.
    """
    delay, consult = draws
    end = float(days[-1])
    symptom = float(days[weakest[0]]) if weakest is not None else None
    if params.diagnosis_day is not None:
        target = params.diagnosis_day
    else:
        target = math.inf if symptom is None else symptom + delay * DAYS_PER_YEAR
        if first_treatment_day is not None and first_treatment_day < target:
            target = max(0.0, first_treatment_day - 1e-6)  # work-up before the first dose
    diagnosis = _on_or_before(days, target, study_days) if target <= end + 1e-9 else None
    if symptom is not None and diagnosis is not None and symptom > diagnosis:
        symptom = None  # diagnosed (by the scenario's choice) before any weakness was noticed
    consultation = None
    if symptom is not None:
        c = symptom + consult * DAYS_PER_YEAR
        if diagnosis is not None:
            c = min(c, diagnosis)
        if c <= end + 1e-9:
            consultation = max(symptom, _on_or_before(days, c, study_days))
    first_weak = (weakest[1], weakest[2], weakest[3]) if weakest and symptom is not None else None
    return Journey(symptom, consultation, diagnosis, delay, first_weak)
