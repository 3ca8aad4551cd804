"""Speed of the mystery page's model work: a debrief, and the reference shares per disease.

A debrief simulates the case's patient under every first treatment (and untreated), reads
the differential's path and the soonest settling tests, and evaluates every checklist; the
reference shares (the live differential and "which findings pointed where") simulate 20
patients of a disease, each also on the immunoglobulin trial, and are cached per disease by
the page (so the debrief is timed with them given, as the page gives them). Prints the
median of several runs. Usage: python benchmarks/bench_mystery.py [repeats]
"""

from __future__ import annotations

import statistics
import sys
import time

from sim import diseases
from sim import mystery as M


def main(repeats: int = 7) -> None:
    rates = M.all_rates()
    M.debrief(M.Attempt(M.Case("mmn", 0), ("ncs",)).commit("mmn", M.NONE), rates=rates)
    debrief_ms = []
    for seed in range(repeats):
        attempt = M.Attempt(M.Case("mmn", seed), ("history", "ncs", "trial")).commit(
            "mmn", M.NONE)
        t0 = time.perf_counter()
        M.debrief(attempt, rates=rates)
        debrief_ms.append((time.perf_counter() - t0) * 1000)
    rates_s = []
    for _ in range(max(1, repeats // 3)):
        t0 = time.perf_counter()
        M.reference_rates(diseases.DEFAULT_KIND, 20)
        rates_s.append(time.perf_counter() - t0)
    med = statistics.median
    print(f"mystery page model work ({repeats} debriefs, {len(rates_s)} reference runs)")
    print(f"  debrief (every first treatment + checklists): median {med(debrief_ms):6.0f} ms "
          f"(min {min(debrief_ms):.0f}, max {max(debrief_ms):.0f})")
    print(f"  reference shares, 20 patients of one disease: median {med(rates_s):6.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
