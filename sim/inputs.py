"""The one step from a scenario file to the model's typed inputs.

The physiology modules (diseases, treatments' pharmacology, patient sampler, engine) never
read the scenario schema; this function does, once, and hands them plain values: the
configured disease, the patient's fixed traits, the treatment entries, the studies, the
horizon, the recording interval and the road to a diagnosis.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import diseases
from .diseases.base import Disease
from .journey import JourneyParams
from .scenario import Scenario
from .treatments.base import TreatmentSpec

__all__ = ["Inputs", "resolve"]

# [disease] knobs that set a patient trait rather than a disease parameter.
TRAIT_KNOBS = ("lesion_rate_per_year", "side_bias", "upper_limb_share")
# [disease] knobs that tune the disease's lesion parameters.
LESION_KNOBS = ("severity_mean", "block_onset_days", "axonal_loss_per_year",
                "reversibility_half_life_years")


@dataclass(frozen=True)
class Inputs:
    """Everything one run needs, in the model's own terms."""

    disease: Disease
    fixed_traits: Mapping[str, Any]  # patient traits the scenario pins down
    trait_overrides: Mapping[str, float]  # disease-activity traits the scenario pins down
    treatments: tuple[TreatmentSpec, ...]
    studies: tuple[tuple[float, str, str], ...]  # (day, label, kind), in time order
    end_day: float
    record_every_days: float
    journey: JourneyParams = JourneyParams()  # the road to a diagnosis (sim.journey)
    daily_until_day: float = 0.0  # daily records up to this day (0: none)


def resolve(scenario: Scenario) -> Inputs:
    """Turn a validated scenario into the model's inputs."""
    d = scenario.disease
    knobs: dict[str, Any] = {k: getattr(d, k) for k in LESION_KNOBS if getattr(d, k) is not None}
    if d.variant is not None:  # validated against the disease's own ``variants``
        knobs["variant"] = d.variant
    return Inputs(
        disease=diseases.get(d.kind).configure(knobs),
        fixed_traits=scenario.patient.model_dump(exclude_none=True),
        trait_overrides={k: getattr(d, k) for k in TRAIT_KNOBS if getattr(d, k) is not None},
        treatments=scenario.treatment,
        studies=tuple((s.day, s.label, s.kind)
                      for s in sorted(scenario.study, key=lambda s: s.day)),
        end_day=scenario.days,
        record_every_days=scenario.scenario.record_every_days,
        journey=JourneyParams(**scenario.journey.model_dump(exclude_none=True)),
        daily_until_day=scenario.scenario.daily_until_day or 0.0,
    )

