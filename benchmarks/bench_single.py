"""Speed of one virtual patient: 10 years, weekly records (it runs on every slider move).

Prints the median of several runs of the simulation alone and with all tables built, and
the number of simpy events per second. Usage: python benchmarks/bench_single.py [repeats]
"""

from __future__ import annotations

import statistics
import sys
import time

from sim import load_scenario, simulate
from sim.engine import _Model
from sim.inputs import resolve


def main(repeats: int = 15) -> None:
    scenario = load_scenario("ivig-maintenance").with_overrides(
        {"scenario.years": 10, "scenario.record_every_days": 7, "treatment.1.until_day": 3652}
    )
    simulate(scenario, seed=1)  # warm-up: imports and caches
    sim_ms, tables_ms, events = [], [], []
    for seed in range(repeats):
        t0 = time.perf_counter()
        model = _Model(resolve(scenario), seed, 0)
        count = [0]
        schedule = model.env.schedule

        def counting(*args, _schedule=schedule, _count=count, **kw):
            _count[0] += 1
            return _schedule(*args, **kw)

        model.env.schedule = counting
        model.run()
        sim_ms.append((time.perf_counter() - t0) * 1000)
        events.append(count[0])
        t0 = time.perf_counter()
        run = simulate(scenario, seed=seed)
        _ = run.tables
        tables_ms.append((time.perf_counter() - t0) * 1000)
    med = statistics.median
    print(f"one patient, 10 years, weekly records, IVIg every 4 weeks ({repeats} runs)")
    print(f"  simulation only : median {med(sim_ms):6.1f} ms  (min {min(sim_ms):.1f}, "
          f"max {max(sim_ms):.1f})")
    print(f"  with all tables : median {med(tables_ms):6.1f} ms  (min {min(tables_ms):.1f}, "
          f"max {max(tables_ms):.1f})")
    print(f"  simpy events    : median {med(events):.0f} per run, "
          f"{med(e / (t / 1000) for e, t in zip(events, sim_ms, strict=True)):,.0f} per second")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
