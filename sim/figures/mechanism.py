"""The mechanism view's charts: the impulse along one fibre, and a segment's fibres.

``fibre_figure`` draws membrane voltage over time at every node of a healthy and a damaged
fibre side by side (distance along the fibre upwards), so the impulse is a diagonal stripe that
stops at the lesion when it fails. ``population_figure`` places each fibre of a segment by
diameter and lesion severity, marked by what it did.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ._style import _LAYOUT, OKABE_ITO

__all__ = ["fibre_figure", "fibre_profile_figure", "fibre_table", "population_figure",
           "population_table", "FIBRE_STATUS"]

FIBRE_STATUS = {0: "conducts", 1: "fails only in a train", 2: "fails at rest"}
_STATUS_STYLE = {
    "conducts": (OKABE_ITO["green"], "circle"),
    "fails only in a train": (OKABE_ITO["orange"], "diamond"),
    "fails at rest": (OKABE_ITO["vermilion"], "x"),
}


def fibre_table(position_mm: np.ndarray, arrivals: Sequence[Sequence[float]],
                names: Sequence[str]) -> pd.DataFrame:
    """Arrival time of the impulse at each node (ms; empty where it never arrived)."""
    table = pd.DataFrame({"node": np.arange(len(position_mm)),
                          "distance_mm": np.round(position_mm, 2)})
    for name, times in zip(names, arrivals, strict=True):
        table[f"{name}_arrival_ms"] = np.round(np.asarray(times, dtype=float), 3)
    return table


def fibre_figure(time_ms: np.ndarray, position_mm: np.ndarray,
                 panels: Sequence[tuple[str, np.ndarray]], lesion_mm: tuple[float, float],
                 title: str = "", stimulus_ms: float = 0.0) -> go.Figure:
    """Heat maps of membrane voltage (mV) at each node over time, one panel per fibre
    (``stimulus_ms``: when the stimulus began, for the axis title)."""
    fig = make_subplots(rows=1, cols=len(panels), shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=[name for name, _ in panels])
    for k, (_name, mv) in enumerate(panels, start=1):
        fig.add_trace(go.Heatmap(
            x=time_ms, y=position_mm, z=np.asarray(mv).T, zmin=-90, zmax=40,
            colorscale="Viridis", coloraxis="coloraxis",
            hovertemplate="%{x:.2f} ms, %{y:.1f} mm: %{z:.0f} mV<extra></extra>"), 1, k)
        for edge in lesion_mm:
            fig.add_hline(y=edge, line={"color": "#ffffff", "width": 1.5, "dash": "dash"},
                          row=1, col=k)
        fig.update_xaxes(title_text=f"time (ms; stimulus at {stimulus_ms:g} ms)", row=1, col=k,
                         range=[0.0, min(2.0, float(time_ms[-1]))])
    fig.update_yaxes(title_text="distance along the fibre (mm)", row=1, col=1)
    fig.update_layout(**{k: v for k, v in _LAYOUT.items() if k not in ("hovermode",)},
                      title={"text": title}, height=360,
                      coloraxis={"colorscale": "Viridis", "cmin": -90, "cmax": 40,
                                 "colorbar": {"title": {"text": "mV"}}})
    return fig


def fibre_profile_figure(time_ms: np.ndarray, position_mm: np.ndarray,
                         panels: Sequence[tuple[str, np.ndarray]], lesion_mm: tuple[float, float],
                         at_ms: float, stimulus_ms: float = 0.0) -> go.Figure:
    """Membrane voltage along each fibre (node by node) at one instant: the time slider's
    view of the impulse travelling, healthy beside damaged, with the lesion shaded."""
    k = int(np.clip(np.searchsorted(time_ms, at_ms), 0, len(time_ms) - 1))
    styles = (OKABE_ITO["blue"], OKABE_ITO["vermilion"])
    data = [go.Scatter(x=position_mm, y=np.asarray(mv)[k], mode="lines+markers", name=name,
                       line={"color": styles[i % 2], "width": 2, "dash": "solid" if i == 0
                             else "dash"},
                       hovertemplate="%{x:.1f} mm: %{y:.0f} mV<extra>" + name + "</extra>")
            for i, (name, mv) in enumerate(panels)]
    fig = go.Figure(data)
    fig.add_vrect(x0=lesion_mm[0], x1=lesion_mm[1], fillcolor="#999999", opacity=0.18,
                  line_width=0, annotation_text="lesion", annotation_position="top left")
    legend = {"orientation": "h", "yanchor": "top", "y": -0.25, "x": 0, "xanchor": "left"}
    fig.update_layout(**{**_LAYOUT, "hovermode": "x unified", "legend": legend},
                      title={"text": f"Voltage along the fibre at {time_ms[k]:.2f} ms "
                                     f"(stimulus at {stimulus_ms:g} ms)"}, height=340,
                      xaxis={"title": {"text": "distance along the fibre (mm)"}},
                      yaxis={"title": {"text": "membrane voltage (mV)"}, "range": [-100, 50]})
    return fig


def population_table(diameter_um: np.ndarray, severity: np.ndarray,
                     status: np.ndarray) -> pd.DataFrame:
    """One row per fibre: diameter, lesion severity and what it did."""
    return pd.DataFrame({"diameter_um": np.round(diameter_um, 2),
                         "severity": np.round(severity, 3),
                         "status": [FIBRE_STATUS[int(s)] for s in status]})


def population_figure(table: pd.DataFrame, title: str = "") -> go.Figure:
    """Each fibre by diameter and lesion severity, marked by whether it conducts."""
    fig = go.Figure()
    for status, (colour, symbol) in _STATUS_STYLE.items():
        rows = table[table["status"] == status]
        fig.add_trace(go.Scatter(
            x=rows["diameter_um"], y=rows["severity"], mode="markers",
            name=f"{status} ({len(rows)})",
            marker={"color": colour, "symbol": symbol, "size": 8},
            hovertemplate=f"%{{x:.1f}} µm, severity %{{y:.2f}}<extra>{status}</extra>"))
    legend = {"orientation": "h", "yanchor": "top", "y": -0.22, "x": 0, "xanchor": "left"}
    fig.update_layout(**{**_LAYOUT, "hovermode": "closest", "legend": legend},
                      title={"text": title}, height=360,
                      xaxis={"title": {"text": "fibre diameter (µm)"}},
                      yaxis={"title": {"text": "lesion severity (0 healthy, 1 worst)"},
                             "range": [-0.02, 1.02]})
    return fig
