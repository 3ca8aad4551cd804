"""Virtual trials: how likely is a trial of a given design to find a treatment's effect?

Simulation is the expensive step, so a *pool* of patients, drawn by the population sampler and
selected the way the study enrolled them, is simulated once under every arm (common random
numbers); each of R virtual trials then draws its patients from the pool and runs the design's
test. Pure model code: no streamlit, no plotly (the charts are in ``sim.figures.trial``).

    >>> from sim.trial import load_design, simulate_trials
    >>> result = simulate_trials(load_design("hahn-2013"), R=500, seed=1)  # doctest: +SKIP
    >>> result.power                                                        # doctest: +SKIP
"""

from .design import (
    ENDPOINTS,
    TrialDesign,
    TrialError,
    load_design,
    loads_design,
    parse_design,
    trial_preset_names,
)
from .pool import Pool, PoolCache, simulate_pool
from .trials import DEFAULT_R, TrialResult, pool_for, power_curve, simulate_trials

__all__ = [
    "DEFAULT_R",
    "ENDPOINTS",
    "Pool",
    "PoolCache",
    "TrialDesign",
    "TrialError",
    "TrialResult",
    "load_design",
    "loads_design",
    "parse_design",
    "pool_for",
    "power_curve",
    "simulate_pool",
    "simulate_trials",
    "trial_preset_names",
]
