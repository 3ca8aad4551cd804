"""Cohort speed: patient-years per minute of the compiled engine and of the simpy engine.

Ten-year patients with weekly records, untreated and on IVIg maintenance (1 g/kg every 4
weeks after a loading course). Each figure is the median of several runs of a whole process
(interpreter start, imports, the compiled code read from its cache, drawing every patient,
simulating them and reducing the weekly read-outs to one number), measured in the same run for
both engines; the compiled engine's in-process time (after imports) is printed beside it.
The machine's load average is printed too: other work on the machine slows both engines.

CPU time of each process is printed too (patient-years per CPU-minute): it depends less on
what else the machine is doing than the wall-clock figures do.

Usage: python benchmarks/bench_cohort.py [--n 10000] [--n-simpy 60] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEARS = 10
PLANS = {
    "untreated": ("untreated", {"scenario.years": YEARS, "scenario.record_every_days": 7}),
    "ivig-maintenance": ("ivig-maintenance", {
        "scenario.years": YEARS, "scenario.record_every_days": 7,
        "treatment.1.until_day": YEARS * 365.25}),
}

# What one worker process runs: build the inputs, simulate n patients, print timings as JSON.
_WORKER = """
import json, sys, time
t0 = time.perf_counter()
from sim.inputs import resolve
from sim.scenario import load_preset
preset, overrides, n, engine = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
inputs = resolve(load_preset(preset).with_overrides(overrides))
if engine == "vector":
    from sim.vector import run_batch
    t1 = time.perf_counter()
    batch = run_batch(inputs, 1, range(n))
    check = float(batch.weaker_grip[:, -1].mean())
else:
    from sim.engine import run_patient
    from sim.results import ClinicalArrays
    t1 = time.perf_counter()
    check = sum(float(ClinicalArrays(run_patient(inputs, 1, i)).grip.min(-1)[-1])
                for i in range(n)) / n
t2 = time.perf_counter()
print(json.dumps({"compute": t2 - t1, "inside": t2 - t0, "check": check}))
"""


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _run(preset: str, overrides: dict, n: int, engine: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t0, c0 = time.perf_counter(), _cpu()
    res = subprocess.run(
        [sys.executable, "-c", _WORKER, preset, json.dumps(overrides), str(n), engine],
        capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    out = json.loads(res.stdout.strip().splitlines()[-1])
    out["whole"] = time.perf_counter() - t0
    out["cpu"] = _cpu() - c0  # CPU seconds of the whole process, all its threads
    return out


def _rate(n: int, seconds: float) -> float:
    return n * YEARS / seconds * 60


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10000, help="patients per compiled-engine run")
    ap.add_argument("--n-simpy", type=int, default=60, help="patients per simpy-engine run")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    print(f"cohort speed: {YEARS}-year patients, weekly records; median of {args.repeats} "
          f"whole-process runs; {os.cpu_count()} cores")
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for label, (preset, overrides) in PLANS.items():
        _run(preset, overrides, 50, "vector")  # compile once into the cache (not counted)
        vec, ref = [], []
        for _ in range(args.repeats):  # alternate, so a burst of other work hits both
            vec.append(_run(preset, overrides, args.n, "vector"))
            ref.append(_run(preset, overrides, args.n_simpy, "simpy"))
        med = statistics.median
        v_whole = _rate(args.n, med(r["whole"] for r in vec))
        v_comp = _rate(args.n, med(r["compute"] for r in vec))
        s_whole = _rate(args.n_simpy, med(r["whole"] for r in ref))
        s_comp = _rate(args.n_simpy, med(r["compute"] for r in ref))
        print(f"{label}:")
        print(f"  compiled engine : {v_whole:12,.0f} patient-years/min whole process "
              f"({args.n} patients, median {med(r['whole'] for r in vec):.2f} s); "
              f"{v_comp:,.0f} computing only")
        print(f"  simpy engine    : {s_whole:12,.0f} patient-years/min whole process "
              f"({args.n_simpy} patients, median {med(r['whole'] for r in ref):.2f} s); "
              f"{s_comp:,.0f} computing only")
        v_cpu = _rate(args.n, med(r["cpu"] for r in vec))
        s_cpu = _rate(args.n_simpy, med(r["cpu"] for r in ref))
        print(f"  per CPU-minute  : compiled {v_cpu:,.0f}, simpy {s_cpu:,.0f} patient-years "
              f"(whole process; the compiled engine uses every core)")
        print(f"  speed-up        : {v_whole / s_whole:8.0f}x whole process, "
              f"{v_comp / s_comp:.0f}x computing only, {v_cpu / s_cpu:.0f}x per CPU-second")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
