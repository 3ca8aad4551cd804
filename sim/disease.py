"""Lesion arrival and lesion dynamics (block, reversibility, axonal loss).

Every site (side, nerve, segment) carries four numbers, all fractions of the axons that
originally crossed it:

* ``target`` - the share attacked so far (grows with each new attack, never falls);
* ``damaged`` - the attacked share that has developed block so far (grows toward ``target``
  over days to weeks);
* ``lost`` - the share that has degenerated (irreversible axonal loss);
* ``reversible`` - how much of the blocked, living share IVIg could still lift (shrinks with
  lesion age).

The alive-but-blocked share is ``(damaged - lost) * (1 - lift * reversible)`` where ``lift`` is
what treatment lifts right now; blocked axons degenerate at a slow rate, so block held for
years turns into loss that no treatment reverses (CLINICAL.md, "Course" and "Mechanism").

Attack *candidates* (time, site, severity, acceptance number) are drawn once per patient from
the disease's own random stream, independently of treatment, and thinned by the
treatment-modulated rate. Two plans for the same patient therefore share their draws, and a
plan that lowers activity everywhere keeps a subset of the attacks of one that does not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .anatomy import ANATOMY, SIDES, Anatomy
from .patient import Patient
from .scenario import DiseaseSpec

__all__ = [
    "DiseaseParams",
    "DISEASE",
    "SiteSnapshot",
    "Candidates",
    "draw_candidates",
    "SiteState",
]


@dataclass(frozen=True)
class DiseaseParams:
    """Disease dynamics; the source of each value beside it."""

    # Severity of one attack: Beta distribution with this mean. Blocks of 50-90% are typical
    # in MMN conduction studies (van Schaik et al. 2010 worked example: -70%). (approx.)
    severity_mean: float = 0.65
    severity_concentration: float = 5.0
    # Block develops over days to weeks (CLINICAL.md "Mechanism": no acute block within hours).
    block_onset_days: float = 14.0
    block_onset_spread: float = 0.5  # each site's onset time is this much +/- around the mean
    # Blocked axons degenerate slowly; inexcitable sites after many years untreated
    # (Lange 2006); more loss with longer untreated interval (Eur J Neurol 2024). (approx.)
    axonal_loss_per_year: float = 0.25
    # Existing lesions keep smouldering: the attacked share creeps up between attacks, so an
    # untreated patient worsens steadily (Taylor et al. 2000: no remission, steady decline);
    # treatment slows it through the growth multiplier. (approx.) per year of (1 - target).
    smoulder_per_year: float = 0.06
    titre_loss_factor: float = 0.15  # (approx.) faster loss with high anti-GM1 titre
    # The IVIg-reversible share of the *living* blocked axons fades slowly (approx.); most of
    # what makes late treatment help less is axonal loss (Herraets et al. 2020: axonal damage
    # predicts decline on IVIg). Calibrated so withdrawal from stable IVIg costs ~28% of grip
    # in 12 weeks (Hahn et al. 2013: -31%).
    reversibility_half_life_years: float = 15.0
    # Nerve affinity: each patient's immune attack favours some nerves (clustering). Gamma
    # shape; smaller = more clustered. (approx.)
    affinity_shape: float = 1.0
    candidate_chunk: int = 64


DISEASE = DiseaseParams()


@dataclass(frozen=True)
class SiteSnapshot:
    """State of every site of ``ANATOMY.sites`` at one day (arrays of length ``n_sites``).

    All three are fractions of the axons that originally crossed the site:
    ``block`` alive but not conducting (reversible or not), ``axon_loss`` degenerated, and
    ``damage`` the share ever attacked there (block + loss + any part lifted by treatment),
    which drives temporal dispersion and slowing. ``1 - block - axon_loss`` conducts.
    """

    day: float
    block: np.ndarray
    axon_loss: np.ndarray
    damage: np.ndarray


@dataclass(frozen=True)
class Candidates:
    """Pre-drawn attack candidates, in time order, at the maximum possible rate."""

    day: np.ndarray
    accept: np.ndarray  # uniform numbers compared with rate(t) / max rate
    site: np.ndarray  # site index into ANATOMY.sites
    severity: np.ndarray


def _site_weights(patient: Patient, affinity: np.ndarray, anatomy: Anatomy) -> np.ndarray:
    """Probability of each site for one attack: limb, side, nerve and segment predilection."""
    w = np.empty(anatomy.n_sites)
    for i, (side, seg) in enumerate(anatomy.sites):
        nerve = anatomy.nerve_by_name[seg.nerve]
        limb = patient.upper_limb_share if nerve.limb == "arm" else 1 - patient.upper_limb_share
        s = patient.side_bias if side == patient.dominant_side else 1 - patient.side_bias
        limb_total = sum(
            n.predilection for n in anatomy.nerves if n.limb == nerve.limb
        )
        seg_total = sum(x.predilection for x in nerve.segments)
        w[i] = (
            limb * s * nerve.predilection / limb_total * affinity[i] * seg.predilection / seg_total
        )
    return w / w.sum()


def draw_candidates(
    rng: np.random.Generator,
    patient: Patient,
    horizon_days: float,
    max_multiplier: float,
    spec: DiseaseSpec | None = None,
    params: DiseaseParams = DISEASE,
    anatomy: Anatomy = ANATOMY,
) -> tuple[Candidates, np.ndarray]:
    """Draw attack candidates up to ``horizon_days`` plus each site's block-onset time.

    Draws come in fixed-size chunks in a fixed order, so a longer run extends a shorter one
    instead of reshuffling it.
    """
    n_nerve_sides = len(SIDES) * len(anatomy.nerves)
    nerve_aff = rng.gamma(params.affinity_shape, 1.0 / params.affinity_shape, n_nerve_sides)
    onset_u = rng.random(anatomy.n_sites)
    site_nerve_side = np.array(
        [SIDES.index(side) * len(anatomy.nerves) + [n.name for n in anatomy.nerves].index(s.nerve)
         for side, s in anatomy.sites]
    )
    affinity = nerve_aff[site_nerve_side]
    cdf = np.cumsum(_site_weights(patient, affinity, anatomy))
    cdf[-1] = 1.0
    mean_sev = params.severity_mean
    if spec is not None and spec.severity_mean is not None:
        mean_sev = spec.severity_mean
    conc = params.severity_concentration
    rate = patient.lesion_rate_per_year * max_multiplier / 365.25
    days, acc, site, sev = [], [], [], []
    t = 0.0
    first = True
    while t <= horizon_days and rate > 0:
        n = params.candidate_chunk
        gaps = rng.exponential(1.0, n) / rate
        u = rng.random(n)
        if first:
            # Day 0 is, by definition, the first lesion's onset: always kept.
            gaps[0] = 0.0
            u[0] = 0.0
            first = False
        d = t + np.cumsum(gaps)
        days.append(d)
        acc.append(u)
        site.append(np.searchsorted(cdf, rng.random(n), side="right"))
        sev.append(rng.beta(mean_sev * conc, (1 - mean_sev) * conc, n))
        t = float(d[-1])
    if days:
        day = np.concatenate(days)
        keep = day <= horizon_days
        cand = Candidates(
            day[keep],
            np.concatenate(acc)[keep],
            np.concatenate(site)[keep],
            np.concatenate(sev)[keep],
        )
    else:
        empty = np.empty(0)
        cand = Candidates(empty, empty, empty.astype(int), empty)
    onset = params.block_onset_days
    if spec is not None and spec.block_onset_days is not None:
        onset = spec.block_onset_days
    spread = params.block_onset_spread
    onset_days = onset * (1 - spread + 2 * spread * onset_u)
    return cand, onset_days


class SiteState:
    """The four site arrays and their exponential-integrator update (stable for any step)."""

    def __init__(
        self,
        onset_days: np.ndarray,
        patient: Patient,
        spec: DiseaseSpec | None = None,
        params: DiseaseParams = DISEASE,
    ) -> None:
        n = onset_days.shape[0]
        self.target = np.zeros(n)
        self.damaged = np.zeros(n)
        self.lost = np.zeros(n)
        self.reversible = np.zeros(n)
        self.rate = 1.0 / onset_days  # per day, at growth multiplier 1
        loss = params.axonal_loss_per_year
        half = params.reversibility_half_life_years
        if spec is not None:
            loss = spec.axonal_loss_per_year if spec.axonal_loss_per_year is not None else loss
            half = (
                spec.reversibility_half_life_years
                if spec.reversibility_half_life_years is not None
                else half
            )
        titre = 1.0 + params.titre_loss_factor * math.log1p(patient.anti_gm1_titre)
        self.loss_rate = loss * titre / 365.25  # per day
        self.smoulder = params.smoulder_per_year / 365.25  # per day at growth multiplier 1
        self.rev_decay = math.log(2) / (half * 365.25)  # per day

    def copy(self) -> SiteState:
        new = object.__new__(SiteState)
        new.__dict__.update(self.__dict__)
        for name in ("target", "damaged", "lost", "reversible"):
            setattr(new, name, getattr(self, name).copy())
        return new

    def attack(self, site: int, severity: float) -> None:
        old = self.target[site]
        new = 1.0 - (1.0 - old) * (1.0 - severity)
        # The freshly attacked share is fully reversible; mix with what was there.
        self.reversible[site] = (self.reversible[site] * old + (new - old)) / new
        self.target[site] = new

    def step(self, dt: float, growth: float, lift_mean: float, progression: float) -> None:
        """Advance by ``dt`` days given the integrals of the treatment modifiers over it."""
        hit = self.target > 0
        creep = progression + self.smoulder * growth
        if creep > 0 and hit.any():
            self.target[hit] = 1.0 - (1.0 - self.target[hit]) * math.exp(-creep)
        s = self.target
        self.damaged = s - (s - self.damaged) * np.exp(-self.rate * growth)
        w = 1.0 - lift_mean * self.reversible
        b = self.damaged
        self.lost = b - (b - self.lost) * np.exp(-self.loss_rate * w * dt)
        self.reversible *= math.exp(-self.rev_decay * dt)

    def blocked(self, lift: float) -> np.ndarray:
        """Alive but not conducting, given the share of reversible block lifted right now."""
        return (self.damaged - self.lost) * (1.0 - lift * self.reversible)

    def snapshot(self, day: float, lift: float) -> SiteSnapshot:
        return SiteSnapshot(day, self.blocked(lift), self.lost.copy(), self.damaged.copy())
