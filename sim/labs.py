"""Laboratory and imaging tests on one day: the results a clinician reads on the report.

Why: three of the EFNS/PNS 2010 supportive criteria are laboratory findings (van Schaik et al.
2010): raised IgM anti-GM1, raised CSF protein below 1 g/L, and T2 hyperintensity of the
brachial plexus on MRI (the fourth is an objective response to IVIg). Nerve ultrasound showing
focally enlarged nerves is used in recent practice. Each result comes from the disease state
through the disease protocol (antibody status, CSF protein; the genetic test reads a
disease's ``pmp22_deletion``, False when it has none) or from the sites themselves
(imaging sees the swollen, damaged segments), with the patient's own draws from the ``labs``
random stream, so it is reproducible and never named after the disease.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .anatomy import ANATOMY, SIDES
from .diseases.base import Disease
from .patient import Patient
from .sites import SiteSnapshot

__all__ = ["LABS_COLUMNS", "LabTest", "LAB_TESTS", "LabParams", "LABS", "LabDraws",
           "draw_labs", "lab_results"]

LABS_COLUMNS = ("test", "result", "value", "unit")


@dataclass(frozen=True)
class LabTest:
    test: str
    title: str
    normal: str  # what a normal result looks like
    reading: str  # how to read it for MMN, with its source


LAB_TESTS: dict[str, LabTest] = {t.test: t for t in (
    LabTest("anti_gm1_igm", "Serum IgM anti-GM1 antibodies (ELISA)", "negative",
            "Raised in 43-48% of MMN patients (Löscher 2018; Nobile-Orazio 2014): the test's "
            "sensitivity, so a negative result does not exclude MMN."),
    LabTest("csf_protein", "Cerebrospinal fluid protein", "below 0.45 g/L",
            "Normal in most MMN patients; when raised it stays below 1 g/L (van Schaik et al. "
            "2010). Higher values point to CIDP."),
    LabTest("plexus_mri", "Brachial plexus MRI (T2, STIR)", "normal signal and calibre",
            "T2 hyperintensity with swelling of the plexus supports MMN (van Schaik et al. "
            "2010)."),
    LabTest("anti_ganglioside_igg", "Serum IgG anti-GM1 / anti-GD1a antibodies (ELISA)",
            "negative",
            "IgG (not IgM) antibodies to GM1 or GD1a go with the axonal form of Guillain-Barré "
            "syndrome and a preceding Campylobacter jejuni infection (Hadden 1998; Kuwabara "
            "1998); they are not the IgM anti-GM1 of MMN. Ordered when the illness is acute."),
    LabTest("csf_cells", "Cerebrospinal fluid white cells", "below 5 per µL",
            "A raised protein with normal cells (below 10 per µL) is the albuminocytological "
            "dissociation of Guillain-Barré syndrome, supportive after its first week "
            "(Asbury & Cornblath 1990); more than 50 cells cast doubt on it."),
    LabTest("nerve_ultrasound", "Nerve ultrasound of median and ulnar nerves",
            "cross-sectional area below the upper limit at every site",
            "Focal enlargement of nerves, often away from entrapment sites (approx.)."),
    LabTest("pmp22_deletion", "Genetic test: PMP22 deletion (chromosome 17p11.2)",
            "no deletion",
            "A 1.5 Mb deletion including PMP22 causes hereditary neuropathy with liability to "
            "pressure palsies (Chance 1993); about 80% of affected people carry it (Bird 2014). "
            "MMN is not hereditary: the test is normal in MMN."),
)}


@dataclass(frozen=True)
class LabParams:
    """Working values of the tests; (approx.) unless a source is given."""

    csf_upper_normal_g_per_l: float = 0.45  # adult laboratory reference (approx.)
    csf_supportive_max_g_per_l: float = 1.0  # van Schaik et al. 2010: raised but <1 g/L
    mri_visible_damage: float = 0.25  # plexus damage an MRI shows as T2 signal (approx.)
    # Ultrasound sites: (nerve, segment) -> (normal mean CSA mm², upper limit mm²), after
    # published reference values for adults (approx.).
    ultrasound_sites: dict[tuple[str, str], tuple[float, float]] = field(
        default_factory=lambda: {
            ("median", "forearm"): (7.0, 10.0), ("median", "upper arm"): (9.0, 13.0),
            ("ulnar", "forearm"): (6.0, 9.0), ("ulnar", "upper arm"): (7.0, 10.0)})
    swelling_per_damage: float = 1.2  # CSA x (1 + this x damage) (approx.)
    csa_log_sd: float = 0.08  # a person's own calibre around the mean (approx.)


LABS = LabParams()
_PLEXUS = {side: [i for i, (s, seg) in enumerate(ANATOMY.sites)
                  if s == side and "plexus" in seg.name] for side in SIDES}
_ARM_PLEXUS = {side: [i for i in _PLEXUS[side]
                      if ANATOMY.nerve_by_name[ANATOMY.sites[i][1].nerve].limb == "arm"]
               for side in SIDES}
_US_KEYS = [(side, nerve, seg) for side in SIDES for nerve, seg in LABS.ultrasound_sites]


@dataclass(frozen=True)
class LabDraws:
    """The patient's own draws: their CSF protein level and each nerve's calibre."""

    csf_z: float
    csa_z: tuple[float, ...]  # one per (side, ultrasound site), SIDES x ultrasound_sites


def draw_labs(rng: np.random.Generator) -> LabDraws:
    """Always the same count of draws, in the same order, so results stay aligned."""
    z = rng.standard_normal(1 + len(_US_KEYS))
    return LabDraws(float(z[0]), tuple(float(x) for x in z[1:]))


def lab_results(snapshot: SiteSnapshot, disease: Disease, patient: Patient, draws: LabDraws,
                params: LabParams = LABS) -> pd.DataFrame:
    """Every test on the snapshot's day: rows (test, result, value, unit)."""
    pos, titre = disease.anti_gm1(patient)
    rows: list[tuple[str, str, float, str]] = [
        ("anti_gm1_igm", "positive" if pos else "negative", round(titre if pos else 0.0, 2),
         "x cut-off"),
    ]
    proximal = max(float(snapshot.damage[_PLEXUS[s]].max()) for s in SIDES)
    by_day = getattr(disease, "csf_protein_on", None)  # a protein that rises with the days
    csf = (by_day(snapshot.day, proximal, draws.csf_z) if by_day is not None
           else disease.csf_protein_g_per_l(proximal, draws.csf_z))
    rows.append(("csf_protein", "normal" if csf < params.csf_upper_normal_g_per_l else
                 "raised" if csf < params.csf_supportive_max_g_per_l else "raised (>= 1 g/L)",
                 round(csf, 2), "g/L"))
    rows.append(_mri(snapshot, params))
    rows.append(_ultrasound(snapshot, draws, params))
    # A disease that is a PMP22 deletion says so (``pmp22_deletion``); every other has none.
    deleted = bool(getattr(disease, "pmp22_deletion", False))
    rows.append(("pmp22_deletion", "deletion present" if deleted else "no deletion",
                 float("nan"), ""))
    rows += _acute_rows(disease, patient, draws)
    return pd.DataFrame(rows, columns=list(LABS_COLUMNS))


def _acute_rows(disease: Disease, patient: Patient,
                draws: LabDraws) -> list[tuple[str, str, float, str]]:
    """The tests of an acute neuropathy work-up, IgG anti-ganglioside antibodies and CSF cells,
    reported for every disease so that ordering them tells a student something only through
    the result. A disease that answers them (AMAN) gives its own; the chronic ones carry no IgG
    anti-GM1/GD1a and a normal cell count (below 10 per µL, Asbury & Cornblath 1990; the same
    (approx.) 1-4 per µL). The cell count reads the patient's last calibre draw (a draw of
    their own), so no draw is added."""
    igg = getattr(disease, "anti_ganglioside_igg", None)
    cells = getattr(disease, "csf_cells_per_ul", _normal_csf_cells)
    pos, titre = igg(patient) if igg is not None else (False, 0.0)
    n = cells(draws.csa_z[-1])
    return [("anti_ganglioside_igg", "positive" if pos else "negative",
             round(titre if pos else 0.0, 2), "x cut-off"),
            ("csf_cells", "normal" if n < 5 else "raised", n, "per µL")]


def _normal_csf_cells(z: float) -> float:
    """A normal CSF white-cell count, 1-4 per µL (approx.), from a standard-normal draw."""
    return float(round(1.0 + 3.0 * 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))))


def _mri(snapshot: SiteSnapshot, p: LabParams) -> tuple[str, str, float, str]:
    sides = [s for s in SIDES if snapshot.damage[_ARM_PLEXUS[s]].max() >= p.mri_visible_damage]
    if not sides:
        return ("plexus_mri", "normal", float("nan"), "")
    where = " and ".join(sides)
    return ("plexus_mri", f"T2 hyperintensity and swelling: {where} brachial plexus",
            float(len(sides)), "sides")


def _ultrasound(snapshot: SiteSnapshot, draws: LabDraws,
                p: LabParams) -> tuple[str, str, float, str]:
    enlarged, worst = [], 0.0
    for (side, nerve, seg), z in zip(_US_KEYS, draws.csa_z, strict=True):
        mean, upper = p.ultrasound_sites[(nerve, seg)]
        damage = float(snapshot.damage[ANATOMY.site_index[(side, nerve, seg)]])
        csa = mean * (1.0 + p.swelling_per_damage * damage) * float(np.exp(p.csa_log_sd * z))
        worst = max(worst, csa / upper)
        if csa > upper:
            enlarged.append(f"{side} {nerve} {seg} {csa:.1f} mm² (normal <= {upper:g})")
    result = "focal enlargement: " + "; ".join(enlarged) if enlarged else "normal calibre"
    return ("nerve_ultrasound", result, round(worst, 2), "x upper limit")
