"""Treatment kinetics and effects: IVIg, SCIg, prednisolone, plasma exchange, complement inhibitor.

Everything a treatment does to the disease reaches it through three *modifiers* that the
disease model reads: a lesion-activity multiplier (new attacks), a block-growth multiplier and
a block-lift share (the part of reversible block that is lifted right now). Keeping the
interface this narrow is what makes treatment comparisons monotone (see ``engine``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["TreatmentParams", "TREATMENT", "Pharmacology", "Modifiers"]


@dataclass(frozen=True)
class TreatmentParams:
    """Pharmacology and effect sizes; the source of each value beside it."""

    igg_baseline_g_per_l: float = 10.0  # normal adult serum IgG 7-16 g/L (laboratory norms)
    # (approx.) serum IgG rises ~20-25 g/L after a 2 g/kg course.
    igg_rise_g_per_l_per_g_per_kg: float = 11.0
    igg_half_life_days: float = 21.0  # ≈3 weeks, 17-30 days reported (CLINICAL.md, "IVIg")
    # Saturating, patient-specific effect of the IgG excess (approx.; calibrated to CLINICAL.md
    # targets 5-8: 2 g/kg gives a clear response, 1.6 g/kg/month keeps most patients better).
    effect_ec50_g_per_l: float = 6.0
    effect_hill: float = 2.0
    # Effect lags the level through two first-order stages (an S-shaped onset): benefit
    # measurable at 8-10 days, clear by 3 weeks (Terenghi 2004; Van den Berg-Vos 2002).
    effect_delay_days: float = 4.0
    # IVIg inhibits complement fixation only 34-54% at therapeutic levels (Krijgsman et al.
    # 2026): new attacks and block growth are damped, not stopped. (approx.)
    # Progression slows from ≈4.2 to ≈1.3 NIS(W) points/year under treatment (Taylor 2000).
    ivig_lesion_suppression: float = 0.8
    ivig_growth_suppression: float = 0.7
    ivig_block_lift: float = 1.0  # (approx.) share of reversible block lifted at full effect
    # SCIg needs ≈1.37-1.53x the IV dose for equal exposure (CLINICAL.md, SCIg; Harbo 2009).
    scig_bioavailability: float = 0.69
    scig_absorption_half_life_days: float = 2.5  # (approx.) slower absorption, flatter levels
    # One exchange (1-1.5 plasma volumes) removes ~60% of circulating IgG (approx.); it strips
    # infused IVIg too (CLINICAL.md, "Treatments that do not help").
    pe_removal: float = 0.6
    # Plasma exchange: no benefit, a case of worsening (Claus 2000). (approx.) a month of
    # raised lesion activity after each exchange.
    pe_rebound_multiplier: float = 1.4
    pe_rebound_days: float = 28.0
    igg_synthesis_days: float = 21.0  # (approx.) endogenous IgG recovers after an exchange
    # Prednisolone: weakness increased within 1 month (Donaghy 1994); worsening begins within
    # 2-4 weeks (CLINICAL.md working value). Effects scale with dose up to 60 mg/day. (approx.)
    steroid_lesion_multiplier: float = 2.5
    steroid_growth_multiplier: float = 2.0
    steroid_progression_per_day: float = 0.008
    steroid_reference_mg: float = 60.0
    # Investigational complement inhibitor (hypothetical): specific inhibitors block 89-99% of
    # complement fixation (Krijgsman et al. 2026); efficacy is the scenario's assumption.
    complement_default_efficacy: float = 0.9
    complement_block_lift: float = 0.5  # hypothetical: nodes recover when attack stops

    @property
    def max_lesion_multiplier(self) -> float:
        """Upper bound of the lesion-activity multiplier: the rate candidates are drawn at."""
        return self.steroid_lesion_multiplier * self.pe_rebound_multiplier


TREATMENT = TreatmentParams()


@dataclass(frozen=True)
class Modifiers:
    """Time-integrals of the treatment modifiers over one interval (units: days)."""

    duration: float
    growth: float  # ∫ block-growth multiplier dt
    lift: float  # ∫ block-lift share dt
    progression: float  # ∫ steroid progression rate dt (per-day rate * days)


class Pharmacology:
    """Serum IgG, IVIg effect and the on/off state of the other treatments.

    Between events IgG moves analytically (one-compartment decay plus first-order absorption
    from a subcutaneous depot); the effect follows the level with a first-order lag, integrated
    in sub-steps of at most one day.
    """

    def __init__(self, responsiveness: float, params: TreatmentParams = TREATMENT) -> None:
        self.p = params
        self.rho = responsiveness
        self.t = 0.0
        self.excess = 0.0  # g/L above the endogenous level (infused IgG)
        self.depot = 0.0  # g/L-equivalent still to be absorbed (SCIg)
        self.endogenous = params.igg_baseline_g_per_l
        self.effect = 0.0  # 0..1, the IVIg effect before patient responsiveness
        self._effect_stage1 = 0.0  # first lag stage between level and effect
        self.steroid = 0.0  # 0..1 dose-scaled intensity while a course runs
        self.pe_active = 0
        self.complement = 0.0  # efficacy while the inhibitor is given
        self._k = math.log(2) / params.igg_half_life_days
        self._ka = math.log(2) / params.scig_absorption_half_life_days
        self._ks = 1.0 / params.igg_synthesis_days
        self._acc_growth = 0.0
        self._acc_lift = 0.0
        self._acc_prog = 0.0
        self._acc_t0 = 0.0

    # --- instantaneous modifiers -------------------------------------------------------
    def _target_effect(self, x: float) -> float:
        if x <= 0:
            return 0.0
        h = self.p.effect_hill
        xh = x**h
        return xh / (xh + self.p.effect_ec50_g_per_l**h)

    def _steroid_mult(self, full: float) -> float:
        return 1.0 + (full - 1.0) * self.steroid

    def lesion_multiplier(self) -> float:
        ivig = 1.0 - self.p.ivig_lesion_suppression * self.rho * self.effect
        pe = self.p.pe_rebound_multiplier if self.pe_active else 1.0
        return self._steroid_mult(self.p.steroid_lesion_multiplier) * pe * ivig * (
            1.0 - self.complement
        )

    def lift(self) -> float:
        ivig = self.p.ivig_block_lift * self.rho * self.effect
        return min(1.0, ivig + self.p.complement_block_lift * self.complement)

    def progression_rate(self) -> float:
        return self.p.steroid_progression_per_day * self.steroid

    @property
    def igg(self) -> float:
        return self.endogenous + self.excess

    @property
    def ivig_effect(self) -> float:
        """The effect the patient actually gets (responsiveness included), 0..1."""
        return self.rho * self.effect

    # --- time ----------------------------------------------------------------------------
    def advance_to(self, t: float) -> None:
        """Move IgG and effect to day ``t`` and accumulate the modifier integrals.

        Steroid, exchange and inhibitor states only change at events, so they are constant
        here; only the IVIg effect varies, and the modifiers are linear in it (the lift is
        capped at 1 over the interval), so integrating the effect is enough.
        """
        dt_total = t - self.t
        if dt_total <= 0:
            return
        effect_integral = 0.0
        if self.excess == 0.0 and self.depot == 0.0 and self.effect + self._effect_stage1 < 1e-12:
            self.effect = self._effect_stage1 = 0.0  # nothing infused: no need to sub-step
        else:
            n = max(1, math.ceil(dt_total - 1e-9))
            h = dt_total / n
            k, ka = self._k, self._ka
            ek, eka = math.exp(-k * h), math.exp(-ka * h)
            absorb = ka / (ka - k) * (ek - eka)
            alpha = math.exp(-h / self.p.effect_delay_days)
            hill = self.p.effect_hill
            ec50_h = self.p.effect_ec50_g_per_l**hill
            x, depot, s1, e = self.excess, self.depot, self._effect_stage1, self.effect
            for _ in range(n):
                x1 = x * ek + depot * absorb
                depot *= eka
                xm = 0.5 * (x + x1)
                target = xm**hill / (xm**hill + ec50_h) if xm > 0 else 0.0
                s1_new = target + (s1 - target) * alpha
                e1 = 0.5 * (s1 + s1_new) + (e - 0.5 * (s1 + s1_new)) * alpha
                effect_integral += 0.5 * (e + e1) * h
                x, s1, e = x1, s1_new, e1
            if x < 1e-9 and depot < 1e-9:
                x = depot = 0.0
            self.excess, self.depot, self._effect_stage1, self.effect = x, depot, s1, e
        self._accumulate(dt_total, effect_integral)
        base = self.p.igg_baseline_g_per_l
        self.endogenous = base + (self.endogenous - base) * math.exp(-self._ks * dt_total)
        self.t = t

    def _accumulate(self, dt: float, effect_integral: float) -> None:
        p, rho, c = self.p, self.rho, self.complement
        steroid = self._steroid_mult(p.steroid_growth_multiplier)
        self._acc_growth += steroid * (1.0 - c) * (
            dt - p.ivig_growth_suppression * rho * effect_integral
        )
        self._acc_lift += min(
            dt, p.ivig_block_lift * rho * effect_integral + p.complement_block_lift * c * dt
        )
        self._acc_prog += self.progression_rate() * dt

    def peek_modifiers(self) -> Modifiers:
        """The modifier integrals accumulated since the last :meth:`take_modifiers`."""
        return Modifiers(self.t - self._acc_t0, self._acc_growth, self._acc_lift, self._acc_prog)

    def take_modifiers(self) -> Modifiers:
        """Return and reset the modifier integrals accumulated since the last call."""
        mods = self.peek_modifiers()
        self._acc_growth = self._acc_lift = self._acc_prog = 0.0
        self._acc_t0 = self.t
        return mods

    # --- events ----------------------------------------------------------------------------
    def infuse(self, g_per_kg: float) -> None:
        """An IVIg infusion (instant on the model's time scale)."""
        self.excess += g_per_kg * self.p.igg_rise_g_per_l_per_g_per_kg

    def inject_subcutaneous(self, g_per_kg: float) -> None:
        self.depot += g_per_kg * self.p.igg_rise_g_per_l_per_g_per_kg * self.p.scig_bioavailability

    def plasma_exchange(self) -> None:
        keep = 1.0 - self.p.pe_removal
        self.excess *= keep
        self.endogenous *= keep

    def set_steroid(self, mg_per_day: float) -> None:
        self.steroid = min(1.0, mg_per_day / self.p.steroid_reference_mg) if mg_per_day else 0.0
