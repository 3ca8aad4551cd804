"""How every chart looks: palette, line styles, layout defaults, and the shared helpers.

The figure modules of :mod:`sim.figures` draw with these, so all charts share colours, fonts
and the day cursor. The underscore helpers (``_layout``, ``_figure``, ``_vline``, ``_hline``,
``_cursor_shapes``, ``_LAYOUT``) are for those sibling modules only. :func:`thin` caps how many
points a chart draws, so long runs stay quick in the browser.

Colours: the Okabe-Ito palette (Okabe & Ito 2008), safe for the common colour-vision
deficiencies; left and right also differ by dash style, so they read in greyscale too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..units import DAYS_PER_YEAR as YEAR

__all__ = ["OKABE_ITO", "SIDE_STYLE", "PLAN_STYLES", "DAMAGE_SCALE", "YEAR", "GUIDE", "thin",
           "axes_layout"]

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermilion": "#D55E00",
    "purple": "#CC79A7",
}
SIDE_STYLE = {
    "left": {"color": OKABE_ITO["blue"], "dash": "solid", "symbol": "circle"},
    "right": {"color": OKABE_ITO["vermilion"], "dash": "dash", "symbol": "diamond"},
}
# Plans on the compare page: colour and dash both differ.
PLAN_STYLES = (
    {"color": OKABE_ITO["black"], "dash": "solid"},
    {"color": OKABE_ITO["orange"], "dash": "dash"},
    {"color": OKABE_ITO["sky_blue"], "dash": "dot"},
    {"color": OKABE_ITO["green"], "dash": "dashdot"},
    {"color": OKABE_ITO["purple"], "dash": "longdash"},
    {"color": OKABE_ITO["vermilion"], "dash": "longdashdot"},
)
# Sequential scale for block / axonal loss / weakness: lightness falls monotonically, so it
# reads for every colour-vision type and in greyscale.
DAMAGE_SCALE = [
    [0.0, "#E8E8E8"],
    [0.25, "#F5C46B"],
    [0.5, "#E69F00"],
    [0.75, "#D55E00"],
    [1.0, "#5A1F00"],
]
_CURSOR = {"color": "#333333", "width": 1.5, "dash": "dot"}
_LAYOUT = {
    "template": "plotly_white",
    "margin": {"l": 60, "r": 20, "t": 50, "b": 45},
    "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 1, "xanchor": "right"},
    "hovermode": "x unified",
    "font": {"size": 13},
}


def thin(df: pd.DataFrame, max_points: int = 600, by: str = "day") -> pd.DataFrame:
    """Keep at most ``max_points`` distinct ``by`` values (evenly spaced, last one kept)."""
    values = np.unique(df[by].to_numpy())
    if values.size <= max_points:
        return df
    idx = np.unique(np.linspace(0, values.size - 1, max_points).round().astype(int))
    return df[df[by].isin(values[idx])]


def _vline(x: float, line: Mapping, xref: str = "x", yref: str = "y domain") -> dict:
    return {"type": "line", "x0": x, "x1": x, "y0": 0, "y1": 1, "xref": xref, "yref": yref,
            "line": dict(line)}


def _hline(y: float, line: Mapping, text: str, yref: str = "y", below: bool = False) -> tuple:
    shape = {"type": "line", "x0": 0, "x1": 1, "xref": "x domain", "y0": y, "y1": y,
             "yref": yref, "line": dict(line)}
    note = {"text": text, "x": 0.01, "xref": "x domain", "y": y, "yref": yref,
            "xanchor": "left", "yanchor": "top" if below else "bottom", "showarrow": False,
            "font": {"size": 11}}
    return shape, note


def _cursor_shapes(day: float | None, xrefs: Sequence[str] = ("x",)) -> list[dict]:
    if day is None:
        return []
    return [_vline(day / YEAR, _CURSOR, xref=x, yref=f"{'y' + x[1:]} domain") for x in xrefs]


# The timeline's single-axis charts (grip, serum IgG, events) share one left margin (room for
# the events strip's row names) and one x range, so their time axes line up on the page; a
# little room before day 0 keeps a marker on day 0 clear of the axis labels.
TIME_MARGIN = {"l": 140, "r": 70}


def time_axis(end_day: float | None) -> dict:
    """The shared x axis of the timeline charts: years from onset, 0 to ``end_day``."""
    axis: dict = {"title": {"text": "years from onset"}}
    if end_day is not None and end_day > 0:
        pad = 0.015 * end_day / YEAR
        axis["range"] = [-pad, end_day / YEAR + pad]
    return axis


def _layout(title: str, height: int, **kw) -> dict:
    out = dict(_LAYOUT)
    out.update(title={"text": title, "x": 0.01, "xanchor": "left"}, height=height)
    out["xaxis"] = {"title": {"text": "years from onset"}}
    out.update(kw)
    return out


GUIDE = {"color": "#666666", "width": 1, "dash": "dot"}  # reference lines (targets, alpha)


def axes_layout(title: str, x_title: str, y_title: str, **kw: Any) -> dict:
    """The layout of a plain x-y chart (the validation and trial charts)."""
    return {
        "template": "plotly_white", "height": 380, "font": {"size": 13},
        "margin": {"l": 60, "r": 20, "t": 60, "b": 50},
        "title": {"text": title, "x": 0.01, "xanchor": "left"},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 1,
                   "xanchor": "right"},
        "xaxis": {"title": {"text": x_title}}, "yaxis": {"title": {"text": y_title}}, **kw,
    }


def _figure(data: list[dict], layout: dict) -> go.Figure:
    # Built from plain dicts this module writes itself, so plotly's per-property validation
    # (tens of ms per figure) is skipped: slider-to-chart time matters in the dashboard.
    return go.Figure(data=data, layout=layout, _validate=False)
