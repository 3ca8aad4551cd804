"""The ``mmn-sim`` command line, also ``python -m sim``. Teaching model, not for clinical decisions.

Sub-commands::

    mmn-sim scenarios                      list presets, one line each
    mmn-sim show SCENARIO [--set K=V ...]  the resolved scenario as TOML, teaching text included
    mmn-sim run SCENARIO [--seed N] [--years Y] [--set K=V ...] --out DIR [--format csv|parquet]
    mmn-sim cohort SCENARIO --n N [--seed S] [--years Y] [--set K=V ...] --out DIR [--format ...]
                   [--population] [--detail summary|full] [--chunk K] [--engine E]
                   [--workers N | --scheduler tcp://host:8786]
    mmn-sim sweep SCENARIO --grid PATH=V1,V2,... [--grid ...] --n N --out DIR [--population]
    mmn-sim reproduce DIR/manifest.json --out DIR2
    mmn-sim verify DIR                     check DIR's tables against its manifest.json
    mmn-sim validate [--n N] [--seed S] [--jobs J] [--out DIR]   the validation report
    mmn-sim trial DESIGN [--R R] [--seed S] [--n N] [--curve N1,N2] --out DIR   a virtual trial

Exit status: 0 success; 1 the run failed, or a reproduction or an export does not match its
manifest; 2 bad input (one sentence on stderr naming the file or field and what is allowed, nothing
written); 130 interrupted (nothing written). Exports are written atomically by
:func:`sim.export.write_parts`: a kill leaves the previous export or nothing.

This module holds the parser and the entry point; the sub-commands are in
:mod:`sim.cli_commands` and the progress bar in :mod:`sim.cli_progress`.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn, TextIO

from . import __version__
from ._meta import DISCLAIMER
from .cli_commands import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    PROG,
    UsageError,
    cmd_cohort,
    cmd_reproduce,
    cmd_run,
    cmd_scenarios,
    cmd_show,
    cmd_sweep,
    cmd_validate,
    cmd_verify,
)
from .cli_progress import Progress
from .cli_streams import SafeOutput
from .cli_trial import add_trial_parser, cmd_trial
from .cohort import DEFAULT_ENGINE, RUNNERS
from .dask_cluster import dask_logs_shown, machine_cores
from .dataset import DEFAULT_CHUNK, DETAILS, MAX_CHUNK, DaskError
from .limits import MAX_COHORT, MAX_FIRST, ascii_number, ascii_whole, quote
from .scenario import ScenarioError
from .sweep import MAX_SWEEP_PATIENTS
from .threads import one_blas_thread
from .validation import DEFAULT_N, DEFAULT_SEED

__all__ = ["main", "Progress", "EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "EXIT_INTERRUPTED",
           "EXIT_TERMINATED", "Terminated"]

EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process ended by it


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error becomes one sentence and exit status 2, never a traceback."""

    def error(self, message: str) -> NoReturn:
        message = message.replace("\n", " ").strip().rstrip(".")
        raise UsageError(f"{self.prog}: {message}; see '{self.prog} --help'.")


# --- argument types ---------------------------------------------------------------------------
def _whole_number(lo: int, hi: int, shown_hi: str | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number in ``lo..hi``, else one sentence saying so."""
    allowed = f"allowed: {lo} to {shown_hi or hi}"

    def parse(text: str) -> int:
        value = ascii_whole(text)
        if value is None:  # int() would also take '٣', '1_0' and 5,000 digits
            raise argparse.ArgumentTypeError(f"{quote(text)} is not a whole number; {allowed}")
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{value} is out of range; {allowed}")
        return value

    return parse


_seed = _whole_number(0, 2**63 - 1, "2**63-1")
_cohort_size = _whole_number(1, MAX_COHORT)
_first_patient = _whole_number(0, MAX_FIRST)
_validation_size = _whole_number(20, 5000)
# Worker processes: at most one per core this process may use; more only slow the run and
# multiply its memory (64 Dask workers on 2 cores grew to 12 GB before failing to start).
CORES = machine_cores()
_jobs = _whole_number(1, CORES, f"{CORES} (the cores of this machine)")
_chunk_size = _whole_number(1, MAX_CHUNK)
_sweep_size = _whole_number(1, MAX_SWEEP_PATIENTS)


def _years(text: str) -> float:
    value = ascii_number(text)
    if value is None:  # float() would also take 'nan', 'inf' and '٣'
        raise argparse.ArgumentTypeError(
            f"{quote(text)} is not a number; allowed: above 0 to 40 (years of disease)"
        )
    return value


def _build_parser() -> _Parser:
    p = _Parser(
        prog=PROG,
        description=f"MMN teaching simulator. {DISCLAIMER}",
        epilog="Exit status: 0 ok, 1 run failed or reproduction differs, 2 bad input, "
        "130 interrupted.",
    )
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    sub.add_parser("scenarios", help="list the preset scenarios, one line each",
                   description="List the preset scenarios with a one-line summary each.")

    show = sub.add_parser("show", help="print a scenario as TOML, teaching text included",
                          description="Print the resolved scenario (after --set) as TOML.")
    show.add_argument("scenario", metavar="SCENARIO", help="preset name or path to a .toml file")
    _add_overrides(show)

    run = sub.add_parser("run", help="simulate one virtual patient and export its tables",
                         description="Simulate one virtual patient (patient 0 of the seed) "
                         "and write its tables and manifest.json to --out.")
    run.add_argument("scenario", metavar="SCENARIO", help="preset name or path to a .toml file")
    run.add_argument("--seed", type=_seed, help="root seed (default: the scenario's seed)")
    _add_run_options(run)

    coh = sub.add_parser("cohort", help="simulate N virtual patients and export their tables",
                         description="Simulate patients 0..N-1 of the seed; patient i is the "
                         "same whatever N.")
    coh.add_argument("scenario", metavar="SCENARIO", help="preset name or path to a .toml file")
    coh.add_argument("--n", type=_cohort_size, required=True, metavar="N",
                     help=f"number of patients (1 to {MAX_COHORT})")
    coh.add_argument("--first", type=_first_patient, default=0, metavar="K",
                     help="index of the first patient (default 0): split a large cohort over "
                     "machines, e.g. --first 0 --n 1000 here and --first 1000 --n 1000 there")
    coh.add_argument("--seed", type=_seed, help="root seed (default: the scenario's seed)")
    _add_run_options(coh, default_format="parquet",
                     what="the tables; a cohort's parquet is a partitioned dataset, one file "
                     "per chunk")
    _add_cohort_options(coh)

    swp = sub.add_parser("sweep", help="run every combination of a grid of fields on the "
                         "same patients; one tidy table",
                         description="Run every combination of the --grid values on patients "
                         "0..N-1 of the seed (the same patients, with the same random numbers, "
                         "in every combination) and write one table: the yearly summary of "
                         "every patient with one column per swept field.")
    swp.add_argument("scenario", metavar="SCENARIO", help="preset name or path to a .toml file")
    swp.add_argument("--grid", action="append", required=True, metavar="PATH=V1,V2,...",
                     help="a field and its values, e.g. disease.lesion_rate_per_year=0.8,1.6,3.2 "
                     "(repeatable; paths and values as for --set)")
    swp.add_argument("--n", type=_sweep_size, required=True, metavar="N",
                     help=f"patients per combination (1 to {MAX_SWEEP_PATIENTS})")
    swp.add_argument("--seed", type=_seed, help="root seed (default: the scenario's seed)")
    swp.add_argument("--population", action="store_true",
                     help="draw the patients from the disease's population (a swept or --set "
                     "trait stays as given)")
    swp.add_argument("--engine", choices=RUNNERS, default=DEFAULT_ENGINE,
                     help=f"simulation engine (default {DEFAULT_ENGINE})")
    where = swp.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_jobs, metavar="N",
                       help="run on a local Dask cluster of N worker processes "
                       f"(1 to {CORES})")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on an existing Dask cluster, e.g. tcp://host:8786")
    _add_verbose(swp)
    _add_run_options(swp, default_format="parquet", what="the sweep table")

    rep = sub.add_parser("reproduce", help="re-run from a manifest.json and check the SHA-256s",
                         description="Re-run the scenario, seed and patients recorded in a "
                         "manifest.json, write the tables to --out and check that each has the "
                         "SHA-256 the manifest records (exit 1 if any differs).")
    rep.add_argument("manifest", metavar="MANIFEST", help="path to a manifest.json")
    rep.add_argument("--out", required=True, metavar="DIR", help="folder to write (must not "
                     "exist or be empty, unless --force)")
    rep.add_argument("--force", action="store_true",
                     help="replace --out if it holds a previous mmn-sim export")
    rep.add_argument("--quiet", action="store_true", help="no progress bar or summary line")
    where = rep.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_jobs, metavar="N",
                       help="re-run a cohort or sweep on a local Dask cluster of N worker "
                       f"processes (1 to {CORES}); the files do not depend on it")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="re-run a cohort or sweep on an existing Dask cluster")
    _add_verbose(rep)

    ver = sub.add_parser("verify", help="check an export's tables against its manifest.json",
                         description="Check that every table file of an export folder has the "
                         "SHA-256 its manifest.json records; name each one that does not (exit 1) "
                         "or is missing.")
    ver.add_argument("folder", metavar="DIR", help="export folder (or its manifest.json)")
    ver.add_argument("--quiet", action="store_true", help="no summary line when all match")
    _add_validate(sub)
    add_trial_parser(sub)
    return p


def _add_validate(sub: argparse._SubParsersAction) -> None:
    val = sub.add_parser("validate", help="check the model against published targets (report)",
                         description="Simulate the reference cohorts, measure every published "
                         "target and write validation.md, validation.html and validation.json "
                         "to --out. A red target is information, not a failure (exit 0).")
    val.add_argument("--n", type=_validation_size, default=DEFAULT_N, metavar="N",
                     help=f"patients per reference cohort (20 to 5000; default {DEFAULT_N})")
    val.add_argument("--seed", type=_seed, default=DEFAULT_SEED,
                     help=f"root seed (default {DEFAULT_SEED})")
    val.add_argument("--jobs", type=_jobs, default=1, metavar="J",
                     help=f"worker processes (1 to {CORES}; default 1); the report does not depend "
                     "on it")
    val.add_argument("--out", default="validation", metavar="DIR",
                     help="folder to write (default ./validation; must not exist or be empty, "
                     "unless --force)")
    val.add_argument("--force", action="store_true",
                     help="replace --out if it holds a previous validation report")
    val.add_argument("--quiet", action="store_true", help="no progress bar or summary table")


def _add_verbose(p: argparse.ArgumentParser) -> None:
    p.add_argument("--verbose", action="store_true",
                   help="show Dask's own log lines (by default a Dask run reports only its "
                   "progress and, on a fault, one sentence)")
    p.add_argument("--yes", action="store_true",
                   help="run even when the work is estimated at over an hour on this machine")


def _add_cohort_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--population", action="store_true",
                   help="draw each patient's traits from the disease's population (sex, age, "
                   "antibodies, attack rate, ...) instead of cloning the scenario's [patient]; "
                   "treatments stay; a trait given with --set stays fixed")
    p.add_argument("--detail", choices=DETAILS, default="summary",
                   help="summary: one row per patient per year (default); full: the weekly "
                   "tables of 'run'")
    p.add_argument("--chunk", type=_chunk_size, default=DEFAULT_CHUNK, metavar="K",
                   help=f"patients per chunk, i.e. per Parquet file and in memory at once "
                   f"(1 to {MAX_CHUNK}; default {DEFAULT_CHUNK})")
    p.add_argument("--engine", choices=RUNNERS, default=DEFAULT_ENGINE,
                   help=f"simulation engine (default {DEFAULT_ENGINE}; one of "
                   f"{', '.join(RUNNERS)})")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_jobs, metavar="N",
                       help="run the chunks on a local Dask cluster of N worker processes "
                       f"(1 to {CORES}); the files do not depend on N")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="run the chunks on an existing Dask cluster, e.g. tcp://host:8786 "
                       "(its workers need this package installed)")
    _add_verbose(p)


def _add_overrides(p: argparse.ArgumentParser) -> None:
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="sets",
                   help="override a scenario field, e.g. disease.lesion_rate_per_year=3.5 or "
                   "treatment.1.every_days=42 (repeatable; validated like the file)")


def _add_run_options(p: argparse.ArgumentParser, default_format: str = "csv",
                     what: str = "") -> None:
    p.add_argument("--years", type=_years, help="years of disease to simulate (above 0 to 40)")
    _add_overrides(p)
    p.add_argument("--out", required=True, metavar="DIR",
                   help="folder to write (must not exist or be empty, unless --force)")
    p.add_argument("--format", choices=("csv", "parquet"), default=default_format,
                   help=f"format of {what or 'the tables'} (default: {default_format})")
    p.add_argument("--force", action="store_true",
                   help="replace --out if it holds a previous mmn-sim export")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary line")


# --- entry point ------------------------------------------------------------------------------
def _fail(message: str, code: int) -> int:
    text = " ".join(str(message).split())
    if not text.endswith("."):
        text += "."
    if not text.startswith(PROG):
        text = f"{PROG}: {text}"
    try:  # a closed or broken standard error must not turn the sentence into a traceback
        sys.stderr.write(text + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass
    return code


def _dispatch(args: argparse.Namespace, out: TextIO, argv: list[str]) -> int:
    """The chosen command's exit status."""
    if args.command == "scenarios":
        return cmd_scenarios(args, out)
    if args.command == "show":
        return cmd_show(args, out)
    if args.command == "run":
        return cmd_run(args, out, argv)
    if args.command == "cohort":
        return cmd_cohort(args, out, argv)
    if args.command == "sweep":
        return cmd_sweep(args, out, argv)
    if args.command == "verify":
        return cmd_verify(args, out)
    if args.command == "validate":
        return cmd_validate(args, out)
    if args.command == "trial":
        return cmd_trial(args, out, argv)
    return cmd_reproduce(args, out, argv)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is so that every ``except BaseException`` clean-up
    (staged export folders, a Dask cluster) runs, as for Ctrl-C."""


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Within the block SIGTERM raises :class:`Terminated` (in the main thread only, where
    signal handlers can be set); the previous handler comes back after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_terminated(signum: int, frame: Any) -> None:
        raise Terminated()

    old = signal.signal(signal.SIGTERM, raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (the console script exits with it)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # What is printed may go nowhere (stdout closed, or '| head' stopped reading): the command
    # still does its work and keeps its exit status; see sim.cli_streams.
    out = SafeOutput(sys.stdout)
    try:
        args = _build_parser().parse_args(argv)
        with _sigterm_as_interrupt(), one_blas_thread(), \
                dask_logs_shown(bool(getattr(args, "verbose", False))):
            return _dispatch(args, out, argv)
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except (UsageError, ScenarioError) as err:
        return _fail(str(err), EXIT_USAGE)
    except FileExistsError as err:
        return _fail(f"--out {err.filename or err}: exists and is not empty; nothing written",
                     EXIT_USAGE)
    except DaskError as err:
        return _fail(str(err), EXIT_FAILED)
    except KeyboardInterrupt as err:
        code = EXIT_TERMINATED if isinstance(err, Terminated) else EXIT_INTERRUPTED
        return _fail("interrupted; nothing was written", code)
    except OSError as err:
        where = f" {err.filename}" if err.filename else ""
        return _fail(f"could not write{where}: {err.strerror or err}; nothing was written",
                     EXIT_FAILED)
    finally:
        out.flush()  # here, not at the interpreter's exit, where a broken pipe would be loud


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
