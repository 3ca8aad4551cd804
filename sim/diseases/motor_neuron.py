"""Motor neuron disease: progressive muscular atrophy (PMA) and amyotrophic lateral sclerosis.

Why it is here: PMA is the mimic an MMN diagnosis most often has to be told from, and the one
where a wrong call costs most. Anterior horn cells die, so motor units are *lost* (never
blocked): weakness comes with early wasting, compound muscle action potentials fall at every
stimulation point alike (no conduction block), sensory conduction stays normal, and the
needle finds active denervation (fibrillations, positive sharp waves, fasciculation
potentials) beside chronic reinnervation in several regions (Gold Coast criteria, Shefner et
al. 2020). Onset is focal and distal, and the disease spreads to neighbouring regions
(Ravits & La Spada 2009). The course is relentless and faster than MMN's; nothing of IVIg,
corticosteroids or plasma exchange helps.

Two forms (``[disease] variant``): ``als`` with upper motor neuron signs (brisk reflexes,
spasticity, extensor plantars) and, later, bulbar weakness; ``pma`` with lower motor neuron
signs only, older and more often male, slower (Kim et al. 2009; Visser et al. 2007).

How it is modelled: a site here is where a muscle's branch leaves its nerve, so losing motor
units "at" that site weakens that muscle (and the more distal ones of the nerve). Each limb
region (side x arm/leg) joins the disease at its own time, spreading from the region of onset;
within an involved region, new sites are recruited and every recruited site keeps losing units
until none are left. No site ever blocks; the snapshot's ``damage`` (demyelination: dispersion,
slowing, nerve swelling) stays zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ..anatomy import ANATOMY, SIDES, Anatomy
from ..patient import Patient, PopulationParams
from ..sites import SiteSnapshot
from ..units import DAYS_PER_YEAR
from .lesions import Candidates, LesionParams

if TYPE_CHECKING:  # pragma: no cover
    from ..treatments.exposure import Exposure

__all__ = ["MotorNeuronDisease", "MotorUnitLoss", "Course", "POPULATIONS", "COURSES", "LESIONS",
           "VARIANTS", "DISEASE"]

VARIANTS = ("als", "pma")
_LIMBS = ("arm", "leg")
_HORIZON_DAYS = 40 * DAYS_PER_YEAR  # candidates are drawn this far, so runs share a prefix

_BASE = dict(
    onset_age_range=(20.0, 85.0),
    p_anti_gm1=0.0,  # IgM anti-GM1 is not a feature of motor neuron disease (approx.)
    titre_log_mean=0.0,
    titre_log_sd=0.0,
    weight_male_kg=(80.0, 13.0),  # (approx.) adult means
    weight_female_kg=(66.0, 12.0),
    # Recruitment of new sites within an involved region, per year (before spread);
    # (approx.) calibrated with the spread below to the course in ``Course``.
    lesion_rate_log_sd=0.35,
    rate_per_log_titre=0.0,
    # No response to IVIg (Dalakas et al. 1994: no benefit of high-dose IVIg in ALS).
    p_ivig_responder=0.0,
    responder_range=(0.0, 0.0),
    nonresponder_range=(0.0, 0.0),
    side_bias_range=(0.5, 0.5),  # unused: onset side is the dominant side (see draw)
    grip_sd_fraction=0.12,
)
POPULATIONS: Mapping[str, PopulationParams] = {
    # ALS: male:female 1.2-1.5:1; mean onset age 52-65 in population registers (Chiò et al.
    # 2013, systematic review); ~60% of limb onsets in the arms (approx., Ravits & La Spada 2009).
    "als": PopulationParams(
        p_male=0.58, onset_age_mean=60.0, onset_age_sd=11.0, lesion_rate_median=5.0,
        p_leg_predominant=0.40, arm_share_typical=1.0, arm_share_leg_predominant=0.0,
        **_BASE),
    # PMA: more often male and older than ALS (Kim et al. 2009: p < 0.001 and p = 0.007);
    # (approx.) 75% men, mean onset 63.
    "pma": PopulationParams(
        p_male=0.75, onset_age_mean=63.0, onset_age_sd=11.0, lesion_rate_median=3.0,
        p_leg_predominant=0.40, arm_share_typical=1.0, arm_share_leg_predominant=0.0,
        **_BASE),
}


@dataclass(frozen=True)
class Course:
    """How fast motor units are lost and the disease spreads; the source of each value."""

    # Spread from the region of onset to the other limbs: contiguous, the other arm (or leg)
    # first, then the limb below (or above) on the same side, then the diagonal one (Ravits &
    # La Spada 2009; Fujimura-Kiyono et al. 2011). Median months to involvement, log-normal
    # per patient. (approx.) values giving 3-4 limbs involved by 2 years in ALS.
    contralateral_months: float = 6.0
    ipsilateral_months: float = 10.0
    diagonal_months: float = 14.0
    spread_log_sd: float = 0.5
    # Once a site is recruited its remaining units keep dying (relentless, linear decline of
    # strength: Munsat et al. 1988). Per-year loss of the still-healthy share at a site.
    # (approx.)
    creep_per_year: float = 0.8
    # Upper motor neuron signs (ALS): from this day on. Bulbar weakness from this day on
    # (limb-onset ALS usually reaches the bulbar region within about a year; approx.).
    umn_from_day: float | None = 60.0
    bulbar_from_day: float | None = 365.0


COURSES: Mapping[str, Course] = {
    "als": Course(),
    # PMA is slower: median survival 56 months from onset (Visser et al. 2007) against 20-48
    # months in ALS (Chiò et al. 2009); upper motor neuron signs appear only in a minority
    # later (22% within 61 months, Kim et al. 2009), so none here. (approx.) 0.6x the pace.
    "pma": Course(contralateral_months=8.0, ipsilateral_months=12.0, diagonal_months=16.0,
                  creep_per_year=0.33, umn_from_day=None, bulbar_from_day=None),
}

LESIONS = LesionParams(
    # One recruitment step: the share of a site's motor units that begins to die. (approx.)
    severity_mean=0.30,
    severity_concentration=4.0,
    # No block ever forms: this is the time from a motor neuron's death to the loss of its
    # axon (Wallerian degeneration; fibrillations begin within weeks). (approx.)
    block_onset_days=40.0,
    block_onset_spread=0.5,
    axonal_loss_per_year=0.0,  # loss is direct, not through block (the pace is in Course)
    smoulder_per_year=0.0,
    titre_loss_factor=0.0,
    reversibility_half_life_years=1.0,
    affinity_shape=1.0,
)

# Which sites a recruitment can pick: the segment where each muscle's branch leaves its nerve,
# weighted distal first (approx. weights by the muscle's region; in the hand the thenar
# muscles and first dorsal interosseous waste first, the split hand of Eisen & Kuwabara 2012).
# The proximal flail-arm variant (11% of a London cohort, Wijesekera et al. 2009) is not
# modelled.
_REGION_WEIGHT = {"hand": 3.0, "foot": 3.0, "forearm": 2.0, "leg": 2.0, "upper arm": 1.0,
                  "shoulder": 1.0, "thigh": 1.0}


def _branch_sites(anatomy: Anatomy) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]:
    """(side, limb) -> (site indices, recruitment weights summing to 1)."""
    out = {}
    for side in SIDES:
        for limb in _LIMBS:
            w: dict[int, float] = {}
            for nerve in anatomy.nerves:
                if nerve.limb != limb:
                    continue
                for m in nerve.muscles:
                    seg = nerve.segments[m.branch_segment]
                    i = anatomy.site_index[(side, nerve.name, seg.name)]
                    w[i] = w.get(i, 0.0) + _REGION_WEIGHT[m.region]
            idx = np.array(sorted(w))
            weights = np.array([w[i] for i in idx])
            out[(side, limb)] = (idx, weights / weights.sum())
    return out


class MotorUnitLoss:
    """Per-site state of motor neuron disease: units condemned so far (``target``) and lost
    (``lost``). Same interface as :class:`~sim.diseases.lesions.SiteState`; never any block."""

    def __init__(self, onset_days: np.ndarray, creep_per_year: float) -> None:
        n = onset_days.shape[0]
        self.target = np.zeros(n)
        self.lost = np.zeros(n)
        self.rate = 1.0 / onset_days  # per day
        self.creep = creep_per_year / DAYS_PER_YEAR  # per day

    def copy(self) -> MotorUnitLoss:
        new = object.__new__(MotorUnitLoss)
        new.__dict__.update(self.__dict__)
        new.target, new.lost = self.target.copy(), self.lost.copy()
        return new

    def attack(self, site: int, severity: float) -> None:
        self.target[site] = 1.0 - (1.0 - self.target[site]) * (1.0 - severity)

    def step(self, dt: float, growth: float, lift_mean: float, progression: float) -> None:
        hit = self.target > 0
        if hit.any():
            self.target[hit] = 1.0 - (1.0 - self.target[hit]) * math.exp(-self.creep * dt)
        s = self.target
        self.lost = s - (s - self.lost) * np.exp(-self.rate * dt)

    def snapshot(self, day: float, lift: float) -> SiteSnapshot:
        zero = np.zeros_like(self.lost)
        return SiteSnapshot(day, zero, self.lost.copy(), zero.copy(), zero.copy())


@dataclass(frozen=True)
class MotorNeuronDisease:
    """Motor neuron disease, ALS or PMA (the :class:`~sim.diseases.base.Disease` protocol)."""

    kind: str = "motor_neuron"
    variant: str = "als"
    variants: tuple[str, ...] = VARIANTS
    lesions: LesionParams = LESIONS
    anatomy: Anatomy = field(default=ANATOMY, repr=False, compare=False)
    # Fasciculations are the hallmark (Gold Coast criteria; de Carvalho et al. 2008): the
    # reference for the protocol's 0..1 propensity scale.
    fasciculation: float = 1.0
    cold: float = 0.0  # no nodal damage: no cold paresis beyond MMN's (Straver et al. 2011)
    # CSF protein normal or mildly raised in a few (approx.): median 0.38 g/L.
    csf_median_g_per_l: float = 0.38
    csf_log_sd: float = 0.25

    @property
    def title(self) -> str:
        return ("Amyotrophic lateral sclerosis" if self.variant == "als"
                else "Progressive muscular atrophy")

    @property
    def population(self) -> PopulationParams:
        return POPULATIONS[self.variant]

    @property
    def course(self) -> Course:
        return COURSES[self.variant]

    def configure(self, overrides: Mapping[str, Any]) -> MotorNeuronDisease:
        knobs = dict(overrides)
        variant = knobs.pop("variant", self.variant)
        return replace(self, variant=variant,
                       lesions=replace(self.lesions, **knobs) if knobs else self.lesions)

    # --- where units are lost ------------------------------------------------------------
    def draw_candidates(
        self, rng: np.random.Generator, patient: Patient, horizon_days: float
    ) -> tuple[Candidates, np.ndarray]:
        """Region involvement times (spread from the onset region), then recruitments in each
        involved region at the patient's rate; all drawn to a fixed far horizon so a longer
        run extends a shorter one."""
        c, p = self.course, self.lesions
        onset_u = rng.random(self.anatomy.n_sites)
        onset_limb = "leg" if patient.upper_limb_share < 0.5 else "arm"
        other_limb = "arm" if onset_limb == "leg" else "leg"
        first = patient.dominant_side  # onset side concordant with handedness (approx.)
        other = "left" if first == "right" else "right"
        months = np.array([c.contralateral_months, c.ipsilateral_months, c.diagonal_months])
        delays = months * (DAYS_PER_YEAR / 12.0) * np.exp(c.spread_log_sd
                                                          * rng.standard_normal(3))
        starts = {(first, onset_limb): 0.0, (other, onset_limb): float(delays[0]),
                  (first, other_limb): float(delays[1]), (other, other_limb): float(delays[2])}
        rate = patient.lesion_rate_per_year / DAYS_PER_YEAR
        table = _branch_sites(self.anatomy)
        days, sites, sev = [], [], []
        for region in ((s, limb) for s in SIDES for limb in _LIMBS):
            t0 = starts[region]
            n = int(rng.poisson(rate * max(0.0, _HORIZON_DAYS - t0))) + 1
            d = np.sort(t0 + rng.random(n) * (_HORIZON_DAYS - t0))
            d[0] = t0  # the region's first recruitment marks its involvement
            idx, w = table[region]
            sites.append(idx[rng.choice(idx.shape[0], size=n, p=w)])
            days.append(d)
            sev.append(rng.beta(p.severity_mean * p.severity_concentration,
                                (1 - p.severity_mean) * p.severity_concentration, n))
        day = np.concatenate(days)
        order = np.argsort(day, kind="stable")
        keep = day[order] <= horizon_days
        o = order[keep]
        cand = Candidates(day[o], np.zeros(o.shape[0]), np.concatenate(sites)[o],
                          np.concatenate(sev)[o])
        spread = p.block_onset_spread
        return cand, p.block_onset_days * (1 - spread + 2 * spread * onset_u)

    def new_sites(self, onset_days: np.ndarray, patient: Patient) -> MotorUnitLoss:
        return MotorUnitLoss(onset_days, self.course.creep_per_year)

    # --- how treatment mechanisms act on it: not at all ----------------------------------------
    # IVIg (Dalakas et al. 1994), corticosteroids and plasma exchange do not change the course.
    def max_lesion_multiplier(self) -> float:
        return 1.0

    def lesion_multiplier(self, x: Exposure) -> float:
        return 1.0

    def lift(self, x: Exposure) -> float:
        return 0.0

    def modifier_increments(
        self, x: Exposure, dt: float, effect_integral: float
    ) -> tuple[float, float, float]:
        return dt, 0.0, 0.0

    # --- beyond the lower motor neuron ----------------------------------------------------------
    def sensory_loss(self, day: float) -> float:
        return 0.0  # sensory fibres spared (Gold Coast criteria: sensory studies normal)

    def sensory_loss_in(self, day: float, side: str, limb: str, modality: str) -> float:
        return 0.0

    def sensory_loss_at(self, snapshot: SiteSnapshot, side: str, limb: str,
                        modality: str) -> float:
        return 0.0

    def snap_share(self, snapshot: SiteSnapshot, side: str, nerve: str) -> float:
        return 1.0  # sensory neurons are spared (Shefner et al. 2020)

    def conduction_slowing(self, snapshot: SiteSnapshot) -> np.ndarray | None:
        return None  # axon loss, not demyelination

    def upper_motor_neuron_signs(self, day: float) -> bool:
        d = self.course.umn_from_day
        return d is not None and day >= d

    def bulbar_weakness(self, day: float) -> bool:
        d = self.course.bulbar_from_day
        return d is not None and day >= d

    def fasciculation_propensity(self) -> float:
        return self.fasciculation

    def cold_sensitivity(self) -> float:
        return self.cold

    def anti_gm1(self, patient: Patient) -> tuple[bool, float]:
        # Negative in drawn patients (population share 0); a scenario may pin it positive
        # (low titres are reported in a few patients with motor neuron disease; approx.).
        return patient.anti_gm1, patient.anti_gm1_titre

    def csf_protein_g_per_l(self, proximal_damage: float, z: float) -> float:
        return float(self.csf_median_g_per_l * np.exp(self.csf_log_sd * z))


DISEASE = MotorNeuronDisease()
