"""Needle EMG and F-waves (sim.electro.emg, sim.electro.fwaves) against the standard teaching
in CLINICAL.md "Needle EMG and F-waves"."""

from __future__ import annotations

import numpy as np
import pytest

from sim import electro, load_scenario, parse_scenario, simulate, simulate_cohort
from sim.anatomy import ANATOMY
from sim.mnd_pattern import assess
from sim.sites import SiteSnapshot

BASE = electro.draw_baseline(np.random.default_rng(3))


def snap(day=500.0, block=None, loss=None) -> SiteSnapshot:
    b, a = np.zeros(ANATOMY.n_sites), np.zeros(ANATOMY.n_sites)
    for key, v in (block or {}).items():
        b[ANATOMY.site_index[key]] = v
    for key, v in (loss or {}).items():
        a[ANATOMY.site_index[key]] = v
    return SiteSnapshot(day, b, a, b + a)


def row(df, side, muscle):
    return df[(df["side"] == side) & (df["muscle"] == muscle)].iloc[0]


ULNAR = ("left", "ulnar", "forearm")


def test_block_with_intact_axons_reduces_recruitment_only():
    s = snap(block={ULNAR: 0.7})
    emg = electro.emg(s, s, s, s, 0.5)
    fdi = row(emg, "left", "FDI")
    assert fdi["recruitment"] == "markedly reduced"
    assert fdi["fibrillations"] == fdi["positive_sharp_waves"] == 0
    assert fdi["mup_amplitude_mv"] == row(emg, "right", "FDI")["mup_amplitude_mv"]
    assert row(emg, "right", "FDI")["recruitment"] == "full"


def test_degenerating_axons_fibrillate_and_reinnervated_units_grow():
    healthy, recent = snap(0.0), snap(loss={ULNAR: 0.3})
    fresh = electro.emg(recent, healthy, healthy, healthy, 0.5)
    assert row(fresh, "left", "FDI")["fibrillations"] >= 3  # 30% of units lost in 90 days
    assert row(fresh, "left", "biceps")["fibrillations"] == 0
    # the same loss, a year old: no longer active, units enlarged by sprouting
    old = electro.emg(recent, recent, recent, healthy, 0.5)
    fdi = row(old, "left", "FDI")
    assert fdi["fibrillations"] == 0
    assert fdi["mup_amplitude_mv"] > 1.2 * row(old, "right", "FDI")["mup_amplitude_mv"]
    assert fdi["mup_duration_ms"] > row(old, "right", "FDI")["mup_duration_ms"]
    assert fdi["polyphasic_pct"] > row(old, "right", "FDI")["polyphasic_pct"]


def test_fasciculation_potentials_follow_the_disease_propensity():
    s = snap(block={ULNAR: 0.6}, loss={ULNAR: 0.2})
    assert row(electro.emg(s, s, s, s, 0.5), "left", "FDI")["fasciculation_potentials"]
    assert not row(electro.emg(s, s, s, s, 0.0), "left", "FDI")["fasciculation_potentials"]


def test_fasciculation_potentials_need_the_patients_tendency_too():
    s = snap(block={ULNAR: 0.6}, loss={ULNAR: 0.2})
    prone = electro.emg(s, s, s, s, 0.5, fasciculation_tendency=0.9)
    calm = electro.emg(s, s, s, s, 0.5, fasciculation_tendency=0.2)
    assert row(prone, "left", "FDI")["fasciculation_potentials"]
    assert not row(calm, "left", "FDI")["fasciculation_potentials"]


def test_a_slow_trickle_of_loss_is_reinnervated_before_it_fibrillates():
    healthy = snap(0.0)
    slow = electro.emg(snap(loss={ULNAR: 0.02}), healthy, healthy, healthy, 0.5)
    fast = electro.emg(snap(loss={ULNAR: 0.15}), healthy, healthy, healthy, 0.5)
    assert row(slow, "left", "FDI")["fibrillations"] == 0  # sprouts keep pace
    assert row(fast, "left", "FDI")["fibrillations"] >= 2  # loss outpaces sprouting


def test_fibrillations_wait_two_to_three_weeks_after_the_axons_die():
    healthy, lost = snap(0.0), snap(loss={ULNAR: 0.3})
    just = electro.emg(lost, healthy, healthy, healthy, 0.5, onset_ago=healthy)
    later = electro.emg(lost, healthy, healthy, healthy, 0.5, onset_ago=lost)
    assert row(just, "left", "FDI")["fibrillations"] == 0
    assert row(later, "left", "FDI")["fibrillations"] >= 3


def test_a_muscle_without_conducting_units_has_no_recruitment():
    s = snap(loss={ULNAR: 1.0})
    fdi = row(electro.emg(s, s, s, s, 0.5), "left", "FDI")
    assert fdi["recruitment"] == "none" and np.isnan(fdi["mup_amplitude_mv"])


def test_f_waves_fall_with_proximal_block_and_latency_stays_near_normal():
    healthy = electro.fwaves(BASE, snap())
    blocked = electro.fwaves(BASE, snap(block={("left", "median", "plexus"): 0.9}))
    h = healthy.set_index(["side", "nerve"])
    b = blocked.set_index(["side", "nerve"])
    assert 80 <= h.loc[("left", "median"), "persistence_pct"] <= 100
    assert b.loc[("left", "median"), "persistence_pct"] < 40
    assert b.loc[("right", "median"), "persistence_pct"] == h.loc[("right", "median"),
                                                                  "persistence_pct"]
    lat_h, lat_b = h.loc[("left", "median"), "min_latency_ms"], b.loc[("left", "median"),
                                                                      "min_latency_ms"]
    assert 24 <= lat_h <= 31  # normal median F-latency (upper limit ~31 ms)
    assert lat_h < lat_b <= 1.2 * lat_h  # mildly prolonged, not demyelinating-range
    for nerve, (lo, hi) in {"ulnar": (24, 32), "peroneal": (40, 56), "tibial": (40, 56)}.items():
        assert lo <= h.loc[("left", nerve), "min_latency_ms"] <= hi, nerve
    gone = electro.fwaves(BASE, snap(block={("left", "ulnar", "plexus"): 1.0}))
    g = gone.set_index(["side", "nerve"]).loc[("left", "ulnar")]
    assert g["persistence_pct"] == 0 and np.isnan(g["min_latency_ms"])


def test_traces_follow_the_row():
    t, quiet = electro.rest_trace(0, 0, False)
    assert np.all(quiet == 0) and t[-1] < 500
    _, busy = electro.rest_trace(4, 4, True)
    _, some = electro.rest_trace(1, 1, False)
    assert np.count_nonzero(busy) > np.count_nonzero(some) > 0
    _, full = electro.effort_trace(1.0, 10.0, 10.0, "full")
    _, few = electro.effort_trace(3.0, 14.0, 40.0, "markedly reduced")
    assert np.abs(few).max() > np.abs(full).max()  # fewer, larger units
    assert np.all(electro.effort_trace(np.nan, np.nan, np.nan, "none")[1] == 0)


def test_run_emg_and_fwaves_tables_match_the_day_functions():
    run = simulate(load_scenario("first-ivig-course"))
    for name, fn in (("emg", run.emg), ("fwaves", run.fwaves)):
        table = run.tables[name]
        expected = [728.0, 758.0] if name == "fwaves" else [728.0]  # ncs studies; diagnosis
        assert sorted(set(table["day"])) == expected
        assert table[table["day"] == 728.0].reset_index(drop=True).equals(fn(728))


def test_scheduled_studies_of_every_kind_fill_their_tables_and_events():
    sc = parse_scenario({
        "scenario": {"years": 3}, "disease": {"lesion_rate_per_year": 3},
        "journey": {"delay_years": 30},
        "study": [{"day": 400, "kind": "emg", "label": "needle"}, {"day": 500, "kind": "exam"},
                  {"day": 600, "kind": "labs"}, {"day": 700}],
    })
    run = simulate(sc, seed=2)
    t = run.tables
    assert list(t["emg"]["day"].unique()) == [400.0]
    assert list(t["exam"]["day"].unique()) == [500.0]
    assert list(t["labs"]["day"].unique()) == [600.0]
    assert list(t["ncs"]["day"].unique()) == list(t["fwaves"]["day"].unique()) == [700.0]
    ev = t["events"].set_index("event")
    assert ev.loc["emg_study", "detail"] == "needle"
    assert ev.loc["exam_study", "detail"] == "bedside examination"
    assert {"labs_study", "ncs_study"} <= set(ev.index)
    assert "diagnosis" not in set(ev.index)


@pytest.mark.parametrize("kind", ["ecg", "NCS", 3])
def test_an_unknown_study_kind_is_one_sentence(kind):
    from sim import ScenarioError

    with pytest.raises(ScenarioError, match=r"study\.0\.kind") as err:
        parse_scenario({"study": [{"day": 10, "kind": kind}]}, source="x.toml")
    assert "'ncs'" in str(err.value) and str(err.value).count("\n") == 0


def test_an_examination_emg_or_lab_test_never_changes_the_patient():
    sc = load_scenario("ivig-maintenance")
    plain = simulate(sc)
    for kind in ("exam", "emg", "labs"):
        looked = simulate(sc.with_overrides({"study.0.day": 801.5, "study.0.kind": kind}))
        for table in ("sites", "muscles", "clinical"):
            assert plain.tables[table].equals(looked.tables[table]), (kind, table)


# --- drawn patients: MMN is not motor neuron disease on the needle ---------------------------
EMG_DAYS = (365.0, 511.0, 1096.0, 1826.0)


def _units_lost(snapshot: SiteSnapshot) -> np.ndarray:
    alive = np.log(np.clip(1.0 - snapshot.axon_loss, 1e-12, 1.0))
    return 1.0 - np.exp(alive @ ANATOMY.supply.T)


@pytest.mark.slow
def test_sixty_untreated_mmn_patients_fibrillate_only_where_axons_were_lost():
    run = simulate_cohort(parse_scenario({"scenario": {"years": 5.1, "record_every_days": 7}}),
                          60, seed=1)
    weak_intact = weak_intact_fib = heavy = heavy_fib = 0
    prone_early = weak = weak_fasc = 0
    for i, pr in enumerate(run.patient_runs):
        grades = run.arrays(i).grades
        for day in EMG_DAYS:
            emg = run.emg(day, i)
            lost = _units_lost(run.snapshot(day, i))
            mrc = grades[int(np.searchsorted(pr.days, day - 1e-9))]
            fib = emg["fibrillations"].to_numpy() > 0
            fasc = emg["fasciculation_potentials"].to_numpy()
            intact = (mrc <= 4) & (lost < 0.10)  # clearly weak, little axonal loss
            weak_intact += intact.sum()
            weak_intact_fib += (fib & intact).sum()
            heavy += (lost >= 0.30).sum()
            heavy_fib += (fib & (lost >= 0.30)).sum()
            weak += (mrc <= 4).sum()
            weak_fasc += (fasc & (mrc <= 4)).sum()
            if day <= 511.0:
                prone_early += bool(fasc.any())
    assert weak_intact >= 100 and weak_intact_fib < 0.10 * weak_intact  # block: no denervation
    assert heavy >= 100 and heavy_fib >= 0.25 * heavy  # axonal loss: denervation is found
    assert 0 < prone_early < 0.5 * 2 * len(run.patient_runs)  # fasciculations: a minority
    assert 0 < weak_fasc < 0.6 * weak  # and never in every weak muscle


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["pma", "als"])
def test_motor_neuron_disease_still_denervates_widely(variant):
    data = {"scenario": {"years": 2, "record_every_days": 14},
            "disease": {"kind": "motor_neuron", "variant": variant}}
    run = simulate_cohort(parse_scenario(data), 40, seed=11)
    fib_muscles = fasc_patients = named = 0
    for i in range(40):
        emg = run.emg(730.0, i)
        fib_muscles += (emg["fibrillations"] > 0).sum()
        fasc_patients += bool(emg["fasciculation_potentials"].any())
        named += assess(run, 730.0, i).category != "not met"
    assert fib_muscles >= 0.35 * 40 * len(ANATOMY.muscles)  # many muscles, many regions
    assert fasc_patients >= 0.8 * 40
    assert named >= 0.85 * 40  # the Gold Coast pattern is still named
