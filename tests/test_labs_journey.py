"""Laboratory tests (sim.labs) and the diagnostic journey (sim.journey) against CLINICAL.md
"Other tests" and "Who gets it" (diagnostic delay, Löscher 2018)."""

from __future__ import annotations

import numpy as np
import pytest

from sim import journey, load_scenario, parse_scenario, simulate, simulate_cohort
from sim import labs as L
from sim.anatomy import ANATOMY
from sim.diseases.mmn import DISEASE
from sim.engine import STREAMS, patient_seed, patient_streams
from sim.patient import draw_patient
from sim.sites import SiteSnapshot
from sim.units import DAYS_PER_YEAR


def snap(damage=None) -> SiteSnapshot:
    d = np.zeros(ANATOMY.n_sites)
    for key, v in (damage or {}).items():
        d[ANATOMY.site_index[key]] = v
    return SiteSnapshot(300.0, d * 0.5, d * 0.5, d)


def results(s, patient, z=0):
    draws = L.LabDraws(float(z), (0.0,) * 8)
    return L.lab_results(s, DISEASE, patient, draws).set_index("test")


# --- laboratory -----------------------------------------------------------------------------
def test_anti_gm1_is_positive_in_about_half_the_patients_the_tests_sensitivity():
    rng = np.random.default_rng(0)
    pos = [results(snap(), draw_patient(rng, DISEASE.population)).loc["anti_gm1_igm", "result"]
           == "positive" for _ in range(2000)]
    assert 0.42 <= np.mean(pos) <= 0.49  # 43-48% (Löscher 2018; Nobile-Orazio 2014)
    assert "43-48%" in L.LAB_TESTS["anti_gm1_igm"].reading


def test_csf_protein_stays_below_one_gram_and_is_raised_in_a_minority():
    p = draw_patient(np.random.default_rng(1), DISEASE.population)
    values = [results(snap({("left", "median", "plexus"): 0.8}), p, z).loc["csf_protein",
                                                                         "value"]
              for z in np.linspace(-3, 3, 61)]
    assert max(values) < 1.0
    zs = np.random.default_rng(2).standard_normal(2000)
    raised = [DISEASE.csf_protein_g_per_l(0.0, z) >= 0.45 for z in zs]
    assert 0.1 <= np.mean(raised) <= 0.45  # normal in most (van Schaik et al. 2010)


def test_imaging_sees_the_damaged_segments():
    p = draw_patient(np.random.default_rng(1), DISEASE.population)
    clean = results(snap(), p)
    assert clean.loc["plexus_mri", "result"] == "normal"
    assert clean.loc["nerve_ultrasound", "result"] == "normal calibre"
    hit = results(snap({("right", "ulnar", "plexus"): 0.6, ("left", "median", "upper arm"):
                        0.8}), p)
    assert "right brachial plexus" in hit.loc["plexus_mri", "result"]
    assert "left" not in hit.loc["plexus_mri", "result"]
    assert "left median upper arm" in hit.loc["nerve_ultrasound", "result"]
    assert hit.loc["nerve_ultrasound", "value"] > 1.0


def test_lab_results_are_reproducible_and_the_labs_table_matches_run_labs():
    a = simulate(load_scenario("late-treatment"))
    b = simulate(load_scenario("late-treatment"))
    assert a.tables["labs"].equals(b.tables["labs"])
    assert list(a.tables["labs"]["day"].unique()) == [2550.0]
    assert a.tables["labs"].reset_index(drop=True).equals(a.labs(2550))


# --- the journey ----------------------------------------------------------------------------
def test_new_streams_leave_the_existing_ones_unchanged():
    for seed, patient in ((1, 0), (7, 123)):
        old = patient_seed(seed, patient).spawn(3)  # traits, attacks, ncs before the journey
        new = patient_streams(seed, patient)
        assert STREAMS[:3] == ("traits", "attacks", "ncs")
        for ss, name in zip(old, STREAMS[:3], strict=True):
            assert np.array_equal(np.random.default_rng(ss).random(4),
                                  np.random.default_rng(new[name]).random(4))


def test_mean_diagnostic_delay_of_500_patients_matches_loescher_2018():
    params = journey.JourneyParams()
    delays = [journey.draw(np.random.default_rng(patient_streams(9, i)["journey"]), params)[0]
              for i in range(500)]
    assert 4.5 <= np.mean(delays) <= 6.5  # mean 5.5 y (Löscher 2018)
    assert np.median(delays) < np.mean(delays)  # a long right tail (SD 8.4)
    shorter = journey.JourneyParams(mean_delay_years=2.0)
    assert np.mean([journey.draw(np.random.default_rng(patient_streams(9, i)["journey"]),
                                 shorter)[0] for i in range(500)]) < 2.6


@pytest.mark.slow
def test_journey_events_are_ordered_and_the_diagnosis_has_a_work_up():
    run = simulate_cohort(parse_scenario({"scenario": {"years": 12}}), 60, seed=4)
    ev = run.tables["events"]
    delays = []
    for i in range(60):
        j = run.journey(i)
        mine = ev[ev["patient"] == i].set_index("event")
        if j.first_symptom is not None:
            assert j.first_symptom > 0  # the first symptom is not day 0 (the first lesion)
            assert mine.loc["first_symptom", "day"] == j.first_symptom
        if j.diagnosis is not None:
            assert j.first_symptom <= j.first_consultation <= j.diagnosis
            delays.append((j.diagnosis - j.first_symptom) / DAYS_PER_YEAR)
            for table in ("ncs", "fwaves", "exam", "emg", "labs"):
                t = run.tables[table]
                assert (t[t["patient"] == i]["day"] == j.diagnosis).any(), (i, table)
        else:
            assert "diagnosis" not in mine.index
    assert 15 <= len(delays) < 60  # some wait longer than the twelve years simulated


def test_a_scenario_can_fix_the_delay_or_the_day():
    base = {"scenario": {"years": 6}, "disease": {"lesion_rate_per_year": 2}}
    fixed = simulate(parse_scenario({**base, "journey": {"delay_years": 2}}), seed=3).journey()
    assert fixed.diagnosis - fixed.first_symptom == pytest.approx(2 * DAYS_PER_YEAR, abs=7)
    pinned = simulate(parse_scenario({**base, "journey": {"diagnosis_day": 1000}}), seed=3)
    assert pinned.journey().diagnosis == pytest.approx(1000, abs=7)
    never = simulate(parse_scenario({**base, "journey": {"diagnosis_day": 5000}}), seed=3)
    assert never.journey().diagnosis is None and never.tables["exam"].empty
    # the disease and its draws are the same whatever the journey
    assert pinned.tables["clinical"].equals(never.tables["clinical"])


def test_treatment_is_started_only_after_the_diagnosis():
    sc = parse_scenario({"scenario": {"years": 4}, "journey": {"delay_years": 30},
                         "treatment": [{"kind": "ivig", "start_day": 500,
                                        "dose_g_per_kg": 2.0, "infusion_days": 5}]})
    j = simulate(sc, seed=5).journey()
    assert j.diagnosis is not None and 490 <= j.diagnosis < 500


def test_presets_with_a_study_are_diagnosed_on_its_day():
    for name, day in (("anti-gm1-negative", 1090), ("first-ivig-course", 728),
                      ("late-treatment", 2550), ("lower-limb-onset", 1826)):
        assert simulate(load_scenario(name)).journey().diagnosis == day, name
