"""Plasma exchange: removes circulating IgG, infused IVIg included; no benefit in MMN.

No controlled trial in MMN; case series show no benefit and Claus 2000 reported worsening.
Each exchange opens a window in which the disease may respond (``sim.diseases``: MMN's
attacks are more frequent).
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from typing import Any, Literal

from pydantic import model_validator

from ..units import DAYS_PER_YEAR
from .base import (
    Context,
    Control,
    Count,
    EveryDays,
    ScheduleSpec,
    Treatment,
    UntilDay,
    when_text,
    years,
)

__all__ = ["PlasmaExchangeSpec", "PlasmaExchange", "TREATMENT"]

# One exchange (1-1.5 plasma volumes) removes ~60% of circulating IgG. (approx.)
REMOVAL_SHARE = 0.6
# (approx.) a month after each exchange in which the disease's rebound response is open.
REBOUND_DAYS = 28.0


class PlasmaExchangeSpec(ScheduleSpec):
    kind: Literal["plasma_exchange"]
    every_days: EveryDays = None
    count: Count = None
    until_day: UntilDay = None

    @model_validator(mode="after")
    def _schedule(self) -> PlasmaExchangeSpec:
        self.check_schedule()
        return self


class PlasmaExchange(Treatment):
    kind = "plasma_exchange"
    title = "Plasma exchange"
    Spec = PlasmaExchangeSpec
    events = {"plasma_exchange": "plasma exchange"}
    point_event = "plasma_exchange"
    colour = "vermilion"
    controls = (
        Control("plex", "Give plasma exchange",
                "Plasma exchange has no controlled trial in MMN; case series show no benefit "
                "and Claus 2000 reported worsening. It removes infused IgG.", "bool", kind),
        Control("plex_start", "Plasma exchange start (years from onset)",
                "Day of the first exchange.", "float", kind, 0, 40, 0.25),
        Control("plex_count", "Plasma exchanges (number, every 2 days)", "How many exchanges.",
                "int", kind, 1, 10, 1),
    )

    def process(self, ctx: Context, spec: PlasmaExchangeSpec) -> Generator[Any, Any, None]:
        env, x = ctx.env, ctx.exposure
        for day in spec.course_days(ctx.end):
            yield env.timeout(day - env.now)
            ctx.sync()
            x.remove_igg(REMOVAL_SHARE)
            x.pe_active += 1
            ctx.event("plasma_exchange", x.igg, "serum IgG after exchange (g/L)")
            env.process(self._close_window(ctx))

    def _close_window(self, ctx: Context) -> Generator[Any, Any, None]:
        yield ctx.env.timeout(REBOUND_DAYS)
        ctx.sync()
        ctx.exposure.pe_active -= 1

    def plan_text(self, spec: PlasmaExchangeSpec) -> str:
        return f"Plasma exchange x{spec.count or 1} {when_text(spec.start_day)}"

    def control_defaults(self, entries: Sequence[PlasmaExchangeSpec]) -> dict[str, Any]:
        plex = entries[0] if entries else None
        return {
            "plex": plex is not None,
            "plex_start": years(plex.start_day if plex else 2 * DAYS_PER_YEAR),
            "plex_count": int(plex.count if plex and plex.count else 5),
        }

    def apply_controls(self, entries: list[dict[str, Any]], values: Mapping[str, Any],
                       defaults: Mapping[str, Any], end_day: float) -> list[dict[str, Any]]:
        if not values["plex"]:
            return []
        return [{"kind": "plasma_exchange", "start_day": values["plex_start"] * DAYS_PER_YEAR,
                 "every_days": 2.0, "count": int(values["plex_count"])}]


TREATMENT = PlasmaExchange()
