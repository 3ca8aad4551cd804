"""Typical chronic inflammatory demyelinating polyradiculoneuropathy (CIDP).

What MMN is told apart from first. Immune attacks strip myelin from motor *and* sensory fibres
of every limb, most at the roots and the nerve terminals where the blood-nerve barrier is
weakest, on both sides alike: symmetric proximal and distal weakness of arms and legs,
large-fibre sensory loss, reduced or absent reflexes everywhere, demyelinating slowing
(prolonged distal and F-wave latencies, slowed velocities, dispersion, block), abnormal
sensory conduction in most nerves, raised CSF protein. The course is progressive over more
than 8 weeks or relapsing, remyelination allows remissions, and IVIg, corticosteroids and
plasma exchange all help (Van den Bergh et al. 2021, EAN/PNS guideline).

Shared with :mod:`sim.diseases.multifocal_cidp`: the treatment response, the sensory reading
of the sites, remyelination and the relapsing course; the multifocal variant changes where
attacks fall (asymmetric, nerve territories) and how sensory loss maps to the limbs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from ..anatomy import ANATOMY, SIDES, Anatomy
from ..patient import Patient, PopulationParams
from ..sites import SiteSnapshot
from .lesions import Candidates, LesionParams, SiteState, draw_candidates
from .readouts import ImmuneReadouts

if TYPE_CHECKING:  # pragma: no cover
    from ..treatments.exposure import Exposure

__all__ = ["CIDP", "CIDPResponse", "CIDPFindings", "CIDPCourse", "RemyelinatingSites",
           "POPULATION", "LESIONS", "SNAP_PARENTS", "DISEASE"]

POPULATION = PopulationParams(
    # More men than women and a median age of 58 (13 of 23 patients were men in Olmsted
    # County, Laughlin et al. 2009; incidence and prevalence pooled by Broers et al. 2019).
    p_male=0.65,  # (approx.)
    onset_age_mean=56.0,  # (approx.) median age 58 in Laughlin et al. 2009
    onset_age_sd=14.0,  # (approx.)
    onset_age_range=(18.0, 85.0),  # (approx.) adults of any age
    # IgM anti-GM1 is a marker of MMN, not of CIDP (Van den Bergh et al. 2021). (approx.) 0
    p_anti_gm1=0.0,
    titre_log_mean=1.0,  # unused: nobody is positive
    titre_log_sd=0.8,
    weight_male_kg=(84.0, 13.0),  # (approx.) adult means, for g/kg dosing
    weight_female_kg=(70.0, 13.0),  # (approx.)
    # Attacks (each on a pair of mirror sites): many small ones spread over every nerve, so
    # weakness after a year is widespread and symmetric. (approx.) teaching value.
    lesion_rate_median=14.0,
    lesion_rate_log_sd=0.35,
    rate_per_log_titre=0.0,
    # About two thirds respond to IVIg (ICE trial, Hughes et al. 2008: 54% vs 21% on
    # placebo at 24 weeks; Van den Bergh et al. 2021). (approx.) 0.70
    p_ivig_responder=0.70,
    responder_range=(0.7, 1.0),  # (approx.)
    nonresponder_range=(0.0, 0.1),  # (approx.)
    side_bias_range=(0.5, 0.5),  # symmetric: attacks come in mirror pairs
    p_leg_predominant=0.0,
    # Legs at least as affected as the arms in typical CIDP. (approx.) share of attacks in
    # the arms.
    arm_share_typical=0.45,
    arm_share_leg_predominant=0.45,
    grip_sd_fraction=0.12,  # (approx.) individual spread around the norm
)

LESIONS = LesionParams(
    # Demyelinating attacks are smaller than MMN's focal blocks and many. (approx.)
    severity_mean=0.40,
    severity_concentration=4.0,
    # Progressive over more than 8 weeks (Van den Bergh et al. 2021): block builds slowly.
    # (approx.) 30 days, each site +/- 50%.
    block_onset_days=30.0,
    block_onset_spread=0.5,
    # Secondary axonal loss accumulates with disease duration and predicts poor outcome
    # (Van den Bergh et al. 2021). (approx.)
    axonal_loss_per_year=0.12,
    smoulder_per_year=0.04,  # (approx.)
    titre_loss_factor=0.0,  # no antibody titre
    reversibility_half_life_years=5.0,  # (approx.) demyelination stays treatable for years
    affinity_shape=6.0,  # (approx.) diffuse: little clustering on some nerves
    rest_block_share=0.7,  # (approx.) as in MMN
)

# Each sensory nerve read by the conduction study, and the mixed nerve(s) its fibres run in
# (standard anatomy; the sural nerve is formed by tibial and peroneal branches).
SNAP_PARENTS: Mapping[str, tuple[str, ...]] = {
    "median": ("median",), "ulnar": ("ulnar",), "radial sensory": ("radial",),
    "sural": ("tibial", "peroneal"),
}
# Relative chance an attack picks a nerve within its limb: every nerve is involved in
# typical CIDP. (approx.)
NERVE_WEIGHTS: Mapping[str, float] = {
    "median": 0.25, "ulnar": 0.25, "radial": 0.2, "musculocutaneous": 0.15, "axillary": 0.15,
    "peroneal": 0.35, "tibial": 0.35, "femoral": 0.3,
}
# Roots/plexus and the distal nerve terminals are affected most in typical CIDP (weak
# blood-nerve barrier; proximal and distal weakness, prolonged distal latencies; Van den
# Bergh et al. 2021). (approx.) weight of a nerve's most distal and most proximal segment.
DISTAL_WEIGHT = 2.5
PROXIMAL_WEIGHT = 2.0


@dataclass(frozen=True)
class CIDPResponse:
    """How each treatment mechanism acts on CIDP; all three first-line treatments help
    (Van den Bergh et al. 2021)."""

    # IVIg: damps new attacks and lifts block (ICE trial, Hughes et al. 2008). (approx.)
    ivig_lesion_suppression: float = 0.7
    ivig_growth_suppression: float = 0.5
    ivig_block_lift: float = 1.0
    # Corticosteroids: prednisone better than no treatment (Dyck et al. 1982: 12 of 19 on
    # prednisone vs 5 of 16 untreated improved at 12 weeks); pulsed dexamethasone and daily
    # prednisolone alike, with remission at 12 months in 6 of 16 on a tapered prednisolone
    # course (van Schaik 2010b, PREDICT). (approx.) 0.65 respond: the patient's
    # ``steroid_sensitivity`` (uniform 0..1) below this share makes a responder. The benefit
    # builds over weeks (the lagged intensity) and is mostly *repair*: with the inflammation
    # damped, demyelinated axons remyelinate faster, which outlasts the course (durable), and
    # a smaller part lifts block only while the steroid acts. (approx.) values.
    steroid_responder_share: float = 0.65
    steroid_lesion_suppression: float = 0.7
    steroid_growth_suppression: float = 0.5
    steroid_block_lift: float = 0.3
    steroid_repair_per_year: float = 3.0  # extra remyelination rate at full lagged intensity
    steroid_nonresponder_factor: float = 0.1  # (approx.) a little benefit even then
    # Plasma exchange: improvement in about 80% within weeks, relapse soon after stopping
    # (Hahn et al. 1996; Dyck et al. 1986). (approx.) while an exchange's window is open.
    pe_lesion_suppression: float = 0.6
    pe_block_lift: float = 0.2  # calibrated on Hahn et al. 1996 (12 of 15 improved; cidp.pe_hahn)
    complement_block_lift: float = 0.3  # hypothetical (approx.)


@dataclass(frozen=True)
class CIDPFindings:
    """What CIDP shows beyond strength, and how the sensory fibres share the lesions."""

    # Sensory fibres in a lesioned stretch are demyelinated with the motor fibres: share of
    # a site's damage they take. (approx.)
    sensory_involvement: float = 0.8
    # Large fibres (vibration, joint position) carry the loss; small fibres (pain,
    # temperature) less so (Van den Bergh et al. 2021: large-fibre sensory loss). (approx.)
    small_fibre_share: float = 0.5
    # The largest, most heavily myelinated afferents (joint position, vibration, the reflex
    # arc) suffer most from demyelination, so reflexes are lost early (Van den Bergh et al.
    # 2021: areflexia in all limbs). Their loss is the limb's mean fibre loss times this.
    # (approx.)
    large_fibre_gain: float = 2.0
    # A SNAP is brief, so demyelinating dispersion cancels its phases more than a CMAP's:
    # its share left is (1 - fibre dysfunction) ** this (approx.; Preston & Shapiro 2020:
    # sensory potentials are the more sensitive to temporal dispersion).
    snap_exponent: float = 1.5
    # Extra conduction slowing (share of speed lost) per unit of a site's damage: velocities
    # fall >30% below the lower limit and distal latencies rise >50% above the upper limit
    # in the demyelinating range (Van den Bergh et al. 2021 criteria). (approx.)
    slowing_per_damage: float = 0.9
    fasciculation_propensity: float = 0.1  # (approx.) rare in CIDP
    # Cold paresis 4-6x rarer than in MMN (Straver et al. 2011). (approx.) MMN 0.35 / 5.
    cold_sensitivity: float = 0.07
    # CSF protein raised in most (Van den Bergh et al. 2021: supportive criterion), often
    # above 1 g/L, higher with root involvement. (approx.)
    csf_protein_median_g_per_l: float = 0.85
    csf_protein_per_proximal_damage: float = 0.6
    csf_protein_log_sd: float = 0.35
    csf_protein_max_g_per_l: float = 4.0


@dataclass(frozen=True)
class CIDPCourse:
    """Progressive or relapsing; remyelination between attacks allows remission."""

    # About a third run a relapsing-remitting course (Van den Bergh et al. 2021). (approx.)
    p_relapsing: float = 0.33
    relapses_per_year: float = 0.8  # (approx.)
    relapse_days: float = 70.0  # (approx.) weeks of activity per relapse
    relapse_rate_factor: float = 3.0  # (approx.) attack rate during a relapse ...
    quiet_rate_factor: float = 0.15  # (approx.) ... and between relapses
    # Living demyelinated axons remyelinate: the damaged share heals at this rate per year
    # when no new attack comes (approx.); axons lost do not return.
    remyelination_per_year: float = 0.35
    # Mirror attacks are nearly equal on the two sides: log-normal spread of each side's
    # severity (approx.).
    side_severity_log_sd: float = 0.12


class RemyelinatingSites(SiteState):
    """The shared site state, plus remyelination: living damaged axons heal slowly."""

    def __init__(self, onset_days: np.ndarray, patient: Patient, params: LesionParams,
                 remyelination_per_year: float) -> None:
        super().__init__(onset_days, patient, params)
        self.repair = remyelination_per_year / 365.25  # per day

    def step(self, dt: float, growth: float, lift_mean: float, progression: float) -> None:
        """As the shared state, plus healing: natural remyelination over ``dt`` and, when the
        signed progression integral is negative, the treatment-driven repair it carries."""
        super().step(dt, growth, lift_mean, max(progression, 0.0))
        heal = self.repair * dt + max(-progression, 0.0)
        if heal > 0:
            k = math.exp(-heal)
            lost = self.lost
            self.damaged = lost + (self.damaged - lost) * k
            self.target = np.maximum(self.damaged, lost + (self.target - lost) * k)


_HALF = ANATOMY.n_sites // 2
assert all(s == SIDES[0] for s, _ in ANATOMY.sites[:_HALF])  # side-major: left, then right
_NERVE_SITES = {(side, n.name): np.array([ANATOMY.site_index[(side, n.name, seg.name)]
                                          for seg in n.segments])
                for side in SIDES for n in ANATOMY.nerves}
_LIMB_NERVES = {limb: tuple(n.name for n in ANATOMY.nerves if n.limb == limb)
                for limb in ("arm", "leg")}


@dataclass(frozen=True)
class CIDP(ImmuneReadouts):
    """Typical CIDP (the :class:`~sim.diseases.base.Disease` protocol)."""

    kind: str = "cidp"
    title: str = "Chronic inflammatory demyelinating polyradiculoneuropathy (typical CIDP)"
    population: PopulationParams = POPULATION
    lesions: LesionParams = LESIONS
    response: CIDPResponse = field(default_factory=CIDPResponse)
    findings: CIDPFindings = field(default_factory=CIDPFindings)
    course: CIDPCourse = field(default_factory=CIDPCourse)
    mirrored: bool = True  # attacks fall on both sides at once (symmetric)
    limb_sensory: str = "mean"  # a limb's sensory loss: mean (diffuse) or max of its nerves
    anatomy: Anatomy = field(default=ANATOMY, repr=False, compare=False)

    def configure(self, overrides: Mapping[str, float]) -> CIDP:
        return replace(self, lesions=replace(self.lesions, **overrides)) if overrides else self

    # --- where attacks fall ------------------------------------------------------------
    def site_weights(self, patient: Patient, affinity: np.ndarray) -> np.ndarray:
        """Probability of each site for one attack (left sites only: each is mirrored)."""
        w = np.zeros(self.anatomy.n_sites)
        for i, (_side, seg) in enumerate(self.anatomy.sites[:_HALF]):
            nerve = self.anatomy.nerve_by_name[seg.nerve]
            limb = patient.upper_limb_share if nerve.limb == "arm" else (
                1.0 - patient.upper_limb_share)
            total = sum(NERVE_WEIGHTS[n] for n in _LIMB_NERVES[nerve.limb])
            n_seg = len(nerve.segments)
            seg_w = [DISTAL_WEIGHT if k == 0 else PROXIMAL_WEIGHT if k == n_seg - 1 else 1.0
                     for k in range(n_seg)] if n_seg > 1 else [1.0]
            w[i] = (limb * NERVE_WEIGHTS[nerve.name] / total * affinity[i]
                    * seg_w[seg.index] / sum(seg_w))
        return w / w.sum()

    def draw_candidates(
        self, rng: np.random.Generator, patient: Patient, horizon_days: float
    ) -> tuple[Candidates, np.ndarray]:
        c = self.course
        boosted = replace(patient, lesion_rate_per_year=patient.lesion_rate_per_year
                          * c.relapse_rate_factor)
        cand, onset = draw_candidates(
            rng, boosted, horizon_days, self.max_lesion_multiplier(), self.lesions,
            lambda affinity: self.site_weights(patient, affinity), self.anatomy,
        )
        # The course: relapsing patients keep the boosted attacks inside relapses and few
        # between them; progressive patients keep a steady third of them.
        n = cand.day.shape[0]
        relapsing = rng.random() < c.p_relapsing
        n_relapses = rng.poisson(c.relapses_per_year * horizon_days / 365.25) + 1
        starts = np.sort(np.concatenate([[0.0], rng.random(n_relapses - 1) * horizon_days]))
        keep_u = rng.random(n)
        side_z = rng.standard_normal((2, n))
        if relapsing:
            inside = ((cand.day[:, None] >= starts[None, :])
                      & (cand.day[:, None] < starts[None, :] + c.relapse_days)).any(axis=1)
            share = np.where(inside, 1.0, c.quiet_rate_factor / c.relapse_rate_factor)
        else:
            share = np.full(n, 1.0 / c.relapse_rate_factor)
        keep = keep_u < share
        keep[:1] = True  # day 0 is the onset
        cand = Candidates(cand.day[keep], cand.accept[keep], cand.site[keep],
                          cand.severity[keep])
        if self.mirrored:
            cand = self._mirror(cand, side_z[:, keep])
        return cand, onset

    def _mirror(self, cand: Candidates, z: np.ndarray) -> Candidates:
        """Each attack on a left site and its mirror on the right, nearly equal."""
        sd = self.course.side_severity_log_sd / math.sqrt(2.0)
        sev = np.clip(cand.severity[None, :] * np.exp(sd * z), 0.01, 0.99)
        return Candidates(
            np.repeat(cand.day, 2), np.repeat(cand.accept, 2),
            np.stack([cand.site, cand.site + _HALF], axis=1).ravel(),
            sev.T.ravel(),
        )

    def new_sites(self, onset_days: np.ndarray, patient: Patient) -> SiteState:
        return RemyelinatingSites(onset_days, patient, self.lesions,
                                  self.course.remyelination_per_year)

    # --- how treatment mechanisms act on it ------------------------------------------------
    def max_lesion_multiplier(self) -> float:
        return 1.0  # every treatment lowers activity; none raises it

    def _steroid_response(self, x: Exposure) -> float:
        r = self.response
        return 1.0 if x.steroid_sensitivity < r.steroid_responder_share else (
            r.steroid_nonresponder_factor)

    def lesion_multiplier(self, x: Exposure) -> float:
        r = self.response
        ivig = 1.0 - r.ivig_lesion_suppression * x.rho * x.effect
        steroid = 1.0 - r.steroid_lesion_suppression * x.steroid_effect * self._steroid_response(x)
        pe = 1.0 - r.pe_lesion_suppression if x.pe_active else 1.0
        return ivig * steroid * pe * (1.0 - x.complement)

    def lift(self, x: Exposure) -> float:
        r = self.response
        return min(1.0, r.ivig_block_lift * x.rho * x.effect
                   + r.steroid_block_lift * x.steroid_effect * self._steroid_response(x)
                   + (r.pe_block_lift if x.pe_active else 0.0)
                   + r.complement_block_lift * x.complement)

    def modifier_increments(
        self, x: Exposure, dt: float, effect_integral: float
    ) -> tuple[float, float, float]:
        # Exchange and inhibitor states are constant over ``dt``; the growth multiplier is
        # taken linear in the IVIg effect and the lagged steroid intensity (their product is
        # dropped: a small, conservative error while both run).
        r, rho, c = self.response, x.rho, x.complement
        s = self._steroid_response(x)
        steroid_integral = x.steroid_effect_integral * s
        pe = (1.0 - r.pe_lesion_suppression) if x.pe_active else 1.0
        growth = pe * (1.0 - c) * max(0.0, dt - r.ivig_growth_suppression * rho * effect_integral
                                      - r.steroid_growth_suppression * steroid_integral)
        lift = min(dt, r.ivig_block_lift * rho * effect_integral
                   + r.steroid_block_lift * steroid_integral
                   + ((r.pe_block_lift * dt) if x.pe_active else 0.0)
                   + r.complement_block_lift * c * dt)
        repair = r.steroid_repair_per_year / 365.25 * steroid_integral
        return growth, lift, -repair

    # --- beyond the motor axon ----------------------------------------------------------------
    def sensory_dysfunction(self, snapshot: SiteSnapshot, side: str, nerve: str) -> float:
        """Share of a mixed nerve's sensory fibres not conducting (demyelinated or lost)."""
        d = np.clip(snapshot.damage[_NERVE_SITES[(side, nerve)]], 0.0, 1.0)
        return float(1.0 - np.prod(1.0 - self.findings.sensory_involvement * d))

    def sensory_loss(self, day: float) -> float:
        return 0.0  # no patient-independent figure: read per patient by sensory_loss_at

    def sensory_loss_in(self, day: float, side: str, limb: str, modality: str) -> float:
        return 0.0  # as sensory_loss: the examination reads sensory_loss_at

    def sensory_loss_at(self, snapshot: SiteSnapshot, side: str, limb: str,
                        modality: str) -> float:
        losses = [self.sensory_dysfunction(snapshot, side, n) for n in _LIMB_NERVES[limb]]
        loss = float(np.mean(losses) if self.limb_sensory == "mean" else np.max(losses))
        if modality in ("pain", "temperature"):
            return loss * self.findings.small_fibre_share
        return min(1.0, loss * self.findings.large_fibre_gain)

    def snap_share(self, snapshot: SiteSnapshot, side: str, nerve: str) -> float:
        worst = max(self.sensory_dysfunction(snapshot, side, n) for n in SNAP_PARENTS[nerve])
        return (1.0 - worst) ** self.findings.snap_exponent

    def conduction_slowing(self, snapshot: SiteSnapshot) -> np.ndarray | None:
        living = np.clip(snapshot.damage - snapshot.axon_loss, 0.0, 1.0)
        return np.clip(self.findings.slowing_per_damage * living, 0.0, 0.9)

    def upper_motor_neuron_signs(self, day: float) -> bool:
        return False  # a peripheral neuropathy (Van den Bergh et al. 2021)

    def bulbar_weakness(self, day: float) -> bool:
        return False  # cranial nerves seldom involved in typical CIDP (approx.: never here)


DISEASE = CIDP()
