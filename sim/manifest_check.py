"""Read a ``manifest.json`` safely and check its shape before anything is re-run or written.

``mmn-sim reproduce`` trusts a manifest to say what to run, but a manifest is a file anyone
can edit: ``"patient": Infinity``, ``"tables": ["x"]``, a table file named ``../../x`` or
brackets nested 100,000 deep must each be one sentence and exit 2, found before ``--out`` is
touched. This module only reads; the commands that act on a manifest live in the CLI.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .limits import (
    MAX_COHORT,
    MAX_FIRST,
    MAX_NESTING,
    LimitError,
    check_nesting,
    check_size,
    quote,
    shorten,
    text_depth,
)

__all__ = ["MAX_MANIFEST_BYTES", "ManifestError", "read_manifest", "check_manifest"]

# A manifest lists every patient (~70 bytes each): a cohort of the largest size fits.
MAX_MANIFEST_BYTES = 128 * 1024**2
MAX_TABLES = 20
_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}", re.ASCII)
_REQUIRED = ("scenario", "seed", "patients", "tables")
# A partitioned table: a folder of one Parquet file per chunk (a chunk has 1 patient or more).
_PART_NAME = re.compile(r"[A-Za-z0-9_]{1,64}/part-[0-9]{5,7}\.parquet", re.ASCII)
MAX_PARTS = MAX_COHORT


class ManifestError(ValueError):
    """A manifest that cannot be used; the message is one sentence naming the file and field."""


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest at ``path``, checked by :func:`check_manifest`, or ManifestError."""
    if not path.is_file():
        raise ManifestError(f"{shorten(str(path))}: no such manifest file.")
    try:
        check_size(path.stat().st_size, f"{path}: the manifest", MAX_MANIFEST_BYTES)
        with path.open("rb") as f:  # at most one byte past the limit, whatever stat said
            text = f.read(MAX_MANIFEST_BYTES + 1).decode("utf-8")
        check_size(len(text), f"{path}: the manifest", MAX_MANIFEST_BYTES)
        check_nesting(text_depth(text, toml=False, stop_at=MAX_NESTING),
                      f"{path}: the manifest", needed=6)
        man = json.loads(text, parse_constant=_no_constant)
    except LimitError as err:
        raise ManifestError(str(err)) from None
    except OSError as err:
        raise ManifestError(f"{path}: cannot read the manifest ({err.strerror or err}).") \
            from None
    except UnicodeDecodeError:
        raise ManifestError(f"{path}: not a JSON manifest (the file is not UTF-8 text).") \
            from None
    except json.JSONDecodeError as err:
        raise ManifestError(f"{path}: not a JSON manifest ({err}).") from None
    except (ValueError, RecursionError) as err:  # NaN/Infinity, or a 5,000-digit number
        why = str(err) if "manifest may hold" in str(err) else "a number is too long to read"
        raise ManifestError(f"{path}: not a JSON manifest ({why}).") from None
    check_manifest(man, path)
    return man


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a manifest may hold")


def check_manifest(man: Any, path: Path) -> None:
    """Raise ManifestError unless ``man`` has the fields ``reproduce`` reads, well typed."""
    if not isinstance(man, dict):
        raise ManifestError(f"{path}: not an mmn-sim manifest (expected a JSON object).")
    for key in _REQUIRED:
        if key not in man:
            raise ManifestError(f"{path}: not an mmn-sim manifest; the field '{key}' is missing.")
    if not isinstance(man["scenario"], dict):
        raise ManifestError(f"{path}: 'scenario' must be an object of scenario sections.")
    seed = man["seed"]
    if not _whole(seed) or not 0 <= seed < 2**63:
        raise ManifestError(f"{path}: seed = {_json(seed)} is not allowed; allowed: whole "
                            "numbers 0 to 2**63-1.")
    _check_patients(man["patients"], path)
    _check_tables(man["tables"], path)
    for key in ("overrides", "source"):  # copied into the new manifest and its README
        if key in man and not (isinstance(man[key], dict) and all(
                isinstance(k, str) and len(k) <= 200 for k in man[key])):
            raise ManifestError(f"{path}: '{key}' must be an object with text keys; it is "
                                f"{_json(man[key])}.")
    fmt = man.get("format")
    if fmt is not None and fmt not in ("csv", "parquet"):
        raise ManifestError(f"{path}: format = {quote(fmt)} is not allowed; choose one of csv, "
                            "parquet.")


def _json(x: Any) -> str:
    """A value as the manifest spells it (``true``, ``null``), shortened."""
    if x is None or isinstance(x, bool):
        return json.dumps(x)
    return quote(x)


def _key(name: str) -> str:
    return name if re.fullmatch(r"\w{1,40}", name, re.ASCII) else quote(name)


def _whole(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _check_patients(patients: Any, path: Path) -> None:
    if not isinstance(patients, list) or not 1 <= len(patients) <= MAX_COHORT:
        raise ManifestError(f"{path}: 'patients' must list 1 to {MAX_COHORT:,} entries.")
    hi = MAX_FIRST + MAX_COHORT
    for i, entry in enumerate(patients):
        idx = entry.get("patient") if isinstance(entry, Mapping) else None
        if not _whole(idx) or not 0 <= idx < hi:
            raise ManifestError(f"{path}: patients.{i}.patient = {_json(idx)} is not allowed; "
                                f"allowed: whole numbers 0 to {hi - 1:,}.")
    idx = sorted(p["patient"] for p in patients)
    if idx != list(range(idx[0], idx[0] + len(idx))):
        raise ManifestError(f"{path}: 'patients' must be a run of consecutive numbers.")


def _check_tables(tables: Any, path: Path) -> None:
    if not isinstance(tables, dict) or not 1 <= len(tables) <= MAX_TABLES:
        raise ManifestError(f"{path}: 'tables' must be an object of 1 to {MAX_TABLES} tables, "
                            'each {"file": ..., "sha256": ...}.')
    for name, info in tables.items():
        if not isinstance(info, dict) or not isinstance(info.get("sha256"), str):
            raise ManifestError(f"{path}: tables.{_key(name)} must be an object with a text "
                                "'sha256' and a 'file' name.")
        if "files" in info:  # a partitioned table: one file per chunk in its folder
            _check_parts(name, info["files"], path)
            continue
        file = info.get("file")
        if not isinstance(file, str) or _FILE_NAME.fullmatch(file) is None:
            raise ManifestError(f"{path}: tables.{_key(name)}.file = {_json(file)} is not a "
                                "plain file name (letters, digits, _ . - and no folder).")


def _check_parts(name: str, files: Any, path: Path) -> None:
    if not isinstance(files, list) or not 1 <= len(files) <= MAX_PARTS:
        raise ManifestError(f"{path}: tables.{_key(name)}.files must list 1 to {MAX_PARTS:,} "
                            "part files.")
    for i, part in enumerate(files):
        file = part.get("file") if isinstance(part, dict) else None
        if not isinstance(file, str) or _PART_NAME.fullmatch(file) is None \
                or not isinstance(part.get("sha256"), str):
            raise ManifestError(f"{path}: tables.{_key(name)}.files.{i} = {_json(file)} is not "
                                "a part file (TABLE/part-NNNNN.parquet with a text 'sha256').")
