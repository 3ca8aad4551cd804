"""The compiled cohort engine: many patients through the simpy engine's model, fast.

Why: a cohort of thousands of ten-year patients takes minutes on the simpy engine, which is
built for one patient at a time and for reading. This engine runs the same model (the same
disease, exposure and treatment parameters, imported, not copied), on the same grid of at most
seven days with the same exact updates between events, from the same per-patient random
streams (:func:`sim.engine.patient_streams`), as a compiled event loop over many patients.

Agreement with the simpy engine: the loop handles the same events in the same order and does
every update with the same floating-point operations in the same order, so the two engines
agree to rounding. The remaining differences are rounding-level (about 1e-15 in site
values, 1e-13 kg in grip over 1,900 patients): sums that numpy hands to BLAS are added here in
a fixed order (a muscle's sites in the order they were first attacked, a hand's muscles in
catalogue order), and ``pow``, ``exp`` and ``log`` come from the compiler's maths library.
A grade boundary or an attack's acceptance can in principle flip on such a difference; the
agreement tests measure how often (never, so far).

Plans: the MMN disease with any mix of the built-in treatment kinds (IVIg with its courses,
maintenance, titration rules and the response check after an adequate course; SCIg;
prednisolone; plasma exchange; the FcRn blocker; the complement inhibitor). A plugin
treatment, a replaced registry entry or another disease falls back to the simpy engine patient
by patient in :func:`run_patients`; :func:`supports` says which applies.
"""

from __future__ import annotations

import os
from pathlib import Path

from .cache import caching_disabled, configure

# Where numba keeps the compiled kernel, decided before it is compiled: a read-only install with
# an unwritable home folder would otherwise fail at import (see sim.vector.cache).
CACHE = configure(Path(os.path.abspath(os.path.dirname(__file__))))

import numba  # noqa: E402

# The "workqueue" threading layer, chosen before the first parallel call: GNU OpenMP (numba's
# default when present) cannot run in a process forked after its threads started, and the
# validation report and the trial designer fork worker processes (a forked worker calling
# this engine died, measured). Workqueue is fork-safe but not re-entrant, so calls from
# several threads of one process are serialised by a lock in ``engine``.
numba.config.THREADING_LAYER = "workqueue"

with caching_disabled(CACHE is None):
    from .engine import CHUNK, Batch, run_batch, run_patients, supports

__all__ = ["supports", "run_patients", "run_batch", "Batch", "CHUNK", "CACHE"]
