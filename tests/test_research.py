"""Research at scale: population cohorts, chunked and distributed exports, summary tables, sweeps.

Small cohorts over few years keep this fast; the Dask runs (a cluster start takes seconds) are
marked slow.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim import cohort, dataset, sweep
from sim.cli import Progress, main
from sim.dask_cluster import machine_cores
from sim.engine import patient_streams
from sim.patient import draw_patient
from sim.units import DAYS_PER_YEAR

SHORT = {"scenario.years": 2}


def _sc(name: str = "untreated", **over) -> sim.Scenario:
    return sim.load_scenario(name).with_overrides({**SHORT, **over})


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()
            and p.name not in ("manifest.json", "README.txt")}


@pytest.fixture
def counting_engine(monkeypatch):
    """A registered engine that runs the simpy engine and records what it was asked for."""
    calls: list[list[int]] = []

    def run(inputs, seed, indices):
        calls.append(list(indices))
        return [cohort.run_patient(inputs, seed, i) for i in indices]

    monkeypatch.setitem(cohort.RUNNERS, "counting", run)
    return calls


# --- population cohorts ----------------------------------------------------------------------
def test_a_population_cohort_draws_every_trait_from_the_sampler():
    sc = _sc()
    run = sim.simulate_cohort(sc, 12, seed=3, population=True)
    pop = run.disease.population
    for pr in run.patient_runs:  # exactly the sampler's draw from the patient's trait stream
        rng = np.random.default_rng(patient_streams(3, pr.patient_index)["traits"])
        assert pr.patient == draw_patient(rng, pop)
    traits = run.tables["patients"]
    assert traits["sex"].nunique() == 2 and traits["anti_gm1"].nunique() == 2
    assert traits["age_at_onset"].nunique() > 6 and traits["lesion_rate_per_year"].nunique() > 6
    clones = sim.simulate_cohort(sc, 12, seed=3).tables["patients"]
    assert set(clones["sex"]) == {"male"} and set(clones["lesion_rate_per_year"]) == {1.6}


def test_a_population_cohort_keeps_the_treatments_and_pinned_traits():
    sc = _sc("ivig-maintenance")
    run = sim.simulate_cohort(sc, 4, seed=2, population=True, pinned=["patient.sex"])
    assert set(run.tables["patients"]["sex"]) == {"male"}  # the preset's sex, asked for
    assert run.tables["patients"]["age_at_onset"].nunique() == 4
    doses = run.tables["events"].query("event == 'ivig_dose'")
    assert doses["patient"].nunique() == 4


def test_population_patient_i_is_the_same_whatever_n_chunk_and_first(tmp_path):
    sc = _sc()
    whole = sim.simulate_cohort(sc, 5, seed=8, population=True).tables["clinical"]
    part = sim.simulate_cohort(sc, 2, seed=8, first=3, population=True).tables["clinical"]
    pd.testing.assert_frame_equal(whole[whole.patient >= 3].reset_index(drop=True), part)
    for chunk in (1, 4):
        dataset.export_dataset(sc, 5, tmp_path / f"c{chunk}", seed=8, chunk=chunk,
                               detail="full", format="csv", population=True)
    a, b = (pd.read_csv(tmp_path / f"c{c}" / "clinical.csv") for c in (1, 4))
    pd.testing.assert_frame_equal(a, b)
    assert np.allclose(a["grip_left_kg"], whole["grip_left_kg"])


def test_the_default_cohort_is_unchanged_by_the_new_options():
    sc = _sc("prednisolone")
    old = sim.Run(sc, 4, [sim.engine.run_patient(sim.resolve(sc), 4, i) for i in range(3)])
    new = sim.simulate_cohort(sc, 3, seed=4)
    for name in ("patients", "clinical", "events"):
        pd.testing.assert_frame_equal(old.tables[name], new.tables[name])


# --- the one seam ------------------------------------------------------------------------------
def test_every_cohort_path_goes_through_run_chunk(tmp_path, counting_engine):
    sc = _sc()
    sim.simulate_cohort(sc, 2, seed=1, engine="counting")
    dataset.export_dataset(sc, 3, tmp_path / "d", seed=1, chunk=2, engine="counting")
    sweep.run_sweep(sc, {"disease.lesion_rate_per_year": [1.0]}, 2, 1, engine="counting")
    assert counting_engine == [[0], [1], [0, 1], [2], [0, 1]]
    assert _manifest(tmp_path / "d")["engine"] == "counting"
    # the command line offers every registered engine, and only those
    assert main(["cohort", "untreated", "--years", "1", "--n", "1", "--engine", "counting",
                 "--quiet", "--out", str(tmp_path / "cli")]) == 0
    assert counting_engine[-1] == [0]


def test_an_unknown_engine_is_one_sentence_and_exit_2(tmp_path, capsys):
    with pytest.raises(sim.ScenarioError, match="choose one of vector, simpy"):
        sim.simulate_cohort(_sc(), 1, engine="gpu")
    assert main(["cohort", "untreated", "--n", "1", "--engine", "gpu",
                 "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert "--engine" in err and "simpy" in err and err.count("\n") == 1
    assert not (tmp_path / "x").exists()


# --- summary tables --------------------------------------------------------------------------
def test_the_summary_table_agrees_with_the_weekly_tables():
    sc = _sc("ivig-maintenance", **{"scenario.years": 3})
    run = sim.simulate_cohort(sc, 3, seed=6, population=True)
    from sim.summary import summary_table

    summ = summary_table(run)
    clin, events = run.tables["clinical"], run.tables["events"]
    weights = run.tables["patients"].set_index("patient")["weight_kg"]
    assert list(summ.groupby("patient").size()) == [4, 4, 4]  # baseline and years 1-3
    for row in summ.itertuples():
        rec = clin[(clin.patient == row.patient) & (clin.day == row.day)].iloc[0]
        assert row.day <= row.year * DAYS_PER_YEAR + 1e-6
        assert row.grip_weaker_kg == min(rec.grip_left_kg, rec.grip_right_kg)
        assert row.mrc_sum == rec.mrc_sum and row.disability == rec.disability
        lo, hi = (row.year - 1) * DAYS_PER_YEAR, row.year * DAYS_PER_YEAR
        mine = events[(events.patient == row.patient) & (events.day >= lo) & (events.day < hi)]
        if row.year == 0:
            assert row.new_lesions == 0 and row.ivig_g == 0
            continue
        assert row.new_lesions == (mine.event == "lesion_onset").sum()
        grams = mine.loc[mine.event == "ivig_dose", "value"].sum() * weights[row.patient]
        assert row.ivig_g == pytest.approx(grams, abs=0.2)
    assert summ["ivig_g"].sum() > 0 and (summ["milestones_lost"] >= 0).all()


# --- chunked exports -------------------------------------------------------------------------
def test_chunk_size_changes_the_files_but_not_the_tables(tmp_path):
    sc = _sc()
    infos = {}
    for chunk in (1, 2, 5):
        infos[chunk] = dataset.export_dataset(sc, 5, tmp_path / f"p{chunk}", seed=4,
                                              chunk=chunk, population=True)
    dataset.export_dataset(sc, 5, tmp_path / "csv", seed=4, chunk=3, format="csv",
                           population=True)
    for name in ("patients", "summary"):
        contents = {infos[c][name]["content_sha256"] for c in infos}
        assert len(contents) == 1
        csv_sha = hashlib.sha256((tmp_path / "csv" / f"{name}.csv").read_bytes()).hexdigest()
        assert contents == {csv_sha}  # the content hash is that of the table as one CSV
        frames = [pd.read_parquet(tmp_path / f"p{c}" / name) for c in infos]
        for f in frames[1:]:
            pd.testing.assert_frame_equal(frames[0], f, check_categorical=False)
        assert len(infos[1][name]["files"]) == 5 and len(infos[5][name]["files"]) == 1
    again = dataset.export_dataset(sc, 5, tmp_path / "again", seed=4, chunk=2, population=True)
    assert again == infos[2] and _files(tmp_path / "again") == _files(tmp_path / "p2")


def test_full_detail_csv_is_byte_identical_to_the_whole_cohort_export(tmp_path):
    sc = _sc()
    dataset.export_dataset(sc, 4, tmp_path / "d", seed=2, chunk=3, detail="full", format="csv")
    sim.simulate_cohort(sc, 4, seed=2).save(tmp_path / "old")
    for name, data in _files(tmp_path / "old").items():
        assert (tmp_path / "d" / name).read_bytes() == data, name


def test_full_detail_parquet_dataset_reads_back_as_the_weekly_tables(tmp_path):
    sc = _sc(**{"study.0.day": 300})
    dataset.export_dataset(sc, 3, tmp_path / "d", seed=2, chunk=2, detail="full")
    whole = sim.simulate_cohort(sc, 3, seed=2).tables
    for name in ("clinical", "events", "ncs"):
        got = pd.read_parquet(tmp_path / "d" / name)
        assert len(got) == len(whole[name]) > 0, name
        assert got["patient"].tolist() == whole[name]["patient"].tolist()


def test_a_partitioned_table_reads_back_when_some_chunks_have_no_rows(tmp_path):
    """Patients 6 and 7 of this seed have no work-up in 4 years, 8 and 9 do: the first chunk of
    the work-up tables is empty, and an empty file (columns without types) would make the
    folder unreadable as one dataset."""
    sc = _sc(**{"scenario.years": 4})
    info = dataset.export_dataset(sc, 4, tmp_path / "d", seed=1, first=6, chunk=2,
                                  detail="full", population=True)
    whole = sim.simulate_cohort(sc, 4, seed=1, first=6, population=True).tables
    assert len(info["ncs"]["files"]) == 1 and len(info["patients"]["files"]) == 2
    for name, t in info.items():
        got = pd.read_parquet(tmp_path / "d" / name)
        assert len(got) == t["rows"] == len(whole[name]), name
    info = dataset.export_dataset(sc, 2, tmp_path / "e", seed=1, first=6, detail="full",
                                  population=True)
    assert info["ncs"]["rows"] == 0 and len(info["ncs"]["files"]) == 1  # one empty file
    assert len(pd.read_parquet(tmp_path / "e" / "ncs")) == 0


def test_a_chunked_export_holds_at_most_two_chunks_of_patients(tmp_path, monkeypatch):
    refs: list[weakref.ref] = []
    most = {"n": 0}
    real = cohort.run_patient

    def counted(*args, **kwargs):
        pr = real(*args, **kwargs)
        refs.append(weakref.ref(pr))
        most["n"] = max(most["n"], sum(r() is not None for r in refs))
        return pr

    monkeypatch.setattr(cohort, "run_patient", counted)
    dataset.export_dataset(_sc(**{"scenario.years": 1}), 24, tmp_path / "d", seed=1, chunk=4)
    assert most["n"] <= 2 * 4  # the chunk being made (and at most the last one, not yet freed)
    assert len(pd.read_parquet(tmp_path / "d" / "patients")) == 24


def test_a_failing_chunk_leaves_the_old_export_or_nothing(tmp_path, monkeypatch):
    def boom(inputs, seed, indices):
        if 5 in indices:
            raise RuntimeError("simulated failure")
        return [cohort.run_patient(inputs, seed, i) for i in indices]

    monkeypatch.setitem(cohort.RUNNERS, "boom", boom)
    sc = _sc(**{"scenario.years": 1})
    with pytest.raises(RuntimeError):
        dataset.export_dataset(sc, 8, tmp_path / "new", seed=1, chunk=2, engine="boom")
    assert list(tmp_path.iterdir()) == []
    dataset.export_dataset(sc, 2, tmp_path / "old", seed=1)
    before = _files(tmp_path / "old")
    with pytest.raises(RuntimeError):
        dataset.export_dataset(sc, 8, tmp_path / "old", seed=1, chunk=2, engine="boom",
                               overwrite=True)
    assert _files(tmp_path / "old") == before and sorted(p.name for p in tmp_path.iterdir()) \
        == ["old"]


# --- command line ------------------------------------------------------------------------------
def test_cohort_defaults_to_summary_parquet_and_verify_reproduce_work(tmp_path, capsys):
    out, again = tmp_path / "c", tmp_path / "again"
    assert main(["cohort", "untreated", "--years", "2", "--n", "5", "--chunk", "2",
                 "--population", "--set", "patient.sex=female", "--quiet",
                 "--out", str(out)]) == 0
    man = _manifest(out)
    assert man["detail"] == "summary" and man["population"] is True
    assert man["pinned"] == ["patient.sex"] and man["chunk_patients"] == 2
    assert sorted(p.name for p in (out / "summary").iterdir()) == [
        "_metadata", "part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    pats = pd.read_parquet(out / "patients")
    assert set(pats["sex"]) == {"female"} and pats["age_at_onset"].nunique() == 5
    assert len(pd.read_parquet(out / "summary")) == man["tables"]["summary"]["rows"] == 15
    assert "teaching model" in (out / "README.txt").read_text(encoding="utf-8").lower()
    assert main(["verify", str(out), "--quiet"]) == 0
    assert main(["reproduce", str(out / "manifest.json"), "--out", str(again), "--quiet"]) == 0
    assert _files(again) == _files(out)
    part = out / "summary" / "part-00001.parquet"
    part.write_bytes(part.read_bytes()[:-1])
    capsys.readouterr()
    assert main(["verify", str(out)]) == 1
    assert "summary/part-00001.parquet: its SHA-256 is not the one" in capsys.readouterr().err
    part.unlink()
    assert main(["verify", str(out)]) == 1
    assert "missing" in capsys.readouterr().err


def test_a_manifest_naming_a_part_outside_the_export_is_refused(tmp_path, capsys):
    out = tmp_path / "c"
    assert main(["cohort", "untreated", "--years", "1", "--n", "2", "--quiet",
                 "--out", str(out)]) == 0
    man = _manifest(out)
    man["tables"]["summary"]["files"][0]["file"] = "../../etc/part-00000.parquet"
    (out / "manifest.json").write_text(json.dumps(man), encoding="utf-8")
    capsys.readouterr()
    assert main(["reproduce", str(out / "manifest.json"), "--out", str(tmp_path / "r")]) == 2
    assert "part file" in capsys.readouterr().err and not (tmp_path / "r").exists()


@pytest.mark.parametrize(("args", "words"), [
    (["--chunk", "0"], ["--chunk", "1 to"]),
    (["--workers", "0"], ["--workers", f"1 to {machine_cores()}"]),
    (["--workers", str(machine_cores() + 1)], ["--workers", "the cores of this machine"]),
    (["--workers", "2", "--scheduler", "tcp://h:1"], ["--scheduler", "--workers"]),
    (["--scheduler", "h 8786"], ["--scheduler", "tcp://host:8786"]),
    (["--detail", "weekly"], ["--detail", "summary"]),
])
def test_bad_cohort_options_are_one_sentence_and_exit_2(tmp_path, capsys, args, words):
    out = tmp_path / "x"
    assert main(["cohort", "untreated", "--n", "2", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert all(w in err for w in words), err
    assert not out.exists()


def test_progress_shows_the_time_left():
    import io

    t = {"now": 0.0}
    stream = io.StringIO()
    bar = Progress(10, "sweep", stream=stream, clock=lambda: t["now"])
    t["now"] = 4.0
    bar.advance(4)  # 1 s per step so far: 6 steps left
    assert "4/10" in stream.getvalue() and "ETA 6s" in stream.getvalue()
    t["now"] = 200.0
    bar.advance(1)
    assert "ETA 3m20s" in stream.getvalue()


# --- sweeps ------------------------------------------------------------------------------------
def test_a_sweep_runs_every_combination_on_the_same_patients():
    sc = _sc("ivig-maintenance")
    grid = {"disease.lesion_rate_per_year": [0.8, 3.2], "treatment.1.every_days": [14, 56]}
    table = sweep.run_sweep(sc, grid, 3, seed=5)
    assert list(table.columns[:3]) == ["combination", *grid]
    assert table.groupby(list(grid)).size().tolist() == [9, 9, 9, 9]  # 3 patients x 3 visits
    # each combination's rows are exactly a cohort of that setting
    one = sc.with_overrides({"disease.lesion_rate_per_year": 3.2, "treatment.1.every_days": 14})
    from sim.summary import summary_table

    direct = summary_table(sim.simulate_cohort(one, 3, seed=5))
    got = table[table.combination == 2].drop(columns=["combination", *grid])
    pd.testing.assert_frame_equal(got.reset_index(drop=True), direct)
    # common random numbers: the dosing interval does not move any attack
    a = table.groupby(["treatment.1.every_days", "disease.lesion_rate_per_year", "patient",
                       "year"])["new_lesions"].first().unstack(0)
    assert (a[14] == a[56]).all() and a[14].sum() > 0
    # and a higher attack rate gives more attacks, patient for patient
    lesions = table.groupby(["disease.lesion_rate_per_year", "patient"])["new_lesions"].sum()
    assert (lesions[3.2] >= lesions[0.8]).all() and lesions[3.2].sum() > lesions[0.8].sum()


def test_a_population_sweep_keeps_each_patients_traits_across_combinations():
    sc = _sc()
    table = sweep.run_sweep(sc, {"disease.lesion_rate_per_year": [0.5, 2.0]}, 4, seed=9,
                            population=True)
    year0 = table[table.year == 0]
    base = year0.pivot(index="patient", columns="disease.lesion_rate_per_year",
                       values="grip_weaker_kg")
    assert (base[0.5] == base[2.0]).all() and base[0.5].nunique() == 4  # drawn, and shared


def test_bad_grid_values_name_the_path_and_exit_2(tmp_path, capsys):
    for grid in ("treatment.1.every_days=14,-3", "disease.nope=1,2", "disease.side_bias",
                 "treatment.1.every_days=14,,28"):
        assert main(["sweep", "ivig-maintenance", "--grid", grid, "--n", "2",
                     "--out", str(tmp_path / "s")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and grid.split("=")[0] in err, err
    assert not (tmp_path / "s").exists()


def test_sweep_command_writes_one_tidy_table_and_reproduces(tmp_path):
    out, again = tmp_path / "s", tmp_path / "again"
    assert main(["sweep", "ivig-maintenance", "--grid", "disease.lesion_rate_per_year=0.8,1.6",
                 "--grid", "treatment.1.every_days=14,28,56", "--n", "2", "--years", "1",
                 "--seed", "1", "--format", "csv", "--quiet", "--out", str(out)]) == 0
    table = pd.read_csv(out / "sweep.csv")
    assert len(table) == 6 * 2 * 2
    assert {"disease.lesion_rate_per_year", "treatment.1.every_days", "grip_weaker_kg",
            "ivig_g"} <= set(table.columns)
    man = _manifest(out)
    assert man["grid"] == {"disease.lesion_rate_per_year": [0.8, 1.6],
                           "treatment.1.every_days": [14, 28, 56]}
    assert main(["verify", str(out), "--quiet"]) == 0
    assert main(["reproduce", str(out / "manifest.json"), "--out", str(again), "--quiet"]) == 0
    assert (again / "sweep.csv").read_bytes() == (out / "sweep.csv").read_bytes()


# --- Dask ------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2, 3])
def test_dask_workers_write_byte_identical_files(tmp_path, workers):
    sc = _sc()
    serial = dataset.export_dataset(sc, 7, tmp_path / "serial", seed=12, chunk=2,
                                    population=True)
    dask = dataset.export_dataset(sc, 7, tmp_path / "dask", seed=12, chunk=2, population=True,
                                  workers=workers)
    assert dask == serial
    assert _files(tmp_path / "dask") == _files(tmp_path / "serial")


@pytest.mark.slow
def test_cohort_command_on_local_dask_workers(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    common = ["cohort", "untreated", "--years", "1", "--n", "5", "--chunk", "2", "--quiet",
              "--detail", "full", "--format", "csv"]
    assert main([*common, "--out", str(a)]) == 0
    assert main([*common, "--workers", "2", "--out", str(b)]) == 0
    assert _files(a) == _files(b)
    assert main(["reproduce", str(a / "manifest.json"), "--workers", "2", "--quiet",
                 "--out", str(tmp_path / "again")]) == 0
    assert _files(tmp_path / "again") == _files(a)


@pytest.mark.slow
def test_an_unreachable_scheduler_is_one_sentence_and_exit_1(tmp_path, capsys):
    assert main(["cohort", "untreated", "--n", "2", "--scheduler", "tcp://127.0.0.1:9",
                 "--out", str(tmp_path / "x")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "scheduler" in err and not (tmp_path / "x").exists()


@pytest.mark.slow
def test_cohort_command_on_an_existing_cluster_via_scheduler(tmp_path):
    from dask.distributed import LocalCluster

    a, b = tmp_path / "a", tmp_path / "b"
    common = ["cohort", "untreated", "--years", "1", "--n", "5", "--chunk", "2", "--quiet",
              "--population"]
    assert main([*common, "--out", str(a)]) == 0
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        assert main([*common, "--scheduler", cluster.scheduler_address, "--out", str(b)]) == 0
    assert _files(a) == _files(b)
    assert _manifest(b)["tables"] == _manifest(a)["tables"]


@pytest.mark.parametrize("grid", [{"treatment.1.every_days": [None]}, {"disease.nope": [1]},
                                  {"treatment.1.every_days": []}, ["x"]])
def test_a_tampered_sweep_manifest_is_one_sentence_and_exit_2(tmp_path, capsys, grid):
    out = tmp_path / "s"
    assert main(["sweep", "untreated", "--grid", "disease.lesion_rate_per_year=1.0", "--n", "1",
                 "--years", "1", "--quiet", "--out", str(out)]) == 0
    man = _manifest(out)
    man["grid"] = grid
    (out / "manifest.json").write_text(json.dumps(man), encoding="utf-8")
    capsys.readouterr()
    assert main(["reproduce", str(out / "manifest.json"), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and not (tmp_path / "r").exists()


@pytest.mark.slow
def test_a_sweep_on_dask_workers_gives_the_same_table():
    sc = _sc("ivig-maintenance", **{"scenario.years": 1})
    grid = {"treatment.1.every_days": [14, 56], "disease.lesion_rate_per_year": [1.0, 2.0]}
    here = sweep.run_sweep(sc, grid, 5, seed=3, population=True)
    there = sweep.run_sweep(sc, grid, 5, seed=3, population=True, workers=2)
    pd.testing.assert_frame_equal(here, there)
