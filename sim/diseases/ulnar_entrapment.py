"""Ulnar neuropathy at the elbow: one nerve compressed at one entrapment site.

Why it is here: it is the commonest cause of focal slowing and block in an arm, and a student
must learn that block *at an entrapment site* does not count for MMN (van Schaik et al. 2010,
EFNS/PNS guideline). Compression in the cubital tunnel (or the retro-epicondylar groove)
damages both the motor and the sensory fibres of the ulnar nerve at the elbow: the hand
intrinsics and the ulnar forearm flexors weaken, the 4th and 5th fingers go numb, the ulnar
sensory nerve action potential falls, and motor conduction slows or blocks across the elbow
only (AAEM practice parameter for ulnar neuropathy at the elbow, Campbell et al. 1999). The
course varies: after a median 14 months 44% of arms were better, 34% stable and 22% worse,
surgery doing better than conservative care (Beekman et al. 2004). Here the course is stable
or slowly progressive with repeated pressure: recovery with relief of pressure or surgery is
not modelled. Immunotherapy does nothing.

The machinery is MMN's focal-lesion integrator (:mod:`sim.diseases.lesions`) with every
"attack" (a period of compression) falling on the one site, on one side.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from ..anatomy import ANATOMY, SIDES, Anatomy
from ..patient import Patient, PopulationParams
from ..sites import SiteSnapshot
from .lesions import Candidates, LesionParams, SiteState, draw_candidates
from .readouts import PressurePalsyReadouts

__all__ = ["UlnarEntrapment", "UlnarFindings", "POPULATION", "LESIONS", "NERVE", "SEGMENT",
           "SENSORY_NERVE", "DISEASE"]

NERVE = "ulnar"
SEGMENT = "across elbow"  # the cubital-tunnel segment (an entrapment site in sim.anatomy)
SENSORY_NERVE = "ulnar"  # the ulnar SNAP (5th finger), read distal to the lesion

POPULATION = PopulationParams(
    # Men are affected more often than women (199 of 311 cases, 64%, in Siena: Mondelli et
    # al. 2005; male sex OR 2.2, Richardson et al. 2001); (approx.) 60% men.
    p_male=0.60,
    # Incidence rises with each decade of age; mean age 56, range 15-86 (Mondelli et al.
    # 2005). (approx.) mean onset 52, SD 13.
    onset_age_mean=52.0,
    onset_age_sd=13.0,
    onset_age_range=(18.0, 85.0),
    p_anti_gm1=0.0,  # no immune attack: anti-GM1 negative (approx.)
    titre_log_mean=0.0,
    titre_log_sd=0.0,
    weight_male_kg=(84.0, 13.0),  # (approx.) adult means
    weight_female_kg=(70.0, 13.0),  # (approx.)
    # Periods of compression (leaning on the elbow, sustained flexion): (approx.) a median of
    # one every two years after the first, so over two years some patients are stable and
    # some worsen stepwise (Beekman et al. 2004, median 14 months: 34% of arms stable, 22%
    # worse, 44% better - the improvement is not modelled).
    lesion_rate_median=0.5,
    lesion_rate_log_sd=0.6,
    rate_per_log_titre=0.0,
    # Not an immune disease: no IVIg responsiveness at all.
    p_ivig_responder=0.0,
    responder_range=(0.0, 0.0),
    nonresponder_range=(0.0, 0.0),
    side_bias_range=(0.5, 0.5),  # unused: the side is the patient's own draw (site_weights)
    p_leg_predominant=0.0,
    arm_share_typical=1.0,
    arm_share_leg_predominant=1.0,
    grip_sd_fraction=0.12,  # (approx.) as for MMN
)

LESIONS = LesionParams(
    # One period of compression damages part of the fibres crossing the elbow; (approx.)
    # mean 40%, widely spread (mild sensory-only to severe cases).
    severity_mean=0.40,
    severity_concentration=4.0,
    # Compression block and slowing develop over weeks. (approx.)
    block_onset_days=30.0,
    block_onset_spread=0.5,
    # Chronic compression turns into axonal loss: wasting of the first dorsal interosseous
    # in long-standing cases (Campbell et al. 1999). (approx.) 30% of the blocked share a year.
    axonal_loss_per_year=0.30,
    # The pressure keeps acting between episodes: slowly progressive. (approx.)
    smoulder_per_year=0.05,
    titre_loss_factor=0.0,
    reversibility_half_life_years=5.0,  # irrelevant: no treatment lifts compression block
    affinity_shape=1.0,
    # A compression block fails a single stimulus as it fails voluntary firing. (approx.)
    rest_block_share=1.0,
)


@dataclass(frozen=True)
class UlnarFindings:
    """What the entrapment shows beyond motor conduction; all (approx.) teaching values."""

    # Sensory fibres at the elbow are at least as vulnerable to pressure as motor ones: the
    # ulnar SNAP is low or absent in most patients with clear motor findings (Campbell et al.
    # 1999). Share of the ulnar large sensory fibres lost per unit of damage at the elbow.
    snap_loss_per_damage: float = 1.2
    # The 4th-5th fingers and the ulnar palm and back of the hand are a small part of the
    # arm: pain, touch and temperature are reduced there, which an examiner records as an
    # abnormal sensory finding in that arm (per unit of damage; vibration and joint position
    # are hardly changed).
    small_fibre_loss_per_damage: float = 0.45
    large_fibre_loss_per_damage: float = 0.10
    fasciculation_propensity: float = 0.1  # compressed axons seldom fire on their own
    cold_sensitivity: float = 0.05
    # CSF is normal: no proximal or immune process (approx. adult values).
    csf_protein_median_g_per_l: float = 0.32
    csf_protein_log_sd: float = 0.25


@dataclass(frozen=True)
class UlnarEntrapment(PressurePalsyReadouts):
    """Ulnar neuropathy at the elbow (the :class:`~sim.diseases.base.Disease` protocol)."""

    kind: str = "ulnar_entrapment"
    title: str = "Ulnar neuropathy at the elbow"
    population: PopulationParams = POPULATION
    lesions: LesionParams = LESIONS
    findings: UlnarFindings = field(default_factory=UlnarFindings)
    anatomy: Anatomy = field(default=ANATOMY, repr=False, compare=False)

    def configure(self, overrides: Mapping[str, float]) -> UlnarEntrapment:
        return replace(self, lesions=replace(self.lesions, **overrides)) if overrides else self

    # --- where attacks fall ------------------------------------------------------------
    def site_weights(self, affinity: np.ndarray) -> np.ndarray:
        """All weight on the elbow segment of one ulnar nerve: the side whose ulnar affinity
        (the patient's own draw) is the larger, so either arm can be the affected one."""
        idx = [self.anatomy.site_index[(side, NERVE, SEGMENT)] for side in SIDES]
        w = np.zeros(self.anatomy.n_sites)
        w[idx[int(np.argmax(affinity[idx]))]] = 1.0
        return w

    def draw_candidates(
        self, rng: np.random.Generator, patient: Patient, horizon_days: float
    ) -> tuple[Candidates, np.ndarray]:
        return draw_candidates(rng, patient, horizon_days, self.max_lesion_multiplier(),
                               self.lesions, self.site_weights, self.anatomy)

    def new_sites(self, onset_days: np.ndarray, patient: Patient) -> SiteState:
        return SiteState(onset_days, patient, self.lesions)

    # --- beyond the motor axon ----------------------------------------------------------------
    def _damage(self, snapshot: SiteSnapshot, side: str) -> float:
        return float(snapshot.damage[self.anatomy.site_index[(side, NERVE, SEGMENT)]])

    def sensory_loss_at(self, snapshot: SiteSnapshot, side: str, limb: str,
                        modality: str) -> float:
        if limb != "arm":
            return 0.0
        f = self.findings
        per = (f.small_fibre_loss_per_damage if modality in ("pain", "temperature")
               else f.large_fibre_loss_per_damage)
        return float(min(1.0, per * self._damage(snapshot, side)))

    def snap_share(self, snapshot: SiteSnapshot, side: str, nerve: str) -> float:
        if nerve != SENSORY_NERVE:
            return 1.0  # median, radial and sural sensory fibres do not cross the elbow lesion
        return 1.0 - float(min(1.0, self.findings.snap_loss_per_damage
                               * self._damage(snapshot, side)))

    def conduction_slowing(self, snapshot: SiteSnapshot) -> np.ndarray | None:
        return None  # the focal slowing of every damaged site is enough across the elbow



DISEASE = UlnarEntrapment()
