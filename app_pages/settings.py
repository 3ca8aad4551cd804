"""Sidebar settings <-> scenario <-> URL, without Streamlit (so it is unit-testable).

A *settings* dict holds the preset name, the seed and one value per :data:`PARAMS` entry. The
preset gives the defaults; only the parameter groups a user changed are written into the
scenario, so an untouched preset runs exactly as its TOML file says. Every scenario goes
through the schema (``sim.parse_scenario``), so a bad value comes back as ScenarioError's one
clear sentence.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sim
from sim import Scenario, ScenarioError

YEAR = 365.25
DEFAULT_PRESET = "ivig-maintenance"
UPLOADED = "__uploaded__"
MAX_SEED = 2**31 - 1


@dataclass(frozen=True)
class Param:
    name: str  # URL key and widget key suffix
    label: str  # with its unit
    help: str
    kind: str  # float | int | bool | choice
    group: str  # disease | ivig | pred | plex | run
    lo: float = 0.0
    hi: float = 1.0
    step: float = 1.0
    choices: tuple[str, ...] = ()


PARAMS: tuple[Param, ...] = (
    Param("years", "Years simulated (years)", "How many years of disease from onset to show.",
          "float", "run", 1, 40, 1),
    Param("lesion_rate", "Lesion rate (new attacks/year)",
          "Untreated rate of new focal attacks on motor nerves. Presets that leave it out draw "
          "it per patient (median 1.4/year); moving the slider fixes it.",
          "float", "disease", 0, 10, 0.1),
    Param("asymmetry", "Asymmetry (share of attacks on one side, 0.5-1)",
          "0.5 = both sides equally; 1 = every attack on the dominant side. MMN is asymmetric "
          "(EFNS/PNS 2010). Presets that leave it out draw 0.62-0.85 per patient.",
          "float", "disease", 0.5, 1.0, 0.05),
    Param("anti_gm1", "Anti-GM1 IgM antibodies",
          "Positive in 43-48% of patients; a high titre speeds axonal loss. 'drawn' lets the "
          "population decide.", "choice", "disease", choices=("drawn", "positive", "negative")),
    Param("ivig", "Give IVIg", "Intravenous immunoglobulin: a loading course, then maintenance.",
          "bool", "ivig"),
    Param("ivig_start", "IVIg start (years from onset)",
          "When the first (loading) course is given. Diagnostic delay averages 5.5 years.",
          "float", "ivig", 0, 40, 0.25),
    Param("ivig_dose", "IVIg maintenance dose (g/kg per course)",
          "EFNS/PNS 2010: 1 g/kg every 2-4 weeks or 2 g/kg every 4-8 weeks.",
          "float", "ivig", 0.2, 2.4, 0.1),
    Param("ivig_every", "IVIg interval (days between courses)",
          "Days between maintenance courses; IVIg wears off after 2-5 weeks.",
          "int", "ivig", 7, 84, 7),
    Param("pred", "Give a prednisolone course",
          "Corticosteroids do not help in MMN and can make it worse (Donaghy 1994).",
          "bool", "pred"),
    Param("pred_start", "Prednisolone start (years from onset)", "Day the course begins.",
          "float", "pred", 0, 40, 0.25),
    Param("pred_weeks", "Prednisolone course length (weeks)", "How long the course lasts.",
          "int", "pred", 1, 26, 1),
    Param("pred_mg", "Prednisolone dose (mg/day)", "Daily dose during the course.",
          "int", "pred", 5, 100, 5),
    Param("plex", "Give plasma exchange",
          "Plasma exchange is probably ineffective in MMN and removes infused IgG "
          "(Cochrane 2015).", "bool", "plex"),
    Param("plex_start", "Plasma exchange start (years from onset)", "Day of the first exchange.",
          "float", "plex", 0, 40, 0.25),
    Param("plex_count", "Plasma exchanges (number, every 2 days)", "How many exchanges.",
          "int", "plex", 1, 10, 1),
)
PARAM_BY_NAME = {p.name: p for p in PARAMS}
# Sidebar sections after the "run" group: (group, title, expanded), in display order.
SECTIONS: tuple[tuple[str, str, bool], ...] = (
    ("disease", "Disease", True),
    ("ivig", "IVIg", True),
    ("pred", "Prednisolone", False),
    ("plex", "Plasma exchange", False),
)


def base_scenario(preset: str, uploaded_toml: str | None = None) -> Scenario:
    """The scenario the sidebar starts from. Parsed once per text: every rerun asks for it."""
    if preset == UPLOADED and uploaded_toml:
        return _parse(uploaded_toml, "uploaded file")
    path = sim.scenario.preset_dir() / f"{preset}.toml"
    if not path.is_file():
        return sim.load_scenario(preset)  # raises the one-sentence "unknown preset" error
    return _parse(path.read_text(encoding="utf-8"), path.name)


@functools.lru_cache(maxsize=64)
def _parse(text: str, source: str) -> Scenario:
    # Scenarios are immutable, so one parsed copy can serve every session.
    return sim.loads_scenario(text, source=source)


def _first(scenario: Scenario, kind: str):
    return next((t for t in scenario.treatment if t.kind == kind), None)


def defaults(scenario: Scenario) -> dict[str, Any]:
    """The sidebar values that describe ``scenario`` as written."""
    d, p = scenario.disease, scenario.patient
    ivigs = [t for t in scenario.treatment if t.kind == "ivig"]
    maint = next((t for t in reversed(ivigs) if t.every_days is not None), None)
    ivig_start = min((t.start_day for t in ivigs), default=2 * YEAR) / YEAR
    pred = _first(scenario, "prednisolone")
    plex = _first(scenario, "plasma_exchange")
    return {
        "years": float(scenario.scenario.years),
        "lesion_rate": float(d.lesion_rate_per_year if d.lesion_rate_per_year is not None
                             else 1.4),
        "asymmetry": float(d.side_bias if d.side_bias is not None else 0.75),
        "anti_gm1": {None: "drawn", True: "positive", False: "negative"}[p.anti_gm1],
        "ivig": bool(ivigs),
        "ivig_start": round(ivig_start * 4) / 4,
        "ivig_dose": float(maint.dose if maint else 1.0),
        "ivig_every": int(maint.every_days if maint else 28),
        "pred": pred is not None,
        "pred_start": round((pred.start_day if pred else 2 * YEAR) / YEAR * 4) / 4,
        "pred_weeks": int(round((pred.prednisolone_days if pred else 56) / 7)),
        "pred_mg": int(pred.mg_per_day if pred and pred.mg_per_day else 60),
        "plex": plex is not None,
        "plex_start": round((plex.start_day if plex else 2 * YEAR) / YEAR * 4) / 4,
        "plex_count": int(plex.count if plex and plex.count else 5),
    }


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
    if "ivig" in groups:
        treats = _apply_ivig(treats, values, dflt, end)
    if "pred" in groups:
        treats = [t for t in treats if t["kind"] != "prednisolone"]
        if values["pred"]:
            treats.append({"kind": "prednisolone", "start_day": values["pred_start"] * YEAR,
                           "duration_days": values["pred_weeks"] * 7.0,
                           "mg_per_day": float(values["pred_mg"])})
    if "plex" in groups:
        treats = [t for t in treats if t["kind"] != "plasma_exchange"]
        if values["plex"]:
            treats.append({"kind": "plasma_exchange", "start_day": values["plex_start"] * YEAR,
                           "every_days": 2.0, "count": int(values["plex_count"])})
    data["treatment"] = sorted(treats, key=lambda t: t.get("start_day", 0))
    return sim.parse_scenario(data, source="sidebar settings")


def _apply_ivig(treats: list[dict], v: Mapping[str, Any], dflt: Mapping[str, Any],
                end: float) -> list[dict]:
    ivigs = [t for t in treats if t["kind"] == "ivig"]
    rest = [t for t in treats if t["kind"] != "ivig"]
    if not v["ivig"]:
        return rest
    start = v["ivig_start"] * YEAR
    if not ivigs:  # a loading course (2 g/kg over 5 days), then maintenance to the end
        ivigs = [{"kind": "ivig", "start_day": start, "dose_g_per_kg": 2.0, "infusion_days": 5}]
    else:
        shift = (v["ivig_start"] - dflt["ivig_start"]) * YEAR
        for t in ivigs:
            t["start_day"] = t["start_day"] + shift
            if "until_day" in t:
                t["until_day"] = t["until_day"] + shift
    maint = next((t for t in reversed(ivigs) if "every_days" in t), None)
    want_maint = maint is not None or v["ivig_every"] != dflt["ivig_every"] or \
        v["ivig_dose"] != dflt["ivig_dose"] or not dflt["ivig"]
    if maint is None and want_maint:
        first = min(t["start_day"] for t in ivigs)
        maint = {"kind": "ivig", "start_day": first + v["ivig_every"], "infusion_days": 2,
                 "until_day": max(end, first + v["ivig_every"])}
        ivigs.append(maint)
    if maint is not None:
        maint["every_days"] = float(v["ivig_every"])
        maint["dose_g_per_kg"] = float(v["ivig_dose"])
        if maint.get("infusion_days", 5) > v["ivig_every"]:
            maint["infusion_days"] = 1
    return rest + ivigs


def plan_text(scenario: Scenario) -> list[str]:
    """The scenario's treatments in plain words, one line each."""
    out = []
    for t in scenario.treatment:
        when = f"from day {t.start_day:.0f} (year {t.start_day / YEAR:.1f})"
        if t.kind in ("ivig", "scig"):
            if t.every_days is None:
                out.append(f"{'IVIg' if t.kind == 'ivig' else 'SCIg'} {t.dose:g} g/kg "
                           f"course, {when}")
            else:
                stop = f" until day {t.until_day:.0f}" if t.until_day is not None else (
                    f", {t.count} courses" if t.count else "")
                out.append(f"{'IVIg' if t.kind == 'ivig' else 'SCIg'} {t.dose:g} g/kg every "
                           f"{t.every_days:g} days {when}{stop}")
        elif t.kind == "prednisolone":
            out.append(f"Prednisolone {t.mg_per_day or 60:g} mg/day for "
                       f"{t.prednisolone_days:g} days {when}")
        elif t.kind == "plasma_exchange":
            out.append(f"Plasma exchange x{t.count or 1} {when}")
        else:
            out.append(f"{t.kind.replace('_', ' ')} (hypothetical) {when}")
    return out or ["No treatment."]


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
        raise ValueError(f"{p.name}={raw!r} is not allowed for '{p.label}'; use 1 or 0")
    if p.kind == "choice":
        if raw in p.choices:
            return raw
        raise ValueError(
            f"{p.name}={raw!r} is not allowed for '{p.label}'; choose one of "
            f"{', '.join(p.choices)}"
        )
    try:
        x = float(raw)
    except ValueError:
        x = math.nan
    rng = f"allowed: {p.lo:g} to {p.hi:g}"
    if not math.isfinite(x) or not p.lo <= x <= p.hi:
        raise ValueError(f"{p.name}={raw!r} is out of range for '{p.label}'; {rng}")
    if p.kind == "int":
        if x != int(x):
            raise ValueError(f"{p.name}={raw!r} must be a whole number for '{p.label}'; {rng}")
        return int(x)
    return round(round(x / p.step) * p.step, 6)


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
    if preset not in presets:
        notes.append(f"Link value scenario={preset!r} is not a preset (presets: "
                     f"{', '.join(presets)}); showing '{DEFAULT_PRESET}' instead.")
        preset = DEFAULT_PRESET
    base = sim.load_scenario(preset)
    dflt = defaults(base)
    seed = base.scenario.seed
    if "seed" in query:
        raw = query["seed"]
        if raw.isdigit() and int(raw) <= MAX_SEED:
            seed = int(raw)
        else:
            notes.append(f"Link value seed={raw!r} is out of range for 'Seed'; allowed: whole "
                         f"numbers 0 to {MAX_SEED}. Using the preset's seed {seed}.")
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
        try:
            day = float(query["day"])
            if not 0 <= day <= values["years"] * YEAR:
                raise ValueError
        except ValueError:
            notes.append(f"Link value day={query['day']!r} is out of range for 'Day from onset'; "
                         f"allowed: 0 to {values['years'] * YEAR:.0f}. Showing day 0.")
            day = None
    known = {"scenario", "seed", "day", *PARAM_BY_NAME}
    for k in query:
        if k not in known:
            notes.append(f"Link value '{k}' is not a setting of this dashboard and was ignored.")
    return Restored(preset, seed, values, day, notes)
