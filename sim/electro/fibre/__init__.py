"""The mechanism view's fibre model: why a node of Ranvier under attack stops the impulse.

Why a package apart from :mod:`sim.electro`: it is compiled with numba, which the rest of the
dashboard never loads, so it is imported only by the Mechanism page and its tests. One module
per concept: ``geometry`` (the MRG fibre table), ``kernel`` (the compiled double cable),
``model`` (build, damage, stimulate, read), ``population`` (a segment's fibres tied to the
patient's block).
"""

from __future__ import annotations

import os
from pathlib import Path

from sim.vector.cache import caching_disabled, configure

# Where numba keeps the compiled fibre, chosen as for the cohort engine (sim.vector.cache).
CACHE = configure(Path(os.path.abspath(os.path.dirname(__file__))))

with caching_disabled(CACHE is None):
    from .geometry import MAX_DIAMETER_UM, MIN_DIAMETER_UM, FibreGeometry
    from .model import (
        LESION_NODES,
        N_NODES,
        FibreSpec,
        NodeDamage,
        Pulse,
        Sweep,
        conducts,
        safety_factor,
        sweep,
        threshold_na,
    )

__all__ = ["FibreGeometry", "MIN_DIAMETER_UM", "MAX_DIAMETER_UM", "FibreSpec", "NodeDamage",
           "Pulse", "Sweep", "sweep", "conducts", "threshold_na", "safety_factor", "N_NODES",
           "LESION_NODES", "CACHE"]
