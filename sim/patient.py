"""Patient traits and how a population draws them (CLINICAL.md, "Who gets it")."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .scenario import DiseaseSpec, PatientSpec

__all__ = ["Patient", "PopulationParams", "POPULATION", "draw_patient", "grip_norm_kg"]


@dataclass(frozen=True)
class PopulationParams:
    """Distributions of patient traits. Sources beside each value."""

    p_male: float = 0.72  # male:female 2.6-2.7:1 (Van Asseldonk 2005; Yeh et al. 2020)
    onset_age_mean: float = 42.0  # mean 40-44 y (Van Asseldonk 2005; Löscher 2018: 44.1)
    onset_age_sd: float = 10.0  # ~80% between 20 and 50 (Van Asseldonk 2005)
    onset_age_range: tuple[float, float] = (18.0, 75.0)  # range 20-70 (Van Asseldonk 2005)
    p_anti_gm1: float = 0.455  # 43-48% IgM anti-GM1 positive (Löscher 2018; Nobile-Orazio 2014)
    titre_log_mean: float = 1.0  # (approx.) titre as fold over cut-off, log-normal
    titre_log_sd: float = 0.8  # (approx.)
    weight_male_kg: tuple[float, float] = (84.0, 13.0)  # (approx.) adult means, for g/kg dosing
    weight_female_kg: tuple[float, float] = (70.0, 13.0)  # (approx.)
    # Lesion rate: enough for ~4-5 nerves with block after years (Delmont 2006) and steady
    # untreated worsening (Taylor et al. 2000). (approx.) log-normal around 1.4 attacks/year.
    lesion_rate_median: float = 1.4
    lesion_rate_log_sd: float = 0.45
    # IVIg responders 78% in pooled RCTs, 67-81% in cohorts (Cochrane 2005; Léger 2008).
    p_ivig_responder: float = 0.78
    responder_range: tuple[float, float] = (0.75, 1.0)  # (approx.) responsiveness of responders
    nonresponder_range: tuple[float, float] = (0.0, 0.06)  # (approx.) "some barely respond"
    # Asymmetry: a dominant side for lesions (EFNS/PNS 2010 clinical core). (approx.)
    side_bias_range: tuple[float, float] = (0.62, 0.85)
    # 70-77% upper-limb onset, ~10% lower-limb predominant (Slee 2007; Löscher 2018).
    p_leg_predominant: float = 0.12
    arm_share_typical: float = 0.82  # (approx.) gives ~74% arm onset over the population
    arm_share_leg_predominant: float = 0.30  # (approx.)
    grip_sd_fraction: float = 0.12  # (approx.) individual spread around the norm


POPULATION = PopulationParams()


def grip_norm_kg(sex: str, age: float) -> float:
    """Healthy Jamar grip (dominant hand) by sex and age (Massy-Westropp et al. 2011)."""
    if age < 50:
        return 47.0 if sex == "male" else 30.0
    if age < 60:
        return 45.0 if sex == "male" else 28.0
    return 40.0 if sex == "male" else 24.0


@dataclass(frozen=True)
class Patient:
    """One virtual patient's fixed traits (DESIGN §3.2)."""

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


def draw_patient(
    rng: np.random.Generator,
    fixed: PatientSpec | None = None,
    disease: DiseaseSpec | None = None,
    pop: PopulationParams = POPULATION,
) -> Patient:
    """Draw every trait, then apply the scenario's fixed values.

    Every trait is always drawn, in a fixed order, so fixing one trait never changes the
    others: the same seed is the same person whatever the scenario pins down.
    """
    u = rng.random(8)
    z = rng.standard_normal(5)
    sex = "male" if u[0] < pop.p_male else "female"
    lo, hi = pop.onset_age_range
    age = float(np.clip(pop.onset_age_mean + pop.onset_age_sd * z[0], lo, hi))
    anti = bool(u[1] < pop.p_anti_gm1)
    titre = float(np.exp(pop.titre_log_mean + pop.titre_log_sd * z[1])) if anti else 0.0
    rate = float(pop.lesion_rate_median * np.exp(pop.lesion_rate_log_sd * z[2]))
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
    )
    if fixed is not None:
        patient = replace(patient, **fixed.model_dump(exclude_none=True, exclude={
            "weight_kg", "baseline_grip_kg"}))
        if fixed.anti_gm1 is False:
            patient = replace(patient, anti_gm1_titre=0.0)
        elif fixed.anti_gm1 and fixed.anti_gm1_titre is None and patient.anti_gm1_titre == 0:
            patient = replace(patient, anti_gm1_titre=round(float(np.exp(pop.titre_log_mean)), 2))
    # Weight and grip depend on sex and age, so they are derived after those are final.
    mean, sd = pop.weight_male_kg if patient.sex == "male" else pop.weight_female_kg
    weight = float(np.clip(mean + sd * z[3], 45.0, 150.0))
    grip = grip_norm_kg(patient.sex, patient.age_at_onset) * (1 + pop.grip_sd_fraction * z[4])
    grip = float(np.clip(grip, 12.0, 75.0))
    patient = replace(patient, weight_kg=round(weight, 1), baseline_grip_kg=round(grip, 1))
    if fixed is not None and fixed.weight_kg is not None:
        patient = replace(patient, weight_kg=fixed.weight_kg)
    if fixed is not None and fixed.baseline_grip_kg is not None:
        patient = replace(patient, baseline_grip_kg=fixed.baseline_grip_kg)
    if disease is not None:
        if disease.lesion_rate_per_year is not None:
            patient = replace(patient, lesion_rate_per_year=disease.lesion_rate_per_year)
        if disease.side_bias is not None:
            patient = replace(patient, side_bias=disease.side_bias)
        if disease.upper_limb_share is not None:
            patient = replace(patient, upper_limb_share=disease.upper_limb_share)
    return patient
