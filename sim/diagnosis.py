"""The EFNS/PNS 2010 diagnostic checklist, evaluated from a simulated patient at one day.

van Schaik IN et al., J Peripher Nerv Syst 2010;15:295 . Each item is
decided by a finding read from the run's tables, the bedside examination and the nerve
conduction study at the chosen day, and carries that finding so a student sees *why* it is
ticked. It only reads a :class:`~sim.Run`; the dashboard shows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import electro, treatments
from .anatomy import ANATOMY
from .clinical import weaker_side
from .results import Run

__all__ = ["Item", "Checklist", "evaluate", "table"]

ARM_NERVES = {n.name for n in ANATOMY.nerves if n.limb == "arm"}


@dataclass(frozen=True)
class Item:
    section: str  # clinical core | exclusions | supportive | electrodiagnostic
    label: str
    met: bool  # for exclusions: True means the exclusion is ABSENT (good)
    finding: str


@dataclass(frozen=True)
class Checklist:
    day: float
    items: tuple[Item, ...]
    category: str  # definite | probable | possible | not met
    ncs_lines: tuple[str, ...]

    def section(self, name: str) -> list[Item]:
        return [i for i in self.items if i.section == name]


def _at(df: pd.DataFrame, day: float) -> pd.DataFrame:
    days = df["day"].to_numpy()
    rec = days[days <= day + 1e-9].max() if (days <= day + 1e-9).any() else days.min()
    return df[df["day"] == rec]


def evaluate(run: Run, day: float) -> Checklist:
    """Every checklist item at ``day`` for patient 0 of ``run``, and the resulting category."""
    t = run.tables
    muscles = t["muscles"]
    m_now = _at(muscles, day)
    nerves = _weak_nerves(m_now)
    exam = run.examination(day)
    items = [
        *_clinical_core(muscles, m_now, nerves, exam, day),
        *_exclusions(muscles, exam, day),
        *_supportive(t, m_now, exam, day),
    ]
    supportive = sum(i.met for i in items if i.section == "supportive")
    study = run.ncs(day)
    summ = electro.summarize(study, supportive_findings=supportive)
    items += _electrodiagnostic(summ)
    category = _category(items, summ, n_nerves=len(nerves))
    return Checklist(float(day), tuple(items), category, tuple(summ.lines()))


def _weak_nerves(m_now: pd.DataFrame) -> list[tuple[str, str]]:
    """The (side, nerve) territories with at least one muscle below MRC 5, sorted."""
    weak = m_now[m_now["mrc"] < 5]
    return sorted({(r.side, r.nerve) for r in weak.itertuples(index=False)})


def _clinical_core(muscles: pd.DataFrame, m_now: pd.DataFrame, nerves: list[tuple[str, str]],
                   exam: dict[str, Any], day: float) -> list[Item]:
    """Focal, asymmetric, lasting weakness in >=2 nerve territories without sensory loss."""
    items: list[Item] = []
    weak_days = muscles.loc[muscles["mrc"] < 5, "day"]
    first_weak = float(weak_days.min()) if len(weak_days) else None
    lasting = first_weak is not None and day - first_weak > 30
    items.append(Item(
        "clinical core", "Progressive focal limb weakness for more than 1 month", lasting,
        f"weakness since day {first_weak:.0f} ({day - first_weak:.0f} days)" if first_weak
        is not None and first_weak <= day else "no weak muscle yet",
    ))
    piv = m_now.pivot_table(index="muscle", columns="side", values="mrc", aggfunc="first")
    hi, lo = piv.max(axis=1), piv.min(axis=1)
    asym = ((hi > 3) & (hi - lo >= 1)) | ((hi <= 3) & (hi - lo >= 2))
    asym_muscles = list(piv.index[asym.to_numpy()])
    items.append(Item(
        "clinical core", "Asymmetric (side difference >=1 MRC grade, >=2 if strength <=3)",
        bool(asym_muscles),
        f"{len(asym_muscles)} muscle(s) differ: " + ", ".join(asym_muscles[:4])
        if asym_muscles else "no side difference of that size",
    ))
    items.append(Item(
        "clinical core", "Weakness in the motor territory of >=2 nerves", len(nerves) >= 2,
        f"{len(nerves)} nerve territories: " + ", ".join(f"{s} {n}" for s, n in nerves[:5])
        if nerves else "no weak muscle",
    ))
    items.append(Item(
        "clinical core", "No objective sensory loss", exam["sensation"] == "normal",
        f"sensation {exam['sensation']}",
    ))
    return items


def _exclusions(muscles: pd.DataFrame, exam: dict[str, Any], day: float) -> list[Item]:
    """Findings that argue against MMN; ``met`` means the exclusion is absent."""
    items: list[Item] = []
    reflexes = exam["reflexes"]
    brisk = [k for k, v in reflexes.items() if v == "brisk"]
    items.append(Item("exclusions", "No upper motor neuron signs (brisk reflexes, spasticity)",
                      not brisk, "no brisk reflex" if not brisk else ", ".join(brisk)))
    items.append(Item("exclusions", "No marked bulbar involvement (speech, swallowing)",
                      "normal" in exam["bulbar"], exam["bulbar"]))
    items.append(Item("exclusions", "No sensory loss beyond minor vibration loss in the legs",
                      exam["sensation"] == "normal", f"sensation {exam['sensation']}"))
    early = _at(muscles, min(day, 42.0))
    early_weak = early[early["mrc"] < 5]
    sides = set(early_weak["side"])
    diffuse = len(early_weak) >= 8 and sides == {"left", "right"}
    items.append(Item(
        "exclusions", "No diffuse symmetric weakness in the first weeks", not diffuse,
        f"{len(early_weak)} weak muscle group(s) at day {float(early['day'].iloc[0]):.0f}",
    ))
    return items


def _supportive(t: Mapping[str, pd.DataFrame], m_now: pd.DataFrame, exam: dict[str, Any],
                day: float) -> list[Item]:
    """Supportive criteria: arm predominance, reflexes, anti-GM1, response to treatment."""
    items: list[Item] = []
    reflexes = exam["reflexes"]
    arm_deficit = int((5 - m_now.loc[m_now["nerve"].isin(ARM_NERVES), "mrc"]).sum())
    leg_deficit = int((5 - m_now.loc[~m_now["nerve"].isin(ARM_NERVES), "mrc"]).sum())
    items.append(Item("supportive", "Upper-limb predominance",
                      arm_deficit > leg_deficit and arm_deficit > 0,
                      f"MRC points lost: arms {arm_deficit}, legs {leg_deficit}"))
    low = [k for k, v in reflexes.items() if v in ("reduced", "absent")]
    items.append(Item("supportive", "Reduced or absent tendon reflexes in affected limbs",
                      bool(low), ", ".join(f"{k} {reflexes[k]}" for k in low[:4])
                      if low else "all reflexes normal"))
    items.append(Item("supportive", "No cranial nerve involvement", "normal" in exam["bulbar"],
                      exam["bulbar"]))
    items.append(Item("supportive", "Cramps and fasciculations",
                      bool(exam["fasciculations"] or exam["cramps"]),
                      "present" if exam["fasciculations"] or exam["cramps"] else "absent"))
    pat = t["patients"].iloc[0]
    items.append(Item("supportive", "Raised IgM anti-GM1 antibodies", bool(pat["anti_gm1"]),
                      f"anti-GM1 {'positive' if pat['anti_gm1'] else 'negative'}"
                      + (f", titre {pat['anti_gm1_titre']:g}x cut-off" if pat["anti_gm1"]
                         else "")))
    items.append(_response(t["clinical"], t["events"], day))
    return items


def _electrodiagnostic(summ: electro.StudySummary) -> list[Item]:
    """Conduction block (definite, probable) and normal sensory conduction."""
    return [
        Item("electrodiagnostic", "Definite motor conduction block in >=1 nerve",
             summ.n_definite_nerves >= 1,
             f"{summ.n_definite_nerves} nerve(s): " + ", ".join(
                 f"{s} {n} {g}" for s, n, g in summ.definite[:4])
             if summ.definite else "none"),
        Item("electrodiagnostic", "Probable motor conduction block",
             summ.n_block_nerves >= 1,
             f"{summ.n_block_nerves} nerve(s) with at least probable block"),
        Item("electrodiagnostic", "Normal sensory nerve conduction",
             summ.sensory_normal,
             f"{summ.sensory_tested} sensory nerves tested, "
             f"{len(summ.sensory_abnormal)} below normal"),
    ]


def _category(items: list[Item], summ: electro.StudySummary, n_nerves: int) -> str:
    """The EFNS/PNS category: definite, probable, possible or not met."""
    core = all(i.met for i in items if i.section == "clinical core")
    excl = all(i.met for i in items if i.section == "exclusions")
    if core and excl and summ.level == "definite":
        return "definite"
    if core and excl and summ.level == "probable":
        return "probable"
    if excl and summ.sensory_normal and (
        _item(items, "Objective improvement after immunotherapy").met or n_nerves == 1
    ):
        return "possible"
    return "not met"


def _item(items: list[Item], label: str) -> Item:
    return next(i for i in items if i.label == label)


def _response(clinical: pd.DataFrame, events: pd.DataFrame, day: float) -> Item:
    label = "Objective improvement after immunotherapy"
    doses = events[events["event"].isin(
        [t.course_event for t in treatments.REGISTRY.values() if t.immunoglobulin])]
    doses = doses[doses["day"] <= day]
    if doses.empty:
        return Item("supportive", label, False, "no immunoglobulin given by this day")
    first = float(doses["day"].min())
    c = clinical[clinical["day"] <= day]
    before = c[c["day"] <= first]
    after = c[(c["day"] > first) & (c["day"] <= first + 56)]
    if before.empty or after.empty:
        return Item("supportive", label, False, "too early to judge")
    b = before.iloc[-1]
    weaker = weaker_side(b["grip_left_kg"], b["grip_right_kg"])
    gain = float(after[f"grip_{weaker}_kg"].max() - b[f"grip_{weaker}_kg"])
    mrc_gain = int(after["mrc_sum"].max() - b["mrc_sum"])
    met = gain >= 2.0 or mrc_gain >= 2
    return Item("supportive", label, bool(met),
                f"weaker ({weaker}) hand grip {gain:+.1f} kg, MRC sum {mrc_gain:+d} within "
                f"8 weeks of the first IVIg course (day {first:.0f})")


def table(checklist: Checklist) -> pd.DataFrame:
    """The checklist as a plain table (the text alternative shown under the ticks)."""
    return pd.DataFrame(
        [(i.section, i.label, "yes" if i.met else "no", i.finding) for i in checklist.items],
        columns=["section", "criterion", "met", "finding"],
    )

