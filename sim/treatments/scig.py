"""Subcutaneous immunoglobulin: small weekly doses absorbed over days, so levels stay flatter.

At an equal dose SCIg and IVIg change strength alike (Harbo 2009, n=9: +3.6% vs +4.3%); at
half the IVIg-equivalent dose most patients deteriorate (Eftimov 2009, n=10). Serum IgG is
flatter, but the fluctuation of measured strength was not clearly smaller (coefficient of
variation 5.50% vs 6.97%, P = 0.21: Muscle Nerve 2018).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Literal

from pydantic import Field, model_validator

from .base import Context, Count, EveryDays, ScheduleSpec, Treatment, UntilDay, dosing_text

__all__ = ["SCIgSpec", "SCIg", "TREATMENT"]

DEFAULT_DOSE_G_PER_KG = 0.25  # weekly: the monthly dose of 1 g/kg IVIg every 4 weeks
# In MMN an equal monthly dose works as well as IVIg (Harbo 2009: +3.6% vs +4.3%, equal
# doses; Eftimov 2009: stable at the full IVIg-equivalent dose), so the depot delivers the
# whole dose. (approx.: pharmacokinetic studies measure an IgG bioavailability below 1, but
# the model reads effect from the level, and a flat level at equal dose matched Harbo's
# strength.)
BIOAVAILABILITY = 1.0


class SCIgSpec(ScheduleSpec):
    kind: Literal["scig"]
    dose_g_per_kg: float | None = Field(None, gt=0, le=4, description="g/kg per course or dose")
    every_days: EveryDays = None
    count: Count = None
    until_day: UntilDay = None

    @model_validator(mode="after")
    def _schedule(self) -> SCIgSpec:
        self.check_schedule()
        return self

    @property
    def dose(self) -> float:
        return self.dose_g_per_kg if self.dose_g_per_kg is not None else DEFAULT_DOSE_G_PER_KG


class SCIg(Treatment):
    kind = "scig"
    title = "SCIg"
    Spec = SCIgSpec
    events = {"scig_dose": "SCIg course"}
    course_event = "scig_dose"
    colour = "blue"
    immunoglobulin = True
    first_course = {"every_days": 7}  # weekly doses, never a single one (Harbo 2009)

    def process(self, ctx: Context, spec: SCIgSpec) -> Generator[Any, Any, None]:
        env = ctx.env
        dose_start, n = spec.start_day, 0
        while dose_start <= ctx.end and (spec.count is None or n < spec.count) and (
            spec.until_day is None or dose_start <= spec.until_day
        ):
            yield env.timeout(dose_start - env.now)
            if env.now > ctx.end:
                break
            ctx.sync()
            ctx.exposure.add_depot(spec.dose, BIOAVAILABILITY)
            ctx.event("scig_dose", spec.dose, f"dose {n + 1}")
            n += 1
            if spec.every_days is None:
                break
            dose_start = dose_start + spec.every_days

    def plan_text(self, spec: SCIgSpec) -> str:
        return dosing_text(self.title, spec.dose, spec)


TREATMENT = SCIg()
