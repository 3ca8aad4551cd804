"""Intravenous immunoglobulin: loading course, maintenance, and a clinician's titration rule.

IVIg raises serum IgG at once; its effect builds over days and wears off as the level decays
(``exposure``), so maintenance courses repeat every few weeks. A titration rule shortens the
interval or raises the dose when the patient's grip drops between courses (end-of-dose
weakness), which is how doses creep up over the years.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, model_validator

from ..clinical import objective_response
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
# An adequate course is 2 g/kg (van Schaik et al. 2010); its response is judged 2-4 weeks
# later by the one rule the checklist uses too (sim.clinical.objective_response). A patient
# with the weaker grip above 90% of healthy and an MRC sum above 195 has too little to gain
# to judge. (approx.)
ADEQUATE_COURSE_G_PER_KG = 2.0
RESPONSE_CHECK_DAYS = (14.0, 21.0, 28.0)
JUDGEABLE_GRIP_SHARE = 0.9
JUDGEABLE_MRC = 195
# After no response to an adequate course the guideline's answer is to stop and reconsider
# the diagnosis, not to continue or escalate (van Schaik et al. 2010): by default an entry gives
# no further course once ``no_response`` has been recorded; "continue" keeps the schedule (the
# titration rule still stops), to show what continuing would and would not buy.


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
    confirm_cycles: int = Field(
        2, ge=1, le=6, description="cycles in a row with end-of-dose weakness before a step"
    )
    decline_pct: float = Field(
        10, ge=1, le=90,
        description="trough grip drop (%) below the best trough on the current regimen",
    )


class IVIgSpec(ScheduleSpec):
    kind: Literal["ivig"]
    dose_g_per_kg: float | None = Field(None, gt=0, le=4, description="g/kg per course or dose")
    infusion_days: int | None = Field(None, ge=1, le=5, description="days an IVIg course spans")
    every_days: EveryDays = None
    count: Count = None
    until_day: UntilDay = None
    titration: TitrationSpec | None = None
    after_no_response: Literal["stop", "continue"] = Field(
        "stop", description="what this entry does after a 'no_response' event"
    )

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


@dataclass
class _Titration:
    """What the titrating clinician remembers between courses."""

    strikes: int = 0  # cycles in a row with weakness before the next course
    best_trough: float = 0.0  # best trough grip (kg) on the current regimen


class IVIg(Treatment):
    kind = "ivig"
    title = "IVIg"
    Spec = IVIgSpec
    events = {"ivig_dose": "IVIg course", "titration": "IVIg dose change",
              "no_response": "no response: reconsider the diagnosis",
              "ivig_stopped": "no response: reconsider the diagnosis"}
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
        env = ctx.env
        every, dose, n_days = spec.every_days, spec.dose, spec.days_per_course
        course_start, n, state = spec.start_day, 0, _Titration()
        while course_start <= ctx.end and (spec.count is None or n < spec.count) and (
            spec.until_day is None or course_start <= spec.until_day
        ):
            yield env.timeout(course_start - env.now)
            if ctx.no_response and spec.after_no_response == "stop":
                ctx.event("ivig_stopped", float(n),
                          f"IVIg stopped after no response to an adequate course: the course "
                          f"due on day {course_start:.0f} is not given; reconsider the diagnosis")
                return
            before = ctx.examine_now() if dose >= ADEQUATE_COURSE_G_PER_KG else None
            yield from self._infuse(ctx, dose, n_days, n)
            n += 1
            if before is not None and not ctx.no_response:
                env.process(self._check_response(ctx, course_start, before))
            if every is None:  # a single course
                break
            nxt = course_start + every
            if spec.titration is not None and course_start + TITRATION_PEAK_DAY < nxt <= ctx.end:
                every, dose = yield from self._titrate(
                    ctx, spec.titration, course_start, nxt, every, dose, n_days, state)
            course_start = nxt

    def _infuse(self, ctx: Context, dose: float, n_days: int, n: int) -> Generator[Any, Any, None]:
        """One course: the dose spread over ``n_days`` daily infusions."""
        for d in range(n_days):
            if ctx.env.now > ctx.end:
                break
            ctx.sync()
            part = dose / n_days
            ctx.exposure.add_igg(part)
            ctx.event("ivig_dose", part, f"course {n + 1}, day {d + 1} of {n_days}")
            if d < n_days - 1:
                yield ctx.env.timeout(1.0)

    def _check_response(self, ctx: Context, course_start: float,
                        before: tuple[float, int]) -> Generator[Any, Any, None]:
        """After an adequate course, look for an objective response over the next 4 weeks.

        No response to an adequate first course is a reason to reconsider the diagnosis, not
        to escalate (van Schaik et al. 2010): the run records ``no_response``, the titration
        rule stops, and an entry with ``after_no_response = "stop"`` (the default) gives no
        further course. A patient too strong to show a change is not judged.
        """
        env, (grip0, mrc0) = ctx.env, before
        best_grip, best_mrc = grip0, mrc0
        for day in RESPONSE_CHECK_DAYS:
            if course_start + day > ctx.end:
                return
            yield env.timeout(course_start + day - env.now)
            grip, mrc = ctx.examine_now()
            best_grip, best_mrc = max(best_grip, grip), max(best_mrc, mrc)
        judgeable = grip0 < ctx.healthy_grip() * JUDGEABLE_GRIP_SHARE or mrc0 <= JUDGEABLE_MRC
        responded = objective_response(best_grip - grip0, best_mrc - mrc0)
        if judgeable and not responded:
            ctx.no_response = True
            ctx.event("no_response", best_grip - grip0,
                      "no objective response to an adequate IVIg course: reconsider the "
                      "diagnosis")

    def _titrate(
        self, ctx: Context, titr: TitrationSpec, course_start: float, nxt: float,
        every: float, dose: float, n_days: int, state: _Titration,
    ) -> Generator[Any, Any, tuple[float, float]]:
        """Compare the post-dose peak grip with the trough before the next course.

        Weakness before the next course, in ``confirm_cycles`` cycles in a row, earns one
        step: a shorter interval (or, with ``raise_dose`` or once the interval is as short as
        allowed, a higher dose). Two kinds count: end-of-dose weakness (the trough well below
        the post-dose peak) and progression (the trough well below the best trough on the
        current regimen). New lesions keep coming, so steps keep coming over the years: dose
        creep follows the disease (Herraets 2020).
        """
        env = ctx.env
        yield env.timeout(course_start + TITRATION_PEAK_DAY - env.now)
        peak = ctx.weaker_grip_now()
        yield env.timeout(nxt - env.now)
        trough = ctx.weaker_grip_now()
        state.best_trough = max(state.best_trough, trough)
        wearing_off = peak > 0 and (peak - trough) / peak * 100 >= titr.trough_drop_pct
        declining = trough < state.best_trough * (1 - titr.decline_pct / 100)
        if ctx.no_response or not (wearing_off or declining):
            state.strikes = 0
            return every, dose
        state.strikes += 1
        if state.strikes < titr.confirm_cycles:
            return every, dose
        state.strikes, state.best_trough = 0, 0.0
        shortest = max(titr.min_every_days, n_days)
        if titr.rule == "shorten_interval" and every > shortest:
            every = max(shortest, every - titr.step_days)
            ctx.event("titration", every,
                      f"weakness before the next course: interval shortened to {every:g} days")
        elif dose < titr.max_dose_g_per_kg:
            dose = round(min(titr.max_dose_g_per_kg, dose + titr.step_g_per_kg), 6)
            ctx.event("titration", dose,
                      f"weakness before the next course: dose raised to {dose:g} g/kg")
        return every, dose

    def plan_text(self, spec: IVIgSpec) -> str:
        text = dosing_text(self.title, spec.dose, spec)
        if spec.every_days is not None and spec.after_no_response == "continue":
            text += ", continued after no response"
        return text

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
