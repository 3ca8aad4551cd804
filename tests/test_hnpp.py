"""HNPP (the PMP22 deletion): recurrent pressure palsies that heal, on a background of slow
distal conduction, low sensory potentials, a positive genetic test, and no response to any
immunotherapy.

Measured on patients drawn by the disease's own sampler (Mouton 1999; Andersson 2000; Li
2002; Bird 2014 are the sources of the module's values); nothing here reads the disease's
name to decide.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

import sim
from sim import diseases
from sim.anatomy import ANATOMY
from sim.diagnosis.cidp import NORMAL_LIMITS
from sim.diseases.hnpp import HNPP, PALSY_SITES
from sim.engine import run_patient
from sim.inputs import resolve
from sim.scenario import load_preset
from sim.vector import run_patients, supports

N = 40
SEED = 11
DAY = 730.0
KIND = {"kind": "hnpp"}
TREATMENTS = {
    "ivig": [{"kind": "ivig", "start_day": 7, "dose_g_per_kg": 2.0, "infusion_days": 5}],
    "prednisolone": [{"kind": "prednisolone", "start_day": 7, "duration_days": 56,
                      "mg_per_day": 60}],
    "plasma_exchange": [{"kind": "plasma_exchange", "start_day": 7, "every_days": 2,
                         "count": 5}],
}


@functools.cache
def cohort(n: int = N, treatment: str | None = None, years: float = 2) -> sim.Run:
    data = {"scenario": {"years": years, "record_every_days": 7}, "disease": KIND}
    if treatment is not None:
        data["treatment"] = TREATMENTS[treatment]
    return sim.simulate_cohort(sim.parse_scenario(data), n, seed=SEED)


def test_hnpp_is_registered_and_its_palsies_fall_only_at_entrapment_sites_on_either_side():
    assert "hnpp" in diseases.kinds() and isinstance(diseases.get("hnpp"), HNPP)
    run = cohort()
    sites = run.tables["sites"]
    assert set(zip(sites["nerve"], sites["segment"], strict=True)) <= set(PALSY_SITES)
    ev = run.tables["events"]
    les = ev[ev["event"] == "lesion_onset"]
    assert set(les["side"]) == {"left", "right"} and set(les["nerve"]) == {
        n for n, _ in PALSY_SITES}
    for nerve, seg in PALSY_SITES:  # every palsy site is an entrapment site (or the wrist)
        s = ANATOMY.nerve_by_name[nerve].segments
        assert next(x for x in s if x.name == seg).entrapment


def test_palsies_recur_and_each_heals_over_weeks_to_months():
    """The first palsy (day 0) is still weak two weeks on and has healed by six months in
    most patients; most have a second palsy within two years."""
    run = cohort()
    m = run.tables["muscles"]
    weak_2w = healed_6m = 0
    for i in range(N):
        mi = m[m["patient"] == i]
        weakest = mi.groupby("day")["mrc"].min()
        weak_2w += int(weakest.loc[14.0] < 5)
        healed_6m += int(weakest.loc[weakest.index[weakest.index <= 182].max()] >= 4
                         and mi[mi["day"] == 182.0]["mrc"].lt(5).sum()
                         <= mi[mi["day"] == 14.0]["mrc"].lt(5).sum())
    assert weak_2w / N >= 0.8, weak_2w
    assert healed_6m / N >= 0.75, healed_6m
    ev = run.tables["events"]
    counts = ev[ev["event"] == "lesion_onset"].groupby("patient").size()
    assert (counts >= 2).sum() / N >= 0.6


@pytest.mark.parametrize("treatment", sorted(TREATMENTS))
def test_no_immunotherapy_changes_anything(treatment):
    """IVIg, prednisolone and plasma exchange given during the first palsy leave strength,
    grip and disability exactly as without treatment, in every patient."""
    n = 12
    cols = ["patient", "day", "grip_left_kg", "grip_right_kg", "mrc_sum", "disability"]
    treated, untreated = cohort(n, treatment), cohort(n)
    assert treated.tables["clinical"][cols].equals(untreated.tables["clinical"][cols])
    assert treated.tables["sites"].equals(untreated.tables["sites"])
    assert len(treated.tables["events"]) > len(untreated.tables["events"])  # it was given


def test_nerves_that_never_had_a_palsy_conduct_slowly_and_mmn_nerves_do_not():
    run = cohort()
    mmn = sim.simulate_cohort(sim.parse_scenario({"scenario": {"years": 2}}), 20, seed=SEED)

    def prolonged(r, i):
        ev = r.tables["events"]
        hit = {(s, n) for s, n in ev[(ev["patient"] == i) & (ev["event"] == "lesion_onset")][
            ["side", "nerve"]].itertuples(index=False)}
        ncs = r.ncs(DAY, patient=i)
        distal = ncs[(ncs["kind"] == "motor") & ncs["stim_site"].isin(["wrist", "ankle"])]
        return sum(row.latency_ms > NORMAL_LIMITS[row.nerve]["dl"]
                   for row in distal.itertuples(index=False)
                   if row.nerve in NORMAL_LIMITS and (row.side, row.nerve) not in hit)

    assert np.mean([prolonged(run, i) >= 2 for i in range(N)]) >= 0.9
    assert np.mean([prolonged(mmn, i) >= 2 for i in range(20)]) <= 0.1


def test_sensory_potentials_are_low_and_the_genetic_test_is_positive_only_in_hnpp():
    run = cohort()
    lln = {n.name: n.lln_uv for n in ANATOMY.sensory}
    low = []
    for i in range(N):
        ncs = run.ncs(DAY, patient=i)
        s = ncs[ncs["kind"] == "sensory"]
        low.append(bool((s["amplitude"] < s["nerve"].map(lln)).any()))
        labs = run.labs(DAY, i).set_index("test")
        assert labs.loc["pmp22_deletion", "result"] == "deletion present"
        assert labs.loc["anti_gm1_igm", "result"] == "negative"
    assert np.mean(low) >= 0.8
    for kind in diseases.kinds():
        if kind == "hnpp":
            continue
        data = {"scenario": {"years": 1}, "disease": {"kind": kind}}
        labs = sim.simulate(sim.parse_scenario(data), seed=SEED).labs(300).set_index("test")
        assert labs.loc["pmp22_deletion", "result"] == "no deletion", kind


def test_the_history_facts_are_data_and_numbness_follows_the_palsy():
    h = HNPP().history
    assert h.onset_tempo.startswith("episodic") and h.after_pressure and h.painless
    assert not h.preceding_infection and 0.0 < h.family_history_share < 1.0
    run = cohort()
    first = run.tables["events"].query("event == 'lesion_onset' and patient == 0").iloc[0]
    numb = diseases.get("hnpp").numb_territories(run.snapshot(14.0, 0))
    assert (first["side"], first["nerve"]) in numb
    assert diseases.get("hnpp").numb_territories(run.snapshot(14.0, 0), threshold=2.0) == []


def test_the_compiled_engine_hands_hnpp_to_the_simpy_engine():
    inputs = resolve(load_preset("hnpp"))
    assert not supports(inputs)
    [got] = run_patients(inputs, 3, [1])
    want = run_patient(inputs, 3, 1)
    assert np.array_equal(got.blocked, want.blocked) and got.events == want.events
