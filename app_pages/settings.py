"""Sidebar settings <-> scenario <-> URL, without Streamlit (so it is unit-testable).

A *settings* dict holds the preset name, the seed and one value per :data:`PARAMS` entry. The
preset gives the defaults; only the parameter groups a user changed are written into the
scenario, so an untouched preset runs exactly as its TOML file says. Every scenario goes
through the schema (``sim.parse_scenario``), so a bad value comes back as ScenarioError's one
clear sentence.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sim
from sim import Scenario, ScenarioError, treatments, workload
from sim.limits import ascii_number, ascii_whole, quote, shorten
from sim.treatments import Control
from sim.units import DAYS_PER_YEAR as YEAR

DEFAULT_PRESET = "ivig-maintenance"
UPLOADED = "__uploaded__"
MAX_SEED = 2**31 - 1


# A sidebar control: the run and disease ones are declared here, each treatment's in its own
# module (``sim.treatments``), so a new treatment brings its controls with it.
Param = Control

# Treatments with sidebar controls, in registry order.
_CONTROLLED = tuple(t for t in treatments.REGISTRY.values() if t.controls)
# Who the sidebar describes when a preset leaves a trait to be drawn: the default disease.
_POP = sim.diseases.get(sim.diseases.DEFAULT_KIND).population
_ASYM_LO, _ASYM_HI = _POP.side_bias_range

PARAMS: tuple[Param, ...] = (
    Param("years", "Years simulated (years)", "How many years of disease from onset to show.",
          "float", "run", 1, 40, 1),
    Param("lesion_rate", "Lesion rate (new attacks/year)",
          "Untreated rate of new focal attacks on motor nerves. Presets that leave it out draw "
          f"it per patient (median {_POP.lesion_rate_median:g}/year); moving the slider fixes "
          "it.",
          "float", "disease", 0, 10, 0.1),
    Param("asymmetry", "Asymmetry (share of attacks on one side, 0.5-1)",
          "0.5 = both sides equally; 1 = every attack on the dominant side. MMN is asymmetric "
          f"(EFNS/PNS 2010). Presets that leave it out draw {_ASYM_LO:g}-{_ASYM_HI:g} per "
          "patient.",
          "float", "disease", 0.5, 1.0, 0.05),
    Param("anti_gm1", "Anti-GM1 IgM antibodies",
          "Positive in 43-48% of patients; a high titre speeds axonal loss. 'drawn' lets the "
          "population decide.", "choice", "disease", choices=("drawn", "positive", "negative")),
) + tuple(c for t in _CONTROLLED for c in t.controls)
PARAM_BY_NAME = {p.name: p for p in PARAMS}
# Sidebar sections after the "run" group: (group, title, expanded), in display order.
SECTIONS: tuple[tuple[str, str, bool], ...] = (
    ("disease", "Disease", True),
    *((t.kind, t.title, t.section_expanded) for t in _CONTROLLED),
)


def base_scenario(preset: str, uploaded_toml: str | None = None) -> Scenario:
    """The scenario the sidebar starts from. Parsed once per text: every rerun asks for it.

    ``preset`` is only ever a preset's name, never a path: a name that is not in the preset
    list raises the one-sentence "unknown preset" error without touching the file system.
    """
    if preset == UPLOADED and uploaded_toml is not None:
        return _parse(uploaded_toml, "uploaded file")
    if preset not in sim.preset_names():
        return sim.scenario.load_preset(preset)  # raises the "unknown preset" error
    path = sim.scenario.preset_dir() / f"{preset}.toml"
    return _parse(path.read_text(encoding="utf-8"), path.name)


def read_upload(data: bytes, name: str) -> tuple[Scenario, str]:
    """An uploaded file as a scenario and its text, or ScenarioError's one sentence.

    Size, nesting, encoding and schema are checked by :func:`sim.loads_scenario`; a scenario
    that would take the dashboard too long to simulate is refused here (the CLI runs it).
    """
    source = shorten(name) or "uploaded file"  # a file name is user text too
    scenario = sim.loads_scenario(data, source=source)
    check_workload(scenario, source)
    return scenario, data.decode("utf-8-sig")


def check_workload(scenario: Scenario, source: str) -> None:
    """Raise ScenarioError if ``scenario`` would keep the dashboard busy too long."""
    work = workload.estimate(scenario)
    if not work.fits_dashboard():
        raise ScenarioError(f"{source}: {work.describe()}; the dashboard, shared by a class, "
                            f"runs scenarios of up to {workload.DASHBOARD_SECONDS:g} s and "
                            f"{workload.DASHBOARD_MEGABYTES:g} MB, so run this one with "
                            "'mmn-sim run'.")


@functools.lru_cache(maxsize=64)
def _parse(text: str, source: str) -> Scenario:
    # Scenarios are immutable, so one parsed copy can serve every session.
    return sim.loads_scenario(text, source=source)


def _entries(scenario: Scenario, kind: str) -> list[Any]:
    return [t for t in scenario.treatment if t.kind == kind]


def defaults(scenario: Scenario) -> dict[str, Any]:
    """The sidebar values that describe ``scenario``, each within its control's range.

    A file may say what a slider cannot show (``years = 0.5``, a 120-day IVIg interval): the
    slider then shows the nearest value it can, and because these clamped values are also
    what :func:`build_scenario` compares against, the scenario still runs as written until
    that section's controls are changed (:func:`range_notes` tells the user so).
    """
    return {k: _clamp(PARAM_BY_NAME[k], v) for k, v in _as_written(scenario).items()}


def _clamp(p: Param, v: Any) -> Any:
    if p.kind not in ("int", "float"):
        return v
    v = min(max(v, p.lo), p.hi)
    return int(v) if p.kind == "int" else float(v)


def range_notes(scenario: Scenario) -> list[str]:
    """One note per sidebar value of ``scenario`` that lies outside its control's range."""
    notes = []
    shown = defaults(scenario)
    for k, v in _as_written(scenario).items():
        if v != shown[k]:
            p = PARAM_BY_NAME[k]
            notes.append(f"The scenario's value {v:g} for '{p.label}' is outside the slider's "
                         f"range {p.lo:g} to {p.hi:g}: the slider shows {shown[k]:g}, and the "
                         "scenario runs as written until you change that section's controls.")
    return notes


def _as_written(scenario: Scenario) -> dict[str, Any]:
    """The sidebar values that describe ``scenario`` as written (possibly out of range)."""
    d, p = scenario.disease, scenario.patient
    out: dict[str, Any] = {
        "years": float(scenario.scenario.years),
        "lesion_rate": float(d.lesion_rate_per_year if d.lesion_rate_per_year is not None
                             else _POP.lesion_rate_median),
        # the middle of the drawn range, on the slider's 0.05 grid
        "asymmetry": float(d.side_bias if d.side_bias is not None
                           else round((_ASYM_LO + _ASYM_HI) / 2 / 0.05) * 0.05),
        "anti_gm1": {None: "drawn", True: "positive", False: "negative"}[p.anti_gm1],
    }
    for t in _CONTROLLED:
        out.update(t.control_defaults(_entries(scenario, t.kind)))
    return out


def changed_groups(values: Mapping[str, Any], base: Mapping[str, Any]) -> set[str]:
    return {PARAM_BY_NAME[k].group for k, v in values.items()
            if k in PARAM_BY_NAME and v != base[k]}


def build_scenario(base: Scenario, values: Mapping[str, Any]) -> Scenario:
    """``base`` with the sidebar values applied (only the groups that differ from it)."""
    dflt = defaults(base)
    groups = changed_groups(values, dflt)
    if not groups:
        return base
    data = base.to_dict()
    end = values["years"] * YEAR
    if "run" in groups:
        data["scenario"]["years"] = values["years"]
    if "disease" in groups:
        dis = data.setdefault("disease", {})
        pat = data.setdefault("patient", {})
        if values["lesion_rate"] != dflt["lesion_rate"]:
            dis["lesion_rate_per_year"] = values["lesion_rate"]
        if values["asymmetry"] != dflt["asymmetry"]:
            dis["side_bias"] = values["asymmetry"]
        if values["anti_gm1"] != dflt["anti_gm1"]:
            pat.pop("anti_gm1_titre", None)
            if values["anti_gm1"] == "drawn":
                pat.pop("anti_gm1", None)
            else:
                pat["anti_gm1"] = values["anti_gm1"] == "positive"
    treats = data.get("treatment", [])
    for t in _CONTROLLED:
        if t.kind in groups:
            mine = [e for e in treats if e["kind"] == t.kind]
            treats = [e for e in treats if e["kind"] != t.kind] + t.apply_controls(
                mine, values, dflt, end)
    data["treatment"] = sorted(treats, key=lambda t: t.get("start_day", 0))
    return sim.parse_scenario(data, source="sidebar settings")


def plan_text(scenario: Scenario) -> list[str]:
    """The scenario's treatments in plain words, one line each."""
    return [treatments.get(t.kind).plan_text(t) for t in scenario.treatment] or ["No treatment."]


# --- URL ------------------------------------------------------------------------------------


def _fmt(p: Param, v: Any) -> str:
    if p.kind == "bool":
        return "1" if v else "0"
    if p.kind == "float":
        return f"{v:g}"
    return str(v)


def to_query(preset: str, seed: int, values: Mapping[str, Any], base: Mapping[str, Any],
             day: float | None = None) -> dict[str, str]:
    """URL query: the preset, the seed and every parameter that differs from the preset."""
    q: dict[str, str] = {}
    if preset != UPLOADED:
        q["scenario"] = preset
    q["seed"] = str(seed)
    for p in PARAMS:
        if values[p.name] != base[p.name]:
            q[p.name] = _fmt(p, values[p.name])
    if day is not None:
        q["day"] = f"{day:g}"
    return q


def _parse_value(p: Param, raw: str) -> Any:
    """Parse one URL value; raise ValueError with the field and its allowed values."""
    if p.kind == "bool":
        low = raw.strip().lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{p.name}={quote(raw)} is not allowed for '{p.label}'; use 1 or 0")
    if p.kind == "choice":
        if raw in p.choices:
            return raw
        raise ValueError(
            f"{p.name}={quote(raw)} is not allowed for '{p.label}'; choose one of "
            f"{', '.join(p.choices)}"
        )
    x = ascii_number(raw)  # float() would also take 'nan', '1_0' and '٣'
    rng = f"allowed: {p.lo:g} to {p.hi:g}"
    if x is None or not p.lo <= x <= p.hi:
        raise ValueError(f"{p.name}={quote(raw)} is out of range for '{p.label}'; {rng}")
    if p.kind == "int":
        if x != int(x):
            raise ValueError(f"{p.name}={quote(raw)} must be a whole number for '{p.label}'; "
                             f"{rng}")
        return int(x)
    return float(min(p.hi, max(p.lo, round(round(x / p.step) * p.step, 6))))


@dataclass
class Restored:
    preset: str
    seed: int
    values: dict[str, Any]
    day: float | None
    notes: list[str]


def from_query(query: Mapping[str, str], presets: list[str]) -> Restored:
    """Settings from URL query values; anything invalid falls back to the preset, with a note."""
    notes: list[str] = []
    preset = query.get("scenario", DEFAULT_PRESET)
    if preset not in presets:  # a name from the list, never a path
        notes.append(f"Link value scenario={quote(preset)} is not a preset (presets: "
                     f"{', '.join(presets)}); showing '{DEFAULT_PRESET}' instead.")
        preset = DEFAULT_PRESET
    base = sim.scenario.load_preset(preset)
    dflt = defaults(base)
    seed = base.scenario.seed
    if "seed" in query:
        raw = query["seed"]
        number = ascii_whole(raw)  # str.isdigit() is also true of '²', which int() refuses
        if number is not None and number <= MAX_SEED:
            seed = number
        else:
            notes.append(f"Link value seed={quote(raw)} is out of range for 'Seed'; allowed: "
                         f"whole numbers 0 to {MAX_SEED}. Using the preset's seed {seed}.")
    values = dict(dflt)
    for p in PARAMS:
        if p.name in query:
            try:
                values[p.name] = _parse_value(p, query[p.name])
            except ValueError as err:
                notes.append(f"Link value {err}. Using the preset's value {_fmt(p, dflt[p.name])}.")
    try:
        build_scenario(base, values)
    except ScenarioError as err:
        notes.append(f"The link's settings do not make a valid scenario ({err}) Showing the "
                     "preset as written.")
        values = dict(dflt)
    day = None
    if "day" in query:
        day = ascii_number(query["day"])
        if day is None or not 0 <= day <= values["years"] * YEAR:
            notes.append(f"Link value day={quote(query['day'])} is out of range for 'Day from "
                         f"onset'; allowed: 0 to {values['years'] * YEAR:.0f}. Showing day 0.")
            day = None
    known = {"scenario", "seed", "day", "present", *PARAM_BY_NAME}
    unknown = [k for k in query if k not in known]
    if unknown:  # one note, however many: a link must not fill the page
        shown = ", ".join(quote(k) for k in unknown[:3]) + (", ..." if len(unknown) > 3 else "")
        notes.append(f"Link value{'s' if len(unknown) > 1 else ''} {shown} "
                     f"{'are' if len(unknown) > 1 else 'is'} not a setting of this dashboard "
                     "and ignored.")
    return Restored(preset, seed, values, day, notes)
