"""Validation: the published targets the model is checked against, and the report.

Teaching model - not for clinical decisions. :data:`TARGETS` lists every target with its
source, published value or range, how it is measured and its reference cohort;
:func:`evaluate` simulates each reference cohort once and measures every target;
:func:`write` saves the report as Markdown, self-contained HTML and JSON. UI-free: plotly is
imported only when the HTML is written (from :mod:`sim.figures.validation`).
"""

from __future__ import annotations

from .cohorts import COHORTS, ReferenceCohort
from .report import (
    DEFAULT_N,
    DEFAULT_SEED,
    REFERENCE,
    REPORT_FILES,
    Report,
    Result,
    evaluate,
    load,
    model_fingerprint,
    steps,
    write,
)
from .stats import Measurement
from .targets import GROUPS, STATUSES, TARGETS, Target, status

__all__ = [
    "COHORTS",
    "DEFAULT_N",
    "DEFAULT_SEED",
    "GROUPS",
    "Measurement",
    "REFERENCE",
    "REPORT_FILES",
    "ReferenceCohort",
    "Report",
    "Result",
    "STATUSES",
    "TARGETS",
    "Target",
    "evaluate",
    "load",
    "model_fingerprint",
    "status",
    "steps",
    "write",
]
