"""Plotly figure builders for the dashboard: pure functions, tables in, ``go.Figure`` out.

This is the only package of ``sim`` that imports plotly; no model module imports it. Each
builder takes the tidy tables of :class:`sim.Run` (or slices of them) and returns a figure, so
it can be unit-tested without Streamlit. The ``*_table`` helpers return the aggregated data a
chart draws, which the dashboard also shows as the chart's text alternative.

The builders live in one module per chart family (``timeline``, ``events``, ``body_map``,
``ncs``, ``compare``, ``exam``, ``emg``, ``mystery``, ``trial``, ``validation``,
``classroom``), the palette and
layout helpers in ``_style``; every public name is re-exported here, so ``from sim import
figures`` is all a caller needs.

Colours: the Okabe-Ito palette (Okabe & Ito 2008), safe for the common colour-vision
deficiencies; left and right also differ by dash style, so they read in greyscale too.
"""

from __future__ import annotations

from ._style import DAMAGE_SCALE, OKABE_ITO, PLAN_STYLES, SIDE_STYLE, YEAR, thin
from .body_map import body_map_figure, body_map_table
from .classroom import answers_figure, answers_table, reveal_figure
from .compare import compare_figure
from .describe import describe_events, describe_grip, describe_igg, describe_strength
from .emg import emg_grid_figure, emg_trace_figure
from .events import course_starts, event_rows, events_figure, events_table, journey_labels
from .exam import exam_body_figure
from .mechanism import (
    FIBRE_STATUS,
    fibre_figure,
    fibre_profile_figure,
    fibre_table,
    population_figure,
    population_table,
)
from .mystery import differential_figure, outcome_figure, pointers_figure
from .ncs import ncs_traces_figure
from .timeline import REGION_GROUPS as REGION_GROUPS
from .timeline import REGION_ORDER as REGION_ORDER
from .timeline import (
    drop_line,
    grip_figure,
    igg_figure,
    region_strength_table,
    strength_figure,
)
from .trial import (
    effect_histogram_figure,
    effect_table,
    power_curve_figure,
    power_curve_table,
)
from .validation import (
    STATUS_COLOURS,
    dose_response_figure,
    dose_response_table,
    wear_off_figure,
    wear_off_table,
    withdrawal_figure,
    withdrawal_table,
)

__all__ = [
    "answers_figure",
    "answers_table",
    "reveal_figure",
    "OKABE_ITO",
    "SIDE_STYLE",
    "PLAN_STYLES",
    "DAMAGE_SCALE",
    "YEAR",
    "thin",
    "region_strength_table",
    "strength_figure",
    "drop_line",
    "grip_figure",
    "igg_figure",
    "course_starts",
    "event_rows",
    "events_table",
    "events_figure",
    "journey_labels",
    "body_map_table",
    "body_map_figure",
    "ncs_traces_figure",
    "compare_figure",
    "describe_grip",
    "describe_igg",
    "describe_strength",
    "describe_events",
    "outcome_figure",
    "pointers_figure",
    "differential_figure",
    "exam_body_figure",
    "FIBRE_STATUS",
    "fibre_figure",
    "fibre_profile_figure",
    "fibre_table",
    "population_figure",
    "population_table",
    "emg_trace_figure",
    "emg_grid_figure",
    "STATUS_COLOURS",
    "wear_off_table",
    "wear_off_figure",
    "withdrawal_table",
    "withdrawal_figure",
    "dose_response_table",
    "dose_response_figure",
    "effect_table",
    "effect_histogram_figure",
    "power_curve_table",
    "power_curve_figure",
]
