"""The dashboard through streamlit.testing.v1.AppTest: pages render, sliders act, bad input
shows a message instead of a traceback."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import sim
from app_pages import settings as S
from app_pages import state
from app_pages.pages import PAGES as PAGE_LIST
from app_pages.state import W
from sim import electro
from tests.apptest_support import APP, UPLOAD, clear_cache  # noqa: F401 (autouse fixture)
from tests.apptest_support import new_app as _app

PAGES = [p.path for p in PAGE_LIST]
DISCLAIMER = sim.DISCLAIMER  # the dashboard states the model's own



def _charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _grip(at: AppTest) -> list:
    """The grip chart's y data (plotly 7 may send arrays as base64 'bdata' dicts)."""
    spec = next(s for s in _charts(at) if "Grip strength" in s["layout"]["title"]["text"])
    return [tr["y"] for tr in spec["data"]]


def _values(y) -> list:
    """A trace's values, decoding plotly's base64 'bdata' form."""
    if isinstance(y, dict):
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist()
    return list(y)


def _page(url: str) -> str:
    return next(p.path for p in PAGE_LIST if p.url == url)


def _state(at: AppTest) -> state.AppState:
    return at.session_state[state.STATE_KEY]


def _check_page(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert any(DISCLAIMER in c.value for c in at.caption)


def test_every_page_renders_for_the_default_preset():
    at = _app()
    at.run()
    _check_page(at)
    assert len(at.get("plotly_chart")) == 4
    for page in PAGES[1:]:
        at.switch_page(page).run()
        _check_page(at)
    # the settings survive the page switches
    assert at.session_state[W.PRESET] == S.DEFAULT_PRESET


@pytest.mark.slow
@pytest.mark.parametrize("preset", sim.preset_names())
def test_every_page_renders_for_every_preset(preset):
    at = _app(scenario=preset)
    at.run()
    _check_page(at)
    assert at.session_state[W.PRESET] == preset
    for page in PAGES[1:]:
        at.switch_page(page).run()
        _check_page(at)


def test_ivig_interval_slider_changes_the_grip_chart():
    at = _app()
    at.run()
    before = _grip(at)
    at.slider(key=W.PARAM["ivig_every"]).set_value(84).run()
    assert not at.exception
    after = _grip(at)
    assert before != after
    assert at.query_params["ivig_every"] == ["84"] or at.query_params["ivig_every"] == "84"


def test_sidebar_has_units_and_help_on_every_parameter():
    at = _app()
    at.run()
    for p in S.PARAMS:
        w = at.sidebar.get(next(t for t in ("slider", "toggle", "selectbox")
                                if any(x.key == W.PARAM[p.name] for x in at.sidebar.get(t))))
        widget = next(x for x in w if x.key == W.PARAM[p.name])
        assert widget.help
    assert any("Question" in i.value for i in at.sidebar.info)


def test_shared_url_restores_the_state():
    at = _app(scenario="untreated", seed="42", ivig="1", ivig_every="56", day="400")
    at.run()
    assert not at.exception
    assert at.session_state[W.PRESET] == "untreated"
    assert at.session_state[W.SEED] == 42
    assert at.session_state[W.PARAM["ivig"]] is True
    assert at.session_state[W.PARAM["ivig_every"]] == 56
    assert at.session_state[W.DAY] == 400
    assert not at.warning


def test_bad_url_value_shows_a_message_and_falls_back():
    at = _app(scenario="ivig-maintenance", lesion_rate="99", seed="abc")
    at.run()
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert "lesion_rate" in text and "0 to 10" in text
    assert "seed" in text
    preset = S.defaults(sim.load_scenario("ivig-maintenance"))
    assert at.session_state[W.PARAM["lesion_rate"]] == preset["lesion_rate"]


def test_unknown_preset_in_url_falls_back_to_default():
    at = _app(scenario="no-such-preset")
    at.run()
    assert not at.exception
    assert any("no-such-preset" in w.value for w in at.warning)
    assert at.session_state[W.PRESET] == S.DEFAULT_PRESET


def test_bad_uploaded_file_shows_one_sentence_error():
    at = _app()
    at.run()
    at.switch_page("app_pages/export.py").run()
    bad = b'[scenario]\nyears = 99\n'
    at.file_uploader(key=UPLOAD).set_value(("bad.toml", bad, "application/toml")).run()
    assert not at.exception
    msg = " ".join(e.value for e in at.error)
    assert "years" in msg and "out of range" in msg
    at.file_uploader(key=UPLOAD).set_value(("junk.toml", b"\xff\xfe not toml [",
                                             "application/toml")).run()
    assert not at.exception
    assert at.error


def test_good_uploaded_file_becomes_the_scenario():
    at = _app()
    at.run()
    at.switch_page("app_pages/export.py").run()
    text = sim.load_scenario("untreated").with_overrides({"scenario.name": "My case"}).to_toml()
    at.file_uploader(key=UPLOAD).set_value(("mine.toml", text.encode(), "text/plain")).run()
    assert not at.exception and not at.error
    assert at.session_state[W.PRESET] == S.UPLOADED
    assert any("mine.toml" in s.value for s in at.success)


def test_new_patient_and_reset():
    at = _app()
    at.run()
    at.button(key=W.NEW_PATIENT).click().run()
    seed = at.session_state[W.SEED]
    at.slider(key=W.PARAM["lesion_rate"]).set_value(5.0).run()
    at.button(key=W.RESET).click().run()
    assert not at.exception
    base = sim.load_scenario(S.DEFAULT_PRESET)
    assert at.session_state[W.SEED] == base.scenario.seed != seed or seed == base.scenario.seed
    assert at.session_state[W.PARAM["lesion_rate"]] == S.defaults(base)["lesion_rate"]


def test_step_buttons_move_the_day_by_a_fixed_step():
    at = _app(day="100")
    at.run()
    at.button(key=W.STEP_FWD).click().run()
    assert at.session_state[W.DAY] == 128
    at.selectbox(key=W.STEP).set_value(91).run()
    at.button(key=W.STEP_BACK).click().run()
    assert at.session_state[W.DAY] == 37


def test_compare_page_overlays_the_chosen_plans():
    at = _app()
    at.run()
    at.switch_page("app_pages/compare.py").run()
    specs = _charts(at)
    assert len(specs) == 2
    assert len(specs[0]["data"]) == 4
    plans = at.multiselect(key=state.key("compare_plans"))
    plans.set_value(["Untreated", "IVIg every 4 weeks"]).run()
    assert len(_charts(at)[0]["data"]) == 2


def test_settings_helpers_round_trip():
    base = sim.load_scenario("ivig-maintenance")
    d = S.defaults(base)
    assert S.build_scenario(base, d) is base
    v = dict(d, ivig_every=56)
    q = S.to_query("ivig-maintenance", 7, v, d)
    assert q == {"scenario": "ivig-maintenance", "seed": "7", "ivig_every": "56"}
    back = S.from_query(q, sim.preset_names())
    assert back.values == v and not back.notes


def test_the_page_list_names_every_page_module():
    """A page module missing from app_pages/pages.py would never be shown."""
    root = Path(APP).parent
    modules = {f"app_pages/{f.name}" for f in (root / "app_pages").glob("*.py")
               if ("page_setup(" in f.read_text(encoding="utf-8")
                   or "page_header(" in f.read_text(encoding="utf-8"))
               and f.name != "state.py"}
    assert modules == set(PAGES)
    assert len({p.url for p in PAGE_LIST}) == len({p.title for p in PAGE_LIST}) == len(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_has_its_data_table_as_text_alternative(page):
    at = _app()
    at.run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    charts = at.get("plotly_chart")
    switches = [t for t in at.toggle if t.label.startswith("Data table:")]
    assert len(switches) == len(charts)
    if not charts:
        return
    shown = len(at.dataframe)
    for t in switches:
        t.set_value(True)
    at.run()
    assert not at.exception
    assert len(at.dataframe) == shown + len(charts)
    assert all(len(df.value) > 0 for df in at.dataframe)
    # each shown table is also a whole-table CSV download (the grid draws only what is on
    # screen): one per chart, its row count in the label
    downloads = [b for b in at.get("download_button") if "whole table" in b.proto.label]
    assert len(downloads) == len(charts)


def test_page_widgets_registered_with_keep_survive_a_page_switch():
    at = _app()
    at.run()
    ncs_page, compare_page = _page("nerve-conduction"), _page("compare")
    nerve, side = state.key("ncs_nerve"), state.key("ncs_side")
    plans, hand = state.key("compare_plans"), state.key("compare_hand")
    at.switch_page(ncs_page).run()
    opened = at.selectbox(key=nerve).value
    base = sim.load_scenario(S.DEFAULT_PRESET)  # the page opens on the most blocked nerve
    snapshot = sim.simulate(base).snapshot(int(base.days))
    assert (at.radio(key=side).value, opened) == electro.most_blocked_nerve(snapshot)
    other = next(n for n in at.selectbox(key=nerve).options if n != opened)
    at.selectbox(key=nerve).set_value(other).run()
    other_side = "right" if at.radio(key=side).value == "left" else "left"
    at.radio(key=side).set_value(other_side).run()
    at.switch_page(compare_page).run()
    at.multiselect(key=plans).set_value(["Untreated", "Prednisolone course"]).run()
    at.radio(key=hand).set_value("right").run()
    at.switch_page(PAGES[0]).run()  # draws none of those widgets
    assert not at.exception
    assert {nerve, side, plans, hand} <= _state(at).kept
    at.switch_page(ncs_page).run()
    assert at.selectbox(key=nerve).value == other
    assert at.radio(key=side).value == other_side
    assert any(f"{other_side} {other}" in h.value for h in at.subheader)
    at.switch_page(compare_page).run()
    assert at.multiselect(key=plans).value == ["Untreated", "Prednisolone course"]
    assert at.radio(key=hand).value == "right"
    assert not at.exception and not at.warning


def test_a_page_cannot_take_a_sidebar_or_time_control_key():
    for name in ("preset", "seed", "day", "step", "ivig_every"):
        with pytest.raises(ValueError, match="taken"):
            state.key(name)
    assert state.key("ncs_nerve") not in {W.PRESET, W.DAY, *W.PARAM.values()}


def test_unchanged_settings_are_not_simulated_again(monkeypatch):
    calls: list[tuple[str, int | None]] = []
    real = sim.simulate

    def counting(scenario, seed=None):
        calls.append((scenario.name, seed))
        return real(scenario, seed)

    monkeypatch.setattr(sim, "simulate", counting)
    at = _app()
    at.run()
    assert len(calls) == 1
    at.run()
    at.slider(key=W.DAY).set_value(100).run()
    at.button(key=W.STEP_FWD).click().run()
    for page in PAGES[1:4] + [_page("export")]:  # same settings, other pages
        at.switch_page(page).run()
        assert not at.exception
    assert len(calls) == 1
    at.switch_page(PAGES[0]).run()
    every = at.slider(key=W.PARAM["ivig_every"])
    first = every.value
    every.set_value(84).run()
    assert len(calls) == 2
    at.slider(key=W.PARAM["ivig_every"]).set_value(first).run()
    assert len(calls) == 2  # back to settings already run
    at.switch_page(_page("compare")).run()
    plans = len(calls)
    assert plans > 2  # the other plans are new scenarios
    at.switch_page(PAGES[0]).run()
    at.switch_page(_page("compare")).run()
    assert len(calls) == plans


def test_the_simulation_cache_is_keyed_on_the_scenario_not_its_text(monkeypatch):
    at = _app()
    at.run()

    def no_toml(self):
        raise AssertionError("the scenario was written out as TOML")

    monkeypatch.setattr(sim.Scenario, "to_toml", no_toml)
    at.slider(key=W.PARAM["lesion_rate"]).set_value(3.0).run()
    assert not at.exception, [e.value for e in at.exception]
    for page in PAGES[1:5]:  # every page but export, which writes the TOML for download
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])


def test_equal_scenarios_share_one_cached_run(monkeypatch):
    calls = []
    real = sim.simulate
    monkeypatch.setattr(sim, "simulate", lambda sc, seed=None: calls.append(seed) or real(sc, seed))
    base = sim.load_scenario("untreated")
    copy = sim.loads_scenario(base.to_toml())  # equal, but another object
    assert copy is not base and copy == base
    run = state.simulate(base, 3)
    assert state.simulate(copy, 3).tables["clinical"].equals(run.tables["clinical"])
    assert calls == [3]
    state.simulate(base, 4)
    state.simulate(base.with_overrides({"disease.lesion_rate_per_year": 2.0}), 3)
    assert calls == [3, 4, 3]


def test_a_session_reuses_its_recent_runs_and_the_shared_cache_stays_small(monkeypatch):
    calls = []
    real = sim.simulate
    monkeypatch.setattr(sim, "simulate", lambda sc, seed=None: calls.append(seed) or real(sc, seed))
    base = sim.load_scenario("untreated")
    first = state.simulate(base, 1)
    assert state.simulate(base, 1) is first  # a rerun of this session: no copy at all
    for seed in range(2, state.SESSION_RUNS + 2):  # push seed 1 out of the session's runs
        state.simulate(base, seed)
    again = state.simulate(base, 1)
    assert again is not first and calls.count(1) == 1  # the shared cache still had it
    assert again.tables["clinical"].equals(first.tables["clinical"])
    assert len(state.current().recent_runs) == state.SESSION_RUNS


def test_the_server_starts_one_housekeeping_thread_that_collects_garbage():
    import threading

    from app_pages import housekeeping
    at = _app()
    at.run()
    at.run()
    assert [t.name for t in threading.enumerate()].count(housekeeping.THREAD_NAME) == 1
    a, b = [], []
    a.append(b)
    b.append(a)  # a reference cycle nothing else frees
    del a, b
    trimmed = []
    assert housekeeping.sweep(trimmed.append) >= 2 and trimmed == [0]  # the cycle was found


def test_housekeeping_ends_expired_sessions_on_the_servers_event_loop():
    """The reaper runs the real Streamlit session store's expiry on the server's loop and
    shuts every expired session down, as Streamlit's own close_session would."""
    import asyncio
    import threading
    from types import SimpleNamespace

    from streamlit.runtime.memory_session_storage import MemorySessionStorage

    from app_pages import housekeeping

    class Session:
        def __init__(self, sid: str) -> None:
            self.id, self.ended, self.thread = sid, False, None

        def shutdown(self) -> None:
            self.ended, self.thread = True, threading.current_thread()

    loop = asyncio.new_event_loop()
    looper = threading.Thread(target=loop.run_forever, daemon=True)
    looper.start()
    try:
        storage = MemorySessionStorage(ttl_seconds=0.2)
        old, new = Session("old"), Session("new")
        storage.save(SimpleNamespace(session=old, client=None, script_run_count=1))
        time.sleep(0.3)  # past the reconnect window
        storage.save(SimpleNamespace(session=new, client=None, script_run_count=1))
        runtime = SimpleNamespace(_session_mgr=SimpleNamespace(_session_storage=storage),
                                  _get_async_objs=lambda: SimpleNamespace(eventloop=loop))
        assert housekeeping.reap_expired_sessions(runtime) == 0  # storing "new" reaped "old"
        assert old.ended is False  # ... without shutting it down: the leak being fixed
        time.sleep(0.3)  # now "new" has expired and nobody stores anything
        assert storage.get("new") is None and len(storage._cache._data) == 1
        assert housekeeping.reap_expired_sessions(runtime) == 1
        assert new.ended and new.thread is looper and len(storage._cache._data) == 0
        assert housekeeping.reap_expired_sessions(SimpleNamespace()) is None  # not a server
    finally:
        loop.call_soon_threadsafe(loop.stop)
        looper.join(5)
        loop.close()


def test_the_streamlit_internals_the_reaper_reaches_exist():
    """The reaper skips itself if Streamlit moves these; this test says so on an upgrade."""
    import inspect

    from streamlit.runtime import runtime as st_runtime
    from streamlit.runtime.memory_session_storage import MemorySessionStorage
    from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

    assert callable(MemorySessionStorage()._cache.expire)
    assert "self._session_storage = session_storage" in inspect.getsource(
        WebsocketSessionManager.__init__)
    assert "self._session_mgr = " in inspect.getsource(st_runtime.Runtime.__init__)
    assert callable(st_runtime.Runtime._get_async_objs)


def test_housekeeping_empties_the_caches_every_round_once_idle_long_enough():
    from types import SimpleNamespace

    from streamlit.runtime import RuntimeState

    from app_pages import housekeeping

    rounds, emptied = 0, []
    for idle in (False, True, True, True, True, False, True, True, None):
        rounds, empty = housekeeping.idle_step(rounds, idle)
        emptied.append(empty)
    # from the second idle round on, every idle round: a class that came and went between
    # two rounds (the count never reset) leaves no cached runs behind either
    assert emptied == [False, False, True, True, True, False, False, True, False]
    idle = SimpleNamespace(state=RuntimeState.NO_SESSIONS_CONNECTED)
    busy = SimpleNamespace(state=RuntimeState.ONE_OR_MORE_SESSIONS_CONNECTED)
    assert housekeeping.server_idle(idle) is True and housekeeping.server_idle(busy) is False


def test_housekeeping_interval_reads_its_environment_variable(monkeypatch):
    from app_pages import housekeeping

    for raw, want in (("2", 2.0), ("0", 60.0), ("abc", 60.0), ("1e9", 60.0)):
        monkeypatch.setenv(housekeeping.INTERVAL_ENV, raw)
        assert housekeeping.interval_s() == want
    monkeypatch.delenv(housekeeping.INTERVAL_ENV)
    assert housekeeping.interval_s() == housekeeping.INTERVAL_S


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def test_play_takes_one_step_per_interval_and_stops_at_the_end(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(state, "time", clock)
    at = _app()
    at.run()
    end = at.slider(key=W.DAY).max
    assert at.session_state[W.DAY] == end and not _state(at).playing
    at.button(key=W.PLAY).click().run()  # at the end: play starts over from day 0
    assert _state(at).playing and at.session_state[W.DAY] == 0
    at.selectbox(key=W.SPEED).set_value("fast").run()
    gap = state.SECONDS_PER_STEP["fast"] * state.MIN_STEP_GAP
    clock.now += gap / 2
    at.run()
    assert at.session_state[W.DAY] == 0  # too soon after the last step
    clock.now += gap
    at.run()
    assert at.session_state[W.DAY] == 28 == _state(at).day
    assert at.query_params["day"] in ("28", ["28"])
    at.slider(key=W.DAY).set_value(end - 5).run()
    clock.now += gap * 2
    at.run()
    assert at.session_state[W.DAY] == end
    assert not _state(at).playing
    assert at.button(key=W.PLAY).label == "Play"


def _exam_mrc(at: AppTest) -> list:
    spec = next(s for s in _charts(at) if "Examination on day" in s["layout"]["title"]["text"])
    return [tr["hovertext"] for tr in spec["data"] if tr.get("name") == "muscle (MRC)"][0]


def test_examination_page_draws_the_body_and_the_cold_room_weakens():
    at = _app(scenario="untreated", day="1500")
    at.run()
    at.switch_page(_page("examination")).run()
    _check_page(at)
    warm = _exam_mrc(at)
    assert "room temperature" in json.dumps(_charts(at)[0]["layout"]["title"])
    assert any(m.label.startswith("Weak without wasting") for m in at.metric)
    at.toggle(key=state.key("exam_cold")).set_value(True).run()
    assert not at.exception
    cold = _exam_mrc(at)
    assert cold != warm  # some damaged territory loses a grade in the cold
    grades = [int(t.split("MRC ")[1].split(",")[0]) for t in warm]
    assert sum(int(t.split("MRC ")[1].split(",")[0]) for t in cold) < sum(grades)


def test_the_day_of_diagnosis_button_opens_the_exam_and_checklist_on_that_day():
    at = _app(scenario="lower-limb-onset", day="100")
    at.run()
    at.switch_page(_page("examination")).run()
    at.button(key=state.key("exam_to_diagnosis")).click().run()
    assert not at.exception
    assert at.session_state[W.DAY] == 1826
    at.switch_page(_page("diagnosis")).run()
    assert not at.exception and at.session_state[W.DAY] == 1826
    verdict = " ".join(x.value for x in [*at.success, *at.info, *at.warning, *at.error])
    assert "On day 1826" in verdict and "MMN" in verdict
    assert any("IgM anti-GM1" in m.value for m in at.markdown)


def test_emg_page_shows_traces_grid_and_f_waves():
    at = _app(scenario="untreated", day="3000")
    at.run()
    at.switch_page(_page("emg")).run()
    _check_page(at)
    titles = [s["layout"]["title"]["text"] for s in _charts(at)]
    assert any(t.startswith("Needle EMG:") for t in titles)
    assert any("denervation by muscle" in t for t in titles)
    fw = next(d.value for d in at.dataframe if "persistence_pct" in d.value.columns)
    assert len(fw) == 8 and set(fw["nerve"]) == {"median", "ulnar", "peroneal", "tibial"}
    at.selectbox(key=state.key("emg_muscle")).set_value("quadriceps").run()
    assert not at.exception
    assert any("quadriceps" in t for t in (s["layout"]["title"]["text"] for s in _charts(at)))


# --- the Evidence page --------------------------------------------------------------------------
def test_evidence_page_shows_the_shipped_report_and_filters_it():
    from sim import validation

    rep = validation.load(validation.REFERENCE)
    at = _app()
    at.run()
    at.switch_page(_page("evidence")).run()
    _check_page(at)
    table, working = at.dataframe[0].value, at.dataframe[1].value
    assert len(table) == len(rep.published()) and len(working) == len(rep.working())
    assert set(table["status"]) <= set(validation.STATUSES)
    assert {m.label: int(m.value) for m in at.metric} == rep.counts()
    assert len(at.get("plotly_chart")) == 3
    commit = rep.provenance["git_commit"][:10]
    assert any(commit in c.value and f"n = {rep.n}" in c.value for c in at.caption)
    from sim.references import full

    refs = next(e for e in at.expander if e.label.startswith("References"))
    text = " ".join(m.value for m in refs.markdown)
    assert full("Hahn 2013") in text and full("Federico 2000") in text
    at.multiselect(key=state.key("evidence_status")).set_value(["red"]).run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert len(shown) == rep.counts()["red"] and set(shown["status"]) <= {"red"}


def test_evidence_page_warns_when_the_model_changed_since_the_report(monkeypatch):
    from sim import validation

    at = _app()
    at.run()
    at.switch_page(_page("evidence")).run()
    stale = [w.value for w in at.warning if "changed" in w.value]
    fresh = validation.load(validation.REFERENCE).provenance["model_fingerprint"] == \
        validation.model_fingerprint()
    assert bool(stale) != fresh
    monkeypatch.setattr(validation, "model_fingerprint", lambda: "another model")
    st.cache_data.clear()
    at.run()
    assert any("make validate" in w.value for w in at.warning)


def test_evidence_page_without_a_report_says_how_to_make_one(monkeypatch, tmp_path):
    from sim import validation

    monkeypatch.setattr(validation, "REFERENCE", tmp_path / "missing.json")
    at = _app()
    at.run()
    at.switch_page(_page("evidence")).run()
    _check_page(at)
    assert any("make validate" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_the_preset_picker_shows_titles_and_the_step_picker_words():
    """A projector shows words, not file names or bare numbers; the preset's file name stays
    its value (the link's scenario=...)."""
    at = _app()
    at.run()
    picker = at.selectbox(key=W.PRESET)
    assert picker.value == S.DEFAULT_PRESET
    titles = {sim.load_scenario(n).scenario.name for n in sim.preset_names()}
    assert set(picker.options) == titles and S.DEFAULT_PRESET not in picker.options
    assert list(at.selectbox(key=W.STEP).options) == ["1 week", "4 weeks", "3 months", "1 year"]
    labels = [b.label for b in at.button if b.key in (W.STEP_BACK, W.PLAY, W.STEP_FWD)]
    assert labels == ["◀ Back", "Play", "Next ▶"]  # words only: no icon names to read out


def test_table_headers_read_in_words_with_units():
    from app_pages.tables import header

    assert header("latency_ms") == "Latency (ms)"
    assert header("cv_m_per_s") == "Conduction velocity (m/s)"
    assert header("grip_left_kg") == "Grip, left hand (kg)"
    assert header("persistence_pct") == "F-wave persistence (%)"
    assert header("estimate_2.5%") == "Estimate, 2.5th percentile"
    assert header("onset_to_nadir_days") == "Onset to nadir (days)"
    assert header("side") == "Side"


def test_glossary_on_every_page_and_no_none_cells():
    """Every page's sidebar has the Glossary, which spells out each recorded muscle; no table
    shows a Python None; the nerve study names the recording muscle in words."""
    from app_pages.glossary import GLOSSARY
    from sim.anatomy import ANATOMY

    recorded = {n.recorded for n in ANATOMY.nerves if n.recorded.isupper()}  # APB, not biceps
    assert recorded and recorded <= set(GLOSSARY)
    at = _app(scenario="untreated", day="2000")
    at.run()
    for p in (PAGE_LIST[0], PAGE_LIST[3], PAGE_LIST[4]):  # timeline, nerve conduction, EMG
        at.switch_page(p.path).run()
        assert not at.exception
        gl = [e for e in at.sidebar.expander if e.label == "Glossary of abbreviations"]
        assert len(gl) == 1 and "abductor pollicis brevis" in gl[0].markdown[0].value
        for d in at.dataframe:
            df = d.value
            text = [c for c in df.columns
                    if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])]
            assert not df[text].isna().any().any(), p.title
    at.switch_page(PAGE_LIST[3].path).run()
    assert any(c.value.startswith(("APB: abductor", "ADM:", "AH:", "EDB:", "EIP:"))
               for c in at.caption)


def test_compare_names_the_current_plan_and_zooms_the_mrc_axis():
    """On the IVIg-every-4-weeks preset the current plan is IVIg every 4 weeks: its line says
    so instead of hiding under the identical plan; on prednisolone it says prednisolone; the
    MRC axis spans the plans' values, not 0-200."""
    at = _app()  # the default preset: IVIg 1 g/kg every 4 weeks
    at.run()
    at.switch_page(_page("compare")).run()
    names = [t["name"] for t in _charts(at)[0]["data"]]
    assert names[0] == "Current settings (IVIg), the same as IVIg every 4 weeks", names
    mrc = _charts(at)[1]
    lo, hi = mrc["layout"]["yaxis"]["range"]
    ys = [float(y) for t in mrc["data"] for y in _values(t["y"])]
    assert lo > 0 and lo < min(ys) and hi > max(ys) and hi - lo < 100
    at = _app(scenario="prednisolone")
    at.run()
    at.switch_page(_page("compare")).run()
    names = [t["name"] for t in _charts(at)[0]["data"]]
    assert names[0] == "Current settings (Prednisolone)", names
    intro = next(m.value for m in at.markdown if m.value.startswith("The same virtual patient"))
    assert "Prednisolone" in intro and "IVIg and prednisolone start" not in intro


def test_no_icon_font_names_reach_a_screen_reader():
    """Material icons are drawn from a font whose ligature text ('check_box', 'play_arrow') a
    screen reader reads out; the pages use words and plain symbols instead, and the checklist
    says met or not met in words."""
    root = Path(__file__).resolve().parent.parent
    for path in [root / "app.py", *sorted((root / "app_pages").glob("*.py"))]:
        code = path.read_text(encoding="utf-8")
        assert not re.search(r"\":material/\w+:", code), path.name  # an icon in use
    at = _app()
    at.run()
    at.switch_page(_page("diagnosis")).run()
    lines = [m.value for m in at.main.markdown if m.value.startswith(("☑", "☐"))]
    assert lines and all(v.startswith(("☑ met: ", "☐ not met: ")) for v in lines)


def test_presenter_mode_from_the_link_and_the_switch():
    at = _app(present="1")
    at.run()
    assert not at.exception and not any("present" in w.value for w in at.warning)
    assert at.toggle(key=state.key("presenter")).value
    assert at.query_params.get("present") == ["1"] or at.query_params.get("present") == "1"
    at.toggle(key=state.key("presenter")).set_value(False).run()
    assert "present" not in at.query_params
    plain_app = _app()
    plain_app.run()
    assert not plain_app.toggle(key=state.key("presenter")).value


def test_charts_keep_two_toolbar_buttons_for_the_keyboard():
    at = _app()
    at.run()
    configs = [json.loads(c.proto.config) for c in at.get("plotly_chart")]
    assert configs and all(c["modeBarButtons"] == [["toImage", "resetScale2d"]]
                           for c in configs)
