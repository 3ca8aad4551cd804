"""The mystery page's charts: the same patient under the chosen and the best first treatment,
and what share of simulated patients of each disease share each finding."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from ._style import GUIDE, OKABE_ITO, YEAR, _figure, _layout, _vline
from .compare import compare_figure

__all__ = ["outcome_figure", "pointers_figure", "differential_figure", "wrap"]


def outcome_figure(series: Mapping[str, pd.DataFrame], column: str, y_title: str, title: str,
                   start_day: float) -> go.Figure:
    """One line per plan (``day`` and ``column`` in each table), the first treatment's start
    marked by a labelled vertical line."""
    fig = compare_figure(series, column, y_title, title)
    # Months of one patient: a few points of change must show, so the axis is not pinned to 0.
    fig.layout.yaxis.rangemode = "normal"
    fig.add_shape(_vline(start_day / YEAR, {"color": OKABE_ITO["black"], "width": 1,
                                           "dash": "dot"}))
    fig.add_annotation(x=start_day / YEAR, y=1, yref="y domain", text="first treatment",
                       showarrow=False, xanchor="left", yanchor="top", font={"size": 11})
    return fig


def pointers_figure(table: pd.DataFrame) -> go.Figure:
    """Heat map: for each finding (row) the share (%) of simulated patients of each disease
    (column) whose finding matches this patient's; ``table`` is :func:`sim.mystery.pointers`."""
    cols = [c for c in table.columns if c.startswith("same in ")]
    names = [wrap(c.removeprefix("same in ").removesuffix(" (%)"), 14) for c in cols]
    rows = [wrap(f"{f} ({v})", 40)
            for f, v in zip(table["finding"], table["this patient"], strict=True)]
    z = table[cols].to_numpy(dtype=float)
    data = [{
        "type": "heatmap", "z": z.tolist(), "x": names, "y": rows, "zmin": 0, "zmax": 100,
        "colorscale": [[0.0, "#F7F7F7"], [0.5, OKABE_ITO["sky_blue"]],
                       [1.0, OKABE_ITO["blue"]]],
        "colorbar": {"title": {"text": "% same"}},
        "text": [[f"{v:.0f}%" for v in r] for r in z], "texttemplate": "%{text}",
        "hovertemplate": "%{y}<br>%{x}: %{z:.0f}% of simulated patients<extra></extra>",
    }]
    layout = _layout("This patient's findings: % of simulated patients of each disease with "
                     "the same", 220 + 44 * len(rows), hovermode="closest",
                     xaxis={"side": "bottom", "tickangle": 0, "automargin": True,
                            "tickfont": {"size": 11}},
                     yaxis={"autorange": "reversed", "automargin": True})
    return _figure(data, layout)


def wrap(name: str, width: int = 18) -> str:
    """A disease's name on short lines (``<br>``), so a column label needs no rotation."""
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def differential_figure(path: pd.DataFrame, names: Mapping[str, str], steps: Sequence[str],
                        confident: float) -> go.Figure:
    """The differential's path: one line per disease (``path`` columns, named by ``names``),
    its probability (%) before any test and after each test (``steps``: the x labels), with a
    dotted line where a diagnosis counts as confident."""
    # yellow is too pale for a thin line on white
    colours = [c for k, c in OKABE_ITO.items() if k != "yellow"]
    data = [{"type": "scatter", "mode": "lines+markers", "name": names.get(k, k),
             "x": list(steps), "y": [round(100 * float(v), 1) for v in path[k]],
             "line": {"color": colours[i % len(colours)], "width": 2},
             "hovertemplate": "%{x}: %{y:.0f}%<extra>" + names.get(k, k) + "</extra>"}
            for i, k in enumerate(path.columns)]
    layout = _layout("The differential, test by test", 380, hovermode="closest",
                     legend={"orientation": "h", "y": -0.3, "x": 0},
                     xaxis={"title": {"text": "after"}, "type": "category",
                            "automargin": True},
                     yaxis={"title": {"text": "probability (%)"}, "range": [0, 102],
                            "tickvals": [0, 25, 50, 75, 100]})
    y = 100 * confident
    layout["shapes"] = [{"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y",
                         "y0": y, "y1": y, "line": GUIDE}]
    return _figure(data, layout)
