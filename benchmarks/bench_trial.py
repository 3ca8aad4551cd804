"""Trial designer speed: a 500-trial run of the Hahn 2013 preset on the dashboard page.

Runs the Trial designer page through Streamlit's AppTest (the page script exactly as the server
runs it, without the browser's drawing) and times the press of the one-click Hahn 2013 button:

* *cold*: the pool's cache emptied first, so the pool of patients is simulated (the first
  run of a design);
* *warm*: then the endpoint changed and the trials run again on the cached pool (what every
  later change of n, endpoint, alpha or R costs).

Also the library's own steps (pool, 500 trials, power curve) outside the page. Prints the
median (and each) of ``--runs`` runs; the target is under 30 s for a 500-trial run. A
benchmark, not a test: it prints only.

    .venv/bin/python benchmarks/bench_trial.py [--runs 3] [--jobs 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _page_runs(runs: int) -> tuple[list[float], list[float]]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from app_pages import state
    from app_pages.pages import PAGES

    page = next(p.path for p in PAGES if p.url == "trial-designer")
    cold, warm = [], []
    for _ in range(runs):
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.run()
        at.switch_page(page).run()
        t0 = time.perf_counter()
        at.button(key=state.key("trial_hahn")).click().run()
        cold.append(time.perf_counter() - t0)
        assert not at.exception, [e.value for e in at.exception]
        at.selectbox(key=state.key("trial_endpoint")).set_value("time_to_rescue").run()
        t0 = time.perf_counter()
        at.button(key=state.key("trial_run")).click().run()
        warm.append(time.perf_counter() - t0)
        assert not at.exception, [e.value for e in at.exception]
    return cold, warm


def _library_runs(runs: int, jobs: int) -> dict[str, list[float]]:
    from sim.trial import load_design
    from sim.trial.trials import pool_for, power_curve, simulate_trials

    d = load_design("hahn-2013")
    ns = [11, 22, 33, 44, 66, 88]
    out: dict[str, list[float]] = {"pool": [], "500 trials": [], "power curve (6 n)": []}
    for _ in range(runs):
        t0 = time.perf_counter()
        pool = pool_for(d, 1, ns=ns, jobs=jobs)
        t1 = time.perf_counter()
        simulate_trials(d, 500, 1, pool=pool)
        t2 = time.perf_counter()
        power_curve(d, ns, 500, 1, pool=pool)
        t3 = time.perf_counter()
        out["pool"].append(t1 - t0)
        out["500 trials"].append(t2 - t1)
        out["power curve (6 n)"].append(t3 - t2)
    return out


def _line(label: str, values: list[float]) -> str:
    each = ", ".join(f"{v:.2f}" for v in values)
    return f"{label:<34} median {statistics.median(values):6.2f} s   ({each})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2, help="worker processes for the library runs")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))  # run as a script, the project root is not on the path
    os.chdir(ROOT)
    print(f"Trial designer, Hahn 2013 preset (n = 44 crossover, pool 176, R = 500); "
          f"{os.cpu_count()} cores; median of {args.runs} runs")
    lib = _library_runs(args.runs, args.jobs)
    for k, v in lib.items():
        print(_line(f"library: {k} (jobs {args.jobs})" if k == "pool" else f"library: {k}", v))
    cold, warm = _page_runs(args.runs)
    print(_line("page: Hahn 2013 click, cold pool", cold))
    print(_line("page: new endpoint, cached pool", warm))
    print(f"target: under 30 s per 500-trial run on the page -> "
          f"{'met' if statistics.median(cold) < 30 else 'NOT met'} (cold median)")


if __name__ == "__main__":
    main()
