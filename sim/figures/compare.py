"""The compare chart: one measure over time for several treatment plans, one line per plan.

Plans differ by colour and dash (``PLAN_STYLES``), so up to six read apart in greyscale.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from ._style import PLAN_STYLES, YEAR, _figure, _hline, _layout, thin

__all__ = ["compare_figure"]


def compare_figure(
    series: Mapping[str, pd.DataFrame], column: str, y_title: str, title: str,
    threshold: tuple[float, str] | None = None, max_points: int = 600, zoom: bool = False,
) -> go.Figure:
    """One line per plan (``day`` and ``column`` in each table), colour and dash per plan.

    ``zoom``: the y axis spans the plans' values (with a small margin) instead of starting at
    zero, so plans a few MRC points apart do not look the same."""
    data = []
    for i, (label, df) in enumerate(series.items()):
        d = thin(df, max_points)
        st = PLAN_STYLES[i % len(PLAN_STYLES)]
        data.append({
            "type": "scatter", "x": d["day"] / YEAR, "y": d[column], "name": label,
            "mode": "lines", "line": {"color": st["color"], "dash": st["dash"], "width": 2.2},
            "hovertemplate": f"{label}: %{{y:.1f}}<extra></extra>",
        })
    shapes, notes = [], []
    if threshold is not None:
        sh, no = _hline(threshold[0], {"color": "#666666", "width": 1, "dash": "dot"},
                        threshold[1])
        shapes, notes = [sh], [no]
    yaxis: dict = {"title": {"text": y_title}, "rangemode": "tozero"}
    values = pd.concat([df[column] for df in series.values()]) if series else pd.Series([])
    if zoom and values.notna().any():
        lo, hi = float(values.min()), float(values.max())
        pad = max(1.0, 0.08 * (hi - lo))
        yaxis = {"title": {"text": y_title}, "range": [lo - pad, hi + pad]}
    layout = _layout(title, 380, shapes=shapes, annotations=notes, yaxis=yaxis)
    return _figure(data, layout)
