"""Prednisolone: a corticosteroid course. In MMN it does not help and can make it worse.

Weakness increased within one month in reported pure-motor cases (Donaghy 1994, 4 patients);
prednisone failed in the first two reported patients (Pestronk 1988); the EFNS/PNS guideline
(van Schaik et al. 2010) does not recommend it. What a course *does* to a disease is the
disease's to say (``sim.diseases``): here it only sets the steroid intensity.

A course is the full daily dose for ``duration_days``, then, if ``taper_weeks`` is set, a
linear taper to zero in weekly steps, as corticosteroid courses in CIDP are given (PREDICT:
daily prednisolone tapered over months; van Schaik 2010b). Without a taper the course
stops abruptly, as in the reported MMN cases.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from typing import Any, Literal

from pydantic import Field

from ..units import DAYS_PER_YEAR
from .base import Context, Control, DurationDays, Treatment, TreatmentSpec, when_text, years

__all__ = ["PrednisoloneSpec", "Prednisolone", "TREATMENT", "intensity", "MAX_TAPER_WEEKS"]

DEFAULT_MG_PER_DAY = 60.0  # (approx.) a typical adult starting dose
DEFAULT_DURATION_DAYS = 56.0  # (approx.) an eight-week course
MAX_TAPER_WEEKS = 104  # (approx.) a taper of up to two years
# Intensity scales with dose up to this daily dose, then saturates. (approx.)
REFERENCE_MG_PER_DAY = 60.0


def intensity(mg_per_day: float) -> float:
    """The steroid intensity (0..1) of a daily dose: proportional up to the reference dose."""
    return min(1.0, max(0.0, mg_per_day) / REFERENCE_MG_PER_DAY)


class PrednisoloneSpec(TreatmentSpec):
    kind: Literal["prednisolone"]
    duration_days: DurationDays = None
    mg_per_day: float | None = Field(None, ge=1, le=200, description="mg prednisolone per day")
    taper_weeks: int = Field(
        0, ge=0, le=MAX_TAPER_WEEKS,
        description="weeks of linear taper to zero after the full-dose days (0: abrupt stop)")

    @property
    def mg(self) -> float:
        return self.mg_per_day if self.mg_per_day is not None else DEFAULT_MG_PER_DAY

    @property
    def days(self) -> float:
        """Days at the full dose (the taper follows)."""
        return self.duration_days if self.duration_days is not None else DEFAULT_DURATION_DAYS

    def schedule(self) -> list[tuple[float, float]]:
        """(day, mg/day from that day) of every dose change after the start.

        With a taper of M weeks the dose steps down once a week from the end of the full-dose
        days, through M/(M+1), (M-1)/(M+1), ... 1/(M+1) of the full dose, to zero M weeks
        later: the weekly steps of a straight line from the full dose to zero over M weeks
        (the same total dose). Without one the dose falls to zero at once."""
        stop, m = self.start_day + self.days, self.taper_weeks
        steps = [(stop + 7.0 * (j - 1), self.mg * (m - j + 1) / (m + 1)) for j in range(1, m + 1)]
        return [*steps, (stop + 7.0 * m, 0.0)]

    @property
    def end_day(self) -> float:
        """The day the dose reaches zero."""
        return self.start_day + self.days + 7.0 * self.taper_weeks


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
        Control("pred_taper", "Prednisolone taper (weeks)",
                "Weeks of weekly dose steps down to zero after the full-dose weeks (0: stop "
                "at once). Courses for CIDP are tapered over months.", "int", kind, 0, 52, 1),
    )

    def process(self, ctx: Context, spec: PrednisoloneSpec) -> Generator[Any, Any, None]:
        env, mg = ctx.env, spec.mg
        yield env.timeout(spec.start_day - env.now)
        ctx.sync()
        ctx.exposure.steroid = intensity(mg)
        ctx.event("steroid_start", mg, f"prednisolone {mg:g} mg/day")
        for day, dose in spec.schedule():
            if day > ctx.end:
                return
            yield env.timeout(day - env.now)
            ctx.sync()
            ctx.exposure.steroid = intensity(dose)
            if dose <= 0:
                ctx.event("steroid_end", mg, "prednisolone stopped")

    def plan_text(self, spec: PrednisoloneSpec) -> str:
        taper = f", then tapered to zero over {spec.taper_weeks} weeks" if spec.taper_weeks \
            else ""
        return (f"Prednisolone {spec.mg:g} mg/day for {spec.days:g} days{taper} "
                f"{when_text(spec.start_day)}")

    def control_defaults(self, entries: Sequence[PrednisoloneSpec]) -> dict[str, Any]:
        pred = entries[0] if entries else None
        return {
            "pred": pred is not None,
            "pred_start": years(pred.start_day if pred else 2 * DAYS_PER_YEAR),
            "pred_weeks": int(round((pred.days if pred else DEFAULT_DURATION_DAYS) / 7)),
            "pred_mg": int(pred.mg if pred else DEFAULT_MG_PER_DAY),
            "pred_taper": int(pred.taper_weeks if pred else 0),
        }

    def apply_controls(self, entries: list[dict[str, Any]], values: Mapping[str, Any],
                       defaults: Mapping[str, Any], end_day: float) -> list[dict[str, Any]]:
        if not values["pred"]:
            return []
        return [{"kind": "prednisolone", "start_day": values["pred_start"] * DAYS_PER_YEAR,
                 "duration_days": values["pred_weeks"] * 7.0,
                 "mg_per_day": float(values["pred_mg"]),
                 "taper_weeks": int(values.get("pred_taper", 0))}]


TREATMENT = Prednisolone()
