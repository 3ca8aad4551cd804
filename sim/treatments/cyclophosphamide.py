"""Cyclophosphamide: a second-line immunosuppressant with weak evidence and real toxicity.

Evidence (weak): Pestronk et al. 1988 (Ann Neurol 24:73) reported marked improvement in
strength after cyclophosphamide in two patients whose prednisone and plasmapheresis had
failed; no randomised trial exists (Umapathi et al. 2015, Cochrane review: the only trial of an
immunosuppressant in MMN tested mycophenolate). The EFNS/PNS guideline lists cyclophosphamide
among agents that *may be considered* when IVIg is not or not sufficiently effective, and says
its toxicity makes it a less desirable option (van Schaik et al. 2010).

The model keeps it modest, and every number is a working value (approx.): in a share of
patients (drawn once per patient, the same whatever the plan) it prevents a share of new
attacks and slows block growth, building over months and fading over months after the last
pulse. It lifts no existing block, so a gain shows only as slower decline. Each pulse records
the cumulative dose, since the toxicity (marrow suppression, infection, haemorrhagic
cystitis, infertility, later malignancy) grows with it.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Mapping, Sequence
from typing import Any, Literal

from pydantic import Field, model_validator

from ..units import DAYS_PER_YEAR
from .base import (
    MAX_DAY,
    Context,
    Control,
    Count,
    ScheduleSpec,
    Treatment,
    UntilDay,
    when_text,
    years,
)

__all__ = ["CyclophosphamideSpec", "Cyclophosphamide", "TREATMENT"]

# Monthly intravenous pulses, six of them: a common immunosuppressive course. (approx.)
DEFAULT_PULSE_G = 1.0
DEFAULT_EVERY_DAYS = 28.0
DEFAULT_COUNT = 6
# Share of patients in whom it acts, and the share of attacks and block growth it then
# prevents: working values kept modest for weak evidence (Pestronk 1988: 2 of 2 improved in
# an uncontrolled report; Umapathi 2015: no trial). (approx.)
DEFAULT_RESPONDER_SHARE = 0.5
DEFAULT_EFFICACY = 0.5
# Benefit builds over months, not days: nothing in the first 4 weeks, then a time constant of
# 60 days (responses were reported within 2-4 months of starting; Kornberg & Pestronk 1995).
# (approx.)
LAG_DAYS = 28.0
ONSET_DAYS = 60.0
# After the last pulse it fades with a time constant of 120 days. (approx.)
OFFSET_DAYS = 120.0
STEP_DAYS = 7.0  # the effect is updated weekly (it changes over months)
TOXICITY = ("marrow suppression, infection, haemorrhagic cystitis, infertility, later "
            "malignancy")


class CyclophosphamideSpec(ScheduleSpec):
    kind: Literal["cyclophosphamide"]
    pulse_g: float | None = Field(None, gt=0, le=3, description="g per intravenous pulse")
    every_days: float | None = Field(None, ge=7, le=365, description="days between pulses")
    count: Count = None
    until_day: UntilDay = None
    responder_share: float | None = Field(
        None, ge=0, le=1, description="share of patients in whom it acts (weak evidence)"
    )
    efficacy: float | None = Field(
        None, ge=0, le=1,
        description="share of new attacks and block growth prevented in a responder",
    )

    @model_validator(mode="after")
    def _schedule(self) -> CyclophosphamideSpec:
        self._filled().check_schedule()  # with the monthly default interval filled in
        return self

    # A course is DEFAULT_COUNT monthly pulses unless the entry says otherwise.
    def _filled(self) -> CyclophosphamideSpec:
        every = self.every_days if self.every_days is not None else DEFAULT_EVERY_DAYS
        count = self.count if self.count is not None or self.until_day is not None \
            else DEFAULT_COUNT
        return self.model_copy(update={"every_days": every, "count": count})

    def course_days(self, end_day: float) -> list[float]:
        return ScheduleSpec.course_days(self._filled(), end_day)

    def course_count(self, end_day: float) -> int:
        return ScheduleSpec.course_count(self._filled(), end_day)

    def scheduled_events(self, end_day: float) -> int:
        weeks = int(max(0.0, end_day - self.start_day) // STEP_DAYS) + 1
        return self.course_count(end_day) + weeks

    @property
    def grams(self) -> float:
        return self.pulse_g if self.pulse_g is not None else DEFAULT_PULSE_G

    @property
    def share(self) -> float:
        return self.responder_share if self.responder_share is not None \
            else DEFAULT_RESPONDER_SHARE

    @property
    def strength(self) -> float:
        return self.efficacy if self.efficacy is not None else DEFAULT_EFFICACY


class Cyclophosphamide(Treatment):
    kind = "cyclophosphamide"
    title = "Cyclophosphamide (weak evidence)"
    Spec = CyclophosphamideSpec
    events = {"cyclophosphamide_dose": "cyclophosphamide (weak evidence, toxic)",
              "cyclophosphamide_response": "cyclophosphamide (weak evidence, toxic)"}
    point_event = "cyclophosphamide_dose"
    colour = "green"
    controls = (
        Control("cyc", "Give cyclophosphamide (weak evidence)",
                "Second line when IVIg fails: benefit reported in a few patients (Pestronk "
                "1988), no trial, toxic (van Schaik 2010). Acts, if at all, over months.",
                "bool", kind),
        Control("cyc_start", "Cyclophosphamide start (years from onset)",
                "Day of the first monthly pulse.", "float", kind, 0, 40, 0.25),
        Control("cyc_pulses", "Cyclophosphamide pulses (monthly)",
                "Number of monthly intravenous pulses; toxicity grows with the cumulative "
                "dose.", "int", kind, 1, 12, 1),
    )

    def process(self, ctx: Context, spec: CyclophosphamideSpec) -> Generator[Any, Any, None]:
        env = ctx.env
        pulses = spec.course_days(ctx.end)
        if not pulses:
            return
        responds = ctx.treatment_draw(self.kind) < spec.share
        level = spec.strength if responds else 0.0
        env.process(self._effect(ctx, pulses[0], pulses[-1] + DEFAULT_EVERY_DAYS, level))
        env.process(self._judged(ctx, pulses[0] + LAG_DAYS + ONSET_DAYS, responds, level))
        total = 0.0
        for k, day in enumerate(pulses):
            yield env.timeout(day - env.now)
            total += spec.grams
            ctx.event("cyclophosphamide_dose", total,
                      f"pulse {k + 1} of {len(pulses)}, {spec.grams:g} g; cumulative "
                      f"{total:g} g (toxicity grows with it: {TOXICITY})")

    def _judged(self, ctx: Context, day: float, responds: bool,
                level: float) -> Generator[Any, Any, None]:
        """Months in, say whether this patient is one of those it helps (none act in days)."""
        if day > ctx.end:
            return
        yield ctx.env.timeout(day - ctx.env.now)
        ctx.event("cyclophosphamide_response", level,
                  "responds: fewer new attacks, slower block growth (weak evidence)"
                  if responds else "no response (weak evidence: benefit in some patients only)")

    def _effect(self, ctx: Context, start: float, stop: float,
                level: float) -> Generator[Any, Any, None]:
        """Weekly: the share prevented builds towards ``level`` after a lag of weeks and fades
        after ``stop``."""
        if level == 0.0:
            return
        env, k, at_stop = ctx.env, 0, 0.0
        while True:
            day = start + k * STEP_DAYS
            if day > ctx.end:
                return
            yield env.timeout(day - env.now)
            ctx.sync()
            if day <= stop:
                built = max(0.0, day - start - LAG_DAYS)
                at_stop = level * (1.0 - math.exp(-built / ONSET_DAYS))
                ctx.exposure.immunosuppression = at_stop
            else:
                now = at_stop * math.exp(-(day - stop) / OFFSET_DAYS)
                ctx.exposure.immunosuppression = now if now >= 0.01 else 0.0
                if now < 0.01:
                    return
            k += 1

    def plan_text(self, spec: CyclophosphamideSpec) -> str:
        n = len(spec.course_days(MAX_DAY))
        return (f"cyclophosphamide (weak evidence, toxic) {spec.grams:g} g every "
                f"{spec._filled().every_days:g} days, {n} pulses, {when_text(spec.start_day)}")

    def control_defaults(self, entries: Sequence[CyclophosphamideSpec]) -> dict[str, Any]:
        c = entries[0] if entries else None
        return {"cyc": c is not None,
                "cyc_start": years(c.start_day if c else 3 * DAYS_PER_YEAR),
                "cyc_pulses": len(c.course_days(MAX_DAY)) if c else DEFAULT_COUNT}

    def apply_controls(self, entries: list[dict[str, Any]], values: Mapping[str, Any],
                       defaults: Mapping[str, Any], end_day: float) -> list[dict[str, Any]]:
        if not values["cyc"]:
            return []
        base = dict(entries[0]) if entries else {"kind": self.kind}
        base.pop("until_day", None)
        base["start_day"] = values["cyc_start"] * DAYS_PER_YEAR
        base["count"] = int(values["cyc_pulses"])
        return [base]


TREATMENT = Cyclophosphamide()
