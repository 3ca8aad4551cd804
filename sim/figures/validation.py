"""Charts of the validation report: wear-off after one course, withdrawal, dose-response.

Each builder takes the JSON-ready curve a validation target carries (``Measurement.curve``)
and draws the model beside the published value, so the report page and the dashboard's
Evidence page show the same picture. ``*_table`` give the numbers (the text alternative).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ._style import GUIDE, OKABE_ITO, _hline, axes_layout

__all__ = ["wear_off_table", "wear_off_figure", "withdrawal_table", "withdrawal_figure",
           "dose_response_table", "dose_response_figure", "STATUS_COLOURS"]

# Status colours (Okabe-Ito); the status is always written out too, never shown by colour only.
STATUS_COLOURS = {"green": OKABE_ITO["green"], "amber": OKABE_ITO["orange"],
                  "red": OKABE_ITO["vermilion"], "not measured": "#999999"}
_BAND = "rgba(0, 114, 178, 0.18)"
_TARGET = "rgba(0, 158, 115, 0.12)"



def _validated(data: list[dict], layout: dict) -> go.Figure:
    # Validated (unlike the dashboard's per-slider charts): three figures per report, and
    # plotly's HTML writer needs the template resolved.
    return go.Figure(data=data, layout=layout)


# The legend below the chart: beside a two-line title it covered the title's second line.
_LEGEND_BELOW: dict = {
    "legend": {"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0, "xanchor": "left"},
    "height": 430, "margin": {"l": 60, "r": 20, "t": 70, "b": 100},
}


def wear_off_table(curve: Mapping[str, Any]) -> pd.DataFrame:
    """Median and quartiles of the benefit (% of each responder's peak) by day."""
    return pd.DataFrame({"day": curve["day"], "median % of peak": curve["median"],
                         "25th percentile": curve["q25"], "75th percentile": curve["q75"]})


def wear_off_figure(curve: Mapping[str, Any]) -> go.Figure:
    """Benefit of one 2 g/kg course over 12 weeks, with the published half-life window."""
    t = wear_off_table(curve)
    data = [
        {"type": "scatter", "x": t["day"], "y": t["75th percentile"], "mode": "lines",
         "line": {"width": 0}, "showlegend": False, "hoverinfo": "skip"},
        {"type": "scatter", "x": t["day"], "y": t["25th percentile"], "mode": "lines",
         "line": {"width": 0}, "fill": "tonexty", "fillcolor": _BAND,
         "name": "middle half of responders", "hoverinfo": "skip"},
        {"type": "scatter", "x": t["day"], "y": t["median % of peak"], "mode": "lines",
         "name": f"model: median of {curve['n']} responders",
         "line": {"color": OKABE_ITO["blue"], "width": 2.5},
         "hovertemplate": "day %{x}: %{y:.0f}% of peak<extra></extra>"},
    ]
    half, note = _hline(50, GUIDE, "half of the peak")
    shapes = [half, {"type": "rect", "x0": 21, "x1": 42, "y0": 0, "y1": 1, "xref": "x",
                     "yref": "y domain", "fillcolor": _TARGET, "line": {"width": 0},
                     "layer": "below"}]
    notes = [note, {"text": "published: below half at 3-6 weeks", "x": 31.5, "xref": "x",
                    "y": 1.0, "yref": "y domain", "showarrow": False, "yanchor": "bottom",
                    "font": {"size": 11}}]
    return _validated(data, axes_layout(
        "Wear-off after one 2 g/kg IVIg course<br><sup>benefit vs the same patient untreated"
        "</sup>",
        "days after the course began", "benefit (% of own peak)", shapes=shapes,
        annotations=notes,
        **_LEGEND_BELOW))


def withdrawal_table(curve: Mapping[str, Any]) -> pd.DataFrame:
    """Mean grip change (%) of the more affected hand by week, stopped vs continued."""
    return pd.DataFrame({"week": [d / 7 for d in curve["day"]],
                         "stopped (%)": curve["stopped"], "continued (%)": curve["continued"]})


def withdrawal_figure(curve: Mapping[str, Any]) -> go.Figure:
    """Grip after stopping vs continuing IVIg, with Hahn et al. 2013's 12-week results."""
    t = withdrawal_table(curve)
    data = []
    for col, colour, dash, pub in (("stopped (%)", "vermilion", "solid", -31.0),
                                   ("continued (%)", "blue", "dash", 3.75)):
        label = col.split(" ")[0]
        data.append({"type": "scatter", "x": t["week"], "y": t[col], "mode": "lines+markers",
                     "name": f"model: IVIg {label}",
                     "line": {"color": OKABE_ITO[colour], "dash": dash, "width": 2.5},
                     "hovertemplate": f"{label}, week %{{x:.0f}}: %{{y:.1f}}%<extra></extra>"})
        data.append({"type": "scatter", "x": [12], "y": [pub], "mode": "markers",
                     "name": f"Hahn 2013: {label}",
                     "marker": {"symbol": "x", "size": 13, "color": OKABE_ITO[colour]},
                     "hovertemplate": f"Hahn 2013, {label}: {pub:g}%<extra></extra>"})
    return _validated(data, axes_layout(
        f"Stopping IVIg after 2 years of maintenance ({curve['n']} patients who benefit)",
        "weeks after the first withheld dose", "grip change, more affected hand (%)",
        hovermode="closest"))


def dose_response_table(curve: Mapping[str, Any]) -> pd.DataFrame:
    """Share gaining >= 4 kg, its 95% interval and the mean gain per monthly dose."""
    return pd.DataFrame({"g/kg per 4 weeks": curve["dose"], "share >= 4 kg (%)": curve["share"],
                         "95% CI low": curve["low"], "95% CI high": curve["high"],
                         "mean gain (kg)": curve["mean_gain"], "patients": curve["n"]})


def dose_response_figure(curve: Mapping[str, Any]) -> go.Figure:
    """Share of patients gaining >= 4 kg after 6 months, by monthly dose, with the target."""
    t = dose_response_table(curve).dropna(subset=["share >= 4 kg (%)"])
    err = {"type": "data", "symmetric": False,
           "array": (t["95% CI high"] - t["share >= 4 kg (%)"]).tolist(),
           "arrayminus": (t["share >= 4 kg (%)"] - t["95% CI low"]).tolist(),
           "color": OKABE_ITO["blue"]}
    data = [{"type": "scatter", "x": t["g/kg per 4 weeks"], "y": t["share >= 4 kg (%)"],
             "mode": "lines+markers", "name": "model (95% CI)", "error_y": err,
             "line": {"color": OKABE_ITO["blue"], "width": 2.5},
             "hovertemplate": "%{x} g/kg per 4 weeks: %{y:.0f}%<extra></extra>"},
            {"type": "scatter", "x": [1.6], "y": [70], "mode": "markers",
             "name": "published: >= 70% at 1.6 g/kg",
             "marker": {"symbol": "triangle-up", "size": 14, "color": OKABE_ITO["green"]},
             "hovertemplate": "published: at least 70% at 1.6 g/kg<extra></extra>"}]
    return _validated(data, axes_layout(
        "Dose-response: IVIg every 2 weeks for 6 months<br><sup>patients with hand weakness"
        "</sup>",
        "IVIg dose (g/kg per 4 weeks)", "share gaining >= 4 kg grip (%)",
        yaxis={"title": {"text": "share gaining >= 4 kg grip (%)"}, "range": [0, 105]},
        hovermode="closest", **_LEGEND_BELOW))
