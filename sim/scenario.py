"""Scenario schema, TOML load/save, and validation that names the field and its allowed range.

A scenario is what a lecturer writes by hand, so every mistake must come back as one sentence
that names the file, the field and what is allowed; unknown keys are errors, never ignored.
The sentences are worded by :mod:`sim.scenario_errors`.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import tomli_w
from pydantic import (
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from . import diseases, treatments
from .limits import (
    MAX_SCENARIO_BYTES,
    MAX_STUDIES,
    MAX_TEXT_ITEMS,
    MAX_TREATMENT_EVENTS,
    MAX_TREATMENTS,
    LimitError,
    check_nesting,
    check_size,
    data_depth,
    quote,
    shorten_path,
    text_depth,
)
from .overrides import parse_override, set_dotted
from .prediction import PredictionSpec
from .scenario_errors import ScenarioError, one_sentence
from .strict import Line, Strict, Text, entries
from .treatments.base import TreatmentSpec
from .units import DAYS_PER_YEAR

__all__ = [
    "Scenario",
    "ScenarioError",
    "ScenarioInfo",
    "PatientSpec",
    "DiseaseSpec",
    "TreatmentSpec",
    "StudySpec",
    "JourneySpec",
    "TeachingSpec",
    "load_scenario",
    "loads_scenario",
    "parse_scenario",
    "preset_dir",
    "preset_names",
    "parse_override",
    "load_preset",
    "read_toml",
]

class ScenarioInfo(Strict):
    name: Line = Field("Untitled scenario", min_length=1, max_length=120)
    summary: Text = Field("", max_length=500)
    years: float = Field(10.0, gt=0, le=40, description="years of disease simulated")
    seed: int = Field(1, ge=0, le=2**63 - 1, description="root random seed")
    record_every_days: float = Field(7.0, ge=1, le=365, description="days between records")
    daily_until_day: float | None = Field(
        None, ge=1, le=3653,
        description="record every day up to this day from onset (the acute weeks of an acute "
                    "disease), then every record_every_days",
    )


class PatientSpec(Strict):
    """Fixed patient traits; any trait left out is drawn from the disease's population."""

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


class DiseaseSpec(Strict):
    """Which disease, and its activity; a field left out takes the patient's drawn value or
    the disease's default."""

    kind: str = Field(diseases.DEFAULT_KIND, max_length=40,
                      description="which disease the patient has")
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
    variant: str | None = Field(
        None, max_length=40,
        description="form of the disease, for kinds that have forms (motor_neuron: als, pma)",
    )

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in diseases.kinds():
            known = ", ".join(repr(k) for k in diseases.kinds())
            raise ValueError(f"{quote(kind)} is not a known disease; choose one of {known}")
        return kind

    @field_validator("variant")
    @classmethod
    def _known_variant(cls, variant: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if variant is None or kind is None:
            return variant
        forms = tuple(getattr(diseases.get(kind), "variants", ()))
        if variant not in forms:
            if not forms:
                raise ValueError(f"kind {quote(kind)} has no variants; leave variant out")
            known = ", ".join(repr(v) for v in forms)
            raise ValueError(f"{quote(variant)} is not a variant of {quote(kind)}; "
                             f"choose one of {known}")
        return variant


class StudySpec(Strict):
    """A test scheduled on a given day: nerve conduction (the default), bedside examination,
    needle EMG or laboratory tests."""

    day: float = Field(ge=0, le=14610, description="day from onset")
    label: Line = Field("", max_length=80)
    kind: Literal["ncs", "exam", "emg", "labs"] = "ncs"


class JourneySpec(Strict):
    """The patient's road to a diagnosis; a field left out is drawn (sim.journey)."""

    mean_delay_years: float | None = Field(
        None, ge=0, le=30, description="mean years from first symptom to diagnosis"
    )
    delay_years: float | None = Field(
        None, ge=0, le=40, description="this patient's years from first symptom to diagnosis"
    )
    diagnosis_day: float | None = Field(
        None, ge=0, le=14610, description="day from onset of the diagnosis"
    )


TeachingItem = Annotated[Text, Field(max_length=2000)]


class TeachingSpec(Strict):
    question: Text = Field("", max_length=2000)
    prediction: Text = Field("", max_length=2000)
    notice: tuple[TeachingItem, ...] = entries(max_length=MAX_TEXT_ITEMS)
    try_: tuple[TeachingItem, ...] = entries(max_length=MAX_TEXT_ITEMS, alias="try")
    references: tuple[TeachingItem, ...] = entries(max_length=MAX_TEXT_ITEMS)
    # The dashboard page the lesson happens on: its "predict, then check" panel is shown there
    # (the Timeline links to it). Only pages that show the panel are allowed.
    page: Literal["timeline", "mechanism"] = Field(
        "timeline", description="dashboard page the lesson is on")
    # The prediction in a form a class answers and the simulation marks (sim.prediction).
    ask: PredictionSpec | None = None

    model_config = ConfigDict(populate_by_name=True)  # merged with Strict's


class Scenario(Strict):
    """A whole scenario file. Immutable and hashable (entries are tuples), so it can key a
    cache directly; derive variants with :meth:`with_overrides`."""

    scenario: ScenarioInfo = Field(default_factory=ScenarioInfo)
    patient: PatientSpec = Field(default_factory=PatientSpec)
    disease: DiseaseSpec = Field(default_factory=DiseaseSpec)
    # One member of the registered treatments' union per entry; see _rebuild_treatment_union.
    treatment: tuple[TreatmentSpec, ...] = entries(max_length=MAX_TREATMENTS)
    study: tuple[StudySpec, ...] = entries(max_length=MAX_STUDIES)
    journey: JourneySpec = Field(default_factory=JourneySpec)
    teaching: TeachingSpec = Field(default_factory=TeachingSpec)

    @model_validator(mode="after")
    def _bounded_work(self) -> Scenario:
        """Refuse schedules that would take minutes to run (e.g. 200 daily entries)."""
        n = sum(t.scheduled_events(self.days) for t in self.treatment)
        if n > MAX_TREATMENT_EVENTS:
            raise ValueError(
                f"treatment: the entries schedule {n:,} treatment days in "
                f"{self.scenario.years:g} years; at most {MAX_TREATMENT_EVENTS:,} fit in one "
                "scenario (use fewer entries, a longer every_days, or a count)"
            )
        return self

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def days(self) -> float:
        return self.scenario.years * DAYS_PER_YEAR

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
        for key in ("scenario", "patient", "disease", "journey"):
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
            set_dotted(data, str(key), value, source, tuple(Scenario.model_fields))
        return parse_scenario(data, source=source)


def _entry_type() -> Any:
    specs = tuple(t.Spec for t in treatments.REGISTRY.values())
    member = Union[specs] if len(specs) > 1 else specs[0]  # noqa: UP007 - built at run time
    return tuple[Annotated[member, Field(discriminator="kind")], ...]


def _rebuild_treatment_union() -> None:
    """Make ``[[treatment]]`` entries a union of the registered kinds' specs, keyed on ``kind``.

    Called whenever the treatment registry changes, so a kind registered later (a plugin, or a
    test's toy treatment) is accepted by files, ``--set`` and the dashboard alike.
    """
    Scenario.model_fields["treatment"].annotation = _entry_type()
    Scenario.model_rebuild(force=True)


treatments.on_register(_rebuild_treatment_union)
_rebuild_treatment_union()


def parse_scenario(data: Mapping[str, Any], source: str = "") -> Scenario:
    """Validate a dict (as read from TOML) into a :class:`Scenario` or raise ScenarioError."""
    if not isinstance(data, Mapping):
        raise ScenarioError(f"{source}: a scenario must be a table of sections.")
    try:
        check_nesting(data_depth(data), source or "the scenario")
    except LimitError as err:
        raise ScenarioError(str(err)) from None
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as err:
        raise ScenarioError(one_sentence(err, source, Scenario)) from None


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
        return load_preset(text_name)
    if not path.is_file():
        raise ScenarioError(f"{shorten_path(path)}: no such scenario file.")
    try:
        check_size(path.stat().st_size, f"{path.name}: the file")
        with path.open("rb") as f:  # at most one byte past the limit, whatever stat said
            raw = f.read(MAX_SCENARIO_BYTES + 1)
    except LimitError as err:
        raise ScenarioError(str(err)) from None
    except OSError as err:
        raise ScenarioError(f"{path.name}: cannot read the file ({err.strerror or err}).") \
            from None
    return loads_scenario(raw, source=path.name)


def load_preset(name: str) -> Scenario:
    """Load a preset by its name only: never a path, so a name from a link or an upload
    cannot read a file outside the preset folder."""
    if name not in preset_names():
        names = ", ".join(preset_names())
        raise ScenarioError(f"unknown preset {quote(name)}; presets are: {names}.")
    path = preset_dir() / f"{name}.toml"
    return loads_scenario(path.read_bytes(), source=path.name)


def loads_scenario(text: str | bytes, source: str = "uploaded file") -> Scenario:
    """Parse scenario TOML text or UTF-8 bytes (e.g. an uploaded file) with the same clear
    errors; size and nesting are checked before the TOML reader sees the text."""
    return parse_scenario(read_toml(text, source), source=source)


def read_toml(text: str | bytes, source: str) -> dict[str, Any]:
    """The TOML table of a scenario text, or ScenarioError: too large, too deeply nested,
    not UTF-8, not TOML, or a number too long to read."""
    try:
        check_size(len(text), f"{source}: the file")
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8-sig")  # a byte-order mark from Windows is fine
            except UnicodeDecodeError:
                raise ScenarioError(f"{source}: the file is not UTF-8 text.") from None
        check_size(len(text.encode("utf-8", "surrogatepass")), f"{source}: the file")
        check_nesting(text_depth(text), f"{source}: the file")
        return tomllib.loads(text)
    except ScenarioError:
        raise
    except LimitError as err:
        raise ScenarioError(str(err)) from None
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{source}: not valid TOML ({err}).") from None
    except (ValueError, RecursionError):  # an integer of more than 4300 digits
        raise ScenarioError(f"{source}: a number in the file is too long to read; scenario "
                            "values need at most a few digits.") from None
