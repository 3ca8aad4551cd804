"""The `mmn-sim` command line, called in-process (``sim.cli.main``) and once via ``python -m``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim import DISCLAIMER, cli
from sim.cli import Progress, main

ROOT = Path(__file__).resolve().parent.parent


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix != ".json"
            and p.name != "README.txt"}


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


# --- listing and showing --------------------------------------------------------------------
def test_scenarios_lists_every_preset_with_its_summary(capsys):
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    for name in sim.preset_names():
        line = next(ln for ln in out.splitlines() if ln.startswith(name + " "))
        assert sim.load_scenario(name).scenario.summary in line
    assert DISCLAIMER in out


def test_show_prints_loadable_toml_with_teaching_text(capsys):
    assert main(["show", "ivig-maintenance"]) == 0
    out = capsys.readouterr().out
    assert sim.loads_scenario(out) == sim.load_scenario("ivig-maintenance")
    assert "[teaching]" in out and "not for clinical decisions" in out
    assert out.index("[scenario]") < out.index("[[treatment]]") < out.index("[teaching]")


def test_show_resolves_overrides(capsys):
    assert main(["show", "untreated", "--set", "disease.lesion_rate_per_year=3.5"]) == 0
    data = tomllib.loads(capsys.readouterr().out)
    assert data["disease"]["lesion_rate_per_year"] == 3.5


# --- run, reproduce -------------------------------------------------------------------------
def test_run_writes_tables_manifest_and_readme(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "ivig-maintenance", "--out", str(out)]) == 0
    assert "wrote 10 tables" in capsys.readouterr().out
    names = {p.name for p in out.iterdir()}
    # the five tables of the course, and the work-up on the day of diagnosis (day 728)
    assert names == {"patients.csv", "sites.csv", "muscles.csv", "clinical.csv", "events.csv",
                     "ncs.csv", "fwaves.csv", "exam.csv", "emg.csv", "labs.csv",
                     "manifest.json", "README.txt"}
    man = _manifest(out)
    for key in ("disclaimer", "package_version", "git_commit", "created_utc", "seed",
                "scenario", "versions", "tables", "overrides", "source", "command", "format"):
        assert key in man, key
    assert man["seed"] == 7 and man["format"] == "csv"
    assert man["source"] == {"preset": "ivig-maintenance"}
    assert set(man["versions"]) >= {"python", "numpy", "simpy", "pandas"}
    assert "not for clinical decisions" in (out / "README.txt").read_text(encoding="utf-8").lower()
    assert sim.parse_scenario(man["scenario"]) == sim.load_scenario("ivig-maintenance")


def test_run_then_reproduce_gives_identical_bytes_csv(tmp_path, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["run", "plasma-exchange", "--seed", "4", "--out", str(a), "--quiet"]) == 0
    assert main(["reproduce", str(a / "manifest.json"), "--out", str(b)]) == 0
    assert "every SHA-256, row count and content hash matches" in capsys.readouterr().out
    assert _files(a) == _files(b) and len(_files(a)) == 10
    assert _manifest(b)["reproduced_from"] == str(a / "manifest.json")


def test_run_then_reproduce_gives_identical_bytes_parquet_with_overrides(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    argv = ["run", "untreated", "--years", "3", "--set", "disease.lesion_rate_per_year=4",
            "--format", "parquet", "--out", str(a), "--quiet"]
    assert main(argv) == 0
    assert main(["reproduce", str(a / "manifest.json"), "--out", str(b), "--quiet"]) == 0
    assert _files(a) == _files(b)
    assert all(name.endswith(".parquet") for name in _files(b))


def test_reproduce_reports_a_checksum_that_differs(tmp_path, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["run", "prednisolone", "--out", str(a), "--quiet"]) == 0
    man = _manifest(a)
    man["tables"]["clinical"]["sha256"] = "0" * 64
    (a / "manifest.json").write_text(json.dumps(man), encoding="utf-8")
    assert main(["reproduce", str(a / "manifest.json"), "--out", str(b), "--quiet"]) == 1
    lines = capsys.readouterr().err.splitlines()
    # the original beside the manifest no longer matches it (verify's sentence), and the
    # reproduction does not match the edited checksum
    assert lines[0] == ("mmn-sim: reproduce: clinical.csv: its SHA-256 is not the one in "
                        "manifest.json, so the file or its entry there was changed.")
    assert len(lines) == 2 and "1 of 10 tables differ" in lines[1] and "clinical.csv" in lines[1]
    assert "Traceback" not in "".join(lines)


def test_csv_and_parquet_hold_the_same_values(tmp_path):
    c, p = tmp_path / "c", tmp_path / "p"
    assert main(["run", "first-ivig-course", "--out", str(c), "--quiet"]) == 0
    assert main(["run", "first-ivig-course", "--out", str(p), "--format", "parquet",
                 "--quiet"]) == 0
    tables = sorted(f.stem for f in c.glob("*.csv"))
    assert {"ncs", "fwaves", "exam", "emg", "labs"} <= set(tables) and len(tables) == 10
    for name in tables:
        from_csv = pd.read_csv(c / f"{name}.csv", keep_default_na=False, na_values=[""])
        from_pq = pd.read_parquet(p / f"{name}.parquet")
        assert list(from_csv.columns) == list(from_pq.columns), name
        assert len(from_csv) == len(from_pq) > 0, name
        for col in from_pq.columns:
            a = from_pq[col]
            b = from_csv[col]
            if a.dtype.kind in "biuf":
                pd.testing.assert_series_equal(b.astype(float), a.astype(float),
                                               check_names=False, obj=f"{name}.{col}")
            else:
                assert (b.fillna("").astype(str).tolist()
                        == a.astype(object).fillna("").astype(str).tolist()), f"{name}.{col}"


def test_set_changes_the_run_and_is_recorded(tmp_path):
    base, changed = tmp_path / "base", tmp_path / "changed"
    assert main(["run", "untreated", "--out", str(base), "--quiet"]) == 0
    assert main(["run", "untreated", "--set", "disease.lesion_rate_per_year=6.5",
                 "--set", "scenario.record_every_days=14", "--out", str(changed),
                 "--quiet"]) == 0
    man = _manifest(changed)
    assert man["overrides"] == {"disease.lesion_rate_per_year": 6.5,
                                "scenario.record_every_days": 14}
    assert man["scenario"]["disease"]["lesion_rate_per_year"] == 6.5
    assert _manifest(base)["overrides"] == {}
    p0 = pd.read_csv(base / "patients.csv")
    p1 = pd.read_csv(changed / "patients.csv")
    assert p0["lesion_rate_per_year"].iloc[0] != 6.5 and p1["lesion_rate_per_year"].iloc[0] == 6.5
    e0 = pd.read_csv(base / "events.csv")
    e1 = pd.read_csv(changed / "events.csv")
    assert (e1["event"] == "lesion_onset").sum() > (e0["event"] == "lesion_onset").sum()
    c1 = pd.read_csv(changed / "clinical.csv")
    assert c1["day"].diff().dropna().max() == pytest.approx(14)


def test_seed_and_years_change_the_run(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["run", "untreated", "--out", str(a), "--quiet", "--years", "2"]) == 0
    assert main(["run", "untreated", "--out", str(b), "--quiet", "--years", "2",
                 "--seed", "99"]) == 0
    ca = pd.read_csv(a / "clinical.csv")
    assert ca["day"].max() == pytest.approx(2 * 365.25)
    assert _manifest(b)["seed"] == 99 and _manifest(b)["scenario"]["scenario"]["seed"] == 99
    assert _manifest(a)["overrides"] == {"scenario.years": 2.0}
    assert (a / "sites.csv").read_bytes() != (b / "sites.csv").read_bytes()


def test_force_replaces_a_previous_export(tmp_path):
    out = tmp_path / "o"
    assert main(["run", "untreated", "--years", "1", "--out", str(out), "--quiet"]) == 0
    assert main(["run", "untreated", "--years", "2", "--out", str(out), "--quiet",
                 "--force"]) == 0
    assert _manifest(out)["scenario"]["scenario"]["years"] == 2.0
    assert [p.name for p in tmp_path.iterdir()] == ["o"]  # no temporary folders left


# --- cohort -------------------------------------------------------------------------------------
def test_cohort_patient_i_is_the_same_whatever_n(tmp_path):
    two, three = tmp_path / "two", tmp_path / "three"
    common = ["--seed", "5", "--years", "2", "--quiet", "--detail", "full", "--format", "csv"]
    assert main(["cohort", "untreated", "--n", "2", "--out", str(two), *common]) == 0
    assert main(["cohort", "untreated", "--n", "3", "--out", str(three), *common]) == 0
    for name in ("patients", "clinical", "events"):
        t2 = pd.read_csv(two / f"{name}.csv")
        t3 = pd.read_csv(three / f"{name}.csv")
        assert sorted(t3["patient"].unique()) == [0, 1, 2]
        pd.testing.assert_frame_equal(t2, t3[t3["patient"] < 2].reset_index(drop=True))
    man = _manifest(three)
    assert [p["patient"] for p in man["patients"]] == [0, 1, 2]
    # different patients (traits not fixed by the scenario are drawn per patient)
    assert pd.read_csv(three / "patients.csv")["weight_kg"].nunique() == 3


def test_cohort_matches_the_python_api_and_reproduces(tmp_path):
    out, again = tmp_path / "c", tmp_path / "again"
    assert main(["cohort", "prednisolone", "--n", "3", "--out", str(out), "--quiet",
                 "--detail", "full", "--format", "csv"]) == 0
    api = sim.simulate_cohort(sim.load_scenario("prednisolone"), 3)
    pd.testing.assert_frame_equal(pd.read_csv(out / "patients.csv"),
                                  pd.read_csv(io.StringIO(api.tables["patients"].to_csv(
                                      index=False))))
    assert main(["reproduce", str(out / "manifest.json"), "--out", str(again), "--quiet"]) == 0
    assert _files(out) == _files(again)


# --- bad input: exit 2, one sentence, nothing written --------------------------------------------
BAD_TOML = "[scenario\nname = 'x'\n"
UNKNOWN_KEY = "[scenario]\nname = 'x'\n\n[disease]\nlesion_rate = 2\n"
OUT_OF_RANGE = "[scenario]\nyears = 90\n"


@pytest.mark.parametrize(
    ("argv", "expect"),
    [
        (["run", "{bad}", "--out", "{out}"], ["bad.toml", "not valid TOML"]),
        (["run", "{unknown}", "--out", "{out}"], ["unknown.toml", "disease.lesion_rate",
                                                   "lesion_rate_per_year"]),
        (["run", "{range}", "--out", "{out}"], ["range.toml", "scenario.years", "40"]),
        (["run", "no-such-preset", "--out", "{out}"], ["unknown preset", "untreated"]),
        (["run", "untreated", "--set", "disease.lesion_rate_per_year", "--out", "{out}"],
         ["KEY=VALUE"]),
        (["run", "untreated", "--set", "disease.lesion_rate_per_year=99", "--out", "{out}"],
         ["disease.lesion_rate_per_year", "0 to 20"]),
        (["run", "untreated", "--set", "disease.nonsense=1", "--out", "{out}"],
         ["disease.nonsense", "allowed keys"]),
        (["run", "untreated", "--set", "treatment.0.dose_g_per_kg=1", "--out", "{out}"],
         ["treatment.0.kind", "required"]),
        (["run", "untreated", "--set", "treatment.3.dose_g_per_kg=1", "--out", "{out}"],
         ["treatment.3.dose_g_per_kg", "0 entries"]),
        (["run", "untreated", "--format", "xlsx", "--out", "{out}"], ["--format", "parquet"]),
        (["run", "untreated", "--seed", "-1", "--out", "{out}"], ["--seed", "2**63-1"]),
        (["run", "untreated", "--years", "ten", "--out", "{out}"], ["--years", "not a number"]),
        (["run", "untreated", "--years", "0", "--out", "{out}"], ["scenario.years", "above 0"]),
        (["run", "untreated"], ["--out", "required"]),
        (["cohort", "untreated", "--n", "0", "--out", "{out}"], ["--n", "1 to"]),
        (["frobnicate"], ["invalid choice", "reproduce"]),
        ([], ["COMMAND", "required"]),
        (["reproduce", "{tmp}/missing.json", "--out", "{out}"], ["missing.json", "no such"]),
        (["reproduce", "{bad}", "--out", "{out}"], ["bad.toml", "JSON"]),
        (["show", "no-such-preset"], ["unknown preset"]),
    ],
)
def test_bad_input_exits_2_with_one_sentence_and_writes_nothing(tmp_path, capsys, argv, expect):
    files = {"bad": ("bad.toml", BAD_TOML), "unknown": ("unknown.toml", UNKNOWN_KEY),
             "range": ("range.toml", OUT_OF_RANGE)}
    subs = {"out": str(tmp_path / "out"), "tmp": str(tmp_path)}
    for key, (fname, text) in files.items():
        (tmp_path / fname).write_text(text, encoding="utf-8")
        subs[key] = str(tmp_path / fname)
    before = _tree(tmp_path)
    code = main([a.format(**subs) for a in argv])
    cap = capsys.readouterr()
    assert code == 2
    err = cap.err
    assert err.startswith("mmn-sim") and err.endswith(".\n") and err.count("\n") == 1, err
    assert "Traceback" not in err and cap.out == ""
    for word in expect:
        assert word in err, (word, err)
    assert _tree(tmp_path) == before


def test_existing_non_empty_out_is_refused_unless_force(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    assert main(["run", "untreated", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert str(out) in err and "--force" in err
    # --force still refuses a folder that is not a previous export
    assert main(["run", "untreated", "--out", str(out), "--force"]) == 2
    assert "not an mmn-sim export" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_out_that_is_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    assert main(["run", "untreated", "--out", str(target), "--force"]) == 2
    assert "is a file" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "x"


def test_interrupted_export_leaves_nothing_behind(tmp_path, capsys, monkeypatch):
    import sim.table_writer as writer

    calls = {"n": 0}
    real = writer._write

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(writer, "_write", flaky)
    out = tmp_path / "deep" / "er" / "out"
    assert main(["run", "untreated", "--out", str(out), "--quiet"]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert calls["n"] == 3
    assert list(tmp_path.iterdir()) == []  # no partial folder, temp folder or new parents


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_full_disk_exits_1_naming_the_folder_and_leaves_nothing(tmp_path, capsys, monkeypatch,
                                                                    fmt):
    """ENOSPC as the kernel gives it (no file name) part-way through the tables."""
    import errno

    import sim.table_writer as writer

    real, calls = writer._write, {"n": 0}

    def filling(raw, data):
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(raw, data)

    monkeypatch.setattr(writer, "_write", filling)
    out = tmp_path / "new" / "o"
    assert main(["run", "untreated", "--out", str(out), "--format", fmt, "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err == f"mmn-sim: could not write {out}: No space left on device; nothing was written.\n"
    assert calls["n"] >= 4 and list(tmp_path.iterdir()) == []


# --- progress bar and --quiet --------------------------------------------------------------------
class _Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_is_silent_for_quick_jobs_and_appears_after_a_second():
    clock, stream = _Clock(), io.StringIO()
    bar = Progress(10, "cohort", stream=stream, clock=clock)
    for _ in range(3):
        clock.t += 0.2
        bar.advance()
    assert stream.getvalue() == ""
    clock.t = 1.5
    bar.advance()
    clock.t = 2.0
    for _ in range(6):
        bar.advance()
    bar.close()
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("cohort [") and "4/10" in lines[0]
    assert lines[-1].endswith("2.0s") and "10/10" in lines[-1]
    assert "\r" not in stream.getvalue()


def test_progress_bar_redraws_in_place_on_a_terminal_and_quiet_silences_it():
    clock, tty = _Clock(), _Tty()
    bar = Progress(4, "run", stream=tty, clock=clock)
    clock.t = 1.2
    bar.advance()
    clock.t = 1.4
    bar.advance()
    bar.close()
    text = tty.getvalue()
    assert text.count("\r") >= 2 and text.endswith("\n") and "2/4" in text
    quiet, clock2 = _Tty(), _Clock()
    bar = Progress(4, "run", stream=quiet, clock=clock2, enabled=False)
    clock2.t = 5.0
    bar.advance()
    bar.close()
    assert quiet.getvalue() == ""


def test_quiet_run_prints_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli.Progress, "__init__", _instant_progress_init)
    assert main(["run", "untreated", "--years", "1", "--out", str(tmp_path / "o"),
                 "--quiet"]) == 0
    cap = capsys.readouterr()
    assert cap.out == "" and cap.err == ""
    assert main(["run", "untreated", "--years", "1", "--out", str(tmp_path / "p")]) == 0
    cap = capsys.readouterr()
    assert "simulating [" in cap.err and "wrote" in cap.out


_real_init = Progress.__init__


def _instant_progress_init(self, *args, **kwargs):
    kwargs["delay"] = 0.0
    _real_init(self, *args, **kwargs)


# --- the module entry point ----------------------------------------------------------------------
@pytest.mark.slow
def test_python_dash_m_sim_runs_and_reports_bad_input(tmp_path):
    out = tmp_path / "o"
    ok = subprocess.run(
        [sys.executable, "-m", "sim", "run", "untreated", "--years", "1", "--out", str(out),
         "--quiet"], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert (out / "manifest.json").is_file()
    bad = subprocess.run(
        [sys.executable, "-m", "sim", "run", "untreated", "--format", "xls", "--out",
         str(tmp_path / "x")], capture_output=True, text=True, cwd=ROOT, timeout=120,
        check=False,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1
    assert not (tmp_path / "x").exists()


def test_cohort_can_be_split_across_machines_with_first(tmp_path, capsys):
    whole, part, again = tmp_path / "whole", tmp_path / "part", tmp_path / "again"
    common = ["untreated", "--seed", "3", "--years", "2", "--quiet", "--detail", "full",
              "--format", "csv"]
    assert main(["cohort", *common, "--n", "4", "--out", str(whole)]) == 0
    assert main(["cohort", *common, "--first", "2", "--n", "2", "--out", str(part)]) == 0
    for name in ("clinical", "sites", "events"):
        a = pd.read_csv(whole / f"{name}.csv")
        b = pd.read_csv(part / f"{name}.csv")
        assert sorted(b.patient.unique()) == [2, 3]
        assert a[a.patient >= 2].reset_index(drop=True).equals(b), name
    assert main(["reproduce", str(part / "manifest.json"), "--out", str(again), "--quiet"]) == 0
    assert (again / "clinical.csv").read_bytes() == (part / "clinical.csv").read_bytes()
    capsys.readouterr()
    assert main(["cohort", *common, "--first", "x", "--n", "2",
                 "--out", str(tmp_path / "bad")]) == 2
    assert "--first" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()
