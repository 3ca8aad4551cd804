"""Reference cohorts: the scenarios the targets are measured on, each simulated once.

Why scenario files: a reference cohort is an ordinary scenario (``cohorts/*.toml`` beside
this module, or a preset), so anyone can re-run it with ``mmn-sim cohort FILE --n N --seed
S``. Every cohort is drawn by the population sampler with the same root seed, so patient *i*
is the same person in every cohort (common random numbers): a treated cohort is compared with
the same patients untreated, on the same recording grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..scenario import Scenario, load_scenario

__all__ = ["COHORT_DIR", "ReferenceCohort", "COHORTS", "ESTABLISHED_SHIFT", "ESTABLISHED_BASELINE",
           "RUNGS", "Rung", "cohort"]

COHORT_DIR = Path(__file__).resolve().parent / "cohorts"


@dataclass(frozen=True)
class ReferenceCohort:
    """One reference cohort: a scenario file plus overrides, and what to keep of each patient."""

    key: str
    source: str  # a file in cohorts/ (with .toml) or a preset name
    overrides: tuple[tuple[str, Any], ...] = ()
    scale: float = 1.0  # patients = ceil(scale * n)
    seeds: int = 0  # > 0: patient 0 of this many seeds (seed, seed + 1, ...) instead
    ncs_days: tuple[float, ...] = ()  # full nerve conduction studies kept on these days
    exam_days: tuple[float, ...] = ()  # bedside examinations kept on these days
    grade_days: tuple[float, ...] = ()  # MRC grades of every muscle kept on these days

    def scenario(self) -> Scenario:
        """The scenario, overrides applied (validated like any scenario)."""
        base = load_scenario(COHORT_DIR / self.source if self.source.endswith(".toml")
                             else self.source)
        return base.with_overrides(dict(self.overrides), source=self.key) if self.overrides \
            else base

    def size(self, n: int) -> int:
        """Patients (or seeds) simulated when the report is run with ``n``."""
        return self.seeds if self.seeds else max(1, math.ceil(self.scale * n))

    def describe(self, n: int, seed: int) -> str:
        """How to reproduce the cohort, in words."""
        where = f"cohorts/{self.source}" if self.source.endswith(".toml") else \
            f"preset '{self.source}'"
        if self.overrides:
            where += " with " + ", ".join(f"{k} = {v!r}" for k, v in self.overrides)
        if self.seeds:
            return f"{where}; patient 0 of seeds {seed} to {seed + self.seeds - 1}"
        return f"{where}; patients 0 to {self.size(n) - 1} of seed {seed}"


def _variant(key: str, source: str, **overrides: Any) -> ReferenceCohort:
    return ReferenceCohort(key, source, tuple(overrides.items()))


# Maintenance variants share the loading course at day 364; every cycle starts on day 756.
_Q2 = {"treatment.1.start_day": 378, "treatment.1.every_days": 14,
       "treatment.1.dose_g_per_kg": 0.5, "scenario.years": 3.1}
_Q8 = {"treatment.1.start_day": 420, "treatment.1.every_days": 56,
       "treatment.1.dose_g_per_kg": 2.0, "scenario.years": 3.1}
DOSES_PER_4_WEEKS = (0.4, 0.8, 1.2, 1.6, 2.4)  # g/kg per 4 weeks, given every 2 weeks

# Hahn 2013 withdrew IVIg from patients established on it, and IVIg starts a median 5.8 years
# after onset (Löscher 2018), so the withdrawal cohorts give the loading course on day 2118
# rather than 364: the same regimen, shifted; maintenance starts on day 2146 and every rung of
# the titration ladder below has an infusion due on the baseline day, 756 days later.
ESTABLISHED_SHIFT = 1754  # days
ESTABLISHED_BASELINE = 392.0 + ESTABLISHED_SHIFT + 756  # day 2902: the first withheld dose
_YEARS_ESTABLISHED = 8.25  # to 12 weeks past the baseline and a little more


@dataclass(frozen=True)
class Rung:
    """One maintenance regimen of the titration ladder (Hahn 2013: 0.5-2.4 g/kg a month,
    every 2, 3 or 4 weeks)."""

    key: str
    every_days: float
    dose_g_per_kg: float

    @property
    def label(self) -> str:
        return f"{self.dose_g_per_kg:g} g/kg every {self.every_days / 7:g} weeks"


RUNGS = (Rung("q4", 28.0, 1.0), Rung("q3", 21.0, 1.0), Rung("q2", 14.0, 1.0),
         Rung("q2-high", 14.0, 1.2))


def _established(rung: Rung, withdrawn: bool) -> ReferenceCohort:
    until = ESTABLISHED_BASELINE - 1 if withdrawn else 1300 + ESTABLISHED_SHIFT + 100
    return _variant(f"{'withdrawal' if withdrawn else 'established'}-{rung.key}",
                    "maintenance.toml", **{
                        "treatment.0.start_day": 364 + ESTABLISHED_SHIFT,
                        "treatment.1.start_day": 392 + ESTABLISHED_SHIFT,
                        "treatment.1.every_days": rung.every_days,
                        "treatment.1.dose_g_per_kg": rung.dose_g_per_kg,
                        "treatment.1.until_day": until,
                        "scenario.years": _YEARS_ESTABLISHED})


COHORTS: dict[str, ReferenceCohort] = {c.key: c for c in (
    ReferenceCohort("population", "population.toml", scale=4.0),
    ReferenceCohort("untreated-weekly", "untreated-weekly.toml", ncs_days=(365.0, 1826.0, 3652.0),
                    exam_days=(365.0, 730.0), grade_days=(365.0, 1096.0)),
    ReferenceCohort("untreated-daily", "untreated-daily.toml"),
    ReferenceCohort("untreated-2day", "untreated-2day.toml"),
    ReferenceCohort("single-course", "single-course.toml", ncs_days=(729.0, 758.0)),
    ReferenceCohort("maintenance", "maintenance.toml"),
    ReferenceCohort("maintenance-long", "maintenance-long.toml"),
    *(_established(r, w) for r in RUNGS for w in (False, True)),
    _variant("untreated-established", "untreated-2day.toml",
             **{"scenario.years": _YEARS_ESTABLISHED}),
    ReferenceCohort("maintenance-2w", "maintenance.toml", tuple(_Q2.items())),
    ReferenceCohort("maintenance-8w", "maintenance.toml", tuple(_Q8.items())),
    ReferenceCohort("scig-weekly", "scig.toml"),
    ReferenceCohort("scig-switch", "scig-switch.toml"),
    *(_variant(f"dose-response-{d:g}", "dose-response.toml",
               **{"treatment.0.dose_g_per_kg": d / 2}) for d in DOSES_PER_4_WEEKS),
    ReferenceCohort("early-ivig", "early-ivig.toml"),
    _variant("late-ivig", "early-ivig.toml", **{"treatment.0.start_day": 2191,
                                                 "treatment.1.start_day": 2219}),
    ReferenceCohort("prednisolone-course", "prednisolone.toml"),
    ReferenceCohort("plasma-exchange", "plasma-exchange.toml"),
    ReferenceCohort("ivig-then-exchange", "ivig-then-exchange.toml"),
    ReferenceCohort("complement", "complement.toml"),
    ReferenceCohort("no-response", "no-response.toml"),
    ReferenceCohort("dose-creep", "ivig-dose-creep", seeds=20),
    *(ReferenceCohort(k, f"{k}.toml") for k in (
        "cidp-untreated", "cidp-ivig", "cidp-prednisone", "cidp-prednisolone",
        "cidp-exchange-4w", "cidp-exchange-3w", "aman-untreated", "aman-exchange",
        "aman-ivig")),
)}


def cohort(key: str) -> ReferenceCohort:
    """The reference cohort with this key (KeyError names the known keys)."""
    try:
        return COHORTS[key]
    except KeyError:
        raise KeyError(f"unknown reference cohort {key!r}; known: {', '.join(COHORTS)}") \
            from None
