"""``python -m sim.vector.warm``: compile the engine into its cache once, when the package installs.

Why: compiling the kernel takes about half a minute on two cores, and the first cohort of a
fresh install would wait for it. The Makefile's install step runs this module, so ``make run``
and ``make test`` (and CI, which runs ``make test``) start with the cache built. It runs patient
0 of every preset through the same calls the command line and the dashboard make
(:func:`sim.cohort.run_chunk` on each engine, and :func:`sim.vector.run_batch`), and one sweep
of the Mechanism page's fibre model (:mod:`sim.electro.fibre`), so every signature they compile
is in the cache; a second run loads everything and compiles nothing.
The results are thrown away.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["warm", "WarmReport", "main"]


@dataclass(frozen=True)
class WarmReport:
    """What a warm-up found: kernel signatures loaded from the cache or compiled (and saved)."""

    presets: int
    loaded: int
    compiled: int
    cache: str | None
    seconds: float

    def line(self) -> str:
        where = f"cached in {self.cache}" if self.cache else "not cached (no writable folder)"
        return (f"compiled engine ready in {self.seconds:.1f} s: {self.presets} presets run, "
                f"{self.loaded} kernel signature(s) loaded from the cache, {self.compiled} "
                f"compiled (callees included); {where}.")


def _dispatchers() -> list:
    from numba.core.dispatcher import Dispatcher

    from ..electro.fibre import kernel as fibre_kernel
    from . import kernel

    return [f for module in (kernel, fibre_kernel) for f in vars(module).values()
            if isinstance(f, Dispatcher)]


def _counts() -> tuple[int, int]:
    hits = misses = 0
    for f in _dispatchers():
        hits += sum(f.stats.cache_hits.values())
        misses += sum(f.stats.cache_misses.values())
    return hits, misses


def warm(presets: Sequence[str] | None = None) -> WarmReport:
    """Run patient 0 of each preset (default: all) on every engine; see the module docstring."""
    from ..cohort import RUNNERS, cohort_inputs, run_chunk
    from ..scenario import load_preset, preset_names
    from . import CACHE, run_batch, supports

    t0 = time.perf_counter()
    names = list(preset_names() if presets is None else presets)
    for k, name in enumerate(names):
        scenario = load_preset(name)
        for population in (False, True):
            inputs = cohort_inputs(scenario, population)
            seed = scenario.scenario.seed
            run_chunk(inputs, seed, [0], "vector")
            if supports(inputs):
                run_batch(inputs, seed, [0])
        if k == 0:  # the reference engine: one short patient covers what it calls
            short = cohort_inputs(scenario.with_overrides({"scenario.years": 1}))
            for engine in RUNNERS:
                run_chunk(short, scenario.scenario.seed, [0], engine)
    # The Mechanism page's fibre model (its own kernel, about 10 s to compile): one sweep and
    # one "does it conduct?" question compile every signature the page and its tests use.
    from ..electro.fibre import conducts, sweep

    conducts(sweep().spec)
    hits, misses = _counts()
    return WarmReport(len(names), hits, misses, CACHE, time.perf_counter() - t0)


def main(argv: Sequence[str] | None = None) -> int:
    """The module's command line: warm every preset (or those named), print one line."""
    p = argparse.ArgumentParser(prog="python -m sim.vector.warm", description=__doc__)
    p.add_argument("presets", nargs="*", metavar="PRESET", help="presets to run (default all)")
    p.add_argument("--quiet", action="store_true", help="print nothing")
    args = p.parse_args(argv)
    report = warm(args.presets or None)
    if not args.quiet:
        sys.stdout.write(report.line() + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
