"""Diagnostic checklists decided from findings on one day, never from the disease's label.

Three sets of criteria: ``"mmn"`` (the EFNS/PNS 2010 MMN checklist, van Schaik et al. 2010;
:mod:`sim.diagnosis.mmn`), ``"cidp"`` (the EAN/PNS 2021 CIDP criteria in outline,
Van den Bergh et al. 2021; :mod:`sim.diagnosis.cidp`) and ``"gbs"`` (the Brighton levels of
Guillain-Barré syndrome in outline, Sejvar et al. 2011; :mod:`sim.diagnosis.gbs`). Each
returns a checklist with its ``category``, ``reason`` and the items (with the findings) that
decided it, so a mimic fails a checklist for the reasons a clinician would give.
"""

from __future__ import annotations

from ..results import Run
from . import cidp, gbs, mmn
from .mmn import EARLY_DAYS, SENSORY_FOR, Checklist, Findings, Item, decide, gather, table

__all__ = ["CRITERIA", "Item", "Findings", "Checklist", "evaluate", "gather", "decide", "table",
           "SENSORY_FOR", "EARLY_DAYS", "cidp", "gbs", "mmn"]

CRITERIA: tuple[str, ...] = ("mmn", "cidp", "gbs")
_EVALUATORS = {"mmn": mmn.evaluate, "cidp": cidp.evaluate, "gbs": gbs.evaluate}


def evaluate(run: Run, day: float, patient: int = 0,
             criteria: str = "mmn") -> Checklist | gbs.GbsChecklist:
    """Every item of one checklist (``criteria``: one of :data:`CRITERIA`) at ``day`` for one
    patient of ``run``, and the category."""
    try:
        fn = _EVALUATORS[criteria]
    except KeyError:
        raise ValueError(f"criteria: {criteria!r} is not a known checklist; choose one of "
                         + ", ".join(repr(c) for c in CRITERIA)) from None
    return fn(run, day, patient)
