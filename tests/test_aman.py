"""Acute motor axonal neuropathy: an acute, monophasic, pure motor illness that MMN is not.

Measured on patients drawn by the disease's own sampler and read as a clinician reads them;
plus the engine's daily records for the acute weeks, which leave every other scenario's
records as they were.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

import sim
from sim import ScenarioError, diseases
from sim.anatomy import ANATOMY
from sim.diagnosis import evaluate
from sim.diseases.aman import HISTORY
from sim.engine import run_patient
from sim.inputs import resolve
from sim.vector import run_patients, supports

N = 60
SEED = 5
_LLN = {n.name: n.lln_uv for n in ANATOMY.sensory}
STUDIES = [{"day": 35, "kind": k} for k in ("ncs", "labs", "exam")]


def _scenario(treatment=(), **scenario):
    data = {"scenario": {"years": 1, "daily_until_day": 200, **scenario},
            "disease": {"kind": "aman"}, "study": STUDIES, "treatment": list(treatment)}
    return sim.parse_scenario(data)


@functools.cache
def cohort(plan: str = "none") -> sim.Run:
    treatment = {"none": [],
                 "ivig": [{"kind": "ivig", "start_day": 5, "dose_g_per_kg": 2.0,
                           "infusion_days": 5}],
                 "pred": [{"kind": "prednisolone", "start_day": 5, "duration_days": 28,
                           "mg_per_day": 60}]}[plan]
    return sim.simulate_cohort(_scenario(treatment), N, seed=SEED)


def _mrc(run: sim.Run) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    c = run.tables["clinical"]
    return {p: (g["day"].to_numpy(), g["mrc_sum"].to_numpy()) for p, g in c.groupby("patient")}


def test_aman_is_registered_with_its_history_facts():
    assert "aman" in diseases.kinds()
    assert HISTORY.onset_tempo == "acute: days to weeks"
    assert not HISTORY.family_history and not HISTORY.numbness
    assert "diarrhoea" in HISTORY.preceding_infection


def test_nadir_within_four_weeks_then_recovery_by_six_months():
    days = [(d[np.argmin(m)], m[min(np.searchsorted(d, 182.6), len(m) - 1)] > m.min(),
             m.min() < m[0]) for d, m in _mrc(cohort()).values()]
    assert all(weak for _, _, weak in days)  # every drawn patient weakens
    assert np.mean([d <= 28 for d, _, _ in days]) >= 0.95
    assert np.mean([better for _, better, _ in days]) >= 0.9


def test_pure_motor_igm_negative_igg_often_positive_csf_dissociation():
    run = cohort()
    igg, protein = [], []
    for p in range(N):
        ncs = run.ncs(35.0, patient=p)
        sens = ncs[ncs["kind"] == "sensory"]
        assert (sens["amplitude"] >= sens["nerve"].map(_LLN)).all()
        labs = run.labs(35.0, p).set_index("test")
        assert labs.loc["anti_gm1_igm", "result"] == "negative"
        assert labs.loc["csf_cells", "value"] < 5
        igg.append(labs.loc["anti_ganglioside_igg", "result"] == "positive")
        protein.append(labs.loc["csf_protein", "value"] >= 0.45)
    assert 0.4 <= np.mean(igg) <= 0.9 and np.mean(protein) >= 0.9


def test_mmn_checklist_rejects_aman_on_its_time_course():
    run = cohort()
    for p in range(N):
        cl = evaluate(run, 180.0, p)
        assert cl.category == "not met"
        assert not cl.item("1").met
    named = [evaluate(run, 180.0, p).reason.startswith("clinical core 1 not met: acute")
             for p in range(N)]
    assert np.mean(named) >= 0.9


def test_gbs_checklist_met_by_most_aman_patients():
    levels = [evaluate(cohort(), 35.0, p, criteria="gbs").category for p in range(N)]
    assert np.mean([lv != "not met" for lv in levels]) >= 0.8


def test_gbs_checklist_met_by_no_mmn_patient():
    data = {"scenario": {"years": 2}, "study": [{"day": d, "kind": k} for d in (60, 700)
                                                 for k in ("ncs", "labs", "exam")]}
    run = sim.simulate_cohort(sim.parse_scenario(data), N, seed=SEED)
    for p in range(N):
        for day in (60.0, 700.0):
            assert evaluate(run, day, p, criteria="gbs").category == "not met"


def test_ivig_speeds_recovery_and_corticosteroids_change_nothing():
    base, ivig, pred = (_mrc(cohort(k)) for k in ("none", "ivig", "pred"))
    at = [int(np.searchsorted(base[p][0], 42.0)) for p in range(N)]
    gain = [ivig[p][1][at[p]] - base[p][1][at[p]] for p in range(N)]
    assert min(gain) >= 0 and np.mean(gain) > 0
    assert all(np.array_equal(pred[p][1], base[p][1]) for p in range(N))


def test_respiratory_failure_and_the_preceding_infection_are_recorded():
    ev = cohort().tables["events"]
    resp = ev[ev["event"] == "respiratory_failure"]["patient"].nunique() / N
    infection = ev[ev["event"] == "preceding_infection"]
    assert 0.05 <= resp <= 0.4
    assert 0.4 <= infection["patient"].nunique() / N <= 0.8
    assert (infection["day"] == 0).all() and infection["value"].between(3, 35).all()


def test_daily_records_then_the_regular_grid():
    pr = run_patient(resolve(_scenario(daily_until_day=30, record_every_days=7)), 1, 0)
    d = pr.days
    assert list(d[:31]) == [float(i) for i in range(31)]
    assert list(d[31:34]) == [35.0, 42.0, 49.0]
    plain = run_patient(resolve(sim.parse_scenario({"scenario": {"years": 1}})), 1, 0)
    assert set(plain.days) - set(d) <= {1.0 * k for k in range(31)}


def test_the_daily_field_adds_records_and_keeps_the_grid_for_mmn():
    base = {"scenario": {"years": 1}}
    a = run_patient(resolve(sim.parse_scenario(base)), 3, 0)
    b = run_patient(resolve(sim.parse_scenario({"scenario": {"years": 1,
                                                             "daily_until_day": 1}})), 3, 0)
    assert list(b.days[:3]) == [0.0, 1.0, 7.0]  # one daily record, then the same grid
    assert list(a.days) == [x for x in b.days if x != 1.0]
    # the same patient to the integrator's accuracy (a step split at day 1)
    assert np.abs(a.blocked - b.blocked[np.isin(b.days, a.days)]).max() < 0.02


@pytest.mark.parametrize("value, words", [(0, "daily_until_day"), (5000, "1 to 3653")])
def test_the_daily_field_is_validated(value, words):
    with pytest.raises(ScenarioError) as err:
        sim.parse_scenario({"scenario": {"daily_until_day": value}})
    assert words in str(err.value) and str(err.value).count(".") <= 3


def test_daily_records_and_aman_fall_back_to_the_simpy_engine():
    for data in ({"scenario": {"years": 1, "daily_until_day": 40}},
                 {"scenario": {"years": 1}, "disease": {"kind": "aman"}}):
        inputs = resolve(sim.parse_scenario(data))
        assert not supports(inputs)
        got, want = run_patients(inputs, 2, [0])[0], run_patient(inputs, 2, 0)
        assert np.array_equal(got.days, want.days) and np.array_equal(got.blocked, want.blocked)
        assert got.events == want.events
