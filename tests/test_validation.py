"""The validation report (sim.validation, ``mmn-sim validate``): colours, catalogue, a small run.

The small run checks the machinery (every target yields a value or a reason, files written,
disclaimer present), not the model's calibration: at n = 20 the intervals are wide.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from sim import DISCLAIMER
from sim.cli import main
from sim.dask_cluster import machine_cores
from sim.validation import (
    COHORTS,
    GROUPS,
    REFERENCE,
    STATUSES,
    TARGETS,
    Measurement,
    Report,
    load,
    render,
    report,
    status,
)
from sim.validation.dose import cycle_swing
from sim.validation.other import losses
from sim.validation.population import asymmetric
from sim.validation.stats import bootstrap, spearman, wilson
from sim.validation.targets import AMBER, GREEN, NOT_MEASURED, RED, WORKING, Target
from sim.validation.traces import Cohorts, Trace


def _target(point=None, low=None, high=None, **kw) -> Target:
    return Target("t.x", GROUPS[0], "x", "Someone 2000", point, low, high, "kg", (), "how",
                  **kw)


# --- colours from hand-made values -------------------------------------------------------------
def test_status_is_green_near_the_point_amber_in_range_red_outside():
    t = _target(10, 8, 12)
    assert status(t, 10.9) == GREEN  # within 10% of 10
    assert status(t, 11.5) == AMBER  # in range, 15% off
    assert status(t, 8.0) == AMBER
    assert status(t, 12.01) == RED
    assert status(t, 7.9) == RED
    assert status(t, None) == NOT_MEASURED
    assert status(t, None, failed=True) == RED
    assert status(t, 10.0, failed=True) == RED


def test_status_without_point_open_bounds_strict_and_binary():
    assert status(_target(None, 90, 100), 95) == GREEN
    assert status(_target(None, 90, 100), 89.9) == RED
    assert status(_target(None, 3, None), 250) == GREEN
    assert status(_target(None, None, -1), -0.5) == RED
    strict = _target(None, 1, None, strict=True)
    assert status(strict, 1.0) == RED and status(strict, 1.01) == GREEN
    zero = _target(0, 0, 2)
    assert status(zero, 0.0) == GREEN and status(zero, 1.0) == AMBER
    binary = _target(binary=True)
    assert status(binary, 1.0) == GREEN and status(binary, 0.0) == RED


def test_range_text_reads_like_the_literature():
    assert _target(72, 70, 75).range_text == "72 kg (70 to 75 kg)"
    assert _target(None, 1, None, strict=True).range_text == "> 1 kg"
    assert _target(None, None, -1, approx=True).range_text == "≤ -1 kg (approx.)"
    assert _target(100, 100, 100).range_text == "100 kg"
    assert _target(binary=True).range_text == "holds"
    assert _target(binary=True, approx=True).range_text == "holds (approx.)"


# --- the catalogue --------------------------------------------------------------------------------
def test_catalogue_has_every_target_once_with_source_range_and_cohort():
    ids = [t.id for t in TARGETS]
    assert len(ids) >= 25 and len(set(ids)) == len(ids)
    for t in TARGETS:
        assert t.group in GROUPS and t.source and t.how
        assert t.binary or t.low is not None or t.high is not None, t.id
        assert t.group in report.THEMES, t.id
        assert all(c in COHORTS for c in t.cohorts), t.id
        if t.point is not None:
            assert t.inside(t.point), t.id
    used = {c for t in TARGETS for c in t.cohorts}
    assert used == set(COHORTS)  # the report's cohort table lists what every target reads


def test_every_target_says_where_its_range_comes_from():
    """A published target quotes the number as its source reports it; the rest are marked
    working values, so the report never shows our numbers as the literature's."""
    for t in TARGETS:
        assert t.quote.strip() or t.approx, t.id
        if not t.approx:
            assert t.quote.strip(), t.id
            assert re.search(r"\d", t.quote), t.id  # the published number itself
        else:
            assert t.range_text.endswith("(approx.)"), t.id


def test_every_reference_cohort_is_a_valid_scenario():
    for ref in COHORTS.values():
        sc = ref.scenario()
        assert sc.days > 0
        assert ref.describe(300, 1)
    assert COHORTS["population"].size(300) == 1200
    assert COHORTS["dose-creep"].size(300) == 20


# --- statistics and measurement helpers -----------------------------------------------------------
def test_wilson_interval_brackets_the_share():
    lo, hi = wilson(10, 20)
    assert lo < 50 < hi and abs((50 - lo) - (hi - 50)) < 1e-6
    assert wilson(0, 20)[0] == 0 and 0 < wilson(0, 20)[1] < 20
    assert wilson(20, 20)[1] == 100


def test_spearman_and_bootstrap():
    x = np.arange(30.0)
    assert spearman(x, x**3) == pytest.approx(1.0)
    assert spearman(x, -x) == pytest.approx(-1.0)
    assert np.isnan(spearman(x, np.ones(30)))
    assert spearman(np.array([1, 1, 2, 3.0]), np.array([1, 2, 3, 4.0])) > 0.9
    a = bootstrap(np.mean, x, key="k")
    assert a == bootstrap(np.mean, x, key="k")  # fixed seed per target
    assert a[0] < x.mean() < a[1]


def _trace(days, grip) -> Trace:
    from sim.patient import Patient

    p = Patient("male", 40, 80, "right", True, 5, 1, 0.8, 45, 0.8, 0.8)
    n = len(days)
    return Trace(0, 1, p, np.asarray(days, float), np.asarray(grip, np.float32),
                 np.zeros(n, np.int16), np.zeros(n, np.float32), {}, [], 0)


def _cidp_pair(index: int, gain_exchange: int, gain_sham: int) -> tuple[Trace, Trace]:
    from sim.validation.cidp import BASE, START

    days = [BASE, START + 21.0]
    pair = []
    for gain in (gain_exchange, gain_sham):
        t = _trace(days, [[30, 30], [30, 30]])
        t.index = index
        t.mrc = np.array([150, 150 + gain], np.int16)
        t.disability = np.array([3, 3], np.int8)
        pair.append(t)
    return pair[0], pair[1]


class _Paired:
    def __init__(self, pairs):
        self.pairs = pairs

    def paired(self, a, b):
        return self.pairs


@pytest.mark.parametrize("n", [300, 3000])
def test_dyck_sham_bar_is_a_14_patient_arm_whatever_the_cohort_size(n):
    """An exchange that does nothing beats all 14 sham patients about 1 time in 15 (Dyck
    1986's arm), however many untreated patients the model draws; the largest gain of the
    whole cohort as the bar would give 0 and fall with n."""
    from sim.validation.cidp import _beyond_sham

    null = _beyond_sham(_Paired([_cidp_pair(i, i, i) for i in range(n)]))
    assert null.n == n and abs(null.value - 100 / 15) < 100 / 15 * 0.1
    better = _beyond_sham(_Paired([_cidp_pair(i, 10, i % 5) for i in range(n)]))
    assert better.value == 100.0
    assert null.ci[0] < null.value < null.ci[1]


def test_cycle_swing_is_peak_to_following_trough():
    days = np.arange(700, 1130, 1.0)
    phase = (days - 756) % 28
    grip = 20 + 2 * np.exp(-((phase - 14) / 5) ** 2)  # peak 22 kg mid-cycle, 20 kg at the ends
    t = _trace(days, np.stack([grip, grip + 10], axis=1))
    starts = [756.0 + 28 * k for k in range(14)]
    assert cycle_swing(t, 0, starts) == pytest.approx(100 * 2 / 22, rel=0.01)
    flat = _trace(days, np.full((days.size, 2), 20.0))
    assert cycle_swing(flat, 0, starts) == 0


def test_asymmetry_follows_the_efns_pns_rule():
    from sim.anatomy import ANATOMY

    left, right = ANATOMY.muscle_index[("left", "APB")], ANATOMY.muscle_index[("right", "APB")]

    def grades(lg: int, rg: int) -> np.ndarray:
        g = np.full(ANATOMY.n_muscles, 5)
        g[left], g[right] = lg, rg
        return g

    assert not asymmetric(grades(5, 5))
    assert asymmetric(grades(4, 5))  # weaker side above 3: one grade is enough
    assert not asymmetric(grades(3, 4))  # weaker side 3: two grades needed
    assert asymmetric(grades(5, 3))
    assert not asymmetric(grades(2, 3)) and asymmetric(grades(2, 4))


def test_a_lost_arm_task_counts_only_if_held_at_the_withdrawal_baseline():
    from sim.clinical import MILESTONES
    from sim.validation.withdrawal import BASELINE_DAY, END_DAY, lost_arm_task

    arm = next(m.key for m in MILESTONES if m.limb == "arm")
    leg = next(m.key for m in MILESTONES if m.limb == "leg")
    days = np.arange(BASELINE_DAY - 20, END_DAY + 40, 2.0)
    t = _trace(days, np.full((days.size, 2), 20.0))
    able = np.ones((days.size, 2), bool)
    t.status = {arm: able.copy(), leg: able.copy()}
    assert not lost_arm_task(t)
    t.status[leg][days > BASELINE_DAY + 10, 0] = False  # a leg task: not counted
    assert not lost_arm_task(t)
    t.status[arm][days > END_DAY + 10, 1] = False  # after the 12 weeks: not counted
    assert not lost_arm_task(t)
    t.status[arm][:, 1] = days < BASELINE_DAY - 5  # already lost at baseline: not counted
    assert not lost_arm_task(t)
    t.status[arm][(days > BASELINE_DAY + 20) & (days < BASELINE_DAY + 30), 0] = False
    assert lost_arm_task(t)  # lost for a while within the 12 weeks, even if regained


def test_losses_are_true_to_false_turns():
    col = np.array([True, True, False, True, False, False, True])
    assert losses(col).tolist() == [2, 4]


def test_chunking_and_worker_processes_do_not_change_the_patients():
    one, two = Cohorts(20, 3), Cohorts(20, 3)
    one.simulate(["population"], jobs=1)
    two.simulate(["population"], jobs=2)
    a, b = one.get("population"), two.get("population")
    assert [t.index for t in a] == list(range(80)) == [t.index for t in b]
    for x, y in zip(a, b, strict=True):
        assert x.patient == y.patient and np.array_equal(x.grip, y.grip)


def test_a_failing_theme_marks_only_its_own_targets(monkeypatch):
    monkeypatch.setattr(Cohorts, "simulate", lambda self, keys, jobs=1, progress=None: None)

    def boom(data):
        raise RuntimeError("broken on purpose")

    themes = {k: type("T", (), {"measure": staticmethod(lambda data: {})})
              for k in report.THEMES}
    themes["Population"] = type("T", (), {"measure": staticmethod(boom)})
    themes["Antibodies"] = type("T", (), {"measure": staticmethod(
        lambda data: {"gm1.mrc_gap": Measurement(5.0, (4.0, 6.0), 100)})})
    monkeypatch.setattr(report, "THEMES", themes)
    rep = report.evaluate(20, 1)
    by = {r.target.id: r for r in rep.results}
    assert by["gm1.mrc_gap"].status == GREEN
    assert by["pop.male"].status == RED
    assert "broken on purpose" in by["pop.male"].measurement.reason
    assert by["ivig.responders"].status == NOT_MEASURED
    assert sum(rep.counts().values()) == sum(not t.approx for t in TARGETS)
    assert sum(rep.working_counts().values()) == sum(t.approx for t in TARGETS)


def test_working_values_are_listed_apart_and_not_counted():
    results = tuple(report.Result(t, Measurement(None, None, 0, reason="x"), NOT_MEASURED)
                    for t in TARGETS)
    rep = report.Report(results, 10, 1)
    groups = rep.by_group()
    assert all(not r.target.approx for g, rs in groups.items() if g != WORKING for r in rs)
    assert {r.target.id for r in groups[WORKING]} == {t.id for t in TARGETS if t.approx}
    assert "working values" in render.summary_text(rep)


# --- a small run through the command line ---------------------------------------------------------
@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("validation") / "report"
    assert main(["validate", "--n", "20", "--seed", "2", "--out", str(out), "--quiet"]) == 0
    return out


@pytest.mark.slow
def test_small_run_gives_every_target_a_value_or_a_reason(small):
    data = json.loads((small / "validation.json").read_text(encoding="utf-8"))
    assert data["n"] == 20 and data["seed"] == 2 and data["disclaimer"] == DISCLAIMER
    assert {r["id"] for r in data["results"]} == {t.id for t in TARGETS}
    catalogue = {t.id: t for t in TARGETS}
    for r in data["results"]:
        assert r["value"] is not None or r["reason"], r["id"]
        assert not r["reason"].startswith("measurement failed"), (r["id"], r["reason"])
        assert r["status"] == status(catalogue[r["id"]], r["value"], r["failed"]), r["id"]
        if r["value"] is not None and r["ci"] is not None:
            assert r["ci"][0] <= r["ci"][1]
    assert sum(data["counts"].values()) + sum(data["working_counts"].values()) == len(TARGETS)
    assert data["provenance"]["model_fingerprint"] and data["provenance"]["package_version"]
    back = Report.from_dict(data)
    assert back.to_dict() == data


@pytest.mark.slow
def test_small_run_writes_three_files_with_the_disclaimer_and_offline_plots(small):
    assert sorted(p.name for p in small.iterdir()) == sorted(report.REPORT_FILES)
    for name in report.REPORT_FILES:
        text = (small / name).read_text(encoding="utf-8")
        assert DISCLAIMER in text, name
        assert name.endswith(".json") or "n = 20 patients" in text, name
    html = (small / "validation.html").read_text(encoding="utf-8")
    assert re.search(r"<script[^>]*\bsrc=", html) is None  # plotly.js inline: works offline
    assert re.search(r"<link[^>]*\bhref=", html) is None and len(html) > 1_000_000
    assert html.count('class="plotly-graph-div"') == 3
    md = (small / "validation.md").read_text(encoding="utf-8")
    for t in TARGETS:
        assert f"`{t.id}`" in md


@pytest.mark.slow
def test_validate_refuses_to_overwrite_without_force(small, capsys):
    before = (small / "validation.json").read_bytes()
    assert main(["validate", "--n", "20", "--out", str(small)]) == 2
    err = capsys.readouterr().err
    assert "--force" in err and err.count("\n") == 1
    assert (small / "validation.json").read_bytes() == before


def test_validate_bad_n_or_out_writes_nothing(tmp_path, capsys):
    out = tmp_path / "never"
    for argv, words in ((["--n", "5"], ("--n", "20 to 5000")),
                        (["--n", "many"], ("--n", "whole number")),
                        (["--jobs", "0"], ("--jobs", f"1 to {machine_cores()}"))):
        assert main(["validate", *argv, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert all(w in err for w in words) and err.count("\n") == 1, err
    assert not out.exists()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("keep me")
    assert main(["validate", "--out", str(tmp_path / "other"), "--force"]) == 2
    assert "validation.json" in capsys.readouterr().err
    assert (tmp_path / "other" / "notes.txt").read_text() == "keep me"


def test_shipped_reference_report_loads_and_says_what_it_is():
    rep = load(REFERENCE)
    data = json.loads(REFERENCE.read_text(encoding="utf-8"))
    assert data["disclaimer"] == DISCLAIMER
    assert rep.n >= 200  # the default size of `make validate`
    assert set(rep.counts()) == set(STATUSES) and rep.results
    assert rep.provenance.get("git_commit") and rep.provenance.get("created_utc")
