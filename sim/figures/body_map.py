"""The body map: a schematic of both arms and legs with each nerve segment and muscle shaded
by conduction block, axonal loss or weakness on one day.

Nerves are drawn as vertical chains of their segments (proximal at the top, lengths to scale),
the patient's left limbs on the viewer's right.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from ..anatomy import ANATOMY, SIDES
from ._style import _LAYOUT, DAMAGE_SCALE, _figure

__all__ = ["body_map_table", "body_map_figure"]

_ARM_NERVES = ("axillary", "musculocutaneous", "radial", "median", "ulnar")
_LEG_NERVES = ("femoral", "peroneal", "tibial")
_MM_PER_UNIT = 100.0
_NERVE_ABBR = {"axillary": "Ax", "musculocutaneous": "MC", "radial": "Rad", "median": "Med",
               "ulnar": "Uln", "femoral": "Fem", "peroneal": "Per", "tibial": "Tib"}
# Per muscle: x, y, weakness (0-1), hover text.
_Squares = tuple[list[float], list[float], list[float], list[str]]


def _layout_positions() -> dict[tuple[str, str, str], tuple[float, float, float, float]]:
    """Schematic (x0, y0, x1, y1) per (side, nerve, segment): proximal at the top."""
    pos: dict[tuple[str, str, str], tuple[float, float, float, float]] = {}
    for limb_nerves, top, x_base in ((_ARM_NERVES, 0.0, 0.0), (_LEG_NERVES, -10.0, 1.0)):
        for side in SIDES:
            # the patient's left limbs on the viewer's right, as when facing the patient
            origin = (7.5 if side == "left" else 0.0) + x_base
            for n_i, name in enumerate(limb_nerves):
                x = origin + n_i * 1.0
                y = top
                for seg in reversed(ANATOMY.nerve_by_name[name].segments):
                    y1 = y - seg.length_mm / _MM_PER_UNIT
                    pos[(side, name, seg.name)] = (x, y, x, y1)
                    y = y1
    return pos


_POSITIONS = _layout_positions()


def body_map_table(sites_at_day: pd.DataFrame, muscles_at_day: pd.DataFrame) -> pd.DataFrame:
    """Every segment of both sides with its block and axonal loss (0 when unaffected).

    Columns: ``side, nerve, segment, region, entrapment, block, axon_loss``.
    """
    vals = {
        (r.side, r.nerve, r.segment): (r.block, r.axon_loss)
        for r in sites_at_day.itertuples(index=False)
    }
    rows = []
    for side in SIDES:
        for nerve in ANATOMY.nerves:
            for seg in nerve.segments:
                b, a = vals.get((side, nerve.name, seg.name), (0.0, 0.0))
                rows.append((side, nerve.name, seg.name, seg.region, seg.entrapment or "",
                             float(b), float(a)))
    return pd.DataFrame(rows, columns=["side", "nerve", "segment", "region", "entrapment",
                                       "block", "axon_loss"])


def _colour(v: float) -> str:
    return sample_colorscale(DAMAGE_SCALE, [float(np.clip(v, 0, 1))])[0]


def body_map_figure(segments: pd.DataFrame, muscles_at_day: pd.DataFrame,
                    day: float | None = None) -> go.Figure:
    """Schematic arms and legs, both sides; left panel block, right panel axonal loss.

    ``segments`` is :func:`body_map_table`; ``muscles_at_day`` the ``muscles`` rows of one day.
    Muscles sit beside their branch point, shaded by weakness (100 - strength %).
    """
    data: list[dict] = []
    notes: list[dict] = []
    muscles = _muscle_points(muscles_at_day)
    tops = {(x0, y0): nerve for (_s, nerve, _g), (x0, y0, _x, _y) in _POSITIONS.items()
            if y0 in (0.0, -10.0)}
    for col, (quantity, title) in enumerate(
        (("block", "Conduction block"), ("axon_loss", "Axonal loss")), start=1
    ):
        ax = "" if col == 1 else "2"
        data += _segment_traces(segments, quantity, ax)
        data.append(_muscle_trace(muscles, ax, show_scale=col == 2))
        data.append(_nerve_labels(tops, ax))
        notes += _panel_notes(title, ax)
    axis_x = {"visible": False, "range": [-0.6, 12.6], "fixedrange": True}
    axis_y = {"visible": False, "range": [-19.0, 1.7], "fixedrange": True}
    # Short: the page's text says what lines and squares are, and a longer title ran past a
    # 1024 px projector.
    title = "Body map" + (f", day {day:.0f}" if day is not None else "") + \
        " (darker = more affected)"
    layout = dict(_LAYOUT, hovermode="closest", height=720, title={"text": title},
                  annotations=notes,
                  xaxis=dict(axis_x, domain=[0, 0.47]), yaxis=dict(axis_y, anchor="x"),
                  xaxis2=dict(axis_x, domain=[0.51, 0.98]), yaxis2=dict(axis_y, anchor="x2"))
    return _figure(data, layout)


def _muscle_points(muscles_at_day: pd.DataFrame) -> _Squares:
    """Each muscle's square (x, y beside its branch point), weakness (0-1) and hover text."""
    mx, my, mc, mt = [], [], [], []
    for m in muscles_at_day.itertuples(index=False):
        nerve = ANATOMY.nerve_by_name[m.nerve]
        spec = next(mm for mm in nerve.muscles if mm.name == m.muscle)
        seg = nerve.segments[spec.branch_segment]
        x0, _y0, _x1, y1 = _POSITIONS[(m.side, m.nerve, seg.name)]
        same = [mm for mm in nerve.muscles if mm.branch_segment == spec.branch_segment]
        mx.append(x0 + 0.35)
        my.append(y1 + 0.25 + 0.5 * same.index(spec))
        mc.append(1 - m.strength_pct / 100.0)
        mt.append(f"<b>{m.side} {m.muscle}</b> ({m.nerve})<br>strength "
                  f"{m.strength_pct:.0f}%, MRC {m.mrc}")
    return mx, my, mc, mt


def _segment_traces(segments: pd.DataFrame, quantity: str, ax: str) -> list[dict]:
    """One line per nerve segment of one panel, coloured by ``quantity`` (block or axon loss)."""
    data = []
    for r in segments.itertuples(index=False):
        x0, y0, x1, y1 = _POSITIONS[(r.side, r.nerve, r.segment)]
        v = getattr(r, quantity)
        colour = _colour(v)
        text = (
            f"<b>{r.side} {r.nerve}</b>, {r.segment} segment ({r.region})<br>"
            f"block {r.block:.0%}, axonal loss {r.axon_loss:.0%}"
            + (f"<br>entrapment site: {r.entrapment}" if r.entrapment else "")
        )
        data.append({
            "type": "scatter", "x": [x0, (x0 + x1) / 2, x1], "y": [y0, (y0 + y1) / 2, y1],
            "mode": "lines+markers", "xaxis": f"x{ax}", "yaxis": f"y{ax}",
            "line": {"color": colour, "width": 9 if v > 0.005 else 6},
            "marker": {"size": [0, 9, 0], "color": colour,
                       "line": {"width": 1, "color": "#555555"}},
            "hovertext": [text] * 3, "hoverinfo": "text", "showlegend": False,
            "name": f"{r.side} {r.nerve} {r.segment}",
        })
    return data


def _muscle_trace(muscles: _Squares, ax: str, show_scale: bool) -> dict:
    """The muscles of one panel as squares shaded by weakness; one panel carries the scale."""
    mx, my, mc, mt = muscles
    return {
        "type": "scatter", "x": mx, "y": my, "mode": "markers", "showlegend": False,
        "name": "muscles", "xaxis": f"x{ax}", "yaxis": f"y{ax}",
        "marker": {"symbol": "square", "size": 11, "color": mc, "cmin": 0, "cmax": 1,
                   "colorscale": DAMAGE_SCALE, "line": {"width": 1, "color": "#333333"},
                   "showscale": show_scale,
                   "colorbar": {"title": {"text": "share"}, "len": 0.6,
                                "tickformat": ".0%"}},
        "hovertext": mt, "hoverinfo": "text",
    }


def _nerve_labels(tops: dict[tuple[float, float], str], ax: str) -> dict:
    """Each nerve's abbreviation above its proximal end."""
    return {
        "type": "scatter", "x": [x for x, _ in tops], "y": [y + 0.4 for _, y in tops],
        "mode": "text", "text": [_NERVE_ABBR[n] for n in tops.values()],
        "textfont": {"size": 10}, "hoverinfo": "skip", "showlegend": False,
        "xaxis": f"x{ax}", "yaxis": f"y{ax}",
    }


def _panel_notes(title: str, ax: str) -> list[dict]:
    """A panel's title and the arm and leg labels of each side."""
    notes = [{"text": f"<b>{title}</b>", "x": 0.5, "xref": f"x{ax} domain",
              "y": 1.0, "yref": f"y{ax} domain", "yanchor": "bottom",
              "showarrow": False, "font": {"size": 14}}]
    for side, x in (("right", 2.0), ("left", 9.5)):
        notes.append({"text": f"<b>{side} arm</b>", "x": x, "y": 1.05, "xref": f"x{ax}",
                      "yref": f"y{ax}", "showarrow": False})
        notes.append({"text": f"<b>{side} leg</b>", "x": x, "y": -8.95, "xref": f"x{ax}",
                      "yref": f"y{ax}", "showarrow": False})
    return notes
