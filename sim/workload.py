"""How much work a scenario asks of the simulator, estimated before anything runs.

Why: the dashboard serves a whole class from one process, so a scenario that would keep it
busy for many seconds (an upload with dozens of daily entries, a record every day for 40
years) is refused with a message instead of being run, and the other students' sliders stay
quick. The estimate counts what a run's cost grows with: records on the time grid, treatment
days and nerve conduction studies. The coefficients are medians measured by
``benchmarks/bench_workload.py`` on a 2-core laptop-class machine (simulation and tables of one
patient); that script prints them again, and how well the estimate tracks real runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .scenario import Scenario

__all__ = [
    "DASHBOARD_MEGABYTES",
    "DASHBOARD_SECONDS",
    "MEGABYTES_PER_RECORD",
    "SECONDS_BASE",
    "SECONDS_PER_RECORD",
    "SECONDS_PER_STUDY",
    "SECONDS_PER_TREATMENT_DAY",
    "Workload",
    "estimate",
]

# Measured by benchmarks/bench_workload.py (seconds for one patient).
SECONDS_BASE = 0.02
SECONDS_PER_RECORD = 20e-6  # one step of the record grid: every muscle and lesioned site
SECONDS_PER_TREATMENT_DAY = 4e-6  # one dose, exchange or infusion day
SECONDS_PER_STUDY = 2.6e-3  # one nerve conduction study of every nerve
MEGABYTES_PER_RECORD = 0.0043  # a run with its tables, as the dashboard's cache stores it
# The dashboard simulates up to four plans of a patient (compare page) and writes two zips
# (export page), a few times one run's work; a scenario estimated above this is refused there,
# which keeps any page within a few seconds. The presets are estimated at 0.03-0.05 s.
DASHBOARD_SECONDS = 0.5
# The dashboard keeps recent runs in memory for every session; this caps what one run may
# hold there (the presets hold 1-5 MB; 40 years recorded weekly, 9 MB).
DASHBOARD_MEGABYTES = 16.0


@dataclass(frozen=True)
class Workload:
    """What one patient of a scenario costs to simulate, in countable units."""

    records: int
    treatment_days: int
    studies: int

    @property
    def seconds(self) -> float:
        """Estimated seconds for one patient (simulation and tables)."""
        return (SECONDS_BASE + self.records * SECONDS_PER_RECORD
                + self.treatment_days * SECONDS_PER_TREATMENT_DAY
                + self.studies * SECONDS_PER_STUDY)

    @property
    def megabytes(self) -> float:
        """Estimated memory of one patient's run and tables."""
        return self.records * MEGABYTES_PER_RECORD

    def fits_dashboard(self) -> bool:
        return self.seconds <= DASHBOARD_SECONDS and self.megabytes <= DASHBOARD_MEGABYTES

    def describe(self) -> str:
        """The estimate in words, for a refusal message."""
        return (f"this scenario would take about {self.seconds:.1f} s and {self.megabytes:.0f} "
                f"MB to simulate ({self.records:,} records, {self.treatment_days:,} treatment "
                f"days, {self.studies} studies)")


def estimate(scenario: Scenario) -> Workload:
    """The work of one patient of ``scenario``, counted without running it."""
    days = scenario.days
    daily = min(days, scenario.scenario.daily_until_day or 0.0)  # extra daily records
    return Workload(
        records=int(days // scenario.scenario.record_every_days) + 1 + int(daily),
        treatment_days=sum(t.scheduled_events(days) for t in scenario.treatment),
        studies=sum(1 for s in scenario.study if s.day <= days),
    )
