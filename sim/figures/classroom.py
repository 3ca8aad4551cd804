"""Charts of class mode: the room's answers to one question, and the reveal.

The distribution chart counts the answers per option (or per bin of the numbers given) and
marks the simulation's answer and, for a student, their own; right and other answers differ
by colour and pattern, so it reads in greyscale. The reveal chart draws the measure the
question reads over the whole run, with the day(s) it is read and the student's prediction
marked on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from ..units import DAYS_PER_YEAR as YEAR
from ._style import GUIDE, OKABE_ITO, axes_layout

__all__ = ["answers_table", "answers_figure", "reveal_figure"]

_RIGHT = {"color": OKABE_ITO["green"], "pattern": {"shape": ""}}
_OTHER = {"color": "#BBBBBB", "pattern": {"shape": "/"}}


def _edges(low: float, high: float) -> np.ndarray:
    return np.linspace(low, high, 11)  # ten bins over the allowed range


def answers_table(kind: str, options: Sequence[str], counts: Mapping[str, int],
                  values: Sequence[float], low: float | None = None,
                  high: float | None = None) -> list[tuple[str, int]]:
    """(label, answers) per option, or per tenth of the allowed range for a number."""
    if kind != "number":
        return [(o, int(counts.get(o, 0))) for o in options]
    lo, hi = float(low if low is not None else 0.0), float(high if high is not None else 1.0)
    edges = _edges(lo, hi)
    n, _ = np.histogram(np.clip(np.asarray(values, float), lo, hi), edges)
    return [(f"{a:g}-{b:g}", int(k)) for a, b, k in zip(edges[:-1], edges[1:], n, strict=True)]


def answers_figure(kind: str, options: Sequence[str], counts: Mapping[str, int],
                   values: Sequence[float], truth: str | float | None = None,
                   mine: str | float | None = None, low: float | None = None,
                   high: float | None = None, unit: str = "",
                   title: str = "The class's answers") -> go.Figure:
    """Bars of the answers; the simulation's answer (once revealed) in green, the student's
    own marked with a triangle."""
    rows = answers_table(kind, options, counts, values, low, high)
    labels, n = [r[0] for r in rows], [r[1] for r in rows]
    if kind == "number":
        edges = _edges(float(low or 0.0), float(high or 1.0))

        def where(x: float | str | None) -> int | None:
            if x is None:
                return None
            return int(np.clip(np.searchsorted(edges, float(x), side="right") - 1, 0,
                               len(labels) - 1))
    else:
        def where(x: float | str | None) -> int | None:
            return labels.index(str(x)) if x is not None and str(x) in labels else None
    right, own = where(truth), where(mine)
    colours = [(_RIGHT if i == right else _OTHER)["color"] for i in range(len(labels))]
    patterns = [(_RIGHT if i == right else _OTHER)["pattern"]["shape"]
                for i in range(len(labels))]
    data: list[dict] = [{"type": "bar", "x": labels, "y": n, "name": "answers",
                         "marker": {"color": colours, "pattern": {"shape": patterns}},
                         "text": [str(k) for k in n], "textposition": "outside",
                         "hovertemplate": "%{x}: %{y} answers<extra></extra>"}]
    if own is not None:
        data.append({"type": "scatter", "x": [labels[own]], "y": [n[own]], "mode": "markers",
                     "name": "your answer", "marker": {"symbol": "triangle-down", "size": 16,
                                                       "color": OKABE_ITO["black"]},
                     "hovertemplate": "your answer<extra></extra>"})
    x_title = f"answer ({unit})" if kind == "number" and unit else "answer"
    layout = axes_layout(title, x_title, "students", showlegend=own is not None,
                         yaxis={"title": {"text": "students"}, "rangemode": "tozero",
                                "range": [0, max([*n, 1]) * 1.25]},
                         xaxis={"title": {"text": x_title}, "type": "category"})
    if right is not None:
        layout["annotations"] = [{"x": labels[right], "y": 0, "yref": "y",
                                  "text": "the simulation", "showarrow": False,
                                  "yanchor": "top", "yshift": -30,
                                  "font": {"color": OKABE_ITO["green"], "size": 12}}]
    return go.Figure(data=data, layout=layout)


def reveal_figure(days: np.ndarray, values: np.ndarray, label: str, unit: str, day: float,
                  from_day: float | None = None, mine: str | float | None = None,
                  title: str = "What the simulation shows") -> go.Figure:
    """The measure around the day(s) the question reads, those days marked, and the student's
    prediction: a number as a point on the day, a choice as a note.

    The view spans the question's days with a margin (at least 60 days, or 1.5 times the
    span), so a four-week change is not a sliver of a ten-year run; a window of up to two
    years is drawn in days, a longer one in years."""
    days = np.asarray(days, float)
    start = day if from_day is None else from_day
    pad = max(60.0, 1.5 * (day - start))
    lo, hi = max(float(days[0]), start - pad), min(float(days[-1]), day + pad)
    in_days = hi - lo <= 2 * YEAR
    scale = 1.0 if in_days else YEAR
    keep = (days >= lo) & (days <= hi)
    data: list[dict] = [{"type": "scatter", "x": (days[keep] / scale).tolist(),
                         "y": np.asarray(values, float)[keep].tolist(), "mode": "lines",
                         "name": label, "line": {"color": OKABE_ITO["blue"], "width": 2},
                         "hovertemplate": f"%{{y:.1f}} {unit}<extra></extra>"}]
    shapes, notes = [], []
    for d, name, side in ((from_day, "compared with", "right"), (day, "read on", "left")):
        if d is None:
            continue
        shapes.append({"type": "line", "x0": d / scale, "x1": d / scale, "y0": 0, "y1": 1,
                       "xref": "x", "yref": "y domain", "line": GUIDE})
        notes.append({"x": d / scale, "y": 1, "xref": "x", "yref": "y domain",
                      "text": f"{name} day {d:g}", "showarrow": False, "yanchor": "bottom",
                      "xanchor": side if from_day is not None else "center",
                      "font": {"size": 11}})
    if isinstance(mine, int | float):
        data.append({"type": "scatter", "x": [day / scale], "y": [float(mine)],
                     "mode": "markers", "name": "your prediction",
                     "marker": {"symbol": "x", "size": 14, "color": OKABE_ITO["vermilion"]}})
    elif mine is not None:
        notes.append({"x": 0, "y": 0, "xref": "x domain", "yref": "y domain",
                      "text": f"your prediction: {mine}", "showarrow": False,
                      "xanchor": "left", "yanchor": "bottom", "yshift": 4,
                      "font": {"size": 13, "color": OKABE_ITO["vermilion"]}})
    layout = axes_layout(title, "days from onset" if in_days else "years from onset",
                         f"{label} ({unit})", shapes=shapes, annotations=notes,
                         margin={"l": 60, "r": 20, "t": 80, "b": 50})
    return go.Figure(data=data, layout=layout)
