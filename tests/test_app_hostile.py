"""Hostile links and uploads in the dashboard: a message on the page, never a traceback; no file
outside scenarios/ is ever read; user text is shown as text, never as HTML, a link or an image.
"""

from __future__ import annotations

import builtins
import io
import pathlib
import re
import sys
from pathlib import Path

import pytest
import tomli_w
from streamlit.testing.v1 import AppTest

import sim
from app_pages import settings as S
from app_pages.state import W
from app_pages.text import plain
from sim import ScenarioError, workload
from sim.limits import MAX_SCENARIO_BYTES
from tests.apptest_support import APP, UPLOAD, clear_cache  # noqa: F401 (autouse fixture)
from tests.apptest_support import new_app as _app

ROOT = Path(__file__).resolve().parent.parent
PRESETS = sim.preset_names()



def _upload(at: AppTest, data: bytes, name: str = "mine.toml") -> AppTest:
    at.run()
    at.switch_page("app_pages/export.py").run()
    at.file_uploader(key=UPLOAD).set_value((name, data, "text/plain")).run()
    return at


def _shown(at: AppTest) -> str:
    """Every text element's markdown, as Streamlit would render it."""
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error", "success")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


# --- reads: only presets, by name -------------------------------------------------------------
OURS = (str(ROOT / "sim"), str(ROOT / "app_pages"), str(ROOT / "app.py"))


class _Reads:
    """Every file the simulator or the dashboard opens itself while a test runs: calls of
    ``open`` and of pathlib's readers made directly from ``sim/``, ``app_pages/`` or ``app.py``
    (Streamlit's and the standard library's own reads are left out)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[Path] = []
        for owner, name in ((builtins, "open"), (io, "open"), (pathlib.Path, "open"),
                            (pathlib.Path, "read_bytes"), (pathlib.Path, "read_text")):
            monkeypatch.setattr(owner, name, self._spy(getattr(owner, name)))

    def _spy(self, real):
        def spy(file, *args, **kwargs):
            if sys._getframe(1).f_code.co_filename.startswith(OURS):
                self.paths.append(Path(file).resolve())
            return real(file, *args, **kwargs)

        return spy

    def outside_presets(self) -> list[Path]:
        presets = sim.scenario.preset_dir().resolve()
        return [p for p in self.paths if presets not in p.parents and p.suffix != ".py"]


def _traversals(secret: Path) -> list[str]:
    return ["../../etc/passwd", "/etc/passwd", "..%2F..%2Fetc%2Fpasswd", "....//....//etc/passwd",
            "untreated/../../../../etc/passwd", "../scenarios/untreated", "untreated.toml",
            "./untreated", "untreated\x00", "", ".", "..", str(secret), str(secret.with_suffix("")),
            "~/secret", "C:\\Windows\\win.ini", "\\\\host\\share\\x"]


@pytest.fixture
def secret(tmp_path) -> Path:
    """A valid scenario outside scenarios/, named SECRET: it must never be shown."""
    path = tmp_path / "secret.toml"
    path.write_text('[scenario]\nname = "SECRET"\n', encoding="utf-8")
    return path


def test_a_preset_name_from_a_link_never_reads_a_file_outside_scenarios(secret, monkeypatch):
    reads = _Reads(monkeypatch)
    for name in _traversals(secret):
        r = S.from_query({"scenario": name}, PRESETS)
        assert r.preset == S.DEFAULT_PRESET, name
        assert any("is not a preset" in n for n in r.notes), name
        with pytest.raises(ScenarioError, match="unknown preset"):
            S.base_scenario(name)
    assert reads.outside_presets() == [] and reads.paths  # presets were read, nothing else


def test_the_read_spy_sees_a_file_outside_scenarios(secret, monkeypatch):
    reads = _Reads(monkeypatch)
    assert sim.load_scenario(secret).name == "SECRET"  # the Python API takes paths on purpose
    assert reads.outside_presets() == [secret.resolve()]


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "SECRET_PATH"])
def test_a_traversal_link_in_the_app_shows_the_default_preset(name, secret, monkeypatch):
    reads = _Reads(monkeypatch)
    at = _app(scenario=str(secret) if name == "SECRET_PATH" else name)
    at.run()
    assert not at.exception
    assert at.session_state[W.PRESET] == S.DEFAULT_PRESET
    assert "is not a preset" in _shown(at)
    assert "SECRET" not in _shown(at).replace(str(secret), "")
    assert reads.outside_presets() == [] and reads.paths


def test_an_upload_named_like_a_path_reads_nothing_but_itself(secret, monkeypatch):
    reads = _Reads(monkeypatch)
    text = sim.load_scenario("untreated").to_toml().encode()
    at = _upload(_app(), text, name="../../etc/passwd.toml")
    assert not at.exception and at.session_state[W.PRESET] == S.UPLOADED
    at = _upload(_app(), text, name=f"{secret}")
    assert "SECRET" not in _shown(at).replace(str(secret), "")
    assert reads.outside_presets() == []


# --- links ------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", ["²", "٣", "１２", "1_0", "9" * 5000, "-1", " ", "1e3", "0x10"])
def test_a_seed_that_is_not_ascii_digits_falls_back_with_a_note(seed):
    r = S.from_query({"seed": seed}, PRESETS)
    assert r.seed == sim.load_scenario(S.DEFAULT_PRESET).scenario.seed
    assert len(r.notes) == 1 and "seed=" in r.notes[0] and len(r.notes[0]) < 300


def test_seed_superscript_link_shows_a_note_not_a_traceback():
    at = _app(seed="²")
    at.run()
    assert not at.exception
    assert "seed=" in _shown(at)


@pytest.mark.parametrize(("key", "raw"), [
    ("lesion_rate", "nan"), ("lesion_rate", "inf"), ("lesion_rate", "٣"), ("ivig_every", "8.5"),
    ("ivig_every", "1e400"), ("years", "0"), ("day", "nan"), ("day", "-1"), ("day", "²"),
    ("pred_start", "0.0"), ("ivig_dose", "2.45"), ("ivig", "maybe"), ("anti_gm1", "<b>x</b>"),
])
def test_every_link_value_is_parsed_into_its_controls_range(key, raw):
    r = S.from_query({key: raw}, PRESETS)
    for p in S.PARAMS:
        v = r.values[p.name]
        if p.kind in ("int", "float"):
            assert type(v) is (int if p.kind == "int" else float), (p.name, v)
            assert p.lo <= v <= p.hi, (p.name, v)
    assert r.day is None or r.day >= 0


def test_many_unknown_link_values_make_one_note():
    r = S.from_query({f"k{i}": "1" for i in range(5000)}, PRESETS)
    assert len(r.notes) == 1 and len(r.notes[0]) < 200


# --- uploads ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("data", "words"), [
    (("name = " + "[" * 500 + "]" * 500).encode(), ["nested"]),
    (b"[scenario]\nyears = " + b"9" * 5000, ["too long to read"]),
    (b"\x00\x01\x02\xff\xfe binary", ["not UTF-8"]),
    ("[scenario]\nyears = 5\n".encode("utf-16"), ["not UTF-8"]),
    (b"#" * (MAX_SCENARIO_BYTES + 1), ["at most 64 KB"]),
    (b"[scenario]\nyears = true\n", ["not a number"]),
    ("[scenario]\nname = 'caf\xe9'\n".encode("latin-1"), ["not UTF-8"]),
])
def test_hostile_uploads_are_one_sentence(data, words):
    with pytest.raises(ScenarioError) as err:
        S.read_upload(data, "up.toml")
    msg = str(err.value)
    assert "\n" not in msg and msg.endswith(".") and len(msg) < 400, msg
    for w in words:
        assert w in msg, msg


def test_an_empty_upload_is_the_default_scenario_not_a_crash():
    """Found by the fuzz: an empty file was accepted, then its empty text was taken for 'no
    upload' and the page looked for a preset named like the upload marker."""
    at = _upload(_app(), b"", name=".toml")
    assert not at.exception and at.session_state[W.PRESET] == S.UPLOADED
    at.switch_page("app_pages/timeline.py").run()
    assert not at.exception


def test_a_run_shorter_than_a_day_still_draws_every_page():
    """Found by the fuzz: years = 1e-06 made the day slider's range 0 to 0."""
    at = _upload(_app(), b"[scenario]\nyears = 1e-06\n")
    assert at.session_state[W.PRESET] == S.UPLOADED
    for page in ("app_pages/timeline.py", "app_pages/body_map.py",
                 "app_pages/nerve_conduction.py", "app_pages/diagnosis.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)


def test_a_utf8_byte_order_mark_is_accepted():
    sc, text = S.read_upload("\ufeff[scenario]\nyears = 5\n".encode(), "bom.toml")
    assert sc.scenario.years == 5 and not text.startswith("\ufeff")


# What the sidebar's sliders cannot show: (file values, control that is clamped).
OUT_OF_RANGE = [
    ({"scenario": {"years": 0.5}}, "years"),
    ({"disease": {"lesion_rate_per_year": 15.0}}, "lesion_rate"),
    ({"treatment": [{"kind": "ivig", "every_days": 5.0, "infusion_days": 1}]}, "ivig_every"),
    ({"treatment": [{"kind": "ivig", "every_days": 120.0}]}, "ivig_every"),
    ({"treatment": [{"kind": "ivig", "every_days": 28.0, "dose_g_per_kg": 0.1}]}, "ivig_dose"),
    ({"treatment": [{"kind": "ivig", "every_days": 28.0, "dose_g_per_kg": 4.0}]}, "ivig_dose"),
    ({"treatment": [{"kind": "plasma_exchange", "every_days": 2.0, "count": 40}]}, "plex_count"),
    ({"treatment": [{"kind": "prednisolone", "mg_per_day": 200.0}]}, "pred_mg"),
]


@pytest.mark.parametrize(("data", "control"), OUT_OF_RANGE, ids=[c for _, c in OUT_OF_RANGE])
def test_values_beyond_a_slider_are_clamped_for_display_and_run_as_written(data, control):
    scenario = sim.parse_scenario(data)
    shown = S.defaults(scenario)
    p = S.PARAM_BY_NAME[control]
    assert p.lo <= shown[control] <= p.hi
    notes = S.range_notes(scenario)
    assert len(notes) == 1 and p.label in notes[0] and "runs as written" in notes[0]
    assert S.build_scenario(scenario, shown) == scenario  # the untouched sidebar changes nothing


def test_presets_lie_within_every_slider():
    for name in PRESETS:
        assert S.range_notes(sim.load_scenario(name)) == [], name


def test_an_upload_beyond_the_sliders_shows_a_note_and_runs_as_written():
    data = {"scenario": {"name": "Wide", "years": 0.5},
            "disease": {"lesion_rate_per_year": 15.0},
            "treatment": [{"kind": "ivig", "every_days": 5.0, "infusion_days": 1,
                           "dose_g_per_kg": 4.0},
                          {"kind": "plasma_exchange", "start_day": 30.0, "every_days": 2.0,
                           "count": 40}]}
    at = _upload(_app(), tomli_w.dumps(data).encode())
    assert not at.exception and at.session_state[W.PRESET] == S.UPLOADED
    for page in ("app_pages/compare.py", "app_pages/export.py", "app_pages/timeline.py"):
        at.switch_page(page).run()
        assert not at.exception, page
    notes = " ".join(w.value for w in at.warning)
    assert notes.count("runs as written") == 5, notes
    assert at.session_state[W.PARAM["years"]] == 1.0
    assert at.slider(key=W.DAY).max == int(0.5 * S.YEAR)  # the run is the file's half year


def test_a_scenario_too_heavy_for_the_dashboard_is_refused_with_a_message():
    heavy = {"scenario": {"years": 40, "record_every_days": 1},
             "treatment": [{"kind": "scig", "start_day": i / 3, "every_days": 1}
                           for i in range(3)],
             "study": [{"day": 200.0 * i} for i in range(60)]}
    scenario = sim.parse_scenario(heavy)  # valid: the command line runs it
    assert workload.estimate(scenario).seconds > workload.DASHBOARD_SECONDS
    with pytest.raises(ScenarioError, match="mmn-sim run"):
        S.check_workload(scenario, "heavy.toml")
    at = _upload(_app(), tomli_w.dumps(heavy).encode())
    assert not at.exception
    assert "runs scenarios of up to" in " ".join(e.value for e in at.error)
    assert at.session_state[W.PRESET] != S.UPLOADED


def test_a_slider_that_makes_an_upload_too_heavy_keeps_the_scenario_as_written():
    near = {"scenario": {"years": 10, "record_every_days": 1},
            "treatment": [{"kind": "scig", "start_day": i / 2, "every_days": 1}
                          for i in range(2)],
            "study": [{"day": 60.0 * i} for i in range(60)]}
    assert workload.estimate(sim.parse_scenario(near)).fits_dashboard()
    at = _upload(_app(), tomli_w.dumps(near).encode())
    at.switch_page("app_pages/timeline.py").run()
    assert not at.exception and not at.error
    at.slider(key=W.PARAM["years"]).set_value(40.0).run()
    assert not at.exception
    assert "Showing the scenario as written" in " ".join(e.value for e in at.error)
    assert at.slider(key=W.DAY).max == int(10 * S.YEAR)


def test_a_scenario_too_large_for_the_dashboards_memory_is_refused():
    daily = sim.parse_scenario({"scenario": {"years": 40, "record_every_days": 1}})
    work = workload.estimate(daily)
    assert work.seconds < workload.DASHBOARD_SECONDS < work.megabytes
    with pytest.raises(ScenarioError, match=f"{workload.DASHBOARD_MEGABYTES:g} MB"):
        S.check_workload(daily, "daily.toml")


def test_every_preset_is_light_enough_for_the_dashboard():
    for name in PRESETS:
        assert workload.estimate(sim.load_scenario(name)).fits_dashboard(), name


# --- user text is shown as text ---------------------------------------------------------------
HOSTILE = {
    "name": "[click](http://evil.invalid) <img src=x onerror=alert(1)>",
    "summary": "![t](http://evil.invalid/t.png) :red[big] $x$ www.evil.invalid a@evil.invalid",
    "question": "<script>alert(1)</script> [q](javascript:alert(1))",
}


def test_plain_escapes_what_makes_links_html_and_directives():
    text = plain(" ".join(HOSTILE.values()))
    assert not re.search(r"(?<!\\)[\[\]<>:$&]", text), text
    assert not re.search(r"(?i)(https?|www)[:.]|[^\u2060]@", text.replace("\\", "")), text
    assert plain("lesion_rate *5*") == "lesion_rate *5*"  # readable where harmless


def test_uploaded_text_reaches_the_page_escaped():
    data = {"scenario": {"name": HOSTILE["name"], "summary": HOSTILE["summary"]},
            "teaching": {"question": HOSTILE["question"], "prediction": HOSTILE["name"],
                         "notice": [HOSTILE["summary"]], "references": [HOSTILE["name"]]}}
    at = _upload(_app(), tomli_w.dumps(data).encode(), name="<img src=x>[f](http://e.invalid).toml")
    assert not at.exception
    at.switch_page("app_pages/timeline.py").run()
    shown = _shown(at)
    assert "alert(1)" in shown  # the text is there ...
    for pattern in (r"(?<!\\)<", r"(?<!\\)\[", r"(?<!\\)\$", r"(?<!\\):red"):
        assert not re.search(pattern, shown), (pattern, shown)  # ... but inert


def test_no_page_renders_raw_html():
    """No page renders HTML, with two exceptions: the constant style sheets that let widget
    labels wrap and enlarge the text in presenter mode (``state.PAGE_CSS``,
    ``state.PRESENTER_CSS``: literals with no value of anyone's in them), and the constant
    long-link note (``state.LONG_LINK_NOTE``), whose script reads the address only to count
    its values and writes nothing but that number into the page."""
    from app_pages import state

    for path in [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]:
        code = path.read_text(encoding="utf-8")
        if path.name == "state.py":
            calls = ('st.html(PAGE_CSS + (PRESENTER_CSS if present else ""))',
                     "st.html(LONG_LINK_NOTE, unsafe_allow_javascript=True)")
            assert code.count("st.html(") == 2 and all(code.count(c) == 1 for c in calls)
            for call in calls:
                code = code.replace(call, "")
        for call in ("unsafe_allow_html=True", "unsafe_allow_javascript", "st.html(",
                     "components.html(", "components.v1"):
            assert call not in code, (path.name, call)
    note = state.LONG_LINK_NOTE
    assert "{" not in note.split("<script>")[0]  # a literal: no value formatted into it
    assert note.count("<script>") == 1 and "innerHTML" not in note and "eval(" not in note
    assert "textContent = n.toLocaleString" in note  # the only thing written: the count
    for sheet in (state.PAGE_CSS, state.PRESENTER_CSS):
        assert sheet.startswith("<style>") and sheet.endswith("</style>")
        assert sheet.count("<") == 2  # one style element, nothing else
