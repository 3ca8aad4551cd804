"""Multifocal Motor Neuropathy: the default disease, and the one this simulator teaches.

Immune attacks (IgM anti-GM1 and complement) on focal sites of *motor* nerves cause conduction
block that develops over days to weeks; block held for years turns into axonal loss. Attacks
favour the arms, one side and the ulnar, median and radial nerves. Sensory fibres, upper motor
neurons and bulbar muscles are spared (van Schaik et al. 2010, EFNS/PNS guideline). IVIg
damps new attacks and lifts part of the block; corticosteroids and plasma exchange do not
help and can make it worse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from ..anatomy import ANATOMY, Anatomy
from ..patient import Patient, PopulationParams
from ..sites import SiteSnapshot
from .lesions import Candidates, LesionParams, SiteState, draw_candidates
from .readouts import ImmuneReadouts

if TYPE_CHECKING:  # pragma: no cover
    from ..treatments.exposure import Exposure

__all__ = ["MMN", "MMNResponse", "MMNFindings", "POPULATION", "LESIONS", "NERVE_PREDILECTION",
           "SEGMENT_PREDILECTION", "DISEASE", "predilection_weights"]

# Who gets it.
POPULATION = PopulationParams(
    p_male=0.72,  # male:female 2.6-2.7:1 (Van Asseldonk 2005; Yeh et al. 2020)
    onset_age_mean=42.0,  # mean 40-44 y (Van Asseldonk 2005; Löscher 2018: 44.1)
    onset_age_sd=10.0,  # ~80% between 20 and 50 (Van Asseldonk 2005)
    onset_age_range=(18.0, 75.0),  # range 20-70 (Van Asseldonk 2005)
    p_anti_gm1=0.455,  # 43-48% IgM anti-GM1 positive (Löscher 2018; Nobile-Orazio 2014)
    titre_log_mean=1.0,  # (approx.) titre as fold over cut-off, log-normal
    titre_log_sd=0.8,  # (approx.)
    weight_male_kg=(84.0, 13.0),  # (approx.) adult means, for g/kg dosing
    weight_female_kg=(70.0, 13.0),  # (approx.)
    # Lesion rate: enough for ~4-5 nerves with block after years (Delmont 2006) and steady
    # untreated worsening (Taylor et al. 2000). (approx.) log-normal around 1.4 attacks/year.
    lesion_rate_median=1.25,
    lesion_rate_log_sd=0.45,
    # Anti-GM1 positivity and a higher titre go with more weakness, disability and axonal
    # loss (Cats 2010; Herraets 2020): the attack rate rises with titre, by about a third at
    # the median titre, so the population median stays near 1.4/year. (approx.)
    rate_per_log_titre=0.25,
    # IVIg responders 78% in pooled RCTs, 67-81% in cohorts (Cochrane 2005; Léger 2008).
    # Those are *measured* shares: strength clearly better after a first course. A responsive
    # patient whose weaker hand holds too little reversible block cannot show such a gain, so
    # the share of responsive patients lies a little above the measured one: 80% gives a
    # measured ~78% (>= 2 kg above the same patient untreated 4 weeks after 2 g/kg, among
    # patients with hand weakness; mean of four reference populations). (approx.)
    p_ivig_responder=0.80,
    responder_range=(0.75, 1.0),  # (approx.) responsiveness of responders
    nonresponder_range=(0.0, 0.06),  # (approx.) "some barely respond"
    # Asymmetry: a dominant side for lesions (EFNS/PNS 2010 clinical core). (approx.)
    side_bias_range=(0.62, 0.85),
    # 70-77% upper-limb onset, ~10% lower-limb predominant (Slee 2007; Löscher 2018).
    p_leg_predominant=0.12,
    arm_share_typical=0.82,  # (approx.) gives ~74% arm onset over the population
    arm_share_leg_predominant=0.30,  # (approx.)
    grip_sd_fraction=0.12,  # (approx.) individual spread around the norm
)

LESIONS = LesionParams(
    # Severity of one attack: Beta distribution with this mean. Blocks of 50-90% are typical
    # in MMN conduction studies (van Schaik et al. 2010 worked example: -70%). (approx.)
    severity_mean=0.65,
    severity_concentration=5.0,
    # Block develops over days to weeks (patient sera cause no acute block within hours in
    # vitro). (approx.) 14 days, each site +/- 50%.
    block_onset_days=14.0,
    block_onset_spread=0.5,
    # Blocked axons degenerate slowly; inexcitable sites after many years untreated
    # (Lange 2006); more loss with longer untreated interval (Al-Zuhairy 2024). (approx.)
    axonal_loss_per_year=0.25,
    # Existing lesions keep smouldering: the attacked share creeps up between attacks, so an
    # untreated patient worsens steadily (Taylor et al. 2000: no remission, steady decline);
    # treatment slows it through the growth multiplier. (approx.) per year of (1 - target).
    smoulder_per_year=0.06,
    titre_loss_factor=0.5,  # (approx.) faster loss with high anti-GM1 titre (Cats 2010)
    # The IVIg-reversible share of the *living* blocked axons fades slowly (approx.); most of
    # what makes late treatment help less is axonal loss (Herraets et al. 2020: axonal damage
    # predicts decline on IVIg). Stopping IVIg after two years of maintenance costs about a
    # fifth of the weaker hand's grip in 12 weeks when IVIg began in year 1, and about 23%
    # when it began after the median 5.8-year delay (Löscher 2018), still less than Hahn et
    # al. 2013 report (-31%): many weaker hands are only mildly weak, and a hand cannot lose
    # more than its reversible weakness.
    reversibility_half_life_years=15.0,
    # Nerve affinity: each patient's immune attack favours some nerves (clustering). Gamma
    # shape; smaller = more clustered. (approx.)
    affinity_shape=1.0,
    # Activity-dependent conduction block: some axons at a lesion conduct a single stimulus
    # but fail during sustained voluntary firing (Kaji et al. 2000), so a conduction study
    # shows less block than the weakness implies, and IVIg can restore strength while block
    # on the study changes little (Federico 2000: block -12.7% while grip +6.4 kg). (approx.)
    # 70% of the dysfunctional axons fail at rest too.
    rest_block_share=0.7,
)

SENSORY_LIMB = {sn.name: sn.limb for sn in ANATOMY.sensory}

# Relative chance an attack picks a nerve within its limb: ulnar, median and radial first; in
# the legs peroneal and tibial; median involved in 85% of patients with block (Delmont 2006).
# (approx.) weights.
NERVE_PREDILECTION: Mapping[str, float] = {
    "median": 0.32, "ulnar": 0.32, "radial": 0.22, "musculocutaneous": 0.07, "axillary": 0.07,
    "peroneal": 0.5, "tibial": 0.35, "femoral": 0.15,
}
# Relative chance within a nerve: mostly the long forearm and upper-arm segments, seldom the
# most distal stretch or an entrapment site (where block would not count for MMN under van
# Schaik et al. 2010). (approx.) weights; a segment not listed weighs 1.
SEGMENT_PREDILECTION: Mapping[tuple[str, str], float] = {
    ("median", "wrist-APB"): 0.4, ("median", "forearm"): 1.6, ("median", "upper arm"): 1.5,
    ("median", "plexus"): 0.6,
    ("ulnar", "wrist-ADM"): 0.4, ("ulnar", "forearm"): 1.6, ("ulnar", "across elbow"): 0.4,
    ("ulnar", "upper arm"): 1.5, ("ulnar", "plexus"): 0.6,
    ("radial", "forearm-EIP"): 0.3, ("radial", "forearm"): 1.2,
    ("radial", "elbow-spiral groove"): 0.6, ("radial", "upper arm"): 1.4,
    ("radial", "plexus"): 0.6,
    ("peroneal", "ankle-EDB"): 0.3, ("peroneal", "leg"): 1.6,
    ("peroneal", "across fibular head"): 0.6,
    ("tibial", "ankle-AH"): 0.3, ("tibial", "leg"): 1.5,
    ("femoral", "lumbar plexus"): 0.5,
}


def predilection_weights(anatomy: Anatomy, patient: Patient, affinity: np.ndarray) -> np.ndarray:
    """MMN's site predilections for one attack (limb, side, nerve, segment; the tables above),
    times the patient's nerve ``affinity``: shared with multifocal CIDP, which favours the same
    sites."""
    w = np.empty(anatomy.n_sites)
    for i, (side, seg) in enumerate(anatomy.sites):
        nerve = anatomy.nerve_by_name[seg.nerve]
        arm = nerve.limb == "arm"
        limb = patient.upper_limb_share if arm else 1 - patient.upper_limb_share
        s = patient.side_bias if side == patient.dominant_side else 1 - patient.side_bias
        limb_total = sum(
            NERVE_PREDILECTION[n.name] for n in anatomy.nerves if n.limb == nerve.limb
        )
        seg_pred = [SEGMENT_PREDILECTION.get((x.nerve, x.name), 1.0) for x in nerve.segments]
        w[i] = (
            limb * s * NERVE_PREDILECTION[nerve.name] / limb_total * affinity[i]
            * seg_pred[seg.index] / sum(seg_pred)
        )
    return w / w.sum()


@dataclass(frozen=True)
class MMNResponse:
    """How each treatment mechanism acts on MMN; the source of each value beside it."""

    # IVIg damps new attacks and the growth of existing block (in vitro it inhibits complement
    # fixation 34-54% at therapeutic levels: Krijgsman et al. 2026), calibrated so that the
    # long-term decline on maintenance is well below the untreated decline, as in Taylor 2000
    # (NIS(W) worsening 1.3 points/year on treatment vs 4.2 untreated) and Herraets 2020
    # (slow decline over 8 years on IVIg). (approx.) Most of its benefit is lifting block, so
    # what it holds returns when it is stopped (Hahn 2013); lifted axons are spared
    # degeneration.
    ivig_lesion_suppression: float = 0.8
    ivig_growth_suppression: float = 0.5
    ivig_block_lift: float = 1.0  # (approx.) share of reversible block lifted at full effect
    # Plasma exchange: no benefit, a case of worsening (Claus 2000). (approx.) raised lesion
    # activity while an exchange's rebound window is open.
    pe_rebound_multiplier: float = 1.4
    # Prednisolone: weakness increased within 1 month (Donaghy 1994); working value: worsening
    # begins within 2-4 weeks. Effects scale with the steroid intensity. (approx.)
    steroid_lesion_multiplier: float = 2.5
    steroid_growth_multiplier: float = 2.0
    steroid_progression_per_day: float = 0.016
    complement_block_lift: float = 0.5  # hypothetical: nodes recover when attack stops


@dataclass(frozen=True)
class MMNFindings:
    """What MMN shows beyond strength: bedside signs of damaged motor axons and laboratory
    results; the source of each value beside it."""

    # Cramps and fasciculations in the affected limb are a supportive criterion (van Schaik
    # et al. 2010), seen in part of the patients; less readily than in motor neuron disease
    # (1.0). (approx.)
    fasciculation_propensity: float = 0.5
    # Cold paresis is reported 4-6x more often in MMN than in CIDP or progressive muscular
    # atrophy (Straver et al. 2011): nodes whose sodium channels the antibodies disrupted fail
    # first when cooled. Share of a site's conducting axons lost in the cold per unit of
    # damage. (approx.)
    cold_sensitivity: float = 0.35
    # CSF protein normal in most, raised but below 1 g/L when raised (van Schaik et al. 2010,
    # supportive criterion 2); a little higher with proximal (plexus) lesions. (approx.)
    csf_protein_median_g_per_l: float = 0.35
    csf_protein_per_proximal_damage: float = 0.30
    csf_protein_log_sd: float = 0.30
    csf_protein_max_g_per_l: float = 0.95


@dataclass(frozen=True)
class MMN(ImmuneReadouts):
    """Multifocal Motor Neuropathy (the :class:`~sim.diseases.base.Disease` protocol)."""

    kind: str = "mmn"
    title: str = "Multifocal motor neuropathy"
    population: PopulationParams = POPULATION
    lesions: LesionParams = LESIONS
    response: MMNResponse = field(default_factory=MMNResponse)
    findings: MMNFindings = field(default_factory=MMNFindings)
    anatomy: Anatomy = field(default=ANATOMY, repr=False, compare=False)

    def configure(self, overrides: Mapping[str, float]) -> MMN:
        return replace(self, lesions=replace(self.lesions, **overrides)) if overrides else self

    # --- where attacks fall ------------------------------------------------------------
    def site_weights(self, patient: Patient, affinity: np.ndarray) -> np.ndarray:
        """Probability of each site for one attack: limb, side, nerve and segment predilection."""
        return predilection_weights(self.anatomy, patient, affinity)

    def draw_candidates(
        self, rng: np.random.Generator, patient: Patient, horizon_days: float
    ) -> tuple[Candidates, np.ndarray]:
        return draw_candidates(
            rng, patient, horizon_days, self.max_lesion_multiplier(), self.lesions,
            lambda affinity: self.site_weights(patient, affinity), self.anatomy,
        )

    def new_sites(self, onset_days: np.ndarray, patient: Patient) -> SiteState:
        return SiteState(onset_days, patient, self.lesions)

    # --- how treatment mechanisms act on it ------------------------------------------------
    def max_lesion_multiplier(self) -> float:
        r = self.response
        return r.steroid_lesion_multiplier * r.pe_rebound_multiplier

    def _steroid(self, full: float, x: Exposure) -> float:
        # Worsening in some reported patients, not all (Donaghy 1994): scaled by the patient's
        # sensitivity, drawn uniformly over the population (approx.).
        return 1.0 + (full - 1.0) * x.steroid * x.steroid_sensitivity

    def lesion_multiplier(self, x: Exposure) -> float:
        r = self.response
        ivig = 1.0 - r.ivig_lesion_suppression * x.rho * x.effect
        pe = r.pe_rebound_multiplier if x.pe_active else 1.0
        return (self._steroid(r.steroid_lesion_multiplier, x) * pe * ivig * (1.0 - x.complement)
                * (1.0 - x.immunosuppression))

    def lift(self, x: Exposure) -> float:
        r = self.response
        ivig = r.ivig_block_lift * x.rho * x.effect
        return min(1.0, ivig + r.complement_block_lift * x.complement)

    def modifier_increments(
        self, x: Exposure, dt: float, effect_integral: float
    ) -> tuple[float, float, float]:
        # Steroid, exchange and inhibitor states only change at events, so they are constant
        # over ``dt``; the modifiers are linear in the IVIg effect (the lift is capped at 1
        # over the interval), so the effect's integral is enough.
        r, rho, c = self.response, x.rho, x.complement
        growth = self._steroid(r.steroid_growth_multiplier, x) * (1.0 - c) * (
            dt - r.ivig_growth_suppression * rho * effect_integral
        ) * (1.0 - x.immunosuppression)
        lift = min(dt, r.ivig_block_lift * rho * effect_integral + r.complement_block_lift * c * dt)
        progression = r.steroid_progression_per_day * x.steroid * x.steroid_sensitivity * dt
        return growth, lift, progression

    # --- beyond the motor axon ----------------------------------------------------------------
    def sensory_loss(self, day: float) -> float:
        return 0.0  # motor fibres are targeted, sensory fibres spared (van Schaik et al. 2010)

    def upper_motor_neuron_signs(self, day: float) -> bool:
        return False  # no upper motor neuron involvement (van Schaik et al. 2010)

    def bulbar_weakness(self, day: float) -> bool:
        return False  # no cranial nerve or bulbar involvement (van Schaik et al. 2010)

    def sensory_loss_in(self, day: float, side: str, limb: str, modality: str) -> float:
        # Spared everywhere; read through sensory_loss so a variant that changes only the
        # overall figure changes every limb and modality with it.
        return self.sensory_loss(day)

    def sensory_loss_at(self, snapshot: SiteSnapshot, side: str, limb: str,
                        modality: str) -> float:
        # Sensory fibres are not attacked: nothing to read from the sites.
        return self.sensory_loss_in(snapshot.day, side, limb, modality)

    def snap_share(self, snapshot: SiteSnapshot, side: str, nerve: str) -> float:
        # SNAPs normal across and away from the blocks (van Schaik et al. 2010); a variant's
        # large-fibre (vibration) loss lowers its limb's SNAPs.
        limb = SENSORY_LIMB[nerve]
        return 1.0 - self.sensory_loss_in(snapshot.day, side, limb, "vibration")

    def conduction_slowing(self, snapshot: SiteSnapshot) -> np.ndarray | None:
        return None  # slowing stays in the non-demyelinating range (van Schaik et al. 2010)


DISEASE = MMN()
