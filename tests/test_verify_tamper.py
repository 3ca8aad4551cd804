"""Tampered exports: every change to an export's files or to its manifest's table entries makes
``verify`` and ``reproduce`` fail with the same sentences, and an untouched export passes both.

Each tampering is done here as someone would do it by hand (a part copied beside the others,
a part removed with its manifest entry, ``rows`` edited to 1e9, ...). Small cohorts (20
patients, 2 years) keep this fast.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
import pytest

from sim.cli import main

N, YEARS = 20, 2
COHORT = ["cohort", "untreated", "--n", str(N), "--years", str(YEARS), "--chunk", "8", "--quiet"]


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def _write_manifest(folder: Path, man: dict) -> None:
    (folder / "manifest.json").write_text(json.dumps(man, indent=2) + "\n", encoding="utf-8")


def _edit(folder: Path, fn: Callable[[dict], None]) -> None:
    man = _manifest(folder)
    fn(man)
    _write_manifest(folder, man)


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("exports")
    out = {"parquet": root / "parquet", "csv": root / "csv"}
    assert main([*COHORT, "--out", str(out["parquet"])]) == 0
    assert main([*COHORT, "--format", "csv", "--out", str(out["csv"])]) == 0
    return out


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


def _verify(folder: Path, capsys) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = main(["verify", str(folder)])
    cap = capsys.readouterr()
    return code, (cap.err or cap.out).splitlines()


def _reproduce(folder: Path, out: Path, capsys) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = main(["reproduce", str(folder / "manifest.json"), "--out", str(out), "--quiet"])
    return code, capsys.readouterr().err.splitlines()


def _problems(lines: list[str], command: str) -> list[str]:
    """The problem sentences (the verdict line last is left out), without the prefix."""
    prefix = f"mmn-sim: {command}: "
    assert all(line.startswith(prefix) and line.endswith(".") for line in lines), lines
    return [line[len(prefix):] for line in lines[:-1]]


# --- each tampering ------------------------------------------------------------------------------
def _copy_part_beside(f: Path) -> None:
    shutil.copyfile(f / "summary" / "part-00000.parquet", f / "summary" / "part-00099.parquet")


def _copy_part_other_name(f: Path) -> None:
    shutil.copyfile(f / "summary" / "part-00001.parquet", f / "summary" / "summary-copy.parquet")


def _stray_partial(f: Path) -> None:
    data = (f / "summary" / "part-00002.parquet").read_bytes()
    (f / "summary" / "part-00003.parquet.partial").write_bytes(data[: len(data) // 2])


def _remove_part_and_entry(f: Path) -> None:
    (f / "summary" / "part-00001.parquet").unlink()
    _edit(f, lambda m: m["tables"]["summary"]["files"].pop(1))


def _remove_part_entry_and_fix_rows(f: Path) -> None:
    """A careful forger: part and entry gone, the table's rows and sha256 made consistent."""
    (f / "summary" / "part-00001.parquet").unlink()

    def fix(m: dict) -> None:
        t = m["tables"]["summary"]
        gone = t["files"].pop(1)
        t["rows"] -= gone["rows"]
        t["sha256"] = hashlib.sha256("".join(p["sha256"] for p in t["files"]).encode()
                                     ).hexdigest()
        del t["metadata"]
        (f / "summary" / "_metadata").unlink()
    _edit(f, fix)


def _duplicate_entry(f: Path) -> None:
    _edit(f, lambda m: m["tables"]["summary"]["files"].append(m["tables"]["summary"]["files"][0]))


def _remove_table_folder(f: Path) -> None:
    shutil.rmtree(f / "summary")


def _remove_table_folder_and_entry(f: Path) -> None:
    shutil.rmtree(f / "summary")
    _edit(f, lambda m: m["tables"].pop("summary"))


def _rows_1e9(f: Path) -> None:
    _edit(f, lambda m: m["tables"]["summary"].update(rows=1_000_000_000))


def _content_sha(f: Path) -> None:
    _edit(f, lambda m: m["tables"]["summary"].update(content_sha256="0" * 64))


def _table_sha(f: Path) -> None:
    _edit(f, lambda m: m["tables"]["summary"].update(sha256="f" * 64))


def _symlink_part(f: Path) -> None:
    part = f / "summary" / "part-00000.parquet"
    elsewhere = f.parent / f"{f.name}-elsewhere.parquet"
    shutil.copyfile(part, elsewhere)  # the same bytes: only the link gives it away
    part.unlink()
    part.symlink_to(elsewhere)


def _folder_for_part(f: Path) -> None:
    part = f / "summary" / "part-00002.parquet"
    part.unlink()
    part.mkdir()


def _stray_top_level(f: Path) -> None:
    shutil.copytree(f / "summary", f / "summary-old")


PARQUET_TAMPERING = [
    ("a part copied beside the listed ones", _copy_part_beside,
     "summary/part-00099.parquet is not listed in manifest.json"),
    ("a part copied under another name", _copy_part_other_name,
     "summary/summary-copy.parquet is not listed in manifest.json"),
    ("a stray partial file", _stray_partial,
     "summary/part-00003.parquet.partial is not listed in manifest.json: a file the export did "
     "not write (a partial file an interrupted write left)"),
    ("a part and its manifest entry removed", _remove_part_and_entry,
     "table summary: its sha256 in manifest.json is not the SHA-256 of its parts' SHA-256s"),
    ("a part and its entry removed, rows and sha256 made consistent",
     _remove_part_entry_and_fix_rows, "table summary: its content_sha256 in manifest.json is "
     "not the SHA-256 of its rows"),
    ("a manifest entry duplicated", _duplicate_entry,
     "summary/part-00000.parquet is listed 2 times in manifest.json"),
    ("a whole table folder removed", _remove_table_folder,
     "summary/part-00000.parquet is missing; manifest.json lists it."),
    ("a table folder and its entry removed", _remove_table_folder_and_entry,
     "table summary is missing: a summary export has the tables patients, summary"),
    ("rows edited to 1e9", _rows_1e9,
     f"table summary has {N * (YEARS + 1)} rows in its files, but manifest.json says "
     "1,000,000,000."),
    ("content_sha256 edited", _content_sha, "table summary: its content_sha256"),
    ("table-level sha256 edited", _table_sha, "table summary: its sha256 in manifest.json"),
    ("a part replaced by a symbolic link to the same bytes", _symlink_part,
     "summary/part-00000.parquet is a symbolic link"),
    ("a folder where a part should be", _folder_for_part,
     "summary/part-00002.parquet is a folder where a part file should be."),
    ("a copy of a table folder beside the export's", _stray_top_level,
     "summary-old/ is not listed in manifest.json"),
]


@pytest.mark.parametrize(("what", "tamper", "expect"), PARQUET_TAMPERING,
                         ids=[t[0] for t in PARQUET_TAMPERING])
def test_verify_and_reproduce_reject_each_tampering_with_the_same_sentences(
        exports, tmp_path, capsys, what, tamper, expect):
    folder = _copy(exports["parquet"], tmp_path / "e")
    tamper(folder)
    code, lines = _verify(folder, capsys)
    assert code == 1, lines
    found = _problems(lines, "verify")
    assert any(expect in p for p in found), found
    assert "is not the export manifest.json describes" in lines[-1]
    assert not any("verified" in line for line in lines)
    again = tmp_path / "again"
    code, rlines = _reproduce(folder, again, capsys)
    assert code == 1, rlines
    assert _problems(rlines, "reproduce") == found  # one reader: the same sentences
    assert "changed or damaged after it was written" in rlines[-1]
    # the reproduction holds what the export should: it verifies
    assert main(["verify", str(again), "--quiet"]) == 0


def test_an_untouched_export_verifies_and_reproduces(exports, tmp_path, capsys):
    for fmt, folder in exports.items():
        code, lines = _verify(folder, capsys)
        n_files = 2 if fmt == "csv" else 2 * 3 + 2  # parts and the two _metadata files
        assert code == 0 and lines[0].startswith(
            f"verified {folder}: 2 tables in {n_files} files, {N + N * (YEARS + 1)} rows"), lines
        assert "tables and columns" in lines[0]
        capsys.readouterr()
        assert main(["reproduce", str(folder / "manifest.json"), "--out",
                     str(tmp_path / fmt)]) == 0
        out = capsys.readouterr().out
        assert "every SHA-256, row count and content hash matches" in out
        assert "the 2 tables beside it were verified first" in out


def test_a_duplicated_key_in_the_manifest_is_refused(exports, tmp_path, capsys):
    folder = _copy(exports["parquet"], tmp_path / "e")
    text = (folder / "manifest.json").read_text(encoding="utf-8")
    entry = json.dumps({"summary": _manifest(folder)["tables"]["summary"]})[1:-1]
    text = text.replace('"tables": {', '"tables": {' + entry + ",", 1)
    (folder / "manifest.json").write_text(text, encoding="utf-8")
    assert json.loads(text)["tables"]["summary"]  # json alone would keep the last silently
    for argv in (["verify", str(folder)],
                 ["reproduce", str(folder / "manifest.json"), "--out", str(tmp_path / "o")]):
        capsys.readouterr()
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "the key 'summary' appears twice" in err
    assert not (tmp_path / "o").exists()


# --- CSV exports and forgeries that keep the manifest consistent ---------------------------------
def _forge_csv(folder: Path, table: str, df: pd.DataFrame) -> None:
    """Rewrite a CSV table and its manifest entry so that every checksum agrees."""
    data = df.to_csv(index=False, lineterminator="\n").encode("utf-8")
    (folder / f"{table}.csv").write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    _edit(folder, lambda m: m["tables"][table].update(rows=len(df), sha256=sha,
                                                       content_sha256=sha))


def test_a_consistent_forgery_that_drops_a_patient_fails_on_the_rows_it_implies(
        exports, tmp_path, capsys):
    folder = _copy(exports["csv"], tmp_path / "e")
    df = pd.read_csv(folder / "summary.csv")
    _forge_csv(folder, "summary", df[df["patient"] != N - 1])
    code, lines = _verify(folder, capsys)
    assert code == 1 and _problems(lines, "verify") == [
        f"table summary has {(N - 1) * (YEARS + 1)} rows, but {N} patients x {YEARS + 1} "
        f"yearly visits (years 0 to {YEARS}) make {N * (YEARS + 1)}: rows were added or "
        "removed."]


def test_a_consistent_forgery_that_drops_a_column_fails_on_the_data_dictionary(
        exports, tmp_path, capsys):
    folder = _copy(exports["csv"], tmp_path / "e")
    df = pd.read_csv(folder / "summary.csv")
    _forge_csv(folder, "summary", df.drop(columns=["disability"]))
    code, lines = _verify(folder, capsys)
    assert code == 1 and _problems(lines, "verify") == [
        "table summary has other columns than a summary export of mmn-sim 0.1.0 (without "
        "disability; see docs/data-dictionary.md)."]


@pytest.mark.parametrize("what", ["stray", "rows", "edited", "symlink"])
def test_csv_exports_are_checked_the_same_way(exports, tmp_path, capsys, what):
    folder = _copy(exports["csv"], tmp_path / "e")
    if what == "stray":
        shutil.copyfile(folder / "summary.csv", folder / "summary (1).csv")
    elif what == "rows":
        _edit(folder, lambda m: m["tables"]["patients"].update(rows=N + 1))
    elif what == "edited":
        with open(folder / "patients.csv", "a", encoding="utf-8") as f:
            f.write(f"{N},1,mmn,male,40,80,left,True,1,1,1\n")
    else:
        elsewhere = tmp_path / "patients.csv"
        shutil.copyfile(folder / "patients.csv", elsewhere)
        (folder / "patients.csv").unlink()
        (folder / "patients.csv").symlink_to(elsewhere)
    code, lines = _verify(folder, capsys)
    assert code == 1, lines
    expect = {"stray": "summary (1).csv is not listed", "rows": "table patients has 20 rows "
              "in its files, but manifest.json says 21.", "edited": "patients.csv: its SHA-256 "
              "is not the one", "symlink": "patients.csv is a symbolic link"}[what]
    assert any(expect in p for p in _problems(lines, "verify")), lines
    code, rlines = _reproduce(folder, tmp_path / "again", capsys)
    assert code == 1 and _problems(rlines, "reproduce") == _problems(lines, "verify")


def test_a_fifo_in_place_of_a_part_is_reported_without_blocking(exports, tmp_path, capsys):
    folder = _copy(exports["parquet"], tmp_path / "e")
    part = folder / "patients" / "part-00000.parquet"
    part.unlink()
    os.mkfifo(part)
    code, lines = _verify(folder, capsys)
    assert code == 1 and any("patients/part-00000.parquet is not a plain file where a part file"
                             in p for p in _problems(lines, "verify")), lines


def test_many_problems_are_named_up_to_twenty_then_counted(exports, tmp_path, capsys):
    folder = _copy(exports["parquet"], tmp_path / "e")
    for k in range(30):
        (folder / "summary" / f"extra-{k:02d}.parquet").write_bytes(b"x")
    code, lines = _verify(folder, capsys)
    assert code == 1 and len(lines) == 22
    assert lines[-2] == "mmn-sim: verify: and 10 more problems of this export."


# --- readers that bypass verify ------------------------------------------------------------------
def test_the_dataset_metadata_lists_exactly_the_parts_and_is_deterministic(exports, tmp_path):
    folder = exports["parquet"]
    again = tmp_path / "again"
    assert main([*COHORT, "--out", str(again)]) == 0
    for table in ("patients", "summary"):
        assert (again / table / "_metadata").read_bytes() == (
            folder / table / "_metadata").read_bytes()
    copy = _copy(folder, tmp_path / "e")
    _copy_part_beside(copy)
    _stray_partial(copy)
    safe = ds.parquet_dataset(str(copy / "summary" / "_metadata")).to_table()
    assert safe.num_rows == _manifest(folder)["tables"]["summary"]["rows"] == N * (YEARS + 1)
    assert safe.schema.field("patient").type == "int64"
    whole = pd.read_parquet(folder / "summary")
    pd.testing.assert_frame_equal(safe.to_pandas(), whole)
    assert ds.dataset(str(copy / "summary"), exclude_invalid_files=True).count_rows() > (
        safe.num_rows)  # what a reader of the bare folder gets: the copied part's rows too


def test_summary_rows_follow_fractional_years(tmp_path, capsys):
    out = tmp_path / "c"
    assert main(["cohort", "untreated", "--n", "3", "--years", "2.5", "--quiet",
                 "--out", str(out)]) == 0
    code, lines = _verify(out, capsys)
    assert code == 0, lines
    assert _manifest(out)["tables"]["summary"]["rows"] == 3 * 3  # years 0, 1 and 2


def test_a_sweep_over_years_verifies_and_a_dropped_row_does_not(tmp_path, capsys):
    out = tmp_path / "s"
    assert main(["sweep", "untreated", "--grid", "scenario.years=1,2", "--n", "2", "--quiet",
                 "--format", "csv", "--out", str(out)]) == 0
    code, lines = _verify(out, capsys)
    assert code == 0, lines
    df = pd.read_csv(out / "sweep.csv")
    assert len(df) == 2 * (2 + 3)
    _forge_csv(out, "sweep", df.iloc[:-1])
    code, lines = _verify(out, capsys)
    assert code == 1 and "table sweep has 9 rows, but 2 combinations x 2 patients x their " \
        "yearly visits make 10" in lines[0]


def test_a_full_export_with_empty_tables_verifies_and_reads_through_metadata(tmp_path, capsys):
    out = tmp_path / "full"
    assert main(["cohort", "untreated", "--n", "5", "--years", "1", "--chunk", "2",
                 "--detail", "full", "--quiet", "--out", str(out)]) == 0
    code, lines = _verify(out, capsys)
    assert code == 0, lines
    man = _manifest(out)
    assert any(t["rows"] == 0 for t in man["tables"].values())  # a table nobody has rows in
    for name, t in man["tables"].items():
        safe = ds.parquet_dataset(str(out / name / "_metadata")).to_table()
        assert safe.num_rows == t["rows"], name
        if t["rows"]:
            pd.testing.assert_frame_equal(safe.to_pandas(), pd.read_parquet(out / name))
