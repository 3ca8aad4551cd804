"""Nerve conduction over the course of simulated disease (issue: NCS; CLINICAL.md)."""

from __future__ import annotations

import numpy as np
import pytest

from sim import parse_scenario, simulate, simulate_cohort
from sim.anatomy import ANATOMY
from sim.electro import summarize


def _motor(df):
    return df[df.kind == "motor"]


def _block_at(df, row):
    """Block % of the same side, nerve and stimulation point as ``row``."""
    hit = (df.side == row.side) & (df.nerve == row.nerve) & (df.stim_site == row.stim_site)
    return df[hit].block_pct.iloc[0]


@pytest.fixture(scope="module")
def untreated_15y():
    sc = parse_scenario({"scenario": {"years": 15, "record_every_days": 28}})
    return simulate_cohort(sc, 30, seed=3)


@pytest.mark.slow
def test_sensory_responses_stay_normal_at_every_time(untreated_15y):
    run = untreated_15y
    for i in range(len(run.patient_runs)):
        first = run.ncs(0, patient=i)
        for day in (365, 5 * 365, 15 * 365):
            later = run.ncs(day, patient=i)
            s0, s1 = first[first.kind == "sensory"], later[later.kind == "sensory"]
            assert len(s1) == 8  # four sensory nerves, both sides
            assert np.array_equal(s0.amplitude.to_numpy(), s1.amplitude.to_numpy())
            assert summarize(later).sensory_normal


@pytest.mark.slow
def test_untreated_years_lower_distal_cmaps_and_leave_inexcitable_points(untreated_15y):
    run = untreated_15y
    ratios, inexcitable = [], 0
    for i in range(len(run.patient_runs)):
        early, late = _motor(run.ncs(0, patient=i)), _motor(run.ncs(15 * 365, patient=i))
        snap = run.snapshot(15 * 365, i)
        lossy = {(side, seg.nerve) for (side, seg), a in zip(ANATOMY.sites, snap.axon_loss,
                                                             strict=True) if a > 0.2}
        for side, nerve in lossy:
            pick = (early.side == side) & (early.nerve == nerve)
            a0 = early[pick].amplitude.iloc[0]
            a1 = late[(late.side == side) & (late.nerve == nerve)].amplitude.iloc[0]
            ratios.append(a1 / a0)
        inexcitable += int((late.amplitude == 0).any())
    assert len(ratios) >= 30
    assert np.median(ratios) < 0.7  # axonal loss lowers the distal CMAP too
    assert np.mean(np.array(ratios) < 0.9) > 0.8
    assert inexcitable >= 3  # some sites no longer conduct at all (Lange 2006)


@pytest.mark.slow
def test_four_weeks_after_ivig_block_improves_and_untreated_does_not():
    base = {"scenario": {"years": 2.2, "record_every_days": 1}}
    ivig = {"kind": "ivig", "start_day": 730, "dose_g_per_kg": 2.0, "infusion_days": 5}
    treated = simulate_cohort(parse_scenario({**base, "treatment": [ivig]}), 40, seed=11)
    untreated = simulate_cohort(parse_scenario(base), 40, seed=11)
    change_ivig, change_none = [], []
    for i in range(40):
        before = _motor(treated.ncs(730, patient=i))
        blocked = before[(before.block_pct >= 30) & before.block_pct.notna()]
        after_ivig, after_none = _motor(treated.ncs(758, patient=i)), _motor(
            untreated.ncs(758, patient=i))
        for _, row in blocked.iterrows():
            change_ivig.append(_block_at(after_ivig, row) - row.block_pct)
            change_none.append(_block_at(after_none, row) - row.block_pct)
    assert len(change_ivig) >= 15
    # A point that no longer responds has no block % (NaN); none of those may be on IVIg.
    assert not np.isnan(change_ivig).any()
    # Federico 2000: block improved 12.7% on IVIg vs worsened 13.0% on placebo; here the
    # untreated block stays (blocked axons slowly turn into loss, which is not block).
    assert np.mean(change_ivig) < -5
    assert np.nanmean(change_none) >= -1
    assert np.mean(change_ivig) < np.nanmean(change_none)


def test_scheduled_studies_land_in_the_ncs_table_and_events():
    sc = parse_scenario({"scenario": {"years": 3}, "disease": {"lesion_rate_per_year": 3},
                         "study": [{"day": 400, "label": "first"}, {"day": 1000}]})
    run = simulate(sc, seed=2)
    ncs = run.tables["ncs"]
    assert sorted(ncs.day.unique()) == [400.0, 1000.0]
    assert set(ncs.kind) == {"motor", "sensory"}
    ev = run.tables["events"]
    studies = ev[ev.event == "ncs_study"]
    assert studies.day.tolist() == [400.0, 1000.0]
    assert studies.detail.iloc[0] == "first"
    # the study at day 1000 is what run.ncs gives for that day
    direct = run.ncs(1000)
    assert np.allclose(direct.amplitude.to_numpy(), ncs[ncs.day == 1000].amplitude.to_numpy(),
                       equal_nan=True)
    # a scenario without studies and no diagnosis within the run has no ncs table
    quiet = {"scenario": {"years": 1}, "journey": {"delay_years": 30}}
    assert simulate(parse_scenario(quiet), seed=2).tables["ncs"].empty


_DISTAL_POINTS = {"wrist", "elbow", "below elbow", "forearm", "ankle", "below fibular head"}


@pytest.mark.slow
def test_five_untreated_years_show_block_and_proximal_segments_add_to_it():
    """The full study (every nerve, both sides, up to Erb's point) at year 5 finds block in
    most drawn patients, definite block in a good share, and more patients with block than
    the same study stopped at the elbow and knee (EFNS/PNS 2010 advises proximal segments of
    the clinically affected nerves)."""
    sc = parse_scenario({"scenario": {"years": 5.1, "record_every_days": 28}})
    run = simulate_cohort(sc, 60, seed=5)
    full_any = full_def = distal_any = 0
    for i in range(60):
        df = run.ncs(1826, patient=i)
        full, distal = summarize(df), summarize(
            df[(df.kind == "sensory") | df.stim_site.isin(_DISTAL_POINTS)])
        full_any += full.n_block_nerves > 0
        full_def += full.n_definite_nerves > 0
        distal_any += distal.n_block_nerves > 0
        assert distal.n_block_nerves <= full.n_block_nerves  # more segments, never less
    assert full_any >= 0.6 * 60 and full_def >= 0.3 * 60
    assert full_any > distal_any
