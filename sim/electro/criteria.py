"""Conduction-block grading and the electrodiagnostic reading of a study, by EFNS/PNS 2010.

Why: conduction block is what defines MMN electrodiagnostically, so each segment is graded
exactly as the guideline does (van Schaik et al., J Peripher Nerv Syst 2010;15:295,
"EFNS/PNS 2010" below) and a whole study is read into its definite / probable / none level.
The thresholds live here, beside their source, and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sim.anatomy import ANATOMY
from sim.sites import SiteSnapshot

__all__ = ["GRADES", "grade_block", "StudySummary", "summarize", "most_blocked_nerve",
           "probe_segments", "most_blocked_segment"]

GRADES: tuple[str, ...] = ("definite", "probable", "none")

# EFNS/PNS 2010 conduction-block thresholds. van Schaik et al. 2010 (EFNS/PNS)
DEFINITE_AREA_REDUCTION_PCT = 50.0  # van Schaik et al. 2010 (EFNS/PNS): area reduction >=50%
PROBABLE_AREA_REDUCTION_PCT = 30.0  # van Schaik et al. 2010 (EFNS/PNS): >=30%, long arm segment
MAX_DURATION_INCREASE_PCT = 30.0  # van Schaik et al. 2010 (EFNS/PNS): duration increase <=30%
DISTAL_MIN_MV = 1.0  # van Schaik et al. 2010 (EFNS/PNS): distal CMAP >1 mV
DISTAL_MIN_LLN_FRACTION = 0.20  # van Schaik et al. 2010 (EFNS/PNS): distal CMAP >20% of LLN

# (nerve, proximal stimulation point) -> segment name, for summaries.
_SEGMENT_AT_POINT = {
    (n.name, s.proximal_point): s.name
    for n in ANATOMY.nerves for s in n.segments if s.index >= 1 and s.proximal_point is not None
}


def grade_block(
    area_reduction_pct: float,
    duration_increase_pct: float,
    distal_amplitude_mv: float,
    lln_mv: float,
    long_upper_limb_segment: bool,
    entrapment: bool | str | None,
) -> str:
    """Grade one segment's conduction block by EFNS/PNS 2010 (van Schaik et al. 2010).

    * definite: area reduction >=50%, duration increase <=30%;
    * probable: area reduction >=30% over a long upper-limb segment with duration increase
      <=30%, or area reduction >=50% with duration increase >30%;
    * entrapment segments never count.

    ``distal_amplitude_mv`` is the negative-peak CMAP on stimulation at the *distal end of the
    segment* (the guideline's wording: "on stimulation of the distal part of the segment with
    motor CB"); for the first segment this is the most distal point of the nerve. It must be
    >1 mV and >20% of LLN. The guideline states this under "definite"; we apply it to
    "probable" too, because an area ratio of a tiny CMAP is unreliable (same rationale as the
    AAEM consensus, Olney et al. 2003). A NaN duration increase (proximal response absent:
    complete block) is treated as "no measurable dispersion", so the area rule decides.
    """
    if entrapment:
        return "none"
    if not area_reduction_pct >= PROBABLE_AREA_REDUCTION_PCT:  # also rejects NaN
        return "none"
    if not (
        distal_amplitude_mv > DISTAL_MIN_MV
        and distal_amplitude_mv > DISTAL_MIN_LLN_FRACTION * lln_mv
    ):
        return "none"
    dispersed = duration_increase_pct > MAX_DURATION_INCREASE_PCT  # NaN -> False
    if area_reduction_pct >= DEFINITE_AREA_REDUCTION_PCT:
        return "probable" if dispersed else "definite"
    if long_upper_limb_segment and not dispersed:
        return "probable"
    return "none"


# --------------------------------------------------------------------------------------------
# Summary for the diagnosis page
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudySummary:
    """EFNS/PNS 2010 electrodiagnostic reading of one study.

    ``level`` is the electrodiagnostic part only: the full diagnosis also needs the clinical
    core and exclusions (van Schaik et al. 2010 (EFNS/PNS)).
    """

    definite: tuple[tuple[str, str, str], ...]  # (side, nerve, segment)
    probable: tuple[tuple[str, str, str], ...]
    n_definite_nerves: int  # nerves (side counted) with >=1 definite block
    n_probable_nerves: int  # nerves whose best grade is probable
    sensory_tested: int
    sensory_abnormal: tuple[tuple[str, str], ...]  # (side, nerve) with SNAP < LLN
    supportive_findings: int
    level: str  # "definite" | "probable" | "none"

    @property
    def sensory_normal(self) -> bool:
        """All tested SNAPs >= LLN; False when no sensory nerve was tested."""
        return self.sensory_tested > 0 and not self.sensory_abnormal

    @property
    def n_block_nerves(self) -> int:
        """Nerves with at least probable block (definite counts as at least probable)."""
        return self.n_definite_nerves + self.n_probable_nerves

    def lines(self) -> list[str]:
        """Plain-language findings for the dashboard, one sentence each."""
        out: list[str] = []
        for label, sites in (("Definite", self.definite), ("Probable", self.probable)):
            for side, nerve, segment in sites:
                out.append(f"{label} conduction block: {side} {nerve}, {segment} segment.")
        if not self.definite and not self.probable:
            out.append("No segment meets the EFNS/PNS 2010 criteria for conduction block.")
        out.append(
            f"{self.n_definite_nerves} nerve(s) with definite block, "
            f"{self.n_probable_nerves} more with probable block."
        )
        if self.sensory_tested == 0:
            out.append("No sensory nerve tested: sensory conduction unknown.")
        elif self.sensory_normal:
            out.append(f"Sensory conduction normal in all {self.sensory_tested} tested nerves.")
        else:
            bad = ", ".join(f"{s} {n}" for s, n in self.sensory_abnormal)
            out.append(f"Sensory responses below normal: {bad} (not typical of MMN).")
        verdict = {
            "definite": "Electrodiagnosis: definite MMN criteria met (definite block, normal "
            "sensory conduction), if the clinical core criteria are met.",
            "probable": "Electrodiagnosis: probable MMN (probable block in 2 or more nerves, or "
            "in 1 nerve with 2 or more supportive findings).",
            "none": "Electrodiagnosis: EFNS/PNS 2010 block criteria for MMN not met.",
        }[self.level]
        out.append(verdict)
        return out


def summarize(study_df: pd.DataFrame, *, supportive_findings: int = 0) -> StudySummary:
    """Read block grades and SNAPs from a :func:`~sim.electro.study` table (EFNS/PNS 2010).

    definite: definite block in >=1 nerve and normal sensory conduction; probable: at least
    probable block in >=2 nerves, or in 1 nerve with >=2 supportive findings (clinical or
    laboratory, given by the caller); else none. Abnormal or untested sensory conduction gives
    "none", because the guideline requires normal sensory conduction across blocked segments.
    Each side's nerve counts as one nerve.
    """
    definite: list[tuple[str, str, str]] = []
    probable: list[tuple[str, str, str]] = []
    abnormal: list[tuple[str, str]] = []
    tested = 0
    lln = {n.name: n.lln_uv for n in ANATOMY.sensory}
    for side, nerve, kind, site, amp, grade in zip(
        study_df["side"], study_df["nerve"], study_df["kind"], study_df["stim_site"],
        study_df["amplitude"], study_df["grade"], strict=True,
    ):
        if kind == "sensory":
            tested += 1
            if not amp >= lln[nerve]:
                abnormal.append((side, nerve))
        elif grade in ("definite", "probable"):
            seg = _SEGMENT_AT_POINT.get((nerve, site), site)
            (definite if grade == "definite" else probable).append((side, nerve, seg))
    def_nerves = {(s, n) for s, n, _ in definite}
    prob_nerves = {(s, n) for s, n, _ in probable} - def_nerves
    sensory_ok = tested > 0 and not abnormal
    n_block = len(def_nerves) + len(prob_nerves)
    if sensory_ok and def_nerves:
        level = "definite"
    elif sensory_ok and (n_block >= 2 or (n_block == 1 and supportive_findings >= 2)):
        level = "probable"
    else:
        level = "none"
    return StudySummary(
        tuple(definite), tuple(probable), len(def_nerves), len(prob_nerves), tested,
        tuple(abnormal), supportive_findings, level,
    )


def most_blocked_nerve(snapshot: SiteSnapshot) -> tuple[str, str]:
    """(side, nerve) with the most block in a segment a study can probe: the one to show first.

    Falls back to the left median nerve when nothing is blocked (a healthy study).
    """
    best, pick = 0.0, ("left", "median")
    for (side, seg), block in zip(ANATOMY.sites, snapshot.ncs_block, strict=True):
        nerve = ANATOMY.nerve_by_name[seg.nerve]
        if seg.stimulable and seg.index >= 1 and block > best:
            best, pick = float(block), (side, nerve.name)
    return pick


def probe_segments(nerve: str) -> list:
    """The segments of ``nerve`` a study measures block across: stimulable, with a stimulation
    point on both sides (the first segment, distal to the last point, has none)."""
    return [s for s in ANATOMY.nerve_by_name[nerve].segments if s.stimulable and s.index > 0]


def most_blocked_segment(snapshot: SiteSnapshot, side: str, nerve: str) -> str:
    """The name of the segment of ``nerve`` on ``side`` (one a study can probe across) with the
    most block during voluntary firing: the one the Mechanism page opens on."""
    segments = probe_segments(nerve)
    blocks = [snapshot.block[ANATOMY.site_index[(side, nerve, s.name)]] for s in segments]
    return segments[int(max(range(len(blocks)), key=blocks.__getitem__))].name
