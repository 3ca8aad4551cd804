"""Speed of the validation report: each reference cohort per patient, and a whole run.

Prints, for every reference cohort, the median time per patient (simulation and reduction to
traces) over a few repeats of a small chunk, the estimate for the default report size, and
optionally the wall time of one whole ``evaluate``. Usage:

    python benchmarks/bench_validation.py [repeats] [--full N JOBS]
"""

from __future__ import annotations

import statistics
import sys
import time

from sim.validation import COHORTS, DEFAULT_N, evaluate
from sim.validation.traces import simulate_chunk

CHUNK = 8


def per_cohort(repeats: int) -> float:
    total = 0.0
    print(f"per patient, median of {repeats} chunks of {CHUNK} (patients differ per chunk)")
    for key, ref in COHORTS.items():
        times = []
        for r in range(repeats):
            t0 = time.perf_counter()
            simulate_chunk(key, 1, r * CHUNK, CHUNK)
            times.append((time.perf_counter() - t0) * 1000 / CHUNK)
        med = statistics.median(times)
        total += med * ref.size(DEFAULT_N)
        print(f"  {key:<22} {med:7.1f} ms  x {ref.size(DEFAULT_N):>5} = "
              f"{med * ref.size(DEFAULT_N) / 1000:6.1f} s")
    print(f"estimated simulation at n = {DEFAULT_N}: {total / 1000:.0f} s on one core")
    return total


def full(n: int, jobs: int) -> None:
    t0 = time.perf_counter()
    rep = evaluate(n, 1, jobs=jobs)
    print(f"whole report, n = {n}, {jobs} worker(s): {time.perf_counter() - t0:.1f} s wall; "
          f"{rep.counts()}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--full" in args:
        k = args.index("--full")
        full(int(args[k + 1]), int(args[k + 2]))
        args = args[:k]
    per_cohort(int(args[0]) if args else 3)
