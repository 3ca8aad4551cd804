"""Needle EMG charts: a muscle's traces at rest and on effort, and a grid of every muscle.

The traces are synthesized (no sound) from the ``emg`` table row they illustrate
(:mod:`sim.electro.emg_traces`); the grid shows the fibrillation grade of every muscle on both
sides with its recruitment in the hover, so denervation and reduced recruitment can be told
apart at a glance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..electro import effort_trace, rest_trace
from ._style import _LAYOUT, DAMAGE_SCALE, OKABE_ITO, _figure

__all__ = ["emg_trace_figure", "emg_grid_figure"]


def emg_trace_figure(row: pd.Series, title: str) -> go.Figure:
    """Two stacked panels for one ``emg`` row: at rest (fibrillations, positive sharp waves,
    fasciculations) and on moderate effort (motor-unit potentials and their recruitment)."""
    t, rest = rest_trace(int(row["fibrillations"]), int(row["positive_sharp_waves"]),
                         bool(row["fasciculation_potentials"]))
    t2, effort = effort_trace(float(row["mup_amplitude_mv"]), float(row["mup_duration_ms"]),
                              float(row["polyphasic_pct"]), str(row["recruitment"]))
    top = max(1.0, float(np.nanmax(np.abs(effort), initial=0.0)) * 1.1)
    low = max(0.4, float(np.nanmax(np.abs(rest), initial=0.0)) * 1.1)
    data = [
        {"type": "scatter", "x": t, "y": rest, "mode": "lines", "name": "at rest",
         "line": {"color": OKABE_ITO["vermilion"], "width": 1}, "hoverinfo": "skip"},
        {"type": "scatter", "x": t2, "y": effort, "mode": "lines", "name": "on effort",
         "xaxis": "x2", "yaxis": "y2", "line": {"color": OKABE_ITO["blue"], "width": 1},
         "hoverinfo": "skip"},
    ]
    notes = [
        # three short lines each: on one, the read-out ran past a half-width chart at 1024 px
        {"text": f"<b>At rest</b><br>fibrillations {int(row['fibrillations'])}+, positive sharp "
                 f"waves {int(row['positive_sharp_waves'])}+<br>fasciculations "
                 f"{'yes' if row['fasciculation_potentials'] else 'no'}",
         "x": 0, "xref": "x domain", "y": 1.0, "yref": "y domain", "xanchor": "left",
         "yanchor": "bottom", "showarrow": False, "align": "left"},
        {"text": f"<b>On effort</b><br>recruitment: {row['recruitment']}<br>MUP "
                 f"{row['mup_amplitude_mv']} mV, {row['mup_duration_ms']} ms, "
                 f"{row['polyphasic_pct']}% polyphasic",
         "x": 0, "xref": "x2 domain", "y": 1.0, "yref": "y2 domain", "xanchor": "left",
         "yanchor": "bottom", "showarrow": False, "align": "left"},
    ]
    layout = dict(
        _LAYOUT, height=470, hovermode=False, showlegend=False, annotations=notes,
        title={"text": title, "x": 0.01, "xanchor": "left"},
        xaxis={"domain": [0, 1], "anchor": "y", "showticklabels": False},
        yaxis={"domain": [0.54, 0.80], "range": [-low, low], "title": {"text": "mV"}},
        xaxis2={"domain": [0, 1], "anchor": "y2", "title": {"text": "time (ms)"}},
        yaxis2={"domain": [0.0, 0.34], "range": [-top, top], "title": {"text": "mV"}},
    )
    return _figure(data, layout)


def emg_grid_figure(emg: pd.DataFrame, title: str = "Needle EMG: denervation by muscle"
                    ) -> go.Figure:
    """Fibrillation grade (0-4+) of every muscle, left and right; hover: recruitment, MUPs."""
    muscles = list(dict.fromkeys(emg["muscle"]))
    z, hover = [], []
    for m in muscles:
        zr, hr = [], []
        for side in ("right", "left"):
            r = emg[(emg["muscle"] == m) & (emg["side"] == side)].iloc[0]
            zr.append(int(r["fibrillations"]))
            hr.append(f"{side} {m}: fibrillations {int(r['fibrillations'])}+, recruitment "
                      f"{r['recruitment']}, MUP {r['mup_amplitude_mv']} mV")
        z.append(zr)
        hover.append(hr)
    data = [{"type": "heatmap", "z": z, "x": ["right", "left"], "y": muscles, "zmin": 0,
             "zmax": 4, "colorscale": DAMAGE_SCALE, "hovertext": hover, "hoverinfo": "text",
             "colorbar": {"title": {"text": "fibs"}, "tickvals": [0, 1, 2, 3, 4],
                          "ticktext": ["0", "1+", "2+", "3+", "4+"]}}]
    layout = dict(_LAYOUT, height=560, hovermode="closest",
                  margin=dict(_LAYOUT["margin"], l=175, t=110),
                  title={"text": title, "x": 0.01, "xanchor": "left"},
                  yaxis={"autorange": "reversed", "automargin": True}, xaxis={"side": "top"})
    return _figure(data, layout)
