"""Each timeline chart in one sentence for the chosen day: the text a screen reader reads
instead of the picture, built from the same tables as the chart.

Why sentences from the model state: a chart's data table lists every record, but the point of
the picture on a given day ("the weaker hand is 12% below its last post-infusion peak") is in
no single cell. These functions say it, and change with the day like the cursor does.
"""

from __future__ import annotations

import pandas as pd

from ..anatomy import SIDES
from .events import course_starts

__all__ = ["describe_grip", "describe_igg", "describe_strength", "describe_events"]


def _at(table: pd.DataFrame, day: float) -> pd.Series:
    """The last record on or before ``day`` (the first if none)."""
    i = max(0, int(table["day"].searchsorted(day, side="right")) - 1)
    return table.iloc[i]


def describe_grip(clinical: pd.DataFrame, day: float, healthy_kg: float,
                  events: pd.DataFrame | None = None) -> str:
    """The weaker hand's grip on ``day``, against healthy and, after a course has started,
    against its best since the last course dose (the wear-off a student looks for)."""
    now = _at(clinical, day)
    side = min(SIDES, key=lambda s: float(now[f"grip_{s}_kg"]))
    kg = float(now[f"grip_{side}_kg"])
    text = (f"Day {int(now['day'])}: the weaker hand ({side}) grips {kg:.1f} kg, "
            f"{100 * kg / healthy_kg:.0f}% of its healthy {healthy_kg:.0f} kg")
    doses = course_starts(events) if events is not None else pd.DataFrame()
    past = doses[doses["day"] <= day] if len(doses) else doses
    if len(past):
        last = float(past["day"].max())
        since = clinical[(clinical["day"] >= last) & (clinical["day"] <= day)]
        peak = float(since[f"grip_{side}_kg"].max()) if len(since) else kg
        below = 100 * (1 - kg / peak) if peak > 0 else 0.0
        text += (f"; {below:.0f}% below its best ({peak:.1f} kg) since the last course dose "
                 f"on day {int(last)}" if below >= 0.5 else
                 f"; at its best since the last course dose on day {int(last)}")
    return text + "."


def describe_igg(clinical: pd.DataFrame, day: float) -> str:
    now = _at(clinical, day)
    return (f"Day {int(now['day'])}: serum IgG {float(now['igg_g_per_l']):.1f} g/L, IVIg "
            f"effect {float(now['ivig_effect']):.2f} of its full effect.")


def describe_strength(region_table: pd.DataFrame, day: float) -> str:
    """The weakest limb region and side on ``day``."""
    if region_table.empty:
        return "No strength records."
    days = region_table["day"].to_numpy()
    on = days[days <= day].max() if (days <= day).any() else days.min()
    rows = region_table[region_table["day"] == on]
    worst = rows.loc[rows["strength_pct"].idxmin()]
    return (f"Day {int(on)}: the weakest region is the {worst['side']} "
            f"{str(worst['region']).lower()}, at {float(worst['strength_pct']):.0f}% of normal.")


def describe_events(table: pd.DataFrame, day: float) -> str:
    """What has happened by ``day``: new lesions by side and milestones lost."""
    past = table[table["day"] <= day]

    def count(row: str, one: str, many: str) -> str:
        sel = past[past["row"] == row]
        if sel.empty:
            return f"no {many}"
        by = ", ".join(f"{int((sel['side'] == s).sum())} {s}" for s in SIDES)
        return f"{len(sel)} {one if len(sel) == 1 else many} ({by})"

    return (f"By day {int(day)}: {count('new lesion', 'new lesion', 'new lesions')}; "
            f"{count('milestone lost', 'milestone lost', 'milestones lost')}.")
