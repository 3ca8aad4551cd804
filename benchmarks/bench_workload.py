"""Coefficients of the work estimate (sim.workload) and how well the estimate tracks real runs.

Times one patient (simulation and tables) for scenarios that each stress one unit of work —
records, treatment days, studies — and prints the measured seconds per unit (median of several
runs) beside the coefficient in ``sim.workload``, then estimated against measured seconds for
a few mixed scenarios, including the heaviest the schema accepts, and the memory a run takes in
the dashboard's cache per record. Teaching model, not for clinical decisions.
Usage: python benchmarks/bench_workload.py [repeats]
"""

from __future__ import annotations

import pickle
import statistics
import sys
import time

from sim import parse_scenario, simulate, workload
from sim.limits import MAX_STUDIES


def _seconds(data: dict, repeats: int) -> float:
    scenario = parse_scenario(data)
    times = []
    for seed in range(repeats):
        t0 = time.perf_counter()
        _ = simulate(scenario, seed=seed).tables
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _daily(n: int) -> list[dict]:
    return [{"kind": "scig", "start_day": i / n, "every_days": 1} for i in range(n)]


def main(repeats: int = 5) -> None:
    forty = {"years": 40}
    base = _seconds({"scenario": forty}, repeats)
    units = {
        "record": ({"scenario": {**forty, "record_every_days": 1}},
                   workload.SECONDS_PER_RECORD),
        "treatment day": ({"scenario": forty, "treatment": _daily(3)},
                          workload.SECONDS_PER_TREATMENT_DAY),
        "study": ({"scenario": forty,
                   "study": [{"day": 200.0 * i} for i in range(MAX_STUDIES)]},
                  workload.SECONDS_PER_STUDY),
    }
    simulate(parse_scenario({}), seed=0)  # warm-up
    print(f"one patient, simulation and tables, median of {repeats} runs")
    print(f"  40 years, weekly records, no treatment: {base * 1000:7.1f} ms")
    ref = workload.estimate(parse_scenario({"scenario": forty}))
    for name, (data, coeff) in units.items():
        est = workload.estimate(parse_scenario(data))
        extra = {"record": est.records - ref.records,
                 "treatment day": est.treatment_days - ref.treatment_days,
                 "study": est.studies - ref.studies}[name]
        per = (_seconds(data, repeats) - base) / extra
        print(f"  per {name:<14}: measured {per * 1e6:8.2f} us, sim.workload uses "
              f"{coeff * 1e6:8.2f} us ({extra:,} units)")
    print("estimate against measurement:")
    mixed = {
        "preset-like (10 y, weekly, IVIg)": {"treatment": [
            {"kind": "ivig", "start_day": 700, "every_days": 28}]},
        "20 y, every 2 days, weekly SCIg": {
            "scenario": {"years": 20, "record_every_days": 2},
            "treatment": [{"kind": "scig", "every_days": 7}]},
        "heaviest accepted": {
            "scenario": {**forty, "record_every_days": 1}, "treatment": _daily(3),
            "study": [{"day": 200.0 * i} for i in range(MAX_STUDIES)]},
    }
    for name, data in mixed.items():
        est = workload.estimate(parse_scenario(data)).seconds
        print(f"  {name:<34}: estimated {est:6.2f} s, measured {_seconds(data, repeats):6.2f} s")
    for years, every in ((10, 7.0), (40, 7.0), (40, 1.0)):
        scenario = parse_scenario({"scenario": {"years": years, "record_every_days": every}})
        run = simulate(scenario, seed=1)
        _ = run.tables
        mb = len(pickle.dumps(run)) / 1e6
        est = workload.estimate(scenario)
        print(f"  {years} y every {every:g} d: {mb:6.1f} MB cached, {mb / est.records * 1e3:5.2f} "
              f"kB per record (sim.workload uses {workload.MEGABYTES_PER_RECORD * 1e3:.2f})")
    print(f"the dashboard refuses scenarios estimated above {workload.DASHBOARD_SECONDS:g} s "
          f"or {workload.DASHBOARD_MEGABYTES:g} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
