"""Bedside and laboratory read-outs that the immune neuropathies compute alike.

MMN, CIDP and multifocal CIDP read fasciculations, cold paresis, anti-GM1 and CSF protein the
same way from their own ``findings`` parameters (each disease sources its own values); one
mixin keeps that arithmetic in one place. The pressure palsies (ulnar entrapment, HNPP) share
another: no treatment mechanism reaches them, and their bedside and laboratory read-outs are
the same, only their sites and sensory territories differ.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..patient import Patient

if TYPE_CHECKING:  # pragma: no cover
    from ..treatments.exposure import Exposure

__all__ = ["ImmuneReadouts", "PressurePalsyReadouts"]


class _FindingsReadouts:
    """What both mixins read alike: the bedside findings from ``findings``
    (``fasciculation_propensity``, ``cold_sensitivity``) and anti-GM1 from the patient."""

    findings: Any

    def fasciculation_propensity(self) -> float:
        return self.findings.fasciculation_propensity

    def cold_sensitivity(self) -> float:
        return self.findings.cold_sensitivity

    def anti_gm1(self, patient: Patient) -> tuple[bool, float]:
        # The patient's own status, drawn with the disease's population (its prevalence; zero
        # for the pressure palsies, where a scenario may still pin it).
        return patient.anti_gm1, patient.anti_gm1_titre


class ImmuneReadouts(_FindingsReadouts):
    """Mixin for a disease whose ``findings`` holds ``fasciculation_propensity``,
    ``cold_sensitivity`` and the CSF protein parameters (``csf_protein_median_g_per_l``,
    ``csf_protein_per_proximal_damage``, ``csf_protein_log_sd``, ``csf_protein_max_g_per_l``)."""

    def csf_protein_g_per_l(self, proximal_damage: float, z: float) -> float:
        """Log-normal around a median that rises with proximal (root, plexus) damage, capped."""
        f = self.findings
        median = f.csf_protein_median_g_per_l + f.csf_protein_per_proximal_damage * proximal_damage
        return float(min(f.csf_protein_max_g_per_l, median * np.exp(f.csf_protein_log_sd * z)))


class PressurePalsyReadouts(_FindingsReadouts):
    """Mixin for a focal palsy from pressure on the nerve, not from an immune attack: no
    treatment mechanism changes its lesions or lifts its block, it has no limb-wide sensory
    loss (the territories are read from the lesions), no upper motor neuron or bulbar signs,
    and a CSF protein that does not follow proximal damage. ``findings`` holds
    ``fasciculation_propensity``, ``cold_sensitivity``, ``csf_protein_median_g_per_l`` and
    ``csf_protein_log_sd``."""

    def max_lesion_multiplier(self) -> float:
        return 1.0

    def lesion_multiplier(self, x: Exposure) -> float:
        return 1.0  # immunotherapy does not change how a nerve bears pressure

    def lift(self, x: Exposure) -> float:
        return 0.0  # nor lifts a pressure block: remyelination alone heals it

    def modifier_increments(
        self, x: Exposure, dt: float, effect_integral: float
    ) -> tuple[float, float, float]:
        return dt, 0.0, 0.0

    def sensory_loss(self, day: float) -> float:
        return 0.0

    def sensory_loss_in(self, day: float, side: str, limb: str, modality: str) -> float:
        return 0.0

    def upper_motor_neuron_signs(self, day: float) -> bool:
        return False

    def bulbar_weakness(self, day: float) -> bool:
        return False

    def csf_protein_g_per_l(self, proximal_damage: float, z: float) -> float:
        f = self.findings
        return float(f.csf_protein_median_g_per_l * np.exp(f.csf_protein_log_sd * z))
