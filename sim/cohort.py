"""Cohorts: the one seam every cohort simulation goes through, population cohorts, and a cohort
written straight to disk a chunk of patients at a time.

Why one seam: :func:`run_chunk` is the only place where patients are simulated for a cohort,
a sweep or a distributed run, so another engine (e.g. a vectorised one) is one entry in
:data:`RUNNERS`, and every caller (``simulate_cohort``, ``mmn-sim cohort --engine``, sweeps,
Dask workers) can use it. Patient *i* is child *i* of the root seed (see
:mod:`sim.engine`), so it is the same whatever the chunking, the worker count or ``n``.

Why chunks: a patient's run holds megabytes of arrays, so a cohort held whole in memory runs
out of memory long before ``--n`` does. :func:`export_cohort` keeps only
:data:`sim.export.CHUNK_PATIENTS` patients at once, and its files are byte for byte those of
``simulate_cohort(...).save(...)``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import export
from .engine import PatientRun, run_patient
from .inputs import TRAIT_KNOBS, Inputs, resolve
from .results import Run
from .scenario import Scenario, ScenarioError

__all__ = ["RUNNERS", "DEFAULT_ENGINE", "run_chunk", "cohort_inputs",
           "check_engine", "cohort_parts", "export_cohort"]

Runner = Callable[[Inputs, int, Sequence[int]], list[PatientRun]]


def _run_simpy(inputs: Inputs, seed: int, indices: Sequence[int]) -> list[PatientRun]:
    """The reference engine: one simpy simulation per patient."""
    return [run_patient(inputs, seed, i) for i in indices]


# Engines a cohort can run on, by name; adding one is one line here.
def _run_vector(inputs: Inputs, seed: int, indices: Sequence[int]) -> list[PatientRun]:
    # Imported on first use: the compiled engine loads numba, which the dashboard never needs.
    from .vector import run_patients

    return run_patients(inputs, seed, indices)


# "vector" (sim.vector, compiled) is the cohort default: the same patients as "simpy" to
# floating-point rounding, about 50x faster; "simpy" stays the reference for single patients.
RUNNERS: dict[str, Runner] = {"vector": _run_vector, "simpy": _run_simpy}
DEFAULT_ENGINE = "vector"


def check_engine(engine: str) -> str:
    """``engine`` if registered, else one sentence naming the allowed ones."""
    if engine not in RUNNERS:
        raise ScenarioError(f"engine = {engine!r} is not available; choose one of "
                            f"{', '.join(RUNNERS)}.")
    return engine


def run_chunk(inputs: Inputs, seed: int, indices: Sequence[int],
              engine: str = DEFAULT_ENGINE) -> list[PatientRun]:
    """Patients ``indices`` of ``seed`` on resolved ``inputs``, in that order.

    The contract of every runner: the same list of :class:`~sim.engine.PatientRun` that
    ``[run_patient(inputs, seed, i) for i in indices]`` gives (patient *i* draws only from
    its own streams, so a runner may simulate the chunk's patients together)."""
    return RUNNERS[check_engine(engine)](inputs, seed, list(indices))


def cohort_inputs(scenario: Scenario, population: bool = False,
                  pinned: Collection[str] = ()) -> Inputs:
    """The model's inputs for a cohort of ``scenario``.

    ``population=False`` (the default) keeps the scenario's fixed traits: every patient is the
    scenario's patient, varying only in what it leaves undrawn. ``population=True`` draws every
    trait from the disease's population sampler (sex, age, antibodies, weight, attack rate,
    side bias, arm or leg onset, response to IVIg) and keeps the rest of the scenario (disease
    knobs, treatments, studies). ``pinned`` names dotted fields (``patient.sex``,
    ``disease.lesion_rate_per_year``) that stay as the scenario sets them even then: the
    traits a user asked for on purpose (``--set`` or a sweep's ``--grid``).
    """
    inputs = resolve(scenario)
    if not population:
        return inputs
    pins = set(pinned)
    fixed = {k: v for k, v in inputs.fixed_traits.items() if f"patient.{k}" in pins}
    traits = {k: v for k, v in inputs.trait_overrides.items()
              if k in TRAIT_KNOBS and f"disease.{k}" in pins}
    return dataclasses.replace(inputs, fixed_traits=fixed, trait_overrides=traits)


def cohort_parts(
    scenario: Scenario, n: int, seed: int, first: int = 0,
    progress: Callable[[], None] | None = None, *,
    population: bool = False, pinned: Collection[str] = (), engine: str = DEFAULT_ENGINE,
) -> Iterator[Run]:
    """Patients ``first .. first+n-1`` as Runs of at most CHUNK_PATIENTS each, made on demand;
    ``progress`` is called after each patient."""
    if n < 1:
        raise ScenarioError(f"cohort size n = {n} is out of range; allowed: 1 or more.")
    check_engine(engine)
    inputs = cohort_inputs(scenario, population, pinned)
    size = export.CHUNK_PATIENTS
    for start in range(first, first + n, size):
        patients = []
        for i in range(start, min(first + n, start + size)):
            patients.extend(run_chunk(inputs, seed, [i], engine))
            if progress is not None:
                progress()
        yield Run(scenario, seed, patients, inputs=inputs)


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
    population: bool = False,
    pinned: Collection[str] = (),
    engine: str = DEFAULT_ENGINE,
) -> dict[str, dict[str, Any]]:
    """Simulate and write patients ``first .. first+n-1`` into ``out_dir`` (atomically, see
    :func:`sim.export.write_parts`), full weekly tables, one file per table; returns the
    manifest's ``tables``. :func:`sim.dataset.export_dataset` writes summary tables and
    partitioned Parquet, on Dask workers if asked."""
    parts = cohort_parts(scenario, n, seed, first, on_patient, population=population,
                         pinned=pinned, engine=engine)
    return export.write_parts(out_dir, scenario, seed, range(first, first + n), parts, format,
                              overwrite, provenance=provenance, progress=on_table)
