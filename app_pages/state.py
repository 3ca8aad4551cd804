"""Shared dashboard state: sidebar, URL <-> settings, cached simulation, time controls.

Every page calls :func:`page_setup` first. Canonical values live in ``st.session_state``
under plain keys (``settings``, ``day``); widgets use ``w_*`` keys that are re-seeded from the
canonical values whenever Streamlit has dropped them (e.g. after a page switch).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

import sim
from app_pages import settings as S
from sim import Scenario, ScenarioError

DISCLAIMER = "Teaching model — not for clinical decisions."
PLOTLY_CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
STEP_DAYS = (7, 28, 91, 365)
SPEEDS = {"slow": 1.0, "normal": 0.5, "fast": 0.25}  # seconds per step; a step is fixed days


@st.cache_data(max_entries=64, show_spinner=False)
def simulate_cached(toml_text: str, seed: int) -> sim.Run:
    """One virtual patient, cached on (scenario TOML text, seed)."""
    run = sim.simulate(sim.loads_scenario(toml_text, source="settings"), seed=seed)
    _ = run.tables  # computed once here, so cached copies carry them
    return run


@dataclass
class Context:
    preset: str
    seed: int
    values: dict[str, Any]
    base: Scenario
    scenario: Scenario
    run: sim.Run

    @property
    def end_day(self) -> int:
        return int(self.scenario.days)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return self.run.tables

    def variant(self, **changes: Any) -> sim.Run:
        """The same patient (same seed) with some sidebar values changed."""
        values = dict(self.values, **changes)
        return simulate_cached(S.build_scenario(self.base, values).to_toml(), self.seed)


# --- session state ---------------------------------------------------------------------------


def _ss() -> Any:
    return st.session_state


def _presets() -> list[str]:
    return sim.preset_names()


def _base(preset: str) -> Scenario:
    return S.base_scenario(preset, _ss().get("uploaded_toml"))


def _init() -> None:
    ss = _ss()
    if "settings" in ss:
        return
    restored = S.from_query(dict(st.query_params), _presets())
    ss["settings"] = {"preset": restored.preset, "seed": restored.seed,
                      "values": dict(restored.values)}
    ss["day"] = restored.day
    ss["notes"] = restored.notes
    ss["playing"] = False


def _load_widgets(preset: str, seed: int, values: dict[str, Any]) -> None:
    ss = _ss()
    ss["w_preset"] = preset
    ss["w_seed"] = seed
    for p in S.PARAMS:
        ss[f"w_{p.name}"] = values[p.name]


# Widget values that must survive a page switch (Streamlit drops a page's widget state when
# another page is shown; re-assigning the value at the top of every run keeps it).
PERSISTENT = ("w_preset", "w_seed", "w_day", "w_step", "w_speed", "w_ncs_nerve", "w_ncs_side",
              "w_compare_plans", "w_compare_hand")


def _seed_widgets() -> None:
    """Keep widget values across pages; re-create any Streamlit dropped from the settings."""
    ss = _ss()
    for key in (*PERSISTENT, *(f"w_{p.name}" for p in S.PARAMS)):
        if key in ss:
            ss[key] = ss[key]
    cur = ss["settings"]
    if ss.get("w_preset") is None:
        ss["w_preset"] = cur["preset"]
    if ss.get("w_seed") is None:
        ss["w_seed"] = cur["seed"]
    for p in S.PARAMS:
        if f"w_{p.name}" not in ss:
            ss[f"w_{p.name}"] = cur["values"][p.name]


def _on_preset() -> None:
    ss = _ss()
    preset = ss["w_preset"]
    base = _base(preset)
    _load_widgets(preset, base.scenario.seed, S.defaults(base))
    ss["day"] = None
    ss["notes"] = []
    ss["playing"] = False


def _on_reset() -> None:
    _on_preset()


def _on_new_patient() -> None:
    _ss()["w_seed"] = random.randrange(S.MAX_SEED)
    _ss()["notes"] = []


def _on_change() -> None:
    _ss()["notes"] = []


def accept_upload(data: bytes, name: str) -> str | None:
    """Validate an uploaded scenario; on success make it the current one. Returns an error."""
    if len(data) > MAX_UPLOAD_BYTES:
        return (f"{name}: the file is {len(data) / 1024:.0f} KB; scenario files may be at most "
                f"{MAX_UPLOAD_BYTES // 1024} KB.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return f"{name}: the file is not UTF-8 text."
    try:
        scenario = sim.loads_scenario(text, source=name)
    except ScenarioError as err:
        return str(err)
    ss = _ss()
    ss["uploaded_toml"] = text
    ss["uploaded_name"] = scenario.name
    _load_widgets(S.UPLOADED, scenario.scenario.seed, S.defaults(scenario))
    ss["day"] = None
    ss["notes"] = []
    return None


MAX_UPLOAD_BYTES = 64 * 1024


# --- sidebar ---------------------------------------------------------------------------------


def _param_widget(p: S.Param, disabled: bool = False) -> None:
    key = f"w_{p.name}"
    if p.kind == "bool":
        st.toggle(p.label, key=key, help=p.help, on_change=_on_change)
    elif p.kind == "choice":
        st.selectbox(p.label, p.choices, key=key, help=p.help, on_change=_on_change,
                     disabled=disabled)
    elif p.kind == "int":
        st.slider(p.label, int(p.lo), int(p.hi), step=int(p.step), key=key, help=p.help,
                  on_change=_on_change, disabled=disabled)
    else:
        st.slider(p.label, float(p.lo), float(p.hi), step=float(p.step), key=key, help=p.help,
                  on_change=_on_change, disabled=disabled)


def _sidebar() -> tuple[str, int, dict[str, Any]]:
    ss = _ss()
    _seed_widgets()
    presets = _presets()
    options = presets + ([S.UPLOADED] if ss.get("uploaded_toml") else [])
    if ss["w_preset"] not in options:
        ss["w_preset"] = S.DEFAULT_PRESET
    with st.sidebar:
        st.selectbox(
            "Scenario preset", options, key="w_preset", on_change=_on_preset,
            format_func=lambda n: f"uploaded: {ss.get('uploaded_name', '')}"
            if n == S.UPLOADED else n,
            help="Each preset teaches one point; its question is shown below.",
        )
        base = _base(ss["w_preset"])
        if base.teaching.question:
            st.info(f"**Question:** {base.teaching.question}")
        if base.scenario.summary:
            st.caption(base.scenario.summary)
        c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
        c1.number_input("Seed (patient number)", 0, S.MAX_SEED, step=1, key="w_seed",
                        help="Same seed, same virtual patient: disease draws are shared "
                        "across treatment plans.", on_change=_on_change)
        c2.button("New patient", key="w_new_patient", on_click=_on_new_patient,
                  help="Draw a different virtual patient (a new random seed).")
        by_group: dict[str, list[S.Param]] = {}
        for p in S.PARAMS:
            by_group.setdefault(p.group, []).append(p)
        for p in by_group["run"]:
            _param_widget(p)
        for group, title, expanded in S.SECTIONS:
            with st.expander(title, expanded=expanded):
                switch = next((p for p in by_group[group] if p.kind == "bool"), None)
                for p in by_group[group]:
                    off = switch is not None and p is not switch and not ss[f"w_{switch.name}"]
                    _param_widget(p, disabled=off)
        st.divider()
        st.button("Reset to preset", key="w_reset", on_click=_on_reset, type="secondary",
                  help="Put every control back to the preset's values, seed included.")
        st.caption("The page address carries these settings: copy it to share this exact view.")
    values = {p.name: ss[f"w_{p.name}"] for p in S.PARAMS}
    return ss["w_preset"], int(ss["w_seed"]), values


# --- page setup --------------------------------------------------------------------------------


def page_setup(title: str) -> Context:
    """Disclaimer, title, sidebar, URL sync and the (cached) run for the current settings."""
    st.set_page_config(page_title=f"MMN simulator - {title}", layout="wide")
    st.caption(f":material/warning: {DISCLAIMER}")
    st.title(title)
    _init()
    ss = _ss()
    preset, seed, values = _sidebar()
    for note in ss.get("notes", []):
        st.warning(note, icon=":material/link:")
    base = _base(preset)
    try:
        scenario = S.build_scenario(base, values)
    except ScenarioError as err:
        st.error(f"These settings do not make a valid scenario: {err} Showing the preset.")
        scenario = base
    ss["settings"] = {"preset": preset, "seed": seed, "values": values}
    run = simulate_cached(scenario.to_toml(), seed)
    ctx = Context(preset, seed, values, base, scenario, run)
    if ss.get("day") is not None and ss["day"] > ctx.end_day:
        ss["day"] = ctx.end_day
    query = S.to_query(preset, seed, values, S.defaults(base), ss.get("day"))
    if dict(st.query_params) != query:
        st.query_params.from_dict(query)
    return ctx


def chart(fig: Any, key: str, table: pd.DataFrame, alt: str) -> None:
    """A plotly chart with its data table as the text alternative."""
    st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG, alt=alt, theme=None)
    # A switch rather than a collapsed expander: the grid is only built when asked for,
    # which keeps every slider move from re-sending and re-drawing four hidden tables.
    if st.toggle(f"Data table: {alt}", key=f"{key}_show_table",
                 help="Show the numbers behind the chart (its text alternative)."):
        st.dataframe(table, key=f"{key}_table", hide_index=True)


def teaching(ctx: Context) -> None:
    t = ctx.scenario.teaching
    if not (t.prediction or t.notice or t.try_):
        return
    with st.expander("Before you look: predict, then check", expanded=False):
        if t.prediction:
            st.markdown(f"**Predict:** {t.prediction}")
        if t.notice:
            st.markdown("**Things to notice**\n" + "\n".join(f"- {n}" for n in t.notice))
        if t.try_:
            st.markdown("**Things to try**\n" + "\n".join(f"- {n}" for n in t.try_))
        if t.references:
            st.caption("References: " + "; ".join(t.references))


# --- time controls -----------------------------------------------------------------------------


def current_day(ctx: Context) -> int:
    day = _ss().get("day")
    return int(min(ctx.end_day, day)) if day is not None else ctx.end_day


def step_day(day: float, step: float, end: float, direction: int = 1) -> int:
    """One step of the scrubber: a fixed number of days, clamped to the run."""
    return int(min(end, max(0, day + direction * step)))


def _on_step(direction: int, end: int) -> None:
    ss = _ss()
    ss["w_day"] = step_day(ss.get("w_day", 0), ss.get("w_step", 28), end, direction)
    ss["day"] = ss["w_day"]


def _on_day() -> None:
    _ss()["day"] = _ss()["w_day"]


def _time_controls(ctx: Context, playable: bool) -> int:
    ss = _ss()
    end = ctx.end_day
    if ss.get("w_day") is None or ss.get("w_day") != current_day(ctx):
        ss["w_day"] = current_day(ctx)
    if "w_step" not in ss:
        ss["w_step"] = 28
    if "w_speed" not in ss:
        ss["w_speed"] = "normal"
    if playable and ss.get("playing"):
        now = time.monotonic()
        if now - ss.get("last_tick", 0.0) >= SPEEDS[ss["w_speed"]] * 0.5:
            ss["last_tick"] = now
            ss["w_day"] = step_day(ss["w_day"], ss["w_step"], end)
            ss["day"] = ss["w_day"]
            if ss["w_day"] >= end:
                ss["playing"] = False
                st.rerun()
    cols = st.columns([4.2, 1.3, 1.3, 1.3, 1.3, 1.3], vertical_alignment="bottom")
    cols[0].slider("Day from onset (day)", 0, end, step=1, key="w_day", on_change=_on_day,
                   help="Scrub through the disease; every chart's cursor follows.")
    cols[1].button("Back", icon=":material/skip_previous:", key="w_step_back",
                   on_click=_on_step, args=(-1, end), help="Go back one step.")
    if playable:
        playing = bool(ss.get("playing"))
        if cols[2].button("Pause" if playing else "Play", key="w_play",
                          icon=":material/pause:" if playing else ":material/play_arrow:",
                          help="Play or pause the time line."):
            ss["playing"] = not ss.get("playing")
            if ss["playing"] and ss["w_day"] >= end:
                ss["w_day"] = 0
                ss["day"] = 0
            ss["last_tick"] = time.monotonic()
            st.rerun()
    cols[3].button("Next", icon=":material/skip_next:", key="w_step_fwd", on_click=_on_step,
                   args=(1, end), help="Go forward one step.")
    cols[4].selectbox("Step (days)", STEP_DAYS, key="w_step",
                      help="Days per step, the same at every speed.")
    if playable:
        cols[5].selectbox("Speed", tuple(SPEEDS), key="w_speed",
                          help="How often a step is taken while playing.")
    day = int(ss["w_day"])
    ss["day"] = day
    st.caption(f"Day {day} = year {day / S.YEAR:.2f} from onset.")
    if st.query_params.get("day") != f"{day:g}":
        st.query_params["day"] = f"{day:g}"
    return day


def scrubbed(ctx: Context, draw: Callable[[int], None], playable: bool = True) -> None:
    """Time controls plus ``draw(day)`` in one fragment that re-runs on each tick while playing."""
    playing = playable and bool(_ss().get("playing"))

    def body() -> None:
        draw(_time_controls(ctx, playable))

    st.fragment(body, run_every=SPEEDS[_ss().get("w_speed", "normal")] if playing else None)()
