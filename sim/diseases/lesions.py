"""Focal lesions: attack candidates and the per-site block / axonal-loss integrator.

Every site (side, nerve, segment) carries four numbers, all fractions of the axons that
originally crossed it:

* ``target`` - the share attacked so far (grows with each new attack, never falls);
* ``damaged`` - the attacked share that has developed block so far (grows toward ``target``
  over days to weeks);
* ``lost`` - the share that has degenerated (irreversible axonal loss);
* ``reversible`` - how much of the blocked, living share treatment could still lift (shrinks
  with lesion age).

The alive-but-blocked share is ``(damaged - lost) * (1 - lift * reversible)`` where ``lift`` is
what treatment lifts right now; blocked axons degenerate at a slow rate, so block held for
years turns into loss that no treatment reverses.

Attack *candidates* (time, site, severity, acceptance number) are drawn once per patient from
the disease's own random stream, independently of treatment, and thinned by the
treatment-modulated rate. Two plans for the same patient therefore share their draws, and a
plan that lowers activity everywhere keeps a subset of the attacks of one that does not.

The machinery is disease-neutral; a disease module supplies :class:`LesionParams` (with the
sources of its values) and the site weights.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..anatomy import ANATOMY, Anatomy
from ..patient import Patient
from ..sites import SiteSnapshot
from ..units import DAYS_PER_YEAR

__all__ = ["LesionParams", "Candidates", "draw_candidates", "SiteState"]


@dataclass(frozen=True)
class LesionParams:
    """How attacks arrive and what they do to a site; a disease module fills in the values."""

    severity_mean: float  # mean share of axons one attack blocks (Beta distribution)
    severity_concentration: float
    block_onset_days: float  # days for block to reach two thirds of its size
    block_onset_spread: float  # each site's onset time is this much +/- around the mean
    axonal_loss_per_year: float  # per-year rate at which blocked axons degenerate
    smoulder_per_year: float  # creep of the attacked share, per year of (1 - target)
    titre_loss_factor: float  # faster loss with a higher antibody titre
    reversibility_half_life_years: float  # years for the treatment-reversible share to halve
    affinity_shape: float  # Gamma shape of per-patient nerve affinity (smaller = clustered)
    # Share of a lesion's dysfunctional living axons that fail even a single impulse at rest;
    # the others conduct one impulse but fail during sustained firing (activity-dependent
    # block), so a conduction study sees less block than the patient's strength does.
    rest_block_share: float = 1.0
    candidate_chunk: int = 64


@dataclass(frozen=True)
class Candidates:
    """Pre-drawn attack candidates, in time order, at the maximum possible rate."""

    day: np.ndarray
    accept: np.ndarray  # uniform numbers compared with rate(t) / max rate
    site: np.ndarray  # site index into ANATOMY.sites
    severity: np.ndarray


def draw_candidates(
    rng: np.random.Generator,
    patient: Patient,
    horizon_days: float,
    max_multiplier: float,
    params: LesionParams,
    site_weights: Callable[[np.ndarray], np.ndarray],
    anatomy: Anatomy = ANATOMY,
) -> tuple[Candidates, np.ndarray]:
    """Draw attack candidates up to ``horizon_days`` plus each site's block-onset time.

    Each (side, nerve) pair draws one affinity (the patient's clustering);
    ``site_weights(affinity)`` turns the per-site affinity into the probability of each site
    for one attack (the disease's predilections). Draws come in fixed-size chunks in a fixed
    order, so a longer run extends a shorter one instead of reshuffling it.
    """
    shape = params.affinity_shape
    nerve_aff = rng.gamma(shape, 1.0 / shape, anatomy.n_nerve_sides)
    onset_u = rng.random(anatomy.n_sites)
    cdf = np.cumsum(site_weights(nerve_aff[anatomy.site_nerve_side]))
    cdf[-1] = 1.0
    mean_sev = params.severity_mean
    conc = params.severity_concentration
    rate = patient.lesion_rate_per_year * max_multiplier / DAYS_PER_YEAR
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
    spread = params.block_onset_spread
    onset_days = params.block_onset_days * (1 - spread + 2 * spread * onset_u)
    return cand, onset_days


class SiteState:
    """The four site arrays and their exponential-integrator update (stable for any step)."""

    def __init__(self, onset_days: np.ndarray, patient: Patient, params: LesionParams) -> None:
        n = onset_days.shape[0]
        self.params = params
        self.target = np.zeros(n)
        self.damaged = np.zeros(n)
        self.lost = np.zeros(n)
        self.reversible = np.zeros(n)
        self.rate = 1.0 / onset_days  # per day, at growth multiplier 1
        titre = 1.0 + params.titre_loss_factor * math.log1p(patient.anti_gm1_titre)
        self.loss_rate = params.axonal_loss_per_year * titre / DAYS_PER_YEAR  # per day
        self.smoulder = params.smoulder_per_year / DAYS_PER_YEAR  # per day at growth 1
        half = params.reversibility_half_life_years
        self.rev_decay = math.log(2) / (half * DAYS_PER_YEAR)  # per day

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
        """Alive but failing during voluntary firing, given the share of reversible block
        lifted right now."""
        return (self.damaged - self.lost) * (1.0 - lift * self.reversible)

    def blocked_at_rest(self, lift: float) -> np.ndarray:
        """The part of :meth:`blocked` a single supramaximal stimulus cannot cross.

        Treatment rescues the axons closest to threshold first (those that fail only in
        trains), so resting block changes only once the lift exceeds their share.
        """
        living = self.damaged - self.lost
        return living * np.minimum(
            self.params.rest_block_share, 1.0 - lift * self.reversible
        )

    def snapshot(self, day: float, lift: float) -> SiteSnapshot:
        return SiteSnapshot(day, self.blocked(lift), self.lost.copy(), self.damaged.copy(),
                            self.blocked_at_rest(lift))
