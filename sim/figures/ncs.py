"""Nerve conduction traces: one CMAP per stimulation point, stacked as in an NCS report.

The traces come from :meth:`sim.Run.ncs_waveforms`; the labels (amplitude, latency, block
grade) from the study rows of :meth:`sim.Run.ncs`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ._style import _LAYOUT, OKABE_ITO, _figure, _vline

__all__ = ["ncs_traces_figure"]


def ncs_traces_figure(
    traces: Mapping[str, tuple[np.ndarray, np.ndarray]],
    rows: pd.DataFrame | None = None,
    unit: str = "mV",
    title: str = "",
) -> go.Figure:
    """Stacked traces, one row per stimulation point (distal at the top), as in an NCS report.

    ``rows`` (optional) holds the study rows (``stim_site, latency_ms, amplitude, block_pct,
    grade``) for the labels; every row shares one y scale, like a report's fixed gain.
    """
    labels = list(traces)
    n = max(1, len(labels))
    peak = max((float(np.nanmax(np.abs(y), initial=0.0)) for _, y in traces.values()),
               default=1.0)
    peak = peak if peak > 0 else 1.0
    info = {} if rows is None else {r.stim_site: r for r in rows.itertuples(index=False)}
    gap = 0.025
    h = (1 - gap * (n - 1)) / n
    data, notes, shapes = [], [], []
    layout = dict(_LAYOUT, hovermode="closest", title={"text": title}, showlegend=False,
                  height=120 + 95 * n)
    for i, label in enumerate(labels, start=1):
        ax = "" if i == 1 else str(i)
        top = 1 - (i - 1) * (h + gap)
        layout[f"xaxis{ax}"] = {"anchor": f"y{ax}", "matches": None if i == 1 else "x",
                                "showticklabels": i == n,
                                "title": {"text": "ms"} if i == n else None}
        layout[f"yaxis{ax}"] = {"domain": [max(0.0, top - h), min(1.0, top)],
                                "anchor": f"x{ax}",
                                "range": [-0.55 * peak, 1.15 * peak], "zeroline": True,
                                "zerolinecolor": "#bbbbbb", "tickfont": {"size": 9},
                                "title": {"text": unit} if i == (n + 1) // 2 else None}
        t, y = traces[label]
        data.append({
            "type": "scatter", "x": t, "y": y, "mode": "lines", "name": label,
            "xaxis": f"x{ax}", "yaxis": f"y{ax}",
            "line": {"color": OKABE_ITO["black"], "width": 1.6},
            "hovertemplate": f"{label}: %{{y:.2f}} {unit} at %{{x:.1f}} ms<extra></extra>",
        })
        r = info.get(label)
        text = f"<b>{label}</b>"
        if r is not None:
            if np.isfinite(r.latency_ms) and r.amplitude > 0:
                text += f"  {r.amplitude:.1f} {unit}, {r.latency_ms:.1f} ms"
                shapes.append(_vline(float(r.latency_ms), {"color": OKABE_ITO["blue"],
                                                          "width": 1, "dash": "dot"},
                                     xref=f"x{ax}", yref=f"y{ax} domain"))
            else:
                text += "  no response"
            if getattr(r, "grade", "") in ("definite", "probable"):
                text += f"  | block {r.block_pct:.0f}% ({r.grade})"
        notes.append({"text": text, "xref": f"x{ax} domain", "yref": f"y{ax} domain",
                      "x": 0.99, "y": 0.95, "xanchor": "right", "yanchor": "top",
                      "showarrow": False, "font": {"size": 12}})
    layout["annotations"] = notes
    layout["shapes"] = shapes
    return _figure(data, layout)
