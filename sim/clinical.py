"""Clinical read-outs: strength, MRC grade, grip, MRC sum, disability, milestones.

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
    "disability",
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
    # A lost task is regained only once strength has stayed this much (share of normal) above
    # the threshold for this many days, so it does not flicker with each IVIg cycle: a patient
    # who drops objects at the end of every cycle still reports it. (approx.)
    regain_margin: float = 0.05
    regain_days: float = 84.0


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


def _sustained(flag: np.ndarray, days: np.ndarray, span: float) -> np.ndarray:
    """True where ``flag`` (records on axis 0) has held at every record of the last ``span``
    days (and for at least that long)."""
    bad = np.concatenate([np.zeros((1, *flag.shape[1:]), dtype=np.int64),
                          np.cumsum(~flag, axis=0)])
    start = np.searchsorted(days, days - span + 1e-9)
    long_enough = (days - days[0] >= span - 1e-9).reshape(-1, *[1] * (flag.ndim - 1))
    return (bad[1:] - bad[start] == 0) & long_enough


def _held(lose: np.ndarray, regain: np.ndarray) -> np.ndarray:
    """True while a task is possible: lost when ``lose``, back only when ``regain``.

    Records run along axis 0; the state persists while neither holds (hysteresis).
    """
    code = np.where(lose, 0, np.where(regain, 1, -1))
    code = np.concatenate([np.ones((1, *code.shape[1:]), dtype=code.dtype), code])
    idx = np.where(code >= 0, np.arange(code.shape[0]).reshape(-1, *[1] * (code.ndim - 1)), 0)
    last = np.maximum.accumulate(idx, axis=0)
    return np.take_along_axis(code, last, axis=0)[1:] == 1


def milestone_status(
    strength: np.ndarray, grip: np.ndarray, baseline_kg: float, days: np.ndarray,
    params: ClinicalParams = CLINICAL,
) -> dict[str, np.ndarray]:
    """For each milestone, a (records x 2 sides) boolean array: True while the task is
    possible. ``strength`` is (records x muscles), ``grip`` (records x 2) in kg, ``days`` the
    record days."""
    m = params.regain_margin
    g = grip / baseline_kg
    pinch = _pair(strength, _PINCH)
    values = {
        "hold_objects": (g < params.hold_grip_share, g >= params.hold_grip_share + m),
        "turn_key": (pinch < params.pinch_share, pinch >= params.pinch_share + m),
        "button_shirt": (
            (g < params.button_grip_share) & (pinch < params.button_pinch_share),
            (g >= params.button_grip_share + m) | (pinch >= params.button_pinch_share + m),
        ),
        "raise_arm": (strength[..., _DELTOID] < params.raise_arm_share,
                      strength[..., _DELTOID] >= params.raise_arm_share + m),
        "extend_wrist": (_pair(strength, _WRIST) < params.drop_share,
                         _pair(strength, _WRIST) >= params.drop_share + m),
        "lift_foot": (strength[..., _TA] < params.drop_share,
                      strength[..., _TA] >= params.drop_share + m),
    }
    span = params.regain_days
    return {k: _held(lose, _sustained(regain, days, span)) for k, (lose, regain) in values.items()}


def disability(grades: np.ndarray, status: dict[str, np.ndarray]) -> np.ndarray:
    """ODSS-like disability, arms 0-5 + legs 0-7 = 0-12 (approx.; after Merkies et al. 2002).

    Arms: 0 normal; 1 weak but no task lost; 2 a grade <=3 arm muscle; 3 one task lost;
    4 two or more tasks lost; 5 no useful arm movement (every arm muscle <= 1).
    Legs: 0 normal; 1 weak; 2 foot drop or a grade <=3 walking muscle on one side;
    4 both sides; 7 no useful leg movement.
    """
    arm = grades[..., _ARM.ravel()]
    leg = grades[..., _LEG.ravel()]
    arm_tasks = sum((~status[m.key]).sum(-1) for m in MILESTONES if m.limb == "arm")
    arms = np.where((arm < 5).any(-1), 1, 0)
    arms = np.where((arm <= 3).any(-1), 2, arms)
    arms = np.where(arm_tasks >= 1, 3, arms)
    arms = np.where(arm_tasks >= 2, 4, arms)
    arms = np.where((arm <= 1).all(-1), 5, arms)
    walk = np.stack([grades[..., _WALK[s]] for s in range(2)], axis=-2)  # (..., 2, 4)
    side_bad = (walk <= 3).any(-1) | ~status["lift_foot"]
    legs = np.where((leg < 5).any(-1), 1, 0)
    legs = np.where(side_bad.any(-1), 2, legs)
    legs = np.where(side_bad.all(-1), 4, legs)
    legs = np.where((leg <= 1).all(-1), 7, legs)
    return (arms + legs).astype(np.int64)

