"""Treatments as plugins: a registry keyed on the ``kind`` of a ``[[treatment]]`` entry.

The engine starts each entry's process from here, the scenario schema builds its union of
entry specs from here, and the figures, sidebar and docs list events, controls and fields from
here. Adding a treatment means adding one module with a :class:`Treatment` subclass and
registering it (built-ins below; your own code can call :func:`register`).
"""

from __future__ import annotations

from collections.abc import Callable

from . import (
    complement_inhibitor,
    cyclophosphamide,
    fcrn_blocker,
    ivig,
    plasma_exchange,
    prednisolone,
    rituximab,
    scig,
)
from .base import Context, Control, Treatment, TreatmentSpec
from .exposure import IGG, Exposure, IgGParams, Modifiers

__all__ = [
    "Context",
    "Control",
    "Exposure",
    "IGG",
    "IgGParams",
    "Modifiers",
    "REGISTRY",
    "Treatment",
    "TreatmentSpec",
    "get",
    "kinds",
    "on_register",
    "register",
    "unregister",
    "event_rows",
]

REGISTRY: dict[str, Treatment] = {}
_LISTENERS: list[Callable[[], None]] = []


def register(treatment: Treatment) -> Treatment:
    """Add (or replace) a treatment under its ``kind``; the scenario schema follows at once."""
    REGISTRY[treatment.kind] = treatment
    for listener in _LISTENERS:
        listener()
    return treatment


def unregister(kind: str) -> None:
    """Remove a kind again (e.g. a test's toy treatment)."""
    REGISTRY.pop(kind, None)
    for listener in _LISTENERS:
        listener()


def on_register(listener: Callable[[], None]) -> None:
    """Call ``listener`` whenever the registry changes (the scenario schema rebuilds)."""
    _LISTENERS.append(listener)


def get(kind: str) -> Treatment:
    return REGISTRY[kind]


def kinds() -> tuple[str, ...]:
    return tuple(REGISTRY)


def event_rows() -> dict[str, str]:
    """Every event any registered treatment records, with its timeline row, in registry order."""
    return {name: row for t in REGISTRY.values() for name, row in t.events.items()}


for _module in (ivig, scig, prednisolone, plasma_exchange, complement_inhibitor, fcrn_blocker,
                cyclophosphamide, rituximab):
    register(_module.TREATMENT)
