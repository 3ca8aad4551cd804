"""The Trial designer page through AppTest: it renders, refuses bad designs in the page, runs
trials with a progress bar and shows power, the effect histogram and the power curve."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import sim
from app_pages import state
from app_pages.pages import PAGES
from tests.apptest_support import (
    clear_cache,  # noqa: F401 (autouse fixture)
    new_app,
)

PAGE = next(p.path for p in PAGES if p.url == "trial-designer")


def _open() -> AppTest:
    at = new_app()
    at.run()
    at.switch_page(PAGE).run()
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert any(sim.DISCLAIMER in c.value for c in at.caption)


def _power(at: AppTest) -> float:
    metric = next(m for m in at.metric if m.label.startswith("Power"))
    return float(metric.value.rstrip("%")) / 100


def test_page_renders_and_waits_for_a_run():
    at = _open()
    _ok(at)
    assert any("Run the trials" in i.value for i in at.info)
    assert not at.get("plotly_chart")


@pytest.mark.parametrize("arms, design, words", [
    (["IVIg 1 g/kg every 4 weeks"], "parallel", "at least two arms"),
    (["IVIg 1 g/kg every 4 weeks", "SCIg 0.25 g/kg weekly", "Placebo (withdrawal if on IVIg)"],
     "crossover", "crossover needs exactly 2 arms"),
])
def test_a_bad_design_is_a_message_in_the_page(arms, design, words):
    at = _open()
    at.multiselect(key=state.key("trial_arms")).set_value(arms)
    at.radio(key=state.key("trial_design")).set_value(design).run()
    _ok(at)
    assert any(words in e.value for e in at.error), [e.value for e in at.error]


def test_a_small_parallel_trial_runs_and_shows_power_histogram_and_curve():
    at = _open()
    at.radio(key=state.key("trial_population_label")).set_value(
        "Untreated, two years after onset")
    at.multiselect(key=state.key("trial_arms")).set_value(
        ["Complement inhibitor (hypothetical)", "Placebo (withdrawal if on IVIg)"])
    at.radio(key=state.key("trial_design")).set_value("parallel")
    at.selectbox(key=state.key("trial_endpoint")).set_value("grip_change_kg")
    at.slider(key=state.key("trial_n")).set_value(4)
    at.slider(key=state.key("trial_period")).set_value(4)
    at.select_slider(key=state.key("trial_R")).set_value(100).run()
    at.button(key=state.key("trial_run")).click().run(timeout=300)
    _ok(at)
    assert 0.0 <= _power(at) <= 1.0
    assert any("100 trials of n = 4 (parallel)" in c.value for c in at.caption)
    assert any("Significance level α = 0.05, two-sided" in c.value for c in at.caption)
    assert not at.sidebar.number_input and not at.sidebar.slider  # no patient controls
    charts = at.get("plotly_chart")
    assert len(charts) == 2  # the effect histogram and the power curve
    assert sum(t.label.startswith("Data table:") for t in at.toggle) == 2
    # another endpoint reuses the pool: the result is marked stale until run again
    at.selectbox(key=state.key("trial_endpoint")).set_value("mrc_change").run()
    assert any("changed since" in w.value for w in at.warning)
    at.button(key=state.key("trial_run")).click().run(timeout=300)
    _ok(at)
    assert not any("changed since" in w.value for w in at.warning)


@pytest.mark.slow
def test_hahn_2013_in_one_click_shows_high_power():
    at = _open()
    at.button(key=state.key("trial_hahn")).click().run(timeout=600)
    _ok(at)
    assert at.slider(key=state.key("trial_n")).value == 44
    assert at.radio(key=state.key("trial_design")).value == "crossover"
    assert _power(at) >= 0.9
    assert any("500 trials of n = 44 (crossover)" in c.value for c in at.caption)
