"""Time one full bilateral nerve conduction study plus every motor waveform, and one day's
study plus bedside examination (what the Examination and Diagnosis pages compute per redraw).

Run: .venv/bin/python benchmarks/bench_ncs.py [repetitions]
Targets (DESIGN.md): median < 20 ms for each, so the dashboard's pages redraw instantly.
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np

import sim
from sim import electro, exam
from sim.anatomy import ANATOMY, SIDES
from sim.diseases.mmn import DISEASE
from sim.sites import SiteSnapshot


def realistic_snapshot() -> SiteSnapshot:
    """A few lesions of the kind MMN produces after some years (block, axon loss, damage)."""
    block = np.zeros(ANATOMY.n_sites)
    loss = np.zeros(ANATOMY.n_sites)
    damage = np.zeros(ANATOMY.n_sites)
    lesions = {
        ("left", "ulnar", "upper arm"): (0.65, 0.10, 0.80),
        ("left", "median", "forearm"): (0.35, 0.05, 0.45),
        ("left", "radial", "upper arm"): (0.50, 0.20, 0.75),
        ("right", "median", "upper arm"): (0.20, 0.30, 0.55),
        ("right", "peroneal", "leg"): (0.40, 0.10, 0.50),
    }
    for key, (b, a, d) in lesions.items():
        i = ANATOMY.site_index[key]
        block[i], loss[i], damage[i] = b, a, d
    return SiteSnapshot(730.0, block, loss, damage)


def one_round(baseline: electro.NcsBaseline, snap: SiteSnapshot) -> int:
    df = electro.study(baseline, snap)
    n = len(df)
    for side in SIDES:
        for nerve in ANATOMY.nerves:
            n += len(electro.study_waveforms(baseline, snap, nerve.name, side))
    return n


def _median_ms(fn, reps: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(times)


def day_rounds(baseline: electro.NcsBaseline, snap: SiteSnapshot, reps: int) -> None:
    """Study + exam of one day (the target), and the other tests of a work-up for reference."""
    study = _median_ms(lambda: electro.study(baseline, snap), reps)
    ex = _median_ms(lambda: exam.examine(snap, DISEASE, snap.day), reps)
    both = _median_ms(lambda: (electro.study(baseline, snap),
                               exam.examine(snap, DISEASE, snap.day)), reps)
    emg = _median_ms(lambda: electro.emg(snap, snap, snap, snap, 0.5), reps)
    fw = _median_ms(lambda: electro.fwaves(baseline, snap), reps)
    run = sim.simulate(sim.load_scenario("untreated"))
    via_run = _median_ms(lambda: (run.ncs(1500), run.examination(1500)), reps)
    print(f"Study + exam for one day, {reps} repetitions:")
    print(f"  median {both:.2f} ms (target < 20 ms): study {study:.2f} ms, exam {ex:.2f} ms; "
          f"for reference needle EMG {emg:.2f} ms, F-waves {fw:.2f} ms")
    print(f"  through a Run (run.ncs + run.examination, untreated preset, day 1500): "
          f"median {via_run:.2f} ms (target < 20 ms)")


def main(reps: int = 50) -> None:
    baseline = electro.draw_baseline(np.random.default_rng(7))
    snap = realistic_snapshot()
    one_round(baseline, snap)  # warm-up (imports, caches)
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        one_round(baseline, snap)
        times.append((time.perf_counter() - t0) * 1000.0)
    t0 = time.perf_counter()
    df = electro.study(baseline, snap)
    study_only = (time.perf_counter() - t0) * 1000.0
    print(f"NCS study ({len(df)} rows) + all motor waveforms, {reps} repetitions:")
    print(
        f"  median {statistics.median(times):.2f} ms, min {min(times):.2f} ms, "
        f"max {max(times):.2f} ms (target < 20 ms); study alone {study_only:.2f} ms"
    )
    day_rounds(baseline, snap, reps)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
