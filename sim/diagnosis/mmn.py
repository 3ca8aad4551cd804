"""The EFNS/PNS 2010 diagnostic checklist for MMN, decided from findings on one day.

van Schaik IN et al., J Peripher Nerv Syst 2010;15:295 ("EFNS/PNS 2010"), to the letter:

* clinical criteria (Table 1): core 1 (slowly or stepwise progressive, focal, asymmetric limb
  weakness in the motor territory of >=2 nerves for >1 month; signs in one nerve only allow
  only a possible diagnosis), core 2 (no objective sensory abnormality except minor vibration
  loss in the legs); supportive 3-7 (upper-limb predominance, reduced or absent reflexes in
  the affected limb, no cranial nerve involvement, cramps and fasciculations in the affected
  limb, response to immunomodulatory treatment), shown but not counted; exclusions 8-11
  (upper motor neuron signs, marked bulbar involvement, sensory impairment beyond minor
  vibration loss in the legs, diffuse symmetric weakness in the initial weeks);
* electrophysiology (Table 2): 1 definite and 2 probable motor conduction block, 3 normal
  sensory conduction in the segments with block;
* supportive criteria (Table 3), the ones counted for "probable": 1 raised IgM anti-GM1,
  2 raised CSF protein below 1 g/L, 3 brachial plexus MRI T2 hyperintensity, 4 objective
  clinical improvement after IVIg;
* categories (Table 4): **definite** = core 1, 2, exclusions 8-11 absent, and
  electrophysiological 1 and 3 in one nerve; **probable** = the same clinical criteria and
  2 and 3 in two nerves, or in one nerve with >=2 supportive criteria of Table 3;
  **possible** = the same clinical criteria, normal sensory conduction and supportive 4; or
  core 1 with signs in only one nerve, 2, exclusions absent and 1 or 2 in one nerve.

Slightly increased reflexes (in particular in an affected arm) do not exclude MMN when there
are no other upper motor neuron signs (EFNS/PNS 2010, footnote to criterion 4). Every item
carries the finding that decided it. :func:`decide` reads only :class:`Findings` (tables a
clinician would have), so tests can build findings by hand; :func:`evaluate` gathers them
from a run.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import electro, treatments
from ..anatomy import ANATOMY, SIDES
from ..clinical import objective_response, weaker_side
from ..exam import LIMBS, MODALITIES, MUSCLE_LIMB, REFLEXES
from ..results import Run

__all__ = ["Item", "Findings", "Checklist", "evaluate", "gather", "decide", "table",
           "SENSORY_FOR", "EARLY_DAYS", "entrapment_blocks", "against_mmn",
           "acute_course"]

ARM_NERVES = {n.name for n in ANATOMY.nerves if n.limb == "arm"}
_NERVE_OF = {m.name: m.nerve for n in ANATOMY.nerves for m in n.muscles}
# The sensory nerve whose conduction is read across a motor nerve's block (criterion 3).
SENSORY_FOR = {"median": "median", "ulnar": "ulnar", "radial": "radial sensory",
               "peroneal": "sural", "tibial": "sural"}
EARLY_DAYS = 42.0  # "the initial weeks" of weakness (criterion 11): six weeks (approx.)
LASTING_DAYS = 30.0  # criterion 1: for more than 1 month
# Criterion 1 asks for *slowly or stepwise progressive* weakness: an illness whose weakness
# reached its nadir within 4 weeks of onset and then stopped progressing is acute (the time
# course of Guillain-Barré syndrome: nadir within 4 weeks, Asbury & Cornblath 1990), not
# slowly progressive. (approx.) a fall of at least this many MRC-sum points to that nadir,
# with recovery since of at least half the fall (monophasic), or a fall of at least
# ACUTE_GENERALISED_POINTS with weakness in at least 3 limbs at the nadir (generalised): an
# early step of MMN, mild and then stable, is neither.
ACUTE_NADIR_DAYS = 28.0
ACUTE_FALL_POINTS = 4
ACUTE_GENERALISED_POINTS = 10
ACUTE_LIMBS = 3
_DIFFUSE_LIMBS = 3  # criterion 11 (approx.): weakness in >=3 limbs ...
_DIFFUSE_PAIRED = 0.75  # ... with >=75% of weak muscles weak on both sides


@dataclass(frozen=True)
class Item:
    section: str  # clinical core | exclusions | supportive clinical | supportive laboratory
    #               | electrodiagnostic
    criterion: str  # the guideline's number, e.g. "1", "8", "lab 2", "CB 1"
    label: str
    met: bool  # for exclusions: True means the exclusion is ABSENT (good)
    finding: str


@dataclass(frozen=True)
class Findings:
    """What the checklist reads on one day, as a clinician has it."""

    day: float
    exam: pd.DataFrame  # exam rows of the day: side, site, finding, value
    weak_since: float | None  # day weakness was first found (None: never)
    early_exam: pd.DataFrame | None  # exam rows in the initial weeks of weakness
    ncs: pd.DataFrame  # nerve conduction rows of the day (electro.STUDY_COLUMNS)
    labs: pd.DataFrame  # laboratory rows of the day: test, result, value, unit
    response: tuple[bool, str]  # objective improvement after immunoglobulin, and the finding
    # (record days, MRC sum) up to the day: the time course of the weakness (None: not known)
    mrc_course: tuple[tuple[float, ...], tuple[int, ...]] | None = None
    nadir_limbs: int = 0  # limbs with a weak muscle at the nadir (the lowest MRC sum so far)


@dataclass(frozen=True)
class Checklist:
    day: float
    items: tuple[Item, ...]
    category: str  # definite | probable | possible | not met
    reason: str  # the rule that gave the category, or what is missing
    ncs_lines: tuple[str, ...]

    def section(self, name: str) -> list[Item]:
        return [i for i in self.items if i.section == name]

    def item(self, criterion: str) -> Item:
        return next(i for i in self.items if i.criterion == criterion)


def evaluate(run: Run, day: float, patient: int = 0) -> Checklist:
    """Every item of the MMN checklist at ``day`` for one patient of ``run``, and the
    category."""
    return decide(gather(run, day, patient))


def gather(run: Run, day: float, patient: int = 0) -> Findings:
    """The findings on ``day``: examination, history of weakness, studies, laboratory."""
    pr, arr = run.patient_runs[patient], run.arrays(patient)
    weak = (arr.grades < 5).any(axis=1) & (pr.days <= day + 1e-9)
    weak_since = float(pr.days[weak.argmax()]) if weak.any() else None
    early = None
    if weak_since is not None:
        early = run.examination(min(day, weak_since + EARLY_DAYS), patient)
    t = run.tables
    mine = {k: t[k][t[k]["patient"] == pr.patient_index] for k in ("clinical", "events")}
    upto = pr.days <= day + 1e-9
    course = (tuple(float(d) for d in pr.days[upto]),
              tuple(int(m) for m in arr.mrc_sum[upto]))
    nadir_limbs = 0
    if course[1]:
        i = min(range(len(course[1])), key=lambda k: (course[1][k], course[0][k]))
        nadir_limbs = len(_Exam(run.examination(course[0][i], patient)).limbs_weak())
    return Findings(float(day), run.examination(day, patient), weak_since, early,
                    run.ncs(day, patient=patient), run.labs(day, patient),
                    _response(mine["clinical"], mine["events"], day), course, nadir_limbs)


class _Exam:
    """Quick lookups into exam rows."""

    def __init__(self, df: pd.DataFrame) -> None:
        self.v = {(r.side, r.site, r.finding): r.value
                  for r in df[["side", "site", "finding", "value"]].itertuples(index=False)}
        self.weak = {(s, m): int(v) for (s, m, f), v in self.v.items()
                     if f == "mrc" and int(v) < 5}

    def rows(self, finding: str) -> list[tuple[str, str, str]]:
        return [(s, site, v) for (s, site, f), v in self.v.items() if f == finding]

    def limbs_weak(self) -> set[tuple[str, str]]:
        return {(s, MUSCLE_LIMB[m]) for s, m in self.weak}

    def nerves(self) -> list[tuple[str, str]]:
        return sorted({(s, _NERVE_OF[m]) for s, m in self.weak})


def decide(f: Findings) -> Checklist:
    """The checklist and its category from findings alone (EFNS/PNS 2010 Tables 1-4)."""
    ex = _Exam(f.exam)
    summ = electro.summarize(f.ncs)
    block = _blocks_with_normal_sensory(f.ncs, summ)
    items = [*_core(f, ex), *_exclusions(f, ex), *_supportive_clinical(f, ex),
             *_supportive_lab(f), *_electro(summ, block, entrapment_blocks(f.ncs))]
    n_lab = sum(i.met for i in items if i.section == "supportive laboratory")
    summ = electro.summarize(f.ncs, supportive_findings=n_lab)
    category, reason = _category(items, ex, block, summ, n_lab)
    if category == "not met":
        reason += against_mmn(entrapment_blocks(f.ncs), summ)
    return Checklist(f.day, tuple(items), category, reason, tuple(summ.lines()))


def against_mmn(entrapped: list[str], summ: electro.StudySummary) -> str:
    """The study findings that argue against MMN besides the rule that decided: drops at
    entrapment sites (never counted as block, van Schaik et al. 2010) and abnormal sensory
    conduction (criterion CB 3); empty when there are none. Appended to a "not met" reason
    so a pressure-palsy neuropathy or an entrapment is rejected for what it shows."""
    notes = []
    if entrapped:
        notes.append("the area reductions lie at entrapment sites, which do not count as "
                     "conduction block (" + ", ".join(entrapped[:2]) + ")")
    if summ.sensory_abnormal:
        bad = ", ".join(f"{s} {n}" for s, n in summ.sensory_abnormal[:3])
        notes.append(f"sensory conduction is abnormal ({bad}"
                     + (", ..." if len(summ.sensory_abnormal) > 3 else "") + ")")
    return "; also against MMN: " + "; ".join(notes) if notes else ""


def _core(f: Findings, ex: _Exam) -> list[Item]:
    nerves = ex.nerves()
    lasting = f.weak_since is not None and f.day - f.weak_since > LASTING_DAYS
    grades: dict[str, dict[str, int]] = {}
    for side, muscle, v in ex.rows("mrc"):
        grades.setdefault(muscle, {})[side] = int(v)
    asym = [m for m, g in grades.items() if len(g) == 2 and (
        (max(g.values()) > 3 and max(g.values()) - min(g.values()) >= 1)
        or (max(g.values()) <= 3 and max(g.values()) - min(g.values()) >= 2))]
    sensory = _sensory_deficits(ex)
    acute = acute_course(f)
    return [
        Item("clinical core", "1", "Slowly progressive weakness for more than 1 month",
             lasting and acute is None,
             acute if acute is not None else
             f"weakness since day {f.weak_since:.0f} ({f.day - f.weak_since:.0f} days)"
             if f.weak_since is not None else "no weak muscle yet"),
        Item("clinical core", "1", "Focal and asymmetric (side difference >=1 MRC grade, "
             ">=2 if strength <=3)", bool(asym),
             f"{len(asym)} muscle(s) differ: " + ", ".join(asym[:4]) if asym
             else "no side difference of that size"),
        Item("clinical core", "1", "Motor involvement in the territory of >=2 nerves",
             len(nerves) >= 2,
             f"{len(nerves)} nerve territories: " + ", ".join(f"{s} {n}" for s, n in nerves[:5])
             + (" (one nerve only: at most possible MMN)" if len(nerves) == 1 else "")
             if nerves else "no weak muscle"),
        Item("clinical core", "2", "No objective sensory abnormality except minor vibration "
             "loss in the legs", not sensory, "; ".join(sensory) if sensory
             else _sensory_normal_text(ex)),
    ]


def acute_course(f: Findings) -> str | None:
    """The finding that the weakness was acute (nadir within 4 weeks of onset, no progression
    since), or None: slowly progressive, too early to tell, or no course known."""
    if f.mrc_course is None or f.weak_since is None or f.day - f.weak_since <= LASTING_DAYS:
        return None
    days, mrc = f.mrc_course
    if not mrc:
        return None
    i = min(range(len(mrc)), key=lambda k: (mrc[k], days[k]))  # the first day of the nadir
    t = days[i] - f.weak_since
    fall = mrc[0] - mrc[i]
    regained = mrc[-1] - mrc[i]
    generalised = f.nadir_limbs >= ACUTE_LIMBS and fall >= ACUTE_GENERALISED_POINTS
    if (t > ACUTE_NADIR_DAYS or fall < ACUTE_FALL_POINTS
            or not (generalised or 2 * regained >= fall)):
        return None
    after = f"then regained {regained} points" if regained > 0 else "then stayed there"
    where = f" with weakness in {f.nadir_limbs} limbs" if generalised else ""
    return (f"acute, not slowly progressive: the MRC sum fell {fall} points to its nadir "
            f"({mrc[i]}){where} on day {days[i]:.0f}, {t:.0f} days after the weakness began, "
            f"and {after} (MRC sum {mrc[-1]} on day {days[-1]:.0f})")


def _sensory_deficits(ex: _Exam) -> list[str]:
    """Every sensory finding beyond the minor vibration loss in the legs the guideline allows."""
    out = []
    for side in SIDES:
        for limb in LIMBS:
            for mod in MODALITIES:
                v = ex.v.get((side, limb, f"sensation_{mod}"), "normal")
                minor = limb == "leg" and mod == "vibration" and v == "mildly reduced"
                if v != "normal" and not minor:
                    out.append(f"{mod} {v} in the {side} {limb}")
    return out


def _sensory_normal_text(ex: _Exam) -> str:
    minor = [s for s in SIDES if ex.v.get((s, "leg", "sensation_vibration")) == "mildly reduced"]
    return ("pain, temperature, vibration and joint position normal in all limbs" if not minor
            else f"only minor vibration loss in the {' and '.join(minor)} leg (allowed)")


def _exclusions(f: Findings, ex: _Exam) -> list[Item]:
    umn = [f"{s} {site} reflex brisk" for s, site, v in ex.rows("reflex") if v == "brisk"]
    umn += [f"{s} {limb} spastic" for s, limb, v in ex.rows("tone") if v == "increased"]
    umn += [f"{s} plantar extensor" for s, _, v in ex.rows("plantar") if v == "extensor"]
    slight = [f"{s} {site}" for s, site, v in ex.rows("reflex") if v == "slightly brisk"]
    speech, swallow = ex.v.get(("", "bulbar", "speech")), ex.v.get(("", "bulbar", "swallowing"))
    bulbar = [x for x in (speech, swallow) if x not in (None, "normal")]
    sensory = _sensory_deficits(ex)
    diffuse, early_text = _diffuse_early(f)
    return [
        Item("exclusions", "8", "No upper motor neuron signs (brisk reflexes, spasticity, "
             "extensor plantar)", not umn, ", ".join(umn) if umn else (
                 "no brisk reflex, spasticity or extensor plantar"
                 + (f"; slightly brisk reflex ({', '.join(slight)}) allowed without other "
                    "upper motor neuron signs" if slight else ""))),
        Item("exclusions", "9", "No marked bulbar involvement (speech, swallowing)", not bulbar,
             ", ".join(bulbar) if bulbar else "speech and swallowing normal"),
        Item("exclusions", "10", "No sensory impairment beyond minor vibration loss in the legs",
             not sensory, "; ".join(sensory) if sensory else _sensory_normal_text(ex)),
        Item("exclusions", "11", "No diffuse symmetric weakness in the initial weeks",
             not diffuse, early_text),
    ]


def _diffuse_early(f: Findings) -> tuple[bool, str]:
    if f.early_exam is None:
        return False, "no weakness yet"
    early = _Exam(f.early_exam)
    weak = early.weak
    if not weak:
        return False, "no weak muscle in the initial weeks"
    names = {m for _, m in weak}
    paired = sum(1 for m in names if ("left", m) in weak and ("right", m) in weak) / len(names)
    limbs = len(early.limbs_weak())
    diffuse = limbs >= _DIFFUSE_LIMBS and paired >= _DIFFUSE_PAIRED
    return diffuse, (f"{len(weak)} weak muscle(s) in {limbs} limb(s) in the first "
                     f"{EARLY_DAYS:.0f} days of weakness, {paired:.0%} on both sides")


def _supportive_clinical(f: Findings, ex: _Exam) -> list[Item]:
    arms = sum(5 - g for (s, m), g in ex.weak.items() if MUSCLE_LIMB[m] == "arm")
    legs = sum(5 - g for (s, m), g in ex.weak.items() if MUSCLE_LIMB[m] == "leg")
    affected = ex.limbs_weak()
    low = [f"{s} {site} {v}" for s, site, v in ex.rows("reflex")
           if v in ("reduced", "absent") and (s, REFLEXES[site][0]) in affected]
    cranial = ex.v.get(("", "cranial nerves", "cranial_nerves"), "normal")
    spont = [f"{x} in the {s} {limb}" for x in ("cramps", "fasciculations")
             for s, limb, v in ex.rows(x) if v == "present" and (s, limb) in affected]
    return [
        Item("supportive clinical", "3", "Predominant upper-limb involvement",
             arms > legs, f"MRC points lost: arms {arms}, legs {legs}"),
        Item("supportive clinical", "4", "Reduced or absent tendon reflexes in the affected "
             "limb", bool(low), ", ".join(low[:4]) if low else "no reduced reflex in a weak limb"),
        Item("supportive clinical", "5", "No cranial nerve involvement", cranial == "normal",
             f"cranial nerves {cranial}"),
        Item("supportive clinical", "6", "Cramps and fasciculations in the affected limb",
             bool(spont), ", ".join(spont[:4]) if spont else "none in a weak limb"),
        Item("supportive clinical", "7", "Response to immunomodulatory treatment",
             f.response[0], f.response[1]),
    ]


def _lab(f: Findings, test: str) -> tuple[str, float]:
    rows = f.labs[f.labs["test"] == test]
    if rows.empty:
        return "not done", float("nan")
    r = rows.iloc[-1]
    return str(r["result"]), float(r["value"])


def _supportive_lab(f: Findings) -> list[Item]:
    gm1, titre = _lab(f, "anti_gm1_igm")
    csf, protein = _lab(f, "csf_protein")
    mri, _ = _lab(f, "plexus_mri")
    return [
        Item("supportive laboratory", "lab 1", "Raised IgM anti-GM1 antibodies",
             gm1 == "positive", f"anti-GM1 {gm1}" + (f", titre {titre:g}x cut-off"
                                                      if gm1 == "positive" else "")),
        Item("supportive laboratory", "lab 2", "Raised CSF protein, below 1 g/L",
             csf == "raised", f"CSF protein {csf}" + (f", {protein:.2f} g/L"
                                                       if protein == protein else "")),
        Item("supportive laboratory", "lab 3", "Brachial plexus MRI: T2 hyperintensity with "
             "swelling", mri not in ("normal", "not done"), f"plexus MRI {mri}"),
        Item("supportive laboratory", "lab 4", "Objective clinical improvement after IVIg",
             f.response[0], f.response[1]),
    ]


def _blocks_with_normal_sensory(ncs: pd.DataFrame,
                                summ: electro.StudySummary) -> dict[str, list[tuple[str, str]]]:
    """Nerves with definite / at-least-probable block whose sensory conduction is normal
    (criterion 3 read per nerve), side counted."""
    tested = {(r.side, r.nerve) for r in ncs[ncs["kind"] == "sensory"].itertuples(index=False)}
    bad = set(summ.sensory_abnormal)

    def normal(side: str, nerve: str) -> bool:
        sn = SENSORY_FOR.get(nerve)
        if sn is None:
            return summ.sensory_normal
        return (side, sn) in tested and (side, sn) not in bad

    definite = sorted({(s, n) for s, n, _ in summ.definite if normal(s, n)})
    any_block = sorted({(s, n) for s, n, _ in (*summ.definite, *summ.probable) if normal(s, n)})
    return {"definite": definite, "block": any_block}


# Segments by (nerve, proximal stimulation point), to name a reduction at an entrapment site.
_SEGMENT_AT = {(n.name, s.proximal_point): s for n in ANATOMY.nerves for s in n.segments
               if s.index >= 1 and s.proximal_point is not None}


def entrapment_blocks(ncs: pd.DataFrame) -> list[str]:
    """Area reductions of >=30% across an entrapment site: the guideline does not count them
    as conduction block (van Schaik et al. 2010), so they are named, never counted."""
    out = []
    motor = ncs[ncs["kind"] == "motor"]
    for r in motor.itertuples(index=False):
        seg = _SEGMENT_AT.get((r.nerve, r.stim_site))
        if seg is not None and seg.entrapment and r.block_pct >= 30.0:
            out.append(f"{r.side} {r.nerve} {seg.name} ({seg.entrapment}) "
                       f"{r.block_pct:.0f}% area reduction")
    return out


def _electro(summ: electro.StudySummary, block: dict[str, list[tuple[str, str]]],
             entrapped: list[str] | None = None) -> list[Item]:
    d, b = block["definite"], block["block"]
    not_counted = ("; not counted, at an entrapment site: " + ", ".join(entrapped[:3])
                   if entrapped else "")
    return [
        Item("electrodiagnostic", "CB 1", "Definite motor conduction block (with normal "
             "sensory conduction in that nerve)", bool(d),
             (f"{len(d)} nerve(s): " + ", ".join(f"{s} {n}" for s, n in d[:4]) if d else "none")
             + not_counted),
        Item("electrodiagnostic", "CB 2", "Probable (or definite) motor conduction block with "
             "normal sensory conduction", bool(b),
             (f"{len(b)} nerve(s): " + ", ".join(f"{s} {n}" for s, n in b[:4]) if b else "none")
             + not_counted),
        Item("electrodiagnostic", "CB 3", "Normal sensory nerve conduction",
             summ.sensory_normal, f"{summ.sensory_tested} sensory nerves tested, "
             f"{len(summ.sensory_abnormal)} below normal"),
    ]


def _category(items: list[Item], ex: _Exam, block: dict[str, list[tuple[str, str]]],
              summ: electro.StudySummary, n_lab: int) -> tuple[str, str]:
    """EFNS/PNS 2010 Table 4, in its order; the reason names the rule or what is missing."""
    core = [i for i in items if i.section == "clinical core"]
    core_but_nerves = all(i.met for i in core if not i.label.startswith("Motor involvement"))
    excl = [i for i in items if i.section == "exclusions" and not i.met]
    n_nerves = len(ex.nerves())
    tempo = core[0]
    if not tempo.met and tempo.finding.startswith("acute"):  # the time course decides first
        return "not met", (f"clinical core 1 not met: {tempo.finding}" + (
            "; exclusion present: " + "; ".join(f"{i.label[3:]} ({i.finding})" for i in excl)
            if excl else ""))
    if excl:
        return "not met", "exclusion present: " + "; ".join(
            f"{i.label[3:]} ({i.finding})" for i in excl)
    if not core_but_nerves:
        missing = [i.label for i in core if not i.met and not i.label.startswith("Motor")]
        return "not met", "clinical core not met: " + "; ".join(missing)
    n_def, n_block = len(block["definite"]), len(block["block"])
    if n_nerves >= 2:
        if n_def >= 1:
            return "definite", "clinical criteria met and definite block in 1 or more nerves"
        if n_block >= 2:
            return "probable", "clinical criteria met and probable block in 2 or more nerves"
        if n_block == 1 and n_lab >= 2:
            return "probable", (f"clinical criteria met, probable block in 1 nerve and "
                                f"{n_lab} supportive laboratory findings")
        if summ.sensory_normal and next(i for i in items if i.criterion == "lab 4").met:
            return "possible", ("clinical criteria met, normal sensory conduction and "
                                "improvement after IVIg")
        return "not met", (f"clinical criteria met but block in {n_block} nerve(s) with "
                           f"{n_lab} supportive laboratory finding(s)")
    if n_nerves == 1 and n_block >= 1:
        return "possible", "signs in one nerve only, with block in one nerve"
    return "not met", ("weakness in one nerve only and no block" if n_nerves == 1
                       else "no weakness")


def _response(clinical: pd.DataFrame, events: pd.DataFrame, day: float) -> tuple[bool, str]:
    """Objective improvement (grip or MRC sum) within 8 weeks of the first immunoglobulin."""
    doses = events[events["event"].isin(
        [t.course_event for t in treatments.REGISTRY.values() if t.immunoglobulin])]
    doses = doses[doses["day"] <= day]
    if doses.empty:
        return False, "no immunoglobulin given by this day"
    return response_after(clinical, day, float(doses["day"].min()), "the first IVIg course")


def response_after(clinical: pd.DataFrame, day: float, first: float,
                   what: str) -> tuple[bool, str]:
    """Objective improvement (grip or MRC sum, ``objective_response``) in the 8 weeks after
    day ``first`` (``what`` was given then), seen by ``day``; the finding in words."""
    c = clinical[clinical["day"] <= day]
    before = c[c["day"] <= first]
    after = c[(c["day"] > first) & (c["day"] <= first + 56)]
    if before.empty or after.empty:
        return False, "too early to judge"
    b = before.iloc[-1]
    weaker = weaker_side(b["grip_left_kg"], b["grip_right_kg"])
    gain = float(after[f"grip_{weaker}_kg"].max() - b[f"grip_{weaker}_kg"])
    mrc_gain = int(after["mrc_sum"].max() - b["mrc_sum"])
    met = objective_response(gain, mrc_gain)
    return bool(met), (f"weaker ({weaker}) hand grip {gain:+.1f} kg, MRC sum {mrc_gain:+d} "
                       f"within 8 weeks of {what} (day {first:.0f})")


def table(checklist: Checklist) -> pd.DataFrame:
    """The checklist as a plain table (the text alternative shown under the ticks)."""
    return pd.DataFrame(
        [(i.section, i.criterion, i.label, "yes" if i.met else "no", i.finding)
         for i in checklist.items],
        columns=["section", "criterion", "label", "met", "finding"],
    )
