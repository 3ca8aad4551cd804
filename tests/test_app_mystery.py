"""The 'Which disease is it?' page and the Compare page's second disease through AppTest, with
a toy mimic registered beside MMN so every choice has two diseases. Cases are opened by their
sealed tokens, made here with a test secret."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import sim
from app_pages import state
from app_pages.class_store import CLASS_LINK_KEYS
from app_pages.pages import PAGES as PAGE_LIST
from sim import mystery as M
from sim import sealed
from tests.apptest_support import clear_cache, new_app, values  # noqa: F401 (autouse fixture)
from tests.toy_diseases import TOY, toy_registered

PAGE = "app_pages/mystery.py"
COMPARE = "app_pages/compare.py"
STEROID = "prednisolone"


@pytest.fixture(autouse=True)
def toy():
    with toy_registered() as kind:
        yield kind


@pytest.fixture(autouse=True)
def server_secret(monkeypatch):
    monkeypatch.setenv(sealed.SECRET_ENV, "a test secret, not the server's")


def _token(kind: str, seed: int, tests: tuple[str, ...] = (), dx: str | None = None,
           tx: str | None = None) -> str:
    return M.seal_attempt(M.Attempt(M.Case(kind, seed), tests, dx, tx))


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
    at.selectbox(key=state.key("mystery_tx")).set_value(tx).run()
    at.button(key=state.key("mystery_commit")).click().run()
    _ok(at)


def _text(at: AppTest) -> str:
    """The page's own text (the main area: the sidebar holds only the glossary here)."""
    m = at.main
    return " ".join(x.value for x in [*m.markdown, *m.success, *m.error, *m.info])


def _total(at: AppTest) -> int:
    found = re.findall(r"Total: (\d+) of 100", _text(at))
    assert len(found) == 1, found
    return int(found[0])


def test_an_attempt_orders_tests_commits_and_gets_a_debrief_reproducible_from_its_address():
    token = _token(TOY, 7)
    at = _open(case=token)
    assert _query(at) == {"case": token}
    assert not at.get("plotly_chart")  # nothing is shown before it is ordered
    seen = {token}
    for test in ("ncs", "history", "exam"):
        _order(at, test)
        q = _query(at)
        assert set(q) == {"case"} and q["case"] not in seen  # each step: a new sealed token
        seen.add(q["case"])
    assert M.open_attempt(_query(at)["case"]).tests == ("ncs", "history", "exam")
    subheaders = [s.value for s in at.subheader]
    assert subheaders[:3] == ["1. Nerve conduction", "2. History", "3. Examination"]
    assert "The differential so far" in subheaders
    assert at.button(key=state.key("mystery_test_ncs")).disabled
    assert "Reports numbness or tingling." in _text(at)
    assert _text(at).count("Differential after this test:") == 3
    assert "naive Bayes" in " ".join(c.value for c in at.caption)
    assert "The differential, test by test" in _titles(at)
    _commit(at, "mmn", STEROID)
    q = _query(at)
    assert set(q) == {"case"}  # the answer is sealed too
    assert any(h.value == "Debrief" for h in at.header)
    text = _text(at)
    assert "Toy sensory neuropathy" in text and "Diagnosis: not correct" in text
    assert "moved the differential" in text and "settled it soonest" in text
    assert "MMN checklist" in text
    titles = _titles(at)
    assert "The same patient under each first treatment" in titles
    assert any("findings" in t for t in titles)
    heat = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if "findings" in json.loads(c.proto.spec)["layout"]["title"]["text"])
    assert not set(heat["data"][0]["x"]) & {"mmn", TOY}  # diseases in words
    # the order buttons are closed once the answer is given
    assert at.button(key=state.key("mystery_test_emg")).disabled
    # the address alone replays the whole attempt in a new session
    again = _open(**q)
    assert _query(again) == q
    assert [m.value for m in again.markdown] == [m.value for m in at.markdown]
    assert _titles(again) == titles


def test_no_diagnosis_is_preselected_and_the_answer_needs_both_choices():
    at = _open(case=_token("mmn", 4))
    assert at.selectbox(key=state.key("mystery_dx")).value is None
    assert at.selectbox(key=state.key("mystery_tx")).value is None
    assert at.button(key=state.key("mystery_commit")).disabled
    at.selectbox(key=state.key("mystery_dx")).set_value("mmn").run()
    assert at.button(key=state.key("mystery_commit")).disabled
    at.selectbox(key=state.key("mystery_tx")).set_value("ivig").run()
    assert not at.button(key=state.key("mystery_commit")).disabled


def test_the_nerve_conduction_result_shows_findings_not_a_conclusion():
    at = _open(case=_token("mmn", 4, ("ncs",)))
    text = _text(at)
    assert "conduction block" in text
    assert "criteria" not in text and "Electrodiagnosis" not in text


def test_an_answer_appended_to_the_address_scores_nothing():
    token = _token("mmn", 4)
    at = _open(case=token, dx="mmn", tx="ivig")
    errors = " ".join(e.value for e in at.error)
    assert "dx, tx: not read from the address" in errors.replace("\\", "")
    assert not any(h.value == "Debrief" for h in at.header)
    assert "Total:" not in _text(at)
    assert _query(at) == {"case": token}  # the appended values are dropped from the address
    assert at.selectbox(key=state.key("mystery_dx")).value is None


def test_committing_at_once_scores_below_committing_after_the_telling_tests():
    blind = _open(case=_token("mmn", 4, (), "mmn", "ivig"))
    told = _open(case=_token("mmn", 4, ("exam", "ncs"), "mmn", "ivig"))
    assert "Diagnosis: correct" in _text(blind) and "Diagnosis: correct" in _text(told)
    assert _total(blind) < _total(told)
    assert "did not get it to 90%" in _text(blind)


def test_no_immunotherapy_for_an_ivig_responsive_mmn_patient_scores_below_ivig():
    ivig = _open(case=_token("mmn", 4, ("exam", "ncs"), "mmn", "ivig"))
    none = _open(case=_token("mmn", 4, ("exam", "ncs"), "mmn", M.NONE))
    plex = _open(case=_token("mmn", 4, ("exam", "ncs"), "mmn", "plasma_exchange"))
    assert _total(none) < _total(ivig) and _total(plex) < _total(ivig)
    assert "withheld IVIg" in _text(none)
    assert "harm avoided" not in _text(plex).lower()


def test_the_right_answer_scores_and_the_steroid_harm_shows_in_mmn():
    at = _open(case=_token("mmn", 4, ("ncs", "trial"), "mmn", STEROID))
    text = _text(at)
    assert "Diagnosis: correct" in text and "it harmed this patient" in text
    plans = {tr["name"] for c in at.get("plotly_chart")
             for tr in json.loads(c.proto.spec)["data"]
             if "each first treatment" in json.loads(c.proto.spec)["layout"]["title"]["text"]}
    assert {"untreated", "your choice: Prednisolone"} <= plans
    assert any(p.startswith("best: ") for p in plans)
    assert "8 weeks into the immunoglobulin trial" in " ".join(c.value for c in at.caption)


def test_random_case_hides_the_disease_and_the_page_keeps_it_across_pages():
    at = _open(mystery="random")
    q = _query(at)
    assert set(q) == {"case"} and M.open_attempt(q["case"]) is not None
    _order(at, "csf")
    q = _query(at)
    at.switch_page("app_pages/timeline.py").run()
    assert not at.exception
    at.switch_page(PAGE).run()
    _ok(at)
    assert _query(at) == q
    assert [s.value for s in at.subheader][0] == "1. CSF protein"


@pytest.mark.parametrize(("query", "start"), [
    ({"mystery": "mmn", "seed": "3"}, "mystery: links that name the disease"),
    ({"mystery": "![x](http://h/t.png)"}, "mystery: links that name the disease"),
    ({"case": "zzz"}, "case: this case link is not valid"),
    ({"case": "bW1uOjE"}, "case: this case link is not valid"),  # an old-style code
])
def test_an_old_or_bad_link_is_a_message_and_the_start_form(query, start):
    at = _open(**query)
    errors = [e.value.replace("\\", "") for e in at.error]  # shown as typed (text.plain)
    assert len(errors) == 1 and errors[0].startswith(start)
    raw = at.error[0].value
    assert not re.search(r"(?<!\\)[\[<$]", raw)  # a link's text is shown, never made a link
    assert at.button(key=state.key("mystery_random"))  # the page offers a new case
    assert _query(at) == {}
    at.button(key=state.key("mystery_random")).click().run()
    _ok(at)
    assert set(_query(at)) == {"case"} and not at.error


def test_a_tampered_token_is_rejected_with_a_message():
    good = _token("mmn", 4, ("ncs",), "mmn", "ivig")
    i = len(good) // 2
    bad = good[:i] + ("A" if good[i] != "A" else "B") + good[i + 1:]
    at = _open(case=bad)
    assert at.error[0].value.replace("\\", "").startswith("case: this case link is not valid")
    assert not any(h.value == "Debrief" for h in at.header) and "Total:" not in _text(at)


def test_a_lecturer_makes_a_fixed_case_link_from_the_page():
    at = _open()
    at.selectbox(key=state.key("mystery_start_kind")).set_value(TOY)
    at.number_input(key=state.key("mystery_start_seed")).set_value(12)
    at.button(key=state.key("mystery_fixed")).click().run()
    _ok(at)
    link = at.code[0].value
    assert "?case=" in link and TOY not in link and "12" not in link.split("?case=")[0][-3:]
    token = link.split("?case=")[1]
    assert M.open_attempt(token) == M.Attempt(M.Case(TOY, 12))
    assert _query(at) == {}  # making the link does not open the case
    at.button(key=state.key("mystery_open_fixed")).click().run()
    _ok(at)
    assert _query(at) == {"case": token}
    assert _open(case=token).button(key=state.key("mystery_test_ncs"))  # same link, same case


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
    at = _open(case=_token("mmn", 12, ("ncs",)))
    at.switch_page("app_pages/timeline.py").run()
    assert not at.exception and not at.warning
    # the page's own link values are declared where the page is listed
    page = next(p for p in PAGE_LIST if p.path == PAGE)
    assert set(page.params) == set(M.URL_KEYS) | set(CLASS_LINK_KEYS)  # a class's case too


@pytest.mark.slow
@pytest.mark.parametrize("kind", [*sim.diseases.kinds(), TOY])
def test_every_registered_disease_plays_through_every_test_to_the_debrief(kind):
    tests = tuple(t.key for t in M.TESTS)
    at = _open(case=_token(kind, 21, tests, kind, M.NONE))
    assert [s.value for s in at.subheader][:len(M.TESTS)] == [
        f"{n}. {t.title}" for n, t in enumerate(M.TESTS, start=1)]
    text = _text(at)
    assert "Diagnosis: correct" in text and f"of {len(M.TESTS)} moved the differential" in text
    assert "settled it soonest" in text or "No set of tests" in text


def test_compare_sets_up_the_steroid_contrast_on_two_diseases_in_one_click():
    at = new_app()
    at.switch_page(COMPARE).run()
    at.button(key=state.key("compare_steroid_contrast")).click().run()
    assert not at.exception
    traces = json.loads(at.get("plotly_chart")[1].proto.spec)["data"]  # the MRC-sum chart
    names = [tr["name"] for tr in traces]
    other = names[2].split(" · ")[1]
    assert names == ["Untreated · Multifocal motor neuropathy",
                     "Prednisolone course · Multifocal motor neuropathy",
                     f"Untreated · {other}", f"Prednisolone course · {other}"]
    assert other != "Multifocal motor neuropathy"
    mean = [float(np.mean(values(tr["y"]))) for tr in traces]
    assert mean[1] < mean[0]  # prednisolone makes this MMN patient weaker ...
    assert mean[3] >= mean[2]  # ... and the disease chosen for the contrast not


def test_compare_with_one_disease_says_so_and_offers_no_overlay(monkeypatch):
    for kind in sim.diseases.kinds():
        if kind != "mmn":
            monkeypatch.delitem(sim.diseases.REGISTRY, kind)
    at = new_app()
    at.switch_page(COMPARE).run()
    assert not at.exception
    assert any("Only one disease is registered" in c.value for c in at.caption)
    assert not at.pills and not [b for b in at.button
                                 if b.key == state.key("compare_steroid_contrast")]
