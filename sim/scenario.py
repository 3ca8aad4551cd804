"""Scenario schema, TOML load/save, and validation that names the field and its allowed range.

A scenario is what a lecturer writes by hand, so every mistake must come back as one sentence
that names the file, the field and what is allowed; unknown keys are errors, never ignored.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import tomli_w
from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = [
    "Scenario",
    "ScenarioError",
    "ScenarioInfo",
    "PatientSpec",
    "DiseaseSpec",
    "TreatmentSpec",
    "TitrationSpec",
    "StudySpec",
    "TeachingSpec",
    "TREATMENT_KINDS",
    "load_scenario",
    "loads_scenario",
    "parse_scenario",
    "preset_dir",
    "preset_names",
    "parse_override",
]

TREATMENT_KINDS = ("ivig", "scig", "prednisolone", "plasma_exchange", "complement_inhibitor")


class ScenarioError(ValueError):
    """A scenario (file, override or URL value) is invalid; the message is one clear sentence."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class ScenarioInfo(_Strict):
    name: str = Field("Untitled scenario", min_length=1, max_length=120)
    summary: str = Field("", max_length=500)
    years: float = Field(10.0, gt=0, le=40, description="years of disease simulated")
    seed: int = Field(1, ge=0, le=2**63 - 1, description="root random seed")
    record_every_days: float = Field(7.0, ge=1, le=365, description="days between records")


class PatientSpec(_Strict):
    """Fixed patient traits; any trait left out is drawn from the population (CLINICAL.md)."""

    sex: Literal["male", "female"] | None = None
    age_at_onset: float | None = Field(None, ge=16, le=85, description="years")
    weight_kg: float | None = Field(None, ge=35, le=200, description="kg")
    anti_gm1: bool | None = None
    anti_gm1_titre: float | None = Field(
        None, ge=0, le=100, description="fold above the assay cut-off; 0 when negative"
    )
    dominant_side: Literal["left", "right"] | None = None
    ivig_responsiveness: float | None = Field(None, ge=0, le=1, description="0 none, 1 full")
    baseline_grip_kg: float | None = Field(None, ge=5, le=80, description="kg, healthy grip")


class DiseaseSpec(_Strict):
    """Disease activity; a field left out takes the patient's drawn value or the default."""

    lesion_rate_per_year: float | None = Field(
        None, ge=0, le=20, description="new focal attacks per year, untreated"
    )
    side_bias: float | None = Field(
        None, ge=0.5, le=1, description="share of attacks on the dominant side (asymmetry)"
    )
    upper_limb_share: float | None = Field(
        None, ge=0, le=1, description="share of attacks in the arms"
    )
    severity_mean: float | None = Field(
        None, ge=0.05, le=0.95, description="mean share of axons an attack blocks"
    )
    block_onset_days: float | None = Field(
        None, ge=1, le=120, description="days for block to reach two thirds of its size"
    )
    axonal_loss_per_year: float | None = Field(
        None, ge=0, le=2, description="per-year rate at which blocked axons degenerate"
    )
    reversibility_half_life_years: float | None = Field(
        None, ge=0.1, le=20, description="years for the IVIg-reversible share to halve"
    )


class TitrationSpec(_Strict):
    """A clinician's rule: on end-of-dose weakness, shorten the interval or raise the dose."""

    rule: Literal["shorten_interval", "raise_dose"] = "shorten_interval"
    trough_drop_pct: float = Field(
        10, ge=1, le=90, description="grip drop (%) from post-dose peak that counts as wear-off"
    )
    step_days: float = Field(7, ge=1, le=28, description="days cut from the interval per step")
    min_every_days: float = Field(7, ge=1, le=365, description="shortest interval allowed")
    step_g_per_kg: float = Field(0.2, ge=0.05, le=2, description="g/kg added per step")
    max_dose_g_per_kg: float = Field(2.0, ge=0.1, le=4, description="highest dose allowed")


_KIND_FIELDS: dict[str, set[str]] = {
    "ivig": {"dose_g_per_kg", "infusion_days", "every_days", "count", "until_day", "titration"},
    "scig": {"dose_g_per_kg", "every_days", "count", "until_day"},
    "prednisolone": {"duration_days", "mg_per_day"},
    "plasma_exchange": {"every_days", "count", "until_day"},
    "complement_inhibitor": {"efficacy", "duration_days"},
}
_OPTIONAL_FIELDS = {
    "dose_g_per_kg", "infusion_days", "every_days", "count", "until_day", "titration",
    "duration_days", "mg_per_day", "efficacy",
}


class TreatmentSpec(_Strict):
    kind: Literal["ivig", "scig", "prednisolone", "plasma_exchange", "complement_inhibitor"]
    start_day: float = Field(0, ge=0, le=14610, description="day from onset")
    dose_g_per_kg: float | None = Field(None, gt=0, le=4, description="g/kg per course or dose")
    infusion_days: int | None = Field(None, ge=1, le=5, description="days an IVIg course spans")
    every_days: float | None = Field(None, ge=1, le=365, description="days between courses")
    count: int | None = Field(None, ge=1, le=2000, description="number of courses")
    until_day: float | None = Field(None, ge=0, le=14610, description="last day a course starts")
    titration: TitrationSpec | None = None
    duration_days: float | None = Field(None, ge=1, le=14610, description="days of treatment")
    mg_per_day: float | None = Field(None, ge=1, le=200, description="mg prednisolone per day")
    efficacy: float | None = Field(
        None, ge=0, le=1, description="share of complement activity blocked (hypothetical)"
    )

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> TreatmentSpec:
        allowed = _KIND_FIELDS[self.kind]
        for name in sorted(_OPTIONAL_FIELDS - allowed):
            if getattr(self, name) is not None:
                raise ValueError(
                    f"'{name}' does not apply to kind '{self.kind}' "
                    f"(it takes: start_day, {', '.join(sorted(allowed))})"
                )
        if self.count is not None and self.until_day is not None:
            raise ValueError("give either 'count' or 'until_day', not both")
        if self.until_day is not None and self.until_day < self.start_day:
            raise ValueError("'until_day' must not be before 'start_day'")
        if (self.count or 1) > 1 and self.every_days is None and self.kind != "prednisolone":
            raise ValueError("'count' above 1 needs 'every_days'")
        if (
            self.kind == "ivig" and self.every_days is not None
            and self.every_days < self.days_per_course
        ):
            raise ValueError(
                f"'every_days' ({self.every_days:g}) must be at least 'infusion_days' "
                f"({self.days_per_course})"
            )
        if self.until_day is not None and self.every_days is None:
            raise ValueError("'until_day' needs 'every_days'")
        return self

    # Defaults per kind, applied when a field is omitted (EFNS/PNS 2010 for IVIg doses).
    @property
    def dose(self) -> float:
        default = {"ivig": 2.0, "scig": 0.1}.get(self.kind, 0.0)
        return self.dose_g_per_kg if self.dose_g_per_kg is not None else default

    @property
    def days_per_course(self) -> int:
        return self.infusion_days if self.infusion_days is not None else 5

    @property
    def prednisolone_days(self) -> float:
        return self.duration_days if self.duration_days is not None else 56.0

    def course_days(self, end_day: float) -> list[float]:
        """Start days of every scheduled course up to ``end_day`` (titration aside)."""
        if self.kind in ("prednisolone", "complement_inhibitor"):
            return [self.start_day] if self.start_day <= end_day else []
        if self.every_days is None:
            return [self.start_day] if self.start_day <= end_day else []
        last = end_day if self.until_day is None else min(end_day, self.until_day)
        n_max = self.count if self.count is not None else None
        days: list[float] = []
        k = 0
        while (n_max is None or k < n_max) and self.start_day + k * self.every_days <= last:
            days.append(self.start_day + k * self.every_days)
            k += 1
        return days


class StudySpec(_Strict):
    """A nerve conduction study scheduled on a given day."""

    day: float = Field(ge=0, le=14610, description="day from onset")
    label: str = Field("", max_length=80)


class TeachingSpec(_Strict):
    question: str = Field("", max_length=2000)
    prediction: str = Field("", max_length=2000)
    notice: tuple[str, ...] = ()
    try_: tuple[str, ...] = Field((), alias="try")
    references: tuple[str, ...] = ()

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Scenario(_Strict):
    """A whole scenario file. Immutable and hashable (entries are tuples), so it can key a
    cache directly; derive variants with :meth:`with_overrides`."""

    scenario: ScenarioInfo = Field(default_factory=ScenarioInfo)
    patient: PatientSpec = Field(default_factory=PatientSpec)
    disease: DiseaseSpec = Field(default_factory=DiseaseSpec)
    treatment: tuple[TreatmentSpec, ...] = ()
    study: tuple[StudySpec, ...] = ()
    teaching: TeachingSpec = Field(default_factory=TeachingSpec)

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def days(self) -> float:
        return self.scenario.years * 365.25

    def to_dict(self) -> dict[str, Any]:
        """Plain, TOML-ready dict (omitted optional values left out)."""
        return self.model_dump(mode="json", exclude_none=True, by_alias=True)

    def to_toml(self) -> str:
        """TOML in reading order: scenario, patient, disease, [[treatment]], [[study]], teaching.

        Sections with nothing to say are left out; entries are written as arrays of tables
        (``[[treatment]]``), never inline, so the output reads like a hand-written preset and
        loads back to an equal scenario.
        """
        data = self.to_dict()
        parts: list[str] = []
        for key in ("scenario", "patient", "disease"):
            if data.get(key):
                parts.append(tomli_w.dumps({key: data[key]}))
        for key in ("treatment", "study"):
            for entry in data.get(key, []):
                flat = {k: v for k, v in entry.items() if not isinstance(v, dict)}
                text = f"[[{key}]]\n" + tomli_w.dumps(flat)
                for sub, table in entry.items():
                    if isinstance(table, dict):
                        text += f"\n[{key}.{sub}]\n" + tomli_w.dumps(table)
                parts.append(text)
        teaching = {k: v for k, v in data.get("teaching", {}).items() if v not in ("", [])}
        if teaching:
            parts.append(tomli_w.dumps({"teaching": teaching}))
        return "\n".join(p.rstrip("\n") + "\n" for p in parts)

    def with_overrides(self, overrides: Mapping[str, Any], source: str = "override") -> Scenario:
        """A validated copy with dotted-key overrides such as ``disease.lesion_rate_per_year``.

        ``treatment.0.every_days`` addresses the first treatment entry.
        """
        data = copy.deepcopy(self.to_dict())
        for key, value in overrides.items():
            _set_dotted(data, key, value, source)
        return parse_scenario(data, source=source)


def _set_dotted(data: dict[str, Any], key: str, value: Any, source: str) -> None:
    parts = key.split(".")
    if len(parts) < 2 or any(not p for p in parts):
        raise ScenarioError(
            f"{source}: '{key}' is not a field path; use SECTION.FIELD, "
            "e.g. disease.lesion_rate_per_year or treatment.0.every_days."
        )
    node: Any = data
    for i, part in enumerate(parts[:-1]):
        if isinstance(node, list):
            # An index one past the end adds an entry (e.g. study.0.day=730 adds a study).
            if not part.isdigit() or int(part) > len(node):
                raise ScenarioError(
                    f"{source}: '{key}' names entry {part} of '{parts[i - 1]}', which has "
                    f"{len(node)} entries; use 0 to {len(node)} (the last adds one)."
                )
            if int(part) == len(node):
                node.append({})
            node = node[int(part)]
        elif part in node:
            node = node[part]
        elif i > 0:
            node[part] = {}  # a nested table such as treatment.0.titration; validated below
            node = node[part]
        elif part in {"treatment", "study"}:
            node[part] = []
            node = node[part]
        elif part in Scenario.model_fields:
            node[part] = {}
            node = node[part]
        else:
            allowed = ", ".join(Scenario.model_fields)
            raise ScenarioError(
                f"{source}: '{key}' starts with an unknown section '{part}'; "
                f"sections are {allowed}."
            )
    if isinstance(node, list):
        raise ScenarioError(f"{source}: '{key}' must name one entry, e.g. treatment.0.every_days.")
    node[parts[-1]] = value


def parse_override(text: str) -> tuple[str, Any]:
    """Parse ``KEY=VALUE`` with the value read as a TOML value (bare words become strings)."""
    if "=" not in text:
        raise ScenarioError(f"--set '{text}' must look like KEY=VALUE, e.g. scenario.years=5.")
    key, raw = (s.strip() for s in text.split("=", 1))
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key, value


def _describe_limits(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    """Find the field at ``loc`` and describe its allowed range and unit, for error messages."""
    cls: Any = model
    info = None
    for part in loc:
        if isinstance(part, int) or cls is None:
            continue
        fields = getattr(cls, "model_fields", None)
        if not fields or part not in fields:
            # aliases (e.g. try_)
            match = [f for f in (fields or {}).values() if f.alias == part]
            if not match:
                return ""
            info = match[0]
        else:
            info = fields[part]
        ann = info.annotation
        cls = _inner_model(ann)
    if info is None:
        return ""
    lo = hi = None
    lo_op = hi_op = ""
    for m in info.metadata:
        if isinstance(m, Ge):
            lo, lo_op = m.ge, ""
        elif isinstance(m, Gt):
            lo, lo_op = m.gt, "above "
        elif isinstance(m, Le):
            hi, hi_op = m.le, ""
        elif isinstance(m, Lt):
            hi, hi_op = m.lt, "below "
    unit = f" ({info.description})" if info.description else ""
    if lo is not None and hi is not None:
        return f"allowed: {lo_op}{_fmt(lo)} to {hi_op}{_fmt(hi)}{unit}"
    if lo is not None:
        return f"allowed: {lo_op}{_fmt(lo)} or more{unit}"
    if hi is not None:
        return f"allowed: up to {hi_op}{_fmt(hi)}{unit}"
    return ""


def _inner_model(ann: Any) -> Any:
    for arg in (ann, *getattr(ann, "__args__", ())):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        for sub in getattr(arg, "__args__", ()):
            if isinstance(sub, type) and issubclass(sub, BaseModel):
                return sub
    return None


def _fmt(x: Any) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _one_sentence(err: ValidationError, source: str) -> str:
    e = err.errors()[0]
    loc = tuple(e["loc"])
    path = ".".join(str(p) for p in loc) or "(top level)"
    where = f"{source}: " if source else ""
    kind = e["type"]
    given = e.get("input")
    if kind == "extra_forbidden":
        parent = loc[:-1]
        cls = _model_at(parent)
        allowed = ", ".join(
            (f.alias or n) for n, f in cls.model_fields.items()
        ) if cls is not None else ""
        return f"{where}unknown key '{path}'; allowed keys here: {allowed}."
    if kind == "missing":
        return f"{where}'{path}' is required."
    limits = _describe_limits(Scenario, loc)
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        return f"{where}{path} = {given!r} is out of range; {limits}."
    if kind == "literal_error":
        expected = e.get("ctx", {}).get("expected", "")
        return f"{where}{path} = {given!r} is not allowed; choose one of {expected}."
    if kind == "value_error":
        msg = str(e.get("ctx", {}).get("error", e["msg"]))
        return f"{where}{path or 'entry'}: {msg}."
    tail = f"; {limits}" if limits else ""
    return f"{where}{path} = {given!r}: {e['msg'].lower()}{tail}."


def _model_at(loc: tuple[Any, ...]) -> Any:
    cls: Any = Scenario
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(cls, "model_fields", {})
        f = fields.get(part) or next((f for f in fields.values() if f.alias == part), None)
        if f is None:
            return None
        cls = _inner_model(f.annotation)
    return cls


def parse_scenario(data: Mapping[str, Any], source: str = "") -> Scenario:
    """Validate a dict (as read from TOML) into a :class:`Scenario` or raise ScenarioError."""
    if not isinstance(data, Mapping):
        raise ScenarioError(f"{source}: a scenario must be a table of sections.")
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as err:
        raise ScenarioError(_one_sentence(err, source)) from None


def preset_dir() -> Path:
    """Folder of preset scenarios: shipped inside the wheel, or the repository's scenarios/."""
    here = Path(__file__).resolve().parent
    for cand in (here / "_presets", here.parent / "scenarios"):
        if cand.is_dir():
            return cand
    return here.parent / "scenarios"


def preset_names() -> list[str]:
    return sorted(p.stem for p in preset_dir().glob("*.toml"))


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a preset by name (``ivig-maintenance``) or a TOML file by path."""
    text_name = str(name_or_path)
    path = Path(text_name)
    if not (path.suffix == ".toml" or path.exists()):
        path = preset_dir() / f"{text_name}.toml"
        if not path.is_file():
            names = ", ".join(preset_names())
            raise ScenarioError(f"unknown preset '{text_name}'; presets are: {names}.")
    if not path.is_file():
        raise ScenarioError(f"{path}: no such scenario file.")
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError(f"{path.name}: the file is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{path.name}: not valid TOML ({err}).") from None
    return parse_scenario(data, source=path.name)


def loads_scenario(text: str, source: str = "uploaded file") -> Scenario:
    """Parse scenario TOML text (e.g. an uploaded file) with the same clear errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{source}: not valid TOML ({err}).") from None
    return parse_scenario(data, source=source)

