"""``python -m tests.fuzz [--scale S] [--seed N]``: fuzz every input family, print a table.

Runs each family's hypothesis strategy for its number of cases (times ``--scale``), judges every
case (clean rejection, accepted, crash, hang) and prints one row per family, then the first
crashes and hangs with what caused them. Exit status 1 if any case crashed or hung.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from sim.cli import main as cli_main

from . import strategies as F
from . import targets as T

OUTCOMES = (T.REJECTED, T.ACCEPTED, T.CRASH, T.HANG)
FAILURES = Path("fuzz-failures.txt")


def _base_manifest() -> dict[str, Any]:
    """A real manifest to tamper with (untreated preset, one patient, a study)."""
    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()):
        out = Path(tmp) / "out"
        cli_main(["run", "untreated", "--years", "2", "--set", "study.0.day=300",
                  "--out", str(out), "--quiet"])
        return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def families(base_manifest: dict[str, Any]) -> list[tuple[str, Any, Any, int]]:
    """(name, strategy of argument tuples, target, cases at scale 1)."""
    one = lambda s: s.map(lambda x: (x,))  # noqa: E731 - a target takes a tuple of arguments
    return [
        ("scenario files, Python API", one(F.scenario_text()), T.scenario_api, 3000),
        ("scenario dicts, Python API",
         one(st.one_of(F.scenario_dict(), F.valid_scenario_dict())), T.scenario_dict_api, 1500),
        ("scenario files, CLI run/show/cohort",
         st.tuples(F.scenario_text(), st.sampled_from(["run", "show", "cohort"])), T.cli_file,
         600),
        ("--set values, CLI show", one(F.override_args()), T.cli_set, 2500),
        ("--grid values, CLI sweep", one(F.grid_args()), T.cli_sweep, 300),
        ("trial designs, Python API", one(F.trial_design_text()), T.trial_design, 1000),
        ("links (sidebar restore)", one(F.query()), T.url, 2000),
        ("links, Which disease is it?", one(F.mystery_query()), T.mystery_url, 300),
        ("uploads (read, sidebar)", F.upload(), T.upload, 1000),
        ("reproduce, tampered manifest", one(F.manifest_text(base_manifest)), T.reproduce, 400),
        ("verify, tampered Parquet export", st.tuples(st.just("parquet"), F.export_tampering()),
         T.tampered_export, 600),
        ("verify, tampered CSV export", st.tuples(st.just("csv"), F.export_tampering()),
         T.tampered_export, 400),
        ("verify = reproduce, tampered export",
         st.tuples(st.sampled_from(["parquet", "csv"]), F.export_tampering()),
         T.tampered_export_both, 80),
        ("class mode requests, Python API", one(F.class_request()), T.class_request, 1500),
        ("links in the app (AppTest)", one(F.query()), T.app_url, 100),
        ("links, Class page (AppTest)", one(F.class_query()), T.class_url, 60),
        ("uploads in the app (AppTest)", F.upload(), T.app_upload, 150),
    ]


def run_family(strategy: Any, target: Any, n: int, rng_seed: int) -> tuple[Counter, list, float]:
    tally: Counter = Counter()
    bad: list[tuple[str, str, str]] = []
    slowest = [0.0]

    @seed(rng_seed)
    @settings(max_examples=n, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def case(args: tuple) -> None:
        t0 = time.perf_counter()
        result = T.judge(target, *args)
        slowest[0] = max(slowest[0], time.perf_counter() - t0)
        tally[result.outcome] += 1
        if result.outcome in (T.CRASH, T.HANG):
            bad.append((result.outcome, result.detail, repr(args)))

    case()
    return tally, bad, slowest[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every family's cases")
    ap.add_argument("--seed", type=int, default=20261124, help="hypothesis seed")
    ap.add_argument("--only", default="", metavar="TEXT",
                    help="run only the families whose name contains TEXT (e.g. 'sweep')")
    args = ap.parse_args(argv)
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    rows, problems = [], []
    t_start = time.perf_counter()
    for name, strategy, target, n in families(_base_manifest()):
        if args.only not in name:
            continue
        t0 = time.perf_counter()
        tally, bad, slowest = run_family(strategy, target, max(1, round(n * args.scale)),
                                         args.seed)
        rows.append((name, sum(tally.values()), *(tally[o] for o in OUTCOMES), slowest,
                     time.perf_counter() - t0))
        problems += [(name, *b) for b in bad]
        print(f"  {name}: {sum(tally.values())} cases in {time.perf_counter() - t0:.0f} s",
              file=sys.stderr, flush=True)
    _print_table(rows)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{time.perf_counter() - t_start:.0f} s in all; peak memory {rss:.0f} MB; "
          f"a hang is a case over {T.HANG_SECONDS:g} s.")
    for name, outcome, detail, case in problems[:10]:
        print(f"\n{outcome} in {name}: {detail}\n  case: {case[:300]}")
    if problems:  # every case in full, to turn into a regression test
        FAILURES.write_text("".join(f"{n}\t{o}\t{d}\n{c}\n\n" for n, o, d, c in problems),
                            encoding="utf-8")
        print(f"\n{len(problems)} failing cases in full: {FAILURES}")
    return 1 if problems else 0


def _print_table(rows: list[tuple]) -> None:
    head = ("input family", "cases", "clean rejections", "accepted", "crashes", "hangs",
            "slowest case")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for name, n, rej, acc, crash, hang, slowest, _secs in rows:
        print(f"| {name} | {n:,} | {rej:,} | {acc:,} | {crash} | {hang} | {slowest:.1f} s |")
    tot = [sum(r[i] for r in rows) for i in range(1, 6)]
    print(f"| **total** | {tot[0]:,} | {tot[1]:,} | {tot[2]:,} | {tot[3]} | {tot[4]} | |")


if __name__ == "__main__":
    raise SystemExit(main())
