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
    # Functional thresholds (approx.): the tasks patients name ("unable to turn a key").
    key_grip_kg: float = 10.0  # turning a key in a lock
    button_strength_pct: float = 50.0  # buttoning: thumb, index and finger extensors
    raise_arm_mrc: int = 3  # deltoid against gravity
    foot_drop_mrc: int = 2  # tibialis anterior at or below this grade: foot drop


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


def mrc_sum(grades: np.ndarray) -> np.ndarray:
    """MRC sum score over 20 muscle groups on each side (max 200)."""
    return grades.sum(axis=-1)


_ARM = ANATOMY.muscle_cols(ANATOMY.limb_muscles("arm"))
_LEG = ANATOMY.muscle_cols(ANATOMY.limb_muscles("leg"))
_BUTTON = ANATOMY.muscle_cols(("APB", "FDI", "finger extensors"))
_DELTOID = ANATOMY.muscle_cols(("deltoid",))[:, 0]
_TA = ANATOMY.muscle_cols(("tibialis anterior",))[:, 0]
_WALK = ANATOMY.muscle_cols(("tibialis anterior", "quadriceps", "iliopsoas", "gastrocnemius"))


@dataclass(frozen=True)
class Milestone:
    key: str
    label: str  # what the patient can do
    lost_label: str  # how the loss is described


MILESTONES: tuple[Milestone, ...] = (
    Milestone("turn_key", "can turn a key", "unable to turn a key"),
    Milestone("button_shirt", "can button a shirt", "unable to button a shirt"),
    Milestone("raise_arm", "can raise the arm", "unable to raise the arm"),
    Milestone("lift_foot", "can lift the foot", "foot drop"),
)


def milestone_status(
    strength: np.ndarray, grip: np.ndarray, params: ClinicalParams = CLINICAL
) -> dict[str, np.ndarray]:
    """For each milestone, a (records x 2 sides) boolean array: True while the task is possible."""
    grades = mrc_grade(strength, params)
    return {
        "turn_key": grip >= params.key_grip_kg,
        "button_shirt": np.stack(
            [(strength[..., _BUTTON[s]] * 100 >= params.button_strength_pct).all(axis=-1)
             for s in range(2)], axis=-1),
        "raise_arm": grades[..., _DELTOID] >= params.raise_arm_mrc,
        "lift_foot": grades[..., _TA] > params.foot_drop_mrc,
    }


def disability(grades: np.ndarray, status: dict[str, np.ndarray]) -> np.ndarray:
    """ODSS-like disability, arms 0-5 + legs 0-7 = 0-12 (approx.; after Merkies et al. 2002).

    Arms: 0 normal; 1 weak but no task lost; 2 a grade <=3 arm muscle; 3 one task lost;
    4 two or more tasks lost; 5 no useful arm movement (every arm muscle <= 1).
    Legs: 0 normal; 1 weak; 2 foot drop or a grade <=3 walking muscle on one side;
    4 both sides; 7 no useful leg movement.
    """
    arm = grades[..., _ARM.ravel()]
    leg = grades[..., _LEG.ravel()]
    arm_tasks = (
        (~status["turn_key"]).sum(-1) + (~status["button_shirt"]).sum(-1)
        + (~status["raise_arm"]).sum(-1)
    )
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

