"""The motor neuron disease pattern, read from findings: the Gold Coast criteria in outline.

Why: progressive muscular atrophy looks like MMN at the bedside (asymmetric distal weakness,
no sensory loss), and what tells them apart is the study: no conduction block, and needle EMG
showing active denervation beside chronic reinnervation in several body regions. The Gold
Coast criteria for ALS (Shefner et al., Clin Neurophysiol 2020;131:1975) need

1. progressive motor impairment, documented by history or repeated examination, after normal
   motor function;
2. upper and lower motor neuron dysfunction in at least one body region, or lower motor
   neuron dysfunction in at least two body regions;
3. investigations excluding other disease processes.

Lower motor neuron (LMN) dysfunction in a region is clinical (weakness with wasting) or on EMG,
where it must include both chronic neurogenic change (large motor units) and active
denervation (fibrillations or positive sharp waves, or fasciculation potentials); here, as in
the earlier Awaji and revised El Escorial conventions, EMG evidence in a limb region needs two
muscles supplied by different nerves. Upper motor neuron (UMN) dysfunction: brisk reflexes in
a weak limb, spasticity, an extensor plantar. Regions modelled: bulbar, cervical (arms) and
lumbosacral (legs); the thoracic region is not. For criterion 3 the model's investigations
are the nerve conduction study (conduction block outside entrapment sites points to MMN,
abnormal sensory conduction to a neuropathy) and the laboratory (raised IgM anti-GM1 points to
MMN). Every item carries the finding that decided it, and nothing reads the disease's name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import electro
from .anatomy import ANATOMY
from .diagnosis import Item
from .electro import EMG_PARAMS
from .exam import MUSCLE_LIMB, REFLEXES
from .results import Run

__all__ = ["MndPattern", "MndFindings", "REGIONS", "assess", "gather", "decide", "table"]

REGIONS = ("bulbar", "cervical", "lumbosacral")
_REGION_OF_LIMB = {"arm": "cervical", "leg": "lumbosacral"}
_NERVE_OF = {m.name: m.nerve for n in ANATOMY.nerves for m in n.muscles}
_NORMAL_MUP = {m.name: EMG_PARAMS.normal_mup[m.region] for n in ANATOMY.nerves
               for m in n.muscles}
# Chronic neurogenic change: large, long, polyphasic units of reinnervation (Preston &
# Shapiro 2020 4th ed.): amplitude >=1.3x the normal for the muscle or at least twice the normal
# share of polyphasic units. (approx. teaching values)
CHRONIC_AMPLITUDE_RATIO = 1.3
CHRONIC_POLYPHASIC_PCT = 2.0 * EMG_PARAMS.normal_polyphasic_pct
PROGRESSION_DAYS = 180.0  # repeated examination this far apart (approx.)


@dataclass(frozen=True)
class MndFindings:
    """What the pattern reads on one day, as a clinician has it."""

    day: float
    exam: pd.DataFrame  # exam rows of the day: side, site, finding, value
    emg: pd.DataFrame  # needle EMG rows of the day (electro.EMG_COLUMNS)
    ncs: pd.DataFrame  # nerve conduction rows of the day
    labs: pd.DataFrame  # laboratory rows of the day
    mrc_then: int | None  # MRC sum at the earlier examination (None: no weakness then either)
    mrc_now: int
    then_day: float | None


@dataclass(frozen=True)
class MndPattern:
    day: float
    items: tuple[Item, ...]
    category: str  # "ALS pattern" | "PMA pattern" | "not met"
    reason: str
    lmn_regions: tuple[str, ...]
    umn_regions: tuple[str, ...]

    def item(self, criterion: str) -> Item:
        return next(i for i in self.items if i.criterion == criterion)


def assess(run: Run, day: float, patient: int = 0) -> MndPattern:
    """The pattern at ``day`` for one patient of ``run``."""
    return decide(gather(run, day, patient))


def gather(run: Run, day: float, patient: int = 0) -> MndFindings:
    """Exam, needle EMG, nerve conduction and laboratory on ``day``; MRC sum then and earlier."""
    pr, arr = run.patient_runs[patient], run.arrays(patient)
    r_now = int(np.clip(np.searchsorted(pr.days, day + 1e-9, side="right") - 1, 0,
                        pr.days.shape[0] - 1))
    then = day - PROGRESSION_DAYS
    mrc_then, then_day = None, None
    if then >= 0:
        r = int(np.clip(np.searchsorted(pr.days, then + 1e-9, side="right") - 1, 0, r_now))
        mrc_then, then_day = int(arr.mrc_sum[r]), float(pr.days[r])
    return MndFindings(float(day), run.examination(day, patient), run.emg(day, patient),
                       run.ncs(day, patient=patient), run.labs(day, patient),
                       mrc_then, int(arr.mrc_sum[r_now]), then_day)


def _lmn(f: MndFindings) -> dict[str, list[str]]:
    """Evidence of LMN dysfunction per region (empty list: none)."""
    out: dict[str, list[str]] = {r: [] for r in REGIONS}
    ex = {(r.side, r.site, r.finding): r.value for r in f.exam.itertuples(index=False)}
    for (side, site, finding), value in ex.items():
        if finding == "wasting" and value != "none" and int(ex[(side, site, "mrc")]) < 5:
            out[_REGION_OF_LIMB[MUSCLE_LIMB[site]]].append(
                f"{side} {site} weak (MRC {ex[(side, site, 'mrc')]}) and wasted")
    if ex.get(("", "cranial nerves", "cranial_nerves"), "normal") != "normal":
        out["bulbar"].append(f"cranial nerves: {ex[('', 'cranial nerves', 'cranial_nerves')]}")
    nerves: dict[str, set[str]] = {"cervical": set(), "lumbosacral": set()}
    muscles: dict[str, list[str]] = {"cervical": [], "lumbosacral": []}
    for r in f.emg.itertuples(index=False):
        active = r.fibrillations > 0 or r.positive_sharp_waves > 0 or r.fasciculation_potentials
        chronic = (r.mup_amplitude_mv >= CHRONIC_AMPLITUDE_RATIO * _NORMAL_MUP[r.muscle][0]
                   or r.polyphasic_pct >= CHRONIC_POLYPHASIC_PCT)
        if active and chronic:
            region = _REGION_OF_LIMB[MUSCLE_LIMB[r.muscle]]
            nerves[region].add(f"{r.side} {_NERVE_OF[r.muscle]}")
            muscles[region].append(f"{r.side} {r.muscle}")
    for region, found in nerves.items():
        if len(found) >= 2:  # the needle's evidence first: it decides in a weak-but-full limb
            out[region].insert(0, "EMG active and chronic denervation in "
                               + ", ".join(muscles[region][:4]))
    return out


def _umn(f: MndFindings) -> dict[str, list[str]]:
    """Evidence of UMN dysfunction per region (empty list: none)."""
    out: dict[str, list[str]] = {r: [] for r in REGIONS}
    for r in f.exam.itertuples(index=False):
        if r.finding == "reflex" and r.value == "brisk":
            out[_REGION_OF_LIMB[REFLEXES[r.site][0]]].append(f"{r.side} {r.site} reflex brisk")
        elif r.finding == "tone" and r.value == "increased":
            out[_REGION_OF_LIMB[r.site]].append(f"{r.side} {r.site} spastic")
        elif r.finding == "plantar" and r.value == "extensor":
            out["lumbosacral"].append(f"{r.side} plantar extensor")
    return out


def decide(f: MndFindings) -> MndPattern:
    """Gold Coast criteria 1-3 in outline, from findings alone."""
    lmn, umn = _lmn(f), _umn(f)
    lmn_regions = tuple(r for r in REGIONS if lmn[r])
    umn_regions = tuple(r for r in REGIONS if umn[r])
    progressive = f.mrc_then is not None and f.mrc_now < f.mrc_then
    summ = electro.summarize(f.ncs)
    blocks = sorted({f"{s} {n}" for s, n, _ in (*summ.definite, *summ.probable)})
    gm1 = f.labs[f.labs["test"] == "anti_gm1_igm"]
    gm1_pos = bool((gm1["result"] == "positive").any())
    both = [r for r in REGIONS if lmn[r] and umn[r]]
    items = [
        Item("Gold Coast", "GC 1", "Progressive motor impairment (repeated examination)",
             progressive,
             f"MRC sum {f.mrc_then} on day {f.then_day:.0f}, {f.mrc_now} on day {f.day:.0f}"
             if f.mrc_then is not None else "no earlier examination to compare"),
        *(Item("lower motor neuron", f"LMN {r}", f"Lower motor neuron dysfunction: {r}",
               bool(lmn[r]), "; ".join(lmn[r][:3]) if lmn[r] else "none") for r in REGIONS),
        *(Item("upper motor neuron", f"UMN {r}", f"Upper motor neuron dysfunction: {r}",
               bool(umn[r]), ", ".join(umn[r][:4]) if umn[r] else "none")
          for r in REGIONS if r != "bulbar"),
        Item("Gold Coast", "GC 2", "UMN and LMN dysfunction in 1 region, or LMN dysfunction "
             "in 2 or more regions", bool(both) or len(lmn_regions) >= 2,
             f"LMN in {len(lmn_regions)} region(s) ({', '.join(lmn_regions) or 'none'}); "
             f"UMN in {len(umn_regions)} ({', '.join(umn_regions) or 'none'})"),
        Item("other disease excluded", "GC 3a", "No conduction block outside entrapment sites",
             not blocks, "block in " + ", ".join(blocks[:4]) + " (points to MMN)" if blocks
             else "no segment meets the EFNS/PNS 2010 block criteria"),
        Item("other disease excluded", "GC 3b", "Normal sensory nerve conduction",
             summ.sensory_normal, f"{summ.sensory_tested} sensory nerves tested, "
             f"{len(summ.sensory_abnormal)} below normal"
             + ("" if summ.sensory_normal else " (points to a neuropathy)")),
        Item("other disease excluded", "GC 3c", "IgM anti-GM1 not raised", not gm1_pos,
             "anti-GM1 positive (supports MMN)" if gm1_pos else "anti-GM1 negative"
             if not gm1.empty else "not done"),
    ]
    category, reason = _category(items, umn_regions)
    return MndPattern(f.day, tuple(items), category, reason, lmn_regions, umn_regions)


def _category(items: list[Item], umn_regions: tuple[str, ...]) -> tuple[str, str]:
    by = {i.criterion: i for i in items}
    failed = [by[c] for c in ("GC 1", "GC 2", "GC 3a", "GC 3b", "GC 3c") if not by[c].met]
    if failed:
        return "not met", "; ".join(
            f"{i.criterion} not met: {i.label[0].lower()}{i.label[1:]} ({i.finding})"
            for i in failed)
    if umn_regions:
        return "ALS pattern", ("Gold Coast criteria met with upper motor neuron signs: "
                               "amyotrophic lateral sclerosis")
    return "PMA pattern", ("Gold Coast criteria met by lower motor neuron dysfunction in 2 or "
                           "more regions, no upper motor neuron signs: progressive muscular "
                           "atrophy (a form of ALS under these criteria)")


def table(pattern: MndPattern) -> pd.DataFrame:
    """The pattern as a plain table (the text alternative shown under the ticks)."""
    return pd.DataFrame(
        [(i.section, i.criterion, i.label, "yes" if i.met else "no", i.finding)
         for i in pattern.items],
        columns=["section", "criterion", "label", "met", "finding"],
    )
