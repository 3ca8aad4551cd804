"""The event strip of the timeline, and dosing courses: which events are shown, on which row.

Doses given on consecutive days are one course (:func:`course_starts`), used both here and for
the course markers of the IgG chart. Every registered treatment adds its own event rows, so a
new treatment needs no edit here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import studies, treatments
from ..anatomy import SIDES
from ._style import (
    OKABE_ITO,
    SIDE_STYLE,
    TIME_MARGIN,
    YEAR,
    _cursor_shapes,
    _figure,
    _layout,
    time_axis,
)

__all__ = ["course_starts", "event_rows", "events_table", "events_figure", "journey_labels"]


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


_BASE_ROWS = {
    "lesion_onset": "new lesion",
    "milestone_lost": "milestone lost",
    "milestone_regained": "milestone regained",
    # a disease's own course events (sim.diseases.aman)
    "preceding_infection": "infection before onset",
    "respiratory_failure": "respiratory failure",
}


def event_rows() -> dict[str, str]:
    """Timeline row of every event: the disease's, every registered treatment's, the tests'
    and the diagnostic journey's."""
    return {**_BASE_ROWS, **treatments.event_rows(), **studies.event_rows()}


def events_table(events: pd.DataFrame) -> pd.DataFrame:
    """Events for the timeline strip: dosing collapsed to one row per course.

    Columns: ``day, row, side, what, label`` (``label`` names a journey event, else empty).
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
        "label": d["event"].map(studies.JOURNEY_EVENTS).fillna("").to_numpy(),
    })


def events_figure(table: pd.DataFrame, day: float | None = None,
                  end_day: float | None = None) -> go.Figure:
    """Events as markers on one strip per kind; lesions and milestones styled by side."""
    data = []
    rows = [r for r in dict.fromkeys(event_rows().values()) if (table["row"] == r).any()]
    for row in rows:
        d = table[table["row"] == row]
        if row == studies.JOURNEY_ROW:
            span = end_day if end_day is not None else float(table["day"].max())
            data.append(_journey_trace(d, max(span, 1.0)))
            continue
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
    layout = _layout(
        # the key on a line of its own: in one line the title ran past a 1024 px projector
        "Events<br><sup>lesions and milestones: blue circle left, vermilion diamond right</sup>",
        125 + 32 * max(1, len(rows)), hovermode="closest", shapes=_cursor_shapes(day),
        xaxis=time_axis(end_day), margin=dict(TIME_MARGIN, t=65, b=45),
        yaxis={"categoryorder": "array", "categoryarray": rows[::-1], "type": "category"},
    )
    return _figure(data, layout)


# How much of the strip's width one character of a journey label takes: 6 px of a size-10
# label on a plot about 560 px wide (the timeline's on a 1024 px projector), *(layout choice)*.
_LABEL_CHAR_SHARE = 6.0 / 560.0


def journey_labels(days: Sequence[float], labels: Sequence[str],
                   span_days: float) -> list[str]:
    """The text shown beside each journey star: a label whose star is closer to the previous
    labelled star than that label is wide joins it ("first symptom · diagnosis" on the first
    star, nothing on its own), so labels of events days apart never overlap."""
    out = [""] * len(labels)
    start, text = None, ""
    for k, (day, label) in enumerate(zip(days, labels, strict=True)):
        if start is not None and day - days[start] < len(text) * _LABEL_CHAR_SHARE * span_days:
            text = f"{text} · {label}"
            out[start] = text
            continue
        start, text = k, label
        out[k] = label
    return out


def _journey_trace(d: pd.DataFrame, span_days: float) -> dict:
    """First symptom, first consultation and diagnosis as labelled stars on their row."""
    text = journey_labels(list(d["day"]), list(d["label"]), span_days)
    shown = [k for k, t in enumerate(text) if t]
    # alternate above and below from one label to the next, as a second guard against overlap
    position = ["top right"] * len(text)
    for n, k in enumerate(shown):
        position[k] = "top right" if n % 2 == 0 else "bottom right"
    return {
        "type": "scatter", "x": d["day"] / YEAR, "y": [studies.JOURNEY_ROW] * len(d),
        "mode": "markers+text", "name": studies.JOURNEY_ROW, "showlegend": False,
        "text": text, "textfont": {"size": 10},
        "textposition": position,
        "cliponaxis": False,
        "marker": {"color": OKABE_ITO["green"], "symbol": "star", "size": 13,
                   "line": {"width": 1, "color": "#333333"}},
        "customdata": np.c_[d["day"], d["what"]],
        "hovertemplate": "day %{customdata[0]:.0f}: %{customdata[1]}<extra></extra>",
    }
