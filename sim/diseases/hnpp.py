"""Hereditary neuropathy with liability to pressure palsies (HNPP): the PMP22 deletion.

Why it is here: it is the mimic that fools a resident most often. Focal palsies with slowing and
block at entrapment sites look like a multifocal neuropathy, yet they are hereditary, come
after pressure and recover. An autosomal dominant deletion of 1.5 Mb on chromosome 17p11.2
that includes the PMP22 gene causes episodes of focal demyelinating neuropathy after minor
trauma (Chance 1993). The typical patient has recurrent, painless focal palsies with numbness
at the usual sites of compression: the peroneal nerve at the fibular head, the ulnar nerve at
the elbow, the radial nerve at the spiral groove, the median nerve at the wrist (and the
brachial plexus, not modelled here); the first attack usually comes in the second or third
decade and recovery is often complete (Bird 2014, GeneReviews). Every deletion carrier, with or
without symptoms, has a background neuropathy on the nerve conduction study: a diffuse increase
of distal motor latencies with normal or moderately reduced velocities, a diffuse reduction of
sensory action potentials, and focal slowing at the usual entrapment sites (Mouton 1999;
Andersson 2000). Immunotherapy has no place: the disease is a gene dosage defect of myelin, not
an immune attack; the treatment is avoiding pressure (Bird 2014).

How it is modelled: MMN's focal-lesion machinery (:mod:`sim.diseases.lesions`) with every
"attack" a pressure palsy at one entrapment segment, on either side; the block appears within
a day and heals by remyelination over weeks to months (the CIDP module's
:class:`~sim.diseases.cidp.RemyelinatingSites`), a small share of the blocked axons
degenerating first so some palsies leave a mild residue. The background neuropathy is a fixed
extra slowing per site (:meth:`HNPP.conduction_slowing`) and a fixed share of each sensory
action potential (:meth:`HNPP.snap_share`): the same in every patient, the spread between
patients comes from their own healthy baselines (a simplification, approx.).

History facts (data for a history page; :class:`HNPPHistory`): the tempo is *episodic*
(weakness over minutes to hours after pressure, recovering over weeks to months, recurring);
no preceding infection; a family history in a share of patients (autosomal dominant: a parent
or sibling with the same episodes); each palsy follows pressure on the nerve; painless; numb
in the territory of the palsy (:meth:`HNPP.numb_territories`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from ..anatomy import ANATOMY, SIDES, Anatomy
from ..patient import Patient, PopulationParams
from ..sites import SiteSnapshot
from .cidp import RemyelinatingSites
from .lesions import Candidates, LesionParams, SiteState, draw_candidates
from .readouts import PressurePalsyReadouts

__all__ = ["HNPP", "HNPPFindings", "HNPPHistory", "POPULATION", "LESIONS", "PALSY_SITES",
           "DISEASE"]

# The entrapment segments where palsies come, with the relative chance a palsy falls there:
# peroneal at the fibular head most often, then the ulnar nerve at the elbow, the radial
# nerve at the spiral groove and the median nerve at the wrist (the order of the usual sites
# of compression in Bird 2014 and Mouton 1999); (approx.) weights.
PALSY_SITES: Mapping[tuple[str, str], float] = {
    ("peroneal", "across fibular head"): 0.35,
    ("ulnar", "across elbow"): 0.30,
    ("radial", "elbow-spiral groove"): 0.15,
    ("median", "wrist-APB"): 0.20,
}
# The limb (for the examination) and the sensory nerve whose fibres pass each palsy site.
_TERRITORY = {"peroneal": "leg", "ulnar": "arm", "radial": "arm", "median": "arm"}

POPULATION = PopulationParams(
    # Autosomal dominant: men and women alike (Chance 1993). (approx.) 0.5
    p_male=0.50,
    # The first attack usually in the second or third decade (Bird 2014). (approx.) mean 28,
    # SD 10, from 16 (the youngest age the simulator takes) to 70.
    onset_age_mean=28.0,
    onset_age_sd=10.0,
    onset_age_range=(16.0, 70.0),
    p_anti_gm1=0.0,  # not an immune disease: anti-GM1 negative (approx.)
    titre_log_mean=0.0,
    titre_log_sd=0.0,
    weight_male_kg=(80.0, 13.0),  # (approx.) adult means
    weight_female_kg=(66.0, 12.0),  # (approx.)
    # Palsies recur (Li 2004: transient, recurrent, focal episodes); (approx.) a median of
    # 0.8 a year after the first, widely spread between patients.
    lesion_rate_median=0.8,
    lesion_rate_log_sd=0.5,
    rate_per_log_titre=0.0,
    # No immune attack: no IVIg responsiveness at all.
    p_ivig_responder=0.0,
    responder_range=(0.0, 0.0),
    nonresponder_range=(0.0, 0.0),
    side_bias_range=(0.5, 0.5),  # unused: each palsy picks its side (PALSY_SITES x SIDES)
    p_leg_predominant=0.0,
    arm_share_typical=1.0,  # unused: PALSY_SITES decide the limb
    arm_share_leg_predominant=1.0,
    grip_sd_fraction=0.12,  # (approx.) as for MMN
)

LESIONS = LesionParams(
    # A palsy blocks most of the fibres crossing the site: weakness is often complete or
    # nearly so (Bird 2014: foot drop). (approx.) mean 70%, widely spread.
    severity_mean=0.70,
    severity_concentration=4.0,
    # Weakness comes within hours of the pressure: block is complete within a day (approx.;
    # 1 day is the shortest the scenario takes).
    block_onset_days=1.0,
    block_onset_spread=0.5,
    # A small share of the blocked axons degenerates before remyelination heals the block,
    # so a few palsies leave mild weakness (Bird 2014: when recovery is not complete the
    # residual disability is usually mild). (approx.) 40% a year while blocked.
    axonal_loss_per_year=0.40,
    smoulder_per_year=0.0,  # nothing between episodes (approx.)
    titre_loss_factor=0.0,
    reversibility_half_life_years=5.0,  # irrelevant: no treatment lifts this block
    # Recurrences often hit the same nerve: (approx.) some clustering per nerve.
    affinity_shape=2.0,
    # A compression block fails a single stimulus as it fails voluntary firing. (approx.)
    rest_block_share=1.0,
)


@dataclass(frozen=True)
class HNPPFindings:
    """What the deletion shows beyond the palsies; (approx.) unless a source is given."""

    # Remyelination heals a palsy over weeks to months (Bird 2014: recovery often complete):
    # (approx.) 6 per year, a half-time of about 6 weeks, 95% healed by 6 months.
    remyelination_per_year: float = 6.0
    # Diffuse distal slowing (share of conduction speed lost in the most distal segment):
    # distal motor latencies mean 5.9 ms median and 8.63 ms peroneal, ulnar 3.87 ms and
    # tibial 5.66 ms minimally prolonged (Li 2002, 12 patients); prolonged in 78% of nerves
    # (Andersson 2000). Shares here give those means from the healthy latencies in
    # sim.anatomy (median 3.4 ms / 0.60 = 5.7 ms; peroneal 4.8 / 0.57 = 8.4; ulnar 2.8 / 0.73
    # = 3.8; tibial 4.3 / 0.76 = 5.7). Distal latencies to proximal muscles are normal
    # (Li 2002): none for biceps, deltoid and quadriceps; radial (approx.) 0.15.
    distal_slowing: Mapping[str, float] = field(default_factory=lambda: {
        "median": 0.40, "peroneal": 0.43, "ulnar": 0.27, "tibial": 0.24, "radial": 0.15,
        "musculocutaneous": 0.0, "axillary": 0.0, "femoral": 0.0})
    # Focal slowing across the usual sites of compression in every carrier (Mouton 1999):
    # across the elbow in 80% of ulnar nerves, at the fibular head in 12% of peroneal nerves
    # (Uncini 1995). (approx.) shares of speed lost there: ulnar 60 -> 44 m/s, peroneal
    # 47 -> 44 m/s (at the lower limit), radial (approx.) 0.10.
    entrapment_slowing: Mapping[str, float] = field(default_factory=lambda: {
        "ulnar": 0.27, "peroneal": 0.07, "radial": 0.10})
    # Velocities elsewhere normal or moderately reduced (Mouton 1999): mean motor velocity
    # within normal limits, slow in 31% of nerves (Andersson 2000). (approx.) 0.06
    diffuse_slowing: float = 0.06
    # Extra demyelinating slowing at a palsy site per unit of its living damage. (approx.)
    slowing_per_damage: float = 0.5
    # A diffuse reduction of sensory action potentials in every carrier (Mouton 1999), sensory
    # conduction slow in 93% of nerves (Andersson 2000); the median nerve most, through the
    # carpal tunnel (Mouton 1999). Share of each SNAP left (approx.; the model slows no
    # sensory conduction, so the abnormality shows as low amplitudes: at least one SNAP below
    # its lower limit in about 95% of drawn patients).
    snap_share: Mapping[str, float] = field(default_factory=lambda: {
        "median": 0.45, "ulnar": 0.50, "radial sensory": 0.65, "sural": 0.60})
    # The median SNAP crosses the carpal tunnel: a palsy there lowers it further; elsewhere
    # only axons lost at the palsy site do (block proximal to the recording leaves the distal
    # sensory fibres conducting). Share of the SNAP lost per unit of damage. (approx.)
    snap_loss_per_damage: float = 0.8
    # Numbness in the territory of the palsy (Bird 2014; Li 2004): pain, touch and
    # temperature reduced there, vibration and position less. Per unit of damage. (approx.)
    small_fibre_loss_per_damage: float = 0.6
    large_fibre_loss_per_damage: float = 0.3
    fasciculation_propensity: float = 0.05  # demyelinated axons seldom fire on their own
    cold_sensitivity: float = 0.05  # (approx.) as an entrapment
    # CSF is normal: no immune or root process (approx. adult values, as the entrapment).
    csf_protein_median_g_per_l: float = 0.32
    csf_protein_log_sd: float = 0.25


@dataclass(frozen=True)
class HNPPHistory:
    """What the patient tells: data a history page reads (the text is the page's)."""

    # Weakness over minutes to hours after pressure, recovering over weeks to months, and
    # recurring (Bird 2014; Li 2004).
    onset_tempo: str = "episodic: hours after pressure, recovering over weeks to months"
    preceding_infection: bool = False
    # Autosomal dominant (Chance 1993): a parent or sibling with the same episodes. De novo
    # deletions account for 21% of families and about half of carriers are asymptomatic
    # (Infante 2001), so many patients know of no affected relative: (approx.) 0.6 report one.
    family_history_share: float = 0.60
    family_history: str = "a parent or sibling with the same painless palsies"
    after_pressure: bool = True
    # What brings on a palsy (Bird 2014: sitting with legs crossed, leaning on the elbows,
    # repetitive wrist movements, rapid weight loss).
    triggers: tuple[str, ...] = ("sitting with the legs crossed", "leaning on the elbows",
                                 "sleeping on an arm", "repetitive wrist movements")
    painless: bool = True
    numb_where_weak: bool = True


_SITE = {nerve: {side: ANATOMY.site_index[(side, nerve, seg)] for side in SIDES}
         for nerve, seg in PALSY_SITES}
_SNAP_PARENT = {"median": "median", "ulnar": "ulnar", "radial sensory": "radial"}


def _slowing_profile(f: HNPPFindings, anatomy: Anatomy) -> np.ndarray:
    """The background slowing of every site: distal segments, entrapment segments, the rest."""
    out = np.full(anatomy.n_sites, f.diffuse_slowing)
    for i, (_side, seg) in enumerate(anatomy.sites):
        if seg.index == 0:
            out[i] = f.distal_slowing.get(seg.nerve, f.diffuse_slowing)
        elif seg.entrapment:
            out[i] = f.entrapment_slowing.get(seg.nerve, f.diffuse_slowing)
    return out


@dataclass(frozen=True)
class HNPP(PressurePalsyReadouts):
    """HNPP with the 17p11.2 deletion (the :class:`~sim.diseases.base.Disease` protocol)."""

    kind: str = "hnpp"
    title: str = "Hereditary neuropathy with liability to pressure palsies (HNPP)"
    population: PopulationParams = POPULATION
    lesions: LesionParams = LESIONS
    findings: HNPPFindings = field(default_factory=HNPPFindings)
    history: HNPPHistory = field(default_factory=HNPPHistory)
    # The genetic test (sim.labs): the 17p11.2 deletion including PMP22 (Chance 1993); about
    # 80% of affected individuals carry it, the rest a PMP22 variant (Bird 2014). Patients
    # drawn here are deletion carriers, the form the model describes (Mouton 1999).
    pmp22_deletion: bool = True
    anatomy: Anatomy = field(default=ANATOMY, repr=False, compare=False)

    def configure(self, overrides: Mapping[str, float]) -> HNPP:
        return replace(self, lesions=replace(self.lesions, **overrides)) if overrides else self

    # --- where palsies fall ------------------------------------------------------------
    def site_weights(self, affinity: np.ndarray) -> np.ndarray:
        """The palsy sites on both sides, each weighted by PALSY_SITES and the patient's
        affinity for that nerve (recurrences cluster on some nerves)."""
        w = np.zeros(self.anatomy.n_sites)
        for nerve, weight in PALSY_SITES.items():
            for i in _SITE[nerve[0]].values():
                w[i] = weight * affinity[i]
        return w / w.sum()

    def draw_candidates(
        self, rng: np.random.Generator, patient: Patient, horizon_days: float
    ) -> tuple[Candidates, np.ndarray]:
        return draw_candidates(rng, patient, horizon_days, self.max_lesion_multiplier(),
                               self.lesions, self.site_weights, self.anatomy)

    def new_sites(self, onset_days: np.ndarray, patient: Patient) -> SiteState:
        return RemyelinatingSites(onset_days, patient, self.lesions,
                                  self.findings.remyelination_per_year)

    # --- beyond the motor axon ----------------------------------------------------------------
    def _damage(self, snapshot: SiteSnapshot, side: str, nerve: str) -> float:
        return float(np.clip(snapshot.damage[_SITE[nerve][side]], 0.0, 1.0))

    def numb_territories(self, snapshot: SiteSnapshot, threshold: float = 0.1
                         ) -> list[tuple[str, str]]:
        """(side, nerve) of every palsy site whose damage leaves its territory numb: the
        history's "numb where weak"."""
        return [(side, nerve) for nerve, _seg in PALSY_SITES for side in SIDES
                if self.findings.small_fibre_loss_per_damage
                * self._damage(snapshot, side, nerve) >= threshold]

    def sensory_loss_at(self, snapshot: SiteSnapshot, side: str, limb: str,
                        modality: str) -> float:
        f = self.findings
        per = (f.small_fibre_loss_per_damage if modality in ("pain", "temperature")
               else f.large_fibre_loss_per_damage)
        worst = max((self._damage(snapshot, side, n) for n, lb in _TERRITORY.items()
                     if lb == limb), default=0.0)
        return float(min(1.0, per * worst))

    def snap_share(self, snapshot: SiteSnapshot, side: str, nerve: str) -> float:
        f = self.findings
        share = f.snap_share.get(nerve, 1.0)
        parent = _SNAP_PARENT.get(nerve)
        if parent is None:
            return share
        i = _SITE[parent][side]
        hit = snapshot.damage[i] if parent == "median" else snapshot.axon_loss[i]
        return share * (1.0 - float(min(1.0, f.snap_loss_per_damage * max(0.0, float(hit)))))

    def conduction_slowing(self, snapshot: SiteSnapshot) -> np.ndarray | None:
        f = self.findings
        living = np.clip(snapshot.damage - snapshot.axon_loss, 0.0, 1.0)
        return np.clip(_slowing_profile(f, self.anatomy) + f.slowing_per_damage * living,
                       0.0, 0.9)



DISEASE = HNPP()
