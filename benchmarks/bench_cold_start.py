"""Cold start: the first ``mmn-sim cohort PRESET --n 200`` after a fresh install.

Before: the compiled engine's cache is empty, so the first cohort compiles the kernel (as it did
before the install step built the cache). After: the install step, ``python -m sim.vector.warm``,
has run, so the first cohort loads the kernel from the cache. Each run starts from a fresh copy
of the package (no ``__pycache__``) and an empty cache folder (``NUMBA_CACHE_DIR``), so every
run is a fresh install; both sides are measured in the same run of this script, alternately,
and the median of ``--repeats`` runs is printed with the CPU time and the machine's load.

Usage: python benchmarks/bench_cold_start.py [--preset ivig-maintenance] [--n 200] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _timed(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one process that must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    res = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if res.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{res.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _lay_out(site: Path) -> None:
    """The package as the wheel lays it out (presets inside), without any cache."""
    shutil.copytree(ROOT / "sim", site / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "scenarios", site / "sim" / "_presets")


def _fresh_install(base: Path, source: Path) -> tuple[Path, dict[str, str]]:
    """A fresh copy of the package and an environment with an empty cache folder."""
    site = base / "site"
    shutil.copytree(source, site)
    (base / "numba-cache").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    env.update(PYTHONPATH=str(site), NUMBA_CACHE_DIR=str(base / "numba-cache"))
    return site, env


def _one(source: Path, preset: str, n: int, install_step: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="mmn-cold-") as tmp:
        base = Path(tmp)
        _site, env = _fresh_install(base, source)
        row = {}
        if install_step:
            row["warm"], row["warm_cpu"] = _timed(
                [sys.executable, "-m", "sim.vector.warm", "--quiet"], env, base)
        row["first"], row["first_cpu"] = _timed(
            [sys.executable, "-m", "sim", "cohort", preset, "--n", str(n), "--quiet",
             "--out", str(base / "out")], env, base)
        return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--preset", default="ivig-maintenance")
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{os.cpu_count()} cores")
    before, after = [], []
    snapshot = tempfile.TemporaryDirectory(prefix="mmn-cold-src-")
    source = Path(snapshot.name) / "site"
    _lay_out(source)  # one snapshot: edits to the sources during the run do not leak in
    for r in range(args.repeats):
        before.append(_one(source, args.preset, args.n, install_step=False))
        after.append(_one(source, args.preset, args.n, install_step=True))
        print(f"run {r + 1}: before {before[-1]['first']:.1f} s; after {after[-1]['first']:.1f} s "
              f"(install step {after[-1]['warm']:.1f} s)", flush=True)

    def med(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(row[key] for row in rows)

    print(f"\nfirst `mmn-sim cohort {args.preset} --n {args.n}` after a fresh install, median of "
          f"{args.repeats} (wall s / CPU s):")
    print(f"  before (empty cache, the kernel compiles): {med(before, 'first'):6.1f} / "
          f"{med(before, 'first_cpu'):6.1f}")
    print(f"  after (cache built by the install step):   {med(after, 'first'):6.1f} / "
          f"{med(after, 'first_cpu'):6.1f}")
    print(f"  the install step itself (python -m sim.vector.warm): {med(after, 'warm'):6.1f} / "
          f"{med(after, 'warm_cpu'):6.1f}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    snapshot.cleanup()


if __name__ == "__main__":
    main()
