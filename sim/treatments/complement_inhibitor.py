"""An investigational complement inhibitor: hypothetical, a "what if" with stated assumptions.

Anti-C2 (empasiprubart) is in phase 3 against IVIg; specific inhibitors block 89-99% of
complement fixation where IVIg blocks 34-54% (Krijgsman et al. 2026). The efficacy is the
scenario's assumption; it is labelled hypothetical wherever it is shown.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any, Literal

from pydantic import Field

from .base import Context, DurationDays, Treatment, TreatmentSpec, when_text

__all__ = ["ComplementInhibitorSpec", "ComplementInhibitor", "TREATMENT"]

DEFAULT_EFFICACY = 0.9  # share of complement activity blocked (Krijgsman et al. 2026: 89-99%)
# Assumption of this what-if: inhibition builds with a time constant of a week (loading
# doses, tissue penetration) and nodes recover over the following weeks, so benefit builds
# over 1-3 weeks rather than overnight. (approx.)
ONSET_DAYS = 7.0
RAMP_DAYS = 21  # daily steps; after these the full efficacy is reached


class ComplementInhibitorSpec(TreatmentSpec):
    kind: Literal["complement_inhibitor"]
    duration_days: DurationDays = None
    efficacy: float | None = Field(
        None, ge=0, le=1, description="share of complement activity blocked (hypothetical)"
    )

    @property
    def share_blocked(self) -> float:
        return self.efficacy if self.efficacy is not None else DEFAULT_EFFICACY


class ComplementInhibitor(Treatment):
    kind = "complement_inhibitor"
    title = "Complement inhibitor (hypothetical)"
    Spec = ComplementInhibitorSpec
    events = {"complement_start": "complement inhibitor (hypothetical)",
              "complement_end": "complement inhibitor (hypothetical)"}
    span = ("complement_start", "complement_end")
    colour = "purple"
    hypothetical = True

    def process(self, ctx: Context, spec: ComplementInhibitorSpec) -> Generator[Any, Any, None]:
        env, eff = ctx.env, spec.share_blocked
        yield env.timeout(spec.start_day - env.now)
        ctx.event("complement_start", eff, "investigational complement inhibitor (hypothetical)")
        stop = (spec.start_day + spec.duration_days if spec.duration_days is not None
                else math.inf)
        for k in range(RAMP_DAYS + 1):
            day = spec.start_day + k
            if day > min(stop, ctx.end):
                break
            yield env.timeout(day - env.now)
            ctx.sync()
            ramp = 1.0 if k == RAMP_DAYS else 1.0 - math.exp(-k / ONSET_DAYS)
            ctx.exposure.complement = eff * ramp
        if stop <= ctx.end:
            yield env.timeout(stop - env.now)
            ctx.sync()
            ctx.exposure.complement = 0.0
            ctx.event("complement_end", eff, "complement inhibitor stopped")

    def plan_text(self, spec: ComplementInhibitorSpec) -> str:
        return (f"complement inhibitor (hypothetical), {spec.share_blocked:.0%} of complement "
                f"blocked, {when_text(spec.start_day)}")


TREATMENT = ComplementInhibitor()
