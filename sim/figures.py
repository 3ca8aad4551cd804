"""Plotly figure builders for the dashboard: pure functions, tables in, ``go.Figure`` out.

This is the only module of ``sim`` that imports plotly; no model module imports it. Each builder
takes the tidy tables of :class:`sim.Run` (or slices of them) and returns a figure, so it can be
unit-tested without Streamlit. The ``*_table`` helpers return the aggregated data a chart draws,
which the dashboard also shows as the chart's text alternative.

Colours: the Okabe-Ito palette (Okabe & Ito 2008), safe for the common colour-vision
deficiencies; left and right also differ by dash style, so they read in greyscale too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from . import treatments
from .anatomy import ANATOMY, SIDES
from .clinical import CLINICAL
from .units import DAYS_PER_YEAR as YEAR

__all__ = [
    "OKABE_ITO",
    "SIDE_STYLE",
    "PLAN_STYLES",
    "DAMAGE_SCALE",
    "YEAR",
    "thin",
    "region_strength_table",
    "strength_figure",
    "grip_figure",
    "igg_figure",
    "course_starts",
    "event_rows",
    "events_table",
    "events_figure",
    "body_map_table",
    "body_map_figure",
    "ncs_traces_figure",
    "compare_figure",
]

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


def _layout(title: str, height: int, **kw) -> dict:
    out = dict(_LAYOUT)
    out.update(title={"text": title, "x": 0.01, "xanchor": "left"}, height=height)
    out["xaxis"] = {"title": {"text": "years from onset"}}
    out.update(kw)
    return out


def _figure(data: list[dict], layout: dict) -> go.Figure:
    # Built from plain dicts this module writes itself, so plotly's per-property validation
    # (tens of ms per figure) is skipped: slider-to-chart time matters in the dashboard.
    return go.Figure(data=data, layout=layout, _validate=False)


# --- timeline ---------------------------------------------------------------------------------


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
    layout = _layout("Strength by limb region, left vs right", 320, margin={"t": 90})
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


def grip_figure(
    clinical: pd.DataFrame,
    day: float | None = None,
    key_grip_kg: float = CLINICAL.key_grip_kg,
    healthy_grip_kg: float | None = None,
    max_points: int = 600,
) -> go.Figure:
    """Grip of each hand (kg) with the functional threshold 'turning a key' drawn."""
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
    sh, no = _hline(key_grip_kg, {"color": OKABE_ITO["black"], "width": 1, "dash": "dashdot"},
                    f"turning a key ({key_grip_kg:g} kg)")
    shapes.append(sh)
    notes.append(no)
    if healthy_grip_kg is not None:
        sh, no = _hline(healthy_grip_kg, {"color": "#888888", "width": 1, "dash": "dot"},
                        f"healthy grip ({healthy_grip_kg:.0f} kg)", below=True)
        shapes.append(sh)
        notes.append(no)
    shapes += _cursor_shapes(day)
    top = max(float(np.nanmax(c[["grip_left_kg", "grip_right_kg"]].to_numpy(), initial=0)),
              healthy_grip_kg or 0.0, key_grip_kg)
    layout = _layout("Grip strength per hand", 330, shapes=shapes, annotations=notes,
                     yaxis={"title": {"text": "grip (kg)"}, "range": [0, top * 1.1 + 1]})
    return _figure(data, layout)


def _course_events() -> tuple[str, ...]:
    return tuple(t.course_event for t in treatments.REGISTRY.values() if t.course_event)


def course_starts(events: pd.DataFrame, kinds: Sequence[str] | None = None,
                  gap_days: float = 1.5) -> pd.DataFrame:
    """First day of each dosing course: consecutive daily doses are one course.

    ``kinds`` defaults to every registered treatment's course event (IVIg, SCIg, ...).
    """
    kinds = _course_events() if kinds is None else kinds
    d = events[events["event"].isin(kinds)].sort_values("day")
    if d.empty:
        return d
    new = d["day"].diff().fillna(np.inf) > gap_days
    totals = d.groupby(new.cumsum())["value"].transform("sum")
    return d.assign(value=totals)[new.to_numpy()]


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
    max_points: int = 600,
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
                "side": "right", "showgrid": False},
    )
    layout["margin"] = dict(layout["margin"], r=60)
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


_BASE_ROWS = {
    "lesion_onset": "new lesion",
    "milestone_lost": "milestone lost",
    "milestone_regained": "milestone regained",
}
_STUDY_ROWS = {"ncs_study": "nerve conduction study"}


def event_rows() -> dict[str, str]:
    """Timeline row of every event: the disease's, every registered treatment's, studies'."""
    return {**_BASE_ROWS, **treatments.event_rows(), **_STUDY_ROWS}


def events_table(events: pd.DataFrame) -> pd.DataFrame:
    """Events for the timeline strip: dosing collapsed to one row per course.

    Columns: ``day, row, side, what``.
    """
    rows = event_rows()
    other = events[~events["event"].isin(_course_events())]
    d = pd.concat([other, course_starts(events)]).sort_values("day", kind="stable")
    d = d[d["event"].isin(rows)]
    where = (d["side"].fillna("") + " " + d["nerve"].fillna("") + " "
             + d["segment"].fillna("")).str.strip()
    what = np.where(where != "", where + ": " + d["detail"].fillna(""), d["detail"].fillna(""))
    return pd.DataFrame({
        "day": d["day"].to_numpy(),
        "row": d["event"].map(rows).to_numpy(),
        "side": d["side"].fillna("").to_numpy(),
        "what": what,
    })


def events_figure(table: pd.DataFrame, day: float | None = None,
                  end_day: float | None = None) -> go.Figure:
    """Events as markers on one strip per kind; lesions and milestones styled by side."""
    data = []
    rows = [r for r in dict.fromkeys(event_rows().values()) if (table["row"] == r).any()]
    for row in rows:
        d = table[table["row"] == row]
        by_side = row.startswith(("new", "mile"))
        groups = [(s, d[d["side"] == s]) for s in SIDES] if by_side else [("", d)]
        for side, g in groups:
            if g.empty:
                continue
            st = SIDE_STYLE.get(side, {"color": OKABE_ITO["black"], "symbol": "circle"})
            data.append({
                "type": "scatter", "x": g["day"] / YEAR, "y": [row] * len(g),
                "mode": "markers", "name": f"{row} ({side})" if side else row,
                "showlegend": False,
                "marker": {"color": st["color"], "symbol": st["symbol"], "size": 10,
                           "line": {"width": 1, "color": "white"}},
                "customdata": np.c_[g["day"], g["what"]],
                "hovertemplate": "day %{customdata[0]:.0f}: %{customdata[1]}<extra></extra>",
            })
    xaxis = {"title": {"text": "years from onset"}}
    if end_day is not None:
        xaxis["range"] = [0, end_day / YEAR]
    layout = _layout(
        "Events (lesions and milestones: blue circle left, vermilion diamond right)",
        110 + 32 * max(1, len(rows)), hovermode="closest", shapes=_cursor_shapes(day),
        xaxis=xaxis, yaxis={"categoryorder": "array", "categoryarray": rows[::-1],
                            "type": "category"},
    )
    return _figure(data, layout)


# --- body map ---------------------------------------------------------------------------------

_ARM_NERVES = ("axillary", "musculocutaneous", "radial", "median", "ulnar")
_LEG_NERVES = ("femoral", "peroneal", "tibial")
_MM_PER_UNIT = 100.0
_NERVE_ABBR = {"axillary": "Ax", "musculocutaneous": "MC", "radial": "Rad", "median": "Med",
               "ulnar": "Uln", "femoral": "Fem", "peroneal": "Per", "tibial": "Tib"}


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
    tops = {(x0, y0): nerve for (_s, nerve, _g), (x0, y0, _x, _y) in _POSITIONS.items()
            if y0 in (0.0, -10.0)}
    for col, (quantity, title) in enumerate(
        (("block", "Conduction block"), ("axon_loss", "Axonal loss")), start=1
    ):
        ax = "" if col == 1 else "2"
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
        data.append({
            "type": "scatter", "x": mx, "y": my, "mode": "markers", "showlegend": False,
            "name": "muscles", "xaxis": f"x{ax}", "yaxis": f"y{ax}",
            "marker": {"symbol": "square", "size": 11, "color": mc, "cmin": 0, "cmax": 1,
                       "colorscale": DAMAGE_SCALE, "line": {"width": 1, "color": "#333333"},
                       "showscale": col == 2,
                       "colorbar": {"title": {"text": "share"}, "len": 0.6,
                                    "tickformat": ".0%"}},
            "hovertext": mt, "hoverinfo": "text",
        })
        data.append({
            "type": "scatter", "x": [x for x, _ in tops], "y": [y + 0.4 for _, y in tops],
            "mode": "text", "text": [_NERVE_ABBR[n] for n in tops.values()],
            "textfont": {"size": 10}, "hoverinfo": "skip", "showlegend": False,
            "xaxis": f"x{ax}", "yaxis": f"y{ax}",
        })
        notes.append({"text": f"<b>{title}</b>", "x": 0.5, "xref": f"x{ax} domain",
                      "y": 1.0, "yref": f"y{ax} domain", "yanchor": "bottom",
                      "showarrow": False, "font": {"size": 14}})
        for side, x in (("right", 2.0), ("left", 9.5)):
            notes.append({"text": f"<b>{side} arm</b>", "x": x, "y": 1.05, "xref": f"x{ax}",
                          "yref": f"y{ax}", "showarrow": False})
            notes.append({"text": f"<b>{side} leg</b>", "x": x, "y": -8.95, "xref": f"x{ax}",
                          "yref": f"y{ax}", "showarrow": False})
    axis_x = {"visible": False, "range": [-0.6, 12.6], "fixedrange": True}
    axis_y = {"visible": False, "range": [-19.0, 1.7], "fixedrange": True}
    title = "Body map: nerve segments (lines) and muscles (squares), darker = more affected"
    if day is not None:
        title += f" - day {day:.0f}"
    layout = dict(_LAYOUT, hovermode="closest", height=720, title={"text": title},
                  annotations=notes,
                  xaxis=dict(axis_x, domain=[0, 0.47]), yaxis=dict(axis_y, anchor="x"),
                  xaxis2=dict(axis_x, domain=[0.51, 0.98]), yaxis2=dict(axis_y, anchor="x2"))
    return _figure(data, layout)


# --- nerve conduction -------------------------------------------------------------------------


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


# --- compare ----------------------------------------------------------------------------------


def compare_figure(
    series: Mapping[str, pd.DataFrame], column: str, y_title: str, title: str,
    threshold: tuple[float, str] | None = None, max_points: int = 600,
) -> go.Figure:
    """One line per plan (``day`` and ``column`` in each table), colour and dash per plan."""
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
    layout = _layout(title, 380, shapes=shapes, annotations=notes,
                     yaxis={"title": {"text": y_title}, "rangemode": "tozero"})
    return _figure(data, layout)


