"""Units shared by the model, the exports and the dashboard: time is in days everywhere."""

from __future__ import annotations

__all__ = ["DAYS_PER_YEAR"]

DAYS_PER_YEAR = 365.25  # Julian year: the model's one conversion between days and years
