"""MMN teaching simulator: a virtual patient with Multifocal Motor Neuropathy over years.

Teaching model - not for clinical decisions. ``import sim`` pulls in neither streamlit nor
plotly; figure builders live in ``sim.figures``.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from ._meta import DISCLAIMER, PACKAGE_VERSION

if TYPE_CHECKING:
    from . import diseases, treatments
    from .engine import run_patient, simulate_patient  # noqa: F401 - public since 0.1
    from .inputs import resolve  # noqa: F401 - public since 0.1
    from .results import Run
    from .scenario import (
        Scenario,
        ScenarioError,
        load_scenario,
        loads_scenario,
        parse_scenario,
        preset_names,
    )

# The public names are imported when first used, not by ``import sim``: the model pulls in
# numpy, pandas and simpy (about two seconds), and ``mmn-sim`` must be able to answer Ctrl-C
# during that time with one sentence, which it can only do once its own code is running.
_LAZY = {
    "diseases": (".diseases", None), "treatments": (".treatments", None),
    "run_patient": (".engine", "run_patient"), "simulate_patient": (".engine", "simulate_patient"),
    "resolve": (".inputs", "resolve"), "Run": (".results", "Run"),
    "Scenario": (".scenario", "Scenario"), "ScenarioError": (".scenario", "ScenarioError"),
    "load_scenario": (".scenario", "load_scenario"),
    "loads_scenario": (".scenario", "loads_scenario"),
    "parse_scenario": (".scenario", "parse_scenario"),
    "preset_names": (".scenario", "preset_names"),
}


def __getattr__(name: str) -> Any:
    """Import a public name on first use (see ``_LAZY``); it is then a plain attribute. A
    sub-module (``sim.scenario``) is imported too, as ``import sim`` used to do."""
    if name not in _LAZY:
        if name.startswith("__") or importlib.util.find_spec(f"{__name__}.{name}") is None:
            raise AttributeError(f"module 'sim' has no attribute {name!r}")
        return importlib.import_module(f".{name}", __name__)
    module, attr = _LAZY[name]
    value = importlib.import_module(module, __name__)
    if attr is not None:
        value = getattr(value, attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "DISCLAIMER",
    "Run",
    "Scenario",
    "ScenarioError",
    "__version__",
    "diseases",
    "load_scenario",
    "loads_scenario",
    "parse_scenario",
    "preset_names",
    "simulate",
    "simulate_cohort",
    "treatments",
]

__version__ = PACKAGE_VERSION


def simulate(scenario: Scenario, seed: int | None = None) -> Run:
    """Run one virtual patient (patient 0 of the seed); ``seed`` defaults to the scenario's."""
    from .engine import simulate_patient
    from .results import Run

    s = scenario.scenario.seed if seed is None else _check_seed(seed)
    return Run(scenario, s, [simulate_patient(scenario, s, 0)])  # patient 0 of the seed


def simulate_cohort(
    scenario: Scenario,
    n: int,
    seed: int | None = None,
    first: int = 0,
    *,
    progress: Callable[[], None] | None = None,
    population: bool = False,
    pinned: Collection[str] = (),
    engine: str | None = None,
) -> Run:
    """Run patients ``first .. first+n-1``; patient *i* is the same whatever ``n`` or ``first``.

    ``population=True`` draws each patient's traits from the disease's population instead of
    cloning the scenario's ``[patient]`` (treatments and disease knobs stay); ``pinned`` lists
    dotted fields kept even then (see :func:`sim.cohort.cohort_inputs`). ``engine`` names a
    runner of :data:`sim.cohort.RUNNERS` (default :data:`sim.cohort.DEFAULT_ENGINE`).
    ``progress`` (e.g. a progress bar's step) is called after each patient.
    """
    from .cohort import DEFAULT_ENGINE, check_engine, cohort_inputs, run_chunk
    from .results import Run
    from .scenario import ScenarioError

    if n < 1:
        raise ScenarioError(f"cohort size n = {n} is out of range; allowed: 1 or more.")
    s = scenario.scenario.seed if seed is None else _check_seed(seed)
    engine = check_engine(DEFAULT_ENGINE if engine is None else engine)
    inputs = cohort_inputs(scenario, population, pinned)
    patients = []
    for i in range(first, first + n):
        patients.extend(run_chunk(inputs, s, [i], engine))
        if progress is not None:
            progress()
    return Run(scenario, s, patients, inputs=inputs if population else None)


def _check_seed(seed: int) -> int:
    from .scenario import ScenarioError

    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise ScenarioError(f"seed = {seed!r} is out of range; allowed: 0 to 2**63-1.")
    return seed
