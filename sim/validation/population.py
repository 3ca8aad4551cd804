"""Who gets MMN in the model: sex, onset age, onset limb, anti-GM1, nerves, asymmetry.

Targets ``pop.*`` (CLINICAL calibration targets 1-3), measured on patients drawn by the
population sampler, the way a clinic cohort reports them.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from ..anatomy import ANATOMY
from .stats import Measurement, share, summary
from .traces import Cohorts

__all__ = ["measure", "asymmetric"]

LESION_EVENT = "lesion_onset"  # the engine's event for a new focal attack
MOST_INVOLVED = {"ulnar", "median", "radial"}  # Delmont 2006


def measure(data: Cohorts) -> dict[str, Measurement]:
    pop = data.get("population")
    ages = np.array([t.patient.age_at_onset for t in pop])
    out = {
        "pop.male": share([t.patient.sex == "male" for t in pop]),
        "pop.onset_age": summary(ages, "pop.onset_age"),
        "pop.onset_20_50": share((ages >= 20) & (ages <= 50)),
        "pop.anti_gm1": share([t.patient.anti_gm1 for t in pop]),
        "pop.upper_limb_onset": _upper_limb_onset(data),
    }
    out["pop.nerves"] = _nerves(data)
    out["pop.asymmetry"] = _asymmetry(data)
    return out


def _upper_limb_onset(data: Cohorts) -> Measurement:
    arm = []
    for t in data.get("population"):
        first = next((e for e in t.events if e[1] == LESION_EVENT), None)
        if first is not None:
            arm.append(ANATOMY.nerve_by_name[first[3]].limb == "arm")
    return share(arm, empty="no patient had a lesion in the first weeks")


def _nerves(data: Cohorts) -> Measurement:
    traces = data.get("untreated-weekly")
    counts = Counter(e[3] for t in traces for e in t.events if e[1] == LESION_EVENT)
    total = sum(counts.values())
    if not total:
        return Measurement(0.0, None, len(traces), "no lesions in 10 years")
    top = counts.most_common()
    holds = {name for name, _ in top[:3]} == MOST_INVOLVED
    text = ", ".join(f"{name} {100 * c / total:.0f}%" for name, c in top[:5])
    return Measurement(float(holds), None, len(traces), f"share of {total} lesions: {text}")


def asymmetric(grades: np.ndarray) -> bool:
    """EFNS/PNS 2010 asymmetry: a side difference of >= 1 MRC grade when the weaker side is
    above 3, or >= 2 when it is 3 or less, in at least one muscle pair."""
    for name in {m.name for _, m in ANATOMY.muscles}:
        left = int(grades[ANATOMY.muscle_index[("left", name)]])
        right = int(grades[ANATOMY.muscle_index[("right", name)]])
        need = 1 if min(left, right) > 3 else 2
        if abs(left - right) >= need:
            return True
    return False


def _asymmetry(data: Cohorts) -> Measurement:
    flags = [asymmetric(g) for t in data.get("untreated-weekly")
             if (g := t.grades[1096.0]).min() < 5]
    return share(flags, empty="no patient had a weak muscle at 3 years")
