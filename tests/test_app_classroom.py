"""The Class page through AppTest: a lecturer opens a class, a student joins and predicts, the
lecturer sees the answer arrive and reveals, the student sees the simulation with their own
prediction marked; bad links and codes are one sentence in the page."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import sim
from app_pages.pages import PAGES
from sim.classroom import Classroom
from tests.apptest_support import (
    clear_cache,  # noqa: F401 (autouse fixture)
    new_app,
)

PAGE = next(p.path for p in PAGES if p.url == "class")
PRESET = "prednisolone"


@pytest.fixture(autouse=True)
def database(tmp_path, monkeypatch):
    """Each test on its own SQLite file (the page keeps one Classroom per process)."""
    monkeypatch.setenv("MMN_SIM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MMN_SIM_DATABASE_URL", raising=False)
    st.cache_resource.clear()
    yield tmp_path
    st.cache_resource.clear()


def _page(**query: str) -> AppTest:
    """The Class page opened at a link with ``query``."""
    at = new_app()
    at.run()
    at.switch_page(PAGE)
    at.query_params.clear()
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert any(sim.DISCLAIMER in c.value for c in at.caption)


def _texts(at: AppTest) -> str:
    return " ".join(str(x.value) for x in [*at.markdown, *at.success, *at.warning, *at.info,
                                            *at.error, *at.caption])


def _open_class(at: AppTest) -> tuple[str, str]:
    at.multiselect[0].set_value([PRESET])
    next(b for b in at.button if b.label == "Open the class").click()
    at.run()
    _ok(at)
    return str(at.query_params["class"]), str(at.query_params["lecturer"])


def test_the_start_view_offers_to_join_or_to_open_a_class():
    at = _page()
    _ok(at)
    heads = [h.value for h in at.subheader]
    assert "Join a class" in heads and "Open a class (lecturer)" in heads


def test_lecturer_and_student_from_join_to_reveal(database):
    lecturer = _page()
    code, token = _open_class(lecturer)
    assert any(m.label == "Join code" and m.value == code for m in lecturer.metric)
    assert token not in _texts(lecturer)  # the token is in the link only, never in the text
    assert lecturer.get("imgs") or lecturer.get("image")  # the QR code

    student = _page(**{"class": code})
    _ok(student)
    assert student.text_input[0].value == code
    student.text_input[1].set_value("Ann")
    next(b for b in student.button if b.label == "Join").click()
    student.run()
    _ok(student)
    assert "You are **Ann**" in _texts(student)
    assert token not in _texts(student) and token not in str(dict(student.query_params))
    truth = Classroom().questions(code)[0].answer.value
    guess = truth if truth != "higher" else "lower"
    student.radio[0].set_value(guess)
    next(b for b in student.button if b.label == "Submit").click()
    student.run()
    assert f"Saved: {guess}." in _texts(student)

    lecturer.run()
    _ok(lecturer)
    assert any(m.label == "Answers" and m.value == "1" for m in lecturer.metric)
    # A projected lecturer page does not give the answer away before the reveal...
    live = lecturer.get("plotly_chart")[0].proto.spec
    assert "the simulation" not in live and "#009E73" not in live
    assert any(m.label == "Right so far" and m.value == "–" for m in lecturer.metric)
    # ...unless the lecturer asks to see it.
    next(t for t in lecturer.toggle if t.label.startswith("Hide the simulation")).set_value(
        False).run()
    assert any(m.label == "Right so far" and m.value == ("100%" if guess == truth else "0%")
               for m in lecturer.metric)
    assert "the simulation" in lecturer.get("plotly_chart")[0].proto.spec
    next(b for b in lecturer.button if b.label == "Reveal the simulation").click()
    lecturer.run()
    assert any(m.label == "Simulation" and m.value == "revealed" for m in lecturer.metric)

    student.run()
    _ok(student)
    words = _texts(student)
    assert f"Your prediction: {guess}." in words and "The simulation" in words
    charts = student.get("plotly_chart")
    assert len(charts) == 2  # the measure over time, and the class's answers
    assert "your prediction" in charts[0].proto.spec and "your answer" in charts[1].proto.spec
    assert "Ann" not in charts[1].proto.spec  # no other student's name anywhere


@pytest.mark.parametrize("query, words", [
    ({"class": "ZZZZZ2", "me": "not-a-key"}, "No class has the code ZZZZZ2"),
    ({"class": "<b>x", "me": "k"}, "A class code is 6 letters and digits"),
])
def test_a_bad_student_link_is_one_sentence_in_the_page(query, words):
    at = _page(**query)
    _ok(at)
    assert any(words in e.value for e in at.error)


def test_a_tampered_lecturer_link_is_refused_in_the_page():
    lecturer = _page()
    code, token = _open_class(lecturer)
    at = _page(**{"class": code, "lecturer": token[:-3] + "abc"})
    _ok(at)
    assert any("not valid for class" in e.value for e in at.error)
    assert not any(m.label == "Join code" for m in at.metric)


def test_an_oversized_nickname_is_refused_and_nobody_joins():
    lecturer = _page()
    code, _ = _open_class(lecturer)
    student = _page(**{"class": code})
    student.text_input[1].set_value("x" * 30)
    next(b for b in student.button if b.label == "Join").click()
    student.run()
    assert any("at most 24 characters" in e.value for e in student.error)
    assert Classroom().student_count(code) == 0


def test_opening_a_class_without_a_preset_is_a_message():
    at = _page()
    next(b for b in at.button if b.label == "Open the class").click()
    at.run()
    _ok(at)
    assert any("at least one preset" in e.value for e in at.error)


def test_the_page_has_ended_classes_purged_every_housekeeping_round():
    from app_pages import housekeeping

    _page()
    task = housekeeping._TASKS["purge ended classes"]
    assert task.__name__ == "purge_expired" and isinstance(task.__self__, Classroom)
    ran: list[str] = []
    housekeeping.register("test: fails", lambda: 1 / 0)
    housekeeping.register("test: runs", lambda: ran.append("ok") or 7)
    try:
        done = housekeeping.run_tasks()
    finally:
        housekeeping._TASKS.pop("test: fails")
        housekeeping._TASKS.pop("test: runs")
    assert ran == ["ok"] and done["test: runs"] == 7 and "test: fails" not in done
    assert done["purge ended classes"] == 0


def test_a_class_case_reports_each_students_tests_and_diagnosis_to_the_lecturer():
    from sim import mystery as M

    lecturer = _page()
    next(c for c in lecturer.checkbox if c.label.startswith("Add a 'Which disease")).check()
    code, token = _open_class(lecturer)
    assert any(m.label == "Students who ordered a test" and m.value == "0"
               for m in lecturer.metric)
    assert any(m.label == "The disease" and m.value == "hidden" for m in lecturer.metric)

    student = _page(**{"class": code})
    student.text_input[1].set_value("Ann")
    next(b for b in student.button if b.label == "Join").click()
    student.run()
    link = next(m.value for m in student.markdown if "[Open the case](mystery?" in m.value)
    query = dict(part.split("=", 1) for part in link.split("?", 1)[1].rstrip(")").split("&"))
    assert set(query) == {"case", "class", "me"} and query["class"] == code
    assert token not in link

    case = AppTest.from_file(student._script_path, default_timeout=60)
    case.run()
    case.switch_page(next(p.path for p in PAGES if p.url == "mystery"))
    for k, v in query.items():
        case.query_params[k] = v
    case.run()
    _ok(case)
    first = M.TESTS[0].title
    next(b for b in case.button if b.label == first).click()
    case.run()
    _ok(case)
    assert str(case.query_params["class"]) == code  # the class link is kept in the address
    lecturer.run()
    assert any(m.label == "Students who ordered a test" and m.value == "1"
               for m in lecturer.metric)
    case.selectbox[0].set_value("mmn").run()
    case.selectbox[1].set_value(M.treatment_choices()[0]).run()
    next(b for b in case.button if b.label == "Commit to this answer").click()
    case.run()
    _ok(case)
    lecturer.run()
    assert any(m.label == "Committed to a diagnosis" and m.value == "1" for m in lecturer.metric)
    next(b for b in lecturer.button if b.label == "Reveal the disease").click()
    lecturer.run()
    truth = Classroom().case_summary(code, token).truth
    assert any(m.label == "The disease" and m.value == M.disease_name(truth)
               for m in lecturer.metric)
    # A case of the student's own afterwards is theirs, not the class's.
    next(b for b in case.button if b.label == "New case").click()
    case.run()
    assert "class" not in dict(case.query_params)
    next(b for b in case.button if b.label == "Start a random case").click()
    case.run()
    next(b for b in case.button if b.label == first).click()
    case.run()
    _ok(case)
    steps = Classroom().case_summary(code, token)
    assert steps.started == 1 and steps.students_at == [1] and steps.diagnoses == {"mmn": 1}
