"""Diseases as plugins: a registry keyed on the scenario's ``[disease] kind``.

Adding a disease means adding one module that implements :class:`~sim.diseases.base.Disease`
and registering it here (or from your own code with :func:`register`); the engine, read-outs
and exports only ever see the protocol.
"""

from __future__ import annotations

from .aman import AMAN
from .base import Disease
from .cidp import CIDP
from .hnpp import HNPP
from .mmn import MMN
from .motor_neuron import MotorNeuronDisease
from .multifocal_cidp import MultifocalCIDP
from .ulnar_entrapment import UlnarEntrapment

__all__ = ["Disease", "REGISTRY", "register", "unregister", "get", "kinds", "DEFAULT_KIND"]

DEFAULT_KIND = "mmn"
REGISTRY: dict[str, Disease] = {}


def register(disease: Disease) -> Disease:
    """Add (or replace) a disease under its ``kind``; returns it."""
    REGISTRY[disease.kind] = disease
    return disease


def unregister(kind: str) -> None:
    """Remove a kind again (e.g. a test's toy disease); the default cannot be removed."""
    if kind != DEFAULT_KIND:
        REGISTRY.pop(kind, None)


def get(kind: str) -> Disease:
    """The registered disease of this ``kind`` (KeyError names the known kinds)."""
    try:
        return REGISTRY[kind]
    except KeyError:
        raise KeyError(f"unknown disease kind {kind!r}; known: {', '.join(kinds())}") from None


def kinds() -> tuple[str, ...]:
    return tuple(REGISTRY)


register(MMN())
register(CIDP())
register(MultifocalCIDP())
register(MotorNeuronDisease())
register(UlnarEntrapment())
register(HNPP())
register(AMAN())
