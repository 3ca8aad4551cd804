"""Hypothesis strategies for hostile input: scenarios, ``--set`` values, links, uploads, manifests.

Each strategy mixes three kinds of case: valid input bent one field at a time (so the schema's
deeper checks are reached, not only "unknown key"), values of the wrong type or far out of
range, and plain hostility (bracket bombs, 5,000-digit numbers, unicode digits, control
characters, binary, other encodings, paths that climb out of a folder).
"""

from __future__ import annotations

import base64
import json
import typing
from typing import Any

import tomli_w
from hypothesis import strategies as st
from pydantic import BaseModel

import sim
from app_pages import settings as S
from sim import treatments
from sim.scenario import Scenario

__all__ = [
    "CLASS_OPS",
    "class_request",
    "class_query",
    "hostile_scalar",
    "hostile_value",
    "scenario_dict",
    "valid_scenario_dict",
    "scenario_text",
    "override_args",
    "query",
    "upload",
    "manifest_text",
    "TAMPER_OPS",
    "export_tampering",
]

UNICODE_DIGITS = "²³¹٣۴५๓൬０１２３４５６７８９"
PRESETS = sim.preset_names()
NASTY_TEXT = [
    "", " ", "true", "false", "5", "5.0", "nan", "inf", "-inf", "1e400", "-0", "0x10", "1_000",
    "+5", " 7 ", "7 ", "5e", "٣", "²", "１２", "\n", "\r\n", "\x00", "\x1b[2J", "\u202e", "\t",
    "../../etc/passwd", "/etc/passwd", "..\\..\\windows", "untreated/../../x", "untreated.toml",
    "untreated\x00", "%2e%2e%2f", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "![x](http://example.invalid/x.png)", "[click](javascript:alert(1))", ":red[big]",
    "$x^2$", "**bold**", "[[[[", "]]", "{{", "'", '"', '"""', "\\", "a=b", "x\ny=2",
    "9" * 5000, "1" + "0" * 400, "x" * 100_000,
]


# --- values -----------------------------------------------------------------------------------
def _deep(depth: int, leaf: Any = 1) -> Any:
    node: Any = leaf
    for i in range(depth):
        node = [node] if i % 2 else {"a": node}
    return node


hostile_scalar = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 1, 2, 7, 40, 41, 2000, 2001, 2**63 - 1, 2**63, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 0.5, 1e-300, 1e30, 1e308, 14610.0, 14611.0]),
    st.text(max_size=30),
    st.text(alphabet=UNICODE_DIGITS, min_size=1, max_size=5),
    st.sampled_from(NASTY_TEXT),
)
hostile_value = st.one_of(
    hostile_scalar, hostile_scalar, hostile_scalar, hostile_scalar,
    st.recursive(hostile_scalar, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
        max_leaves=8),
    st.integers(min_value=15, max_value=3000).map(_deep),
    st.integers(min_value=0, max_value=500).map(lambda n: [{"kind": "ivig"}] * n),
)


# Values a field might plausibly hold: bounds, just past them, and the schema's words.
plausible_value = st.one_of(
    st.sampled_from([0, 0.05, 0.1, 0.5, 0.95, 1, 1.0, 2, 4.0, 5, 7.0, 16, 20.0, 28, 35.0, 40,
                     40.5, 80, 85.0, 120, 200.0, 365, 2000, 14610.0, 14611]),
    st.floats(min_value=0, max_value=15000),
    st.integers(min_value=0, max_value=3000),
    st.booleans(),
    st.sampled_from(["male", "female", "left", "right", "mmn", "ivig", "scig", "prednisolone",
                     "plasma_exchange", "complement_inhibitor", "shorten_interval",
                     "raise_dose", "A name", "Some teaching text."]),
    st.lists(st.sampled_from(["a note", "another"]), max_size=3),
)
field_value = st.one_of(plausible_value, plausible_value, hostile_value)


# --- scenarios --------------------------------------------------------------------------------
def _section_fields() -> dict[str, list[str]]:
    out = {}
    for section in ("scenario", "patient", "disease", "teaching"):
        model = Scenario.model_fields[section].annotation
        out[section] = [f.alias or n for n, f in model.model_fields.items()]
    return out


SECTION_FIELDS = _section_fields()
KIND_FIELDS = {k: list(t.Spec.model_fields) for k, t in treatments.REGISTRY.items()}
STUDY_FIELDS = list(sim.scenario.StudySpec.model_fields)
TITRATION_FIELDS = ["rule", "trough_drop_pct", "step_days", "min_every_days", "step_g_per_kg",
                    "max_dose_g_per_kg"]


def _bounds(info: Any) -> tuple[float, float]:
    lo, hi = -1e6, 1e6
    for m in info.metadata:
        lo = getattr(m, "ge", None) if getattr(m, "ge", None) is not None else lo
        lo = m.gt + 1e-6 if getattr(m, "gt", None) is not None else lo
        hi = getattr(m, "le", None) if getattr(m, "le", None) is not None else hi
        hi = m.lt - 1e-6 if getattr(m, "lt", None) is not None else hi
    return lo, hi


def _valid_field(draw: Any, info: Any) -> Any:
    """A value of the field's own type within its bounds (the field's checks may still fail)."""
    ann = info.annotation
    args = {ann} if typing.get_origin(ann) is typing.Literal else set(typing.get_args(ann))
    args = args or {ann}
    args.discard(type(None))
    literal = next((a for a in args if typing.get_origin(a) is typing.Literal), None)
    model = next((a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), None)
    lo, hi = _bounds(info)
    if literal is not None:
        return draw(st.sampled_from(typing.get_args(literal)))
    if model is not None:
        return _valid_model(draw, model)
    if bool in args:
        return draw(st.booleans())
    if int in args:
        return draw(st.integers(int(lo), int(hi)))
    if float in args:
        return draw(st.one_of(st.floats(lo, hi), st.sampled_from([lo, hi])))
    if typing.get_origin(info.annotation) is tuple:
        return draw(st.lists(st.text(alphabet="abc .", max_size=20), max_size=3))
    return draw(st.text(alphabet="abcdefgh -", min_size=1, max_size=30))


def _valid_model(draw: Any, model: Any) -> dict[str, Any]:
    out = {}
    for name, info in model.model_fields.items():
        if info.is_required() or draw(st.integers(0, 2)) == 0:
            out[info.alias or name] = _valid_field(draw, info)
    return out


@st.composite
def valid_scenario_dict(draw: Any) -> dict[str, Any]:
    """A scenario built field by field within the schema's bounds: mostly accepted, some
    refused by a cross-field rule or a cap (entries, treatment days); the accepted ones run."""
    data: dict[str, Any] = {s: _valid_model(draw, Scenario.model_fields[s].annotation)
                            for s in ("scenario", "patient", "disease")}
    data["disease"]["kind"] = "mmn"
    entries = []
    for _ in range(draw(st.sampled_from([0, 1, 2, 3, 8, 40]))):
        kind = draw(st.sampled_from(sorted(KIND_FIELDS)))
        spec = treatments.REGISTRY[kind].Spec
        entry = {**_valid_model(draw, spec), "kind": kind}
        if "count" in entry and "until_day" in entry:
            del entry[draw(st.sampled_from(["count", "until_day"]))]
        if ("count" in entry or "until_day" in entry) and "every_days" in spec.model_fields:
            entry.setdefault("every_days", draw(st.sampled_from([7.0, 28.0, 1.0])))
        if "every_days" in entry and "infusion_days" in entry:
            entry["every_days"] = max(entry["every_days"], float(entry["infusion_days"]))
        entries.append(entry)
    data["treatment"] = entries
    data["study"] = [{"day": draw(st.floats(0, 14610))}
                     for _ in range(draw(st.sampled_from([0, 1, 5, 60])))]
    return data


def _schedule_entry(draw: Any) -> dict[str, Any]:
    """A treatment entry with plausible-to-absurd schedule values."""
    kind = draw(st.sampled_from(sorted(KIND_FIELDS)))
    entry: dict[str, Any] = {"kind": kind}
    for name in KIND_FIELDS[kind]:
        if name == "kind" or draw(st.integers(0, 2)) == 0:
            continue
        if name in ("start_day", "until_day", "every_days", "duration_days"):
            entry[name] = draw(st.sampled_from([0.0, 1.0, 1.5, 7.0, 28.0, 365.0, 5000.0,
                                                14610.0]))
        elif name in ("count", "infusion_days"):
            entry[name] = draw(st.sampled_from([1, 2, 5, 100, 2000]))
        elif name == "titration":
            entry[name] = {"rule": draw(st.sampled_from(["shorten_interval", "raise_dose"]))}
        else:
            entry[name] = draw(st.sampled_from([0.0, 0.4, 0.9, 1.0, 2.0, 60.0]))
    return entry


@st.composite
def scenario_dict(draw: Any) -> dict[str, Any]:
    """A preset's scenario with one to four hostile changes."""
    data = sim.load_scenario(draw(st.sampled_from(PRESETS))).to_dict()
    # A third of the cases only bend values within reason, to reach the deeper checks and
    # the engine; the rest may use anything.
    values = draw(st.sampled_from([plausible_value, field_value, field_value]))
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 2, 3, 4]))):
        op = draw(st.sampled_from([0, 0, 1, 1, 2, 3, 3, 4, 4, 5, 6, 7]))
        if op <= 2:  # a known field gets a hostile value
            section = draw(st.sampled_from(sorted(SECTION_FIELDS)))
            _table(data, section)[draw(st.sampled_from(SECTION_FIELDS[section]))] = \
                draw(values)
        elif op == 3 and isinstance(data.get("treatment"), list) and data["treatment"] and \
                isinstance(data["treatment"][-1], dict):  # a field of a treatment entry
            entry = data["treatment"][-1]
            fields = KIND_FIELDS.get(str(entry.get("kind")), ["kind"]) + TITRATION_FIELDS[:1]
            entry[draw(st.sampled_from(fields))] = draw(values)
        elif op == 4:  # many entries with absurd schedules: caps and work bounds
            n = draw(st.sampled_from([1, 3, 10, 39, 40, 41, 200]))
            data["treatment"] = [_schedule_entry(draw) for _ in range(min(n, 8))] * (
                max(1, n // 8))
            _table(data, "scenario")["years"] = draw(st.sampled_from([0.5, 10.0, 40.0]))
            _table(data, "scenario")["record_every_days"] = draw(st.sampled_from([1.0, 7.0,
                                                                                365.0]))
        elif op == 5:  # studies
            n = draw(st.sampled_from([0, 1, 59, 60, 61, 500]))
            data["study"] = [{"day": float(7 * i)} for i in range(n)]
            if n and draw(st.booleans()):  # one entry bent
                data["study"][draw(st.integers(0, n - 1))] = {
                    draw(st.sampled_from(STUDY_FIELDS)): draw(values)}
        elif op == 6:  # an unknown key somewhere
            _table(data, draw(st.sampled_from(["scenario", "disease", "nonsense"])))[
                draw(st.text(max_size=12))] = draw(hostile_value)
        else:  # a whole section replaced
            data[draw(st.sampled_from([*SECTION_FIELDS, "treatment", "study"]))] = \
                draw(hostile_value)
    return data


def _table(data: dict[str, Any], section: str) -> dict[str, Any]:
    """``data[section]`` as a table (an earlier change may have made it something else)."""
    if not isinstance(data.get(section), dict):
        data[section] = {}
    return data[section]


def _to_toml(data: dict[str, Any]) -> str | None:
    try:
        return tomli_w.dumps(data)
    except (TypeError, ValueError, RecursionError):  # None, deep or non-string keys
        return None


@st.composite
def scenario_text(draw: Any) -> str | bytes:
    """A scenario file's contents: a bent preset as TOML, or raw hostile text or bytes."""
    kind = draw(st.integers(0, 9))
    if kind <= 4:
        text = _to_toml(draw(scenario_dict() if kind <= 2 else valid_scenario_dict()))
        if text is not None:
            return text
    bombs = [
        "name = " + "[" * 500 + "]" * 500,
        "a = " + "{b = " * 300 + "1" + "}" * 300,
        "[" + ".".join(["a"] * 3000) + "]\nx = 1\n",
        ".".join(["a"] * 3000) + " = 1\n",
        "[scenario]\nyears = " + "9" * 5000 + "\n",
        "[scenario]\nyears = 1" + "0" * 400 + ".0\n",
        "[scenario]\nyears = nan\n",
        "[scenario]\nyears = inf\n",
        "[scenario]\nyears = true\n",
        '[scenario]\nyears = "5"\n',
        "[[treatment]]\nkind = 'scig'\nevery_days = 1\n" * 200,
        "[[study]]\nday = 1.0\n" * 100,
        "[teaching]\nnotice = [" + ", ".join(['"x"'] * 1000) + "]\n",
        'x = """' + "[" * 1000 + '"""\n',
        "# " + "[" * 1000 + "\n[scenario]\nyears = 5\n",
        "[scenario]\nname = '\x1b[2J'\n",
        "\ufeff[scenario]\nyears = 5\n",
        "[scenario]\r\nyears = 5\r\n",
        "x" * 70_000,
    ]
    if kind <= 7:
        return draw(st.sampled_from(bombs))
    if kind == 8:
        return draw(st.binary(max_size=2000))
    return draw(st.text(max_size=300))


# --- --set -------------------------------------------------------------------------------------
KNOWN_PATHS = [f"{s}.{f}" for s, fields in SECTION_FIELDS.items() for f in fields] + [
    f"treatment.0.{f}" for f in KIND_FIELDS["ivig"]] + [
    "treatment.0.titration.rule", "study.0.day", "study.1.label"]


@st.composite
def override_args(draw: Any) -> list[str]:
    """One to three ``KEY=VALUE`` texts as typed after ``--set``."""
    out = []
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        key = draw(st.one_of(
            st.sampled_from(KNOWN_PATHS), st.sampled_from(KNOWN_PATHS),
            st.sampled_from(KNOWN_PATHS), st.sampled_from(KNOWN_PATHS),
            st.sampled_from(KNOWN_PATHS).map(lambda p: p + ".x"),  # through a scalar
            st.sampled_from(["treatment", "study"]).flatmap(lambda s: st.one_of(
                st.text(alphabet=UNICODE_DIGITS, min_size=1, max_size=3),
                st.integers(-3, 10**30).map(str)).map(lambda i, s=s: f"{s}.{i}.kind")),
            st.integers(2, 2000).map(lambda n: "scenario." + ".".join(["a"] * n)),
            st.text(max_size=20),
        ))
        value = draw(st.one_of(
            plausible_value.map(_toml_value),
            plausible_value.map(_toml_value),
            st.sampled_from(NASTY_TEXT),
            st.text(max_size=20),
            hostile_scalar.map(lambda v: _toml_value(v)),
            st.integers(15, 3000).map(lambda n: "[" * n + "]" * n),
            st.sampled_from(["1\nx=2", "ivig", "[1, 2", "{kind='ivig'}", "1979-05-27",
                             "'unterminated", '"a"', "[]", "{}", "[[1]]"]),
        ))
        if key in FIELD_INFO and draw(st.integers(0, 2)) == 0:  # a value of the field's type
            value = _toml_value(_valid_field(draw, FIELD_INFO[key]))
        out.append(f"{key}={value}" if draw(st.integers(0, 9)) else key)
    return out


def _field_info() -> dict[str, Any]:
    """The schema field behind each known path (for values of the right type)."""
    out = {}
    for section in SECTION_FIELDS:
        for name, info in Scenario.model_fields[section].annotation.model_fields.items():
            out[f"{section}.{info.alias or name}"] = info
    for name, info in treatments.REGISTRY["ivig"].Spec.model_fields.items():
        out[f"treatment.0.{name}"] = info
    return out


FIELD_INFO = _field_info()


def _toml_value(v: Any) -> str:
    text = _to_toml({"v": v})
    return text[4:].strip() if text is not None else repr(v)


# --- links ------------------------------------------------------------------------------------
PARAM_NAMES = [p.name for p in S.PARAMS]


@st.composite
def query(draw: Any) -> dict[str, str]:
    """A page address's query values, as Streamlit hands them to the app (all text)."""
    known = st.sampled_from(["scenario", "seed", "day", *PARAM_NAMES])
    keys = draw(st.lists(st.one_of(known, known, known, st.text(max_size=10)), max_size=8))
    plausible = st.one_of(st.integers(0, 100).map(str), st.sampled_from(["1", "0", "true"]),
                          st.floats(0, 40).map(lambda x: f"{x:g}"))
    values = st.one_of(
        plausible, plausible, plausible,
        st.sampled_from(NASTY_TEXT), st.text(max_size=12), st.sampled_from(PRESETS),
        hostile_scalar.map(str), st.sampled_from(["0", "1", "7", "28", "2.4", "0.2", "84", "85"]),
        st.text(alphabet=UNICODE_DIGITS, min_size=1, max_size=3),
    )
    return {k: draw(values) for k in keys}


@st.composite
def grid_args(draw: Any) -> list[str]:
    """One to three ``PATH=V1,V2,...`` texts as typed after ``--grid``: the ``--set`` paths and
    values, with a few values per path (or a hostile list of them)."""
    out = []
    for arg in draw(override_args()):
        key, eq, value = arg.partition("=")
        extra = draw(st.one_of(
            st.just([]), st.lists(st.sampled_from(["1", "2.5", "28", "0", "-1", "", "x"]),
                                  max_size=3),
            st.integers(30, 3000).map(lambda n: [str(i) for i in range(n)]),  # too many
        ))
        out.append(f"{key}{eq}{','.join([value, *extra])}" if eq else key)
    return out


@st.composite
def mystery_query(draw: Any) -> dict[str, str]:
    """A "Which disease is it?" address: its own keys with plausible and hostile values."""
    from sim import diseases
    from sim import mystery as M

    keys = draw(st.lists(st.one_of(st.sampled_from(M.URL_KEYS), st.text(max_size=8)),
                         max_size=7, unique=True))
    tests = [t.key for t in M.TESTS]
    values = st.one_of(
        st.sampled_from([*diseases.kinds(), "random", M.NONE]),
        st.integers(0, 10**6).map(str),
        st.lists(st.sampled_from([*tests, "x", ""]), max_size=12).map(",".join),
        st.sampled_from(NASTY_TEXT), st.text(max_size=16), hostile_scalar.map(str),
        st.text(alphabet=UNICODE_DIGITS, min_size=1, max_size=3),
        st.binary(max_size=12).map(lambda b: base64.urlsafe_b64encode(b).decode()),
        st.sampled_from(["mmn:1", "bW1uOjE", "Y2lkcDoxMg", "ivig", "prednisolone"]),
    )
    return {k: draw(values) for k in keys}


# --- uploads ----------------------------------------------------------------------------------
SLIDER_BREAKERS = [
    {"scenario": {"years": 0.5}},
    {"disease": {"lesion_rate_per_year": 15.0}},
    {"treatment": [{"kind": "ivig", "every_days": 5.0, "infusion_days": 1}]},
    {"treatment": [{"kind": "ivig", "every_days": 120.0, "dose_g_per_kg": 4.0}]},
    {"treatment": [{"kind": "ivig", "dose_g_per_kg": 0.1, "every_days": 14.0}]},
    {"treatment": [{"kind": "plasma_exchange", "every_days": 2.0, "count": 40}]},
    {"treatment": [{"kind": "prednisolone", "mg_per_day": 200.0, "duration_days": 400.0}]},
]


@st.composite
def upload(draw: Any) -> tuple[bytes, str]:
    """An uploaded file's bytes and name."""
    name = draw(st.one_of(st.just("mine.toml"), st.sampled_from(NASTY_TEXT).map(lambda t: t[:200]),
                          st.text(max_size=40)))
    kind = draw(st.integers(0, 5))
    if kind == 0:
        base = sim.load_scenario(draw(st.sampled_from(PRESETS))).to_dict()
        for change in draw(st.lists(st.sampled_from(SLIDER_BREAKERS), min_size=1, max_size=3)):
            for section, value in change.items():
                if isinstance(value, dict):
                    _table(base, section).update(value)
                else:
                    base[section] = value
        return tomli_w.dumps(base).encode(), name
    text = draw(scenario_text())
    if isinstance(text, bytes):
        return text, name
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-16", "utf-8-sig", "latin-1"]))
    return text.encode(encoding, "replace"), name


# --- manifests --------------------------------------------------------------------------------
MANIFEST_PATHS = ["seed", "patients", "patients.0", "patients.0.patient", "tables",
                  "tables.events", "tables.events.file", "tables.events.sha256", "format",
                  "scenario", "scenario.scenario", "scenario.scenario.years",
                  "scenario.treatment", "overrides", "source"]


@st.composite
def manifest_text(draw: Any, base: dict[str, Any]) -> str:
    """``base`` (a real manifest) tampered with, as JSON text, or raw hostile text."""
    kind = draw(st.integers(0, 9))
    if kind <= 6:
        man = json.loads(json.dumps(base))
        for _ in range(draw(st.integers(1, 3))):
            _set_path(man, draw(st.sampled_from(MANIFEST_PATHS)), draw(hostile_value),
                      delete=draw(st.integers(0, 5)) == 0)
        try:
            return json.dumps(man)
        except (TypeError, ValueError, RecursionError):
            return json.dumps(base).replace('"seed": ', '"seed": NaN, "x": ', 1)
    if kind == 7:
        return draw(st.sampled_from([
            '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}",
            json.dumps(base).replace('"patient": 0', '"patient": Infinity'),
            json.dumps(base).replace('"patient": 0', '"patient": 1e30'),
            json.dumps(base).replace('"seed": ', '"seed": 9' + "9" * 5000 + ', "s": ', 1),
            "[]", "null", '"x"', "{}", "",
        ]))
    return draw(st.text(max_size=200))


# --- exports tampered with on disk -----------------------------------------------------------
# File operations on the table files and parts, and edits of the manifest's table entries
# (what a download, a sync tool or a hand can do to an export folder).
TAMPER_OPS = ("flip", "truncate", "append", "delete", "copy", "stray", "symlink", "folder",
              "rmtable", "rows", "sha256", "content_sha256", "drop_entry", "dup_entry",
              "drop_table", "drop_patient", "part_rows", "swap_entries", "noop")
STRAY_NAMES = ["part-00099.parquet", "part-00000.parquet.partial", "summary-copy.parquet",
               ".hidden", "_tmp", "notes.txt", "summary (1).csv", "patients.csv.bak", "x",
               "part-00001.parquet", "summary.csv", "_metadata", "_common_metadata"]


@st.composite
def export_tampering(draw: Any) -> list[tuple[str, int, int, str]]:
    """One to three tamperings: (operation, which file or table, a number, a file name)."""
    op = st.tuples(st.sampled_from(TAMPER_OPS), st.integers(0, 2**16), st.integers(0, 2**31),
                   st.sampled_from(STRAY_NAMES))
    return draw(st.lists(op, min_size=1, max_size=3))


TRIAL_PATHS = [
    "trial.n", "trial.design", "trial.period_weeks", "trial.washout_weeks", "trial.endpoint",
    "trial.control", "trial.alpha", "trial.rescue_pct", "trial.grip_sd_kg", "trial.name",
    "trial.x", "population.baseline_week", "population.inclusion", "population.benefit_kg",
    "population.treatment", "population.treatment.0.kind", "population.treatment.1.every_days",
    "arm", "arm.0.name", "arm.0.treatment", "arm.0.treatment.0.dose_g_per_kg",
    "arm.1.treatment.0.kind", "arm.0.x", "population",
]


@st.composite
def trial_design_text(draw: Any) -> str | bytes:
    """The Hahn 2013 trial design with one to three fields broken, or hostile TOML text."""
    import tomllib

    from sim.trial.design import trial_preset_dir

    if draw(st.integers(0, 4)) == 0:
        return draw(scenario_text())
    base = tomllib.loads((trial_preset_dir() / "hahn-2013.toml").read_text(encoding="utf-8"))
    for _ in range(draw(st.integers(1, 3))):
        _set_path(base, draw(st.sampled_from(TRIAL_PATHS)), draw(hostile_value),
                  delete=draw(st.integers(0, 5)) == 0)
    try:
        return tomli_w.dumps(base)
    except (TypeError, ValueError, RecursionError):
        return "[trial]\nn = nan\n"


def _set_path(data: Any, path: str, value: Any, delete: bool) -> None:
    parts = path.split(".")
    node = data
    for p in parts[:-1]:
        key: Any = int(p) if isinstance(node, list) and p.isdigit() else p
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return
    last: Any = parts[-1]
    if isinstance(node, list):
        if not last.isdigit():
            return
        last = int(last)
    try:
        if delete:
            del node[last]
        else:
            node[last] = value
    except (KeyError, IndexError, TypeError):
        return


# --- class mode ---------------------------------------------------------------------------------
CLASS_OPS = ("join", "submit", "reveal", "tally", "view", "create", "case", "case summary")


@st.composite
def class_request(draw: Any) -> dict[str, Any]:
    """One request to a class (:mod:`sim.classroom`): which operation, and each part either
    the real one, a near miss, or hostile text."""
    part = lambda real: st.one_of(  # noqa: E731
        st.just(real), st.just(real), st.sampled_from(["real-lower", "real-dashed", "other"]),
        st.sampled_from(NASTY_TEXT), st.text(max_size=40), hostile_scalar.map(str))
    return {
        "op": draw(st.sampled_from(CLASS_OPS)),
        "code": draw(part("real")),
        "token": draw(part("real")),
        "key": draw(part("real")),
        "question": draw(st.one_of(st.sampled_from(["open", "number", "revealed"]),
                                   st.integers(-5, 10**6), hostile_scalar)),
        "value": draw(st.one_of(st.sampled_from(["higher", "about the same", "lower"]),
                                st.floats(-10, 100), hostile_scalar,
                                st.lists(hostile_scalar, max_size=3),
                                st.dictionaries(st.text(max_size=4), hostile_scalar, max_size=2),
                                st.sampled_from(NASTY_TEXT))),
        "nickname": draw(st.one_of(st.text(max_size=40), st.sampled_from(NASTY_TEXT),
                                   hostile_scalar.map(str))),
        "presets": draw(st.lists(st.one_of(st.sampled_from(PRESETS), st.text(max_size=12)),
                                 max_size=14)),
        "hours": draw(st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                                st.sampled_from([0.25, 1, 12, 336, 337, 0, -1]))),
        "tests": draw(st.lists(st.one_of(st.sampled_from(["ncs", "labs", "emg"]),
                                         st.text(max_size=50)), max_size=45)),
        "differential": draw(st.dictionaries(
            st.one_of(st.sampled_from(["mmn", "cidp", "hnpp"]), st.text(max_size=10)),
            st.one_of(st.floats(0, 1), hostile_scalar), max_size=8)),
        "diagnosis": draw(st.one_of(st.none(), st.sampled_from(["mmn", "cidp", "flu"]),
                                    st.text(max_size=45))),
    }


@st.composite
def class_query(draw: Any) -> dict[str, str]:
    """A Class page link: its class, lecturer and me values hostile or plausible."""
    values = st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=30),
                       st.sampled_from(["K7PQ2M", "k7pq2m", "ZZZZZ2", "A" * 6, "A" * 500]))
    keys = draw(st.lists(st.sampled_from(["class", "lecturer", "me"]), unique=True, max_size=3))
    return {k: draw(values) for k in keys}

