"""Virtual trials: design validation, the tests against scipy, the pool, power, reproducibility,
the Hahn 2013 preset, the figures and the ``mmn-sim trial`` command."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim import DISCLAIMER
from sim.cli import main
from sim.clinical import wear_off_pct
from sim.engine import run_patient
from sim.figures import trial as TF
from sim.inputs import resolve
from sim.trial import TrialError, load_design, loads_design, parse_design
from sim.trial import analysis as A
from sim.trial import pool as P
from sim.trial.export import design_toml
from sim.trial.pool import Pool, PoolCache, simulate_pool
from sim.trial.trials import endpoint_values, pool_for, power_curve, simulate_trials

IVIG = {"kind": "ivig", "start_day": 0, "dose_g_per_kg": 1.0, "infusion_days": 2,
        "every_days": 28}
SMALL = """
[trial]
name = "small"
design = "parallel"
n = 4
period_weeks = 4
endpoint = "grip_change_kg"
pool_factor = 2

[population]
baseline_week = 52

[[arm]]
name = "IVIg"
[[arm.treatment]]
kind = "ivig"
start_day = 0
dose_g_per_kg = 2.0
infusion_days = 5

[[arm]]
name = "placebo"
"""


def _design(**trial):
    data = {"trial": {"design": "parallel", "n": 10, **trial},
            "population": {"baseline_week": 52},
            "arm": [{"name": "IVIg", "treatment": [IVIG]}, {"name": "placebo"}]}
    return parse_design(data, source="t.toml")


# --- design validation ------------------------------------------------------------------------
@pytest.mark.parametrize("change, words", [
    ({"trial": {"n": 2}}, ["trial.n", "4", "400"]),
    ({"trial": {"design": "crossover"}, "arms": 3}, ["crossover", "2 arms"]),
    ({"trial": {"control": "nobody"}}, ["trial.control", "IVIg", "placebo"]),
    ({"trial": {"endpoint": "survival"}}, ["trial.endpoint"]),
    ({"trial": {"period_weeks": 2}, "late": True}, ["start_day", "period"]),
    ({"population": {"baseline_week": 52, "inclusion": "ivig_dependent"}},
     ["ivig_dependent", "population.treatment"]),
    ({"population": {"baseline_week": 52, "colour": 1}}, ["colour", "population"]),
    ({"bad_kind": True}, ["kind"]),
])
def test_a_bad_design_is_one_sentence_naming_the_field(change, words):
    arms = [{"name": "IVIg", "treatment": [dict(IVIG, start_day=20 if change.get("late")
                                                else 0)]},
            {"name": "placebo"}]
    if change.get("arms") == 3:
        arms.append({"name": "SCIg", "treatment": [{"kind": "scig", "every_days": 7}]})
    if change.get("bad_kind"):
        arms[0]["treatment"] = [{"kind": "aspirin"}]
    data = {"trial": {"n": 10, **change.get("trial", {})},
            "population": change.get("population", {"baseline_week": 52}), "arm": arms}
    with pytest.raises(TrialError) as err:
        parse_design(data, source="t.toml")
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith("t.toml")
    for w in words:
        assert w in msg, msg


def test_a_design_needs_two_arms_with_their_own_names():
    with pytest.raises(TrialError, match="arm"):
        parse_design({"arm": [{"name": "only"}]}, source="t")
    with pytest.raises(TrialError, match="own name"):
        parse_design({"arm": [{"name": "a"}, {"name": "a"}]}, source="t")


def test_unknown_preset_and_missing_file_are_one_sentence(tmp_path):
    with pytest.raises(TrialError, match="hahn-2013"):
        load_design("no-such-trial")
    with pytest.raises(TrialError, match="no such"):
        load_design(tmp_path / "missing.toml")


def test_the_design_round_trips_through_toml():
    d = load_design("hahn-2013")
    assert loads_design(design_toml(d)) == d


def test_hahn_courses_withhold_the_dose_due_on_the_baseline_day():
    d = load_design("hahn-2013")
    assert d.population.baseline_day == 2905 and d.end_day == 2905 + 3 * 84
    first, second = (d.course_scenario(c, 0).treatment for c in range(2))
    assert first[1].until_day == second[1].until_day == 2904  # run-in stops before baseline
    # IVIg (own regimen), 12 weeks of open-label IVIg, then placebo
    assert [(t.start_day, t.until_day) for t in first[2:]] == [(2905, 2988), (2989, 3072)]
    # placebo, open-label IVIg, then IVIg (own regimen)
    assert [(t.start_day, t.until_day) for t in second[2:]] == [(2989, 3072), (3073, 3156)]
    assert d.courses == [(0, 1), (1, 0)] and d.control_index == 1
    # every regimen of the ladder has a dose due on the baseline day
    assert all((2905 - 2149) % r.every_days == 0 for r in d.population.regimens)


def test_a_ladder_regimen_replaces_the_maintenance_in_the_run_in_and_the_ivig_arm():
    d = load_design("hahn-2013")
    t = d.course_scenario(0, 3).treatment
    assert [(x.every_days, x.dose_g_per_kg) for x in t[1:]] == [(14, 1.2)] * 3
    assert t[0].dose_g_per_kg == 2.0 and t[0].every_days is None  # the loading course stays


@pytest.mark.parametrize("change, words", [
    ({"arm": [{"name": "IVIg", "own_regimen": True}, {"name": "placebo"}], "population": {}},
     "need a repeating run-in entry"),
    ({"trial": {"design": "parallel", "washout_treatment": "own_regimen"}},
     "washout_treatment needs a crossover"),
    ({"population": {"regimens": [{"every_days": 3, "dose_g_per_kg": 1.0}]}},
     "population.regimens.0.every_days"),
])
def test_titration_and_own_regimen_mistakes_are_one_sentence(change, words):
    data = load_design("hahn-2013").to_dict()
    for section, value in change.items():
        if section == "population" and not value:
            data["population"] = {"baseline_week": 104}
        elif isinstance(value, dict):
            data[section].update(value)
        else:
            data[section] = value
    with pytest.raises(TrialError, match=words):
        parse_design(data, source="t")


def test_each_patient_keeps_the_first_regimen_that_stops_the_wearing_off():
    """The clinic's titration: on the chosen regimen the weaker hand wears off by less than
    wear_off_pct before baseline, on every earlier one by more (unless it is the last)."""
    d = load_design("hahn-2013")
    pop, base = d.population, d.population.baseline_day
    ladder = [[resolve(d.course_scenario(0, r))] for r in range(len(pop.regimens))]
    seen = set()
    for i in range(8):
        chosen, _ = P._titrated(d, ladder, 5, i)
        seen.add(chosen)
        for r in range(chosen + 1):
            pr = run_patient(ladder[r][0], 5, i)
            hand = int(np.argmin(P._grip_both(pr, base)))
            worn = wear_off_pct(pr.days, P._grip_records(pr)[:, hand], base,
                                pop.regimens[r].every_days)
            assert (worn < pop.wear_off_pct) == (r == chosen) or r == len(pop.regimens) - 1
    assert len(seen) >= 2  # the ladder is used: not every patient stays on the first regimen


def test_wear_off_is_the_median_peak_to_trough_drop_of_the_last_cycles():
    days = np.arange(0, 57, 7.0)  # weekly records, a dose every 28 days, baseline day 56
    grip = np.array([10, 20, 15, 12, 10, 20, 18, 16, 10.0])
    # cycles [0, 28]: peak 20 then trough 10 -> 50%; [28, 56]: 20 then 10 -> 50%
    assert wear_off_pct(days, grip, 56, 28, cycles=2) == pytest.approx(50)
    flat = np.full(9, 20.0)
    assert wear_off_pct(days, flat, 56, 28) == 0


# --- the statistics against scipy -------------------------------------------------------------
def test_welch_and_paired_match_scipy_trial_by_trial():
    rng = np.random.default_rng(3)
    a, b = rng.normal(2, 3, (50, 12)), rng.normal(0, 1, (50, 12))
    est, p = A.welch(a, b)
    for r in range(50):
        assert est[r] == pytest.approx(a[r].mean() - b[r].mean())
        assert p[r] == pytest.approx(stats.ttest_ind(a[r], b[r], equal_var=False).pvalue)
    est, p = A.paired(a, b)
    for r in range(50):
        assert p[r] == pytest.approx(stats.ttest_rel(a[r], b[r]).pvalue)
        assert est[r] == pytest.approx((a[r] - b[r]).mean())


def test_logrank_matches_scipy_on_weekly_censored_times():
    rng = np.random.default_rng(5)
    R, n, weeks = 40, 15, 12
    t1 = np.minimum(rng.geometric(0.04, (R, n)), weeks)
    t2 = np.minimum(rng.geometric(0.12, (R, n)), weeks)
    e1 = ((t1 < weeks) | (rng.random((R, n)) < 0.3)).astype(int)
    e2 = ((t2 < weeks) | (rng.random((R, n)) < 0.3)).astype(int)
    hr, p = A.logrank(t1, e1, t2, e2)
    for r in range(R):
        x = stats.CensoredData(uncensored=t1[r][e1[r] == 1], right=t1[r][e1[r] == 0])
        y = stats.CensoredData(uncensored=t2[r][e2[r] == 1], right=t2[r][e2[r] == 0])
        assert p[r] == pytest.approx(stats.logrank(x, y).pvalue, rel=1e-9, abs=1e-12)
    assert np.median(hr) < 1  # the first group is rescued less often


def test_fisher_and_mcnemar_on_known_tables():
    t = np.array([[1] * 8 + [0] * 2])
    c = np.array([[1] * 2 + [0] * 8])
    est, p = A.fisher(t.astype(bool), c.astype(bool))
    assert est[0] == pytest.approx(60.0)
    assert p[0] == pytest.approx(stats.fisher_exact([[8, 2], [2, 8]]).pvalue)
    est, p = A.mcnemar(t.astype(bool), c.astype(bool))  # 6 discordant pairs, all one way
    assert p[0] == pytest.approx(2 * 0.5**6)


# --- trials drawn from a synthetic pool: power behaves --------------------------------------
def _fake_pool(design, size, effect_kg, sd=2.0, seed=0):
    """A pool whose arm 0 gains ``effect_kg`` grip over arm 1 (known truth)."""
    rng = np.random.default_rng(seed)
    courses, periods, weeks = len(design.courses), design.periods, design.trial.period_weeks
    grip = np.full((size, courses, periods, weeks + 1), 20.0)
    gain = rng.normal(0, sd, (size, courses, periods))
    for c, plan in enumerate(design.courses):
        for p, arm in enumerate(plan):
            grip[:, c, p, -1] += gain[:, c, p] + (effect_kg if arm == 0 else 0.0)
    mrc = np.full(grip.shape, 190, dtype=np.int16)
    return Pool(seed=1, index=np.arange(size), screened=size, grip=grip, mrc=mrc,
                hand=np.zeros(size, np.int8), benefit=np.full(size, np.nan),
                task_lost=np.zeros(grip.shape, bool),
                traits={"sex": np.array(["male"] * size), "age_at_onset": np.full(size, 40.0),
                        "anti_gm1": np.ones(size, bool), "baseline_grip_kg": np.full(size, 45.0)})


@pytest.mark.parametrize("kind", ["parallel", "crossover"])
def test_power_is_alpha_without_effect_and_grows_with_n(kind):
    d = _design(design=kind, endpoint="grip_change_kg", n=10)
    null = simulate_trials(d, 2000, 1, pool=_fake_pool(d, 400, 0.0))
    # the false-positive rate is alpha (give or take the Monte Carlo error and the pool's own
    # small chance imbalance)
    assert 0.03 < null.power["IVIg vs placebo"] < 0.08
    curve = power_curve(d, [4, 8, 16, 32, 64], 400, 1, pool=_fake_pool(d, 400, 1.5))
    p = curve["power"].to_numpy()
    assert np.all(np.diff(p) > -0.05) and p[-1] > p[0] + 0.5
    res = simulate_trials(d, 400, 1, pool=_fake_pool(d, 400, 1.5))
    assert res.pool_effect["IVIg vs placebo"] == pytest.approx(1.5, abs=0.3)
    assert res.trials["estimate"].median() == pytest.approx(1.5, abs=0.5)


def test_each_trial_draws_distinct_patients_and_the_seed_decides():
    from sim.trial.trials import draw_trials

    d = _design(n=10)
    rows, course = draw_trials(d, 80, 50, 7)
    assert rows.shape == (50, 20) and list(np.bincount(course)) == [10, 10]
    assert all(len(set(r)) == 20 for r in rows.tolist())
    assert np.array_equal(rows, draw_trials(d, 80, 50, 7)[0])
    assert not np.array_equal(rows, draw_trials(d, 80, 50, 8)[0])
    with pytest.raises(TrialError, match="pool"):
        draw_trials(d, 15, 5, 1)


def test_time_to_rescue_and_responder_endpoints_read_the_weekly_grip():
    d = _design(endpoint="time_to_rescue", period_weeks=4, rescue_pct=-20)
    pool = _fake_pool(d, 3, 0.0)
    pool.grip[0, 0, 0] = [20, 19, 15, 14, 14]  # -25% at week 2
    pool.grip[1, 0, 0] = [20, 20, 20, 20, 20]  # never
    out = endpoint_values(d, pool)
    assert (out.time[0, 0, 0], out.event[0, 0, 0]) == (2, 1)
    assert (out.time[1, 0, 0], out.event[1, 0, 0]) == (4, 0)
    pool.grip[2, 0, 0] = [20, 20, 20, 20, 22.5]  # +2.5 kg: an objective response
    assert endpoint_values(d.with_changes(endpoint="responder"), pool).value[2, 0, 0]


def test_hahns_switch_rule_counts_a_lost_task_and_reads_the_endpoint_at_the_switch():
    """Hahn 2013: switch on a >= 50% grip decline or a lost daily task; the grip endpoint is
    the last value before the switch."""
    d = _design(endpoint="grip_change_pct", period_weeks=4, rescue_pct=-50)
    pool = _fake_pool(d, 3, 0.0)
    pool.grip[0, 0, 0] = [20, 18, 9, 12, 16]  # -55% at week 2, then partly back
    pool.grip[1, 0, 0] = [20, 19, 18, 17, 16]  # a task lost at week 1, grip -20% at week 4
    pool.grip[2, 0, 0] = [20, 19, 18, 17, 16]
    pool.task_lost[1, 0, 0] = [False, True, True, True, True]
    plain = endpoint_values(d, pool)
    assert plain.value[0, 0, 0] == pytest.approx(-20) and plain.rescued[0, 0, 0]
    assert not plain.rescued[1, 0, 0]  # task losses are ignored unless asked for
    hahn = endpoint_values(d.with_changes(rescue_on_task_loss=True, endpoint_at_rescue=True),
                           pool)
    assert hahn.value[0, 0, 0] == pytest.approx(-55)  # read at the switch, week 2
    assert hahn.rescued[1, 0, 0] and hahn.value[1, 0, 0] == pytest.approx(-5)  # week 1
    assert not hahn.rescued[2, 0, 0] and hahn.value[2, 0, 0] == pytest.approx(-20)


# --- the real pool ------------------------------------------------------------------------
def test_the_pool_extends_and_the_arms_share_each_patient_until_randomisation():
    d = loads_design(SMALL)
    small, big = simulate_pool(d, 3, 5), simulate_pool(d, 6, 5)
    head = big.head(3)
    assert np.array_equal(small.index, head.index) and np.array_equal(small.grip, head.grip)
    assert np.array_equal(big.grip[:, 0, 0, 0], big.grip[:, 1, 0, 0])  # same patient at baseline
    assert (big.grip[:, 0, 0, -1] - big.grip[:, 1, 0, -1]).mean() > 0  # IVIg helps
    cache = PoolCache(2)
    cache.put(d, 5, big)
    hit = cache.get(d.with_changes(n=5, endpoint="mrc_change"), 5, 3)
    assert hit is not None and np.array_equal(hit.grip, small.grip)
    assert cache.get(d, 6, 3) is None and cache.get(d, 5, 7) is None


@pytest.mark.slow
def test_the_pool_does_not_depend_on_worker_processes():
    d = loads_design(SMALL)
    one, two = simulate_pool(d, 30, 2, jobs=1), simulate_pool(d, 30, 2, jobs=2)
    assert np.array_equal(one.index, two.index) and np.array_equal(one.grip, two.grip)
    assert np.array_equal(one.mrc, two.mrc)


@pytest.mark.slow
def test_hahn_2013_preset_has_high_power_measured_the_way_the_trial_measured():
    """Stabilised IVIg-dependent patients, 12 weeks on and off IVIg in random order: the
    weaker hand loses grip off IVIg (Hahn 2013: -31% vs +3.75%) and n = 44 finds it."""
    d = load_design("hahn-2013")
    pool = pool_for(d, 1, jobs=2)
    assert pool.size == 4 * 44
    res = simulate_trials(d, 200, 1, pool=pool)
    comp = "IVIg vs placebo"
    assert res.power[comp] >= 0.9
    assert res.arm_means["placebo"] < -10 and res.pool_effect[comp] > 10
    # withdrawal first (period 1 of the placebo-first order) against continued IVIg
    pct = 100 * (pool.grip[..., -1] / pool.grip[..., 0] - 1)
    assert pct[:, 1, 0].mean() < -10 and abs(pct[:, 0, 0].mean()) < 8
    curve = power_curve(d, [6, 44], 200, 1, pool=pool)
    assert curve["power"].iloc[0] < curve["power"].iloc[1]


# --- figures ----------------------------------------------------------------------------------
def test_effect_histogram_and_power_curve_figures():
    trials = pd.DataFrame({"trial": range(6), "comparison": "A vs B",
                           "estimate": [1.0, 2, 2, 3, 4, -1], "p_value": 0.01,
                           "significant": [True, True, True, True, True, False]})
    t = TF.effect_table(trials, "A vs B", bins=5)
    assert t["significant trials"].sum() == 5 and t["not significant trials"].sum() == 1
    fig = TF.effect_histogram_figure(trials, "A vs B", "kg", pool_effect=2.5)
    assert [tr.type for tr in fig.data] == ["bar", "bar"]
    assert sorted(s["x0"] for s in fig.layout.shapes) == [0.0, 2.5]
    ratio = TF.effect_histogram_figure(trials, "A vs B", "hazard ratio", 0.5, no_effect=1.0)
    assert sorted(s["x0"] for s in ratio.layout.shapes) == [0.5, 1.0]
    curve = pd.DataFrame({"n": [4, 8, 4, 8], "comparison": ["A", "A", "B", "B"],
                          "power": [0.2, 0.5, 0.1, 0.3], "power_low": [0.1, 0.4, 0.05, 0.2],
                          "power_high": [0.3, 0.6, 0.2, 0.4]})
    fig = TF.power_curve_figure(curve, n_design=8)
    assert [tr.name for tr in fig.data] == ["A", "B"]
    assert list(fig.data[0].y) == [0.2, 0.5]
    assert len(TF.power_curve_table(curve)) == 4


# --- the command line ---------------------------------------------------------------------------
def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("args, words", [
    (["--R", "0"], ["--R", "1 to"]),
    (["--R", "many"], ["--R"]),
    (["--seed", "-3"], ["--seed"]),
    (["--curve", "1,x"], ["--curve"]),
    (["--n", "1000"], ["--n"]),
])
def test_bad_trial_flags_exit_2_with_one_sentence(args, words, tmp_path, capsys):
    assert main(["trial", "hahn-2013", *args, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and all(w in err for w in words), err
    assert not (tmp_path / "o").exists()


def test_bad_design_and_unknown_preset_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(SMALL.replace('design = "parallel"', 'design = "crossover"')
                   + '\n[[arm]]\nname = "third"\n')
    assert main(["trial", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "crossover needs exactly 2 arms" in capsys.readouterr().err
    assert main(["trial", "nope", "--out", str(tmp_path / "o")]) == 2
    assert "unknown trial preset" in capsys.readouterr().err
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("keep")
    assert main(["trial", "hahn-2013", "--out", str(tmp_path / "full")]) == 2
    assert (tmp_path / "full" / "x.txt").read_text() == "keep"


def test_trial_command_writes_reproducible_files_with_a_manifest(tmp_path, capsys):
    design = tmp_path / "small.toml"
    design.write_text(SMALL)
    outs = []
    for k in range(2):
        out = tmp_path / f"o{k}"
        assert main(["trial", str(design), "--R", "50", "--seed", "4", "--jobs", "1",
                     "--curve", "4,6", "--out", str(out), "--quiet"]) == 0
        outs.append(out)
    assert capsys.readouterr().out == ""
    man = json.loads((outs[0] / "manifest.json").read_text())
    assert man["disclaimer"] == DISCLAIMER and man["R"] == 50 and man["seed"] == 4
    # twice the largest trial of the curve (n = 6 per arm), above pool_factor x one trial
    assert man["pool"]["size"] == 24 and man["pool"]["times_one_trial"] == 3.0
    for name, entry in man["files"].items():
        assert _sha(outs[0] / entry["file"]) == entry["sha256"], name
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    assert DISCLAIMER in (outs[0] / "README.txt").read_text()
    trials = pd.read_csv(outs[0] / "trials.csv")
    assert len(trials) == 50 and set(trials["comparison"]) == {"IVIg vs placebo"}
    assert list(pd.read_csv(outs[0] / "power_curve.csv")["n"]) == [4, 6]
    assert loads_design((outs[0] / "design.toml").read_text()) == loads_design(SMALL)


def test_the_trial_progress_bar_says_how_long_is_left():
    import io

    from sim.cli_trial import EtaProgress

    now = [0.0]
    stream = io.StringIO()
    bar = EtaProgress(10, "trial", stream=stream, clock=lambda: now[0], delay=0.0)
    now[0] = 4.0
    bar.advance(4)  # 4 of 10 in 4 s: about 6 s left
    bar.close()
    assert "4/10" in stream.getvalue() and "about 6s left" in stream.getvalue()


def test_grip_measurement_error_is_seeded_per_patient_and_costs_power():
    from sim.trial.trials import measured_grip

    d = _design(endpoint="grip_change_kg", n=10, grip_sd_kg=2.0)
    pool = _fake_pool(d, 400, 1.5)
    g = measured_grip(d, pool)
    assert np.array_equal(g, measured_grip(d, pool))  # reproducible
    head = pool.head(50)
    assert np.array_equal(measured_grip(d, head), g[:50])  # patient i keeps their errors
    err = g - pool.grip
    assert err.std() == pytest.approx(2.0, rel=0.05) and abs(err.mean()) < 0.05
    exact = simulate_trials(d.with_changes(grip_sd_kg=0.0), 400, 1, pool=pool)
    noisy = simulate_trials(d, 400, 1, pool=pool)
    assert noisy.power["IVIg vs placebo"] < exact.power["IVIg vs placebo"] - 0.1
