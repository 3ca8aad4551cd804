"""Exports of a run: its tables as CSV or Parquet, the manifest that reproduces them, a README.

Why one module: the command line writes a folder and the dashboard offers a zip, and both must
carry the same manifest and checksums, so that ``mmn-sim reproduce`` can re-run either and
check it byte for byte. A folder is written atomically, so a failed or interrupted export
leaves nothing half-done.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import platform
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._meta import DISCLAIMER, PACKAGE_VERSION
from .engine import STREAMS

if TYPE_CHECKING:
    from .results import Run

__all__ = ["EMBED_EXCLUDED", "manifest", "parquet_meta", "table_bytes", "save", "zip_bytes",
           "git_commit", "write_files"]

# Manifest fields that vary between otherwise identical runs and so stay out of Parquet files.
EMBED_EXCLUDED = ("created_utc", "tables", "command", "reproduced_from", "format")

# Columns stored as Parquet dictionaries (few distinct labels, many rows).
_CATEGORICAL = {"side", "nerve", "segment", "muscle", "event", "sex", "dominant_side", "kind",
                "stim_site", "grade"}

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
    import simpy

    man: dict[str, Any] = {
        "disclaimer": DISCLAIMER,
        "package": "mmn-sim",
        "package_version": PACKAGE_VERSION,
        "git_commit": _git_commit(),
        "created_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seed": run.seed,
        "patients": [
            {"patient": p.patient_index, "spawn_key": [p.patient_index],
             "streams": list(STREAMS)}
            for p in run.patient_runs
        ],
        "overrides": {},
        "scenario": run.scenario.to_dict(),
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


def parquet_meta(run: Run, provenance: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The manifest as embedded in every Parquet file: only what determines the tables
    (no creation time, command line or table hashes), so a reproduction is byte-identical.
    """
    man = manifest(run, None, provenance)
    for key in EMBED_EXCLUDED:
        man.pop(key, None)
    return {"mmn_sim_manifest": json.dumps(man, sort_keys=True)}


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
    import pyarrow as pa
    import pyarrow.parquet as pq

    tbl = pa.Table.from_pandas(_categorical(df), preserve_index=False)
    schema_meta = dict(tbl.schema.metadata or {})
    schema_meta.pop(b"pandas", None)
    for k, v in (meta or {}).items():
        schema_meta[k.encode()] = v.encode()
    tbl = tbl.replace_schema_metadata(schema_meta)
    buf = io.BytesIO()
    pq.write_table(tbl, buf, compression="zstd")
    return buf.getvalue()


def _categorical(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for col in df.columns:
        if col in _CATEGORICAL:
            df[col] = df[col].astype("category")
    return df


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

    Files go to a temporary sibling folder first, which is renamed into place only when
    everything is written, so a failed or interrupted export leaves nothing half-done (and
    parent folders created for it are removed again). ``provenance`` is merged into the
    manifest (``overrides``, ``source``, ``command``, ...); ``progress`` is called with each
    table's name as it is written.
    """
    if format not in ("csv", "parquet"):
        raise ValueError(f"format must be 'csv' or 'parquet', not {format!r}")
    return _atomic_folder(out_dir, overwrite,
                          lambda tmp: _write_folder(run, tmp, format, provenance, progress))


def write_files(out_dir: str | Path, files: Mapping[str, bytes], overwrite: bool = False) -> Path:
    """Write ``files`` (name -> bytes) into ``out_dir`` atomically, as :func:`save` does."""

    def fill(tmp: Path) -> None:
        for name, data in files.items():
            (tmp / name).write_bytes(data)

    return _atomic_folder(out_dir, overwrite, fill)


def _atomic_folder(out_dir: str | Path, overwrite: bool, fill: Callable[[Path], None]) -> Path:
    """Fill a temporary sibling folder, then rename it to ``out_dir`` (see :func:`save`)."""
    out = Path(out_dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())) and not overwrite:
        raise FileExistsError(f"{out} exists and is not empty")
    created = _missing_parents(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        fill(tmp)
        if out.exists():
            if out.is_dir():
                shutil.rmtree(out)
            else:
                out.unlink()
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        for d in created:  # deepest first
            with contextlib.suppress(OSError):
                d.rmdir()
        raise
    return out


def _write_folder(
    run: Run, folder: Path, format: str, provenance: Mapping[str, Any] | None,
    progress: Callable[[str], None] | None,
) -> None:
    """The tables, manifest.json and README.txt, written into an existing empty folder."""
    info: dict[str, dict[str, Any]] = {}
    for name, file, data, entry in _table_files(run, format, provenance):
        (folder / file).write_bytes(data)
        info[name] = entry
        if progress is not None:
            progress(name)
    man = manifest(run, info, {"format": format, **(provenance or {})})
    (folder / "manifest.json").write_text(json.dumps(man, indent=2) + "\n", encoding="utf-8")
    (folder / "README.txt").write_text(_readme(man), encoding="utf-8")


def _missing_parents(path: Path) -> list[Path]:
    """Ancestors of ``path`` that do not exist yet, deepest first."""
    missing = []
    p = path.absolute().parent
    while not p.exists():
        missing.append(p)
        p = p.parent
    return missing


def _readme(man: Mapping[str, Any]) -> str:
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
        f"Seed: {man.get('seed')}    Patients: {len(man.get('patients', []))}    "
        f"Package: mmn-sim {man.get('package_version')}",
        f"Created (UTC): {man.get('created_utc')}",
    ]
    if man.get("overrides"):
        lines.append("Overrides: " + ", ".join(f"{k}={v!r}" for k, v in man["overrides"].items()))
    lines += ["", "Files (one row per record, long format; units in docs/data-dictionary.md):"]
    for t in man.get("tables", {}).values():
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
