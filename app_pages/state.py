"""Shared dashboard state: sidebar, URL <-> settings, cached simulation, time controls.

Every page calls :func:`page_setup` first. What the dashboard remembers between reruns is one
:class:`AppState` under :data:`STATE_KEY`. Widgets keep their own session entries, because
Streamlit stores a widget's value under its key; every such key is made here (``w_`` + a
name: :class:`W` for the sidebar and time controls, :func:`key` and :func:`keep` for a page's).
Streamlit forgets a widget's value on a run that does not draw it (another page is shown), so
the keys in :attr:`AppState.kept` are re-assigned at the top of every run; a page adds its own
with :func:`keep`.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st
from threadpoolctl import threadpool_limits

import sim
from app_pages import glossary, housekeeping, tables
from app_pages import settings as S
from app_pages.pages import PAGE_PARAMS, PAGES
from app_pages.text import plain
from sim import Scenario, ScenarioError

__all__ = [
    "MAX_UPLOAD_BYTES",
    "MIN_STEP_GAP",
    "PLOTLY_CONFIG",
    "SECONDS_PER_STEP",
    "STATE_KEY",
    "STEP_DAYS",
    "step_label",
    "preset_title",
    "AppState",
    "Context",
    "S",
    "ScenarioError",
    "Upload",
    "W",
    "accept_upload",
    "chart",
    "current",
    "current_day",
    "diagnosis_button",
    "keep",
    "key",
    "page_header",
    "page_setup",
    "scrubbed",
    "simulate",
    "step_day",
    "teaching",
]

# One BLAS thread for the whole server: the model's matrix products are tiny, and OpenBLAS
# threads spinning on a busy 2-core machine made a new run cost 41-45 ms of CPU instead of
# 23 ms (measured; see sim/threads.py). Sessions already run side by side in threads.
threadpool_limits(limits=1, user_api="blas")

# Two chart buttons, not eight: each is a Tab stop for a keyboard user. Zoom stays a drag on
# the chart (double-click, or Reset axes, undoes it); the numbers are in the data table.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "modeBarButtons": [["toImage", "resetScale2d"]],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
STEP_DAYS = (7, 28, 91, 365)


def step_label(days: int) -> str:
    """A step in words: 1 week, 4 weeks, 3 months, 1 year."""
    return {7: "1 week", 28: "4 weeks", 91: "3 months", 365: "1 year"}.get(days, f"{days} days")


# While playing, the time line's fragment re-runs every SECONDS_PER_STEP[speed] seconds and
# each re-run takes one step (a fixed number of days, see STEP_DAYS).
SECONDS_PER_STEP = {"slow": 1.0, "normal": 0.5, "fast": 0.25}
# A re-run steps only once at least this share of the interval has passed since the last step:
# a timer tick may come a little early, and a re-run for another reason (a click) just after a
# step must not take a second one.
MIN_STEP_GAP = 0.5
MAX_UPLOAD_BYTES = sim.limits.MAX_SCENARIO_BYTES
STATE_KEY = "app_state"  # the one session entry that is not a widget's


# --- widget keys -------------------------------------------------------------------------------


def _widget_key(name: str) -> str:
    return f"w_{name}"


class W:
    """Keys of the widgets this module draws: the sidebar and the time controls."""

    PRESET = _widget_key("preset")
    SEED = _widget_key("seed")
    NEW_PATIENT = _widget_key("new_patient")
    RESET = _widget_key("reset")
    DAY = _widget_key("day")
    STEP = _widget_key("step")
    SPEED = _widget_key("speed")
    STEP_BACK = _widget_key("step_back")
    STEP_FWD = _widget_key("step_fwd")
    PLAY = _widget_key("play")
    PARAM: Mapping[str, str] = {p.name: _widget_key(p.name) for p in S.PARAMS}


_OWN_KEYS = frozenset(
    [v for k, v in vars(W).items() if k.isupper() and isinstance(v, str)] + [*W.PARAM.values()]
)
# Kept across pages from the first run on; pages add theirs with keep().
_KEPT_FROM_START = (W.PRESET, W.SEED, W.DAY, W.STEP, W.SPEED, *W.PARAM.values())


def key(name: str) -> str:
    """The session key of a page's widget ``name``; refuses names the sidebar already uses."""
    k = _widget_key(name)
    if k in _OWN_KEYS:
        raise ValueError(f"widget name {name!r} is taken by the sidebar or the time controls")
    return k


def keep(name: str, default: Callable[[], Any] | None = None) -> str:
    """Key of a page's widget whose value survives switching to another page and back.

    ``default()`` gives the first value while the widget has none (pass it here, not to the
    widget: a widget given both a default and a session value warns).
    """
    k = key(name)
    current().kept.add(k)
    if default is not None and k not in st.session_state:
        st.session_state[k] = default()
    return k


def _get(k: str, fallback: Any = None) -> Any:
    return st.session_state.get(k, fallback)


def _set(k: str, value: Any) -> None:
    st.session_state[k] = value


# --- session state -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    text: str  # scenario TOML as uploaded
    name: str  # the scenario's own name, for the preset list


@dataclass
class AppState:
    """Everything the session remembers besides widget values.

    ``preset``, ``seed`` and ``values`` are the settings of the last run: the widgets are
    re-made from them if Streamlit has dropped them.
    """

    preset: str
    seed: int
    values: dict[str, Any]
    day: float | None = None  # scrubbed day; None = the run's last day
    notes: list[str] = field(default_factory=list)  # link values that could not be used
    playing: bool = False
    last_tick: float = 0.0  # time.monotonic() of the last step taken while playing
    upload: Upload | None = None
    upload_outcome: tuple[str, str] | None = None  # ("ok", file name) or ("error", message)
    kept: set[str] = field(default_factory=lambda: set(_KEPT_FROM_START))
    # this session's recent runs, oldest first; see simulate()
    recent_runs: dict[tuple[Scenario, int], sim.Run] = field(default_factory=dict, repr=False)

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> AppState:
        """The state a page address describes; values it cannot use become notes."""
        r = S.from_query(query, sim.preset_names())
        return cls(r.preset, r.seed, dict(r.values), r.day, list(r.notes))

    def base(self, preset: str) -> Scenario:
        """The scenario the sidebar starts from for ``preset`` (the upload, if chosen)."""
        return S.base_scenario(preset, self.upload.text if self.upload else None)


def current() -> AppState:
    """This session's state, made from the page address on the session's first run."""
    ss = st.session_state
    if STATE_KEY not in ss:
        query = {k: v for k, v in st.query_params.to_dict().items()
                 if k not in PAGE_PARAMS and k != PRESENT}
        ss[STATE_KEY] = AppState.from_query(query)
    return ss[STATE_KEY]


def _load_widgets(preset: str, seed: int, values: Mapping[str, Any]) -> None:
    _set(W.PRESET, preset)
    _set(W.SEED, seed)
    for name, k in W.PARAM.items():
        _set(k, values[name])


def _reseed(app: AppState) -> None:
    """Keep widget values across pages; re-make any Streamlit dropped from the settings."""
    ss = st.session_state
    for k in app.kept:
        if k in ss:
            ss[k] = ss[k]
    if ss.get(W.PRESET) is None:
        ss[W.PRESET] = app.preset
    if ss.get(W.SEED) is None:
        ss[W.SEED] = app.seed
    for name, k in W.PARAM.items():
        if k not in ss:
            ss[k] = app.values[name]


def _on_preset() -> None:
    app = current()
    preset = _get(W.PRESET)
    base = app.base(preset)
    _load_widgets(preset, base.scenario.seed, S.defaults(base))
    app.day = None
    app.notes = S.range_notes(base)
    app.playing = False


def _on_reset() -> None:
    _on_preset()


def _on_new_patient() -> None:
    _set(W.SEED, random.randrange(S.MAX_SEED))
    current().notes = []


def _on_change() -> None:
    current().notes = []


def accept_upload(data: bytes, name: str) -> str | None:
    """Validate an uploaded scenario; on success make it the current one. Returns an error."""
    try:
        scenario, text = S.read_upload(data, name)
    except ScenarioError as err:
        return str(err)
    app = current()
    app.upload = Upload(text, scenario.name)
    _load_widgets(S.UPLOADED, scenario.scenario.seed, S.defaults(scenario))
    app.day = None
    app.notes = S.range_notes(scenario)
    return None


# --- simulation ----------------------------------------------------------------------------------


def _scenario_hash(scenario: Scenario) -> int:
    # A Scenario is immutable and hashable; the cache lives in this process only, so Python's
    # per-process hash is a stable key, and far cheaper than writing the scenario out as TOML.
    return hash(scenario)


# Memory, not only speed, bounds a class: one run pickles to about 1.4 MB, and this cache is
# shared by every session and outlives them. 16 runs (~22 MB) serve the presets and links a
# class shares; each session keeps its own recent runs in its AppState (freed when it closes).
SHARED_RUNS = 16
SHARED_TTL_S = 30 * 60
SESSION_RUNS = 6  # the Compare page draws up to five plans of one patient
PREBUILT_TABLES = ("clinical", "events", "muscles")  # what the timeline (the first page) reads


@st.cache_data(max_entries=SHARED_RUNS, ttl=SHARED_TTL_S, show_spinner=False,
               hash_funcs={Scenario: _scenario_hash})
def _simulate_shared(scenario: Scenario, seed: int) -> sim.Run:
    run = sim.simulate(scenario, seed=seed)
    for name in PREBUILT_TABLES:  # built once here, so every cached copy carries them
        run.tables[name]
    return run


def simulate(scenario: Scenario, seed: int) -> sim.Run:
    """One virtual patient, from this session's recent runs or the shared cache.

    A rerun for a day scrub or a page switch then costs no copy at all; a new setting costs
    one simulation, or one unpickling when another session ran it already.
    """
    recent = current().recent_runs
    key = (scenario, seed)
    run = recent.pop(key, None)
    if run is None:
        run = _simulate_shared(scenario, seed)
    recent[key] = run  # most recent last
    while len(recent) > SESSION_RUNS:
        recent.pop(next(iter(recent)))
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
    def tables(self) -> Mapping[str, pd.DataFrame]:
        return self.run.tables

    def variant(self, **changes: Any) -> sim.Run:
        """The same patient (same seed) with some sidebar values changed."""
        return simulate(S.build_scenario(self.base, dict(self.values, **changes)), self.seed)


# --- sidebar ---------------------------------------------------------------------------------


def _param_widget(p: S.Param, disabled: bool = False) -> None:
    k = W.PARAM[p.name]
    if p.kind == "bool":
        st.toggle(p.label, key=k, help=p.help, on_change=_on_change)
    elif p.kind == "choice":
        st.selectbox(p.label, p.choices, key=k, help=p.help, on_change=_on_change,
                     disabled=disabled)
    elif p.kind == "int":
        st.slider(p.label, int(p.lo), int(p.hi), step=int(p.step), key=k, help=p.help,
                  on_change=_on_change, disabled=disabled)
    else:
        st.slider(p.label, float(p.lo), float(p.hi), step=float(p.step), key=k, help=p.help,
                  on_change=_on_change, disabled=disabled)


@functools.cache
def preset_title(name: str) -> str:
    """A preset's title (its scenario name) for the picker; the file name if it has none."""
    try:
        return sim.load_scenario(name).scenario.name or name
    except Exception:  # noqa: BLE001 - a broken preset is reported where it is loaded
        return name


def _sidebar(app: AppState) -> tuple[str, int, dict[str, Any]]:
    _reseed(app)
    options = sim.preset_names() + ([S.UPLOADED] if app.upload else [])
    if _get(W.PRESET) not in options:
        _set(W.PRESET, S.DEFAULT_PRESET)
    upload_name = app.upload.name if app.upload else ""
    with st.sidebar:
        st.selectbox(
            "Scenario preset", options, key=W.PRESET, on_change=_on_preset,
            format_func=lambda n: f"uploaded: {upload_name}" if n == S.UPLOADED else
            preset_title(n),
            help="Each preset teaches one point; its question is shown below. Its file name "
                 "(for the command line and links) is in the address as scenario=...",
        )
        base = app.base(_get(W.PRESET))
        # The picker's box cuts a long title off; the whole title starts the box below it.
        title = plain(base.scenario.name)
        stop = "" if title.endswith(("?", "!", ".")) else "."
        if base.teaching.question:
            st.info(f"**{title}{stop}** Question: {plain(base.teaching.question)}" if title
                    else f"**Question:** {plain(base.teaching.question)}")
        elif title:
            st.info(f"**{title}**")
        if base.scenario.summary:
            st.caption(plain(base.scenario.summary))
        c1, c2 = st.columns(2, vertical_alignment="bottom")
        c1.number_input("Seed (patient number)", 0, S.MAX_SEED, step=1, key=W.SEED,
                        help="Same seed, same virtual patient: disease draws are shared "
                        "across treatment plans.", on_change=_on_change)
        c2.button("New patient", key=W.NEW_PATIENT, on_click=_on_new_patient, width="stretch",
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
                    off = (switch is not None and p is not switch
                           and not _get(W.PARAM[switch.name]))
                    _param_widget(p, disabled=off)
        st.divider()
        st.button("Reset to preset", key=W.RESET, on_click=_on_reset, type="secondary",
                  help="Put every control back to the preset's values, seed included.")
        st.caption("The page address carries these settings: copy it to share this exact view.")
    values = {name: _get(k) for name, k in W.PARAM.items()}
    return _get(W.PRESET), int(_get(W.SEED)), values


# --- page setup --------------------------------------------------------------------------------


# Widget labels wrap onto a second line instead of ending in an ellipsis: on a projector at
# 1024 px every word of a control's label must show (Streamlit cuts a long one to one line).
# The options of an open select box wrap too (a 73-character preset title in the sidebar's
# picker), and grow to fit. A closed sidebar is also taken out of the keyboard's way: Streamlit
# slides it off screen but leaves its 30-odd controls in the Tab order before the page's own.
PAGE_CSS = ("<style>[data-testid='stWidgetLabel'] * {white-space: normal !important; "
            "overflow: visible !important; text-overflow: clip !important;} "
            "[role='listbox'] [role='option'] {height: auto !important; min-height: 40px; "
            "padding-top: 0.4rem; padding-bottom: 0.4rem;} "
            "[role='listbox'] [role='option'] > * {white-space: normal !important; "
            "overflow: visible !important; text-overflow: clip !important;} "
            "[data-testid='stSidebar'][data-collapsed='true'] {display: none;}</style>")


# Presenter mode (link value present=1, or the sidebar switch): larger text for the back of a
# lecture hall, the sidebar closed when the link is opened.
PRESENT = "present"
PRESENTER_CSS = ("<style>[data-testid='stMain'] {font-size: 1.25rem;} "
                 "[data-testid='stMain'] p, [data-testid='stMain'] li, "
                 "[data-testid='stMain'] label, [data-testid='stMain'] button "
                 "{font-size: 1.25rem !important;} "
                 "[data-testid='stMain'] [data-testid='stMetricValue'] * "
                 "{font-size: 3rem !important;}</style>")


# A link with more than 1,000 values (or over 512 Ki characters) reaches the script with no
# query at all: Streamlit drops the whole string before the page runs, so only the browser
# still knows. This note is drawn hidden on every page and shown by the browser when the
# address the tab was opened with is over those limits (Streamlit's own, 1.67).
LONG_LINK_NOTE = """<div id="mmn-long-link" role="alert" hidden
 style="padding:0.75rem 1rem;border-radius:0.5rem;background:#fff3cd;color:#3d2e00">
This link holds <b id="mmn-long-link-n"></b> values, more than the 1,000 a dashboard link may
carry, so all of them were ignored and the page opened as for a plain link. To share that many
settings, save them as a scenario file on the Export page and upload that file there.</div>
<script>
(() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const q = new URL(nav ? nav.name : window.location.href).search.slice(1);
  const n = q ? q.split("&").length : 0;
  if (n > 1000 || q.length > 512 * 1024) {
    document.getElementById("mmn-long-link-n").textContent = n.toLocaleString("en");
    document.getElementById("mmn-long-link").hidden = false;
  }
})();
</script>"""


def presenting() -> bool:
    return st.query_params.get(PRESENT) == "1"


def _on_present() -> None:
    if st.session_state.get(key("presenter")):
        st.query_params[PRESENT] = "1"
    else:
        st.query_params.pop(PRESENT, None)


def page_header(title: str) -> None:
    """Tab title, the teaching-model disclaimer and the page title: every page starts so
    (a page with its own controls instead of the sidebar calls only this)."""
    present = presenting()
    st.set_page_config(page_title=f"MMN simulator - {title}", layout="wide",
                       initial_sidebar_state="collapsed" if present else "auto")
    st.html(PAGE_CSS + (PRESENTER_CSS if present else ""))
    st.sidebar.toggle("Presenter mode (projector)", value=present, key=key("presenter"),
                      on_change=_on_present,
                      help="Larger text for a lecture hall; a link with present=1 opens in it "
                           "with the sidebar closed.")
    st.caption(f"⚠ {sim.DISCLAIMER}")
    st.html(LONG_LINK_NOTE, unsafe_allow_javascript=True)
    st.title(title)
    glossary.expander()
    housekeeping.start()  # once per server process: memory back after a class


def page_setup(title: str) -> Context:
    """Disclaimer, title, sidebar, URL sync and the (cached) run for the current settings."""
    page_header(title)
    app = current()
    preset, seed, values = _sidebar(app)
    for note in app.notes:
        st.warning(plain(note), icon="ℹ️")
    base = app.base(preset)
    try:
        scenario = S.build_scenario(base, values)
    except ScenarioError as err:
        st.error(plain(f"These settings do not make a valid scenario: {err} Showing the "
                       "preset."))
        scenario = base
    try:
        S.check_workload(scenario, "These settings")
    except ScenarioError as err:  # e.g. an upload near the limit, run for more years
        st.error(plain(f"{err} Showing the scenario as written."))
        scenario = base
    app.preset, app.seed, app.values = preset, seed, values
    ctx = Context(preset, seed, values, base, scenario, simulate(scenario, seed))
    if app.day is not None and app.day > ctx.end_day:
        app.day = ctx.end_day
    query = S.to_query(preset, seed, values, S.defaults(base), app.day)
    if presenting():
        query[PRESENT] = "1"
    if dict(st.query_params) != query:
        st.query_params.from_dict(query)
    return ctx


def chart(fig: Any, name: str, table: pd.DataFrame, alt: str,
          describe: str | None = None) -> None:
    """A plotly chart with its text alternatives: ``describe``, one sentence on what it shows
    on the chosen day (read out by a screen reader), and its data table."""
    st.plotly_chart(fig, key=name, config=PLOTLY_CONFIG, alt=alt, theme=None)
    if describe:
        st.caption(describe)
    # A switch rather than a collapsed expander: the grid is only built when asked for,
    # which keeps every slider move from re-sending and re-drawing four hidden tables.
    if st.toggle(f"Data table: {alt}", key=key(f"{name}_show_table"),
                 help="Show the numbers behind the chart (its text alternative)."):
        tables.show(table, key=f"{name}_table", hide_index=True)
        # The grid draws only the rows on screen; the whole table, for any reader, is a file.
        st.download_button(f"Download the whole table ({len(table)} rows, CSV)",
                           f"# {sim.DISCLAIMER}\n" + table.to_csv(index=False),
                           file_name=f"{name}.csv", mime="text/csv", key=key(f"{name}_csv"))


def teaching(ctx: Context, page: str = "timeline") -> None:
    """The preset's "predict, then check" panel, on the page its lesson is on (``page``, the
    URL path of the page drawing it); the Timeline links to that page instead."""
    t = ctx.scenario.teaching
    if not (t.prediction or t.notice or t.try_):
        return
    if t.page != page:
        if page == "timeline":
            target = next(p for p in PAGES if p.url == t.page)
            st.page_link(target.path, label=f"This lesson is on the {target.title} page: "
                         "predict and check there", icon=target.icon)
        return
    with st.expander("Before you look: predict, then check", expanded=False):
        if t.prediction:
            st.markdown(f"**Predict:** {plain(t.prediction)}")
        if t.notice:
            st.markdown("**Things to notice**\n" + "\n".join(f"- {plain(n)}" for n in t.notice))
        if t.try_:
            st.markdown("**Things to try**\n" + "\n".join(f"- {plain(n)}" for n in t.try_))
        if t.references:
            st.caption("References: " + "; ".join(plain(r) for r in t.references))


# --- time controls -----------------------------------------------------------------------------


def current_day(ctx: Context) -> int:
    day = current().day
    return int(min(ctx.end_day, day)) if day is not None else ctx.end_day


def step_day(day: float, step: float, end: float, direction: int = 1) -> int:
    """One step of the scrubber: a fixed number of days, clamped to the run."""
    return int(min(end, max(0, day + direction * step)))


def _on_step(direction: int, end: int) -> None:
    day = step_day(_get(W.DAY, 0), _get(W.STEP, 28), end, direction)
    _set(W.DAY, day)
    current().day = day


def _on_play(end: int) -> None:
    # A callback, because it may move the day slider, which a run can no longer change once
    # the slider is drawn.
    app = current()
    app.playing = not app.playing
    if app.playing and _get(W.DAY, 0) >= end:
        _set(W.DAY, 0)
        app.day = 0
    app.last_tick = time.monotonic()


def _on_day() -> None:
    current().day = _get(W.DAY)


def _time_controls(ctx: Context, playable: bool) -> int:
    app = current()
    end = max(1, ctx.end_day)  # a run shorter than a day (years = 1e-6) still gets a slider
    if _get(W.DAY) is None or _get(W.DAY) != current_day(ctx):
        _set(W.DAY, current_day(ctx))
    if _get(W.STEP) is None:
        _set(W.STEP, 28)
    if _get(W.SPEED) is None:
        _set(W.SPEED, "normal")
    if playable and app.playing:
        now = time.monotonic()
        if now - app.last_tick >= SECONDS_PER_STEP[_get(W.SPEED)] * MIN_STEP_GAP:
            app.last_tick = now
            app.day = step_day(_get(W.DAY), _get(W.STEP), end)
            _set(W.DAY, app.day)
            if app.day >= end:
                app.playing = False
                st.rerun()
    # The slider has the whole width (an arrow key moves it a day, Page Up/Down a tenth of the
    # run, Home/End to either end: measured in Chromium); the buttons and pickers below are
    # wide enough for their words at 1024 px. Button labels are words only: a Material icon's
    # name would be read out by a screen reader ("play_arrow").
    st.slider("Day from onset (day)", 0, end, step=1, key=W.DAY, on_change=_on_day,
              help="Scrub through the disease; every chart's cursor follows. Keyboard: arrow "
                   "keys move one day, Page Up and Page Down a tenth of the run, Home and End "
                   "jump to the first and last day.")
    cols = st.columns([1, 1, 1, 1.5, 1.5], vertical_alignment="bottom")
    cols[0].button("◀ Back", key=W.STEP_BACK, on_click=_on_step, args=(-1, end),
                   help="Go back one step (key J).", width="stretch", shortcut="J")
    if playable:
        label = "Pause" if app.playing else "Play"
        if cols[1].button(label, key=W.PLAY, on_click=_on_play, args=(end,),
                          help="Play or pause the time line (key K).", width="stretch",
                          shortcut="K"):
            st.rerun()  # the whole page, so the fragment's timer starts or stops
    cols[2].button("Next ▶", key=W.STEP_FWD, on_click=_on_step, args=(1, end),
                   help="Go forward one step (key L).", width="stretch", shortcut="L")
    cols[3].selectbox("Step", STEP_DAYS, key=W.STEP, format_func=step_label,
                      help="How far Back and Next move, and each step while playing; the "
                           "same at every speed.")
    if playable:
        cols[4].selectbox("Speed", tuple(SECONDS_PER_STEP), key=W.SPEED,
                          help="How often a step is taken while playing.")
    day = int(_get(W.DAY))
    app.day = day
    st.caption(f"Day {day} = year {day / S.YEAR:.2f} from onset. Keyboard: J back, K play or "
               "pause, L next; on the slider the arrow keys move a day.")
    if st.query_params.get("day") != f"{day:g}":
        st.query_params["day"] = f"{day:g}"
    return day


def _on_jump(day: int) -> None:
    _set(W.DAY, day)
    app = current()
    app.day = day
    app.playing = False


def diagnosis_button(ctx: Context, name: str) -> None:
    """A button that moves the day to the diagnosis (the full work-up), or says there is none.

    Draw it before :func:`scrubbed`: its callback sets the day slider before the slider is made.
    """
    j = ctx.run.journey()
    if j.diagnosis is None:
        st.caption("No diagnosis within the simulated years (the diagnostic delay is drawn per "
                   "patient; a scenario's `[journey]` can fix it).")
        return
    day = int(round(j.diagnosis))
    st.button(f"As on the day of diagnosis (day {day}, year {day / S.YEAR:.1f})",
              key=key(name), on_click=_on_jump, args=(day,),
              help="Move the day to the full work-up that made the diagnosis.")


def scrubbed(ctx: Context, draw: Callable[[int], None], playable: bool = True) -> None:
    """Time controls plus ``draw(day)`` in one fragment that re-runs on each tick while playing."""
    playing = playable and current().playing

    def body() -> None:
        draw(_time_controls(ctx, playable))

    every = SECONDS_PER_STEP[_get(W.SPEED, "normal")] if playing else None
    st.fragment(body, run_every=every)()
