"""Prednisolone: a corticosteroid course. In MMN it does not help and can make it worse.

Weakness increased within one month in reported pure-motor cases (Donaghy 1994, 4 patients);
prednisone failed in the first two reported patients (Pestronk 1988); the EFNS/PNS guideline
(van Schaik et al. 2010) does not recommend it. What a course *does* to a disease is the
disease's to say (``sim.diseases``): here it only sets the steroid intensity.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from typing import Any, Literal

from pydantic import Field

from ..units import DAYS_PER_YEAR
from .base import Context, Control, DurationDays, Treatment, TreatmentSpec, when_text, years

__all__ = ["PrednisoloneSpec", "Prednisolone", "TREATMENT"]

DEFAULT_MG_PER_DAY = 60.0  # (approx.) a typical adult starting dose
DEFAULT_DURATION_DAYS = 56.0  # (approx.) an eight-week course
# Intensity scales with dose up to this daily dose, then saturates. (approx.)
REFERENCE_MG_PER_DAY = 60.0


class PrednisoloneSpec(TreatmentSpec):
    kind: Literal["prednisolone"]
    duration_days: DurationDays = None
    mg_per_day: float | None = Field(None, ge=1, le=200, description="mg prednisolone per day")

    @property
    def mg(self) -> float:
        return self.mg_per_day if self.mg_per_day is not None else DEFAULT_MG_PER_DAY

    @property
    def days(self) -> float:
        return self.duration_days if self.duration_days is not None else DEFAULT_DURATION_DAYS


class Prednisolone(Treatment):
    kind = "prednisolone"
    title = "Prednisolone"
    Spec = PrednisoloneSpec
    events = {"steroid_start": "prednisolone", "steroid_end": "prednisolone"}
    span = ("steroid_start", "steroid_end")
    colour = "orange"
    controls = (
        Control("pred", "Give a prednisolone course",
                "Corticosteroids do not help in MMN and can make it worse (Donaghy 1994).",
                "bool", kind),
        Control("pred_start", "Prednisolone start (years from onset)", "Day the course begins.",
                "float", kind, 0, 40, 0.25),
        Control("pred_weeks", "Prednisolone course length (weeks)", "How long the course lasts.",
                "int", kind, 1, 26, 1),
        Control("pred_mg", "Prednisolone dose (mg/day)", "Daily dose during the course.",
                "int", kind, 5, 100, 5),
    )

    def process(self, ctx: Context, spec: PrednisoloneSpec) -> Generator[Any, Any, None]:
        env, mg = ctx.env, spec.mg
        yield env.timeout(spec.start_day - env.now)
        ctx.sync()
        ctx.exposure.steroid = min(1.0, mg / REFERENCE_MG_PER_DAY)
        ctx.event("steroid_start", mg, f"prednisolone {mg:g} mg/day")
        stop = spec.start_day + spec.days
        if stop <= ctx.end:
            yield env.timeout(stop - env.now)
            ctx.sync()
            ctx.exposure.steroid = 0.0
            ctx.event("steroid_end", mg, "prednisolone stopped")

    def plan_text(self, spec: PrednisoloneSpec) -> str:
        return f"Prednisolone {spec.mg:g} mg/day for {spec.days:g} days {when_text(spec.start_day)}"

    def control_defaults(self, entries: Sequence[PrednisoloneSpec]) -> dict[str, Any]:
        pred = entries[0] if entries else None
        return {
            "pred": pred is not None,
            "pred_start": years(pred.start_day if pred else 2 * DAYS_PER_YEAR),
            "pred_weeks": int(round((pred.days if pred else DEFAULT_DURATION_DAYS) / 7)),
            "pred_mg": int(pred.mg if pred else DEFAULT_MG_PER_DAY),
        }

    def apply_controls(self, entries: list[dict[str, Any]], values: Mapping[str, Any],
                       defaults: Mapping[str, Any], end_day: float) -> list[dict[str, Any]]:
        if not values["pred"]:
            return []
        return [{"kind": "prednisolone", "start_day": values["pred_start"] * DAYS_PER_YEAR,
                 "duration_days": values["pred_weeks"] * 7.0,
                 "mg_per_day": float(values["pred_mg"])}]


TREATMENT = Prednisolone()
