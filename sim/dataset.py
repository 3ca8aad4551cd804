"""A cohort export made of chunks: simulated here or on Dask workers, written by one process.

Why: a research cohort (thousands of patients, tens of years) must run on many cores or
machines and never sit whole in memory. The cohort is cut into chunks of ``chunk`` patients;
each chunk is simulated and serialised by :func:`simulate_chunk`, a pure function of the
chunk's patient numbers (it runs the same in this process, on a local Dask cluster or on a
remote one), and this process writes the results in chunk order into one staged folder
(:mod:`sim.atomic`), so the export appears whole or not at all. At most ``2 x workers``
chunks are in flight, so memory is bounded by the chunk size, not by ``n``.

Layouts (docs/research.md): ``csv`` writes one file per table (the bytes do not depend on the
chunk size); ``parquet`` writes a partitioned dataset, one folder per table and one file per
chunk with rows (``summary/part-00000.parquet``, ...; a table no patient has rows in gets one
empty file). Every file depends only on the scenario, seed,
detail and its chunk's patients, never on the worker count. Each table's ``content_sha256``
(the SHA-256 of the table written as one CSV file) is the same whatever the chunk size.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import export, table_writer
from .cohort import DEFAULT_ENGINE, check_engine, cohort_inputs, run_chunk
from .dask_cluster import DaskError, dask_map
from .results import Run
from .scenario import Scenario, ScenarioError
from .table_writer import arrow_table
from .threads import one_blas_thread

__all__ = ["DETAILS", "DEFAULT_CHUNK", "MAX_CHUNK", "CohortJob", "ChunkResult", "DaskError",
           "simulate_chunk", "chunk_results", "ordered_map", "export_dataset",
           "check_scheduler"]

DETAILS = ("summary", "full")
DEFAULT_CHUNK = 64  # patients per chunk (~1 MB of arrays each for 10 years)
MAX_CHUNK = 10_000
_SCHEDULER = re.compile(r"^(tcp|tls|inproc|ucx|ws|wss)://[A-Za-z0-9._\-\[\]:]{1,200}$")


@dataclass(frozen=True)
class CohortJob:
    """What every chunk of one export shares (sent once to each worker)."""

    scenario: Scenario
    seed: int
    detail: str = "summary"
    format: str = "parquet"
    population: bool = False
    pinned: tuple[str, ...] = ()
    engine: str = DEFAULT_ENGINE
    meta: Mapping[str, Any] = field(default_factory=dict)  # embedded in each Parquet file


@dataclass(frozen=True)
class ChunkResult:
    """One chunk's tables: CSV header and body (always: the content hash is of CSV) and, for
    Parquet, the file's bytes."""

    index: int
    patients: tuple[int, ...]
    rows: dict[str, int]
    csv_header: dict[str, bytes]
    csv_body: dict[str, bytes]
    parquet: dict[str, bytes]


def _tables(job: CohortJob, run: Run) -> Mapping[str, Any]:
    if job.detail == "summary":
        from .summary import summary_tables

        return summary_tables(run)
    return run.tables


def simulate_chunk(job: CohortJob, index: int, patients: Sequence[int]) -> ChunkResult:
    """Simulate and serialise one chunk: a pure function of ``job`` and ``patients``."""
    with one_blas_thread():  # here, in a Dask worker too
        return _simulate_chunk(job, index, patients)


def _simulate_chunk(job: CohortJob, index: int, patients: Sequence[int]) -> ChunkResult:
    inputs = cohort_inputs(job.scenario, job.population, job.pinned)
    runs = run_chunk(inputs, job.seed, patients, job.engine)
    run = Run(job.scenario, job.seed, runs, inputs=inputs)
    rows, head, body, pq_bytes = {}, {}, {}, {}
    meta = None
    if job.format == "parquet":
        man = {**job.meta, "patients": [export._patient_entry(i) for i in patients]}
        meta = {"mmn_sim_manifest": json.dumps(man, sort_keys=True)}
    for name, df in _tables(job, run).items():
        rows[name] = int(len(df))
        text = df.to_csv(index=False, lineterminator="\n")
        cut = text.index("\n") + 1
        head[name], body[name] = text[:cut].encode("utf-8"), text[cut:].encode("utf-8")
        if job.format == "parquet":
            pq_bytes[name] = _parquet_bytes(df, meta)
    return ChunkResult(index, tuple(patients), rows, head, body, pq_bytes)


def _parquet_bytes(df: Any, meta: dict[str, str] | None) -> bytes:
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(arrow_table(df, meta), buf, compression="zstd")
    return buf.getvalue()


def _footer(data: bytes, file: str) -> Any:
    """A Parquet file's footer, pointing at ``file`` (its path in its table's folder)."""
    import pyarrow.parquet as pq

    md = pq.read_metadata(io.BytesIO(data))
    md.set_file_path(file)
    return md


def _chunks(first: int, n: int, chunk: int) -> list[tuple[int, range]]:
    return [(k, range(s, min(first + n, s + chunk)))
            for k, s in enumerate(range(first, first + n, chunk))]


# --- where chunks run -------------------------------------------------------------------------
def check_scheduler(address: str) -> str:
    """A Dask scheduler address such as ``tcp://host:8786``, else one sentence."""
    if not _SCHEDULER.match(address):
        raise ScenarioError(f"--scheduler {address[:80]!r} is not a Dask scheduler address; "
                            "use e.g. tcp://host:8786.")
    return address


def chunk_results(
    job: CohortJob, n: int, first: int = 0, chunk: int = DEFAULT_CHUNK, *,
    workers: int | None = None, scheduler: str | None = None,
) -> Iterator[ChunkResult]:
    """The chunks' results in chunk order: in this process (no ``workers``/``scheduler``), on
    a new local Dask cluster of ``workers`` processes, or on the cluster at ``scheduler``."""
    items = [(k, list(idx)) for k, idx in _chunks(first, n, chunk)]
    return ordered_map(simulate_chunk, job, items, workers=workers, scheduler=scheduler)


def ordered_map(fn: Callable[..., Any], shared: Any, items: Iterable[tuple], *,
                workers: int | None = None, scheduler: str | None = None,
                total: int | None = None) -> Iterator[Any]:
    """``fn(shared, *item)`` for each item, in order: here, or on Dask with a bounded number of
    items in flight (``shared`` is sent to each worker once)."""
    if workers is None and scheduler is None:
        for item in items:
            yield fn(shared, *item)
        return
    yield from _dask_map(fn, shared, items, workers, scheduler, total)


def _dask_map(fn: Callable[..., Any], shared: Any, items: Iterable[tuple],
              workers: int | None, scheduler: str | None, total: int | None
              ) -> Iterator[Any]:
    try:
        import distributed  # noqa: F401 - only to say clearly that it is missing
    except ImportError as err:  # pragma: no cover - a dependency
        raise DaskError(f"dask.distributed is not installed ({err}); "
                        "pip install 'dask[distributed]'.") from None
    if scheduler is not None:
        check_scheduler(scheduler)
    return dask_map(fn, shared, items, workers=workers, scheduler=scheduler, total=total)


# --- writing ----------------------------------------------------------------------------------
class _Tables:
    """Every table of one export as chunks arrive in order: files, hashes, row counts."""

    def __init__(self, folder: Path, format: str, meta: Mapping[str, Any] | None = None
                 ) -> None:
        self.folder, self.format = folder, format
        self.meta = {"mmn_sim_manifest": json.dumps(dict(meta or {}), sort_keys=True)}
        self.footers: dict[str, list[Any]] = {}  # each part's Parquet footer, for _metadata
        self.schemas: dict[str, Any] = {}
        self.content: dict[str, Any] = {}
        self.rows: dict[str, int] = {}
        self.csv: dict[str, Any] = {}
        self.parts: dict[str, list[dict[str, Any]]] = {}
        self.empty: dict[str, tuple[int, bytes]] = {}  # the last chunk without rows, per table

    def add(self, res: ChunkResult) -> None:
        if self.rows and list(res.rows) != list(self.rows):
            raise RuntimeError(f"chunks of one export differ in tables: {list(res.rows)}")
        for name in res.rows:
            if name not in self.rows:
                self.rows[name] = 0
                self.content[name] = hashlib.sha256(res.csv_header[name])
                self.parts[name] = []
                if self.format == "csv":
                    self.csv[name] = io.FileIO(self.folder / f"{name}.csv", "xb")
                    table_writer._write(self.csv[name], res.csv_header[name])
                else:
                    (self.folder / name).mkdir()
                    self.footers[name] = []
            self.rows[name] += res.rows[name]
            self.content[name].update(res.csv_body[name])
            if self.format == "csv":
                table_writer._write(self.csv[name], res.csv_body[name])
            elif res.rows[name]:
                self._part(name, res.index, res.parquet[name], res.rows[name])
            else:  # no file for a chunk without rows: its columns have no types to read
                self.empty[name] = (res.index, res.parquet[name])

    def _part(self, name: str, index: int, data: bytes, rows: int) -> None:
        """One chunk's file, written under a temporary name and renamed when complete."""
        rel = f"{name}/part-{index:05d}.parquet"
        tmp = self.folder / f"{rel}.partial"
        with io.FileIO(tmp, "xb") as f:
            table_writer._write(f, data)  # where a full disk shows up, as for every table
            os.fsync(f.fileno())
        os.replace(tmp, self.folder / rel)
        self.parts[name].append({"file": rel, "rows": rows,
                                 "sha256": hashlib.sha256(data).hexdigest()})
        self.footers[name].append(_footer(data, rel.split("/", 1)[1]))
        if name not in self.schemas:  # the Arrow schema (dictionary columns kept)
            import pyarrow.parquet as pq

            self.schemas[name] = pq.read_schema(io.BytesIO(data))

    def close(self) -> dict[str, dict[str, Any]]:
        info: dict[str, dict[str, Any]] = {}
        for name in self.rows:  # a table without rows at all: its last (empty) chunk's file
            if self.format == "parquet" and not self.parts[name]:
                self._part(name, *self.empty[name], 0)
        for name, rows in self.rows.items():
            content = self.content[name].hexdigest()
            if self.format == "csv":
                f = self.csv.pop(name)
                os.fsync(f.fileno())
                f.close()
                info[name] = {"file": f"{name}.csv", "rows": rows, "sha256": content,
                              "content_sha256": content}
            else:
                parts = self.parts[name]
                whole = hashlib.sha256("".join(p["sha256"] for p in parts).encode()).hexdigest()
                info[name] = {"folder": name, "rows": rows, "sha256": whole,
                              "content_sha256": content, "files": parts}
                meta = self._dataset_metadata(name)
                if meta is not None:
                    info[name]["metadata"] = meta
        return info

    def _dataset_metadata(self, name: str) -> dict[str, str] | None:
        """``TABLE/_metadata``: the Parquet dataset metadata listing exactly the table's parts,
        so ``pyarrow.dataset.parquet_dataset`` reads those and no file added beside them.
        None (no file) if the parts' schemas differ, which one metadata file cannot hold."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        footers = self.footers.pop(name)
        schema = self.schemas.pop(name).with_metadata(self.meta)
        buf = io.BytesIO()
        try:
            pq.write_metadata(schema, buf, metadata_collector=footers)
        except (pa.ArrowException, ValueError, RuntimeError):  # parts of different schemas
            return None
        rel = f"{name}/_metadata"
        data = buf.getvalue()
        with io.FileIO(self.folder / rel, "xb") as f:
            table_writer._write(f, data)
            os.fsync(f.fileno())
        return {"file": rel, "sha256": hashlib.sha256(data).hexdigest()}

    def abort(self) -> None:
        for f in self.csv.values():
            f.close()


def export_dataset(
    scenario: Scenario,
    n: int,
    out_dir: str | Path,
    *,
    seed: int,
    first: int = 0,
    detail: str = "summary",
    format: str = "parquet",
    chunk: int = DEFAULT_CHUNK,
    population: bool = False,
    pinned: Collection[str] = (),
    engine: str = DEFAULT_ENGINE,
    workers: int | None = None,
    scheduler: str | None = None,
    overwrite: bool = False,
    provenance: Mapping[str, Any] | None = None,
    on_patients: Callable[[int], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Simulate patients ``first .. first+n-1`` in chunks and write them into ``out_dir``
    (atomically); returns the manifest's ``tables``. ``on_patients(k)`` is called as each chunk
    of ``k`` patients is written."""
    if n < 1:
        raise ScenarioError(f"cohort size n = {n} is out of range; allowed: 1 or more.")
    if detail not in DETAILS:
        raise ScenarioError(f"detail = {detail!r} is not allowed; choose one of "
                            f"{', '.join(DETAILS)}.")
    if format not in ("csv", "parquet"):
        raise ScenarioError(f"format = {format!r} is not allowed; choose one of csv, parquet.")
    if not 1 <= chunk <= MAX_CHUNK:
        raise ScenarioError(f"chunk = {chunk} patients is out of range; allowed: 1 to "
                            f"{MAX_CHUNK}.")
    check_engine(engine)
    if scheduler is not None:
        check_scheduler(scheduler)
    plan = {"format": format, "detail": detail, "population": bool(population),
            "pinned": sorted(pinned), "engine": engine, "chunk_patients": chunk,
            "layout": "partitioned" if format == "parquet" else "files"}
    prov = {**plan, **(provenance or {})}
    embedded = json.loads(export._embedded(scenario, seed, [], prov)["mmn_sim_manifest"])
    embedded.pop("patients", None)
    for key in ("command", "chunk_patients"):  # neither changes a chunk's rows
        embedded.pop(key, None)
    job = CohortJob(scenario, seed, detail, format, bool(population), tuple(sorted(pinned)),
                    engine, embedded)
    patients = range(first, first + n)

    def fill(folder: Path) -> dict[str, dict[str, Any]]:
        tables = _Tables(folder, format, job.meta)
        try:
            for res in chunk_results(job, n, first, chunk, workers=workers,
                                     scheduler=scheduler):
                tables.add(res)
                if on_patients is not None:
                    on_patients(len(res.patients))
                del res
            info = tables.close()
        except BaseException:
            tables.abort()
            raise
        man = export._manifest(scenario, seed, info, prov)
        export._write_manifest(folder / "manifest.json", man, patients)
        (folder / "README.txt").write_text(export._readme(man, n), encoding="utf-8")
        return info

    return export._staged(out_dir, overwrite, fill)
