"""Notice-line checks: the mimics (progressive muscular atrophy, ulnar neuropathy at the elbow).

Each check's docstring says what it measures; ``tests/test_preset_claims.py`` maps them to the
notice lines. Studies are read at day 700 (the presets' own study day), two years in.
"""

from __future__ import annotations

from sim.anatomy import ANATOMY
from sim.diagnosis import evaluate
from sim.mnd_pattern import assess

from .support import TYPICAL, every, over_seeds, run, share

PMA = "pma-vs-mmn"
UNE = "ulnar-entrapment"
DAY = 700.0
_LLN = {n.name: n.lln_uv for n in ANATOMY.sensory}
_NERVE_OF = {m.name: m.nerve for n in ANATOMY.nerves for m in n.muscles}


def _graded_blocks(r) -> int:
    ncs = r.ncs(DAY)
    return int(ncs["grade"].isin(["definite", "probable"]).sum())


def pma_no_block() -> str:
    """On every seed the conduction study at day 700 grades no segment of any nerve as
    definite or probable block (EFNS/PNS 2010 grading), although CMAPs have fallen: the
    lowest distal CMAP is below 80% of the highest healthy mean (units lost, not blocked)."""
    def measure(s):
        r = run(PMA, s)
        motor = r.ncs(DAY)
        motor = motor[(motor["kind"] == "motor") & (motor["stim_site"].isin(
            [n.points[0] for n in ANATOMY.nerves]))]
        return _graded_blocks(r), float(motor["amplitude"].min())
    v = over_seeds(PMA, measure)
    return every(v, lambda x: x[0] == 0 and x[1] < 0.8 * 10.6, "graded blocks, lowest CMAP")


def pma_sensory_normal() -> str:
    """On every seed every sensory nerve action potential at day 700 is at or above its lower
    limit of normal (no sensory nerve tested abnormal), as in MMN."""
    def measure(s):
        ncs = run(PMA, s).ncs(DAY)
        sens = ncs[ncs["kind"] == "sensory"]
        return int((sens["amplitude"] < sens["nerve"].map(_LLN)).sum())
    return every(over_seeds(PMA, measure), lambda n: n == 0, "sensory nerves below normal")


def pma_lmn_two_regions() -> str:
    """In at least three of four seeds (and the own seed) the Gold Coast outline at day 700
    finds lower motor neuron dysfunction in both the cervical and the lumbosacral region, with
    needle EMG active denervation beside chronic reinnervation (in two muscles of different
    nerves) as the evidence in at least one of them."""
    def measure(s):
        p = assess(run(PMA, s), DAY)
        emg = any("EMG" in p.item(f"LMN {r}").finding for r in ("cervical", "lumbosacral"))
        return set(p.lmn_regions) >= {"cervical", "lumbosacral"} and emg
    return share(over_seeds(PMA, measure), bool, TYPICAL, "LMN in arms and legs")


def pma_ivig_changes_nothing() -> str:
    """On every seed the clinical table (grip, MRC sum, disability) of the preset, with its
    IVIg course at day 365, is identical to the same patient's with no treatment at all."""
    def measure(s):
        cols = ["grip_left_kg", "grip_right_kg", "mrc_sum", "disability"]
        a = run(PMA, s).tables["clinical"][cols]
        b = run(PMA, s, treatment=[]).tables["clinical"][cols]
        return a.equals(b)
    return every(over_seeds(PMA, measure), bool, "with and without IVIg identical")


def pma_checklist_fails_on_block() -> str:
    """On every seed the EFNS/PNS 2010 MMN checklist at day 700 is 'not met' and its
    conduction block criteria (CB 1 definite, CB 2 probable) are the ones not met."""
    def measure(s):
        cl = evaluate(run(PMA, s), DAY)
        return cl.category, cl.item("CB 1").met or cl.item("CB 2").met
    return every(over_seeds(PMA, measure), lambda x: x == ("not met", False),
                 "category, any block criterion met")


def une_entrapment_block_not_counted() -> str:
    """On every seed no segment is graded as block at day 700; in at least three of four seeds
    the CMAP area falls by 30% or more across the elbow (an entrapment site), and the
    checklist's CB 1 finding names it as not counted."""
    def measure(s):
        r = run(UNE, s)
        ncs = r.ncs(DAY)
        drop = ncs[(ncs["nerve"] == "ulnar") & (ncs["stim_site"] == "above elbow")]
        named = "entrapment site" in evaluate(r, DAY).item("CB 1").finding
        return _graded_blocks(r), float(drop["block_pct"].max()), named
    v = over_seeds(UNE, measure)
    every(v, lambda x: x[0] == 0, "graded blocks")
    return share(v, lambda x: x[1] >= 30 and x[2], TYPICAL, "named drop across the elbow")


def une_ulnar_snap_low() -> str:
    """In at least three of four seeds the ulnar SNAP of one side is below its lower limit at
    day 700; on every seed all median, radial and sural SNAPs are normal."""
    def measure(s):
        ncs = run(UNE, s).ncs(DAY)
        sens = ncs[ncs["kind"] == "sensory"]
        low = sens[sens["amplitude"] < sens["nerve"].map(_LLN)]
        return set(low["nerve"])
    v = over_seeds(UNE, measure)
    every(v, lambda x: x <= {"ulnar"}, "only the ulnar SNAP can be low")
    return share(v, lambda x: x == {"ulnar"}, TYPICAL, "ulnar SNAP low")


def une_only_ulnar_weak() -> str:
    """On every seed every muscle with MRC below 5 at day 700 is supplied by the ulnar nerve,
    and all of them are on one side."""
    def measure(s):
        m = run(UNE, s).tables["muscles"]
        weak = m[(m["day"] == m["day"][m["day"] <= DAY].max()) & (m["mrc"] < 5)]
        return set(weak["nerve"]), set(weak["side"])
    return every(over_seeds(UNE, measure), lambda x: x[0] <= {"ulnar"} and len(x[1]) <= 1,
                 "weak nerves, sides")


def une_checklist_not_met() -> str:
    """On every seed the EFNS/PNS 2010 MMN checklist at day 700 is 'not met', with at least
    one of: weakness in one nerve only, sensory abnormality (criterion 2 or 10), no countable
    block (CB 1 and CB 2) named among the failing items."""
    def measure(s):
        cl = evaluate(run(UNE, s), DAY)
        failed = {i.criterion for i in cl.items if not i.met}
        return cl.category, failed
    return every(over_seeds(UNE, measure),
                 lambda x: x[0] == "not met" and {"CB 1", "CB 2"} <= x[1],
                 "category, failing items")
