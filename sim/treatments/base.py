"""The Treatment protocol: a scenario spec, a simpy process, its events and its plan text.

Each treatment kind is one module beside this one. It declares

* ``Spec``: its ``[[treatment]]`` entry, one member of a pydantic union keyed on ``kind`` (so an
  unknown kind, or a field that does not apply to the kind, is one clear sentence);
* ``process(ctx, spec)``: a simpy generator that acts on the patient's
  :class:`~sim.treatments.exposure.Exposure` at its events and records them;
* ``events``: every event name it records, with the timeline row that shows it, plus how the
  IgG chart marks it (``course_event``, ``point_event``, ``span``);
* ``plan_text(spec)``: the entry in plain words; ``controls`` for the dashboard's sidebar.

The engine, figures, sidebar and docs loop over the registry (``sim.treatments``); nothing
outside a treatment's own module branches on its kind.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Protocol

import simpy
from pydantic import Field

from ..strict import Strict
from ..units import DAYS_PER_YEAR
from .exposure import Exposure

__all__ = [
    "Context",
    "Control",
    "TreatmentSpec",
    "ScheduleSpec",
    "Treatment",
    "StartDay",
    "EveryDays",
    "Count",
    "UntilDay",
    "DurationDays",
    "when_text",
    "dosing_text",
    "years",
]

MAX_DAY = 14610  # 40 years, the longest scenario

# Field types shared by several kinds: bounds and units are declared once.
StartDay = Annotated[float, Field(ge=0, le=MAX_DAY, description="day from onset")]
EveryDays = Annotated[
    float | None, Field(ge=1, le=365, description="days between courses")
]
Count = Annotated[int | None, Field(ge=1, le=2000, description="number of courses")]
UntilDay = Annotated[
    float | None, Field(ge=0, le=MAX_DAY, description="last day a course starts")
]
DurationDays = Annotated[
    float | None, Field(ge=1, le=MAX_DAY, description="days of treatment")
]


class Context(Protocol):
    """What a treatment's process may use of the running model."""

    env: simpy.Environment
    end: float  # last day simulated
    exposure: Exposure
    no_response: bool  # set when an adequate course brought no objective response

    def healthy_grip(self) -> float:
        """The patient's healthy grip (kg)."""

    def sync(self) -> None:
        """Bring the exposure (and its modifier integrals) up to ``env.now``."""

    def treatment_draw(self, kind: str) -> float:
        """This patient's own uniform draw in [0, 1) for ``kind`` (e.g. does it respond)."""

    def event(self, name: str, value: float = math.nan, detail: str = "", side: str = "",
              nerve: str = "", segment: str = "") -> None:
        """Record an event at ``env.now``."""

    def weaker_grip_now(self) -> float:
        """Grip (kg) of the weaker hand right now, as a clinician would measure it."""

    def examine_now(self) -> tuple[float, int]:
        """(weaker-hand grip in kg, MRC sum score) right now."""


@dataclass(frozen=True)
class Control:
    """One dashboard control (UI-free): a slider, toggle or choice and its allowed range."""

    name: str  # URL key and widget key suffix
    label: str  # with its unit
    help: str
    kind: str  # float | int | bool | choice
    group: str  # the sidebar section it belongs to
    lo: float = 0.0
    hi: float = 1.0
    step: float = 1.0
    choices: tuple[str, ...] = ()


class TreatmentSpec(Strict):
    """Fields every ``[[treatment]]`` entry has; each kind subclasses it."""

    kind: str
    start_day: StartDay = 0

    def course_days(self, end_day: float) -> list[float]:
        """Start days of every scheduled course up to ``end_day`` (a one-off by default)."""
        return [self.start_day] if self.start_day <= end_day else []

    @property
    def days_per_course(self) -> int:
        """Days on which one course acts (e.g. an IVIg course infused over several days)."""
        return 1

    def course_count(self, end_day: float) -> int:
        """How many courses start up to ``end_day``, without listing them."""
        return 1 if self.start_day <= end_day else 0

    def scheduled_events(self, end_day: float) -> int:
        """Treatment days up to ``end_day``: the work this entry's process does, so that a
        scenario can refuse a schedule that would take minutes to simulate."""
        return self.course_count(end_day) * self.days_per_course


class ScheduleSpec(TreatmentSpec):
    """A treatment given repeatedly: ``every_days`` with ``count`` or ``until_day``.

    Subclasses declare the three fields (``every_days``, ``count``, ``until_day``) where their
    entries should list them, and call :meth:`check_schedule` from a validator.
    """

    if TYPE_CHECKING:  # declared by each subclass, in its own field order
        every_days: float | None
        count: int | None
        until_day: float | None

    def check_schedule(self) -> None:
        count, until, every = self.count, self.until_day, self.every_days
        if count is not None and until is not None:
            raise ValueError("give either 'count' or 'until_day', not both")
        if until is not None and until < self.start_day:
            raise ValueError("'until_day' must not be before 'start_day'")
        if (count or 1) > 1 and every is None:
            raise ValueError("'count' above 1 needs 'every_days'")
        if until is not None and every is None:
            raise ValueError("'until_day' needs 'every_days'")

    def course_count(self, end_day: float) -> int:
        every = self.every_days
        last = end_day if self.until_day is None else min(end_day, self.until_day)
        if every is None or self.start_day > last:
            return super().course_count(end_day)
        n = int((last - self.start_day) // every) + 1
        return n if self.count is None else min(n, self.count)

    def course_days(self, end_day: float) -> list[float]:
        every = self.every_days
        if every is None:
            return super().course_days(end_day)
        last = end_day if self.until_day is None else min(end_day, self.until_day)
        n_max = self.count
        days: list[float] = []
        k = 0
        while (n_max is None or k < n_max) and self.start_day + k * every <= last:
            days.append(self.start_day + k * every)
            k += 1
        return days


class Treatment:
    """A treatment kind. Subclasses set the class attributes and implement :meth:`process`."""

    kind: ClassVar[str]
    title: ClassVar[str]  # short display name, e.g. "IVIg"
    Spec: ClassVar[type[TreatmentSpec]]
    events: ClassVar[Mapping[str, str]]  # event name -> timeline row
    course_event: ClassVar[str | None] = None  # daily doses drawn as one course marker
    point_event: ClassVar[str | None] = None  # one marker per event on the IgG chart
    span: ClassVar[tuple[str, str] | None] = None  # start/end events shaded on the IgG chart
    colour: ClassVar[str] = "black"  # Okabe-Ito colour name of its chart marks
    immunoglobulin: ClassVar[bool] = False  # counts as an IVIg trial for the checklist
    hypothetical: ClassVar[bool] = False  # not an established treatment: say so wherever shown
    # Spec fields that make the kind's default entry a first course as a clinic gives it (for
    # the mystery's first treatment), e.g. a weekly schedule for a drug given weekly.
    first_course: ClassVar[Mapping[str, Any]] = {}
    controls: ClassVar[tuple[Control, ...]] = ()  # sidebar; the first is the on/off switch
    section_expanded: ClassVar[bool] = False

    def process(self, ctx: Context, spec: Any) -> Generator[simpy.Event, Any, None]:
        raise NotImplementedError

    def plan_text(self, spec: Any) -> str:
        return f"{self.title} {when_text(spec.start_day)}"

    # --- dashboard controls (only for kinds with ``controls``) ------------------------------
    def control_defaults(self, entries: Sequence[Any]) -> dict[str, Any]:
        """The sidebar values that describe this kind's ``entries`` in a scenario."""
        return {}

    def apply_controls(self, entries: list[dict[str, Any]], values: Mapping[str, Any],
                       defaults: Mapping[str, Any], end_day: float) -> list[dict[str, Any]]:
        """This kind's entries (as dicts) after the sidebar ``values`` were applied."""
        return entries


def dosing_text(title: str, dose: float, spec: ScheduleSpec) -> str:
    """A course or a schedule of an immunoglobulin in plain words."""
    when = when_text(spec.start_day)
    if spec.every_days is None:
        return f"{title} {dose:g} g/kg course, {when}"
    stop = f" until day {spec.until_day:.0f}" if spec.until_day is not None else (
        f", {spec.count} courses" if spec.count else "")
    return f"{title} {dose:g} g/kg every {spec.every_days:g} days {when}{stop}"


def when_text(start_day: float) -> str:
    return f"from day {start_day:.0f} (year {start_day / DAYS_PER_YEAR:.1f})"


def years(day: float) -> float:
    """A day as years from onset, rounded to the sidebar's quarter-year steps."""
    return round(day / DAYS_PER_YEAR * 4) / 4
