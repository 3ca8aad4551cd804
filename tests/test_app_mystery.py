"""The 'Which disease is it?' page and the Compare page's second disease through AppTest, with
a toy mimic registered beside MMN so every choice has two diseases."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

import sim
from app_pages import state
from app_pages.pages import PAGES as PAGE_LIST
from sim import mystery as M
from tests.apptest_support import clear_cache, new_app  # noqa: F401 (autouse fixture)
from tests.toy_diseases import TOY, toy_registered

PAGE = "app_pages/mystery.py"
COMPARE = "app_pages/compare.py"
STEROID = "prednisolone"


@pytest.fixture(autouse=True)
def toy():
    with toy_registered() as kind:
        yield kind


def _open(**query: str) -> AppTest:
    at = new_app(**query)
    at.switch_page(PAGE).run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert any(sim.DISCLAIMER in c.value for c in at.caption)


def _query(at: AppTest) -> dict[str, str]:
    out = {}
    for k in at.query_params:
        v = at.query_params[k]
        out[k] = v[-1] if isinstance(v, list) else v
    return out


def _titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def _order(at: AppTest, test: str) -> None:
    at.button(key=state.key(f"mystery_test_{test}")).click().run()
    _ok(at)


def _commit(at: AppTest, dx: str, tx: str) -> None:
    at.selectbox(key=state.key("mystery_dx")).set_value(dx)
    at.selectbox(key=state.key("mystery_tx")).set_value(tx)
    at.button(key=state.key("mystery_commit")).click().run()
    _ok(at)


def _text(at: AppTest) -> str:
    return " ".join(m.value for m in [*at.markdown, *at.success, *at.error, *at.info])


def test_an_attempt_orders_tests_commits_and_gets_a_debrief_reproducible_from_its_address():
    at = _open(mystery=TOY, seed="7")
    assert _query(at) == {"mystery": TOY, "seed": "7"}
    assert not at.get("plotly_chart")  # nothing is shown before it is ordered
    _order(at, "ncs")
    _order(at, "history")
    _order(at, "exam")
    assert _query(at)["tests"] == "ncs,history,exam"
    subheaders = [s.value for s in at.subheader]
    assert subheaders[:3] == ["1. Nerve conduction", "2. History", "3. Examination"]
    assert at.button(key=state.key("mystery_test_ncs")).disabled
    assert len(at.get("plotly_chart")) == 3
    assert "Reports numbness or tingling." in _text(at)
    _commit(at, "mmn", STEROID)
    q = _query(at)
    assert (q["dx"], q["tx"]) == ("mmn", STEROID)
    assert any(h.value == "Debrief" for h in at.header)
    text = _text(at)
    assert "Toy sensory neuropathy" in text and "Diagnosis: not correct" in text
    assert "Tests ordered: 3 of 8" in text
    assert "MMN checklist" in text
    titles = _titles(at)
    assert "The same patient under each first treatment" in titles
    assert any("findings" in t for t in titles)
    # the order buttons are closed once the answer is given
    assert at.button(key=state.key("mystery_test_emg")).disabled
    # the address alone replays the whole attempt in a new session
    again = _open(**q)
    assert _query(again) == q
    assert [m.value for m in again.markdown] == [m.value for m in at.markdown]
    assert _titles(again) == titles


def test_the_right_answer_scores_and_the_steroid_harm_shows_in_mmn():
    at = _open(mystery="mmn", seed="4", tests="ncs,trial", dx="mmn", tx=STEROID)
    text = _text(at)
    assert "Diagnosis: correct" in text and "Harm avoided: no" in text
    assert "It harmed this patient." in text
    plans = {tr["name"] for c in at.get("plotly_chart")
             for tr in json.loads(c.proto.spec)["data"]
             if "each first treatment" in json.loads(c.proto.spec)["layout"]["title"]["text"]}
    assert {"untreated", "your choice: Prednisolone"} <= plans
    assert any(p.startswith("best: ") for p in plans)
    assert "8 weeks into the immunoglobulin trial" in " ".join(c.value for c in at.caption)


def test_random_case_hides_the_disease_and_the_page_keeps_it_across_pages():
    at = _open(mystery="random")
    q = _query(at)
    assert set(q) == {"case"} and TOY not in q["case"] and "mmn" not in q["case"]
    _order(at, "csf")
    q = _query(at)
    at.switch_page("app_pages/timeline.py").run()
    assert not at.exception
    at.switch_page(PAGE).run()
    _ok(at)
    assert _query(at) == q
    assert [s.value for s in at.subheader][0] == "1. CSF protein"


@pytest.mark.parametrize(("query", "field", "allowed"), [
    ({"mystery": "cidpp"}, "mystery:", "random"),
    ({"mystery": "mmn", "seed": "12x"}, "seed:", "0 to"),
    ({"case": "zzz"}, "case:", "new case"),
    ({"mystery": "![x](http://h/t.png)"}, "mystery:", "random"),
])
def test_a_bad_case_value_is_a_message_and_the_start_form(query, field, allowed):
    at = _open(**query)
    errors = [e.value.replace("\\", "") for e in at.error]  # shown as typed (text.plain)
    assert len(errors) == 1 and errors[0].startswith(field) and allowed in errors[0]
    raw = at.error[0].value
    assert not re.search(r"(?<!\\)[\[<$]", raw)  # a link's text is shown, never made a link
    assert at.button(key=state.key("mystery_random"))  # the page offers a new case
    assert _query(at) == {}
    at.button(key=state.key("mystery_random")).click().run()
    _ok(at)
    assert set(_query(at)) == {"case"} and not at.error


def test_bad_tests_and_answer_values_are_messages_and_the_rest_is_kept():
    at = _open(mystery="mmn", seed="3", tests="emg,xray", dx="mmn", tx="aspirin")
    errors = " ".join(e.value for e in at.error)
    assert "tests" in errors and "xray" in errors and "tx" in errors and "aspirin" in errors
    assert _query(at) == {"mystery": "mmn", "seed": "3", "tests": "emg"}
    assert [s.value for s in at.subheader][0] == "1. Needle EMG"
    assert not any(h.value == "Debrief" for h in at.header)


def test_a_lecturer_starts_a_fixed_case_from_the_page():
    at = _open()
    at.selectbox(key=state.key("mystery_start_kind")).set_value(TOY)
    at.number_input(key=state.key("mystery_start_seed")).set_value(12)
    at.button(key=state.key("mystery_fixed")).click().run()
    _ok(at)
    assert _query(at) == {"mystery": TOY, "seed": "12"}


def test_compare_overlays_the_same_plans_on_another_disease_in_one_click():
    at = new_app()
    at.switch_page(COMPARE).run()
    assert not at.exception
    at.multiselect(key=state.key("compare_plans")).set_value(["Untreated", "Prednisolone course"])
    at.run()
    before = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert {tr["name"] for tr in before[0]["data"]} == {"Untreated", "Prednisolone course"}
    at.pills(key=state.key("compare_disease")).set_value(TOY).run()  # the one click
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [tr["name"] for tr in spec["data"]]
    assert names == ["Untreated · Multifocal motor neuropathy",
                     "Prednisolone course · Multifocal motor neuropathy",
                     "Untreated · Toy sensory neuropathy",
                     "Prednisolone course · Toy sensory neuropathy"]
    # same settings, other disease: prednisolone lowers MMN's grip and not the toy's
    y = {tr["name"]: tr["y"] for tr in spec["data"]}
    assert y[names[0]] != y[names[1]]
    assert y[names[2]] == y[names[3]]


def test_a_session_that_starts_on_the_page_gives_other_pages_no_unknown_link_notes():
    at = _open(mystery="mmn", seed="12", tests="ncs")
    at.switch_page("app_pages/timeline.py").run()
    assert not at.exception and not at.warning
    # the page's own link values are declared where the page is listed
    page = next(p for p in PAGE_LIST if p.path == PAGE)
    assert set(page.params) == set(M.URL_KEYS) - {"seed"}  # the seed is the sidebar's too


@pytest.mark.slow
@pytest.mark.parametrize("kind", [*sim.diseases.kinds(), TOY])
def test_every_registered_disease_plays_through_every_test_to_the_debrief(kind):
    tests = ",".join(t.key for t in M.TESTS)
    at = _open(mystery=kind, seed="21", tests=tests, dx=kind, tx=M.NONE)
    assert [s.value for s in at.subheader][:len(M.TESTS)] == [
        f"{n}. {t.title}" for n, t in enumerate(M.TESTS, start=1)]
    text = _text(at)
    assert "Diagnosis: correct" in text and "Harm avoided: yes" in text
    assert "Tests ordered: 8 of 8" in text


def test_compare_sets_up_the_steroid_contrast_on_two_diseases_in_one_click():
    at = new_app()
    at.switch_page(COMPARE).run()
    at.button(key=state.key("compare_steroid_contrast")).click().run()
    assert not at.exception
    names = [tr["name"] for tr in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]]
    assert names == ["Untreated · Multifocal motor neuropathy",
                     "Prednisolone course · Multifocal motor neuropathy",
                     "Untreated · Toy sensory neuropathy",
                     "Prednisolone course · Toy sensory neuropathy"]


def test_compare_with_one_disease_says_so_and_offers_no_overlay():
    sim.diseases.unregister(TOY)
    at = new_app()
    at.switch_page(COMPARE).run()
    assert not at.exception
    assert any("Only one disease is registered" in c.value for c in at.caption)
    assert not at.pills and not [b for b in at.button
                                 if b.key == state.key("compare_steroid_contrast")]
