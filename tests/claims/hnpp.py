"""Notice-line checks: HNPP (hereditary neuropathy with liability to pressure palsies).

Each check's docstring says what it measures; ``tests/test_preset_claims.py`` maps them to the
notice lines. The preset's study is read at day 700, between palsies; a palsy is the
``lesion_onset`` event the disease draws after pressure on an entrapment site.
"""

from __future__ import annotations

from sim.diagnosis import evaluate
from sim.diagnosis.cidp import NORMAL_LIMITS
from sim.diseases.hnpp import PALSY_SITES

from .support import TYPICAL, every, over_seeds, run, share

HNPP = "hnpp"
DAY = 700.0


def _palsies(r) -> list[tuple]:
    """(day, side, nerve, segment) of every palsy of patient 0."""
    ev = r.tables["events"]
    p = ev[ev["event"] == "lesion_onset"]
    return list(zip(p["day"], p["side"], p["nerve"], p["segment"], strict=True))


def hnpp_palsies_recur() -> str:
    """On every seed every palsy falls on an entrapment segment (fibular head, elbow, spiral
    groove, wrist); in at least three of four seeds (and the own seed) there are two or more
    palsies within the preset's three years."""
    def measure(s):
        p = _palsies(run(HNPP, s))
        return len(p), all((n, seg) in PALSY_SITES for _, _, n, seg in p)
    v = over_seeds(HNPP, measure)
    every(v, lambda x: x[1], "all palsies at entrapment sites")
    return share(v, lambda x: x[0] >= 2, TYPICAL, "two or more palsies")


def hnpp_normal_nerve_conducts_slowly() -> str:
    """On every seed the conduction study at day 700 shows a distal motor latency above its
    upper limit of normal (median 4.4, ulnar 3.3, peroneal 6.5, tibial 5.8 ms) in at least one
    nerve that never had a palsy and whose muscles are all MRC 5 that day."""
    def measure(s):
        r = run(HNPP, s)
        hit = {(side, n) for _, side, n, _ in _palsies(r)}
        m = r.tables["muscles"]
        m = m[m["day"] == m["day"][m["day"] <= DAY].max()]
        weak = {(x.side, x.nerve) for x in m[m["mrc"] < 5].itertuples(index=False)}
        ncs = r.ncs(DAY)
        distal = ncs[(ncs["kind"] == "motor") & ncs["stim_site"].isin(["wrist", "ankle"])]
        return sum(x.latency_ms > NORMAL_LIMITS[x.nerve]["dl"]
                   for x in distal.itertuples(index=False)
                   if x.nerve in NORMAL_LIMITS and (x.side, x.nerve) not in hit | weak)
    return every(over_seeds(HNPP, measure), lambda k: k >= 1,
                 "never-weak nerves with a prolonged distal latency")


def hnpp_palsy_recovers() -> str:
    """For the first palsy (day 0), in at least three of four seeds (and the own seed): a
    muscle of that nerve on that side is below MRC 5 on day 14, and every muscle of it is
    back to MRC 5 by day 182 (six months)."""
    def measure(s):
        r = run(HNPP, s)
        _, side, nerve, _ = _palsies(r)[0]
        m = r.tables["muscles"]
        m = m[(m["side"] == side) & (m["nerve"] == nerve)]
        return (int(m[m["day"] == 14.0]["mrc"].min()),
                int(m[m["day"] == m["day"][m["day"] <= 182.0].max()]["mrc"].min()))
    return share(over_seeds(HNPP, measure), lambda x: x[0] < 5 and x[1] == 5, TYPICAL,
                 "(weakest MRC of the palsied nerve at day 14, at day 182)")


def hnpp_ivig_does_nothing() -> str:
    """On every seed the clinical table (grip, MRC sum, disability) with the preset's IVIg
    course during the first palsy is identical to the same patient's without treatment."""
    def measure(s):
        cols = ["grip_left_kg", "grip_right_kg", "mrc_sum", "disability"]
        a = run(HNPP, s).tables["clinical"][cols]
        b = run(HNPP, s, treatment=[]).tables["clinical"][cols]
        return a.equals(b)
    return every(over_seeds(HNPP, measure), bool, "with and without IVIg identical")


def hnpp_checklist_not_met() -> str:
    """On every seed the EFNS/PNS 2010 MMN checklist at day 700 is 'not met' with no countable
    block (CB 1 and CB 2 not met) and the genetic test reports the PMP22 deletion; in at least
    three of four seeds (and the own seed) sensory conduction is abnormal (CB 3 not met) and
    the reason says so."""
    def measure(s):
        r = run(HNPP, s)
        cl = evaluate(r, DAY)
        gene = r.labs(DAY).set_index("test").loc["pmp22_deletion", "result"]
        return (cl.category, cl.item("CB 1").met or cl.item("CB 2").met, gene,
                not cl.item("CB 3").met and "sensory conduction is abnormal" in cl.reason)
    v = over_seeds(HNPP, measure)
    every(v, lambda x: x[:3] == ("not met", False, "deletion present"),
          "category, any block criterion met, genetic test")
    return share(v, lambda x: x[3], TYPICAL, "sensory conduction abnormal and named")
