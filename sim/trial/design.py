"""A virtual trial's design: who is enrolled, the arms, parallel or crossover, the endpoint.

Why a schema of its own: a trial is not a scenario. It names a *population* (patients drawn by
the population sampler, a run-in treatment and an inclusion rule, the way a study selected its
patients), two or more *arms* (treatment plans with days counted from randomisation) and how the
outcome is read and tested. Like a scenario it is frozen, refuses unknown keys and turns every
mistake into one sentence naming the field and what is allowed. Days of arm entries count from
the start of the treatment period (day 0 = randomisation, or the start of the second period in a
crossover); run-in entries count from disease onset, like a scenario's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from ..limits import quote, shorten
from ..scenario import Scenario, ScenarioError, parse_scenario, preset_dir, read_toml
from ..scenario_errors import one_sentence
from ..strict import Line, Strict, Text, entries

__all__ = [
    "ENDPOINTS",
    "DESIGNS",
    "INCLUSIONS",
    "TrialInfo",
    "Population",
    "Arm",
    "TrialDesign",
    "TrialError",
    "parse_design",
    "loads_design",
    "load_design",
    "trial_preset_dir",
    "trial_preset_names",
    "RECORD_DAYS",
    "Regimen",
]

RECORD_DAYS = 7  # outcomes are read weekly (the engine's grid step)
MAX_ARMS = 4
MAX_ENTRIES = 8  # treatment entries per arm or run-in

ENDPOINTS: dict[str, str] = {
    "grip_change_pct": "weaker-hand grip change (%)",
    "grip_change_kg": "weaker-hand grip change (kg)",
    "mrc_change": "MRC sum change (points)",
    "time_to_rescue": "time to rescue (weeks)",
    "responder": "responders (%)",
}
DESIGNS = ("parallel", "crossover")
INCLUSIONS: dict[str, str] = {
    "all": "every drawn patient",
    "ivig_dependent": "patients whose weaker-hand grip at baseline is at least benefit_kg above "
                      "the same patient untreated (stabilised and IVIg-dependent)",
}


class TrialError(ScenarioError):
    """A trial design is invalid; the message is one sentence naming the field."""


class TrialInfo(Strict):
    name: Line = Field("Untitled trial", min_length=1, max_length=120)
    summary: Text = Field("", max_length=600)
    design: Literal["parallel", "crossover"] = "parallel"
    n: int = Field(20, ge=4, le=400, description="patients per arm (crossover: in total)")
    period_weeks: int = Field(12, ge=1, le=104, description="weeks of each treatment period")
    washout_weeks: int = Field(0, ge=0, le=52, description="weeks between crossover periods")
    # What patients get between the crossover periods: nothing, or open-label IVIg at their own
    # regimen (Hahn et al. 2013 gave 12 weeks of it "between double-blinded periods to prevent
    # a carry-over effect").
    washout_treatment: Literal["none", "own_regimen"] = "none"
    endpoint: Literal["grip_change_pct", "grip_change_kg", "mrc_change", "time_to_rescue",
                      "responder"] = "grip_change_pct"
    control: str = Field("", max_length=40, description="name of the comparator arm")
    alpha: float = Field(0.05, ge=0.001, le=0.2, description="two-sided significance level")
    # Rescue when the weaker hand's grip has fallen by this share from the period's baseline:
    # (approx., teaching value; Hahn et al. 2013 rescued patients on clinical deterioration).
    rescue_pct: float = Field(-20.0, ge=-90, le=-1, description="grip change (%) that needs "
                              "rescue")
    # Hahn et al. 2013 switched a patient to open-label IVIg on a >= 50% grip decline of the
    # more affected hand *or* deterioration with difficulty in daily activities: with this set,
    # losing a daily arm task the patient could do at the period's start needs rescue too.
    rescue_on_task_loss: bool = False
    # Read a change endpoint at the rescue, the last value before the switch (Hahn 2013), not
    # at the period's end.
    endpoint_at_rescue: bool = False
    # Measurement error of one grip reading, added to every reading the trial takes. Repeated
    # dynamometer readings in immune neuropathies agree with ICC 0.96-0.997 (Draak et al.
    # 2015); with weaker-hand grips spread by about 10 kg that is an error of about 2 kg.
    # (approx., teaching value)
    grip_sd_kg: float = Field(0.0, ge=0, le=10, description="measurement error (SD) of one "
                              "grip reading, kg")
    pool_factor: float = Field(4.0, ge=2, le=20, description="pool size as a multiple of the "
                               "patients one trial enrols")


class Regimen(Strict):
    """One maintenance regimen of a titration ladder: a dose every so many days."""

    every_days: int = Field(ge=7, le=56, description="days between doses")
    dose_g_per_kg: float = Field(gt=0, le=2.4, description="g/kg per dose")

    @property
    def label(self) -> str:
        return f"{self.dose_g_per_kg:g} g/kg every {self.every_days / 7:g} weeks"


class Population(Strict):
    """Who is enrolled: sampler-drawn patients, a run-in plan, an inclusion rule at baseline.

    With ``regimens``, each patient's maintenance is titrated the way a clinic does it: the
    run-in's repeating entry is given at each regimen of the ladder in turn, and the patient
    keeps the first one on which the weaker hand no longer wears off (its trough, over the last
    three cycles before baseline, within ``wear_off_pct`` of the post-dose peak), else the
    last. Hahn et al. 2013 enrolled patients stabilised on their own regimen (0.5-2.4 g/kg a
    month, every 2, 3 or 4 weeks)."""

    baseline_week: int = Field(104, ge=1, le=1500, description="week from onset of "
                               "randomisation")
    inclusion: Literal["all", "ivig_dependent"] = "all"
    benefit_kg: float = Field(2.0, ge=0.5, le=20, description="grip (kg) above untreated that "
                              "counts as IVIg-dependent")
    treatment: tuple[Any, ...] = entries(max_length=MAX_ENTRIES)  # run-in, days from onset
    regimens: tuple[Regimen, ...] = entries(max_length=6)
    # A titrating clinic shortens the interval while end-of-dose weakness shows; 10% matches the
    # titration rule's default trough drop (approx., teaching value).
    wear_off_pct: float = Field(10.0, ge=1, le=50, description="trough drop (%) below the "
                                "post-dose peak that moves a patient to the next regimen")

    @field_validator("treatment", mode="before")
    @classmethod
    def _entries(cls, value: Any) -> Any:
        return _specs(value, "population.treatment")

    @property
    def maintenance_index(self) -> int | None:
        """The run-in's last repeating entry (the maintenance a ladder titrates), or None."""
        rep = [i for i, t in enumerate(self.treatment) if getattr(t, "every_days", None)]
        return rep[-1] if rep else None

    @property
    def baseline_day(self) -> int:
        return self.baseline_week * RECORD_DAYS


class Arm(Strict):
    name: Line = Field(min_length=1, max_length=40)
    treatment: tuple[Any, ...] = entries(max_length=MAX_ENTRIES)  # days from period start
    # The run-in's maintenance goes on through this arm's period, at the patient's own
    # regimen when the population titrates one (a withdrawal trial's "continued IVIg" arm).
    own_regimen: bool = False

    @field_validator("treatment", mode="before")
    @classmethod
    def _entries(cls, value: Any) -> Any:
        return _specs(value, "arm.treatment")


def _held(entry: dict[str, Any]) -> dict[str, Any]:
    """A regimen held as it is: its schedule without its rules (nested tables, e.g. a dose
    rule that would go on changing it), as a trial holds each patient's regimen."""
    return {k: v for k, v in entry.items() if not isinstance(v, dict)}


def _specs(value: Any, where: str) -> Any:
    """Treatment entries validated by the scenario schema (so every kind's rules apply)."""
    if not isinstance(value, list | tuple):
        return value  # the tuple type reports it
    if not all(isinstance(v, Mapping) for v in value):
        if all(not isinstance(v, Mapping) and hasattr(v, "kind") for v in value):
            return tuple(value)  # already validated specs
        raise ValueError(f"{where} must be a list of tables ([[...treatment]] entries)")
    try:
        return parse_scenario({"treatment": [dict(v) for v in value]}, source="").treatment
    except ScenarioError as err:
        raise ValueError(str(err).rstrip(".")) from None


class TrialDesign(Strict):
    """A whole trial design file (``[trial]``, ``[population]``, ``[[arm]]``)."""

    trial: TrialInfo = Field(default_factory=TrialInfo)
    population: Population = Field(default_factory=Population)
    arm: tuple[Arm, ...] = entries(min_length=2, max_length=MAX_ARMS)

    @model_validator(mode="after")
    def _consistent(self) -> TrialDesign:
        names = [a.name for a in self.arm]
        if len(set(names)) != len(names):
            raise ValueError("arm: every arm needs its own name")
        if self.trial.control and self.trial.control not in names:
            raise ValueError(f"trial.control = {quote(self.trial.control)} names no arm; arms "
                             f"are: {', '.join(names)}")
        if self.trial.design == "crossover" and len(self.arm) != 2:
            raise ValueError(f"a crossover needs exactly 2 arms, not {len(self.arm)}")
        if self.population.inclusion == "ivig_dependent" and not self.population.treatment:
            raise ValueError("population.inclusion = 'ivig_dependent' needs a run-in "
                             "[[population.treatment]] (the IVIg the patients depend on)")
        pop = self.population
        own = any(a.own_regimen for a in self.arm) or self.trial.washout_treatment != "none"
        if (pop.regimens or own) and pop.maintenance_index is None:
            raise ValueError("population.regimens, arm.own_regimen and trial.washout_treatment "
                             "need a repeating run-in entry (a [[population.treatment]] with "
                             "every_days)")
        if self.trial.washout_treatment != "none" and not (
                self.trial.design == "crossover" and self.trial.washout_weeks > 0):
            raise ValueError("trial.washout_treatment needs a crossover with washout_weeks "
                             "of 1 or more")
        period = self.trial.period_weeks * RECORD_DAYS
        for a in self.arm:
            for i, t in enumerate(a.treatment):
                if t.start_day >= period:
                    raise ValueError(f"arm {quote(a.name)}: treatment.{i}.start_day = "
                                     f"{t.start_day:g} is after the {period}-day period; "
                                     f"allowed: 0 to {period - 1}")
        base = self.population.baseline_day
        for i, t in enumerate(self.population.treatment):
            if t.start_day >= base:
                raise ValueError(f"population.treatment.{i}.start_day = {t.start_day:g} is not "
                                 f"before the baseline (day {base}); allowed: 0 to {base - 1}")
        for k in range(len(self.courses)):  # every course must make a valid scenario
            try:
                for r in range(max(1, len(pop.regimens))):
                    self.course_scenario(k, r if pop.regimens else None)
            except ScenarioError as err:
                raise ValueError(str(err).rstrip(".")) from None
        return self

    # --- derived -------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.trial.name

    @property
    def arm_names(self) -> list[str]:
        return [a.name for a in self.arm]

    @property
    def control_index(self) -> int:
        """The comparator: ``trial.control``, else the first arm without treatment, else 0."""
        if self.trial.control:
            return self.arm_names.index(self.trial.control)
        return next((i for i, a in enumerate(self.arm) if not a.treatment), 0)

    @property
    def crossover(self) -> bool:
        return self.trial.design == "crossover"

    @property
    def periods(self) -> int:
        return 2 if self.crossover else 1

    @property
    def period_days(self) -> int:
        return self.trial.period_weeks * RECORD_DAYS

    def period_start(self, p: int) -> int:
        """Day (from onset) period ``p`` starts."""
        gap = self.period_days + self.trial.washout_weeks * RECORD_DAYS
        return self.population.baseline_day + p * gap

    @property
    def end_day(self) -> int:
        return self.period_start(self.periods - 1) + self.period_days

    @property
    def courses(self) -> list[tuple[int, ...]]:
        """What a pooled patient is simulated under: each arm (parallel) or each order of the
        two arms (crossover: AB and BA); entries are arm indices per period."""
        if self.crossover:
            return [(0, 1), (1, 0)]
        return [(k,) for k in range(len(self.arm))]

    @property
    def enrolled(self) -> int:
        """Patients one trial enrols."""
        return self.trial.n if self.crossover else self.trial.n * len(self.arm)

    def pool_size(self, n: int | None = None) -> int:
        """Pooled patients for trials of ``n`` (default the design's n) per arm."""
        n = self.trial.n if n is None else n
        per = n if self.crossover else n * len(self.arm)
        return math.ceil(self.trial.pool_factor * per)

    def _maintenance(self, regimen: int | None) -> dict[str, Any]:
        """The run-in's maintenance entry, at ladder regimen ``regimen`` (None: as written)."""
        pop = self.population
        d = pop.treatment[pop.maintenance_index].model_dump(exclude_none=True)
        if regimen is not None:
            d["every_days"] = pop.regimens[regimen].every_days
            d["dose_g_per_kg"] = pop.regimens[regimen].dose_g_per_kg
        return d

    def _runin(self, regimen: int | None = None) -> list[dict[str, Any]]:
        """Run-in entries, every schedule stopped before the baseline (the first withheld
        dose falls on the baseline day); the maintenance at ladder regimen ``regimen``."""
        base = self.population.baseline_day
        out = []
        for i, t in enumerate(self.population.treatment):
            d = t.model_dump(exclude_none=True)
            if regimen is not None and i == self.population.maintenance_index:
                d = self._maintenance(regimen)
            if d.get("every_days") is not None and d.get("count") is None:
                d["until_day"] = max(d["start_day"], min(d.get("until_day", base - 1), base - 1))
            if "duration_days" in type(t).model_fields:
                length = d.get("duration_days", getattr(t, "days", base - d["start_day"]))
                d["duration_days"] = max(1, min(length, base - d["start_day"]))
            out.append(d)
        return out

    def _arm_entries(self, arm: int, start: int, regimen: int | None = None
                     ) -> list[dict[str, Any]]:
        """An arm's entries placed in the period starting on ``start``, none acting after it
        (a crossover's second period, or the end of the trial, stops every schedule); an
        ``own_regimen`` arm first continues the run-in's maintenance."""
        end = start + self.period_days
        out = []
        specs = [(type(t), t.model_dump(exclude_none=True)) for t in self.arm[arm].treatment]
        if self.arm[arm].own_regimen:
            pop = self.population
            d = self._maintenance(regimen)
            d.pop("until_day", None)
            d = _held(d)
            specs.insert(0, (type(pop.treatment[pop.maintenance_index]), d | {"start_day": 0}))
        for kind, d in specs:
            d["start_day"] = first = start + d.get("start_day", 0)
            every, count = d.get("every_days"), d.pop("count", None)
            if every is not None:
                last = end - 1
                if count is not None:
                    last = min(last, first + (count - 1) * every)
                if d.get("until_day") is not None:
                    last = min(last, start + d["until_day"])
                d["until_day"] = max(first, last)
            elif count is not None:
                d["count"] = count
            if "duration_days" in kind.model_fields:
                length = d.get("duration_days", end - first)
                d["duration_days"] = max(1, min(length, end - first))
            out.append(d)
        return out

    def _between(self, start: int, end: int, regimen: int | None) -> list[dict[str, Any]]:
        """Open-label maintenance at the patient's own regimen from ``start`` to ``end``."""
        d = _held(self._maintenance(regimen))
        return [d | {"start_day": start, "until_day": end - 1}]

    def course_scenario(self, course: int, regimen: int | None = None) -> Scenario:
        """The scenario one pooled patient runs through for course ``course`` (with a
        titration ladder: on its regimen ``regimen``)."""
        plan = self.courses[course]
        entries_ = self._runin(regimen)
        for p, arm in enumerate(plan):
            entries_ += self._arm_entries(arm, self.period_start(p), regimen)
            if p + 1 < len(plan) and self.trial.washout_treatment == "own_regimen":
                entries_ += self._between(self.period_start(p) + self.period_days,
                                          self.period_start(p + 1), regimen)
        return self._scenario(entries_, self.end_day, f"{self.name}: {self.course_label(course)}")

    def untreated_scenario(self) -> Scenario:
        """The same patients without any treatment, to the baseline (the inclusion's
        comparator)."""
        return self._scenario([], self.population.baseline_day, f"{self.name}: untreated")

    def course_label(self, course: int) -> str:
        return " then ".join(self.arm[a].name for a in self.courses[course])

    @staticmethod
    def _scenario(treatment: list[dict[str, Any]], end_day: int, name: str) -> Scenario:
        years = (end_day + RECORD_DAYS) / 365.25
        return parse_scenario({
            "scenario": {"name": name[:120], "years": years,
                         "record_every_days": RECORD_DAYS},
            "treatment": treatment,
        }, source=name)

    def to_dict(self) -> dict[str, Any]:
        """Plain, TOML-ready dict."""
        return self.model_dump(mode="json", exclude_none=True)

    def with_changes(self, **trial: Any) -> TrialDesign:
        """A validated copy with ``[trial]`` fields changed (e.g. ``n=30``)."""
        data = self.to_dict()
        data["trial"].update(trial)
        return parse_design(data, source="design")


def parse_design(data: Mapping[str, Any], source: str = "") -> TrialDesign:
    """Validate a trial design mapping; any mistake is one :class:`TrialError` sentence."""
    if not isinstance(data, Mapping):
        raise TrialError(f"{source}: a trial design is a TOML table.")
    try:
        return TrialDesign.model_validate(dict(data))
    except ValidationError as err:
        raise TrialError(one_sentence(err, source, TrialDesign)) from None


def loads_design(text: str | bytes, source: str = "trial design") -> TrialDesign:
    try:
        data = read_toml(text, source)
    except ScenarioError as err:
        raise TrialError(str(err)) from None
    return parse_design(data, source=source)


def trial_preset_dir() -> Path:
    """Trial presets: ``trials/`` in the scenario preset folder."""
    return preset_dir() / "trials"


def trial_preset_names() -> list[str]:
    folder = trial_preset_dir()
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []


def load_design(name_or_path: str | Path) -> TrialDesign:
    """A trial preset by name (``hahn-2013``) or a design file by path."""
    text = str(name_or_path)
    path = Path(text)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise TrialError(f"{shorten(text)}: no such trial design file.")
        try:
            raw = path.read_bytes()
        except OSError as err:
            raise TrialError(f"{path.name}: cannot read the file ({err.strerror or err}).") \
                from None
        return loads_design(raw, source=path.name)
    if text not in trial_preset_names():
        raise TrialError(f"unknown trial preset {quote(text)}; presets are: "
                         f"{', '.join(trial_preset_names()) or 'none'}.")
    path = trial_preset_dir() / f"{text}.toml"
    return loads_design(path.read_bytes(), source=path.name)

