"""Intravenous immunoglobulin: loading course, maintenance, and a clinician's titration rule.

IVIg raises serum IgG at once; its effect builds over days and wears off as the level decays
(``exposure``), so maintenance courses repeat every few weeks. A titration rule shortens the
interval or raises the dose when the patient's grip drops between courses (end-of-dose
weakness), which is how doses creep up over the years.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from typing import Any, Literal

from pydantic import Field, model_validator

from ..strict import Strict
from ..units import DAYS_PER_YEAR
from .base import (
    Context,
    Control,
    Count,
    EveryDays,
    ScheduleSpec,
    Treatment,
    UntilDay,
    dosing_text,
    years,
)

__all__ = ["IVIgSpec", "TitrationSpec", "IVIg", "TREATMENT"]

# Loading course 2 g/kg over 2-5 days; maintenance 1 g/kg every 2-4 weeks or 2 g/kg every
# 4-8 weeks (van Schaik et al. 2010, EFNS/PNS guideline).
DEFAULT_DOSE_G_PER_KG = 2.0
DEFAULT_INFUSION_DAYS = 5
# (approx.) the titration rule reads grip two weeks into a course, near its expected peak
# (benefit clear by 3 weeks: Terenghi 2004; Van den Berg-Vos 2002).
TITRATION_PEAK_DAY = 14.0


class TitrationSpec(Strict):
    """A clinician's rule: on end-of-dose weakness, shorten the interval or raise the dose."""

    rule: Literal["shorten_interval", "raise_dose"] = "shorten_interval"
    trough_drop_pct: float = Field(
        10, ge=1, le=90, description="grip drop (%) from post-dose peak that counts as wear-off"
    )
    step_days: float = Field(7, ge=1, le=28, description="days cut from the interval per step")
    min_every_days: float = Field(7, ge=1, le=365, description="shortest interval allowed")
    step_g_per_kg: float = Field(0.2, ge=0.05, le=2, description="g/kg added per step")
    max_dose_g_per_kg: float = Field(2.0, ge=0.1, le=4, description="highest dose allowed")


class IVIgSpec(ScheduleSpec):
    kind: Literal["ivig"]
    dose_g_per_kg: float | None = Field(None, gt=0, le=4, description="g/kg per course or dose")
    infusion_days: int | None = Field(None, ge=1, le=5, description="days an IVIg course spans")
    every_days: EveryDays = None
    count: Count = None
    until_day: UntilDay = None
    titration: TitrationSpec | None = None

    @model_validator(mode="after")
    def _schedule(self) -> IVIgSpec:
        self.check_schedule()
        if self.every_days is not None and self.every_days < self.days_per_course:
            raise ValueError(
                f"'every_days' ({self.every_days:g}) must be at least 'infusion_days' "
                f"({self.days_per_course})"
            )
        return self

    @property
    def dose(self) -> float:
        return self.dose_g_per_kg if self.dose_g_per_kg is not None else DEFAULT_DOSE_G_PER_KG

    @property
    def days_per_course(self) -> int:
        return self.infusion_days if self.infusion_days is not None else DEFAULT_INFUSION_DAYS


class IVIg(Treatment):
    kind = "ivig"
    title = "IVIg"
    Spec = IVIgSpec
    events = {"ivig_dose": "IVIg course", "titration": "IVIg dose change"}
    course_event = "ivig_dose"
    colour = "blue"
    immunoglobulin = True
    section_expanded = True
    controls = (
        Control("ivig", "Give IVIg",
                "Intravenous immunoglobulin: a loading course, then maintenance.", "bool", kind),
        Control("ivig_start", "IVIg start (years from onset)",
                "When the first (loading) course is given. Diagnostic delay averages 5.5 years "
                "(Löscher 2018).", "float", kind, 0, 40, 0.25),
        Control("ivig_dose", "IVIg maintenance dose (g/kg per course)",
                "EFNS/PNS 2010: 1 g/kg every 2-4 weeks or 2 g/kg every 4-8 weeks.",
                "float", kind, 0.2, 2.4, 0.1),
        Control("ivig_every", "IVIg interval (days between courses)",
                "Days between maintenance courses; IVIg wears off after 2-5 weeks.",
                "int", kind, 7, 84, 7),
    )

    def process(self, ctx: Context, spec: IVIgSpec) -> Generator[Any, Any, None]:
        env, x = ctx.env, ctx.exposure
        every, dose, n_days = spec.every_days, spec.dose, spec.days_per_course
        course_start, n = spec.start_day, 0
        while course_start <= ctx.end and (spec.count is None or n < spec.count) and (
            spec.until_day is None or course_start <= spec.until_day
        ):
            yield env.timeout(course_start - env.now)
            for d in range(n_days):
                if env.now > ctx.end:
                    break
                ctx.sync()
                part = dose / n_days
                x.add_igg(part)
                ctx.event("ivig_dose", part, f"course {n + 1}, day {d + 1} of {n_days}")
                if d < n_days - 1:
                    yield env.timeout(1.0)
            n += 1
            if every is None:  # a single course
                break
            nxt = course_start + every
            if spec.titration is not None and course_start + TITRATION_PEAK_DAY < nxt <= ctx.end:
                every, dose = yield from self._titrate(ctx, spec.titration, course_start, nxt,
                                                       every, dose, n_days)
            course_start = nxt

    def _titrate(
        self, ctx: Context, titr: TitrationSpec, course_start: float, nxt: float,
        every: float, dose: float, n_days: int,
    ) -> Generator[Any, Any, tuple[float, float]]:
        """Compare the post-dose peak grip with the trough before the next course."""
        env = ctx.env
        yield env.timeout(course_start + TITRATION_PEAK_DAY - env.now)
        peak = ctx.weaker_grip_now()
        yield env.timeout(nxt - env.now)
        trough = ctx.weaker_grip_now()
        if peak > 0 and (peak - trough) / peak * 100 >= titr.trough_drop_pct:
            shortest = max(titr.min_every_days, n_days)
            if titr.rule == "shorten_interval" and every > shortest:
                every = max(shortest, every - titr.step_days)
                ctx.event("titration", every,
                          f"end-of-dose weakness: interval shortened to {every:g} days")
            elif titr.rule == "raise_dose" and dose < titr.max_dose_g_per_kg:
                dose = min(titr.max_dose_g_per_kg, dose + titr.step_g_per_kg)
                ctx.event("titration", dose, f"end-of-dose weakness: dose raised to {dose:g} g/kg")
        return every, dose

    def plan_text(self, spec: IVIgSpec) -> str:
        return dosing_text(self.title, spec.dose, spec)

    def control_defaults(self, entries: Sequence[IVIgSpec]) -> dict[str, Any]:
        maint = next((t for t in reversed(entries) if t.every_days is not None), None)
        start = min((t.start_day for t in entries), default=2 * DAYS_PER_YEAR)
        return {
            "ivig": bool(entries),
            "ivig_start": years(start),
            "ivig_dose": float(maint.dose if maint else 1.0),
            "ivig_every": int(maint.every_days if maint else 28),
        }

    def apply_controls(self, entries: list[dict[str, Any]], values: Mapping[str, Any],
                       defaults: Mapping[str, Any], end_day: float) -> list[dict[str, Any]]:
        if not values["ivig"]:
            return []
        start = values["ivig_start"] * DAYS_PER_YEAR
        if not entries:  # a loading course (2 g/kg over 5 days), then maintenance to the end
            entries = [{"kind": "ivig", "start_day": start,
                        "dose_g_per_kg": DEFAULT_DOSE_G_PER_KG,
                        "infusion_days": DEFAULT_INFUSION_DAYS}]
        else:
            shift = (values["ivig_start"] - defaults["ivig_start"]) * DAYS_PER_YEAR
            for t in entries:
                t["start_day"] = t["start_day"] + shift
                if "until_day" in t:
                    t["until_day"] = t["until_day"] + shift
        maint = next((t for t in reversed(entries) if "every_days" in t), None)
        want = maint is not None or values["ivig_every"] != defaults["ivig_every"] or \
            values["ivig_dose"] != defaults["ivig_dose"] or not defaults["ivig"]
        if maint is None and want:
            first = min(t["start_day"] for t in entries)
            maint = {"kind": "ivig", "start_day": first + values["ivig_every"],
                     "infusion_days": 2, "until_day": max(end_day, first + values["ivig_every"])}
            entries.append(maint)
        if maint is not None:
            maint["every_days"] = float(values["ivig_every"])
            maint["dose_g_per_kg"] = float(values["ivig_dose"])
            if maint.get("infusion_days", DEFAULT_INFUSION_DAYS) > values["ivig_every"]:
                maint["infusion_days"] = 1
        return entries


TREATMENT = IVIg()
