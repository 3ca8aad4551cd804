"""Clinical read-outs: strength, MRC grade, grip, MRC sum, disability (ONLS), milestones.

All functions work on arrays of recorded site states (records x sites) so a whole run is
turned into clinical numbers in a few matrix operations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .anatomy import ANATOMY, Anatomy

__all__ = [
    "ClinicalParams",
    "CLINICAL",
    "strength_fraction",
    "mrc_grade",
    "grip_kg",
    "mrc_sum",
    "weaker_side",
    "objective_response",
    "weaker_grip",
    "wear_off_pct",
    "onls_arm",
    "onls_leg",
    "task_affected",
    "MILESTONES",
    "Milestone",
    "milestone_status",
]


@dataclass(frozen=True)
class ClinicalParams:
    """How conducting motor units become force and function (sources beside each value)."""

    # Motor-unit reserve and collateral sprouting: force falls less than the share of
    # conducting units, so weakness shows only after a large share is lost.
    # F = 1 - (1 - U)**reserve_exponent. (approx.)
    reserve_exponent: float = 1.4
    # MRC grade from strength (% of normal). Manual testing cannot tell 80% from normal, and
    # grade 4 spans a wide range of force (approx., after Medical Research Council 1976).
    mrc_thresholds_pct: tuple[float, ...] = (1.0, 5.0, 12.0, 30.0, 80.0)
    # Milestones: the tasks patients name (dropping objects, unable to turn a key, wrist drop,
    # foot drop), each from the muscles that do it, as shares of healthy strength (approx.).
    hold_grip_share: float = 0.35  # objects slip below about a third of healthy grip
    pinch_share: float = 0.25  # key turning: lateral pinch (APB, FDI) at about MRC 3
    button_grip_share: float = 0.6  # buttoning: the hand clearly weak (grip) ...
    button_pinch_share: float = 0.5  # ... and a weak thumb-index pinch together
    raise_arm_share: float = 0.12  # deltoid against gravity (MRC >= 3)
    # Wrist drop: wrist and finger extensors at MRC <= 3 (below 30% of normal); foot drop:
    # tibialis anterior at MRC <= 3. Classic presenting signs of MMN (van Schaik et al. 2010).
    drop_share: float = 0.30
    # A lost task comes back once the muscles that do it are strong enough again: the task is
    # lost below its threshold and regained only above this multiple of it, so it does not
    # flicker with each IVIg cycle near the threshold. (approx.)
    regain_factor: float = 1.5  # (approx.) keeps end-of-dose flicker to a few patients
    # ONLS (Graham & Hughes 2006): a function is "affected but not prevented" while the
    # strength it needs is below this multiple of the threshold at which it is lost. (approx.)
    affected_factor: float = 2.0

CLINICAL = ClinicalParams()


def strength_fraction(
    conducting: np.ndarray, anatomy: Anatomy = ANATOMY, params: ClinicalParams = CLINICAL
) -> np.ndarray:
    """Force of every muscle (0..1) from the conducting share of every site.

    ``conducting`` has sites on its last axis; the result has muscles there instead.
    A muscle's units must cross every site between its branch point and the cord.
    """
    logc = np.log(np.clip(conducting, 1e-12, 1.0))
    units = np.exp(logc @ anatomy.supply.T)
    return 1.0 - (1.0 - units) ** params.reserve_exponent


def mrc_grade(strength: np.ndarray, params: ClinicalParams = CLINICAL) -> np.ndarray:
    """MRC grade 0..5 for each strength fraction."""
    return np.searchsorted(
        np.asarray(params.mrc_thresholds_pct) / 100.0, strength, side="right"
    ).astype(np.int64)


def grip_kg(strength: np.ndarray, baseline_kg: float) -> np.ndarray:
    """Grip (kg) of the left and right hand: baseline times weighted forearm/hand strength."""
    return baseline_kg * (strength @ ANATOMY.grip_weights)


def weaker_side(grip_left_kg: float, grip_right_kg: float) -> str:
    """The weaker (more affected) hand: the one with less grip, left on a tie."""
    return "left" if grip_left_kg <= grip_right_kg else "right"


def weaker_grip(grip: np.ndarray) -> np.ndarray:
    """Grip (kg) of the weaker hand from (..., 2) left/right grips."""
    return grip.min(axis=-1)


# Objective response to immunotherapy (EFNS/PNS 2010 supportive criterion; the judgement a
# clinician makes after an adequate IVIg course): the weaker hand's grip up by at least 2 kg,
# or the MRC sum up by at least 4 points, as the best reading within weeks of the course.
# Smaller changes sit within the measurement's noise: several muscles behind one segment can
# cross a grade boundary together for a fraction of a percent of force. (approx.)
RESPONSE_GRIP_KG = 2.0
RESPONSE_MRC_POINTS = 4


def objective_response(grip_gain_kg: float, mrc_gain: int) -> bool:
    """True when a change after immunotherapy counts as an objective improvement."""
    return grip_gain_kg >= RESPONSE_GRIP_KG or mrc_gain >= RESPONSE_MRC_POINTS


def mrc_sum(grades: np.ndarray) -> np.ndarray:
    """MRC sum score over 20 muscle groups on each side (max 200)."""
    return grades.sum(axis=-1)


_ARM = ANATOMY.muscle_cols(ANATOMY.limb_muscles("arm"))
_LEG = ANATOMY.muscle_cols(ANATOMY.limb_muscles("leg"))
_PINCH = ANATOMY.muscle_cols(("APB", "FDI"))
_DELTOID = ANATOMY.muscle_cols(("deltoid",))[:, 0]
_WRIST = ANATOMY.muscle_cols(("wrist extensors", "finger extensors"))
_TA = ANATOMY.muscle_cols(("tibialis anterior",))[:, 0]
_WALK = ANATOMY.muscle_cols(("tibialis anterior", "quadriceps", "iliopsoas", "gastrocnemius"))


@dataclass(frozen=True)
class Milestone:
    key: str
    label: str  # what the patient can do
    lost_label: str  # how the loss is described
    limb: str  # arm | leg


MILESTONES: tuple[Milestone, ...] = (
    Milestone("hold_objects", "can hold objects", "drops objects", "arm"),
    Milestone("turn_key", "can turn a key", "unable to turn a key", "arm"),
    Milestone("button_shirt", "can button a shirt", "unable to button a shirt", "arm"),
    Milestone("raise_arm", "can raise the arm", "unable to raise the arm", "arm"),
    Milestone("extend_wrist", "can extend the wrist", "wrist drop", "arm"),
    Milestone("lift_foot", "can lift the foot", "foot drop", "leg"),
)


def _pair(strength: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """(records x 2) mean strength of the muscles ``cols`` (2 x k) on each side."""
    return np.stack([strength[..., cols[s]].mean(axis=-1) for s in range(2)], axis=-1)


def _held(lose: np.ndarray, regain: np.ndarray) -> np.ndarray:
    """True while a task is possible: lost when ``lose``, back only when ``regain``.

    Records run along axis 0; the state persists while neither holds (hysteresis).
    """
    code = np.where(lose, 0, np.where(regain, 1, -1))
    code = np.concatenate([np.ones((1, *code.shape[1:]), dtype=code.dtype), code])
    idx = np.where(code >= 0, np.arange(code.shape[0]).reshape(-1, *[1] * (code.ndim - 1)), 0)
    last = np.maximum.accumulate(idx, axis=0)
    return np.take_along_axis(code, last, axis=0)[1:] == 1


def _tasks(strength: np.ndarray, grip: np.ndarray, baseline_kg: float,
           params: ClinicalParams) -> dict[str, tuple[tuple[np.ndarray, float], ...]]:
    """Per milestone, the (records x 2) strengths its task needs, each with the share of
    normal below which it fails: the task is lost when every one of them fails."""
    g = grip / baseline_kg
    pinch = _pair(strength, _PINCH)
    return {
        "hold_objects": ((g, params.hold_grip_share),),
        "turn_key": ((pinch, params.pinch_share),),
        "button_shirt": ((g, params.button_grip_share), (pinch, params.button_pinch_share)),
        "raise_arm": ((strength[..., _DELTOID], params.raise_arm_share),),
        "extend_wrist": ((_pair(strength, _WRIST), params.drop_share),),
        "lift_foot": ((strength[..., _TA], params.drop_share),),
    }


def milestone_status(
    strength: np.ndarray, grip: np.ndarray, baseline_kg: float,
    params: ClinicalParams = CLINICAL,
) -> dict[str, np.ndarray]:
    """For each milestone, a (records x 2 sides) boolean array: True while the task is
    possible. ``strength`` is (records x muscles), ``grip`` (records x 2) in kg.

    A task is lost when its muscles fall below the threshold and comes back only once they
    are above ``regain_factor`` times the threshold (hysteresis on strength), so treatment
    that restores the muscles restores the task."""
    f = params.regain_factor
    out = {}
    for key, needs in _tasks(strength, grip, baseline_kg, params).items():
        lose = np.logical_and.reduce([v < t for v, t in needs])
        regain = np.logical_or.reduce([v >= f * t for v, t in needs])
        out[key] = _held(lose, regain)
    return out


def task_affected(strength: np.ndarray, grip: np.ndarray, baseline_kg: float,
                  params: ClinicalParams = CLINICAL) -> dict[str, np.ndarray]:
    """For each milestone, (records x 2) True while the task is harder than normal: its
    muscles below ``affected_factor`` times the failing share (at most MRC 5's 80%)."""
    top = params.mrc_thresholds_pct[-1] / 100.0
    return {key: np.logical_and.reduce([v < min(params.affected_factor * t, top)
                                        for v, t in needs])
            for key, needs in _tasks(strength, grip, baseline_kg, params).items()}


_ARM_TASKS = tuple(m.key for m in MILESTONES if m.limb == "arm")
_PROXIMAL_LEG = ANATOMY.muscle_cols(("quadriceps", "iliopsoas"))


def onls_arm(grades: np.ndarray, status: dict[str, np.ndarray],
             affected: dict[str, np.ndarray]) -> np.ndarray:
    """ONLS arm grade 0-5 (Graham & Hughes 2006) from the modelled arm tasks.

    The ONLS asks which daily arm functions (buttons and zips, washing and brushing hair,
    turning a key, using a knife and fork) are affected or prevented; the modelled tasks
    stand for them (button a shirt, raise the arm, turn a key, hold objects, extend the
    wrist). 0 normal; 1 minor symptoms (an arm muscle below MRC 5), no function affected;
    2 a function affected but none prevented; 3 at least one prevented, not all; 4 all
    prevented in both arms, some purposeful movement; 5 no purposeful arm movement.
    """
    arm = grades[..., _ARM.ravel()]
    lost = np.stack([~status[k] for k in _ARM_TASKS], axis=-1)  # (..., 2 sides, tasks)
    hard = np.stack([affected[k] for k in _ARM_TASKS], axis=-1)
    prevented = lost.any(-2)  # a function prevented in either arm
    grade = np.where((arm < 5).any(-1), 1, 0)
    grade = np.where(hard.any((-1, -2)), 2, grade)
    grade = np.where(prevented.any(-1), 3, grade)
    grade = np.where(lost.all((-1, -2)), 4, grade)
    return np.where((arm <= 1).all(-1), 5, grade).astype(np.int64)


def onls_leg(grades: np.ndarray, status: dict[str, np.ndarray]) -> np.ndarray:
    """ONLS leg grade 0-7 (Graham & Hughes 2006) from the leg muscles (approx. mapping).

    0 walking, stairs and running not affected; 1 affected, gait normal (a leg muscle below
    MRC 5); 2 walks independently, gait abnormal (foot drop or a walking muscle <= MRC 3 on
    one side); 3 unilateral support (foot drop on both sides, or a weak hip or knee extensor,
    <= MRC 3, on one side); 4 bilateral support (weak hip or knee on both sides); 5 wheelchair
    for 10 m (hip or knee <= MRC 2 on both sides); 6 no standing (every leg muscle <= MRC 2);
    7 no purposeful leg movement (every leg muscle <= MRC 1).
    """
    leg = grades[..., _LEG.ravel()]
    walk = np.stack([grades[..., _WALK[s]] for s in range(2)], axis=-2)  # (..., 2, 4)
    prox = np.stack([grades[..., _PROXIMAL_LEG[s]] for s in range(2)], axis=-2)
    drop = ~status["lift_foot"]
    side_bad = (walk <= 3).any(-1) | drop
    grade = np.where((leg < 5).any(-1), 1, 0)
    grade = np.where(side_bad.any(-1), 2, grade)
    grade = np.where(drop.all(-1) | (prox <= 3).any((-1, -2)), 3, grade)
    grade = np.where((prox <= 3).any(-1).all(-1), 4, grade)
    grade = np.where((prox <= 2).any(-1).all(-1), 5, grade)
    grade = np.where((leg <= 2).all(-1), 6, grade)
    return np.where((leg <= 1).all(-1), 7, grade).astype(np.int64)


def wear_off_pct(days: np.ndarray, grip: np.ndarray, before_day: float, every_days: float,
                 cycles: int = 3) -> float:
    """End-of-dose wear-off on a regimen: over the last ``cycles`` dosing cycles before
    ``before_day``, the median of (post-dose peak - following trough) / peak of one hand's
    ``grip`` (records at ``days``), in %. A titrating clinic shortens the interval or raises
    the dose while this stays high; withdrawal trials and cohorts pick each patient's regimen
    by it."""
    drops = []
    for k in range(cycles, 0, -1):
        a = int(np.searchsorted(days, before_day - k * every_days - 1e-9))
        b = int(np.searchsorted(days, before_day - (k - 1) * every_days - 1e-9))
        seg = np.asarray(grip[a:b + 1], dtype=float)
        if seg.size == 0:
            continue
        top = int(np.argmax(seg))
        if seg[top] > 0:
            drops.append(100 * (seg[top] - seg[top:].min()) / seg[top])
    return float(np.median(drops)) if drops else 0.0
