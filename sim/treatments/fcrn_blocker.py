"""An FcRn blocker (efgartigimod-like): hypothetical in MMN, and a lesson in mechanism.

The neonatal Fc receptor (FcRn) rescues IgG from breakdown; blocking it lowers IgG, which
helps IgG-antibody diseases such as myasthenia gravis (Howard et al. 2021, ADAPT). MMN's
anti-GM1 antibodies are IgM, which FcRn does not recycle, so no benefit is expected; and the
blocker also clears *infused* IgG, so IVIg's effect wears off sooner. It acts here only on
IgG kinetics (``Exposure.block_fcrn``); the disease sees nothing else.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Literal

from pydantic import Field

from .base import Context, DurationDays, Treatment, TreatmentSpec, when_text

__all__ = ["FcRnBlockerSpec", "FcRnBlocker", "TREATMENT"]

# Share of FcRn blocked during treatment: weekly efgartigimod lowers IgG by about 60%
# (Howard et al. 2021), which the default reaches at steady state. (approx.)
DEFAULT_OCCUPANCY = 0.9


class FcRnBlockerSpec(TreatmentSpec):
    kind: Literal["fcrn_blocker"]
    duration_days: DurationDays = None
    occupancy: float | None = Field(
        None, ge=0, le=1, description="share of FcRn receptors blocked (hypothetical in MMN)"
    )

    @property
    def share_blocked(self) -> float:
        return self.occupancy if self.occupancy is not None else DEFAULT_OCCUPANCY


class FcRnBlocker(Treatment):
    kind = "fcrn_blocker"
    title = "FcRn blocker (hypothetical)"
    Spec = FcRnBlockerSpec
    events = {"fcrn_start": "FcRn blocker (hypothetical)",
              "fcrn_end": "FcRn blocker (hypothetical)"}
    span = ("fcrn_start", "fcrn_end")
    colour = "sky_blue"
    hypothetical = True

    def process(self, ctx: Context, spec: FcRnBlockerSpec) -> Generator[Any, Any, None]:
        env, occ = ctx.env, spec.share_blocked
        yield env.timeout(spec.start_day - env.now)
        ctx.sync()
        ctx.exposure.block_fcrn(occ)
        ctx.event("fcrn_start", occ, "FcRn blocker started (hypothetical in MMN): IgG cleared "
                  "faster, infused IgG included")
        if spec.duration_days is not None and spec.start_day + spec.duration_days <= ctx.end:
            yield env.timeout(spec.duration_days)
            ctx.sync()
            ctx.exposure.block_fcrn(0.0)
            ctx.event("fcrn_end", occ, "FcRn blocker stopped")

    def plan_text(self, spec: FcRnBlockerSpec) -> str:
        return (f"FcRn blocker (hypothetical), {spec.share_blocked:.0%} of FcRn blocked, "
                f"{when_text(spec.start_day)}")


TREATMENT = FcRnBlocker()
