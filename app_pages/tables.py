"""Tables as a student reads them: column headers in words with their units, no "None" cells.

Why display labels and not renamed columns: the tables a page shows are the model's own (the
same names as the exports and the data dictionary), so a header is relabelled only on screen
through ``column_config`` and the data keep their names. A header without an entry in
``LABELS`` is spelled out from its name (``latency_ms`` -> "Latency (ms)").
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

__all__ = ["LABELS", "MISSING", "header", "show"]

MISSING = "–"  # shown where a cell has no value
# Headers whose words are not just their name's.
LABELS = {
    "cv_m_per_s": "Conduction velocity (m/s)",
    "stim_site": "Stimulation site",
    "amplitude": "Amplitude",
    "area": "Area",
    "duration_ms": "Duration (ms)",
    "block_pct": "Block (%, area lost)",
    "dispersion_pct": "Temporal dispersion (%)",
    "persistence_pct": "F-wave persistence (%)",
    "min_latency_ms": "Shortest F latency (ms)",
    "mrc": "MRC grade (0-5)",
    "mrc_sum": "MRC sum (0-200)",
    "n": "Patients per trial",
    "trials": "Simulated trials",
    "power_low": "Power, lower 95% limit",
    "power_high": "Power, upper 95% limit",
    "median_estimate": "Median estimate",
    "estimate_2.5%": "Estimate, 2.5th percentile",
    "estimate_97.5%": "Estimate, 97.5th percentile",
    "pool_effect": "Effect in the whole pool",
    "pool_size": "Patients in the pool",
    "screened": "Patients screened",
    "ci_low": "95% CI, lower",
    "ci_high": "95% CI, upper",
    "igg_g_per_l": "Serum IgG (g/L)",
    "ivig_effect": "IVIg effect (0-1)",
    "grip_left_kg": "Grip, left hand (kg)",
    "grip_right_kg": "Grip, right hand (kg)",
}
# Name endings that are units, longest first.
_UNITS = (("_m_per_s", "m/s"), ("_g_per_l", "g/L"), ("_g_per_kg", "g/kg"), ("_per_ul", "per µL"),
          ("_mm2", "mm²"), ("_ms", "ms"), ("_kg", "kg"), ("_pct", "%"), ("_uv", "µV"),
          ("_mv", "mV"), ("_mm", "mm"), ("_days", "days"), ("_years", "years"))


def header(name: str) -> str:
    """A column header in words: its ``LABELS`` entry, else its name spelled out with the
    unit its ending names in brackets."""
    if name in LABELS:
        return LABELS[name]
    stem, unit = str(name), ""
    for end, u in _UNITS:
        if stem.endswith(end) and len(stem) > len(end):
            stem, unit = stem[: -len(end)], u
            break
    words = stem.replace("_", " ").strip()
    words = words[:1].upper() + words[1:]
    return f"{words} ({unit})" if unit else words


def show(table: Any, key: str, **kwargs: Any) -> None:
    """``st.dataframe`` with every header in words and every missing text cell as a dash.

    ``table`` is a DataFrame or a pandas Styler (whose data is shown unchanged)."""
    frame = table.data if hasattr(table, "data") and not isinstance(table, pd.DataFrame) \
        else table
    if isinstance(table, pd.DataFrame):
        text = [c for c in table.columns
                if table[c].dtype == object or pd.api.types.is_string_dtype(table[c])]
        if text:
            table = table.assign(**{c: table[c].where(table[c].notna(), MISSING)
                                    for c in text})
    config: dict[str, Any] = {c: st.column_config.Column(header(c)) for c in frame.columns}
    for c, own in (kwargs.pop("column_config", None) or {}).items():
        config[c] = {**own, "label": own.get("label") or header(c)}  # a page's own settings
    kwargs.setdefault("hide_index", True)
    st.dataframe(table, key=key, column_config=config, **kwargs)
