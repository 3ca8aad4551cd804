"""Rituximab: B-cell depletion that, in MMN, brought no convincing benefit.

In an open-label trial six MMN patients on periodic IVIg received two 1,000 mg infusions two
weeks apart; over 12 months there was no significant change in IVIg use, MRC sum score, grip
strength, disability or handicap (Chaudhry & Cornblath 2010, J Peripher Nerv Syst 15:196).
The Cochrane review finds its efficacy unclear (Umapathi et al. 2015). The model therefore
records the infusions and the months of B-cell depletion and changes nothing in the disease:
what a course does to MMN's attacks, blocks and strength is exactly what no treatment does.
A different assumption would be a claim the trial does not support.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from typing import Any, Literal

from pydantic import Field

from ..units import DAYS_PER_YEAR
from .base import Context, Control, Treatment, TreatmentSpec, when_text, years

__all__ = ["RituximabSpec", "Rituximab", "TREATMENT"]

# Two infusions of 1,000 mg, two weeks apart (Chaudhry & Cornblath 2010).
DEFAULT_DOSE_MG = 1000.0
SECOND_DOSE_DAYS = 14.0
# Peripheral B cells stay depleted for about 6-9 months after a course; 6 months here. (approx.)
DEPLETION_DAYS = 182.0


class RituximabSpec(TreatmentSpec):
    kind: Literal["rituximab"]
    dose_mg: float | None = Field(None, ge=100, le=2000, description="mg per infusion")

    @property
    def mg(self) -> float:
        return self.dose_mg if self.dose_mg is not None else DEFAULT_DOSE_MG

    @property
    def days_per_course(self) -> int:
        return 2


class Rituximab(Treatment):
    kind = "rituximab"
    title = "Rituximab (no benefit shown in MMN)"
    Spec = RituximabSpec
    events = {"rituximab_dose": "rituximab (no benefit shown in MMN)",
              "b_cells_depleted": "rituximab (no benefit shown in MMN)",
              "b_cells_recovered": "rituximab (no benefit shown in MMN)"}
    point_event = "rituximab_dose"
    span = ("b_cells_depleted", "b_cells_recovered")
    colour = "yellow"
    controls = (
        Control("rtx", "Give rituximab (no benefit shown)",
                "Two 1,000 mg infusions 2 weeks apart: no change in strength or IVIg use in "
                "an open-label trial (Chaudhry & Cornblath 2010).", "bool", kind),
        Control("rtx_start", "Rituximab start (years from onset)", "Day of the first infusion.",
                "float", kind, 0, 40, 0.25),
    )

    def process(self, ctx: Context, spec: RituximabSpec) -> Generator[Any, Any, None]:
        env = ctx.env
        for k, day in enumerate((spec.start_day, spec.start_day + SECOND_DOSE_DAYS)):
            if day > ctx.end:
                return
            yield env.timeout(day - env.now)
            ctx.event("rituximab_dose", spec.mg, f"rituximab {spec.mg:g} mg, infusion {k + 1} "
                      "of 2")
            if k == 0:
                ctx.event("b_cells_depleted", spec.mg, "B cells depleted; in MMN no effect on "
                          "the course was shown (Chaudhry & Cornblath 2010)")
        recovered = spec.start_day + SECOND_DOSE_DAYS + DEPLETION_DAYS
        if recovered <= ctx.end:
            yield env.timeout(recovered - env.now)
            ctx.event("b_cells_recovered", spec.mg, "B cells recovering")

    def plan_text(self, spec: RituximabSpec) -> str:
        return (f"rituximab (no benefit shown in MMN) {spec.mg:g} mg twice, 2 weeks apart, "
                f"{when_text(spec.start_day)}")

    def control_defaults(self, entries: Sequence[RituximabSpec]) -> dict[str, Any]:
        r = entries[0] if entries else None
        return {"rtx": r is not None,
                "rtx_start": years(r.start_day if r else 3 * DAYS_PER_YEAR)}

    def apply_controls(self, entries: list[dict[str, Any]], values: Mapping[str, Any],
                       defaults: Mapping[str, Any], end_day: float) -> list[dict[str, Any]]:
        if not values["rtx"]:
            return []
        base = dict(entries[0]) if entries else {"kind": self.kind}
        base["start_day"] = values["rtx_start"] * DAYS_PER_YEAR
        return [base]


TREATMENT = Rituximab()
