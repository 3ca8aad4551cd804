"""What the treatments put into the patient, and the modifier integrals the disease reads.

Treatments change an :class:`Exposure`: serum IgG (infused, from a subcutaneous depot, removed
by exchange), the IVIg effect that follows it, and the on/off state of the other mechanisms
(steroid intensity, open plasma-exchange windows, complement inhibition). The disease turns
the exposure into three modifiers the site dynamics read: a lesion-activity multiplier (new
attacks), a block-growth integral and a block-lift integral (plus steroid-driven progression).
Keeping this interface narrow is what makes treatment comparisons monotone (see ``engine``).

Between events IgG moves analytically (one-compartment decay plus first-order absorption
from a subcutaneous depot); the effect follows the level through two first-order lag stages,
integrated in sub-steps of at most one day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..diseases.base import Disease

__all__ = ["IgGParams", "IGG", "STEROID_ONSET_DAYS", "Modifiers", "Exposure"]


@dataclass(frozen=True)
class IgGParams:
    """Serum IgG kinetics and the IVIg effect curve; the source of each value beside it."""

    igg_baseline_g_per_l: float = 10.0  # normal adult serum IgG 7-16 g/L (laboratory norms)
    # (approx.) serum IgG rises ~20-25 g/L after a 2 g/kg course.
    igg_rise_g_per_l_per_g_per_kg: float = 11.0
    igg_half_life_days: float = 21.0  # ≈3 weeks, 17-30 days reported after infusion
    # Steep, saturating effect of the IgG excess (approx.): calibrated so one 2 g/kg course
    # gives a clear response (Federico 2000: +6.4 kg grip at ~4 weeks) whose benefit is below
    # half its peak after about 5 weeks, so patients are retreated every 2-5 weeks (Van den
    # Berg-Vos 2002), and 1.6 g/kg/month keeps most patients better (population PK-PD model
    # on Hahn 2013 data) while 0.8 g/kg/month helps fewer.
    effect_ec50_g_per_l: float = 9.5
    effect_hill: float = 5.0
    # Effect lags the level through a chain of first-order stages (an S-shaped onset that
    # takes a week to get going): benefit present when patients were assessed 8-10 days after
    # the course (Terenghi 2004: an assessment time, not the onset), clear within 3 weeks (Van
    # den Berg-Vos 2002). (approx.) stages and days per stage.
    effect_lag_stages: int = 6
    effect_delay_days: float = 1.4
    # (approx.) slower absorption from a subcutaneous depot, flatter levels.
    absorption_half_life_days: float = 2.5
    # After plasma exchange serum IgG returns toward baseline over 1-3 weeks, mostly by
    # redistribution from the extravascular pool, then synthesis (approx.: half the deficit
    # is made up every 4 days, so five exchanges on alternate days lower it by about 80%).
    igg_recovery_half_life_days: float = 3.5
    # FcRn blockade (efgartigimod-like): IgG is no longer rescued from lysosomal breakdown, so
    # it is cleared faster and total IgG falls by about 60% (Howard et al. 2021, ADAPT:
    # mean maximum IgG reduction 61%). At full occupancy clearance is this many times faster
    # and the endogenous level settles this much lower. (approx.)
    fcrn_clearance_factor: float = 3.5
    fcrn_igg_reduction: float = 0.65


IGG = IgGParams()
# A corticosteroid's anti-inflammatory benefit builds over weeks to months, not on the first
# day: in CIDP improvement on prednisone is seen by the third month (Dyck et al. 1982: 12 of 19
# improved at 12 weeks) and remission is judged at 12 months (van Schaik et al. 2010, PREDICT).
# The lagged intensity follows the dose through two first-order stages of this time constant
# each (approx.): an S-shaped onset, about 15% of full at 2 weeks, 40% at 4, 60% at 6 and 90% at
# 12 weeks, and as slow a fall after the dose ends. A disease *helped* by steroids reads the
# lagged intensity; MMN's worsening reads the dose itself.
STEROID_ONSET_DAYS = 21.0


@dataclass(frozen=True)
class Modifiers:
    """Time-integrals of the treatment modifiers over one interval (units: days)."""

    duration: float
    growth: float  # ∫ block-growth multiplier dt
    lift: float  # ∫ block-lift share dt
    # ∫ steroid progression rate dt (per-day rate * days), signed: positive creeps the attacked
    # share (MMN's steroid harm), negative heals it (steroid-driven repair in CIDP)
    progression: float


class Exposure:
    """Serum IgG, IVIg effect and the mechanism states of one patient, read by ``disease``."""

    def __init__(self, responsiveness: float, disease: Disease, params: IgGParams = IGG,
                 steroid_sensitivity: float = 1.0) -> None:
        self.p = params
        self.disease = disease
        self.rho = responsiveness
        self.steroid_sensitivity = steroid_sensitivity  # the patient's, 0..1
        self.t = 0.0
        self.excess = 0.0  # g/L above the endogenous level (infused IgG)
        self.depot = 0.0  # g/L-equivalent still to be absorbed (SCIg)
        self.endogenous = params.igg_baseline_g_per_l
        self.effect = 0.0  # 0..1, the IVIg effect before patient responsiveness
        # lag stages between the level and the effect (the effect is the last one)
        self._lag = [0.0] * (params.effect_lag_stages - 1)
        self.steroid = 0.0  # 0..1 dose-scaled intensity while a course runs
        self._steroid_stage = 0.0  # first lag stage between the dose and its benefit
        self.steroid_effect = 0.0  # the intensity lagged by two STEROID_ONSET_DAYS stages
        self.steroid_effect_integral = 0.0  # its integral over the interval being advanced
        self.pe_active = 0  # plasma-exchange windows open right now
        self.complement = 0.0  # share of complement activity blocked while an inhibitor runs
        self.fcrn = 0.0  # share of FcRn receptors blocked (faster IgG clearance)
        # share of new attacks and of block growth prevented by an immunosuppressant
        self.immunosuppression = 0.0
        self._k = math.log(2) / params.igg_half_life_days
        self._ka = math.log(2) / params.absorption_half_life_days
        self._ks = math.log(2) / params.igg_recovery_half_life_days
        self._acc_growth = 0.0
        self._acc_lift = 0.0
        self._acc_prog = 0.0
        self._acc_t0 = 0.0

    # --- what the disease makes of it right now ---------------------------------------------
    def lesion_multiplier(self) -> float:
        return self.disease.lesion_multiplier(self)

    def lift(self) -> float:
        return self.disease.lift(self)

    @property
    def igg(self) -> float:
        return self.endogenous + self.excess

    @property
    def ivig_effect(self) -> float:
        """The effect the patient actually gets (responsiveness included), 0..1."""
        return self.rho * self.effect

    # --- time ----------------------------------------------------------------------------
    def advance_to(self, t: float) -> None:
        """Move IgG and effect to day ``t`` and accumulate the modifier integrals."""
        dt_total = t - self.t
        if dt_total <= 0:
            return
        if self.excess == 0.0 and self.depot == 0.0 and self.effect + sum(self._lag) < 1e-12:
            self.effect = 0.0  # nothing infused: no need to sub-step
            self._lag = [0.0] * len(self._lag)
            effect_integral = 0.0
        else:
            effect_integral = self._integrate_effect(dt_total)
        a0, b0, s1 = self._steroid_stage, self.steroid_effect, self.steroid  # dose constant
        x = dt_total / STEROID_ONSET_DAYS
        decay = math.exp(-x)
        self.steroid_effect_integral = (
            s1 * dt_total + (b0 - s1) * STEROID_ONSET_DAYS * (1.0 - decay)
            + (a0 - s1) * STEROID_ONSET_DAYS * (1.0 - decay * (1.0 + x)))
        growth, lift, prog = self.disease.modifier_increments(self, dt_total, effect_integral)
        self._steroid_stage = s1 + (a0 - s1) * decay
        self.steroid_effect = s1 + ((b0 - s1) + (a0 - s1) * x) * decay
        self._acc_growth += growth
        self._acc_lift += lift
        self._acc_prog += prog
        base = self.p.igg_baseline_g_per_l * (1.0 - self.p.fcrn_igg_reduction * self.fcrn)
        self.endogenous = base + (self.endogenous - base) * math.exp(-self._ks * dt_total)
        self.t = t

    def _integrate_effect(self, dt_total: float) -> float:
        """Sub-step IgG and the effect's lag chain over ``dt_total``; the effect's integral.

        Each stage relaxes toward the mean of the stage before it over the sub-step."""
        n = max(1, math.ceil(dt_total - 1e-9))
        h = dt_total / n
        k, ka = self._k, self._ka
        ek, eka = math.exp(-k * h), math.exp(-ka * h)
        absorb = ka / (ka - k) * (ek - eka)
        alpha = math.exp(-h / self.p.effect_delay_days)
        hill = self.p.effect_hill
        ec50_h = self.p.effect_ec50_g_per_l**hill
        x, depot, stages = self.excess, self.depot, [*self._lag, self.effect]
        effect_integral = 0.0
        for _ in range(n):
            x1 = x * ek + depot * absorb
            depot *= eka
            xm = 0.5 * (x + x1)
            drive = xm**hill / (xm**hill + ec50_h) if xm > 0 else 0.0
            for j, s in enumerate(stages):
                new = drive + (s - drive) * alpha
                drive, stages[j] = 0.5 * (s + new), new
            effect_integral += drive * h  # the last stage's mean over the sub-step
            x = x1
        if x < 1e-9 and depot < 1e-9:
            x = depot = 0.0
        self.excess, self.depot = x, depot
        self._lag, self.effect = stages[:-1], stages[-1]
        return effect_integral

    def peek_modifiers(self) -> Modifiers:
        """The modifier integrals accumulated since the last :meth:`take_modifiers`."""
        return Modifiers(self.t - self._acc_t0, self._acc_growth, self._acc_lift, self._acc_prog)

    def take_modifiers(self) -> Modifiers:
        """Return and reset the modifier integrals accumulated since the last call."""
        mods = self.peek_modifiers()
        self._acc_growth = self._acc_lift = self._acc_prog = 0.0
        self._acc_t0 = self.t
        return mods

    # --- what treatments do at their events ------------------------------------------------
    def add_igg(self, g_per_kg: float) -> None:
        """IgG straight into the blood (an infusion: instant on the model's time scale)."""
        self.excess += g_per_kg * self.p.igg_rise_g_per_l_per_g_per_kg

    def add_depot(self, g_per_kg: float, bioavailability: float) -> None:
        """IgG into a subcutaneous depot, of which ``bioavailability`` is absorbed over days."""
        self.depot += g_per_kg * self.p.igg_rise_g_per_l_per_g_per_kg * bioavailability

    def block_fcrn(self, occupancy: float) -> None:
        """Set the share of FcRn blocked: infused IgG is cleared faster from now on."""
        self.fcrn = occupancy
        speed = 1.0 + (self.p.fcrn_clearance_factor - 1.0) * occupancy
        self._k = speed * math.log(2) / self.p.igg_half_life_days

    def remove_igg(self, share: float) -> None:
        """Remove ``share`` of circulating IgG, infused and endogenous alike."""
        keep = 1.0 - share
        self.excess *= keep
        self.endogenous *= keep
