"""A cohort straight to disk: patients simulated and written a chunk at a time.

Why: a patient's run holds megabytes of arrays, so a cohort held whole in memory
(:func:`sim.simulate_cohort`) runs out of memory long before ``--n`` does. Here only
:data:`sim.export.CHUNK_PATIENTS` patients exist at once, and the files are byte for byte those
of ``simulate_cohort(...).save(...)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from . import export
from .engine import run_patient
from .resolve import resolve
from .results import Run
from .scenario import Scenario, ScenarioError

__all__ = ["cohort_parts", "export_cohort"]


def cohort_parts(
    scenario: Scenario, n: int, seed: int, first: int = 0,
    progress: Callable[[], None] | None = None,
) -> Iterator[Run]:
    """Patients ``first .. first+n-1`` as Runs of at most CHUNK_PATIENTS each, made on demand;
    ``progress`` is called after each patient."""
    if n < 1:
        raise ScenarioError(f"cohort size n = {n} is out of range; allowed: 1 or more.")
    inputs = resolve(scenario)
    size = export.CHUNK_PATIENTS
    for start in range(first, first + n, size):
        patients = []
        for i in range(start, min(first + n, start + size)):
            patients.append(run_patient(inputs, seed, i))
            if progress is not None:
                progress()
        yield Run(scenario, seed, patients)


def export_cohort(
    scenario: Scenario,
    n: int,
    out_dir: str | Path,
    *,
    seed: int,
    first: int = 0,
    format: str = "csv",
    overwrite: bool = False,
    provenance: Mapping[str, Any] | None = None,
    on_patient: Callable[[], None] | None = None,
    on_table: Callable[[str], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Simulate and write patients ``first .. first+n-1`` into ``out_dir`` (atomically, see
    :func:`sim.export.write_parts`); returns the manifest's ``tables``."""
    parts = cohort_parts(scenario, n, seed, first, on_patient)
    return export.write_parts(out_dir, scenario, seed, range(first, first + n), parts, format,
                              overwrite, provenance=provenance, progress=on_table)
