"""The EAN/PNS 2021 CIDP criteria in outline, decided from findings on one day.

Van den Bergh PYK et al., Eur J Neurol 2021;28:3556 / J Peripher Nerv Syst 2021;26:242
("EAN/PNS 2021"):

* clinical criteria: **typical CIDP** = progressive or relapsing, symmetric, proximal and
  distal weakness of upper and lower limbs, sensory involvement of at least two limbs,
  developing over at least 8 weeks, reduced or absent reflexes in all limbs; of the variants
  the simulator has **multifocal CIDP** = sensory loss and weakness in a multifocal, usually
  asymmetric pattern in more than one limb (distal, focal, motor and sensory CIDP are not
  modelled);
* motor conduction criteria, per nerve (median, ulnar, peroneal, tibial): (a) distal motor
  latency >=50% above the upper limit of normal; (b) velocity >=30% below the lower limit;
  (c) F-wave latency >=20% above the upper limit (>=50% if the distal CMAP is below 80% of
  its lower limit); (d) absent F-waves (distal CMAP >=20% of its lower limit) in two
  nerves, counted with one other parameter in another nerve; (e) conduction block: proximal
  negative-peak CMAP >=30% below the distal one (not tibial; distal CMAP >=20% of its lower
  limit); (f) abnormal temporal dispersion, duration >30% longer proximally (>100% in the
  tibial nerve); (g) distal CMAP duration prolonged, counted with one other parameter in
  another nerve. **Strongly supportive**: a parameter in two nerves (d with another
  parameter in a third nerve; e in one nerve, or g, with another parameter in another
  nerve); **weakly supportive**: in one nerve only;
* sensory conduction abnormal (SNAP below its lower limit) in two nerves;
* supportive criteria: raised CSF protein, imaging (MRI of roots or plexus, nerve
  ultrasound enlargement), objective improvement after immunotherapy;
* categories: **CIDP** = clinical criteria, strongly supportive motor conduction and sensory
  conduction abnormal in two nerves; or possible CIDP with at least two supportive criteria.
  **possible CIDP** = clinical criteria with at least weakly supportive motor conduction and
  sensory conduction abnormal in at least one nerve. Otherwise **not met**.

Like the MMN checklist it reads only findings (examination, studies, laboratory), never the
disease's label; :func:`decide` takes :class:`CidpFindings`, :func:`evaluate` gathers them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import electro, treatments
from ..anatomy import ANATOMY, SIDES
from ..exam import LIMBS, MODALITIES, MUSCLE_LIMB, REFLEXES
from ..results import Run
from .mmn import Checklist, Item, response_after

__all__ = ["CidpFindings", "gather", "decide", "evaluate", "NORMAL_LIMITS", "NerveReading",
           "read_nerves", "CATEGORIES"]

CATEGORIES = ("CIDP", "possible CIDP", "not met")
SINCE_DAYS = 56.0  # developing over at least 8 weeks (EAN/PNS 2021)
# Adult normal limits (Preston & Shapiro 2020): distal motor latency upper limit (ms),
# velocity lower limit (m/s), minimal F-wave latency upper limit (ms); distal CMAP duration
# upper limit (ms, low-frequency filter 2 Hz; EAN/PNS 2021, criterion g).
NORMAL_LIMITS: dict[str, dict[str, float]] = {
    "median": {"dl": 4.4, "cv": 49.0, "f": 31.0, "dur": 8.4},
    "ulnar": {"dl": 3.3, "cv": 49.0, "f": 32.0, "dur": 9.6},
    "peroneal": {"dl": 6.5, "cv": 44.0, "f": 56.0, "dur": 8.8},
    "tibial": {"dl": 5.8, "cv": 41.0, "f": 56.0, "dur": 9.2},
}
_LLN_MV = {n.name: n.lln_mv for n in ANATOMY.nerves}
_REGION = {m.name: m.region for n in ANATOMY.nerves for m in n.muscles}
_NERVE_OF = {m.name: m.nerve for n in ANATOMY.nerves for m in n.muscles}
PROXIMAL_REGIONS = frozenset({"shoulder", "upper arm", "thigh"})
SYMMETRIC_PAIRED = 0.75  # (approx.) share of weak muscles weak on both sides: symmetric
_PARAM_TEXT = {"a": "distal latency", "b": "velocity", "c": "F-wave latency",
               "d": "absent F-waves", "e": "conduction block", "f": "temporal dispersion",
               "g": "distal CMAP duration"}


@dataclass(frozen=True)
class CidpFindings:
    """What the CIDP checklist reads on one day, as a clinician has it."""

    day: float
    exam: pd.DataFrame
    weak_since: float | None
    ncs: pd.DataFrame
    fwaves: pd.DataFrame
    labs: pd.DataFrame
    response: tuple[bool, str]  # objective improvement after immunotherapy, and the finding


@dataclass(frozen=True)
class NerveReading:
    """The demyelinating parameters one motor nerve on one side shows (letters a-g)."""

    side: str
    nerve: str
    params: tuple[str, ...]
    text: str


def evaluate(run: Run, day: float, patient: int = 0) -> Checklist:
    """The CIDP checklist at ``day`` for one patient of ``run``, and the category."""
    return decide(gather(run, day, patient))


def gather(run: Run, day: float, patient: int = 0) -> CidpFindings:
    pr, arr = run.patient_runs[patient], run.arrays(patient)
    weak = (arr.grades < 5).any(axis=1) & (pr.days <= day + 1e-9)
    weak_since = float(pr.days[weak.argmax()]) if weak.any() else None
    t = run.tables
    mine = {k: t[k][t[k]["patient"] == pr.patient_index] for k in ("clinical", "events")}
    return CidpFindings(float(day), run.examination(day, patient), weak_since,
                        run.ncs(day, patient=patient), run.fwaves(day, patient),
                        run.labs(day, patient), _response(mine["clinical"], mine["events"], day))


# --- electrodiagnosis ---------------------------------------------------------------------


def read_nerves(ncs: pd.DataFrame, fwaves: pd.DataFrame) -> list[NerveReading]:
    """Every tested criterion nerve with the demyelinating parameters it shows."""
    out = []
    motor = ncs[ncs["kind"] == "motor"]
    for side in SIDES:
        for nerve, lim in NORMAL_LIMITS.items():
            rows = motor[(motor["side"] == side) & (motor["nerve"] == nerve)]
            if rows.empty:
                continue
            out.append(_read_one(side, nerve, lim, rows, fwaves))
    return out


def _read_one(side: str, nerve: str, lim: dict[str, float], rows: pd.DataFrame,
              fwaves: pd.DataFrame) -> NerveReading:
    distal = rows.iloc[0]
    amp0 = float(distal["amplitude"])
    lln = _LLN_MV[nerve]
    found: list[str] = []
    notes: list[str] = []
    dl = float(distal["latency_ms"])
    if dl >= 1.5 * lim["dl"]:
        found.append("a")
        notes.append(f"distal latency {dl:.1f} ms")
    proximal = rows.iloc[1:]
    cv = proximal["cv_m_per_s"].min()
    if cv == cv and cv <= 0.7 * lim["cv"]:
        found.append("b")
        notes.append(f"velocity {cv:.0f} m/s")
    f = fwaves[(fwaves["side"] == side) & (fwaves["nerve"] == nerve)]
    if not f.empty:
        lat, pers = float(f["min_latency_ms"].iloc[0]), float(f["persistence_pct"].iloc[0])
        factor = 1.2 if amp0 >= 0.8 * lln else 1.5
        if lat == lat and lat >= factor * lim["f"]:
            found.append("c")
            notes.append(f"F-wave {lat:.1f} ms")
        elif pers <= 0 and amp0 >= 0.2 * lln:
            found.append("d")
            notes.append("F-waves absent")
    # Proximal points except Erb's point (unreliable, often not supramaximal).
    prox = proximal[proximal["stim_site"] != "Erb's point"]
    if amp0 >= 0.2 * lln and amp0 > 0 and not prox.empty:
        drop = 1.0 - float(prox["amplitude"].iloc[-1]) / amp0
        if nerve != "tibial" and drop >= 0.3:
            found.append("e")
            notes.append(f"amplitude -{100 * drop:.0f}% proximally")
        dur0, dur1 = float(distal["duration_ms"]), float(prox["duration_ms"].iloc[-1])
        limit = 2.0 if nerve == "tibial" else 1.3
        if dur1 == dur1 and dur1 > limit * dur0:
            found.append("f")
            notes.append(f"duration +{100 * (dur1 / dur0 - 1):.0f}% proximally")
    if float(distal["duration_ms"]) > lim["dur"]:
        found.append("g")
        notes.append(f"distal CMAP duration {float(distal['duration_ms']):.1f} ms")
    return NerveReading(side, nerve, tuple(found), ", ".join(notes) or "no demyelinating "
                        "parameter")


def motor_level(readings: list[NerveReading]) -> tuple[str, str]:
    """'strong', 'weak' or 'none', and the nerves and parameters that decided it."""
    by_param: dict[str, list[NerveReading]] = {}
    for r in readings:
        for p in r.params:
            by_param.setdefault(p, []).append(r)

    def others(r: NerveReading, exclude: tuple[str, ...] = ()) -> bool:
        return any(o is not r and any(p not in exclude for p in o.params) for o in readings)

    for p in ("a", "b", "c", "e", "f"):
        if len(by_param.get(p, [])) >= 2:
            nerves = by_param[p]
            return "strong", (f"{_PARAM_TEXT[p]} in {len(nerves)} nerves: "
                              + "; ".join(f"{r.side} {r.nerve} ({r.text})" for r in nerves[:3]))
    absent = by_param.get("d", [])
    if len(absent) >= 2 and any(o not in absent and set(o.params) - {"d"} for o in readings):
        return "strong", ("F-waves absent in " + ", ".join(f"{r.side} {r.nerve}"
                                                          for r in absent[:3])
                          + " with another demyelinating parameter in another nerve")
    for p, exclude in (("e", ("d",)), ("g", ())):
        for r in by_param.get(p, []):
            if others(r, exclude):
                return "strong", (f"{_PARAM_TEXT[p]} in the {r.side} {r.nerve} with another "
                                  "demyelinating parameter in another nerve")
    weak = [r for r in readings if set(r.params) - {"d", "g"}]
    if weak:
        return "weak", "in one nerve only: " + "; ".join(
            f"{r.side} {r.nerve} ({r.text})" for r in weak[:2])
    return "none", "no demyelinating parameter in any motor nerve"


# --- clinical ------------------------------------------------------------------------------


def _exam_values(df: pd.DataFrame) -> dict[tuple[str, str, str], str]:
    return {(r.side, r.site, r.finding): r.value
            for r in df[["side", "site", "finding", "value"]].itertuples(index=False)}


def _clinical(f: CidpFindings) -> tuple[list[Item], bool, bool]:
    v = _exam_values(f.exam)
    weak = {(s, m): int(x) for (s, m, k), x in v.items() if k == "mrc" and int(x) < 5}
    names = {m for _, m in weak}
    paired = (sum(1 for m in names if ("left", m) in weak and ("right", m) in weak)
              / len(names)) if names else 0.0
    limbs_weak = {(s, MUSCLE_LIMB[m]) for s, m in weak}
    kinds = {MUSCLE_LIMB[m] for _, m in weak}
    proximal = any(_REGION[m] in PROXIMAL_REGIONS for _, m in weak)
    distal = any(_REGION[m] not in PROXIMAL_REGIONS for _, m in weak)
    sensory_limbs = sorted({(s, limb) for s in SIDES for limb in LIMBS for mod in MODALITIES
                            if v.get((s, limb, f"sensation_{mod}"), "normal") != "normal"})
    low_limbs = {(s, REFLEXES[site][0]) for (s, site, k), x in v.items()
                 if k == "reflex" and x in ("reduced", "absent")}
    brisk = [f"{s} {site}" for (s, site, k), x in v.items() if k == "reflex" and x == "brisk"]
    all_limbs = {(s, limb) for s in SIDES for limb in LIMBS}
    lasting = f.weak_since is not None and f.day - f.weak_since >= SINCE_DAYS
    nerves = sorted({(s, _NERVE_OF[m]) for s, m in weak})
    affected = limbs_weak | set(sensory_limbs)
    sensory_in_weak = sorted(set(sensory_limbs) & limbs_weak)
    items = [
        Item("clinical", "C 1", "Progressive or relapsing over at least 8 weeks", lasting,
             f"weakness since day {f.weak_since:.0f} ({f.day - f.weak_since:.0f} days)"
             if f.weak_since is not None else "no weak muscle yet"),
        Item("clinical typical", "T 1", "Symmetric weakness (weak muscles weak on both sides)",
             bool(names) and paired >= SYMMETRIC_PAIRED,
             f"{paired:.0%} of {len(names)} weak muscle(s) weak on both sides"),
        Item("clinical typical", "T 2", "Proximal and distal weakness of upper and lower limbs",
             proximal and distal and kinds == {"arm", "leg"},
             f"proximal {'yes' if proximal else 'no'}, distal {'yes' if distal else 'no'}; "
             f"weak limbs: " + (", ".join(f"{s} {x}" for s, x in sorted(limbs_weak)) or "none")),
        Item("clinical typical", "T 3", "Sensory involvement of at least two limbs",
             len(sensory_limbs) >= 2,
             ", ".join(f"{s} {x}" for s, x in sensory_limbs) or "sensation normal"),
        Item("clinical typical", "T 4", "Reduced or absent tendon reflexes in all limbs",
             low_limbs >= all_limbs and not brisk,
             f"reduced or absent in {len(low_limbs & all_limbs)} of 4 limbs"
             + (f"; brisk: {', '.join(brisk)}" if brisk else "")),
        Item("clinical multifocal", "M 1", "Multifocal weakness in nerve territories, usually "
             "asymmetric, in more than one limb",
             len(nerves) >= 2 and len(affected) >= 2 and paired < SYMMETRIC_PAIRED,
             f"{len(nerves)} nerve territories, {len(affected)} limb(s) affected, "
             f"{paired:.0%} of weak muscles weak on both sides"),
        Item("clinical multifocal", "M 2", "Sensory loss with the weakness (sensory and motor)",
             bool(sensory_in_weak), ", ".join(f"{s} {x}" for s, x in sensory_in_weak)
             or "no sensory loss in a weak limb (a purely motor picture: consider MMN)"),
    ]
    typical = lasting and all(i.met for i in items if i.section == "clinical typical")
    multifocal = lasting and all(i.met for i in items if i.section == "clinical multifocal")
    return items, typical, multifocal


# --- laboratory and response ------------------------------------------------------------------


def _supportive(f: CidpFindings) -> list[Item]:
    def lab(test: str) -> str:
        rows = f.labs[f.labs["test"] == test]
        return "not done" if rows.empty else str(rows.iloc[-1]["result"])

    csf, mri, us = lab("csf_protein"), lab("plexus_mri"), lab("nerve_ultrasound")
    return [
        Item("supportive", "S 1", "Raised CSF protein", csf.startswith("raised"),
             f"CSF protein {csf}"),
        Item("supportive", "S 2", "Imaging: MRI of roots or plexus, or nerve ultrasound "
             "enlargement", mri not in ("normal", "not done") or us.startswith("focal"),
             f"plexus MRI {mri}; ultrasound {us}"),
        Item("supportive", "S 3", "Objective improvement after immunotherapy", f.response[0],
             f.response[1]),
    ]


def _response(clinical: pd.DataFrame, events: pd.DataFrame, day: float) -> tuple[bool, str]:
    """Objective improvement (grip or MRC sum) within 8 weeks of the first treatment."""
    starts = {n for t in treatments.REGISTRY.values()
              for n in (t.course_event, t.point_event, (t.span or (None,))[0]) if n}
    given = events[events["event"].isin(starts) & (events["day"] <= day)]
    if given.empty:
        return False, "no immunotherapy given by this day"
    return response_after(clinical, day, float(given["day"].min()), "the first treatment")


# --- the decision ---------------------------------------------------------------------------


def decide(f: CidpFindings) -> Checklist:
    """The CIDP checklist and its category from findings alone (EAN/PNS 2021, in outline)."""
    clinical, typical, multifocal = _clinical(f)
    readings = read_nerves(f.ncs, f.fwaves)
    level, motor_text = motor_level(readings)
    summ = electro.summarize(f.ncs)
    n_sensory = len(summ.sensory_abnormal)
    sensory_text = (f"{summ.sensory_tested} sensory nerves tested, {n_sensory} below normal"
                    + (": " + ", ".join(f"{s} {n}" for s, n in summ.sensory_abnormal[:4])
                       if n_sensory else ""))
    support = _supportive(f)
    n_support = sum(i.met for i in support)
    items = [
        *clinical,
        Item("electrodiagnostic", "E 1", "Motor conduction strongly supportive of "
             "demyelination (a parameter in two nerves)", level == "strong", motor_text),
        Item("electrodiagnostic", "E 2", "Motor conduction at least weakly supportive (one "
             "nerve)", level in ("strong", "weak"), motor_text),
        Item("electrodiagnostic", "E 3", "Sensory conduction abnormal in two nerves",
             n_sensory >= 2, sensory_text),
        *support,
    ]
    variant = "typical" if typical else "multifocal" if multifocal else ""
    lines = tuple(f"{r.side} {r.nerve}: {r.text}" for r in readings if r.params)
    if not variant:
        def missing(section: str) -> str:
            out = [i.label for i in clinical if not i.met and i.section in ("clinical", section)]
            return "; ".join(out[:2]).lower()

        typical_gap, multifocal_gap = missing("clinical typical"), missing("clinical multifocal")
        return Checklist(f.day, tuple(items), "not met",
                         f"clinical criteria not met: not typical CIDP ({typical_gap}), not "
                         f"multifocal CIDP ({multifocal_gap})", lines)
    who = f"clinical criteria of {variant} CIDP met"
    if level == "strong" and n_sensory >= 2:
        return Checklist(f.day, tuple(items), "CIDP", f"{who}, motor conduction strongly "
                         f"supportive and sensory conduction abnormal in {n_sensory} nerves",
                         lines)
    if level in ("strong", "weak") and n_sensory >= 1:
        if n_support >= 2:
            return Checklist(f.day, tuple(items), "CIDP", f"{who}; possible CIDP upgraded by "
                             f"{n_support} supportive criteria", lines)
        return Checklist(f.day, tuple(items), "possible CIDP",
                         f"{who}, motor conduction {level}ly supportive, sensory conduction "
                         f"abnormal in {n_sensory} nerve(s), {n_support} supportive "
                         "criteria", lines)
    why = ("sensory conduction normal" if n_sensory == 0 else
           "no demyelinating parameter in motor conduction")
    return Checklist(f.day, tuple(items), "not met", f"{who}, but {why}", lines)
