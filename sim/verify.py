"""The one reader of an export: its ``manifest.json``, and every file beside it.

Why: ``mmn-sim verify`` and ``mmn-sim reproduce`` must give the same answer on the same folder,
and a researcher who reads the folder with pandas must get the rows the manifest promises.
Both commands read a manifest with :func:`read_manifest` (size, nesting, duplicate keys and
every field they use checked before anything runs or is written: one sentence, exit 2) and
check the folder with :func:`check_export`:

* every file and folder in the export is one the manifest lists: a copy of a part under
  another name, a partial file, a symbolic link, a folder where a file should be (or a file
  where a table's folder should be) is a problem;
* every listed file is there with its SHA-256 and row count, each part listed once;
* each table's rows, table-level ``sha256`` (of its parts' SHA-256s) and chunk-independent
  ``content_sha256`` are recomputed from the data;
* the tables and their columns are those of the data dictionary for the export's detail
  level, and the ``patients``, ``summary`` and ``sweep`` tables have the rows the export's
  own parameters imply (:mod:`sim.schema`).

Each problem is one sentence naming the file or table. The manifest is not signed: an export
rewritten together with a consistent manifest passes (docs/research.md).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._meta import PACKAGE_VERSION
from .limits import (
    MAX_COHORT,
    MAX_FIRST,
    MAX_NESTING,
    LimitError,
    check_nesting,
    check_size,
    quote,
    shorten,
    shorten_path,
    text_depth,
)
from .schema import expected_rows, export_kind, export_tables

__all__ = ["MAX_MANIFEST_BYTES", "DOC_FILES", "ManifestError", "Report", "read_manifest",
           "check_manifest", "check_export", "has_export_beside"]

# A manifest lists every patient (~70 bytes each): a cohort of the largest size fits.
MAX_MANIFEST_BYTES = 128 * 1024**2
MAX_TABLES = 20
MAX_PARTS = MAX_COHORT  # a chunk has 1 patient or more
MAX_ROWS = 2**63 - 1
# Files an export holds beside its tables that no table's rows depend on (not checked).
DOC_FILES = ("README.txt", "scenario.toml")
METADATA = "_metadata"  # a partitioned table's Parquet dataset metadata: its parts, listed
_REQUIRED = ("scenario", "seed", "patients", "tables")
_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}", re.ASCII)
_TABLE_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}", re.ASCII)
_PART_NAME = re.compile(r"part-[0-9]{5,7}\.parquet", re.ASCII)
_SHA256 = re.compile(r"[0-9a-f]{64}", re.ASCII)
_BLOCK = 1 << 20


class ManifestError(ValueError):
    """A manifest that cannot be used; the message is one sentence naming the file and field."""


class _Duplicate(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


# --- reading the manifest ---------------------------------------------------------------------
def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest at ``path``, checked by :func:`check_manifest`, or ManifestError."""
    if not path.is_file():
        raise ManifestError(f"{shorten_path(path)}: no such manifest file.")
    try:
        check_size(path.stat().st_size, f"{path}: the manifest", MAX_MANIFEST_BYTES)
        with path.open("rb") as f:  # at most one byte past the limit, whatever stat said
            text = f.read(MAX_MANIFEST_BYTES + 1).decode("utf-8")
        check_size(len(text), f"{path}: the manifest", MAX_MANIFEST_BYTES)
        check_nesting(text_depth(text, toml=False, stop_at=MAX_NESTING),
                      f"{path}: the manifest", needed=6)
        man = json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique)
    except LimitError as err:
        raise ManifestError(str(err)) from None
    except OSError as err:
        raise ManifestError(f"{path}: cannot read the manifest ({err.strerror or err}).") \
            from None
    except UnicodeDecodeError:
        raise ManifestError(f"{path}: not a JSON manifest (the file is not UTF-8 text).") \
            from None
    except _Duplicate as err:
        raise ManifestError(f"{path}: the key {quote(err.key)} appears twice in one object; "
                            "mmn-sim writes every key once, so the manifest was edited.") \
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


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a key given twice (``json`` would keep the last silently)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def check_manifest(man: Any, path: Path) -> None:
    """Raise ManifestError unless ``man`` has the fields ``verify`` and ``reproduce`` read,
    well typed."""
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
    for key in ("overrides", "source"):  # copied into the new manifest and its README
        if key in man and not (isinstance(man[key], dict) and all(
                isinstance(k, str) and len(k) <= 200 for k in man[key])):
            raise ManifestError(f"{path}: '{key}' must be an object with text keys; it is "
                                f"{_json(man[key])}.")
    fmt = man.get("format")
    if fmt is not None and fmt not in ("csv", "parquet"):
        raise ManifestError(f"{path}: format = {quote(fmt)} is not allowed; choose one of csv, "
                            "parquet.")
    _check_tables(man["tables"], path)
    _check_formats(man["tables"], fmt, path)


def _json(x: Any) -> str:
    """A value as the manifest spells it (``true``, ``null``), shortened."""
    if x is None or isinstance(x, bool):
        return json.dumps(x)
    return quote(x)


def _key(name: Any) -> str:
    return name if isinstance(name, str) and re.fullmatch(r"\w{1,40}", name, re.ASCII) \
        else quote(name)


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
        if _TABLE_NAME.fullmatch(name) is None:
            raise ManifestError(f"{path}: tables.{_key(name)} is not a table name (lower-case "
                                "letters, digits and _).")
        if "files" in info:  # a partitioned table: one file per chunk in its folder
            _check_parts(name, info, path)
        else:
            _check_file(name, info.get("file"), path)
        _check_sha(info["sha256"], f"tables.{name}.sha256", path)
        if "content_sha256" in info:
            _check_sha(info["content_sha256"], f"tables.{name}.content_sha256", path)
        _check_rows(info.get("rows"), f"tables.{name}.rows", path)


def _check_file(name: str, file: Any, path: Path) -> None:
    if not isinstance(file, str) or _FILE_NAME.fullmatch(file) is None:
        raise ManifestError(f"{path}: tables.{name}.file = {_json(file)} is not a plain file "
                            "name (letters, digits, _ . - and no folder).")
    if file not in (f"{name}.csv", f"{name}.parquet"):
        raise ManifestError(f"{path}: tables.{name}.file = {_json(file)} is not this table's "
                            f"file ({name}.csv or {name}.parquet).")


def _check_sha(sha: Any, where: str, path: Path) -> None:
    if not isinstance(sha, str) or _SHA256.fullmatch(sha) is None:
        raise ManifestError(f"{path}: {where} = {_json(sha)} is not a SHA-256 (64 lower-case "
                            "hex digits).")


def _check_rows(rows: Any, where: str, path: Path) -> None:
    if not _whole(rows) or not 0 <= rows <= MAX_ROWS:
        raise ManifestError(f"{path}: {where} = {_json(rows)} is not allowed; allowed: whole "
                            "numbers 0 to 2**63-1.")


def _check_parts(name: str, info: dict[str, Any], path: Path) -> None:
    if info.get("folder") != name:
        raise ManifestError(f"{path}: tables.{name}.folder = {_json(info.get('folder'))} is "
                            f"not allowed; a partitioned table's folder is its name ({name}).")
    files = info["files"]
    if not isinstance(files, list) or not 1 <= len(files) <= MAX_PARTS:
        raise ManifestError(f"{path}: tables.{name}.files must list 1 to {MAX_PARTS:,} "
                            "part files.")
    for i, part in enumerate(files):
        file = part.get("file") if isinstance(part, dict) else None
        if not isinstance(file, str) or not file.startswith(f"{name}/") or \
                _PART_NAME.fullmatch(file[len(name) + 1:]) is None or \
                not isinstance(part.get("sha256"), str):
            raise ManifestError(f"{path}: tables.{name}.files.{i} = {_json(file)} is not "
                                "a part file (TABLE/part-NNNNN.parquet with a text 'sha256').")
        _check_sha(part["sha256"], f"tables.{name}.files.{i}.sha256", path)
        _check_rows(part.get("rows"), f"tables.{name}.files.{i}.rows", path)
    meta = info.get("metadata")
    if meta is not None:
        if not isinstance(meta, dict) or meta.get("file") != f"{name}/{METADATA}":
            raise ManifestError(f"{path}: tables.{name}.metadata must be an object with file "
                                f"{name}/{METADATA} and its 'sha256'.")
        _check_sha(meta.get("sha256"), f"tables.{name}.metadata.sha256", path)


def _check_formats(tables: dict[str, Any], fmt: str | None, path: Path) -> None:
    """One format for every table: the manifest's ``format``, else that of the files."""
    kinds = {"parquet" if "files" in t else t["file"].rsplit(".", 1)[1] for t in tables.values()}
    if fmt is not None and kinds != {fmt}:
        raise ManifestError(f"{path}: format = {quote(fmt)}, but the tables are "
                            f"{' and '.join(sorted(kinds))} files.")
    if len(kinds) > 1:
        raise ManifestError(f"{path}: the tables mix csv and parquet files; an export has "
                            "one format.")


# --- the folder beside it ---------------------------------------------------------------------
@dataclass(frozen=True)
class Report:
    """What :func:`check_export` found: one sentence per problem, and what it checked."""

    problems: tuple[str, ...]
    tables: int  # tables whose every file was read and matched
    files: int  # files read (table files, parts, dataset metadata)
    rows: int  # rows counted in them
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def has_export_beside(path: Path, man: Mapping[str, Any]) -> bool:
    """Whether anything of an export (a table of the manifest or of its kind, a README) is
    beside the manifest at ``path``; a manifest kept on its own has nothing."""
    names = {"README.txt"}
    for name, t in man["tables"].items():
        names |= {t.get("file") or name, name, f"{name}.csv", f"{name}.parquet"}
    names |= set(export_tables({**man, "package_version": PACKAGE_VERSION}) or ())
    return any(os.path.lexists(path.parent / n) for n in names if isinstance(n, str))


def check_export(folder: Path, man: Mapping[str, Any], manifest_name: str = "manifest.json"
                 ) -> Report:
    """Everything wrong with the export in ``folder`` against its (checked) manifest."""
    tables = man["tables"]
    problems = _walk(folder, tables, manifest_name)
    notes: list[str] = []
    expected = export_tables(man)
    if expected is None:
        notes.append(f"written by mmn-sim {shorten(str(man.get('package_version')))}, so its "
                     f"tables and columns were not compared with the data dictionary of "
                     f"{PACKAGE_VERSION}")
    else:
        problems += _table_set(list(tables), expected, export_kind(man), manifest_name)
    seen = [_Table(folder, name, entry, manifest_name) for name, entry in tables.items()]
    for t in seen:
        problems += t.problems
        if expected is not None and _comparable(t, expected):
            problems += _columns(t, expected[t.name], export_kind(man))
    measured = {t.name: t.rows for t in seen if t.intact}
    for name, (rows, why) in expected_rows(man).items():
        if name in measured and measured[name] != rows:
            problems.append(f"table {name} has {measured[name]:,} rows, but {why} make "
                            f"{rows:,}: rows were added or removed.")
    return Report(tuple(problems), sum(t.intact for t in seen), sum(t.files for t in seen),
                  sum(t.rows for t in seen), tuple(notes))


def _comparable(t: _Table, expected: Mapping[str, list[str]]) -> bool:
    return t.intact and t.name in expected and t.columns is not None


def _table_set(listed: list[str], expected: Mapping[str, list[str]], kind: str,
               manifest_name: str) -> list[str]:
    has = ", ".join(expected)
    out = [f"table {t} is missing: a {kind} export has the tables {has}, and {manifest_name} "
           f"does not list {t}." for t in expected if t not in listed]
    out += [f"table {t}: a {kind} export has no such table (it has {has}), yet {manifest_name} "
            "lists it." for t in listed if t not in expected]
    return out


def _columns(t: _Table, want: list[str], kind: str) -> list[str]:
    cols = t.columns or []
    if cols == want:
        return []
    missing = [c for c in want if c not in cols]
    extra = [c for c in cols if c not in want]
    what = "; ".join(x for x in (
        f"without {_names(missing)}" if missing else "",
        f"with {_names(extra)} that it does not have" if extra else "",
    ) if x) or "in another order"
    return [f"table {t.name} has other columns than a {kind} export of mmn-sim "
            f"{PACKAGE_VERSION} ({what}; see docs/data-dictionary.md)."]


def _names(cols: list[str]) -> str:
    shown = ", ".join(shorten(c) for c in cols[:5])
    return shown + (f" and {len(cols) - 5} more" if len(cols) > 5 else "")


def _walk(folder: Path, tables: Mapping[str, Any], manifest_name: str) -> list[str]:
    """Every entry of the export folder (and of its table folders) that the manifest does not
    list, or that is not a plain file or folder where the manifest needs one."""
    files = {t["file"] for t in tables.values() if "files" not in t}
    dirs = {name: {p["file"].split("/", 1)[1] for p in t["files"]} |
            ({METADATA} if t.get("metadata") else set())
            for name, t in tables.items() if "files" in t}
    out = []
    for entry in _entries(folder):
        name = entry.name
        if entry.is_symlink():
            out.append(_symlink(name))
        elif name in dirs:
            if entry.is_dir(follow_symlinks=False):
                out += _walk_table(Path(entry.path), name, dirs[name], manifest_name)
            else:
                out.append(f"{shorten(name)} is not a folder, but {manifest_name} lists it as "
                           "the folder of a partitioned table.")
        elif name in files or name == manifest_name or name in DOC_FILES:
            if not entry.is_file(follow_symlinks=False):
                out.append(f"{shorten(name)} is {_what(entry)} where a file should be.")
        else:
            out.append(_unlisted(name, entry, manifest_name))
    return out


def _walk_table(path: Path, table: str, parts: set[str], manifest_name: str) -> list[str]:
    out = []
    for entry in _entries(path):
        rel = f"{table}/{entry.name}"
        if entry.is_symlink():
            out.append(_symlink(rel))
        elif entry.name not in parts:
            out.append(_unlisted(rel, entry, manifest_name))
        elif not entry.is_file(follow_symlinks=False):
            out.append(f"{shorten(rel)} is {_what(entry)} where a part file should be.")
    return out


def _entries(path: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(path) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError:
        return []  # the folder itself is reported (missing or unreadable) by its files


def _what(entry: os.DirEntry) -> str:
    return "a folder" if entry.is_dir(follow_symlinks=False) else "not a plain file"


def _symlink(rel: str) -> str:
    return (f"{shorten(rel)} is a symbolic link; an export holds only plain files and folders, "
            "so it was added or replaced after the export was written.")


def _unlisted(rel: str, entry: os.DirEntry, manifest_name: str) -> str:
    kind = "folder" if entry.is_dir(follow_symlinks=False) else "file"
    why = ("a partial file an interrupted write left" if rel.endswith(".partial") else
           "a copy, a leftover or an addition")
    return (f"{shorten(rel)}{'/' if kind == 'folder' else ''} is not listed in {manifest_name}: "
            f"a {kind} the export did not write ({why}), which a reader of the folder would "
            "take for part of the dataset.")


# --- one table ----------------------------------------------------------------------------------
class _NotPlain(Exception):
    """The path is there but is not a regular file (the folder walk reports it)."""


class _Unreadable(Exception):
    """One sentence's reason: a file that cannot be read as its format."""


@dataclass
class _Table:
    """One table read back: its files' SHA-256s and rows, its columns and content hash."""

    folder: Path
    name: str
    entry: Mapping[str, Any]
    manifest_name: str
    problems: list[str] = field(default_factory=list)
    files: int = 0
    rows: int = 0
    columns: list[str] | None = None
    intact: bool = False

    def __post_init__(self) -> None:
        self._check()

    def _check(self) -> None:
        e, parted = self.entry, "files" in self.entry
        parts = e["files"] if parted else [e]
        if parted:
            self._listing(parts)
        content = hashlib.sha256()
        bad = False
        once: dict[str, Mapping[str, Any]] = {}
        for p in parts:  # a part listed twice is read once
            once.setdefault(p["file"], p)
        for part in once.values():
            bad |= not self._file(part, content, first=self.files == 0)
        if bad:
            return
        if e.get("metadata"):
            self._metadata(e["metadata"], parts)
        if "content_sha256" in e and content.hexdigest() != e["content_sha256"]:
            self.problems.append(
                f"table {self.name}: its content_sha256 in {self.manifest_name} is not the "
                "SHA-256 of its rows (the table written as one CSV file), so the manifest or "
                "the data was edited.")
        if self.rows != e["rows"]:
            self.problems.append(f"table {self.name} has {self.rows:,} rows in its files, but "
                                 f"{self.manifest_name} says {e['rows']:,}.")
        self.intact = not self.problems

    def _listing(self, parts: list[dict[str, Any]]) -> None:
        """A partitioned table's entry against its parts' entries."""
        e, name, m = self.entry, self.name, self.manifest_name
        counts: dict[str, int] = {}
        for p in parts:
            counts[p["file"]] = counts.get(p["file"], 0) + 1
        self.problems += [f"{shorten(f)} is listed {k} times in {m}; each part is listed once."
                          for f, k in counts.items() if k > 1]
        whole = hashlib.sha256("".join(p["sha256"] for p in parts).encode()).hexdigest()
        if whole != e["sha256"]:
            self.problems.append(
                f"table {name}: its sha256 in {m} is not the SHA-256 of its parts' SHA-256s, so "
                "the manifest was edited (a part's entry removed, added or changed, or the "
                "table's sha256 itself).")
        listed = sum(p["rows"] for p in parts)
        if listed != e["rows"]:
            self.problems.append(f"table {name}: {m} gives it {e['rows']:,} rows, but its "
                                 f"parts' entries add up to {listed:,}.")

    def _file(self, part: Mapping[str, Any], content: Any, first: bool) -> bool:
        """Check one file; feed its rows as CSV into ``content``. False if it is not intact."""
        rel, path = part["file"], self.folder / part["file"]
        try:
            if _sha256(path) != part["sha256"]:
                self.problems.append(f"{shorten(rel)}: its SHA-256 is not the one in "
                                     f"{self.manifest_name}, so the file or its entry there "
                                     "was changed.")
                return False
            rows, cols = _read_rows(path, content, first)
        except FileNotFoundError:
            self.problems.append(f"{shorten(rel)} is missing; {self.manifest_name} lists it.")
            return False
        except _NotPlain:
            return False
        except (_Unreadable, OSError) as err:
            why = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
            self.problems.append(f"{shorten(rel)} cannot be read ({shorten(why)}).")
            return False
        self.files += 1
        self.rows += rows
        if part is not self.entry and rows != part["rows"]:
            self.problems.append(f"{shorten(rel)} has {rows:,} rows, but {self.manifest_name} "
                                 f"says {part['rows']:,}.")
        if first:
            self.columns = cols
        elif cols != self.columns:
            self.problems.append(f"{shorten(rel)} has other columns than the first file of "
                                 f"table {self.name}.")
        return True

    def _metadata(self, meta: Mapping[str, Any], parts: list[dict[str, Any]]) -> None:
        """The table's ``_metadata`` file lists exactly its parts and rows."""
        rel = meta["file"]
        path = self.folder / rel
        try:
            if _sha256(path) != meta["sha256"]:
                self.problems.append(f"{rel}: its SHA-256 is not the one in "
                                     f"{self.manifest_name}, so the file or its entry there "
                                     "was changed.")
                return
            listed, rows = _metadata_parts(path)
        except FileNotFoundError:
            self.problems.append(f"{rel} is missing; {self.manifest_name} lists it.")
            return
        except _NotPlain:
            return
        except (_Unreadable, OSError) as err:
            self.problems.append(f"{rel} cannot be read ({shorten(str(err))}).")
            return
        self.files += 1
        want = {p["file"].split("/", 1)[1] for p in parts}
        if listed != want or rows != self.rows:
            self.problems.append(f"{rel} does not list exactly the table's parts and rows, so a "
                                 "reader of the dataset would get other rows.")


# --- reading files --------------------------------------------------------------------------------
def _open(path: Path) -> io.FileIO:
    """``path`` opened for reading if it is a regular file (no symbolic link, FIFO, folder)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as err:
        if os.path.lexists(path) and not stat.S_ISREG(os.lstat(path).st_mode):
            raise _NotPlain from None
        raise err from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise _NotPlain
    return io.FileIO(fd, "rb")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with _open(path) as f:
        while block := f.read(_BLOCK):
            h.update(block)
    return h.hexdigest()


def _read_rows(path: Path, content: Any, first: bool) -> tuple[int, list[str]]:
    """Rows and columns of one table file; its rows, as CSV, go into ``content`` (with the
    header if ``first``), as the export hashed them."""
    if path.suffix == ".csv":
        return _csv_rows(path, content, first)
    return _parquet_rows(path, content, first)


def _csv_rows(path: Path, content: Any, first: bool) -> tuple[int, list[str]]:
    rows, cols = 0, []
    with _open(path) as raw:  # the bytes are the content, as one CSV file
        while block := raw.read(_BLOCK):
            content.update(block)
    try:
        with _open(path) as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
            reader = csv.reader(text)
            cols = next(reader, [])
            for _row in reader:
                rows += 1
    except (UnicodeDecodeError, csv.Error) as err:
        raise _Unreadable(f"not UTF-8 CSV: {shorten(str(err))}") from None
    return rows, cols


def _parquet_rows(path: Path, content: Any, first: bool) -> tuple[int, list[str]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = 0
    try:
        with _open(path) as raw:
            pf = pq.ParquetFile(raw)
            cols = list(pf.schema_arrow.names)
            for i, text in enumerate(_csv_batches(pf)):
                cut = text.index("\n") + 1
                if first and i == 0:
                    content.update(text[:cut].encode("utf-8"))
                content.update(text[cut:].encode("utf-8"))
            rows = pf.metadata.num_rows
    except (pa.ArrowException, ValueError, TypeError, KeyError, IndexError, OverflowError) as err:
        raise _Unreadable(f"not a Parquet table file: {shorten(str(err))}") from None
    return rows, cols


def _csv_batches(pf: Any) -> Iterator[str]:
    """Each row group of a Parquet file as CSV text, header first (an empty file: header)."""
    if pf.num_row_groups == 0:
        yield pf.schema_arrow.empty_table().to_pandas().to_csv(index=False, lineterminator="\n")
    for i in range(pf.num_row_groups):
        df = pf.read_row_group(i).to_pandas()
        yield df.to_csv(index=False, lineterminator="\n")


def _metadata_parts(path: Path) -> tuple[set[str], int]:
    """The part files a ``_metadata`` file's row groups point to, and its rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        with _open(path) as raw:
            md = pq.read_metadata(raw)
        files = {md.row_group(i).column(0).file_path for i in range(md.num_row_groups)
                 if md.num_columns}
        return files, md.num_rows
    except (pa.ArrowException, ValueError, TypeError) as err:
        raise _Unreadable(f"not Parquet dataset metadata: {shorten(str(err))}") from None
