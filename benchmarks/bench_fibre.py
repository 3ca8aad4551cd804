"""Speed of the mechanism view's fibre model: one 5 ms sweep, and a segment's 100 fibres.

Prints the median of several runs (the first call, which compiles or loads the kernel, is
timed apart). Run: ``.venv/bin/python benchmarks/bench_fibre.py``.
"""

from __future__ import annotations

import statistics
import time

import numpy as np


def _median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def main() -> None:
    t0 = time.perf_counter()
    from sim.electro.fibre import FibreSpec, NodeDamage, safety_factor, sweep

    sweep()
    print(f"first sweep (import + compile or cache load): {time.perf_counter() - t0:.2f} s")
    print(f"one 5 ms sweep, 10 um fibre, healthy: {_median_ms(sweep, 21):.2f} ms (median of 21)")
    damaged = FibreSpec(damage=NodeDamage.from_severity(0.6))
    print(f"one 5 ms sweep, damaged lesion: {_median_ms(lambda: sweep(damaged), 21):.2f} ms")
    rng = np.random.default_rng(0)
    diameters = rng.uniform(8.0, 16.0, 100)
    severities = rng.uniform(0.0, 1.0, 100)

    def population() -> None:
        for d, s in zip(diameters, severities, strict=True):
            sweep(FibreSpec(diameter_um=float(d), damage=NodeDamage.from_severity(float(s))))

    print(f"100 fibres of one segment: {_median_ms(population, 5) / 1e3:.3f} s (median of 5)")
    ms = _median_ms(lambda: safety_factor(damaged), 5)
    print(f"safety factor of one lesion (bisection): {ms:.1f} ms")


if __name__ == "__main__":
    main()
