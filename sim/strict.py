"""The base of every scenario section: frozen, unknown keys refused, defaults validated.

It lives apart from ``scenario`` so that treatment modules can declare their own scenario
spec without importing the scenario schema (which imports them).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Strict"]


class Strict(BaseModel):
    """A lecturer's typo must be an error, and a parsed scenario must never change."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)
