"""The cohort summary table: one row per patient per year of follow-up.

Why: a ten-year cohort's weekly tables run to ~1 MB per patient (``muscles`` alone is 40
muscles x 520 records), more than a study of thousands of patients can keep or read. Trials
and natural-history studies report a few measures at yearly visits, so that is what a cohort
writes by default (``--detail summary``); ``--detail full`` keeps the weekly tables.
Columns and units are in docs/data-dictionary.md ("summary").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import treatments
from .clinical import MILESTONES
from .results import Run
from .units import DAYS_PER_YEAR

__all__ = ["summary_columns", "summary_table", "summary_tables"]


def _treatment_columns() -> dict[str, tuple[str, bool]]:
    """Per registered treatment kind, in registry order: ``{column: (event, grams)}``.

    A kind given in doses (its ``course_event`` carries g/kg) adds ``<kind>_g``, the grams given
    in the year; a kind given in sessions (its ``point_event``) adds ``<kind>_sessions``. Read
    from the registry, so a new treatment module gets its column without a change here.
    """
    cols: dict[str, tuple[str, bool]] = {}
    for kind in treatments.kinds():
        t = treatments.get(kind)
        if t.course_event:
            cols[f"{kind}_g"] = (t.course_event, True)
        if t.point_event:
            cols[f"{kind}_sessions"] = (t.point_event, False)
    return cols


def summary_columns() -> list[str]:
    """The summary table's columns (docs/data-dictionary.md, "summary")."""
    return [
        "patient", "year", "day",
        "grip_weaker_kg", "grip_stronger_kg", "grip_weaker_pct_baseline",
        "mrc_sum", "disability", "blocked_share", "lost_share", "active_lesions",
        "igg_g_per_l", "ivig_effect", "new_lesions", *_treatment_columns(),
        "milestones_lost", *[f"lost_{m.key}" for m in MILESTONES],
    ]


def _patient_rows(run: Run, i: int) -> dict[str, np.ndarray]:
    pr, d = run.patient_runs[i], run.arrays(i)
    years = int(np.floor(pr.days[-1] / DAYS_PER_YEAR + 1e-9))
    year = np.arange(years + 1)
    # The last record on or before each anniversary (records are at most 7 days apart).
    rec = np.searchsorted(pr.days, year * DAYS_PER_YEAR + 1e-6, side="right") - 1
    rec = np.clip(rec, 0, pr.days.shape[0] - 1)
    grip = d.grip[rec]
    weaker, stronger = grip.min(axis=1), grip.max(axis=1)
    # Events of year y fall in [y-1, y) years; year 0 is the baseline visit (no interval).
    bounds = year * DAYS_PER_YEAR
    given = _treatment_columns()
    by_event = {event: (col, grams) for col, (event, grams) in given.items()}
    counts = {k: np.zeros(years + 1) for k in ("new_lesions", *given)}
    w = pr.patient.weight_kg
    for day, event, *_rest, value, _detail in pr.events:
        y = int(np.searchsorted(bounds, day, side="right"))
        if y > years:
            continue
        if event == "lesion_onset":
            counts["new_lesions"][y] += 1
        elif event in by_event:
            col, grams = by_event[event]
            if not grams:
                counts[col][y] += 1
            elif np.isfinite(value):
                counts[col][y] += value * w
    lost = {f"lost_{m.key}": (~d.status[m.key][rec]).sum(axis=1).astype(np.int64)
            for m in MILESTONES}
    return {
        "patient": np.full(years + 1, pr.patient_index, dtype=np.int64),
        "year": year.astype(np.int64),
        "day": np.round(pr.days[rec], 3),
        "grip_weaker_kg": np.round(weaker, 2),
        "grip_stronger_kg": np.round(stronger, 2),
        "grip_weaker_pct_baseline": np.round(100 * weaker / pr.patient.baseline_grip_kg, 1),
        "mrc_sum": d.mrc_sum[rec].astype(np.int64),
        "disability": d.disability[rec].astype(np.int64),
        "blocked_share": np.round(pr.blocked[rec].mean(axis=1), 4),
        "lost_share": np.round(pr.lost[rec].mean(axis=1), 4),
        "active_lesions": d.active[rec].astype(np.int64),
        "igg_g_per_l": np.round(pr.igg[rec], 2),
        "ivig_effect": np.round(pr.ivig_effect[rec], 4),
        "new_lesions": counts["new_lesions"].astype(np.int64),
        **{col: np.round(counts[col], 1) if grams else counts[col].astype(np.int64)
           for col, (_event, grams) in given.items()},
        "milestones_lost": sum(lost.values()).astype(np.int64),
        **lost,
    }


def summary_table(run: Run) -> pd.DataFrame:
    """The ``summary`` table of every patient of ``run``, in patient order."""
    parts = [_patient_rows(run, i) for i in range(len(run.patient_runs))]
    names = summary_columns()
    cols = {c: np.concatenate([p[c] for p in parts]) for c in names}
    return pd.DataFrame(cols, columns=names)


def summary_tables(run: Run) -> dict[str, pd.DataFrame]:
    """What ``--detail summary`` writes: ``patients`` (traits) and ``summary`` (yearly)."""
    return {"patients": run.patients_table(), "summary": summary_table(run)}
