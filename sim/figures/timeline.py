"""The timeline charts: strength by limb region, grip per hand, serum IgG with treatments.

Each is drawn against years from onset with the chosen day as a cursor. The event strip drawn
below them, and the grouping of daily doses into courses, are in :mod:`sim.figures.events`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import treatments
from ..anatomy import ANATOMY, SIDES
from ..clinical import CLINICAL
from ._style import (
    OKABE_ITO,
    SIDE_STYLE,
    TIME_MARGIN,
    YEAR,
    _cursor_shapes,
    _figure,
    _hline,
    _layout,
    thin,
    time_axis,
)
from .events import course_starts

__all__ = [
    "REGION_GROUPS",
    "REGION_ORDER",
    "region_strength_table",
    "strength_figure",
    "drop_line",
    "grip_figure",
    "igg_figure",
]

# Limb regions for the strength chart (muscle regions of sim.anatomy grouped for reading).
REGION_GROUPS = {
    "hand": "Hand",
    "forearm": "Forearm",
    "upper arm": "Shoulder & upper arm",
    "shoulder": "Shoulder & upper arm",
    "thigh": "Leg",
    "leg": "Leg",
    "foot": "Leg",
}
REGION_ORDER = ("Hand", "Forearm", "Shoulder & upper arm", "Leg")
_MUSCLE_REGION = {m.name: REGION_GROUPS[m.region] for n in ANATOMY.nerves for m in n.muscles}


def region_strength_table(muscles: pd.DataFrame, max_points: int = 600) -> pd.DataFrame:
    """Mean strength (% of normal) per day, side and limb region: ``day, side, region,
    strength_pct``."""
    m = thin(muscles, max_points)
    region = m["muscle"].map(_MUSCLE_REGION)
    out = (
        m.assign(region=region)
        .groupby(["day", "side", "region"], sort=False, observed=True)["strength_pct"]
        .mean()
        .round(1)
        .reset_index()
    )
    out["region"] = pd.Categorical(out["region"], REGION_ORDER, ordered=True)
    return out.sort_values(["region", "side", "day"], kind="stable").reset_index(drop=True)


def strength_figure(region_table: pd.DataFrame, day: float | None = None) -> go.Figure:
    """Left vs right strength over time, one panel per limb region."""
    regions = [r for r in REGION_ORDER if (region_table["region"] == r).any()] or ["Hand"]
    n = len(regions)
    gap = 0.03
    width = (1 - gap * (n - 1)) / n
    data: list[dict] = []
    layout = _layout("Strength by limb region, left vs right", 320, margin={"t": 95})
    # Above the panel titles, so the last panel's title is not under the legend.
    layout["legend"] = dict(layout["legend"], y=1.16)
    notes = []
    xrefs = []
    for c, region in enumerate(regions, start=1):
        ax = "" if c == 1 else str(c)
        xrefs.append(f"x{ax}")
        dom = [(c - 1) * (width + gap), (c - 1) * (width + gap) + width]
        layout[f"xaxis{ax}"] = {"domain": dom, "anchor": f"y{ax}",
                                "title": {"text": "years from onset"}}
        layout[f"yaxis{ax}"] = {"anchor": f"x{ax}", "range": [0, 105],
                                "showticklabels": c == 1}
        notes.append({"text": f"<b>{region}</b>", "x": 0.5, "xref": f"x{ax} domain", "y": 1.0,
                      "yref": f"y{ax} domain", "yanchor": "bottom", "showarrow": False})
        for side in SIDES:
            d = region_table[(region_table["region"] == region) & (region_table["side"] == side)]
            st = SIDE_STYLE[side]
            data.append({
                "type": "scatter", "x": d["day"] / YEAR, "y": d["strength_pct"],
                "name": side, "legendgroup": side, "showlegend": c == 1, "mode": "lines",
                "line": {"color": st["color"], "dash": st["dash"], "width": 2},
                "customdata": d["day"], "xaxis": f"x{ax}", "yaxis": f"y{ax}",
                "hovertemplate": f"{region}, {side}: %{{y:.0f}}% (day %{{customdata:.0f}})"
                "<extra></extra>",
            })
    layout["yaxis"]["title"] = {"text": "strength (% of normal)"}
    layout["annotations"] = notes
    layout["shapes"] = _cursor_shapes(day, xrefs)
    return _figure(data, layout)


def drop_line(healthy_grip_kg: float) -> tuple[float, str]:
    """The grip (kg) below which this patient drops objects, and its chart label."""
    kg = CLINICAL.hold_grip_share * healthy_grip_kg
    return kg, f"drops objects below {kg:.0f} kg"


def grip_figure(
    clinical: pd.DataFrame,
    day: float | None = None,
    healthy_grip_kg: float | None = None,
    max_points: int = 600,
    journey: Mapping[str, float] | None = None,
    events: pd.DataFrame | None = None,
    end_day: float | None = None,
) -> go.Figure:
    """Grip of each hand (kg), with the patient's healthy grip and, below it, the grip under
    which objects slip from the hand (the 'drops objects' milestone), the diagnostic journey
    (``journey``: label -> day) as labelled vertical lines and, given ``events``, the
    treatment courses (markers along the top, steroid periods shaded), so a question about
    grip some weeks into a course has the course to look at."""
    c = thin(clinical, max_points)
    data = []
    for side in SIDES:
        st = SIDE_STYLE[side]
        data.append({
            "type": "scatter", "x": c["day"] / YEAR, "y": c[f"grip_{side}_kg"],
            "name": f"{side} hand", "mode": "lines",
            "line": {"color": st["color"], "dash": st["dash"], "width": 2.5},
            "customdata": c["day"],
            "hovertemplate": f"{side} grip %{{y:.1f}} kg (day %{{customdata:.0f}})"
            "<extra></extra>",
        })
    shapes, notes = [], []
    if healthy_grip_kg is not None:
        drop_kg, label = drop_line(healthy_grip_kg)
        sh, no = _hline(drop_kg, {"color": OKABE_ITO["black"], "width": 1, "dash": "dashdot"},
                        label)
        shapes.append(sh)
        notes.append(no)
        sh, no = _hline(healthy_grip_kg, {"color": "#888888", "width": 1, "dash": "dot"},
                        f"healthy grip ({healthy_grip_kg:.0f} kg)", below=True)
        shapes.append(sh)
        notes.append(no)
    for k, (label, d) in enumerate((journey or {}).items()):
        shapes.append({"type": "line", "x0": d / YEAR, "x1": d / YEAR, "y0": 0, "y1": 1,
                       "xref": "x", "yref": "y domain",
                       "line": {"color": OKABE_ITO["green"], "width": 1.5, "dash": "dash"}})
        notes.append({"text": label, "x": d / YEAR, "xref": "x", "y": 0.62 - 0.09 * k,
                      "yref": "y domain", "xanchor": "left", "yanchor": "top",
                      "showarrow": False, "bgcolor": "rgba(255,255,255,0.85)",
                      "font": {"size": 11, "color": OKABE_ITO["green"]}})
    top = max(float(np.nanmax(c[["grip_left_kg", "grip_right_kg"]].to_numpy(), initial=0)),
              healthy_grip_kg or 0.0) * 1.1 + 1
    if events is not None:
        end = float(clinical["day"].max()) if len(clinical) else 0.0
        data += _treatment_markers(events, top)
        sh, no = _treatment_spans(events, end)
        shapes += sh
        notes += no
    shapes += _cursor_shapes(day)
    layout = _layout("Grip strength per hand", 330, shapes=shapes, annotations=notes,
                     yaxis={"title": {"text": "grip (kg)"}, "range": [0, top]},
                     xaxis=time_axis(end_day), margin=dict(TIME_MARGIN, t=50, b=45))
    return _figure(data, layout)


def _spans(events: pd.DataFrame, start: str, stop: str,
           end_day: float) -> list[tuple[float, float]]:
    starts = events.loc[events["event"] == start, "day"].tolist()
    ends = events.loc[events["event"] == stop, "day"].tolist()
    spans = []
    for i, s in enumerate(starts):
        e = ends[i] if i < len(ends) else end_day
        spans.append((float(s), float(e)))
    return spans


def igg_figure(
    clinical: pd.DataFrame, events: pd.DataFrame, day: float | None = None,
    max_points: int = 600, end_day: float | None = None,
) -> go.Figure:
    """Serum IgG (g/L) and the IVIg effect (0-1), with dose, exchange and steroid markers."""
    c = thin(clinical, max_points)
    data = [
        {"type": "scatter", "x": c["day"] / YEAR, "y": c["igg_g_per_l"],
         "name": "serum IgG (g/L)", "mode": "lines",
         "line": {"color": OKABE_ITO["green"], "width": 2}, "customdata": c["day"],
         "hovertemplate": "IgG %{y:.1f} g/L (day %{customdata:.0f})<extra></extra>"},
        {"type": "scatter", "x": c["day"] / YEAR, "y": c["ivig_effect"], "yaxis": "y2",
         "name": "IVIg effect (0-1)", "mode": "lines",
         "line": {"color": OKABE_ITO["purple"], "width": 2, "dash": "dash"},
         "hovertemplate": "IVIg effect %{y:.2f}<extra></extra>"},
    ]
    top = float(np.nanmax(c["igg_g_per_l"].to_numpy(), initial=10.0)) * 1.12 + 1
    data += _treatment_markers(events, top)
    end = float(clinical["day"].max()) if len(clinical) else 0.0
    shapes, notes = _treatment_spans(events, end)
    shapes += _cursor_shapes(day)
    layout = _layout(
        "Serum IgG and IVIg effect", 310, shapes=shapes, annotations=notes,
        yaxis={"title": {"text": "serum IgG (g/L)"}, "range": [0, top]},
        yaxis2={"title": {"text": "IVIg effect (0-1)"}, "range": [0, 1.05], "overlaying": "y",
                "side": "right", "showgrid": False, "tickmode": "array",
                "tickvals": [0, 0.25, 0.5, 0.75, 1], "ticktext": ["0", "0.25", "0.5", "0.75",
                                                                 "1"]},
        xaxis=time_axis(end_day), margin=dict(TIME_MARGIN, t=50, b=45),
    )
    return _figure(data, layout)


def _treatment_markers(events: pd.DataFrame, top: float) -> list[dict]:
    """Course markers (immunoglobulins, one trace) and one-off markers of every treatment."""
    data = []
    courses = [t for t in treatments.REGISTRY.values() if t.course_event]
    doses = course_starts(events)
    if not doses.empty:
        data.append({
            "type": "scatter", "x": doses["day"] / YEAR, "y": np.full(len(doses), top * 0.97),
            "mode": "markers", "name": "/".join(t.title for t in courses) + " course",
            "marker": {"symbol": "triangle-down", "size": 9, "color": OKABE_ITO["blue"]},
            "customdata": np.c_[doses["day"], doses["value"]],
            "hovertemplate": "dose day %{customdata[0]:.0f}: %{customdata[1]:.2f} g/kg"
            "<extra></extra>",
        })
    for t in treatments.REGISTRY.values():
        px = events[events["event"] == t.point_event] if t.point_event else events.iloc[:0]
        if px.empty:
            continue
        data.append({
            "type": "scatter", "x": px["day"] / YEAR, "y": np.full(len(px), top * 0.90),
            "mode": "markers", "name": t.title.lower(),
            "marker": {"symbol": "x", "size": 9, "color": OKABE_ITO[t.colour]},
            "customdata": px["day"],
            "hovertemplate": f"{t.title.lower()} day %{{customdata:.0f}}<extra></extra>",
        })
    return data


def _treatment_spans(events: pd.DataFrame, end: float) -> tuple[list[dict], list[dict]]:
    """Shaded spans (and their labels) for treatments given over a period, e.g. steroids."""
    shapes, notes = [], []
    for t in treatments.REGISTRY.values():
        if t.span is None:
            continue
        for s0, e0 in _spans(events, *t.span, end):
            shapes.append({"type": "rect", "x0": s0 / YEAR, "x1": e0 / YEAR, "y0": 0, "y1": 1,
                           "xref": "x", "yref": "y domain", "fillcolor": OKABE_ITO[t.colour],
                           "opacity": 0.25, "line": {"width": 0}})
            notes.append({"text": t.title.lower(), "x": s0 / YEAR, "y": 1, "xref": "x",
                          "yref": "y domain", "xanchor": "left", "yanchor": "top",
                          "showarrow": False, "font": {"size": 11}})
    return shapes, notes
