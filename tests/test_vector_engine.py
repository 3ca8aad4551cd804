"""The compiled cohort engine against the simpy engine, on the same patients.

The compiled loop claims to be the simpy engine's arithmetic: these tests hold it to that
patient by patient (site arrays, IgG, events, studies), to the agreement criteria the research
use needs (records within 1 kg grip and 2 MRC points; KS tests at years 1, 5 and 10), and to
the cohort contract (patient *i* the same whatever the chunking). The full-size check
(over 1,000 patients) is ``benchmarks/check_vector_agreement.py``; set
``MMN_VECTOR_AGREEMENT_N`` to run this module at another size.
"""

from __future__ import annotations

import math
import os
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.diseases.mmn import DISEASE, MMN
from sim.engine import run_patient
from sim.inputs import resolve
from sim.results import ClinicalArrays, Run
from sim.scenario import load_preset, loads_scenario, parse_scenario, preset_names
from sim.vector import run_batch, run_patients, supports
from sim.vector.agreement import compare
from sim.vector.prepare import draw, site_weights

pytestmark = pytest.mark.slow

N = int(os.environ.get("MMN_VECTOR_AGREEMENT_N", "8"))
SEED = 3
# Every preset: untreated, loading course, maintenance, titration, withdrawal, non-responder,
# SCIg switch, late treatment, nerve conduction studies, steroids, plasma exchange, FcRn
# blocker, complement inhibitor.
SUPPORTED = ["untreated", "first-ivig-course", "ivig-maintenance", "ivig-dose-creep",
             "ivig-withdrawal", "ivig-non-responder", "scig-vs-ivig", "late-treatment",
             "ivig-interval-too-long", "anti-gm1-negative", "lower-limb-onset",
             "prednisolone", "plasma-exchange", "fcrn-blocker-hypothetical",
             "complement-inhibitor-hypothetical", "blocked-nerve-mechanism"]


@pytest.fixture(scope="module")
def agreement():
    out = {}
    for name in SUPPORTED:
        out[name] = compare(resolve(load_preset(name)), SEED, range(N))
    return out


def test_site_weights_are_the_diseases_own_bit_for_bit():
    inputs = resolve(load_preset("untreated"))
    rng = np.random.default_rng(5)
    for i in range(20):
        p = draw(inputs, 11, i).patient
        aff = rng.gamma(1.0, 1.0, 50)
        assert np.array_equal(site_weights(p, aff), DISEASE.site_weights(p, aff))


@pytest.mark.parametrize("name", SUPPORTED)
def test_every_patient_matches_the_simpy_engine_to_rounding(agreement, name):
    a = agreement[name]
    assert a.records > 0
    assert a.max_state_diff < 1e-9, a.max_state_diff
    assert a.event_mismatch == 0
    assert a.max_grip_diff < 1e-6 and a.max_mrc_diff == 0


def test_agreement_criteria_over_the_presets(agreement):
    total = None
    for a in agreement.values():
        total = a if total is None else total.merge(a)
    assert total.share_close >= 0.99, total.share_close
    pvals = total.ks()
    assert {y for y, _ in pvals} == {1.0, 5.0, 10.0}
    assert {m for _, m in pvals} == {"grip", "mrc_sum", "events"}
    low = {k: p for k, p in pvals.items() if p < 0.01}
    assert not low, low


def test_studies_and_tables_are_the_simpy_engines():
    sc = load_preset("first-ivig-course")
    inputs = resolve(sc)
    vec = run_patients(inputs, SEED, range(3))
    ref = [run_patient(inputs, SEED, i) for i in range(3)]
    for a, b in zip(ref, vec, strict=True):
        assert a.study_labels == b.study_labels and a.study_kinds == b.study_kinds
        assert len(a.studies) == len(b.studies) >= 2
        for x, y in zip(a.studies, b.studies, strict=True):
            assert x.day == pytest.approx(y.day, abs=1e-9)
            np.testing.assert_allclose(y.block_rest, x.block_rest, atol=1e-12)
            np.testing.assert_allclose(y.damage, x.damage, atol=1e-12)
    t_ref, t_vec = Run(sc, SEED, ref).tables, Run(sc, SEED, vec).tables
    for name in ("patients", "clinical", "events", "ncs", "muscles"):
        pd.testing.assert_frame_equal(t_vec[name], t_ref[name])


@pytest.mark.parametrize("overrides", [
    # every kind of study, two on one day with an infusion (the engine's order of ties)
    {"study.0.kind": "exam", "study.0.day": 730, "study.1.kind": "labs", "study.1.day": 730},
    {"study.0.kind": "emg", "study.1.day": 728, "scenario.record_every_days": 10},
])
def test_studies_of_every_kind_and_ties_match(overrides):
    inputs = resolve(load_preset("first-ivig-course").with_overrides(overrides))
    a = compare(inputs, SEED, range(4))
    assert a.max_state_diff < 1e-9 and a.event_mismatch == 0
    vec = run_patients(inputs, SEED, range(4))
    ref = [run_patient(inputs, SEED, i) for i in range(4)]
    for x, y in zip(ref, vec, strict=True):
        assert x.study_kinds == y.study_kinds
        for s, t in zip(x.studies, y.studies, strict=True):
            np.testing.assert_allclose(t.block, s.block, atol=1e-12)


def test_a_dose_raising_rule_matches():
    inputs = resolve(load_preset("ivig-dose-creep").with_overrides({
        "treatment.1.titration.rule": "raise_dose", "treatment.1.dose_g_per_kg": 1.0,
        "treatment.1.every_days": 28}))
    a = compare(inputs, SEED, range(6))
    assert a.max_state_diff < 1e-9 and a.event_mismatch == 0
    events = [e for pr in run_patients(inputs, SEED, range(6)) for e in pr.events]
    assert any(e[1] == "titration" and "dose raised" in e[6] for e in events)


def test_weekly_adequate_courses_with_overlapping_response_checks_match():
    # a 2 g/kg course every week: four response checks run at once; non-responders among the
    # patients get the no_response event, which also stops later checks
    inputs = resolve(load_preset("ivig-non-responder").with_overrides({
        "treatment.1.dose_g_per_kg": 2.0, "treatment.1.every_days": 7,
        "treatment.1.infusion_days": 1, "scenario.years": 3}))
    a = compare(inputs, SEED, range(8))
    assert a.max_state_diff < 1e-9 and a.event_mismatch == 0


@pytest.mark.parametrize("after", ["stop", "continue"])
def test_courses_after_no_response_match(after):
    # non-responders drawn from the population on the non-responder plan, with a titration
    # rule: "stop" ends the courses at the next one due, "continue" keeps them (no titration)
    inputs = replace(resolve(load_preset("ivig-non-responder").with_overrides({
        "treatment.1.after_no_response": after, "scenario.years": 3,
        "treatment.1.titration": {"rule": "shorten_interval", "confirm_cycles": 1}})),
        fixed_traits={"ivig_responsiveness": 0.05})
    a = compare(inputs, SEED, range(6))
    assert a.max_state_diff < 1e-9 and a.event_mismatch == 0
    runs = run_patients(inputs, SEED, range(6))
    stopped = [pr for pr in runs if any(e[1] == "ivig_stopped" for e in pr.events)]
    flagged = [pr for pr in runs if any(e[1] == "no_response" for e in pr.events)]
    assert len(flagged) >= 3
    if after == "stop":
        assert stopped == flagged
        for pr in stopped:
            halt = next(e[0] for e in pr.events if e[1] == "ivig_stopped")
            assert all(e[0] < halt for e in pr.events if e[1] in ("ivig_dose", "titration"))
    else:
        assert not stopped
        assert all(max(e[0] for e in pr.events if e[1] == "ivig_dose") > 1000 for pr in flagged)


@pytest.mark.parametrize("overrides", [
    # exchanges every day (many rebound windows open at once), no count: until the end
    {"treatment.1.every_days": 1, "treatment.1.count": 30, "scenario.years": 3},
    {"treatment.1.every_days": None, "treatment.1.count": None},
])
def test_plasma_exchange_schedules_match(overrides):
    inputs = resolve(load_preset("plasma-exchange").with_overrides(overrides))
    a = compare(inputs, SEED, range(4))
    assert a.max_state_diff < 1e-9 and a.event_mismatch == 0


@pytest.mark.parametrize("overrides", [
    {"treatment.0.duration_days": 10},  # stopped during the ramp
    {"treatment.0.duration_days": 400, "treatment.0.efficacy": 0.5},
    {"treatment.0.start_day": 2190},  # ramp cut short by the end of the run
])
def test_complement_inhibitor_ramps_and_stops_match(overrides):
    inputs = resolve(load_preset("complement-inhibitor-hypothetical").with_overrides(overrides))
    a = compare(inputs, SEED, range(4))
    assert a.max_state_diff < 1e-9 and a.event_mismatch == 0


def test_steroids_beside_ivig_and_an_open_ended_fcrn_blocker_match():
    inputs = resolve(load_preset("fcrn-blocker-hypothetical").with_overrides({
        "treatment.2.duration_days": None}))
    a = compare(inputs, SEED, range(4))
    assert a.max_state_diff < 1e-9 and a.event_mismatch == 0
    inputs = resolve(load_preset("prednisolone").with_overrides({
        "treatment.0.duration_days": 2000, "treatment.0.mg_per_day": 30}))
    a = compare(inputs, SEED, range(4))
    assert a.max_state_diff < 1e-9 and a.event_mismatch == 0


@pytest.mark.parametrize("name", ["untreated", "ivig-dose-creep", "scig-vs-ivig"])
def test_patients_drawn_from_the_whole_population_match(name):
    # no trait pinned down: every sex, age, antibody status, attack rate and IVIg response
    inputs = replace(resolve(load_preset(name)), fixed_traits={}, trait_overrides={})
    a = compare(inputs, SEED, range(N))
    assert a.max_state_diff < 1e-9 and a.event_mismatch == 0
    assert a.max_grip_diff < 1e-6 and a.max_mrc_diff == 0


@pytest.mark.parametrize("kind", ["cyclophosphamide", "rituximab"])
def test_second_line_kinds_run_on_the_simpy_engine(kind):
    data = load_preset("ivig-non-responder").to_dict()
    data["treatment"].append({"kind": kind, "start_day": 800})
    inputs = resolve(parse_scenario(data))
    assert not supports(inputs)
    [a] = run_patients(inputs, SEED, [1])
    b = run_patient(inputs, SEED, 1)
    assert np.array_equal(a.blocked, b.blocked) and a.events == b.events
    assert any(e[1].startswith(kind) for e in a.events)


class _OtherDisease(MMN):
    """MMN under another class: the compiled loop cannot know what it overrides."""


def test_another_disease_falls_back_to_the_simpy_engine():
    inputs = replace(resolve(load_preset("ivig-maintenance")), disease=_OtherDisease())
    assert not supports(inputs)
    [a] = run_patients(inputs, SEED, [2])
    b = run_patient(inputs, SEED, 2)
    assert np.array_equal(a.blocked, b.blocked) and a.events == b.events
    with pytest.raises(ValueError, match="no compiled counterpart"):
        run_batch(inputs, SEED, [0])


def test_batch_read_outs_are_those_of_the_records():
    sc = load_preset("ivig-dose-creep")
    inputs = resolve(sc)
    batch = run_batch(inputs, SEED, range(5))
    runs = run_patients(inputs, SEED, range(5))
    for j, pr in enumerate(runs):
        ca = ClinicalArrays(pr)
        assert np.array_equal(batch.days, pr.days)
        np.testing.assert_allclose(batch.grip[j], ca.grip, atol=1e-12)
        assert np.array_equal(batch.mrc_sum[j], ca.mrc_sum)
        np.testing.assert_allclose(batch.igg[j], pr.igg, atol=1e-12)
        # an event on a record's own day may be handled before or after the record (the
        # simpy engine's order, e.g. the first attack comes after the day-0 record)
        for col, name in ((0, "lesion_onset"), (2, "titration")):
            days = np.array([e[0] for e in pr.events if e[1] == name])
            before = (days[None, :] < pr.days[:, None] - 1e-9).sum(axis=1)
            upto = (days[None, :] <= pr.days[:, None] + 1e-9).sum(axis=1)
            got = batch.counts[j, :, col]
            assert ((before <= got) & (got <= upto)).all()
            assert np.all(np.diff(got) >= 0)
        assert batch.counts[j, -1, 1] == sum(e[1] == "ivig_dose" for e in pr.events)
    assert batch.counts[:, -1, 2].sum() > 0  # the titration rule acted somewhere


def test_a_patient_is_the_same_whatever_the_chunking():
    inputs = resolve(load_preset("ivig-maintenance"))
    whole = run_batch(inputs, 8, range(10, 17))
    parts = [run_batch(inputs, 8, range(10, 17), chunk=3),
             run_batch(inputs, 8, [13, 14, 15, 16])]
    assert np.array_equal(parts[0].grip, whole.grip)
    assert np.array_equal(parts[0].mrc_sum, whole.mrc_sum)
    assert np.array_equal(parts[1].grip, whole.grip[3:])
    assert np.array_equal(parts[1].counts, whole.counts[3:])


def test_every_mmn_preset_runs_compiled_and_the_mimics_fall_back():
    mmn = {n for n in preset_names() if resolve(load_preset(n)).disease.kind == "mmn"}
    assert mmn == set(SUPPORTED)
    for name in SUPPORTED:
        assert supports(resolve(load_preset(name)))
    for name in set(preset_names()) - mmn:  # other diseases: the simpy engine, same records
        inputs = resolve(load_preset(name))
        assert not supports(inputs)
        got, want = run_patients(inputs, 2, [0])[0], run_patient(inputs, 2, 0)
        assert np.array_equal(got.blocked, want.blocked) and got.events == want.events


def test_an_empty_request_is_empty():
    inputs = resolve(load_preset("untreated"))
    assert run_patients(inputs, 1, []) == []
    b = run_batch(inputs, 1, [])
    assert b.grip.shape[0] == 0 and not math.isnan(b.days[-1])


@pytest.mark.parametrize("every", [1.0, 1.5])
def test_courses_a_day_apart_run_on_the_reference_engine(every, tmp_path):
    # found by the fuzz suite: a course starting within a day of the previous one's last
    # infusion day made the compiled loop miscount its records; such plans now fall back
    text = ('treatment = [{ kind = "ivig", start_day = 0.0, infusion_days = 1, '
            f'every_days = {every} }}]\n[scenario]\nname = "daily"\nyears = 1\n'
            'record_every_days = 1\n')
    inputs = resolve(loads_scenario(text))
    assert not supports(inputs)
    got, want = run_patients(inputs, 3, [0])[0], run_patient(inputs, 3, 0)
    assert got.events == want.events and np.array_equal(got.blocked, want.blocked)
    path = tmp_path / "daily.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["cohort", str(path), "--n", "2", "--quiet", "--out", str(tmp_path / "c")]) == 0
    assert main(["run", str(path), "--quiet", "--out", str(tmp_path / "r")]) == 0
