"""Patient traits and how a population draws them; each disease supplies its population."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

__all__ = ["Patient", "PopulationParams", "draw_patient", "grip_norm_kg"]


@dataclass(frozen=True)
class PopulationParams:
    """Distributions of patient traits; each disease module fills in its own, with sources."""

    p_male: float
    onset_age_mean: float
    onset_age_sd: float
    onset_age_range: tuple[float, float]
    p_anti_gm1: float
    titre_log_mean: float  # titre as fold over the assay cut-off, log-normal
    titre_log_sd: float
    weight_male_kg: tuple[float, float]  # mean, sd (for g/kg dosing)
    weight_female_kg: tuple[float, float]
    lesion_rate_median: float  # attacks/year, log-normal
    lesion_rate_log_sd: float
    # Attack rate rises with antibody titre: rate * (1 + this * ln(1 + titre)).
    rate_per_log_titre: float
    p_ivig_responder: float
    responder_range: tuple[float, float]  # IVIg responsiveness of responders
    nonresponder_range: tuple[float, float]
    side_bias_range: tuple[float, float]  # share of attacks on the dominant side
    p_leg_predominant: float
    arm_share_typical: float  # share of attacks in the arms
    arm_share_leg_predominant: float
    grip_sd_fraction: float  # individual spread around the healthy grip norm


def grip_norm_kg(sex: str, age: float) -> float:
    """Healthy Jamar grip (dominant hand) by sex and age (Massy-Westropp et al. 2011)."""
    if age < 50:
        return 47.0 if sex == "male" else 30.0
    if age < 60:
        return 45.0 if sex == "male" else 28.0
    return 40.0 if sex == "male" else 24.0


@dataclass(frozen=True)
class Patient:
    """One virtual patient's fixed traits: who they are and how their disease behaves."""

    sex: str
    age_at_onset: float
    weight_kg: float
    dominant_side: str
    anti_gm1: bool
    anti_gm1_titre: float
    lesion_rate_per_year: float
    ivig_responsiveness: float
    baseline_grip_kg: float
    side_bias: float
    upper_limb_share: float
    # 0..1: how much corticosteroids worsen this patient (MMN); a disease that steroids help
    # reads it as the patient's place in its responder share (sim.diseases.cidp)
    steroid_sensitivity: float = 1.0
    fasciculation_tendency: float = 1.0  # 0..1: how readily damaged axons fire on their own


def draw_patient(
    rng: np.random.Generator,
    pop: PopulationParams,
    fixed: Mapping[str, Any] | None = None,
    overrides: Mapping[str, float] | None = None,
) -> Patient:
    """Draw every trait from ``pop``, then apply the scenario's ``fixed`` traits and the
    disease-activity ``overrides``. Every trait is always drawn, in a fixed order, so fixing
    one never changes the others: the same seed is the same person whatever is pinned down.
    """
    fixed = dict(fixed or {})
    u = rng.random(8)
    z = rng.standard_normal(5)
    sex = "male" if u[0] < pop.p_male else "female"
    lo, hi = pop.onset_age_range
    age = float(np.clip(pop.onset_age_mean + pop.onset_age_sd * z[0], lo, hi))
    anti = bool(u[1] < pop.p_anti_gm1)
    titre = float(np.exp(pop.titre_log_mean + pop.titre_log_sd * z[1])) if anti else 0.0
    rate = float(pop.lesion_rate_median * np.exp(pop.lesion_rate_log_sd * z[2]))
    rate *= 1.0 + pop.rate_per_log_titre * np.log1p(titre)
    if u[2] < pop.p_ivig_responder:
        a, b = pop.responder_range
    else:
        a, b = pop.nonresponder_range
    resp = float(a + (b - a) * u[3])
    dominant = "right" if u[4] < 0.5 else "left"
    a, b = pop.side_bias_range
    side_bias = float(a + (b - a) * u[5])
    arm = pop.arm_share_leg_predominant if u[6] < pop.p_leg_predominant else pop.arm_share_typical
    patient = Patient(
        sex=sex,
        age_at_onset=round(age, 1),
        weight_kg=0.0,
        dominant_side=dominant,
        anti_gm1=anti,
        anti_gm1_titre=round(titre, 2),
        lesion_rate_per_year=round(rate, 3),
        ivig_responsiveness=round(resp, 3),
        baseline_grip_kg=0.0,
        side_bias=round(side_bias, 3),
        upper_limb_share=arm,
        steroid_sensitivity=round(float(u[7]), 3),
    )
    late = {"weight_kg", "baseline_grip_kg"}
    patient = replace(patient, **{k: v for k, v in fixed.items() if k not in late})
    if fixed.get("anti_gm1") is False:
        patient = replace(patient, anti_gm1_titre=0.0)
    elif fixed.get("anti_gm1") and "anti_gm1_titre" not in fixed and patient.anti_gm1_titre == 0:
        patient = replace(patient, anti_gm1_titre=round(float(np.exp(pop.titre_log_mean)), 2))
    # Weight and grip depend on sex and age, so they are derived after those are final.
    mean, sd = pop.weight_male_kg if patient.sex == "male" else pop.weight_female_kg
    weight = float(np.clip(mean + sd * z[3], 45.0, 150.0))
    grip = grip_norm_kg(patient.sex, patient.age_at_onset) * (1 + pop.grip_sd_fraction * z[4])
    grip = float(np.clip(grip, 12.0, 75.0))
    patient = replace(patient, weight_kg=round(weight, 1), baseline_grip_kg=round(grip, 1))
    # Drawn after every other trait, so adding it left earlier draws (and patients) unchanged.
    # Fasciculations and cramps are a feature of some patients, not all (approx.).
    patient = replace(patient, fasciculation_tendency=round(float(rng.random()), 3))
    return replace(patient, **{k: v for k, v in fixed.items() if k in late}, **(overrides or {}))
