"""Exports of a run: its tables as CSV or Parquet, the manifest that reproduces them, a README.

Why one module: the command line writes a folder and the dashboard offers a zip, and both must
carry the same manifest and checksums, so that ``mmn-sim reproduce`` can re-run either and
check it byte for byte. A folder is written in parts (a chunk of patients at a time, so a
cohort never sits whole in memory) and put in place atomically (:mod:`sim.atomic`), so a
failed, interrupted or killed export leaves the previous folder or nothing, never half of one.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import subprocess
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import atomic
from ._meta import DISCLAIMER, PACKAGE_VERSION
from .engine import STREAMS
from .table_writer import TableWriter, arrow_table

if TYPE_CHECKING:
    from .results import Run
    from .scenario import Scenario

__all__ = ["CHUNK_PATIENTS", "EMBED_EXCLUDED", "manifest", "parquet_meta", "table_bytes", "save",
           "write_parts", "zip_bytes", "git_commit", "write_files"]

# Patients per part of an export: what is in memory at once, and a Parquet row group.
CHUNK_PATIENTS = 8

# Manifest fields that vary between otherwise identical runs and so stay out of Parquet files.
EMBED_EXCLUDED = ("created_utc", "tables", "command", "reproduced_from", "format")

# README.txt of a dashboard download.
_ZIP_README = (f"{DISCLAIMER}\nMMN simulator export: one table per file, "
               "manifest.json reproduces the run (scenario + seed).\n")


# --- manifest ---------------------------------------------------------------------------------
def manifest(
    run: Run,
    tables: dict[str, dict[str, Any]] | None = None,
    provenance: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The manifest; ``provenance`` adds e.g. ``overrides``, ``source``."""
    man = _manifest(run.scenario, run.seed, tables, provenance)
    man["patients"] = [_patient_entry(p.patient_index) for p in run.patient_runs]
    return man


def _manifest(
    scenario: Scenario, seed: int, tables: dict[str, dict[str, Any]] | None,
    provenance: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The manifest with its ``patients`` left empty (a cohort's list is written as a stream)."""
    import simpy

    man: dict[str, Any] = {
        "disclaimer": DISCLAIMER,
        "package": "mmn-sim",
        "package_version": PACKAGE_VERSION,
        "git_commit": _git_commit(),
        "created_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seed": seed,
        "patients": [],
        "overrides": {},
        "scenario": scenario.to_dict(),
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "simpy": simpy.__version__,
            "pandas": pd.__version__,
            "pyarrow": _pyarrow_version(),
        },
    }
    man.update(provenance or {})
    man["tables"] = tables or {}
    return man


def _patient_entry(index: int) -> dict[str, Any]:
    return {"patient": index, "spawn_key": [index], "streams": list(STREAMS)}


def parquet_meta(run: Run, provenance: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The manifest as embedded in every Parquet file: only what determines the tables
    (no creation time, command line or table hashes), so a reproduction is byte-identical.
    """
    return _embedded(run.scenario, run.seed, [p.patient_index for p in run.patient_runs],
                     provenance)


def _embedded(scenario: Scenario, seed: int, patients: Sequence[int],
              provenance: Mapping[str, Any] | None) -> dict[str, str]:
    man = _manifest(scenario, seed, None, provenance)
    man["patients"] = [_patient_entry(i) for i in patients]
    for key in EMBED_EXCLUDED:
        man.pop(key, None)
    return {"mmn_sim_manifest": json.dumps(man, sort_keys=True)}


def _write_manifest(path: Path, man: dict[str, Any], patients: Sequence[int]) -> None:
    """``manifest.json``, exactly as ``json.dumps(man, indent=2)`` with the patients filled in,
    but written one patient at a time: a cohort's list never sits whole in memory."""
    marker = "\x00patients\x00"
    head, tail = json.dumps({**man, "patients": marker}, indent=2).split(json.dumps(marker), 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(head)
        if not patients:
            f.write("[]")
        else:
            f.write("[\n")
            last = len(patients) - 1
            for k, i in enumerate(patients):
                entry = json.dumps(_patient_entry(i), indent=2).replace("\n", "\n    ")
                f.write(f"    {entry}{',' if k < last else ''}\n")
            f.write("  ]")
        f.write(tail + "\n")
        f.flush()
        os.fsync(f.fileno())


def git_commit() -> str | None:
    """The commit of the source checkout the package runs from (None outside one)."""
    return _git_commit()


def _git_commit() -> str | None:
    """The source checkout's commit when the package runs from one (else None)."""
    root = Path(__file__).resolve().parent.parent
    if not (root / ".git").exists():
        return None
    try:
        res = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True, text=True, timeout=5, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return res.stdout.strip() or None if res.returncode == 0 else None


def _pyarrow_version() -> str | None:
    try:
        import pyarrow
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    return pyarrow.__version__


# --- tables -----------------------------------------------------------------------------------
def table_bytes(df: pd.DataFrame, format: str, meta: dict[str, str] | None = None) -> bytes:
    """Serialise one table: plain UTF-8 CSV, or typed Parquet with the manifest in metadata."""
    if format == "csv":
        return df.to_csv(index=False, lineterminator="\n").encode("utf-8")
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(arrow_table(df, meta), buf, compression="zstd")
    return buf.getvalue()


def _table_files(
    run: Run, format: str, provenance: Mapping[str, Any] | None
) -> Iterator[tuple[str, str, bytes, dict[str, Any]]]:
    """Each table serialised in turn: (table, file name, bytes, its manifest entry)."""
    meta = parquet_meta(run, provenance) if format == "parquet" else None
    for name, df in run.tables.items():
        file = f"{name}.{format}"
        data = table_bytes(df, format, meta)
        yield name, file, data, {
            "file": file, "rows": int(len(df)), "sha256": hashlib.sha256(data).hexdigest(),
        }


# --- a folder (command line, Run.save) --------------------------------------------------------
def save(
    run: Run,
    out_dir: str | Path,
    format: str = "csv",
    overwrite: bool = False,
    *,
    provenance: Mapping[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Write every table, ``manifest.json`` and ``README.txt`` into ``out_dir``, atomically.

    See :func:`write_parts`; the run's patients are written :data:`CHUNK_PATIENTS` at a time,
    like a cohort from the command line, so both give the same bytes.
    """
    patients = [p.patient_index for p in run.patient_runs]
    write_parts(out_dir, run.scenario, run.seed, patients, _parts(run), format, overwrite,
                provenance=provenance, progress=progress)
    return Path(out_dir)


def _parts(run: Run) -> Iterator[Run]:
    n = len(run.patient_runs)
    if n <= CHUNK_PATIENTS:
        yield run
        return
    for start in range(0, n, CHUNK_PATIENTS):
        yield run.part(start, start + CHUNK_PATIENTS)


def write_parts(
    out_dir: str | Path,
    scenario: Scenario,
    seed: int,
    patients: Sequence[int],
    parts: Iterable[Run],
    format: str = "csv",
    overwrite: bool = False,
    *,
    provenance: Mapping[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Write an export from ``parts`` (runs of consecutive ``patients``, in order) into
    ``out_dir``; returns the manifest's ``tables``.

    Only one part is in memory at a time. The folder appears whole or not at all, and an
    existing export is replaced only once the new one is complete (:mod:`sim.atomic`), so a
    failed, interrupted or killed export leaves the old folder or nothing, and no new parent
    folders. A failure to write raises OSError naming ``out_dir``. ``provenance`` is merged into
    the manifest (``overrides``, ``source``, ``command``, ...); ``progress`` is called with each
    table's name when its file is complete.
    """
    if format not in ("csv", "parquet"):
        raise ValueError(f"format must be 'csv' or 'parquet', not {format!r}")
    return _staged(out_dir, overwrite, lambda folder: _write_folder(
        folder, scenario, seed, patients, parts, format, provenance, progress))


def write_files(out_dir: str | Path, files: Mapping[str, bytes], overwrite: bool = False) -> Path:
    """Write ``files`` (name -> bytes) into ``out_dir`` whole or not at all, as exports are."""

    def fill(folder: Path) -> Path:
        for name, data in files.items():
            (folder / name).write_bytes(data)
        return Path(out_dir)

    return _staged(out_dir, overwrite, fill)


def _staged(out_dir: str | Path, overwrite: bool, fill: Callable[[Path], Any]) -> Any:
    """Fill a hidden sibling folder and swap it into ``out_dir`` (:mod:`sim.atomic`); returns
    what ``fill`` returns. Errors name ``out_dir``, not the temporary folder."""
    out = Path(out_dir)
    atomic.recover(out.absolute().parent)  # what a killed export left there, first
    if os.path.lexists(out) and (not out.is_dir() or any(out.iterdir())) and not overwrite:
        raise FileExistsError(17, "exists and is not empty", str(out))
    try:
        with atomic.staged(out, replace=overwrite) as folder:
            return fill(folder)
    except FileExistsError:
        raise
    except OSError as err:  # name the folder the user asked for, not a file inside a temporary
        raise OSError(err.errno, err.strerror or str(err), str(out)) from err


def _write_folder(
    folder: Path, scenario: Scenario, seed: int, patients: Sequence[int], parts: Iterable[Run],
    format: str, provenance: Mapping[str, Any] | None, progress: Callable[[str], None] | None,
) -> dict[str, dict[str, Any]]:
    """The tables, manifest.json and README.txt, written into an existing empty folder."""
    meta = _embedded(scenario, seed, patients, provenance) if format == "parquet" else None
    writers: dict[str, TableWriter] = {}
    try:
        for part in parts:
            tables = part.tables
            if writers and list(tables) != list(writers):
                raise RuntimeError(f"parts of one export differ in tables: {list(tables)}")
            for name, df in tables.items():
                if name not in writers:
                    writers[name] = TableWriter(folder / f"{name}.{format}", format, meta)
                writers[name].write(df)
            del part, tables  # only one part in memory at a time
        info: dict[str, dict[str, Any]] = {}
        for name, w in writers.items():
            info[name] = w.close()
            if progress is not None:
                progress(name)
    except BaseException:
        for w in writers.values():
            w.abort()
        raise
    man = _manifest(scenario, seed, info, {"format": format, **(provenance or {})})
    _write_manifest(folder / "manifest.json", man, patients)
    (folder / "README.txt").write_text(_readme(man, len(patients)), encoding="utf-8")
    return info


def _readme(man: Mapping[str, Any], n_patients: int) -> str:
    """README.txt of an export folder: what it is, what is in it, how to reproduce it."""
    sc = man.get("scenario", {}).get("scenario", {})
    lines = [
        "MMN teaching simulator export",
        "=============================",
        "",
        "TEACHING MODEL - NOT FOR CLINICAL DECISIONS.",
        "These are simulated virtual patients from a simplified model of Multifocal Motor",
        "Neuropathy. They are not data about real people and must not guide diagnosis or",
        "treatment of anyone.",
        "",
        f"Scenario: {sc.get('name', '?')}",
        f"Seed: {man.get('seed')}    Patients: {n_patients}    "
        f"Package: mmn-sim {man.get('package_version')}",
        f"Created (UTC): {man.get('created_utc')}",
    ]
    if man.get("overrides"):
        lines.append("Overrides: " + ", ".join(f"{k}={v!r}" for k, v in man["overrides"].items()))
    lines += ["", "Files (one row per record, long format; units in docs/data-dictionary.md):"]
    for t in man.get("tables", {}).values():
        if "files" in t:  # a partitioned table: a folder of one Parquet file per chunk
            lines.append(f"  {t['folder'] + '/':<16} {t['rows']:>9} rows in {len(t['files'])} "
                         f"files  content sha256 {t['content_sha256']}")
        else:
            lines.append(f"  {t['file']:<16} {t['rows']:>9} rows  sha256 {t['sha256']}")
    lines += [
        "  manifest.json    scenario as run, seed, versions and the checksums above",
        "",
        "Reproduce these tables byte for byte (same package version):",
        "  mmn-sim reproduce manifest.json --out OTHER_FOLDER",
        "",
    ]
    return "\n".join(lines)


# --- a zip (dashboard download) ---------------------------------------------------------------
def zip_bytes(run: Run, format: str = "csv", *, scenario_toml: str | None = None) -> bytes:
    """The run as one zip for a download: its tables, manifest.json, scenario.toml, README.txt.

    ``scenario_toml`` is the settings as shown to the user (default: the run's scenario); it
    is stored with the disclaimer as its first line.
    """
    toml_text = run.scenario.to_toml() if scenario_toml is None else scenario_toml
    buf = io.BytesIO()
    info: dict[str, dict[str, Any]] = {}
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, file, data, entry in _table_files(run, format, None):
            z.writestr(file, data)
            info[name] = entry
        z.writestr("manifest.json", json.dumps(manifest(run, info), indent=2) + "\n")
        z.writestr("scenario.toml", f"# {DISCLAIMER}\n" + toml_text)
        z.writestr("README.txt", _ZIP_README)
    return buf.getvalue()
