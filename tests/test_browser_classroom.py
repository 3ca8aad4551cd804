"""Class mode in a real browser: a lecturer and a student, two Chromium contexts on one server.

The lecturer opens a class; the student joins with the link and predicts; the lecturer's live
count shows the answer without a reload; the lecturer reveals; the student's page shows the
simulation with their prediction marked, again without a reload."""

from __future__ import annotations

import re

import pytest

import sim
from sim.prediction import answer
from tests import test_browser
from tests.test_browser import _start_server, _stop

pytestmark = [pytest.mark.browser, pytest.mark.slow]
browser = test_browser.browser  # the shared Chromium fixture

PRESET = "prednisolone"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("classes")
    proc, url = _start_server(data / "server.log",
                              env={"MMN_SIM_DATA_DIR": str(data), "MMN_SIM_DATABASE_URL": ""})
    try:
        yield url
    finally:
        _stop(proc)


def test_lecturer_and_student_join_predict_count_and_reveal(server, browser, tmp_path):
    title = sim.load_scenario(PRESET).scenario.name
    truth = answer(sim.simulate(sim.load_scenario(PRESET)),
                                  sim.load_scenario(PRESET).teaching.ask).value
    lecturer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    lecturer.goto(f"{server}/class")
    lecturer.get_by_text("Open a class (lecturer)").wait_for(timeout=60000)
    box = lecturer.locator("[data-testid='stMultiSelect'] input")
    box.click()
    box.fill(title)
    box.press("Enter")
    lecturer.keyboard.press("Escape")
    lecturer.get_by_role("button", name="Open the class").click()
    metric = lecturer.locator("[data-testid='stMetric']", has_text="Join code")
    metric.wait_for(timeout=60000)
    code = metric.locator("[data-testid='stMetricValue']").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{6}", code)
    assert "lecturer=" in lecturer.url  # the token is in the lecturer's own link

    student = browser.new_context(viewport={"width": 800, "height": 900}).new_page()
    student.goto(f"{server}/class?class={code}")
    student.get_by_role("textbox", name="Nickname (optional)").fill("Ann")
    student.get_by_role("button", name="Join").click()
    student.get_by_text("You are Ann").wait_for(timeout=30000)
    assert "lecturer" not in student.url
    guess = "higher" if truth != "higher" else "lower"
    student.get_by_text(guess, exact=True).click()
    student.get_by_role("button", name="Submit").click()
    student.get_by_text(f"Saved: {guess}.").wait_for(timeout=30000)

    answers = lecturer.locator("[data-testid='stMetric']", has_text="Answers")
    answers.locator("[data-testid='stMetricValue']", has_text="1").wait_for(timeout=20000)
    lecturer.screenshot(path=str(tmp_path / "lecturer-live.png"), full_page=True)
    lecturer.get_by_role("button", name="Reveal the simulation").click()
    lecturer.locator("[data-testid='stMetricValue']", has_text="revealed").wait_for(
        timeout=20000)

    student.get_by_text(f"Your prediction: {guess}.").wait_for(timeout=20000)
    student.wait_for_function(
        """() => [...document.querySelectorAll('.js-plotly-plot')].some(
            p => p.data && p.data.some(t => t.name === 'your answer'))""", timeout=30000)
    student.screenshot(path=str(tmp_path / "student-reveal.png"), full_page=True)
    body = student.locator("body").inner_text()
    assert "The simulation shows otherwise." in body and sim.DISCLAIMER in body
