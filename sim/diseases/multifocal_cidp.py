"""Multifocal CIDP (Lewis-Sumner syndrome, MADSAM): the mimic closest to MMN.

Like MMN it is asymmetric, multifocal, arm-first and shows motor conduction block in nerve
territories; unlike MMN the same nerves carry sensory loss and their sensory conduction is
abnormal, CSF protein is often raised, anti-GM1 is negative, and corticosteroids help
(Lewis et al. 1982; Viala et al. 2004; Van den Bergh et al. 2021, EAN/PNS guideline). So the
sensory nerve conduction of the blocked nerves decides between them.

It shares the CIDP machinery (:mod:`sim.diseases.cidp`): treatment response, remyelination,
the relapsing course and the sensory reading of the sites; attacks fall MMN's way (one side,
arms, median and ulnar first) instead of in mirror pairs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from ..patient import Patient, PopulationParams
from .cidp import CIDP, CIDPCourse, CIDPFindings, CIDPResponse
from .cidp import LESIONS as CIDP_LESIONS
from .lesions import LesionParams
from .mmn import predilection_weights

__all__ = ["MultifocalCIDP", "POPULATION", "LESIONS", "DISEASE"]

POPULATION = PopulationParams(
    # Series are small; men somewhat more often, onset in mid-adult life (Viala et al.
    # 2004, 23 patients; Lewis et al. 1982). (approx.)
    p_male=0.62,
    onset_age_mean=48.0,  # (approx.)
    onset_age_sd=14.0,  # (approx.)
    onset_age_range=(18.0, 80.0),
    p_anti_gm1=0.0,  # anti-GM1 negative, unlike half of MMN (Viala et al. 2004)
    titre_log_mean=1.0,
    titre_log_sd=0.8,
    weight_male_kg=(84.0, 13.0),  # (approx.)
    weight_female_kg=(70.0, 13.0),  # (approx.)
    # Focal attacks, a few a year, as in MMN (approx.): several nerves after a few years.
    lesion_rate_median=2.5,
    lesion_rate_log_sd=0.4,
    rate_per_log_titre=0.0,
    # IVIg helps most (about 70%; Viala et al. 2004; Van den Bergh et al. 2021). (approx.)
    p_ivig_responder=0.70,
    responder_range=(0.7, 1.0),
    nonresponder_range=(0.0, 0.1),
    # Asymmetric, arms first: as MMN (Viala et al. 2004: upper-limb onset in most). (approx.)
    side_bias_range=(0.65, 0.9),
    p_leg_predominant=0.12,
    arm_share_typical=0.8,
    arm_share_leg_predominant=0.3,
    grip_sd_fraction=0.12,
)

LESIONS = replace(
    CIDP_LESIONS,
    severity_mean=0.6,  # focal blocks as large as MMN's (approx.)
    severity_concentration=5.0,
    affinity_shape=1.0,  # clustered on a few nerves, as MMN (approx.)
    # The block is persistent and present at rest: a single supramaximal stimulus fails to
    # cross the lesion (Lewis et al. 1982: "multifocal demyelinating neuropathy with
    # persistent conduction block"; Rajabally et al. 2009: motor conduction block in arm
    # nerves in about 90% of upper-limb-onset cases), so the study sees more of it than in
    # MMN, where many axons fail only during sustained firing. (approx.) 0.9 (MMN 0.7).
    rest_block_share=0.9,
)


@dataclass(frozen=True)
class MultifocalCIDP(CIDP):
    """Multifocal CIDP (Lewis-Sumner) (the :class:`~sim.diseases.base.Disease` protocol)."""

    kind: str = "multifocal_cidp"
    title: str = "Multifocal CIDP (Lewis-Sumner syndrome)"
    population: PopulationParams = POPULATION
    lesions: LesionParams = LESIONS
    response: CIDPResponse = field(default_factory=lambda: CIDPResponse(
        # Corticosteroids help about half (Viala et al. 2004). (approx.)
        steroid_responder_share=0.55))
    findings: CIDPFindings = field(default_factory=lambda: CIDPFindings(
        # Sensory fibres of the blocked nerves are involved as the motor fibres are
        # (Lewis et al. 1982). (approx.)
        sensory_involvement=1.0,
        snap_exponent=2.0,
        large_fibre_gain=1.2,
        # Slowing mostly focal, less diffuse than in typical CIDP. (approx.)
        slowing_per_damage=0.6,
        # CSF protein raised in about half to two thirds (Viala et al. 2004). (approx.)
        csf_protein_median_g_per_l=0.5,
        csf_protein_per_proximal_damage=0.4,
        csf_protein_log_sd=0.4,
    ))
    course: CIDPCourse = field(default_factory=CIDPCourse)
    mirrored: bool = False
    limb_sensory: str = "max"  # sensory loss in the territory of the worst nerve of a limb

    def configure(self, overrides: Mapping[str, float]) -> MultifocalCIDP:
        return replace(self, lesions=replace(self.lesions, **overrides)) if overrides else self

    def site_weights(self, patient: Patient, affinity: np.ndarray) -> np.ndarray:
        """MMN's predilections: one side, the arms, median, ulnar and radial first."""
        return predilection_weights(self.anatomy, patient, affinity)


DISEASE = MultifocalCIDP()
