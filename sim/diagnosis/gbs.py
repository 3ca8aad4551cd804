"""Guillain-Barré syndrome in outline: the Brighton levels of diagnostic certainty, decided
from findings on one day.

Why: MMN is told from the acute neuropathies by its time course, and a student should see the
GBS criteria a patient meets or fails beside the MMN checklist. The Brighton Collaboration case
definition (Sejvar 2011, Vaccine 29:599-612), which builds on the clinical features of
Asbury & Cornblath 1990 (Ann Neurol 27 Suppl:S21-S24), asks for

* (a) bilateral and flaccid weakness of the limbs (read, with (b), at the nadir);
* (b) decreased or absent tendon reflexes in the weak limbs;
* (c) a monophasic course, onset to nadir between 12 hours and 28 days, then a plateau;
* (d) electrophysiological findings consistent with GBS;
* (e) cytoalbuminological dissociation: CSF protein above normal with fewer than 50 white
  cells per µL;
* (f) no alternative diagnosis for the weakness;

**level 1** = all six; **level 2** = a, b, c, f with CSF cells below 50 per µL (protein raised
or not) or, without CSF, electrophysiology consistent with GBS; **level 3** = a, b, c, f.

In the model: (c) reads the MRC sum over the records up to the day (the nadir's day, and no
further fall since; the plateau must have lasted ``PLATEAU_DAYS``); (d) is low distal CMAPs
(below the lower limit of normal) or conduction block in at least two motor nerves, or
abnormal sensory conduction with either (a reading of the Hadden 1998 criteria in outline);
(f) reads the features that cast doubt on GBS (Asbury & Cornblath 1990): upper motor neuron
signs, marked persistent asymmetry (half the weak muscles weak on one side only or 2 grades
weaker there). Every item carries the finding that decided it; nothing
reads the disease's name.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import electro
from ..anatomy import ANATOMY
from ..exam import MUSCLE_LIMB, REFLEXES
from ..results import Run
from .mmn import Findings, Item, gather

__all__ = ["GbsChecklist", "evaluate", "decide", "table", "NADIR_DAYS", "PLATEAU_DAYS",
           "LEVELS"]

NADIR_DAYS = 28.0  # onset to nadir at most 28 days (Sejvar 2011)
PLATEAU_DAYS = 3.0  # (approx.) the nadir must lie this far back to call the course a plateau
CSF_CELLS_MAX = 50.0  # per µL (Sejvar 2011)
CSF_PROTEIN_ULN = 0.45  # g/L, the conventional upper limit (approx.; as sim.labs)
LEVELS = ("level 1", "level 2", "level 3", "not met")
_LLN = {n.name: n.lln_mv for n in ANATOMY.nerves}
_DISTAL = {n.name: n.points[0] for n in ANATOMY.nerves}


@dataclass(frozen=True)
class GbsChecklist:
    day: float
    items: tuple[Item, ...]
    category: str  # one of LEVELS
    reason: str
    ncs_lines: tuple[str, ...] = ()  # as the other checklists (none summarised here)

    def section(self, name: str) -> list[Item]:
        return [i for i in self.items if i.section == name]

    def item(self, criterion: str) -> Item:
        return next(i for i in self.items if i.criterion == criterion)


def evaluate(run: Run, day: float, patient: int = 0) -> GbsChecklist:
    """The Brighton levels at ``day`` for one patient of ``run``: weakness and reflexes as
    examined at the nadir so far (the illness at its worst), the rest as on ``day``."""
    f = gather(run, day, patient)
    nadir = _nadir(f)
    exam = f.exam if nadir is None else run.examination(nadir[0], patient)
    return decide(f, exam)


def _nadir(f: Findings) -> tuple[float, int] | None:
    """(day, MRC sum) of the first record at the lowest MRC sum up to the day."""
    if f.mrc_course is None or not f.mrc_course[1]:
        return None
    days, mrc = f.mrc_course
    i = min(range(len(mrc)), key=lambda k: (mrc[k], days[k]))
    return days[i], mrc[i]


def decide(f: Findings, nadir_exam: pd.DataFrame | None = None) -> GbsChecklist:
    """Items a-f and the level, from findings alone (``nadir_exam``: the examination at the
    nadir; the day's own when not given)."""
    exam = f.exam if nadir_exam is None else nadir_exam
    ex = {(r.side, r.site, r.finding): r.value for r in exam.itertuples(index=False)}
    weak = {(s, m): int(v) for (s, m, k), v in ex.items() if k == "mrc" and int(v) < 5}
    limbs = {(s, MUSCLE_LIMB[m]) for s, m in weak}
    bilateral = any(("left", lb) in limbs and ("right", lb) in limbs for lb in ("arm", "leg"))
    tone = [f"{s} {lb}" for (s, lb, k), v in ex.items() if k == "tone" and v == "increased"]
    reflexes = [(s, r, v) for (s, r, k), v in ex.items() if k == "reflex"
                and (s, REFLEXES[r][0]) in limbs]
    low = [f"{s} {r} {v}" for s, r, v in reflexes if v in ("reduced", "absent")]
    brisk = [f"{s} {r}" for s, r, v in reflexes if v == "brisk"]
    course, course_text = _course(f)
    ncs, ncs_text = _ncs(f.ncs)
    protein, cells, csf_text = _csf(f.labs)
    doubt = _doubt(ex, weak, brisk, tone)
    items = (
        Item("Brighton", "a", "Bilateral and flaccid weakness of the limbs",
             bilateral and not tone, _weakness_text(bilateral, limbs, tone)),
        Item("Brighton", "b", "Decreased or absent tendon reflexes in the weak limbs",
             bool(low) and not brisk, ", ".join(low[:4]) if low and not brisk
             else f"brisk: {', '.join(brisk)}" if brisk else "reflexes normal in weak limbs"),
        Item("Brighton", "c", "Monophasic: onset to nadir within 28 days, then a plateau",
             course, course_text),
        Item("Brighton", "d", "Electrophysiological findings consistent with GBS", ncs, ncs_text),
        Item("Brighton", "e", "CSF protein above normal with fewer than 50 cells per µL",
             protein and cells, csf_text),
        Item("Brighton", "f", "No alternative diagnosis (no features casting doubt on GBS)",
             not doubt, "; ".join(doubt) if doubt else "no upper motor neuron signs, no marked "
             "persistent asymmetry"),
    )
    category, reason = _level({i.criterion: i.met for i in items}, cells, f.labs)
    return GbsChecklist(f.day, items, category, reason)


def _weakness_text(bilateral: bool, limbs: set[tuple[str, str]], tone: list[str]) -> str:
    both = sorted({lb for _, lb in limbs if ("left", lb) in limbs and ("right", lb) in limbs})
    text = (f"weak on both sides: {', '.join(both)}" if bilateral
            else "weakness not bilateral" if limbs else "no weak muscle")
    return text + (f"; spastic: {', '.join(tone)}" if tone else "")


def _course(f: Findings) -> tuple[bool, str]:
    nadir = _nadir(f)
    if f.weak_since is None or nadir is None:
        return False, "no weakness yet"
    day, mrc = nadir
    to_nadir = day - f.weak_since
    since = f.day - day
    if to_nadir > NADIR_DAYS:
        return False, (f"still progressing {to_nadir:.0f} days after onset (nadir, MRC sum "
                       f"{mrc}, on day {day:.0f}): not an acute monophasic course")
    if since < PLATEAU_DAYS:
        return False, f"weakness still progressing on day {day:.0f} (no plateau yet)"
    return True, (f"nadir (MRC sum {mrc}) on day {day:.0f}, {to_nadir:.0f} days after "
                  f"onset; no further fall in the {since:.0f} days since")


def _ncs(ncs: pd.DataFrame) -> tuple[bool, str]:
    if ncs.empty:
        return False, "no nerve conduction study"
    motor = ncs[ncs["kind"] == "motor"]
    distal = motor[motor["stim_site"] == motor["nerve"].map(_DISTAL)]
    low = sorted({f"{r.side} {r.nerve}" for r in distal.itertuples(index=False)
                  if r.amplitude < _LLN[r.nerve]})
    summ = electro.summarize(ncs)
    blocks = sorted({f"{s} {n}" for s, n, _ in (*summ.definite, *summ.probable)})
    nerves = sorted(set(low) | set(blocks))
    met = len(nerves) >= 2
    text = (f"low distal CMAP in {len(low)} nerve(s)" + (f" ({', '.join(low[:4])})" if low
                                                          else "")
            + f"; block in {len(blocks)} nerve(s)" + (f" ({', '.join(blocks[:3])})" if blocks
                                                      else ""))
    return met, text + ("" if met else ": fewer than 2 motor nerves abnormal")


def _lab(labs: pd.DataFrame, test: str) -> tuple[str, float] | None:
    rows = labs[labs["test"] == test]
    if rows.empty:
        return None
    r = rows.iloc[-1]
    return str(r["result"]), float(r["value"])


def _csf(labs: pd.DataFrame) -> tuple[bool, bool, str]:
    protein = _lab(labs, "csf_protein")
    cells = _lab(labs, "csf_cells")
    if protein is None:
        return False, False, "no lumbar puncture"
    raised = protein[1] >= CSF_PROTEIN_ULN
    few = cells is not None and cells[1] < CSF_CELLS_MAX
    return raised, few, (f"protein {protein[1]:.2f} g/L ({'raised' if raised else 'normal'}); "
                         + (f"{cells[1]:g} cells per µL" if cells is not None
                            else "cells not counted"))


def _doubt(ex: dict, weak: dict, brisk: list[str], tone: list[str]) -> list[str]:
    out = []
    if brisk or tone or any(k == "plantar" and v == "extensor" for (_s, _r, k), v in ex.items()):
        out.append("upper motor neuron signs")
    names = {m for _, m in weak}
    # (approx.) marked asymmetry: half the weak muscles weak on one side only, or 2 or more
    # grades weaker on one side
    asym = [m for m in names if (("left", m) in weak) != (("right", m) in weak)
            or abs(weak.get(("left", m), 5) - weak.get(("right", m), 5)) >= 2]
    if names and len(asym) / len(names) >= 0.5:
        out.append(f"marked asymmetry ({len(asym)} of {len(names)} weak muscles weak on one "
                   "side only or 2 or more grades weaker there)")
    return out


def _level(met: dict[str, bool], cells: bool, labs: pd.DataFrame) -> tuple[str, str]:
    core = [k for k in ("a", "b", "c", "f") if not met[k]]
    if core:
        return "not met", "Brighton " + ", ".join(core) + " not met"
    if met["d"] and met["e"]:
        return "level 1", "all six Brighton criteria met"
    no_csf = labs[labs["test"] == "csf_protein"].empty
    if cells or (no_csf and met["d"]):
        return "level 2", ("clinical criteria met with fewer than 50 CSF cells per µL"
                           if cells else "clinical criteria met with consistent "
                           "electrophysiology (no CSF)")
    return "level 3", "clinical criteria a, b, c and f met without CSF or electrophysiology"


def table(checklist: GbsChecklist) -> pd.DataFrame:
    """The checklist as a plain table (the text alternative shown under the ticks)."""
    return pd.DataFrame(
        [(i.section, i.criterion, i.label, "yes" if i.met else "no", i.finding)
         for i in checklist.items],
        columns=["section", "criterion", "label", "met", "finding"],
    )
