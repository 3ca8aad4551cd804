"""Behaviour of the nerve conduction study: EFNS/PNS 2010 grading, physiology, waveforms."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim import electro
from sim.anatomy import ANATOMY, SIDES
from sim.sites import SiteSnapshot

SEEDS = range(40)


def snapshot(lesions: dict[tuple[str, str, str], tuple[float, float, float]] | None = None,
             day: float = 100.0) -> SiteSnapshot:
    """Snapshot with (block, axon_loss, damage) set at the given (side, nerve, segment)."""
    block = np.zeros(ANATOMY.n_sites)
    loss = np.zeros(ANATOMY.n_sites)
    damage = np.zeros(ANATOMY.n_sites)
    for key, (b, a, d) in (lesions or {}).items():
        i = ANATOMY.site_index[key]
        block[i], loss[i], damage[i] = b, a, d
    return SiteSnapshot(day, block, loss, damage)


def random_snapshot(rng: np.random.Generator, n_lesions: int = 8) -> SiteSnapshot:
    block = np.zeros(ANATOMY.n_sites)
    loss = np.zeros(ANATOMY.n_sites)
    damage = np.zeros(ANATOMY.n_sites)
    for i in rng.choice(ANATOMY.n_sites, size=n_lesions, replace=False):
        a = rng.uniform(0.0, 0.5)
        b = rng.uniform(0.0, 1.0 - a)
        loss[i], block[i] = a, b
        damage[i] = min(1.0, a + b + rng.uniform(0.0, 0.2))
    return SiteSnapshot(50.0, block, loss, damage)


def motor(df: pd.DataFrame, side: str, nerve: str) -> pd.DataFrame:
    return df[(df.kind == "motor") & (df.side == side) & (df.nerve == nerve)].reset_index(
        drop=True
    )


@pytest.fixture(scope="module")
def baseline() -> electro.NcsBaseline:
    return electro.draw_baseline(np.random.default_rng(2024))


# ------------------------------------------------------------------------------------------
# Grading rules at their edges (van Schaik et al. 2010)
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "dur", "distal", "lln", "long", "entrap", "expected"),
    [
        (50.0, 10.0, 5.0, 4.0, False, False, "definite"),
        (49.0, 10.0, 5.0, 4.0, False, False, "none"),  # short segment: 30% rule not open
        (49.0, 10.0, 5.0, 4.0, True, False, "probable"),  # long upper-limb segment
        (50.0, 30.0, 5.0, 4.0, False, False, "definite"),  # duration increase <=30%
        (50.0, 31.0, 5.0, 4.0, False, False, "probable"),  # >30%: dispersion
        (49.0, 31.0, 5.0, 4.0, True, False, "none"),  # 30% rule needs duration <=30%
        (60.0, 10.0, 0.9, 4.0, False, False, "none"),  # distal <=1 mV
        (60.0, 10.0, 1.1, 4.0, False, False, "definite"),  # >1 mV and >0.8 mV (20% LLN)
        (60.0, 10.0, 1.1, 6.0, False, False, "none"),  # >1 mV but not >1.2 mV (20% of 6)
        (60.0, 10.0, 1.3, 6.0, False, False, "definite"),
        (40.0, 10.0, 0.9, 4.0, True, False, "none"),  # distal rule applies to probable too
        (80.0, 5.0, 8.0, 4.0, True, True, "none"),  # entrapment never counts
        (80.0, 5.0, 8.0, 4.0, False, "cubital tunnel", "none"),
        (30.0, 0.0, 5.0, 4.0, True, False, "probable"),
        (29.0, 0.0, 5.0, 4.0, True, False, "none"),
        (math.nan, 0.0, 5.0, 4.0, True, False, "none"),
        (100.0, math.nan, 5.0, 4.0, False, False, "definite"),  # absent proximal response
    ],
)
def test_grade_block_edges(area, dur, distal, lln, long, entrap, expected):
    assert electro.grade_block(area, dur, distal, lln, long, entrap) == expected


def test_long_upper_limb_rule_in_a_study(baseline):
    """A 40% block grades probable across the ulnar forearm but not across the tibial leg."""
    snap = snapshot({
        ("left", "ulnar", "forearm"): (0.40, 0.0, 0.40),
        ("left", "tibial", "leg"): (0.40, 0.0, 0.40),
    })
    df = electro.study(baseline, snap)
    ulnar = motor(df, "left", "ulnar")
    tibial = motor(df, "left", "tibial")
    assert 30.0 <= ulnar.block_pct[1] < 50.0
    assert ulnar.grade[1] == "probable"
    assert 30.0 <= tibial.block_pct[1] < 50.0
    assert tibial.grade[1] == "none"


def test_entrapment_segment_never_graded(baseline):
    snap = snapshot({("right", "ulnar", "across elbow"): (0.80, 0.0, 0.80)})
    ulnar = motor(electro.study(baseline, snap), "right", "ulnar")
    assert ulnar.block_pct[2] > 70.0
    assert ulnar.grade[2] == "none"


# ------------------------------------------------------------------------------------------
# Study table
# ------------------------------------------------------------------------------------------


def test_columns_and_rows(baseline):
    df = electro.study(baseline, snapshot())
    assert list(df.columns) == list(electro.STUDY_COLUMNS)
    n_motor = sum(len(n.points) for n in ANATOMY.nerves) * len(SIDES)
    n_sensory = len(ANATOMY.sensory) * len(SIDES)
    assert (df.kind == "motor").sum() == n_motor
    assert (df.kind == "sensory").sum() == n_sensory
    distal = df[(df.kind == "motor")].groupby(["side", "nerve"]).head(1)
    assert (distal.grade == "").all()
    assert distal.cv_m_per_s.isna().all() and distal.block_pct.isna().all()
    assert set(df.grade) <= {"", "none", "definite", "probable"}


def test_filters(baseline):
    df = electro.study(baseline, snapshot(), nerves=["ulnar"], sides=["left"])
    assert set(df.side) == {"left"}
    assert set(df.nerve) == {"ulnar"}
    assert set(df.kind) == {"motor", "sensory"}
    assert list(df[df.kind == "motor"].stim_site) == list(ANATOMY.nerve_by_name["ulnar"].points)
    with pytest.raises(ValueError, match="unknown nerve"):
        electro.study(baseline, snapshot(), nerves=["vagus"])
    with pytest.raises(ValueError, match="shape"):
        electro.study(baseline, SiteSnapshot(0.0, np.zeros(3), np.zeros(3), np.zeros(3)))


@pytest.mark.parametrize("seed", range(12))
def test_grades_consistent_with_row_values(seed):
    rng = np.random.default_rng(seed)
    base = electro.draw_baseline(rng)
    df = electro.study(base, random_snapshot(rng, n_lesions=12))
    checked = 0
    for (side, name), rows in df[df.kind == "motor"].groupby(["side", "nerve"], sort=False):
        nerve = ANATOMY.nerve_by_name[name]
        rows = rows.reset_index(drop=True)
        for k in range(1, len(rows)):
            prev, row = rows.iloc[k - 1], rows.iloc[k]
            seg = nerve.segments[k]
            if prev.amplitude == 0.0:
                assert row.grade == "none" and math.isnan(row.block_pct)
                continue
            reduction = 100.0 * (1.0 - row.area / prev.area)
            widening = 100.0 * (row.duration_ms / prev.duration_ms - 1.0)
            assert row.block_pct == pytest.approx(reduction)
            expected = electro.grade_block(reduction, widening, prev.amplitude, nerve.lln_mv,
                                       seg.long_upper_limb, seg.entrapment)
            assert row.grade == expected, (side, name, k)
            checked += 1
    assert checked > 20


def test_healthy_nerves_many_seeds():
    arm_cv_min = 45.0  # well above the demyelinating range, below every arm-nerve mean
    leg_cv_min = 40.0
    for seed in SEEDS:
        base = electro.draw_baseline(np.random.default_rng(seed))
        df = electro.study(base, snapshot())
        mot = df[df.kind == "motor"]
        assert not (mot.grade.isin(["definite", "probable"])).any()
        for (_, name), rows in mot.groupby(["side", "nerve"], sort=False):
            nerve = ANATOMY.nerve_by_name[name]
            assert rows.amplitude.iloc[0] >= nerve.lln_mv
            assert rows.latency_ms.iloc[0] < 1.3 * nerve.distal_latency_ms
            cv = rows.cv_m_per_s.iloc[1:]
            assert (cv >= (arm_cv_min if nerve.limb == "arm" else leg_cv_min)).all()
            assert (cv.between(0.85 * nerve.cv_m_per_s, 1.15 * nerve.cv_m_per_s)).all()
            for k in range(1, len(rows)):
                limit = 25.0 if nerve.segments[k].entrapment == "fibular head" else 15.0
                drop = 100.0 * (1.0 - rows.amplitude.iloc[k] / rows.amplitude.iloc[k - 1])
                assert 0.0 <= drop <= limit
                assert rows.latency_ms.iloc[k] > rows.latency_ms.iloc[k - 1]
        sens = df[df.kind == "sensory"]
        lln = sens.nerve.map({n.name: n.lln_uv for n in ANATOMY.sensory})
        assert (sens.amplitude >= lln).all()
        assert electro.summarize(df).level == "none"


def test_healthy_left_right_similar():
    rel = []
    for seed in SEEDS:
        base = electro.draw_baseline(np.random.default_rng(seed))
        for nerve in ANATOMY.nerves:
            left = base.motor_for("left", nerve.name).amplitude_mv
            right = base.motor_for("right", nerve.name).amplitude_mv
            rel.append(abs(left - right) / max(left, right))
    assert np.median(rel) < 0.15


def test_baseline_reproducible_and_fixed_consumption():
    a = electro.draw_baseline(np.random.default_rng(7))
    b = electro.draw_baseline(np.random.default_rng(7))
    assert a == b
    assert a != electro.draw_baseline(np.random.default_rng(8))
    # Different parameter values must not change how many numbers are consumed.
    r1, r2 = np.random.default_rng(7), np.random.default_rng(7)
    electro.draw_baseline(r1)
    electro.draw_baseline(r2, electro.NcsParams(lln_margin=1.5, max_normal_drop=0.0))
    assert r1.random() == r2.random()


def test_sensory_unaffected_by_motor_lesions(baseline):
    healthy = electro.study(baseline, snapshot())
    rng = np.random.default_rng(3)
    heavy = random_snapshot(rng, n_lesions=40)
    sick = electro.study(baseline, heavy)
    moved = sick[sick.kind == "motor"].amplitude.to_numpy()
    assert not np.allclose(moved, healthy[healthy.kind == "motor"].amplitude.to_numpy())
    pd.testing.assert_frame_equal(
        healthy[healthy.kind == "sensory"].reset_index(drop=True),
        sick[sick.kind == "sensory"].reset_index(drop=True),
    )
    # ... even when every motor site is fully lost.
    ones = np.ones(ANATOMY.n_sites)
    gone = electro.study(baseline, SiteSnapshot(1.0, np.zeros_like(ones), ones, ones))
    pd.testing.assert_frame_equal(
        healthy[healthy.kind == "sensory"].reset_index(drop=True),
        gone[gone.kind == "sensory"].reset_index(drop=True),
    )


def test_axonal_loss_lowers_every_point(baseline):
    healthy = motor(electro.study(baseline, snapshot()), "left", "median")
    lost = motor(electro.study(baseline, snapshot({("left", "median", "upper arm"):
                                                (0.0, 0.5, 0.5)})), "left", "median")
    ratio = lost.amplitude / healthy.amplitude
    assert ratio[0] < 0.6  # the distal response falls too
    assert (ratio < 0.6).all()
    # Unstimulable proximal segment (peroneal thigh) still lowers every response.
    h_per = motor(electro.study(baseline, snapshot()), "right", "peroneal")
    l_per = motor(electro.study(baseline, snapshot({("right", "peroneal", "thigh"):
                                                (0.0, 0.6, 0.6)})), "right", "peroneal")
    assert (l_per.amplitude < 0.5 * h_per.amplitude).all()
    assert len(l_per) == len(ANATOMY.nerve_by_name["peroneal"].points)


def test_block_lowers_only_proximal_points(baseline):
    healthy = motor(electro.study(baseline, snapshot()), "left", "ulnar")
    snap = snapshot({("left", "ulnar", "forearm"): (0.6, 0.0, 0.0)})
    blocked = motor(electro.study(baseline, snap), "left", "ulnar")
    assert blocked.amplitude[0] == pytest.approx(healthy.amplitude[0])
    assert blocked.area[0] == pytest.approx(healthy.area[0])
    assert (blocked.amplitude[1:] < 0.5 * healthy.amplitude[1:]).all()
    # Block in segment 0 lowers the distal response too but grades nothing.
    snap0 = snapshot({("left", "ulnar", "wrist-ADM"): (0.6, 0.0, 0.0)})
    seg0 = motor(electro.study(baseline, snap0), "left", "ulnar")
    assert seg0.amplitude[0] < 0.5 * healthy.amplitude[0]
    assert (seg0.grade[1:] == "none").all()


def test_heavy_loss_inexcitable(baseline):
    snap = snapshot({("left", "radial", "plexus"): (0.0, 0.97, 1.0)})
    rad = motor(electro.study(baseline, snap), "left", "radial")
    assert (rad.amplitude == 0.0).all()
    assert rad.latency_ms.isna().all() and rad.cv_m_per_s.isna().all()
    assert (rad.grade[1:] == "none").all()
    # Complete block: distal response normal, proximal absent -> definite block.
    snap2 = snapshot({("left", "median", "forearm"): (1.0, 0.0, 1.0)})
    med = motor(electro.study(baseline, snap2), "left", "median")
    assert med.amplitude[0] > 0 and med.amplitude[1] == 0.0 and math.isnan(med.latency_ms[1])
    assert med.block_pct[1] == pytest.approx(100.0)
    assert med.grade[1] == "definite"
    assert (med.grade[2:] == "none").all()


def test_damage_disperses_and_slows(baseline):
    healthy = motor(electro.study(baseline, snapshot()), "left", "median")
    snap = snapshot({("left", "median", "forearm"): (0.0, 0.0, 0.6)})
    dmg = motor(electro.study(baseline, snap), "left", "median")
    assert dmg.duration_ms[1] > healthy.duration_ms[1]
    area_fall = 1.0 - dmg.area[1] / healthy.area[1]
    amp_fall = 1.0 - dmg.amplitude[1] / healthy.amplitude[1]
    assert 0.0 < area_fall < amp_fall
    assert healthy.cv_m_per_s[1] > dmg.cv_m_per_s[1] > 0.75 * healthy.cv_m_per_s[1]


def test_worked_example_ulnar_definite(baseline):
    """CLINICAL.md: ulnar 10 -> 9.5 -> 9.3 -> 3.0 mV, area -70% across the upper arm."""
    snap = snapshot({("left", "ulnar", "upper arm"): (0.68, 0.0, 0.68)})
    df = electro.study(baseline, snap)
    ulnar = motor(df, "left", "ulnar")
    axilla = ulnar.index[ulnar.stim_site == "axilla"][0]
    assert 62.0 <= ulnar.block_pct[axilla] <= 78.0
    widening = ulnar.duration_ms[axilla] / ulnar.duration_ms[axilla - 1] - 1.0
    assert 0.05 <= widening <= 0.20
    assert 0.2 <= ulnar.amplitude[axilla] / ulnar.amplitude[0] <= 0.4
    assert ulnar.amplitude[0] >= ANATOMY.nerve_by_name["ulnar"].lln_mv
    assert ulnar.grade[axilla] == "definite"
    assert set(ulnar.grade.drop(axilla)) <= {"", "none"}
    sens = df[(df.kind == "sensory") & (df.side == "left") & (df.nerve == "ulnar")]
    assert (sens.amplitude >= ANATOMY.sensory_by_name["ulnar"].lln_uv).all()
    summary = electro.summarize(df)
    assert summary.definite == (("left", "ulnar", "upper arm"),)
    assert summary.level == "definite"


# ------------------------------------------------------------------------------------------
# Waveforms
# ------------------------------------------------------------------------------------------


def test_cmap_waveform_peak_area_and_onset():
    t, mv = electro.cmap_waveform(8.0, 3.5, 6.0)
    assert 300 <= len(t) <= 600 and t[0] == 0.0 and t[-1] >= 30.0
    assert mv.max() == pytest.approx(8.0, rel=0.02)
    assert np.all(mv[t < 3.5] == 0.0)
    neg_area = np.trapezoid(np.clip(mv, 0.0, None), t)
    assert neg_area == pytest.approx(2.0 / math.pi * 8.0 * 6.0, rel=0.05)
    assert mv.min() < 0.0  # biphasic
    _, flat = electro.cmap_waveform(0.0, math.nan, math.nan)
    assert not flat.any()


def test_snap_waveform():
    t, uv = electro.snap_waveform(30.0, 2.5, 1.5)
    assert uv.max() == pytest.approx(30.0, rel=0.03)
    assert np.all(uv[t < 2.5] == 0.0)


@pytest.mark.parametrize(("nerve", "side"), [("ulnar", "left"), ("peroneal", "right")])
def test_study_waveforms_match_table(baseline, nerve, side):
    snap = snapshot({("left", "ulnar", "upper arm"): (0.6, 0.1, 0.7)})
    rows = motor(electro.study(baseline, snap), side, nerve)
    waves = electro.study_waveforms(baseline, snap, nerve, side)
    assert list(waves) == list(ANATOMY.nerve_by_name[nerve].points)
    for (point, (t, mv)), row in zip(waves.items(), rows.itertuples(), strict=True):
        assert row.stim_site == point
        assert t[-1] > row.latency_ms + 2.0 * row.duration_ms
        assert mv.max() == pytest.approx(row.amplitude, rel=0.03)
        assert np.all(mv[t < row.latency_ms] == 0.0)
        area = np.trapezoid(np.clip(mv, 0.0, None), t)
        assert area == pytest.approx(row.area, rel=0.08)


# ------------------------------------------------------------------------------------------
# Summary
# ------------------------------------------------------------------------------------------


def test_summarize_levels(baseline):
    definite = electro.summarize(electro.study(baseline, snapshot({
        ("right", "median", "upper arm"): (0.8, 0.0, 0.5),
    })))
    assert definite.level == "definite" and definite.n_definite_nerves == 1
    assert definite.sensory_normal and definite.sensory_tested == 8
    assert any("Definite conduction block" in line for line in definite.lines())

    two_probable = {
        ("left", "ulnar", "forearm"): (0.40, 0.0, 0.40),
        ("left", "median", "forearm"): (0.40, 0.0, 0.40),
    }
    df = electro.study(baseline, snapshot(two_probable))
    prob = electro.summarize(df)
    assert prob.n_definite_nerves == 0 and prob.n_probable_nerves == 2
    assert prob.level == "probable"

    one = electro.study(baseline, snapshot({("left", "ulnar", "forearm"): (0.40, 0.0, 0.40)}))
    assert electro.summarize(one).level == "none"
    assert electro.summarize(one, supportive_findings=2).level == "probable"

    none = electro.summarize(electro.study(baseline, snapshot()))
    assert none.level == "none" and not none.definite and not none.probable
    assert isinstance(none.lines(), list) and all(isinstance(x, str) for x in none.lines())


def test_summarize_requires_normal_sensory(baseline):
    df = electro.study(baseline, snapshot({("right", "median", "upper arm"): (0.8, 0.0, 0.5)}))
    bad = df.copy()
    bad.loc[(bad.kind == "sensory") & (bad.nerve == "sural"), "amplitude"] = 1.0
    summary = electro.summarize(bad)
    assert not summary.sensory_normal
    assert summary.level == "none"
    assert electro.summarize(df[df.kind == "motor"]).level == "none"  # sensory untested


def test_most_blocked_nerve_picks_the_probeable_segment_with_most_block():
    from sim.electro import most_blocked_nerve

    zeros = np.zeros(ANATOMY.n_sites)
    assert most_blocked_nerve(SiteSnapshot(0.0, zeros, zeros, zeros)) == ("left", "median")
    block = zeros.copy()
    block[ANATOMY.site_index[("right", "ulnar", "upper arm")]] = 0.6
    block[ANATOMY.site_index[("left", "radial", "forearm-EIP")]] = 0.9  # distal: not probeable
    block[ANATOMY.site_index[("left", "peroneal", "thigh")]] = 0.9  # beyond the last point
    assert most_blocked_nerve(SiteSnapshot(0.0, block, zeros, block)) == ("right", "ulnar")
