"""Cohort exports at scale: throughput and peak memory of ``mmn-sim cohort`` (whole process tree).

Runs ``python -m sim cohort SCENARIO --n N --years Y --out TMP [--workers W]`` as a child
process for each N and samples, every 0.2 s, the resident memory of the command and of every
process it started (Dask scheduler, nanny and worker processes), with psutil. Prints, per N:
wall time, patient-years per minute and the peak summed RSS. Memory should stay flat as N
grows: only chunks in flight are held. A benchmark, not a test: it prints only.

    .venv/bin/python benchmarks/bench_cohort_scale.py --n 1000 4000 --years 10 --workers 2
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent


def tree_rss(proc: psutil.Process) -> int:
    """Resident bytes of ``proc`` and all its descendants (those still alive)."""
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


def one_run(args: argparse.Namespace, n: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "sim", "cohort", args.scenario, "--n", str(n),
               "--years", str(args.years), "--out", str(Path(tmp) / "out"), "--quiet",
               "--detail", args.detail, "--chunk", str(args.chunk), "--engine", args.engine]
        if args.population:
            cmd.append("--population")
        if args.workers:
            cmd += ["--workers", str(args.workers)]
        start = time.monotonic()
        child = subprocess.Popen(cmd, cwd=ROOT)
        proc = psutil.Process(child.pid)
        peak = 0
        while child.poll() is None:
            peak = max(peak, tree_rss(proc))
            time.sleep(0.2)
        wall = time.monotonic() - start
        if child.returncode != 0:
            raise SystemExit(f"cohort run failed with exit status {child.returncode}")
        return wall, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="untreated")
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 4000])
    ap.add_argument("--years", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=2, help="0: in this process, no Dask")
    ap.add_argument("--chunk", type=int, default=64)
    ap.add_argument("--engine", default="vector", choices=("vector", "simpy"))
    ap.add_argument("--detail", default="summary", choices=("summary", "full"))
    ap.add_argument("--population", action="store_true")
    ap.add_argument("--repeat", type=int, default=1, help="runs per N (median printed)")
    args = ap.parse_args()
    where = f"{args.workers} Dask workers" if args.workers else "one process"
    print(f"mmn-sim cohort {args.scenario}: {args.years:g} years, --detail {args.detail}, "
          f"--chunk {args.chunk}, engine {args.engine}, {where}, {psutil.cpu_count()} cores "
          "(shared)")
    print(f"{'patients':>9} {'patient-years':>14} {'wall s':>8} {'pt-years/min':>13} "
          f"{'peak RSS MB':>12}")
    for n in args.n:
        runs = [one_run(args, n) for _ in range(args.repeat)]
        wall = statistics.median(r[0] for r in runs)
        peak = max(r[1] for r in runs)
        py = n * args.years
        print(f"{n:>9} {py:>14,.0f} {wall:>8.1f} {py / wall * 60:>13,.0f} "
              f"{peak / 2**20:>12,.0f}", flush=True)


if __name__ == "__main__":
    main()
