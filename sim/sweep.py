"""Parameter sweeps: every combination of a grid of scenario fields, run on the same patients.

Why: "what if attacks were twice as frequent, or the IVIg interval twice as long?" is answered
by comparing the same virtual patients under each setting. Patient *i* is child *i* of the
root seed whatever the setting (:mod:`sim.engine`), so each combination reuses the same traits
and the same random numbers of every stream (common random numbers): differences between rows
of one patient come from the settings, not from chance. The result is one tidy table: the
summary table (:mod:`sim.summary`) of every patient and year, with one column per swept field.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Any

import pandas as pd

from .cohort import DEFAULT_ENGINE, check_engine, cohort_inputs, run_chunk
from .limits import quote, shorten
from .results import Run
from .scenario import Scenario, ScenarioError, parse_override
from .summary import summary_table

__all__ = ["MAX_COMBINATIONS", "MAX_VALUES", "MAX_SWEEP_PATIENTS", "sweep_manifest",
           "write_sweep", "sweep_chunk", "parse_grid", "combinations", "run_sweep",
           "iter_sweep"]

MAX_VALUES = 100  # values of one swept field
MAX_COMBINATIONS = 10_000  # combinations of a whole grid
MAX_SWEEP_PATIENTS = 100_000  # patients per combination (the table is held in memory)
_CHUNK = 16  # patients simulated at once


def _split(raw: str) -> list[str]:
    """Split ``raw`` at commas outside brackets and quotes (a value may be a TOML array)."""
    out, depth, quote_char, cur = [], 0, "", []
    for c in raw:
        if quote_char:
            quote_char = "" if c == quote_char else quote_char
        elif c in "\"'":
            quote_char = c
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
        elif c == "," and depth == 0:
            out.append("".join(cur))
            cur = []
            continue
        cur.append(c)
    out.append("".join(cur))
    return [s.strip() for s in out]


def parse_grid(texts: Sequence[str]) -> dict[str, list[Any]]:
    """``["disease.lesion_rate_per_year=0.8,1.6", ...]`` as ``{path: [values]}``; values are
    read like ``--set`` values (TOML, bare words as text). Raises ScenarioError (one sentence
    naming the path)."""
    grid: dict[str, list[Any]] = {}
    for text in texts:
        if "=" not in text:
            raise ScenarioError(f"--grid {quote(text)} must look like PATH=V1,V2,..., e.g. "
                                "disease.lesion_rate_per_year=0.8,1.6,3.2.")
        key, raw = (s.strip() for s in text.split("=", 1))
        if key in grid:
            raise ScenarioError(f"--grid {quote(key)} is given twice; give each field once "
                                "with all its values.")
        parts = _split(raw)
        if not 1 <= len(parts) <= MAX_VALUES or any(not p for p in parts):
            raise ScenarioError(f"--grid {quote(key)}: {quote(raw)} must be 1 to {MAX_VALUES} "
                                "comma-separated values, none empty.")
        values = []
        for part in parts:
            _key, value = parse_override(f"{key}={part}")
            values.append(value)
        if len({repr(v) for v in values}) != len(values):
            raise ScenarioError(f"--grid {quote(key)} lists a value twice; list each once.")
        grid[key] = values
    return grid


def combinations(scenario: Scenario, grid: Mapping[str, Sequence[Any]]
                 ) -> list[tuple[dict[str, Any], Scenario]]:
    """Every combination of ``grid`` (the first field varying slowest) with its validated
    scenario; a bad value raises ScenarioError naming its path before anything runs."""
    if not grid:
        raise ScenarioError("a sweep needs at least one --grid PATH=V1,V2,... field.")
    total = 1
    for values in grid.values():
        total *= len(values)
    if total > MAX_COMBINATIONS:
        raise ScenarioError(f"the grid has {total:,} combinations; allowed: at most "
                            f"{MAX_COMBINATIONS:,}.")
    for key, values in grid.items():  # one field at a time: the error names that field
        for value in values:
            scenario.with_overrides({key: value}, source=f"--grid {shorten(key)}")
    out = []
    for combo in itertools.product(*grid.values()):
        params = dict(zip(grid, combo, strict=True))
        out.append((params, scenario.with_overrides(params, source="--grid " + shorten(
            ", ".join(f"{k}={v!r}" for k, v in params.items())))))
    return out


def sweep_chunk(shared: tuple[int, bool, tuple[str, ...], str], k: int,
                params: dict[str, Any], scenario: Scenario, indices: list[int]) -> pd.DataFrame:
    """One combination's chunk of patients as sweep rows (runs here or on a Dask worker)."""
    seed, population, pins, engine = shared
    inputs = cohort_inputs(scenario, population, pins)
    run = Run(scenario, seed, run_chunk(inputs, seed, indices, engine), inputs=inputs)
    table = summary_table(run)
    for pos, (col, value) in enumerate({"combination": k, **params}.items()):
        table.insert(pos, col, [value] * len(table))
    return table


def iter_sweep(
    scenario: Scenario, grid: Mapping[str, Sequence[Any]], n: int, seed: int | None = None, *,
    population: bool = False, pinned: Collection[str] = (), engine: str = DEFAULT_ENGINE,
    progress: Callable[[int], None] | None = None, workers: int | None = None,
    scheduler: str | None = None,
) -> Iterator[pd.DataFrame]:
    """The sweep's table in pieces (one combination and chunk of patients at a time), in
    this process or on Dask (``workers``/``scheduler``, as for cohorts)."""
    from .dataset import ordered_map

    if not 1 <= n <= MAX_SWEEP_PATIENTS:
        raise ScenarioError(f"n = {n} patients is out of range; allowed: 1 to "
                            f"{MAX_SWEEP_PATIENTS}.")
    check_engine(engine)
    seed = scenario.scenario.seed if seed is None else seed
    combos = combinations(scenario, grid)
    pins = tuple(sorted({*pinned, *grid}))
    # generated as they are sent, never listed: a big grid times --n is millions of chunks
    items = ((k, params, sc, list(range(start, min(n, start + _CHUNK))))
             for k, (params, sc) in enumerate(combos) for start in range(0, n, _CHUNK))
    total = len(combos) * -(-n // _CHUNK)
    for table in ordered_map(sweep_chunk, (seed, population, pins, engine), items,
                             workers=workers, scheduler=scheduler, total=total):
        if progress is not None:
            progress(int(table["patient"].nunique()))
        yield table


def run_sweep(
    scenario: Scenario, grid: Mapping[str, Sequence[Any]], n: int, seed: int | None = None, *,
    population: bool = False, pinned: Collection[str] = (), engine: str = DEFAULT_ENGINE,
    progress: Callable[[int], None] | None = None, workers: int | None = None,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Run every combination of ``grid`` (``{dotted path: [values]}``) on patients ``0..n-1``
    of ``seed``; one tidy table: ``combination``, one column per path, then the summary
    table's columns (docs/data-dictionary.md). ``population=True`` draws the patients from the
    population (a swept trait stays as the grid sets it). ``progress(k)`` is called as each
    ``k`` patients finish; ``workers``/``scheduler`` run the chunks on Dask (the table is the
    same)."""
    parts = list(iter_sweep(scenario, grid, n, seed, population=population, pinned=pinned,
                            engine=engine, progress=progress, workers=workers,
                            scheduler=scheduler))
    return pd.concat(parts, ignore_index=True)


def sweep_manifest(scenario: Scenario, grid: Mapping[str, Sequence[Any]], n: int, seed: int,
                   table: dict[str, Any], provenance: Mapping[str, Any]) -> dict[str, Any]:
    """The sweep's manifest: an export manifest (versions, scenario, patients, the table's
    SHA-256) plus the grid, so ``mmn-sim verify`` checks it and a reader knows what varied."""
    from . import export

    man = export._manifest(scenario, seed, {"sweep": table},
                           {"kind": "sweep", "grid": {k: list(v) for k, v in grid.items()},
                            "n": n, **provenance})
    man["patients"] = [export._patient_entry(i) for i in range(n)]
    return man


def write_sweep(out_dir: Any, table: pd.DataFrame, format: str, man_args: dict[str, Any],
                overwrite: bool = False) -> dict[str, Any]:
    """Write ``sweep.FORMAT``, ``manifest.json`` and ``README.txt`` into ``out_dir`` whole or
    not at all (:func:`sim.export.write_files`); returns the table's manifest entry."""
    import hashlib
    import json

    from . import export
    from ._meta import DISCLAIMER

    data = export.table_bytes(table, format, {"mmn_sim_sweep": json.dumps(
        {"grid": {k: list(v) for k, v in man_args["grid"].items()}, "n": man_args["n"],
         "seed": man_args["seed"]}, sort_keys=True)} if format == "parquet" else None)
    entry = {"file": f"sweep.{format}", "rows": int(len(table)),
             "sha256": hashlib.sha256(data).hexdigest()}
    man = sweep_manifest(man_args["scenario"], man_args["grid"], man_args["n"],
                         man_args["seed"], entry, man_args["provenance"])
    readme = (f"{DISCLAIMER}\nMMN simulator parameter sweep: {len(table)} rows in "
              f"sweep.{format} (one per combination, patient and year; columns in "
              "docs/data-dictionary.md, 'summary' and 'sweep'); manifest.json holds the "
              "scenario, grid, seed and SHA-256.\n")
    export.write_files(out_dir, {entry["file"]: data,
                                 "manifest.json": (json.dumps(man, indent=2) + "\n").encode(),
                                 "README.txt": readme.encode()}, overwrite)
    return entry
