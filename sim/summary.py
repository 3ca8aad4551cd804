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

from .clinical import MILESTONES
from .results import Run
from .units import DAYS_PER_YEAR

__all__ = ["SUMMARY_COLUMNS", "summary_table", "summary_tables"]

SUMMARY_COLUMNS: list[str] = [
    "patient", "year", "day",
    "grip_weaker_kg", "grip_stronger_kg", "grip_weaker_pct_baseline",
    "mrc_sum", "disability", "blocked_share", "lost_share", "active_lesions",
    "igg_g_per_l", "ivig_effect",
    "new_lesions", "ivig_g", "scig_g", "plasma_exchanges",
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
    counts = {k: np.zeros(years + 1) for k in ("new_lesions", "ivig_g", "scig_g", "pe")}
    w = pr.patient.weight_kg
    for day, event, *_rest, value, _detail in pr.events:
        y = int(np.searchsorted(bounds, day, side="right"))
        if y > years:
            continue
        if event == "lesion_onset":
            counts["new_lesions"][y] += 1
        elif event == "ivig_dose" and np.isfinite(value):
            counts["ivig_g"][y] += value * w
        elif event == "scig_dose" and np.isfinite(value):
            counts["scig_g"][y] += value * w
        elif event == "plasma_exchange":
            counts["pe"][y] += 1
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
        "ivig_g": np.round(counts["ivig_g"], 1),
        "scig_g": np.round(counts["scig_g"], 1),
        "plasma_exchanges": counts["pe"].astype(np.int64),
        "milestones_lost": sum(lost.values()).astype(np.int64),
        **lost,
    }


def summary_table(run: Run) -> pd.DataFrame:
    """The ``summary`` table of every patient of ``run``, in patient order."""
    parts = [_patient_rows(run, i) for i in range(len(run.patient_runs))]
    cols = {c: np.concatenate([p[c] for p in parts]) for c in SUMMARY_COLUMNS}
    return pd.DataFrame(cols, columns=SUMMARY_COLUMNS)


def summary_tables(run: Run) -> dict[str, pd.DataFrame]:
    """What ``--detail summary`` writes: ``patients`` (traits) and ``summary`` (yearly)."""
    return {"patients": run.patients_table(), "summary": summary_table(run)}
