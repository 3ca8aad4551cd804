"""``mmn-sim trial DESIGN``: simulate a virtual trial many times and write its power.

Kept out of :mod:`sim.cli_commands` so the trial designer is one module: its arguments, its
progress bar (with the time left) and its command. ``sim.cli`` adds the parser and dispatches.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from ._meta import DISCLAIMER
from .cli_commands import EXIT_OK, PROG, _check_out
from .cli_progress import Progress
from .dask_cluster import machine_cores
from .limits import ascii_whole, quote
from .trial import load_design
from .trial.design import TrialDesign
from .trial.trials import DEFAULT_R, MAX_R, pool_for, power_curve, simulate_trials

__all__ = ["add_trial_parser", "cmd_trial", "EtaProgress"]


class EtaProgress(Progress):
    """The stderr progress bar with the estimated time left."""

    def _line(self, elapsed: float) -> str:
        line = super()._line(elapsed)
        if 0 < self.done < self.total:
            line += f", about {elapsed * (self.total - self.done) / self.done:.0f}s left"
        return line


def _whole(lo: int, hi: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = ascii_whole(text)
        if value is None or not lo <= value <= hi:
            raise argparse.ArgumentTypeError(
                f"{quote(text)} is not allowed; {what} must be a whole number from {lo} to {hi}")
        return value
    return parse


def _sizes(text: str) -> list[int]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    values = [ascii_whole(p) for p in parts]
    if not parts or any(v is None or not 2 <= v <= 400 for v in values):
        raise argparse.ArgumentTypeError(
            f"{quote(text)} is not allowed; --curve takes trial sizes from 2 to 400 separated "
            "by commas, e.g. 10,20,44")
    return sorted({int(v) for v in values if v is not None})


def add_trial_parser(sub: argparse._SubParsersAction) -> None:
    tr = sub.add_parser(
        "trial", help="simulate a virtual trial R times: power and effect-size distribution",
        description="Simulate a pool of patients selected the way the design enrols them, "
        "each under every arm, then draw R trials from it and test each; write the power, "
        "every trial's estimate and p-value, the pool and a manifest to --out.")
    tr.add_argument("design", metavar="DESIGN",
                    help="trial preset name (e.g. hahn-2013) or path to a trial .toml file")
    tr.add_argument("--R", type=_whole(1, MAX_R, "--R"), default=DEFAULT_R, dest="R",
                    metavar="R", help=f"simulated trials (1 to {MAX_R}; default {DEFAULT_R})")
    tr.add_argument("--seed", type=_whole(0, 2**63 - 1, "--seed"), default=1,
                    help="root seed of the pool and of the draws (default 1)")
    tr.add_argument("--n", type=_whole(4, 400, "--n"), metavar="N",
                    help="patients per arm (crossover: in total); default the design's")
    tr.add_argument("--curve", type=_sizes, metavar="N1,N2,...",
                    help="also write power_curve.csv: the power at these trial sizes")
    cores = machine_cores()  # more worker processes than cores only cost memory
    tr.add_argument("--jobs", type=_whole(1, cores, "--jobs"), default=min(2, cores),
                    metavar="J", help=f"worker processes simulating the pool (1 to {cores}, the "
                    f"cores of this machine; default {min(2, cores)}); results do not depend "
                    "on it")
    tr.add_argument("--out", required=True, metavar="DIR",
                    help="folder to write (must not exist or be empty, unless --force)")
    tr.add_argument("--force", action="store_true",
                    help="replace --out if it holds a previous mmn-sim export")
    tr.add_argument("--quiet", action="store_true", help="no progress bar or summary")


def cmd_trial(args: argparse.Namespace, out: TextIO, argv: Sequence[str]) -> int:
    from .trial.export import write_trial

    design: TrialDesign = load_design(args.design)
    if args.n is not None:
        design = design.with_changes(n=args.n)
    _check_out(Path(args.out), args.force)
    ns = args.curve or []
    bar = EtaProgress(1, "trial", enabled=not args.quiet)

    def step(done: int, total: int) -> None:
        bar.total = max(1, total)
        bar.done = 0
        bar.advance(done)

    pool = pool_for(design, args.seed, ns=ns, jobs=args.jobs, progress=step)
    bar.close()
    result = simulate_trials(design, args.R, args.seed, pool=pool)
    curve = power_curve(design, ns, args.R, args.seed, pool=pool) if ns else None
    prov = {"source": args.design, "command": [PROG, *argv]}
    write_trial(result, pool, args.out, curve=curve, overwrite=args.force, provenance=prov)
    if not args.quiet:
        for comp, pw in result.power.items():
            lo, hi = result.power_interval(comp)
            out.write(f"{comp}: power {pw:.3f} (95% interval {lo:.3f} to {hi:.3f}) over "
                      f"{result.R} trials of n = {result.n}; pool {result.pool_size} patients "
                      f"of {result.screened} screened.\n")
        out.write(f"wrote trials.csv, summary.csv, pool.csv, design.toml, README.txt and "
                  f"manifest.json to {args.out}. {DISCLAIMER}\n")
    return EXIT_OK

