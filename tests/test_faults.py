"""Exports under faults: killed processes, a read-only folder, leftovers of earlier kills,
tampered files (``verify``, ``reproduce``) and cohorts written a chunk of patients at a time."""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import weakref
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim import atomic, cohort, export
from sim.cli import main
from sim.verify import check_export

ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, PYTHONPATH=str(ROOT))
QUICK = ["untreated", "--years", "2", "--quiet"]
# A cohort of several parts, long enough (about 3 s) for kills from outside to land while it is
# simulated and written.
COHORT = ["cohort", "untreated", "--n", "60", "--years", "10", "--quiet"]


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def _intact(folder: Path) -> bool:
    """The folder is the export its manifest describes (what ``verify`` checks)."""
    return check_export(folder, _manifest(folder)).ok


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _leftover(parent: Path, target: str, pid: int, token: str = "0123456789ab") -> Path:
    """A work folder as a process killed mid-export leaves it."""
    work = parent / f".{target}.mmn-sim-{token}"
    (work / "new").mkdir(parents=True)
    (work / "new" / "clinical.csv").write_text("patient,day\n0,", encoding="utf-8")
    marker = {"target": target, "pid": pid, "host": os.uname().nodename, "started": None}
    (work / atomic.MARKER).write_text(json.dumps(marker), encoding="utf-8")
    return work


# --- the swap, in process --------------------------------------------------------------------
def test_staged_replaces_only_when_asked_and_leaves_no_work_folder(tmp_path):
    out = tmp_path / "out"
    with atomic.staged(out) as f:
        (f / "a.txt").write_text("one", encoding="utf-8")
    with pytest.raises(FileExistsError), atomic.staged(out) as f:
        (f / "a.txt").write_text("two", encoding="utf-8")
    assert (out / "a.txt").read_text(encoding="utf-8") == "one"
    with atomic.staged(out, replace=True) as f:
        (f / "b.txt").write_text("two", encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["b.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_a_failure_during_the_swap_keeps_the_old_folder(tmp_path, monkeypatch, exchange):
    out = tmp_path / "out"
    with atomic.staged(out) as f:
        (f / "old.txt").write_text("old", encoding="utf-8")

    def exchange_fails(a, b):
        raise OSError(5, "Input/output error")

    real = os.rename

    def second_rename_fails(src, dst):
        if Path(src).name == "new":
            raise OSError(5, "Input/output error")
        return real(src, dst)

    if exchange:
        monkeypatch.setattr(atomic, "_exchange", exchange_fails)
    else:
        monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)
        monkeypatch.setattr(atomic.os, "rename", second_rename_fails)
    with pytest.raises(OSError, match="Input/output"), atomic.staged(out, replace=True) as f:
        (f / "new.txt").write_text("new", encoding="utf-8")
    assert [p.name for p in out.iterdir()] == ["old.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_recover_puts_back_an_old_export_moved_aside_and_removes_leftovers(tmp_path):
    pid = _dead_pid()
    aside = _leftover(tmp_path, "out", pid, "aaaaaaaaaaaa")  # killed between the two renames
    (aside / "old").mkdir()
    (aside / "old" / "manifest.json").write_text("{}", encoding="utf-8")
    done = _leftover(tmp_path, "kept", pid, "bbbbbbbbbbbb")  # killed after the swap
    (done / "old").mkdir()
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / "manifest.json").write_text('{"new": 1}', encoding="utf-8")
    _leftover(tmp_path, "fresh", pid, "cccccccccccc")  # killed while writing
    empty = tmp_path / ".empty.mmn-sim-dddddddddddd"
    empty.mkdir()  # killed before the marker, long ago
    old = time.time() - 2 * atomic.FRESH_SECONDS
    os.utime(empty, (old, old))
    lines = atomic.recover(tmp_path)
    assert len(lines) == 5, lines
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept", "out"]
    assert (tmp_path / "out" / "manifest.json").read_text(encoding="utf-8") == "{}"
    assert (tmp_path / "kept" / "manifest.json").read_text(encoding="utf-8") == '{"new": 1}'


def test_recover_leaves_a_fresh_work_folder_without_its_marker_alone(tmp_path):
    """Another process makes its work folder, then writes the marker: in between, a sibling
    save's clean-up must not remove it (it failed that process's save)."""
    fresh = tmp_path / ".x.mmn-sim-eeeeeeeeeeee"
    fresh.mkdir()
    assert atomic.recover(tmp_path) == [] and fresh.is_dir()


def test_sibling_saves_in_one_parent_all_succeed(tmp_path):
    """Two processes saving exports into sibling folders of one parent, many times: every
    save lands (each save's clean-up of stale work folders runs while the other is writing)."""
    script = ("import sys\nfrom pathlib import Path\nfrom sim import atomic\n"
              "base = Path(sys.argv[1])\nfor k in range(150):\n"
              "    with atomic.staged(base / f'{sys.argv[2]}-{k}') as f:\n"
              "        (f / 'a.txt').write_text('x')\n    atomic.recover(base)\n")
    procs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path), tag], env=ENV,
                              stderr=subprocess.PIPE, text=True) for tag in ("a", "b")]
    errs = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errs
    assert len([p for p in tmp_path.iterdir() if not p.name.startswith(".")]) == 300


def test_recover_leaves_alone_what_is_not_provably_a_dead_exports(tmp_path):
    live = _leftover(tmp_path, "busy", os.getpid(), "aaaaaaaaaaaa")  # still being written
    no_marker = tmp_path / ".notes.mmn-sim-bbbbbbbbbbbb"  # our pattern, but not our folder
    no_marker.mkdir()
    (no_marker / "mine.txt").write_text("keep", encoding="utf-8")
    other = tmp_path / ".out.x1y2z3"  # hidden, not our pattern
    other.mkdir()
    wrong = _leftover(tmp_path, "a", _dead_pid(), "cccccccccccc")
    (wrong / atomic.MARKER).write_text(json.dumps({"target": "b", "pid": 1}), encoding="utf-8")
    assert atomic.recover(tmp_path) == []
    assert {p.name for p in tmp_path.iterdir()} == {live.name, no_marker.name, other.name,
                                                    wrong.name}


def test_the_next_export_removes_leftovers_and_creates_no_parents_on_failure(tmp_path,
                                                                             monkeypatch):
    _leftover(tmp_path, "out", _dead_pid())
    assert main(["run", *QUICK, "--out", str(tmp_path / "out")]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["out"] and _intact(tmp_path / "out")
    import sim.table_writer as writer

    def full(raw, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "_write", full)
    assert main(["run", *QUICK, "--out", str(tmp_path / "a" / "b" / "c")]) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


# --- verify and reproduce --------------------------------------------------------------------
@pytest.fixture(scope="module")
def export_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("verify") / "e"
    assert main(["run", "first-ivig-course", "--years", "2", "--quiet", "--out", str(out)]) == 0
    return out


def _copy(src: Path, dst: Path) -> Path:
    dst.mkdir()
    for p in src.iterdir():
        (dst / p.name).write_bytes(p.read_bytes())
    return dst


def test_verify_passes_an_untouched_export_and_names_each_changed_table(export_dir, tmp_path,
                                                                        capsys):
    n = len(json.loads((export_dir / "manifest.json").read_text(encoding="utf-8"))["tables"])
    assert main(["verify", str(export_dir)]) == 0
    assert f"verified {export_dir}: {n} tables in {n} files" in capsys.readouterr().out
    bad = _copy(export_dir, tmp_path / "bad")
    with open(bad / "clinical.csv", "r+b") as f:  # one digit changed, same size
        data = bytearray(f.read())
        i = data.rindex(b"1")
        data[i:i + 1] = b"2"
        f.seek(0)
        f.write(data)
    (bad / "ncs.csv").unlink()
    assert main(["verify", str(bad / "manifest.json")]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines == [  # one sentence per problem, then the verdict
        "mmn-sim: verify: clinical.csv: its SHA-256 is not the one in manifest.json, so the "
        "file or its entry there was changed.",
        "mmn-sim: verify: ncs.csv is missing; manifest.json lists it.",
        f"mmn-sim: verify: {bad} is not the export manifest.json describes (2 problems); do "
        f"not use it, re-create it with: mmn-sim reproduce {bad / 'manifest.json'} --out "
        "NEW_FOLDER."]


@pytest.mark.parametrize(
    ("tables", "expect"),
    [(["x"], "'tables' must be an object"), ({"sites": "x"}, "tables.sites must be an object"),
     ({"sites": {"file": "../../etc/passwd", "sha256": "0" * 64}}, "is not a"),
     ({"sites": {"file": "sites.csv", "sha256": "abc"}}, "sha256")],
)
def test_verify_and_reproduce_refuse_a_malformed_tables_list_before_writing(
        export_dir, tmp_path, capsys, tables, expect):
    bad = _copy(export_dir, tmp_path / "bad")
    man = _manifest(bad)
    man["tables"] = tables
    (bad / "manifest.json").write_text(json.dumps(man), encoding="utf-8")
    assert main(["verify", str(bad)]) == 2
    err = capsys.readouterr().err
    assert expect in err and err.count("\n") == 1
    assert main(["reproduce", str(bad / "manifest.json"), "--out", str(tmp_path / "o")]) == 2
    # one checked reader for both commands: the same sentence, naming the field
    assert capsys.readouterr().err == err and not (tmp_path / "o").exists()


def test_verify_refuses_a_deeply_nested_manifest_in_one_sentence(tmp_path, capsys):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "manifest.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert main(["verify", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "manifest" in err and "Traceback" not in err


def test_verify_refuses_a_folder_that_is_no_export(tmp_path, capsys):
    assert main(["verify", str(tmp_path / "nothing")]) == 2
    assert "no such export folder" in capsys.readouterr().err
    assert main(["verify", str(tmp_path)]) == 2
    assert "no such manifest" in capsys.readouterr().err


def test_reproduce_fails_when_a_table_of_the_original_was_edited(export_dir, tmp_path, capsys):
    orig = _copy(export_dir, tmp_path / "orig")
    with open(orig / "events.csv", "a", encoding="utf-8") as f:
        f.write("0,1.0,ivig_dose,,,,2.0,forged\n")
    code = main(["reproduce", str(orig / "manifest.json"), "--out", str(tmp_path / "again"),
                 "--quiet"])
    lines = capsys.readouterr().err.splitlines()
    assert code == 1 and len(lines) == 2
    assert lines[0] == ("mmn-sim: reproduce: events.csv: its SHA-256 is not the one in "
                        "manifest.json, so the file or its entry there was changed.")
    assert "the export beside" in lines[1] and "changed or damaged" in lines[1]
    # the reproduction itself matches the manifest: the original is what changed
    assert (tmp_path / "again" / "events.csv").read_bytes() == (
        export_dir / "events.csv").read_bytes()


def test_reproduce_from_a_manifest_kept_on_its_own_compares_checksums_only(export_dir, tmp_path,
                                                                         capsys):
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "manifest.json").write_bytes((export_dir / "manifest.json").read_bytes())
    assert main(["reproduce", str(alone / "manifest.json"), "--out", str(tmp_path / "o")]) == 0
    assert "only the manifest's checksums" in capsys.readouterr().out


# --- a cohort in parts -----------------------------------------------------------------------
def test_a_cohort_in_parts_writes_the_whole_tables_csv_bytes(tmp_path):
    sc = sim.load_scenario("first-ivig-course").with_overrides({"scenario.years": 2})
    n = 2 * export.CHUNK_PATIENTS + 3
    tables = cohort.export_cohort(sc, n, tmp_path / "c", seed=11, first=5)
    whole = sim.simulate_cohort(sc, n, seed=11, first=5)
    assert list(tables) == list(whole.tables)
    for name, df in whole.tables.items():
        data = (tmp_path / "c" / f"{name}.csv").read_bytes()
        assert data == export.table_bytes(df, "csv"), name
        assert tables[name]["sha256"] == hashlib.sha256(data).hexdigest()
        assert tables[name]["rows"] == len(df)
    man = _manifest(tmp_path / "c")
    assert [p["patient"] for p in man["patients"]] == list(range(5, 5 + n))
    text = (tmp_path / "c" / "manifest.json").read_text(encoding="utf-8")
    assert text == json.dumps(man, indent=2) + "\n"  # the streamed list is plain JSON


def test_a_cohort_in_parts_writes_the_same_parquet_bytes_twice_with_the_whole_values(tmp_path):
    sc = sim.load_scenario("untreated").with_overrides({"scenario.years": 2})
    n = export.CHUNK_PATIENTS + 2
    cohort.export_cohort(sc, n, tmp_path / "a", seed=2, format="parquet")
    sim.simulate_cohort(sc, n, seed=2).save(tmp_path / "b", format="parquet")
    whole = sim.simulate_cohort(sc, n, seed=2).tables
    for name, df in whole.items():
        a = (tmp_path / "a" / f"{name}.parquet").read_bytes()
        assert a == (tmp_path / "b" / f"{name}.parquet").read_bytes(), name
        back = pd.read_parquet(tmp_path / "a" / f"{name}.parquet")
        for col in back.columns:
            if isinstance(back[col].dtype, pd.CategoricalDtype):
                back[col] = back[col].astype(str)
                df = df.assign(**{col: df[col].astype(str)})
        pd.testing.assert_frame_equal(back, df, check_dtype=False, obj=name)


def test_a_cohort_never_holds_more_than_one_part_of_patients(tmp_path, monkeypatch):
    refs: list[weakref.ref] = []
    most = {"n": 0}
    real = cohort.run_patient

    def counted(*args, **kwargs):
        pr = real(*args, **kwargs)
        refs.append(weakref.ref(pr))
        most["n"] = max(most["n"], sum(r() is not None for r in refs))
        return pr

    monkeypatch.setattr(cohort, "run_patient", counted)
    sc = sim.load_scenario("untreated").with_overrides({"scenario.years": 1})
    cohort.export_cohort(sc, 4 * export.CHUNK_PATIENTS, tmp_path / "c", seed=1)
    assert most["n"] <= export.CHUNK_PATIENTS + 1  # one part, plus the next patient being made
    assert len(pd.read_csv(tmp_path / "c" / "patients.csv")) == 4 * export.CHUNK_PATIENTS


# --- real processes, killed ------------------------------------------------------------------
_KILLER = r"""
import os, signal, sys
point, count = sys.argv[1], int(sys.argv[2])
seen = [0]
def hit():
    seen[0] += 1
    if seen[0] == count:
        os.kill(os.getpid(), signal.SIGKILL)
import sim.atomic as atomic, sim.table_writer as writer
if point.endswith("-renames"):
    atomic._exchange = lambda a, b: False
    point = point[:-len("-renames")]
real_write, real_rename, real_rmtree = writer._write, os.rename, atomic.shutil.rmtree
def write(raw, data):
    real_write(raw, data)
    if point == "write":
        hit()
def rename(src, dst):
    real_rename(src, dst)
    if point == "rename":
        hit()
def exchange(a, b, real=atomic._exchange):
    done = real(a, b)
    if point == "exchange":
        hit()
    return done
def rmtree(path, *args, **kwargs):
    real_rmtree(path, *args, **kwargs)
    if point == "rmtree":
        hit()
writer._write, atomic.os.rename, atomic.shutil.rmtree = write, rename, rmtree
atomic._exchange = exchange
from sim.cli import main
sys.exit(main(sys.argv[3:]))
"""


def _cli(*argv: str, kill: tuple[str, int] | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-c", _KILLER, *(map(str, kill or ("none", 0))), *argv]
    return subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120,
                          check=False)


@pytest.fixture(scope="module")
def old_export(tmp_path_factory):
    """An export to be replaced with --force: its files, to check it is kept whole."""
    out = tmp_path_factory.mktemp("old") / "out"
    assert main(["run", "untreated", "--years", "1", "--quiet", "--out", str(out)]) == 0
    return {p.name: p.read_bytes() for p in out.iterdir()}


def _put(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


def _files(folder: Path) -> dict[str, bytes]:
    """Every file of an export (a partitioned table's parts too), by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kill", "then"),
    [(("write", 1), "old"), (("write", 9), "old"),  # while the tables are written
     (("exchange", 1), "new"),  # the new export just swapped in, the old not yet removed
     (("rmtree", 1), "new"),  # half-way through removing the old one
     (("rename-renames", 1), "old"),  # two renames: old moved aside, new not yet in
     (("rename-renames", 2), "new")],  # two renames: new in, old not yet removed
    ids=lambda v: "-".join(map(str, v)) if isinstance(v, tuple) else v,
)
def test_a_force_replacement_killed_at_each_step_keeps_one_whole_export(tmp_path, old_export,
                                                                        kill, then):
    out = tmp_path / "out"
    _put(out, old_export)
    # --chunk 1: ten part files per table, so the kill lands among them
    res = _cli("cohort", *QUICK, "--n", "10", "--chunk", "1", "--out", str(out), "--force",
               kill=kill)
    assert res.returncode == -signal.SIGKILL, res.stderr
    assert _hidden(tmp_path), "the kill left its work folder"
    if then == "old" and not out.exists():  # between the two renames: verify puts it back
        assert main(["verify", str(out), "--quiet"]) == 0
    if then == "old":
        assert _files(out) == old_export
    else:
        assert _intact(out) and len(_manifest(out)["patients"]) == 10
    # the next run finishes what the killed one left, then replaces the export
    assert main(["cohort", *QUICK, "--n", "3", "--out", str(out), "--force"]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert _intact(out) and len(_manifest(out)["patients"]) == 3


@pytest.mark.slow
def test_a_new_export_killed_while_written_leaves_no_folder_and_no_parents(tmp_path):
    out = tmp_path / "a" / "b" / "out"
    res = _cli("run", *QUICK, "--out", str(out), kill=("write", 3))
    assert res.returncode == -signal.SIGKILL
    assert _hidden(tmp_path) and _hidden(tmp_path) == sorted(os.listdir(tmp_path))
    assert not (tmp_path / "a").exists()
    assert main(["run", *QUICK, "--out", str(out)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["a"] and _intact(out)


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.5, 1.2, 2.0, None])
def test_kills_from_outside_at_many_moments_leave_old_or_whole_new(tmp_path, old_export, delay):
    """SIGKILL from another process while a 60-patient --force replacement runs: as soon as
    its work folder appears (0.0), at later and later moments, and as the first table grows."""
    out = tmp_path / "out"
    _put(out, old_export)
    proc = subprocess.Popen([sys.executable, "-m", "sim", *COHORT, "--out", str(out), "--force"],
                            cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        _wait_for_work(tmp_path, proc, grown=delay is None)
        time.sleep(delay or 0)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=120)
    if not out.exists():  # killed between two renames: verify puts the old one back
        assert main(["verify", str(out), "--quiet"]) == 0
    if delay == 0.0:
        assert _files(out) == old_export
    else:
        assert _files(out) == old_export or (
            _intact(out) and len(_manifest(out)["patients"]) == 60)
    assert main(["cohort", *QUICK, "--n", "2", "--out", str(out), "--force"]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["out"] and _intact(out)


def _wait_for_work(parent: Path, proc: subprocess.Popen, grown: bool) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        work = [p for p in parent.iterdir() if atomic.is_work_folder(p.name)]
        if work and (not grown or any(f.stat().st_size > 100_000
                                      for f in (work[0] / "new").glob("*.csv"))):
            return
        time.sleep(0.005)


# --- a read-only folder ----------------------------------------------------------------------
def _as_unprivileged():
    """Root ignores file permissions; drop that power (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH)
    from the child process, as an ordinary user has it."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):
        libc.prctl(24, cap, 0, 0, 0)  # PR_CAPBSET_DROP: gone from the program it runs


@pytest.mark.slow
def test_a_read_only_folder_gives_one_sentence_naming_it_and_writes_nothing(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    out = ro / "sub" / "out"
    try:
        res = subprocess.run(
            [sys.executable, "-m", "sim", "run", *QUICK, "--out", str(out)], cwd=ROOT, env=ENV,
            capture_output=True, text=True, timeout=120, check=False,
            preexec_fn=_as_unprivileged if os.geteuid() == 0 else None,
        )
    finally:
        ro.chmod(0o755)
    assert res.returncode == 1, res.stderr
    assert res.stderr == (f"mmn-sim: could not write {out}: Permission denied; nothing was "
                          "written.\n")
    assert list(ro.iterdir()) == []
