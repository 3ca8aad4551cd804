"""Check an export's table files against the SHA-256s its manifest records.

Why: a manifest promises that its tables reproduce byte for byte; ``mmn-sim verify`` and
``mmn-sim reproduce`` must notice a table edited, truncated or missing since it was written,
and name it. Only plain file names inside the export folder are read, whatever the manifest
says.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["ManifestTablesError", "Problem", "check_tables", "table_entries"]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_FILE = re.compile(r"^[A-Za-z0-9_-]{1,64}\.(csv|parquet)$")
_PART = re.compile(r"^[A-Za-z0-9_]{1,64}/part-[0-9]{5,7}\.parquet$")
_BLOCK = 1 << 20


class ManifestTablesError(ValueError):
    """The manifest's ``tables`` field is not what an export writes (one sentence)."""


@dataclass(frozen=True)
class Problem:
    file: str  # the table's file name, as the manifest records it
    what: str  # "missing", "SHA-256 differs", "unreadable: ..."

    def __str__(self) -> str:
        return f"{self.file} ({self.what})"


def table_entries(tables: Any) -> dict[str, tuple[str, str]]:
    """``{table: (file, sha256)}`` from a manifest's ``tables``; raises ManifestTablesError."""
    if not isinstance(tables, Mapping) or not tables:
        raise ManifestTablesError("'tables' must map each table name to its file and SHA-256")
    out: dict[str, tuple[str, str]] = {}
    for name, entry in tables.items():
        shown = _short(name)
        if not isinstance(entry, Mapping):
            raise ManifestTablesError(f"tables.{shown} must be an object with 'file' and 'sha256'")
        if "files" in entry:  # a partitioned table: check every part file
            out.update(_part_entries(shown, entry["files"]))
            continue
        file, sha = entry.get("file"), entry.get("sha256")
        if not isinstance(file, str) or not _FILE.match(file):
            raise ManifestTablesError(
                f"tables.{shown}.file = {_short(file)} is not a table file name (a name "
                "ending in .csv or .parquet, in the export folder itself)")
        if not isinstance(sha, str) or not _SHA256.match(sha):
            raise ManifestTablesError(
                f"tables.{shown}.sha256 = {_short(sha)} is not a SHA-256 (64 hex digits)")
        out[str(name)] = (file, sha)
    return out


def _part_entries(shown: str, files: Any) -> dict[str, tuple[str, str]]:
    """``{file: (file, sha256)}`` of a partitioned table's parts."""
    if not isinstance(files, list) or not files:
        raise ManifestTablesError(f"tables.{shown}.files must list the table's part files")
    out = {}
    for i, part in enumerate(files):
        file = part.get("file") if isinstance(part, Mapping) else None
        sha = part.get("sha256") if isinstance(part, Mapping) else None
        if not isinstance(file, str) or not _PART.match(file):
            raise ManifestTablesError(f"tables.{shown}.files.{i}.file = {_short(file)} is not a "
                                      "part file name (TABLE/part-NNNNN.parquet)")
        if not isinstance(sha, str) or not _SHA256.match(sha):
            raise ManifestTablesError(
                f"tables.{shown}.files.{i}.sha256 = {_short(sha)} is not a SHA-256 (64 hex "
                "digits)")
        out[file] = (file, sha)
    return out


def check_tables(folder: Path, entries: Mapping[str, tuple[str, str]]) -> list[Problem]:
    """The tables in ``folder`` that do not match their entries, in manifest order."""
    problems = []
    for file, sha in entries.values():
        path = folder / file
        if not path.is_file():
            problems.append(Problem(file, "missing"))
            continue
        try:
            digest = _sha256(path)
        except OSError as err:
            problems.append(Problem(file, f"unreadable: {err.strerror or err}"))
            continue
        if digest != sha:
            problems.append(Problem(file, "SHA-256 differs"))
    return problems


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(_BLOCK):
            h.update(block)
    return h.hexdigest()


def _short(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
