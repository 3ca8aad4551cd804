"""The bedside examination on one day: what a neurologist finds with eyes, hands, a reflex
hammer and a tuning fork.

Why its own module: the EFNS/PNS 2010 checklist (van Schaik et al. 2010) is decided at the
bedside first (weakness in nerve territories, no sensory loss, no upper motor neuron or bulbar
signs), so every finding is computed from the site state and the disease protocol, never
from the disease's name: a disease that touches sensory fibres or upper motor neurons shows
it here. Findings, per side:

* per muscle: MRC grade and **wasting** (none while the axons are intact, appearing with
  axonal loss: "weakness without wasting" is MMN's early sign);
* per reflex: absent / reduced / normal / brisk; per leg the plantar response;
* per limb: tone, fasciculations, cramps, cold paresis, sensation by modality;
* midline: cranial nerves, speech, swallowing.

``cold=True`` examines the patient in a cold room: sites with nodal damage conduct less
(``Disease.cold_sensitivity``), so MRC grades fall where the disease is cold-sensitive.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .anatomy import ANATOMY, SIDES
from .clinical import mrc_grade, strength_fraction
from .diseases.base import Disease
from .sites import SiteSnapshot

__all__ = ["ExamParams", "EXAM", "EXAM_COLUMNS", "LIMBS", "MODALITIES", "REFLEXES",
           "MUSCLE_LIMB", "examine", "sensory_grade"]

EXAM_COLUMNS = ("side", "site", "finding", "value")
LIMBS = ("arm", "leg")
MODALITIES = ("pain", "temperature", "vibration", "position")
# Tendon reflexes and the muscles whose contraction makes them (standard segmental teaching).
REFLEXES: dict[str, tuple[str, tuple[str, ...]]] = {
    "biceps": ("arm", ("biceps", "brachioradialis")),
    "triceps": ("arm", ("triceps",)),
    "knee": ("leg", ("quadriceps",)),
    "ankle": ("leg", ("gastrocnemius",)),
}
MUSCLE_LIMB = {m.name: n.limb for n in ANATOMY.nerves for m in n.muscles}


@dataclass(frozen=True)
class ExamParams:
    """Thresholds that turn the state into what an examiner calls it; all (approx.)."""

    # Share of a muscle's motor units lost before wasting is visible: small hand and foot
    # muscles show it first, bulky proximal muscles hide it. "marked" this much further on.
    wasting_visible: dict[str, float] = field(default_factory=lambda: {
        "hand": 0.30, "foot": 0.30, "forearm": 0.35, "leg": 0.35, "upper arm": 0.45,
        "shoulder": 0.45, "thigh": 0.45})
    wasting_marked_extra: float = 0.35
    # Reflex arc: the reflex fades as its muscles weaken or its afferent (large sensory
    # fibres: vibration, position) is lost.
    reflex_absent_strength: float = 0.20
    reflex_reduced_strength: float = 0.70
    reflex_absent_afferent: float = 0.80
    reflex_reduced_afferent: float = 0.40
    tone_reduced_strength: float = 0.40  # mean strength of a limb below this: hypotonic
    plantar_mute_strength: float = 0.20  # toe extensors too weak to show a response
    # Spontaneous discharge score of a muscle = propensity * (units lost + half the units
    # blocked); visible fasciculations and reported cramps above these.
    fasciculation_visible: float = 0.20
    cramps_reported: float = 0.15
    # Sensory loss 0-1 -> grade: below the first normal, then mildly reduced, reduced, absent.
    sensory_cuts: tuple[float, float, float] = (0.10, 0.30, 0.70)


EXAM = ExamParams()
_NAMES = [m.name for _, m in ANATOMY.muscles]
_SIDES = [s for s, _ in ANATOMY.muscles]
_WASTE = np.array([EXAM.wasting_visible[m.region] for _, m in ANATOMY.muscles])
_LIMB_OF = np.array([MUSCLE_LIMB[m.name] for _, m in ANATOMY.muscles])
_IN_LIMB = {(side, limb): np.array([s == side and lb == limb for s, lb in zip(
    _SIDES, _LIMB_OF, strict=True)]) for side in SIDES for limb in LIMBS}
_REFLEX_COLS = {(side, name): ANATOMY.muscle_cols(muscles)[SIDES.index(side)]
                for side in SIDES for name, (_limb, muscles) in REFLEXES.items()}
_TOES = ANATOMY.muscle_cols(("EDB",))[:, 0]


def sensory_grade(loss: float, params: ExamParams = EXAM) -> str:
    """An examiner's word for a sensory loss of 0-1."""
    a, b, c = params.sensory_cuts
    return ("normal" if loss < a else "mildly reduced" if loss < b else "reduced" if loss < c
            else "absent")


def _units(conducting: np.ndarray) -> np.ndarray:
    """Share of each muscle's motor units that conduct, from each site's conducting share."""
    return np.exp(np.log(np.clip(conducting, 1e-12, 1.0)) @ ANATOMY.supply.T)


def examine(snapshot: SiteSnapshot, disease: Disease, day: float, *, cold: bool = False,
            fasciculation_tendency: float = 1.0, params: ExamParams = EXAM) -> pd.DataFrame:
    """The examination at one site state: rows (side, site, finding, value), values as text.

    ``fasciculation_tendency`` (0..1) is the patient's: fasciculations and cramps are a
    feature of some patients, not all."""
    conducting = np.clip(1.0 - snapshot.block - snapshot.axon_loss, 0.0, 1.0)
    cold_conducting = conducting * np.clip(
        1.0 - disease.cold_sensitivity() * snapshot.damage, 0.0, 1.0)
    warm = strength_fraction(conducting)
    chilled = strength_fraction(cold_conducting)
    strength = chilled if cold else warm
    lost = 1.0 - _units(1.0 - np.clip(snapshot.axon_loss, 0.0, 1.0))  # units lost per muscle
    blocked = np.clip(1.0 - _units(conducting) - lost, 0.0, 1.0)
    score = disease.fasciculation_propensity() * fasciculation_tendency * (lost + 0.5 * blocked)
    sensory = {(side, limb, mod): disease.sensory_loss_at(snapshot, side, limb, mod)
               for side in SIDES for limb in LIMBS for mod in MODALITIES}
    umn = disease.upper_motor_neuron_signs(day)
    rows: list[tuple[str, str, str, str]] = []
    _muscle_rows(rows, strength, lost, params)
    _reflex_rows(rows, warm, sensory, umn, params)
    _limb_rows(rows, warm, mrc_grade(warm) - mrc_grade(chilled), score, sensory, umn, params)
    bulbar = disease.bulbar_weakness(day)
    rows += [
        ("", "cranial nerves", "cranial_nerves",
         "tongue and palate weakness" if bulbar else "normal"),
        ("", "bulbar", "speech", "dysarthria" if bulbar else "normal"),
        ("", "bulbar", "swallowing", "dysphagia" if bulbar else "normal"),
    ]
    return pd.DataFrame(rows, columns=list(EXAM_COLUMNS))


def _muscle_rows(rows: list, strength: np.ndarray, lost: np.ndarray, p: ExamParams) -> None:
    grades = mrc_grade(strength)
    wasting = np.where(lost >= _WASTE + p.wasting_marked_extra, "marked",
                       np.where(lost >= _WASTE, "mild", "none"))
    for i, (side, name) in enumerate(zip(_SIDES, _NAMES, strict=True)):
        rows.append((side, name, "mrc", str(int(grades[i]))))
        rows.append((side, name, "wasting", str(wasting[i])))


def _reflex_rows(rows: list, strength: np.ndarray, sensory: dict, umn: bool,
                 p: ExamParams) -> None:
    for side in SIDES:
        for name, (limb, _m) in REFLEXES.items():
            s = float(strength[_REFLEX_COLS[(side, name)]].min())
            afferent = max(sensory[(side, limb, "vibration")], sensory[(side, limb, "position")])
            if s < p.reflex_absent_strength or afferent >= p.reflex_absent_afferent:
                grade = "absent"
            elif umn:
                grade = "brisk"
            elif s < p.reflex_reduced_strength or afferent >= p.reflex_reduced_afferent:
                grade = "reduced"
            else:
                grade = "normal"
            rows.append((side, name, "reflex", grade))
        toes = float(strength[_TOES[SIDES.index(side)]])
        plantar = ("extensor" if umn else "mute" if toes < p.plantar_mute_strength
                   else "flexor")
        rows.append((side, "plantar", "plantar", plantar))


def _limb_rows(rows: list, strength: np.ndarray, cold_drop: np.ndarray, score: np.ndarray,
               sensory: dict, umn: bool, p: ExamParams) -> None:
    for side in SIDES:
        for limb in LIMBS:
            m = _IN_LIMB[(side, limb)]
            tone = ("increased" if umn else "reduced"
                    if strength[m].mean() < p.tone_reduced_strength else "normal")
            worst = float(score[m].max())
            rows += [
                (side, limb, "tone", tone),
                (side, limb, "fasciculations",
                 "present" if worst >= p.fasciculation_visible else "absent"),
                (side, limb, "cramps", "present" if worst >= p.cramps_reported else "absent"),
                (side, limb, "cold_paresis", "present" if cold_drop[m].max() >= 1 else "absent"),
            ]
            rows += [(side, limb, f"sensation_{mod}", sensory_grade(sensory[(side, limb, mod)],
                                                                     p)) for mod in MODALITIES]
