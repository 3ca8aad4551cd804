"""Bedside and laboratory read-outs that the immune neuropathies compute alike.

MMN, CIDP and multifocal CIDP read fasciculations, cold paresis, anti-GM1 and CSF protein the
same way from their own ``findings`` parameters (each disease sources its own values); one
mixin keeps that arithmetic in one place.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..patient import Patient

__all__ = ["ImmuneReadouts"]


class ImmuneReadouts:
    """Mixin for a disease whose ``findings`` holds ``fasciculation_propensity``,
    ``cold_sensitivity`` and the CSF protein parameters (``csf_protein_median_g_per_l``,
    ``csf_protein_per_proximal_damage``, ``csf_protein_log_sd``, ``csf_protein_max_g_per_l``)."""

    findings: Any

    def fasciculation_propensity(self) -> float:
        return self.findings.fasciculation_propensity

    def cold_sensitivity(self) -> float:
        return self.findings.cold_sensitivity

    def anti_gm1(self, patient: Patient) -> tuple[bool, float]:
        # The patient's own status, drawn with the disease's population (its prevalence).
        return patient.anti_gm1, patient.anti_gm1_titre

    def csf_protein_g_per_l(self, proximal_damage: float, z: float) -> float:
        """Log-normal around a median that rises with proximal (root, plexus) damage, capped."""
        f = self.findings
        median = f.csf_protein_median_g_per_l + f.csf_protein_per_proximal_damage * proximal_damage
        return float(min(f.csf_protein_max_g_per_l, median * np.exp(f.csf_protein_log_sd * z)))
