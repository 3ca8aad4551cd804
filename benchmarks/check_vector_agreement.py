"""Full-size agreement check of the compiled cohort engine with the simpy engine.

Runs the same patients through both engines for every preset the compiled engine supports
and for four plans with patients drawn from the whole population (100 per plan by default,
1,900 patients in all), and prints: the share of records with weaker-hand grip within 1 kg
and MRC sum within 2 points (criterion: at least 99%), the largest
differences, and two-sample KS tests on grip, MRC sum and event counts at years 1, 5 and 10
(criterion: none rejects at p = 0.01). Exits 1 when a criterion fails. Takes minutes: the simpy
engine is the slow half. ``tests/test_vector_engine.py`` runs the same checks at a reduced size.

Usage: python benchmarks/check_vector_agreement.py [patients per preset] [seed]
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace

from sim.inputs import resolve
from sim.scenario import load_preset, preset_names
from sim.vector import supports
from sim.vector.agreement import Agreement, compare

POPULATION_PLANS = ("untreated", "ivig-maintenance", "ivig-dose-creep", "scig-vs-ivig")


def main(per_preset: int = 100, seed: int = 2026) -> int:
    total = Agreement()
    t0 = time.perf_counter()
    names = [n for n in preset_names() if supports(resolve(load_preset(n)))]
    # each preset as written, and its plan for patients drawn from the whole population
    # (no trait pinned down)
    runs = [(n, resolve(load_preset(n))) for n in names]
    runs += [(f"{n} (population)", replace(resolve(load_preset(n)), fixed_traits={},
                                          trait_overrides={})) for n in POPULATION_PLANS]
    for name, inputs in runs:
        a = compare(inputs, seed, range(per_preset))
        print(f"{name:36s} records {a.records:7d}  within tolerance {a.share_close:8.4%}  "
              f"max |grip| {a.max_grip_diff:.2e} kg  max |MRC| {a.max_mrc_diff}  "
              f"max |site value| {a.max_state_diff:.1e}  event lists differing "
              f"{a.event_mismatch}", flush=True)
        total = total.merge(a)
    print(f"\n{len(runs)} plans x {per_preset} patients = {len(runs) * per_preset} patients,"
          f" {total.records} records, {time.perf_counter() - t0:.0f} s")
    print(f"records within 1 kg grip and 2 MRC points: {total.share_close:.4%} (need >= 99%)")
    ok = total.share_close >= 0.99
    for (year, measure), p in sorted(total.ks().items()):
        n = len(total.samples[year][measure][0])
        print(f"  KS year {year:4.0f} {measure:8s} n={n:5d}  p = {p:.4f}")
        ok &= p >= 0.01
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    args = [int(x) for x in sys.argv[1:3]]
    sys.exit(main(*args))
