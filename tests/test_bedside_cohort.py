"""Acceptance over 200 untreated MMN patients (CLINICAL.md "Course" and "Needle EMG and
F-waves"): examined and needled on day 180, in year 3 and in year 10."""

from __future__ import annotations

import numpy as np
import pytest

from sim import exam as E
from sim import parse_scenario, simulate_cohort
from sim.anatomy import ANATOMY
from sim.electro import EMG_PARAMS

pytestmark = pytest.mark.slow
DAYS = (180.0, 1095.0, 3650.0)
NORMAL_MUP_MV = np.array([EMG_PARAMS.normal_mup[m.region][0] for _, m in ANATOMY.muscles])


def unit_loss(lost_sites: np.ndarray) -> np.ndarray:
    """Share of each muscle's motor units whose axon has degenerated."""
    return 1.0 - np.exp(np.log(np.clip(1.0 - lost_sites, 1e-12, 1)) @ ANATOMY.supply.T)


def lookup(df):
    return df.set_index(["side", "site", "finding"])["value"]


@pytest.fixture(scope="module")
def cohort():
    return simulate_cohort(parse_scenario({"scenario": {"years": 10}}), 200, seed=31)


def test_two_hundred_untreated_patients_examined_like_mmn(cohort):
    pure_block = wasted_pure = heavy = wasted_heavy = 0
    weak_early = unwasted_early = 0
    for i in range(len(cohort.patient_runs)):
        for day in DAYS:
            ex = cohort.examination(day, i)
            v = lookup(ex)
            lost = unit_loss(cohort.snapshot(day, i).axon_loss)
            mrc = ex[ex["finding"] == "mrc"]["value"].astype(int).to_numpy()
            wasting = ex[ex["finding"] == "wasting"]["value"].to_numpy()
            pure = (mrc < 5) & (lost < 0.02)  # weak with axons essentially intact
            pure_block += pure.sum()
            wasted_pure += (wasting[pure] != "none").sum()
            big = lost >= 0.5
            heavy += big.sum()
            wasted_heavy += (wasting[big] != "none").sum()
            if day == DAYS[0]:
                weak_early += (mrc < 5).sum()
                unwasted_early += ((mrc < 5) & (wasting == "none")).sum()
            sens = ex[ex["finding"].str.startswith("sensation_")]["value"]
            assert set(sens) == {"normal"}, (i, day)
            assert v[("", "cranial nerves", "cranial_nerves")] == "normal"
            assert v[("", "bulbar", "speech")] == v[("", "bulbar", "swallowing")] == "normal"
            _no_brisk_outside_an_affected_arm(ex)
    assert pure_block > 50 and wasted_pure == 0  # weakness without wasting
    assert heavy > 50 and wasted_heavy >= heavy / 2  # wasting with axonal loss
    assert unwasted_early >= 0.8 * weak_early  # "weakness without wasting" early


def _no_brisk_outside_an_affected_arm(ex):
    mrc = ex[ex["finding"] == "mrc"]
    weak_arms = {s for s, m, g in zip(mrc["side"], mrc["site"], mrc["value"], strict=True)
                 if int(g) < 5 and E.MUSCLE_LIMB[m] == "arm"}
    for r in ex[ex["finding"] == "reflex"].itertuples(index=False):
        if "brisk" in r.value:
            assert E.REFLEXES[r.site][0] == "arm" and r.side in weak_arms, r


def test_two_hundred_untreated_patients_needled_like_mmn(cohort):
    fib_muscles = blocked_only = reduced_blocked = big_units = reinnervated = 0
    for i in range(len(cohort.patient_runs)):
        for day in DAYS:
            emg = cohort.emg(day, i)
            now = cohort.snapshot(day, i)
            lost = unit_loss(now.axon_loss)
            active = lost - unit_loss(cohort.snapshot(max(0.0, day - 90), i).axon_loss)
            fib = emg["fibrillations"].to_numpy()
            # fibrillations only where axons are degenerating (lost within the last 90 days)
            assert (active[fib > 0] > 0).all(), (i, day)
            assert (emg["positive_sharp_waves"].to_numpy()[active <= 0] == 0).all()
            fib_muscles += (fib > 0).sum()
            units = np.exp(np.log(np.clip(1 - now.block - now.axon_loss, 1e-12, 1))
                           @ ANATOMY.supply.T)
            rec = emg["recruitment"].to_numpy()
            pure = (units < 0.6) & (lost < 0.02)
            blocked_only += pure.sum()
            reduced_blocked += (rec[pure] != "full").sum()
            amp = emg["mup_amplitude_mv"].to_numpy()
            assert np.allclose(amp[pure], NORMAL_MUP_MV[pure], rtol=0.05)  # normal units
            old = unit_loss(cohort.snapshot(max(0.0, day - 180), i).axon_loss) >= 0.4
            reinnervated += (old & np.isfinite(amp)).sum()
            big_units += (old & np.isfinite(amp) & (amp >= 1.4 * NORMAL_MUP_MV)).sum()
    assert fib_muscles > 100
    assert blocked_only > 20 and reduced_blocked == blocked_only  # block: fewer units fire
    assert reinnervated > 50 and big_units >= 0.9 * reinnervated  # large reinnervated units
