"""Acute motor axonal neuropathy (AMAN), the axonal form of Guillain-Barré syndrome.

Why it is here: the first question a neuromuscular clinician asks is *how fast did this come
on?* MMN creeps over months to years; AMAN paralyses in days. One attack after a trigger
(often *Campylobacter jejuni* diarrhoea, a median 10 days before the weakness; Takahashi 2005)
brings symmetric weakness of the limbs, legs at least as much as arms, cranial nerves usually
spared, to its nadir within 4 weeks (Asbury & Cornblath 1990; Sejvar 2011), sometimes with
respiratory failure. It is pure motor: sensation and sensory action potentials stay normal
(Hadden 1998). IgG (not IgM) antibodies to GM1 or GD1a bind the nodes of Ranvier of motor
axons. The course is monophasic: a plateau, then recovery over weeks to months, some with
residual weakness.

The nodal attack either stops conduction for a while (*reversible conduction failure*: low
distal CMAPs and block-like drops between stimulation points that recover within weeks
without temporal dispersion) or goes on to axonal degeneration, which recovers slowly by
regrowth (Kuwabara 1998: of 19 IgG anti-GM1-positive patients, 9 improved by two Hughes grades
within a month, 5 could not walk alone at 6 months). Degenerating axons leave fibrillations on
needle EMG from 2-3 weeks (the EMG model's own delay). IVIg and plasma exchange speed recovery
(Plasma Exchange/Sandoglobulin GBS Trial Group 1997; van der Meché 1992; Hughes 2014; Chevret
2017); corticosteroids do not (Hughes 2016).

How it is modelled: one attack, drawn per patient: every motor site is hit on its own day
within the progressive phase, most at the nerve terminals and roots (approx.), with left and
right sites nearly equal (symmetric). A hit site fails to conduct (``block``: nodal failure,
which a single stimulus cannot cross either) within days; a per-patient share of the failing
axons degenerates (``axon_loss``), the rest recovers after the plateau. Lost axons regrow
slowly, except a residual share. ``damage`` (demyelination) stays zero: no dispersion, no
slowing, no nerve swelling. Days on which things happen that the model does not otherwise
represent (the preceding infection, respiratory failure) ride on the candidates as course
events, which the engine records.

History facts (``HISTORY``, read by the history page): onset tempo acute, over days to weeks;
a preceding infection (diarrhoea in most; its day before onset is each patient's
``preceding_infection`` event); no family history; no numbness.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ..anatomy import ANATOMY, Anatomy
from ..patient import Patient, PopulationParams
from ..sites import SiteSnapshot
from .lesions import Candidates, LesionParams

if TYPE_CHECKING:  # pragma: no cover
    from ..treatments.exposure import Exposure

__all__ = ["AMAN", "AmanCandidates", "AmanSites", "AmanCourse", "AmanResponse", "History",
           "HISTORY", "POPULATION", "LESIONS", "DISEASE"]

_HALF = ANATOMY.n_sites // 2  # left sites first, then their mirrors on the right

POPULATION = PopulationParams(
    # C. jejuni-associated GBS: men 1.7:1 (Takahashi 2005); (approx.) 60% men, young adults
    # and the middle-aged alike (approx.).
    p_male=0.60,
    onset_age_mean=45.0,  # (approx.)
    onset_age_sd=17.0,  # (approx.)
    onset_age_range=(16.0, 85.0),
    # The patient's anti-GM1 trait is the IgG antibody here (to GM1 or GD1a); the IgM ELISA
    # that counts for MMN is negative (see ``anti_gm1``). (approx.) 65% IgG-positive.
    p_anti_gm1=0.65,
    titre_log_mean=math.log(4.0),  # (approx.)
    titre_log_sd=0.5,  # (approx.)
    weight_male_kg=(78.0, 13.0),  # (approx.) adult means
    weight_female_kg=(65.0, 12.0),  # (approx.)
    # One attack, not a rate: the candidates are drawn by the course below.
    lesion_rate_median=1.0,
    lesion_rate_log_sd=0.0,
    rate_per_log_titre=0.0,
    # Everyone's recovery is hastened by IVIg or plasma exchange in the trials (Plasma
    # Exchange/Sandoglobulin GBS Trial Group 1997); (approx.) responsiveness 0.7-1.
    p_ivig_responder=1.0,
    responder_range=(0.7, 1.0),
    nonresponder_range=(0.7, 1.0),
    side_bias_range=(0.5, 0.5),  # symmetric
    p_leg_predominant=0.0,
    arm_share_typical=0.5,
    arm_share_leg_predominant=0.5,
    grip_sd_fraction=0.12,  # (approx.) as for MMN
)

# Unused by this disease's own state, but part of the protocol; a scenario's [disease] knobs
# land here and ``severity_mean`` and ``block_onset_days`` are read by the course.
LESIONS = LesionParams(
    # (approx.) mean share of a site's axons the attack hits: about one patient in five
    # cannot walk with aid in the second week, the severe patients of the exchange trials.
    severity_mean=0.70,
    severity_concentration=6.0,  # (approx.)
    block_onset_days=2.0,  # (approx.) nodal failure within days of the antibody binding
    block_onset_spread=0.5,
    axonal_loss_per_year=0.0,
    smoulder_per_year=0.0,
    titre_loss_factor=0.0,
    reversibility_half_life_years=1.0,
    affinity_shape=8.0,
)


@dataclass(frozen=True)
class AmanCourse:
    """The attack, plateau and recovery; the source of each value beside it."""

    # Progressive phase: from onset to the last site hit. Nadir within 4 weeks (Asbury &
    # Cornblath 1990; Sejvar 2011: onset to nadir 12 h to 28 days); (approx.) median 8 days,
    # log-normal, capped so the nadir (last hit + block onset) stays inside 28 days.
    progression_median_days: float = 8.0
    progression_log_sd: float = 0.45
    progression_max_days: float = 16.0
    # Plateau after the nadir, then recovery "usually beginning two to four weeks after
    # progression stops" (Asbury & Cornblath 1990): uniform 14-28 days.
    plateau_days: tuple[float, float] = (14.0, 28.0)
    # Reversible conduction failure clears over weeks once recovery begins (Kuwabara 1998: 9
    # of 19 improved by two Hughes grades within a month); (approx.) half-life 40 days, set
    # with the plateau so that untreated patients who cannot walk take about a month to walk
    # with aid (the exchange trials' control arms: a median 44 days, Chevret 2017).
    failure_half_life_days: float = 40.0
    # Two patterns (Kuwabara 1998): rapid recovery in 9 of 19, the rest by axonal
    # degeneration; share of the failing axons that degenerate in each (approx.).
    p_rapid: float = 9.0 / 19.0
    degenerating_rapid: tuple[float, float] = (0.0, 0.15)
    degenerating_axonal: tuple[float, float] = (0.35, 0.9)
    wallerian_days: float = 7.0  # (approx.) time constant from failure to degeneration
    # Regrowth over months (approx.: half-life 200 days), except a residual share that never
    # regrows (approx. 10-50%): poor recovery in 5 of 19 at 6 months (Kuwabara 1998).
    regrowth_half_life_days: float = 200.0
    residual_share: tuple[float, float] = (0.1, 0.5)
    # Where the attack falls: nerve terminals and roots most (approx. weights of a nerve's
    # most distal and most proximal segment), legs a little more than arms (weakness stayed in
    # the legs in 6% and in the arms in 1% of GBS patients, Fokke 2014).
    distal_weight: float = 3.0
    proximal_weight: float = 2.0
    leg_weight: float = 1.2
    site_log_sd: float = 0.35  # (approx.) spread of the hit between sites
    side_log_sd: float = 0.10  # (approx.) left vs right: symmetric
    # Respiratory failure with ventilation in 20-30% of GBS (Willison 2016); (approx.) the
    # 20% most severe attacks, recorded on the day of the nadir. Not modelled further.
    p_respiratory_failure: float = 0.20
    # The preceding infection: diarrhoea in 6 of 10 axonal patients (Hadden 1998), a median
    # 10 days before the weakness (Takahashi 2005); (approx.) log-normal, 1-3 weeks mostly.
    p_diarrhoea: float = 0.60
    infection_median_days: float = 10.0
    infection_log_sd: float = 0.35


@dataclass(frozen=True)
class AmanResponse:
    """How treatment mechanisms act: immunoglobulin and exchange stop the attack and hasten
    repair, equally (Plasma Exchange/Sandoglobulin GBS Trial Group 1997; van der Meché 1992);
    corticosteroids do nothing (Hughes 2016). All (approx.), set so that exchange in the
    second week shortens the time to walking with aid by about a third (Chevret 2017: a
    median 30 vs 44 days); the validation report measures it (targets ``gbs.*``)."""

    ivig_growth_suppression: float = 0.8  # share of the ongoing attack stopped at full effect
    ivig_protection: float = 0.5  # share of the degenerating axons rescued at full effect
    ivig_repair_speedup: float = 1.1  # extra repair days per day at full effect
    pe_growth_suppression: float = 0.6  # while an exchange window is open
    pe_protection: float = 0.4
    pe_repair_speedup: float = 0.45


@dataclass(frozen=True)
class History:
    """What the patient tells: data for the history page, not its wording."""

    onset_tempo: str = "acute: days to weeks"
    preceding_infection: str = "diarrhoea (Campylobacter jejuni is the commonest trigger)"
    preceding_infection_share: float = AmanCourse.p_diarrhoea
    family_history: bool = False
    numbness: bool = False


HISTORY = History()


@dataclass(frozen=True)
class AmanCandidates(Candidates):
    """The attack's site hits, plus the patient's own course (dated events the engine
    records, and the numbers the site state needs)."""

    course_events: tuple[tuple[float, str, float, str], ...] = ()
    plateau_end_day: float = 0.0
    degenerating: float = 0.0
    residual: float = 0.0


class AmanSites:
    """Per-site state: ``hit`` (attacked share), ``formed`` (share whose conduction has failed
    so far), ``failing_r`` / ``failing_d`` (failing, to recover / to degenerate), ``lost``
    (degenerated; ``lost_fixed`` of it never regrows). Same interface as
    :class:`~sim.diseases.lesions.SiteState`."""

    def __init__(self, onset_days: np.ndarray, course: AmanCourse, plateau_end: float,
                 degenerating: float, residual: float) -> None:
        n = onset_days.shape[0]
        self.hit, self.formed = np.zeros(n), np.zeros(n)
        self.failing_r, self.failing_d = np.zeros(n), np.zeros(n)
        self.lost, self.lost_fixed = np.zeros(n), np.zeros(n)
        self.rate = 1.0 / onset_days
        self.t = 0.0
        self.plateau_end = plateau_end
        self.degenerating = degenerating
        self.residual = residual
        self.k_fail = math.log(2) / course.failure_half_life_days
        self.k_wall = 1.0 / course.wallerian_days
        self.k_grow = math.log(2) / course.regrowth_half_life_days

    def copy(self) -> AmanSites:
        new = object.__new__(AmanSites)
        new.__dict__.update(self.__dict__)
        for name in ("hit", "formed", "failing_r", "failing_d", "lost", "lost_fixed"):
            setattr(new, name, getattr(self, name).copy())
        return new

    def attack(self, site: int, severity: float) -> None:
        self.hit[site] = 1.0 - (1.0 - self.hit[site]) * (1.0 - severity)

    def step(self, dt: float, growth: float, lift_mean: float, progression: float) -> None:
        """Advance ``dt`` days: ``growth`` attack-days, ``lift_mean`` share of degenerating
        axons rescued, ``progression`` extra repair days (from treatment)."""
        old = self.formed
        self.formed = self.hit - (self.hit - old) * np.exp(-self.rate * growth)
        new = self.formed - old
        self.failing_d += new * self.degenerating
        self.failing_r += new * (1.0 - self.degenerating)
        # Degenerating axons: lost (Wallerian) or, under treatment, rescued to recover.
        gone = self.failing_d * (1.0 - math.exp(-self.k_wall * dt))
        rescued = gone * min(1.0, max(0.0, lift_mean))
        self.failing_d -= gone
        self.failing_r += rescued
        self.lost += (gone - rescued) * (1.0 - self.residual)
        self.lost_fixed += (gone - rescued) * self.residual
        # Recovery after the plateau (treatment adds repair days and may start it earlier).
        end = self.t + dt
        repair = max(0.0, end - max(self.t, self.plateau_end)) + max(0.0, progression)
        if repair > 0.0:
            self.failing_r *= math.exp(-self.k_fail * repair)
            self.lost *= math.exp(-self.k_grow * repair)
        self.t = end

    def snapshot(self, day: float, lift: float) -> SiteSnapshot:
        block = self.failing_r + self.failing_d
        return SiteSnapshot(day, block.copy(), self.lost + self.lost_fixed,
                            np.zeros_like(block), block.copy())


@dataclass(frozen=True)
class AMAN:
    """Acute motor axonal neuropathy (the :class:`~sim.diseases.base.Disease` protocol)."""

    kind: str = "aman"
    title: str = "Acute motor axonal neuropathy (GBS)"
    population: PopulationParams = POPULATION
    lesions: LesionParams = LESIONS
    course: AmanCourse = field(default_factory=AmanCourse)
    response: AmanResponse = field(default_factory=AmanResponse)
    history: History = HISTORY
    acute: bool = True  # the engine's compiled twin has no counterpart: runs on simpy
    fasciculation: float = 0.1  # (approx.) acutely failing axons seldom fire on their own
    # CSF protein: raised in 46% within 3 days of onset, 84% at 4-7 days and all after two
    # weeks (conventional limit 0.45 g/L; Hegen 2020); cells normal. (approx.) median rising
    # from 0.30 towards 0.90 g/L with a 6-day time constant.
    csf_start_g_per_l: float = 0.30
    csf_late_g_per_l: float = 0.90
    csf_rise_days: float = 6.0
    csf_log_sd: float = 0.30
    anatomy: Anatomy = field(default=ANATOMY, repr=False, compare=False)

    def configure(self, overrides: Mapping[str, Any]) -> AMAN:
        return replace(self, lesions=replace(self.lesions, **overrides)) if overrides else self

    # --- the attack ----------------------------------------------------------------------
    def site_weights(self) -> np.ndarray:
        """Relative hit of each left site: terminals and roots most, legs a little more."""
        c = self.course
        w = np.zeros(_HALF)
        for i, (_side, seg) in enumerate(self.anatomy.sites[:_HALF]):
            nerve = self.anatomy.nerve_by_name[seg.nerve]
            n_seg = len(nerve.segments)
            k = seg.index
            sw = (c.distal_weight if k == 0 else c.proximal_weight if k == n_seg - 1 else 1.0)
            w[i] = sw * (c.leg_weight if nerve.limb == "leg" else 1.0)
        return w / w.max()

    def draw_candidates(
        self, rng: np.random.Generator, patient: Patient, horizon_days: float
    ) -> tuple[Candidates, np.ndarray]:
        """Every site's hit (mirrored left/right), on its own day within the progressive
        phase; then the patient's own plateau, pattern and course events."""
        c, p = self.course, self.lesions
        onset_u = rng.random(self.anatomy.n_sites)
        u = rng.random(6)
        z = rng.standard_normal(2)
        prog = float(min(c.progression_max_days,
                         c.progression_median_days * math.exp(c.progression_log_sd * z[0])))
        a, b = p.severity_mean * p.severity_concentration, (
            (1.0 - p.severity_mean) * p.severity_concentration)
        attack = float(rng.beta(a, b))  # the patient's overall severity
        w = self.site_weights() * np.exp(c.site_log_sd * rng.standard_normal(_HALF))
        side = np.exp(c.side_log_sd * rng.standard_normal((2, _HALF)))
        sev = np.clip(1.0 - (1.0 - attack) ** (w[None, :] * side), 0.0, 0.99).ravel()
        day = np.concatenate([[0.0], np.sort(rng.random(_HALF - 1)) * prog])
        day = day[rng.permutation(_HALF)]
        days = np.concatenate([day, day])
        order = np.argsort(days, kind="stable")
        sites = np.arange(self.anatomy.n_sites)[order]
        keep = days[order] <= horizon_days
        o = order[keep]
        rapid = u[0] < c.p_rapid
        lo, hi = c.degenerating_rapid if rapid else c.degenerating_axonal
        spread = p.block_onset_spread
        onset = p.block_onset_days * (1 - spread + 2 * spread * onset_u)
        nadir = prog + p.block_onset_days
        plateau = c.plateau_days[0] + (c.plateau_days[1] - c.plateau_days[0]) * u[1]
        cand = AmanCandidates(
            days[o], np.zeros(o.shape[0]), sites[keep], sev[o],
            course_events=self._events(attack, u, z, nadir),
            plateau_end_day=nadir + plateau * (0.5 if rapid else 1.0),
            degenerating=lo + (hi - lo) * u[2],
            residual=c.residual_share[0] + (c.residual_share[1] - c.residual_share[0]) * u[3],
        )
        return cand, onset

    def _events(self, attack: float, u: np.ndarray, z: np.ndarray,
                nadir: float) -> tuple[tuple[float, str, float, str], ...]:
        """The preceding infection (recorded on day 0, its value the days before onset) and
        respiratory failure on the nadir in the most severe attacks."""
        c, p = self.course, self.lesions
        out = []
        if u[4] < c.p_diarrhoea:
            before = round(float(np.clip(c.infection_median_days
                                         * math.exp(c.infection_log_sd * z[1]), 3.0, 35.0)))
            out.append((0.0, "preceding_infection", float(before),
                        f"diarrhoea {before} days before the first weakness"))
        # The top share of the patient's severity distribution: its Beta quantile.
        a, b = p.severity_mean * p.severity_concentration, (
            (1.0 - p.severity_mean) * p.severity_concentration)
        if _beta_sf(attack, a, b) < c.p_respiratory_failure:
            out.append((nadir, "respiratory_failure", math.nan,
                        "respiratory failure: ventilatory support needed (not modelled)"))
        return tuple(out)

    def new_sites(self, onset_days: np.ndarray, patient: Patient) -> AmanSites:
        """A typical course (median plateau, half degenerating); the engine uses
        :meth:`new_sites_for` with the patient's own."""
        c = self.course
        nadir = c.progression_median_days + self.lesions.block_onset_days
        return AmanSites(onset_days, c, nadir + sum(c.plateau_days) / 2, 0.5,
                         sum(c.residual_share) / 2)

    def new_sites_for(self, onset_days: np.ndarray, cand: Candidates,
                      patient: Patient) -> AmanSites:
        """The site state with the patient's own plateau, pattern and residual share."""
        assert isinstance(cand, AmanCandidates)
        return AmanSites(onset_days, self.course, cand.plateau_end_day, cand.degenerating,
                         cand.residual)

    # --- how treatment mechanisms act on it ---------------------------------------------------
    def max_lesion_multiplier(self) -> float:
        return 1.0

    def lesion_multiplier(self, x: Exposure) -> float:
        return 1.0  # the attack's sites are set; treatment acts on its growth and repair

    def lift(self, x: Exposure) -> float:
        return 0.0  # no instant lift of nodal failure

    def modifier_increments(
        self, x: Exposure, dt: float, effect_integral: float
    ) -> tuple[float, float, float]:
        """(attack-days, rescued-share integral, extra repair days): corticosteroids are left
        out on purpose (Hughes 2016: no benefit)."""
        r = self.response
        ivig = x.rho * effect_integral
        pe = dt if x.pe_active else 0.0
        growth = max(0.0, dt - r.ivig_growth_suppression * ivig - r.pe_growth_suppression * pe)
        lift = min(dt, r.ivig_protection * ivig + r.pe_protection * pe)
        repair = r.ivig_repair_speedup * ivig + r.pe_repair_speedup * pe
        return growth, lift, repair

    # --- beyond the motor axon: nothing -------------------------------------------------------
    def sensory_loss(self, day: float) -> float:
        return 0.0  # pure motor (Hadden 1998: normal sensory action potentials)

    def sensory_loss_in(self, day: float, side: str, limb: str, modality: str) -> float:
        return 0.0

    def sensory_loss_at(self, snapshot: SiteSnapshot, side: str, limb: str,
                        modality: str) -> float:
        return 0.0

    def snap_share(self, snapshot: SiteSnapshot, side: str, nerve: str) -> float:
        return 1.0

    def conduction_slowing(self, snapshot: SiteSnapshot) -> np.ndarray | None:
        return None  # nodal failure and axon loss, not demyelination

    def upper_motor_neuron_signs(self, day: float) -> bool:
        return False

    def bulbar_weakness(self, day: float) -> bool:
        return False  # cranial nerves spared in the model (limbs more than cranial nerves)

    def fasciculation_propensity(self) -> float:
        return self.fasciculation

    def cold_sensitivity(self) -> float:
        return 0.0

    # --- the laboratory -------------------------------------------------------------------------
    def anti_gm1(self, patient: Patient) -> tuple[bool, float]:
        return False, 0.0  # the IgM ELISA is negative: the antibodies are IgG

    def anti_ganglioside_igg(self, patient: Patient) -> tuple[bool, float]:
        """IgG anti-GM1 / anti-GD1a: the patient's own antibody trait."""
        return patient.anti_gm1, patient.anti_gm1_titre

    def csf_protein_g_per_l(self, proximal_damage: float, z: float) -> float:
        return self.csf_protein_on(math.inf, proximal_damage, z)

    def csf_protein_on(self, day: float, proximal_damage: float, z: float) -> float:
        """CSF protein rising over the first weeks (albuminocytological dissociation)."""
        rise = 1.0 - math.exp(-max(0.0, day) / self.csf_rise_days)
        median = self.csf_start_g_per_l + (self.csf_late_g_per_l - self.csf_start_g_per_l) * rise
        return float(median * math.exp(self.csf_log_sd * z))

    def csf_cells_per_ul(self, z: float) -> float:
        """CSF white cells: normal (below 10 per µL, Asbury & Cornblath 1990); (approx.)
        1-4 per µL."""
        return float(round(1.0 + 3.0 * 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))))


def _beta_sf(x: float, a: float, b: float, n: int = 2000) -> float:
    """P(X > x) for X ~ Beta(a, b), by the midpoint rule (no SciPy in ``sim``)."""
    t = (np.arange(n) + 0.5) / n
    logpdf = (a - 1) * np.log(t) + (b - 1) * np.log1p(-t)
    pdf = np.exp(logpdf - logpdf.max())
    return float(pdf[t > x].sum() / pdf.sum())


DISEASE = AMAN()
