"""Stopping IVIg in patients who depend on it, as Hahn et al. 2013 ran it (12 weeks, placebo).

Targets ``withdrawal.*``. The trial's patients were established on IVIg, each stabilised on
an individual regimen (0.5-2.4 g/kg a month, every 2, 3 or 4 weeks), so the loading course
comes after the median delay to IVIg (day 2118, :data:`~.cohorts.ESTABLISHED_SHIFT`) and each
patient's regimen is chosen the way a clinic titrates: 1 g/kg every 4 weeks, shortened to 3
and then 2 weeks, then raised to 1.2 g/kg every 2 weeks (2.4 g/kg a month), while the grip of
the weaker hand still wears off (trough >= 10% below the post-dose peak, the titration rule's
default) over the last three cycles before baseline. Every rung is the same patient (common
random numbers); the patient's own rung is then held, continued or replaced by placebo.

Selection: benefit at baseline (weaker-hand grip on the patient's regimen >= 2 kg above the
same patient untreated). Baseline is the first withheld dose (day 2902, an infusion day of
every rung). A patient switches to open-label IVIg at the first weekly check that meets Hahn's
rule: grip of the more affected hand down >= 50%, or a daily arm task able at baseline lost
("deterioration with difficulty in daily activities"). The grip endpoint is the value at the
switch or at week 12; disability is the ONLS arm grade (Graham & Hughes 2006) read the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..clinical import MILESTONES, wear_off_pct
from .cohorts import ESTABLISHED_BASELINE, RUNGS
from .stats import Measurement, not_measured, share, summary
from .traces import Cohorts, Trace

__all__ = ["measure", "stabilised", "switch_day", "lost_arm_task", "BASELINE_DAY", "END_DAY",
           "Arm"]

BASELINE_DAY = ESTABLISHED_BASELINE
END_DAY = BASELINE_DAY + 84  # 12 weeks
CHECK_DAYS = tuple(BASELINE_DAY + 7 * k for k in range(1, 13))  # weekly visits
BENEFIT_KG = 2.0
SWITCH_LOSS = 0.5  # Hahn's rule: >= 50% decline in grip of the more affected hand
WEAR_OFF = 10.0  # % trough below post-dose peak that earns the next rung (titration default)


@dataclass(frozen=True)
class Arm:
    """One patient's 12 weeks in one arm: when they switched, and their endpoints."""

    switched: float | None  # day of the switch to open-label IVIg, None if none
    grip_change: float  # % of baseline, at the switch or week 12
    arm_worse: bool  # ONLS arm grade at the endpoint above baseline


def _wear_off(t: Trace, hand: int, every: float) -> float:
    """Median over the last three cycles before baseline of (peak - trough) / peak, in %."""
    return wear_off_pct(t.days, t.grip[:, hand], BASELINE_DAY, every)


def stabilised(data: Cohorts) -> list[tuple[Trace, Trace, int, int]]:
    """(continued, withdrawn, more affected hand, rung) of every patient benefiting at
    baseline on the regimen a titrating clinic would have reached."""
    untreated = data.get("untreated-established")
    cont = [data.get(f"established-{r.key}") for r in RUNGS]
    stop = [data.get(f"withdrawal-{r.key}") for r in RUNGS]
    out = []
    for i, none in enumerate(untreated):
        h = cont[0][i].weaker_hand(BASELINE_DAY)
        rung = next((k for k, r in enumerate(RUNGS)
                     if _wear_off(cont[k][i], h, r.every_days) < WEAR_OFF), len(RUNGS) - 1)
        c = cont[rung][i]
        if c.index != none.index:
            raise ValueError("withdrawal cohorts do not hold the same patients")
        if c.grip_at(BASELINE_DAY, h) - none.grip_at(BASELINE_DAY, h) >= BENEFIT_KG:
            out.append((c, stop[rung][i], h, rung))
    return out


def lost_arm_task(t: Trace, until: float = END_DAY) -> bool:
    """A daily arm task (a milestone) able at baseline is lost at some record up to ``until``."""
    a, b = t.at(BASELINE_DAY), t.at(until)
    return any(bool(t.status[m.key][a, s]) and not bool(t.status[m.key][a:b + 1, s].all())
               for m in MILESTONES if m.limb == "arm" and m.key in t.status for s in range(2))


def switch_day(t: Trace, hand: int) -> float | None:
    """The first weekly check meeting Hahn's switch rule, or None."""
    base = t.grip_at(BASELINE_DAY, hand)
    for day in CHECK_DAYS:
        if t.grip_at(day, hand) <= (1 - SWITCH_LOSS) * base or lost_arm_task(t, day):
            return day
    return None


def _arm(t: Trace, hand: int) -> Arm:
    sw = switch_day(t, hand)
    end = END_DAY if sw is None else sw
    base = t.grip_at(BASELINE_DAY, hand)
    change = 100 * (t.grip_at(end, hand) / base - 1) if base > 0 else np.nan
    return Arm(sw, change, bool(t.arm[t.at(end)] > t.arm[t.at(BASELINE_DAY)]))


def _curve(sel: list[tuple[Trace, Trace, int, int]]) -> dict | None:
    if not sel:
        return None
    days = list(range(0, 85, 7))

    def mean(k: int) -> list[float]:
        return [round(float(np.mean([100 * (x[k].grip_at(BASELINE_DAY + d, x[2])
                                             / x[k].grip_at(BASELINE_DAY, x[2]) - 1)
                                     for x in sel])), 2) for d in days]
    return {"day": days, "stopped": mean(1), "continued": mean(0), "n": len(sel)}


def _converse(stop: list[Arm], cont: list[Arm]) -> float:
    return 100 * float(np.mean([c.arm_worse and not s.arm_worse
                                for s, c in zip(stop, cont, strict=True)]))


def measure(data: Cohorts) -> dict[str, Measurement]:
    sel = stabilised(data)
    stop = [_arm(s, h) for _, s, h, _ in sel]
    cont = [_arm(c, h) for c, _, h, _ in sel]
    rungs = np.bincount([r for *_, r in sel], minlength=len(RUNGS))
    regimens = ", ".join(f"{n} on {r.label}" for n, r in zip(rungs, RUNGS, strict=True))
    grip = summary([a.grip_change for a in stop], "withdrawal.grip_stopped")
    switched = share([a.switched is not None for a in stop])
    return {
        "withdrawal.grip_stopped": Measurement(grip.value, grip.ci, grip.n,
                                               f"{grip.detail}; regimens: {regimens}",
                                               grip.reason, grip.failed, _curve(sel)),
        "withdrawal.grip_continued": summary([a.grip_change for a in cont],
                                             "withdrawal.grip_continued"),
        "withdrawal.rescue_stopped": switched,
        "withdrawal.rescue_continued": share([a.switched is not None for a in cont]),
        "withdrawal.arm_worse_stopped": share([s.arm_worse and not c.arm_worse
                                               for s, c in zip(stop, cont, strict=True)]),
        # The converse share (worse on IVIg, not on placebo) comes from test-to-test variation
        # and fluctuating disease in the trial; a simulated patient on IVIg worsens only by
        # progression, so the model cannot be measured against it.
        "withdrawal.arm_worse_continued": not_measured(
            "the model has no test-to-test variation, which the trial's converse share "
            f"reflects (model: {_converse(stop, cont):.1f}%)" if sel else
            "no stabilised patient"),
    }
