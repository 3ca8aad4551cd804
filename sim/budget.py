"""Work that fits the machine: a cohort's chunk that fits in memory, a sweep's table that
fits in memory, and a run that would take hours only when asked for.

Why: a researcher who types one zero too many (``--n 100000`` on a two-level grid of 100
values, ``--chunk 10000 --detail full``) should get a sentence at once, not a machine that
swaps for an hour before it is stopped (measured: 10.9 GB and 12.1 GB). The estimates are
deliberately simple and on the safe side; each refusal names the figure, the limit and how to
go on (a smaller value, or ``--yes`` for long work).
"""

from __future__ import annotations

from dataclasses import dataclass

from .dask_cluster import machine_cores, machine_memory
from .scenario import ScenarioError

__all__ = ["LONG_SECONDS", "MEMORY_SHARE", "PATIENT_YEARS_PER_SECOND", "SWEEP_ROW_BYTES",
           "Budget", "check_chunk", "check_sweep_table", "check_duration"]

LONG_SECONDS = 3600.0  # work estimated above an hour needs --yes
MEMORY_SHARE = 0.5  # of the machine's memory that one run may plan to hold at once
# The compiled engine through the command line, one core: about 1,500 patient-years per second
# (benchmarks/bench_cohort_scale.py: 20,000 ten-year patients in 65 s on 2 workers, i.e. about
# 1,540 per core). The simpy engine is slower: its estimate comes from sim.workload.
PATIENT_YEARS_PER_SECOND = 1500.0
SWEEP_ROW_BYTES = 400  # one row of the sweep table in pandas, with its combination columns


@dataclass(frozen=True)
class Budget:
    """What this machine offers a run."""

    cores: int
    memory_bytes: int

    @classmethod
    def here(cls) -> Budget:
        return cls(machine_cores(), machine_memory())

    @property
    def usable_bytes(self) -> float:
        return self.memory_bytes * MEMORY_SHARE


def _gb(n: float) -> str:
    return f"{n / 1e9:.1f} GB"


def check_chunk(chunk: int, megabytes_per_patient: float, in_flight: int,
                budget: Budget) -> None:
    """Refuse a ``--chunk`` whose chunks in flight (``in_flight`` of them: one here, twice the
    workers on Dask, plus the one being written) would not fit in memory."""
    if not budget.memory_bytes:
        return
    need = chunk * megabytes_per_patient * 1e6 * in_flight
    if need > budget.usable_bytes:
        most = max(1, int(budget.usable_bytes / (megabytes_per_patient * 1e6 * in_flight)))
        raise ScenarioError(
            f"--chunk {chunk} would hold about {_gb(need)} at once ({in_flight} "
            f"chunk{'s' if in_flight > 1 else ''} of "
            f"{megabytes_per_patient:.1f} MB per patient), more than half of this machine's "
            f"{_gb(budget.memory_bytes)}; allowed here: 1 to {most}.")


def check_sweep_table(rows: int, budget: Budget) -> None:
    """Refuse a sweep whose tidy table (held whole before it is written) would not fit."""
    need = rows * SWEEP_ROW_BYTES
    if budget.memory_bytes and need > budget.usable_bytes:
        raise ScenarioError(
            f"the sweep table would have {rows:,} rows, about {_gb(need)} in memory, more than "
            f"half of this machine's {_gb(budget.memory_bytes)}; use fewer grid values, "
            "fewer patients (--n) or fewer years.")


def check_duration(seconds_one_core: float, workers: int | None, yes: bool, what: str,
                   budget: Budget) -> float:
    """The estimated wall time; above :data:`LONG_SECONDS` it is refused unless ``yes``."""
    width = max(1, min(workers or 1, budget.cores))
    wall = seconds_one_core / width
    if wall > LONG_SECONDS and not yes:
        raise ScenarioError(
            f"{what} would take about {wall / 3600:.1f} hours on this machine (estimated); "
            "add --yes to run it anyway, or run fewer patients.")
    return wall
