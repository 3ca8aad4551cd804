"""The ``mmn-sim`` command line, also ``python -m sim``. Teaching model, not for clinical decisions.

Sub-commands::

    mmn-sim scenarios                      list presets, one line each
    mmn-sim show SCENARIO [--set K=V ...]  the resolved scenario as TOML, teaching text included
    mmn-sim run SCENARIO [--seed N] [--years Y] [--set K=V ...] --out DIR [--format csv|parquet]
    mmn-sim cohort SCENARIO --n N [--seed S] [--years Y] [--set K=V ...] --out DIR [--format ...]
    mmn-sim reproduce DIR/manifest.json --out DIR2

Exit status: 0 success; 1 the run failed or a reproduction does not match its manifest;
2 bad input (one sentence on stderr naming the file or field and what is allowed, nothing
written); 130 interrupted (nothing written). Exports are written atomically by
:func:`sim.export.save`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from . import __version__, export, load_scenario, simulate_cohort
from ._meta import DISCLAIMER
from .results import Run
from .scenario import (
    Scenario,
    ScenarioError,
    parse_override,
    parse_scenario,
    preset_dir,
    preset_names,
)

__all__ = ["main", "Progress", "EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "EXIT_INTERRUPTED"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
MAX_COHORT = 1_000_000
MAX_FIRST = 10**12
PROG = "mmn-sim"


class UsageError(Exception):
    """Bad input: the message is one sentence; the command exits with status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error becomes one sentence and exit status 2, never a traceback."""

    def error(self, message: str) -> NoReturn:
        message = message.replace("\n", " ").strip().rstrip(".")
        raise UsageError(f"{self.prog}: {message}; see '{self.prog} --help'.")


# --- progress bar ---------------------------------------------------------------------------
class Progress:
    """A small stderr progress bar that appears only once a job has run for ``delay`` seconds.

    On a terminal it redraws one line in place; otherwise (logs, pipes) it prints a line at
    every 10% step, so quick runs stay silent and long ones show they are alive.
    """

    def __init__(
        self,
        total: int,
        label: str,
        *,
        enabled: bool = True,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
        delay: float = 1.0,
        width: int = 28,
    ) -> None:
        self.total = max(1, int(total))
        self.label = label
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.delay = delay
        self.width = width
        self.done = 0
        self.start = clock()
        self.drawn = False
        self._last_draw = -1.0
        self._last_decile = -1
        isatty = getattr(self.stream, "isatty", None)
        self.tty = bool(isatty and isatty())

    def advance(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)
        self._maybe_draw(final=False)

    def close(self) -> None:
        self._maybe_draw(final=True)
        if self.drawn and self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def _maybe_draw(self, final: bool) -> None:
        if not self.enabled:
            return
        now = self.clock()
        elapsed = now - self.start
        if elapsed < self.delay:
            return
        if self.tty:
            if not final and now - self._last_draw < 0.1:
                return
            self.stream.write("\r" + self._line(elapsed))
        else:
            decile = self.done * 10 // self.total
            if decile == self._last_decile and not (final and not self.drawn):
                return
            self._last_decile = decile
            self.stream.write(self._line(elapsed) + "\n")
        self._last_draw = now
        self.drawn = True
        self.stream.flush()

    def _line(self, elapsed: float) -> str:
        filled = self.width * self.done // self.total
        bar = "#" * filled + "-" * (self.width - filled)
        return f"{self.label} [{bar}] {self.done}/{self.total} {elapsed:.1f}s"


# --- argument types ---------------------------------------------------------------------------
def _whole_number(lo: int, hi: int, shown_hi: str | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number in ``lo..hi``, else one sentence saying so."""
    allowed = f"allowed: {lo} to {shown_hi or hi}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number; {allowed}") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{value} is out of range; {allowed}")
        return value

    return parse


_seed = _whole_number(0, 2**63 - 1, "2**63-1")
_cohort_size = _whole_number(1, MAX_COHORT)
_first_patient = _whole_number(0, MAX_FIRST)


def _years(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a number; allowed: above 0 to 40 (years of disease)"
        ) from None


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
    _add_run_options(coh)

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
    return p


def _add_overrides(p: argparse.ArgumentParser) -> None:
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="sets",
                   help="override a scenario field, e.g. disease.lesion_rate_per_year=3.5 or "
                   "treatment.1.every_days=42 (repeatable; validated like the file)")


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--years", type=_years, help="years of disease to simulate (above 0 to 40)")
    _add_overrides(p)
    p.add_argument("--out", required=True, metavar="DIR",
                   help="folder to write (must not exist or be empty, unless --force)")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv",
                   help="table format (default: csv)")
    p.add_argument("--force", action="store_true",
                   help="replace --out if it holds a previous mmn-sim export")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary line")


# --- helpers ----------------------------------------------------------------------------------
def _source(name_or_path: str) -> dict[str, Any]:
    """Where the scenario came from, for the manifest."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        info: dict[str, Any] = {"file": str(path)}
        if path.is_file():
            info["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
        return info
    return {"preset": name_or_path}


def _overrides(sets: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for text in sets:
        key, value = parse_override(text)
        out[key] = value
    return out


def _resolve(args: argparse.Namespace) -> tuple[Scenario, dict[str, Any]]:
    """The scenario after --set, --years and --seed, and the overrides to record."""
    scenario = load_scenario(args.scenario)
    overrides = _overrides(args.sets)
    if overrides:
        scenario = scenario.with_overrides(overrides, source="--set")
    if getattr(args, "years", None) is not None:
        overrides["scenario.years"] = args.years
        scenario = scenario.with_overrides({"scenario.years": args.years}, source="--years")
    seed = getattr(args, "seed", None)
    if seed is not None and seed != scenario.scenario.seed:
        scenario = scenario.with_overrides({"scenario.seed": seed}, source="--seed")
    return scenario, overrides


def _check_out(out: Path, force: bool) -> None:
    """Refuse an --out that would overwrite something that is not a previous export."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder; choose a folder path.")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise UsageError(
                f"--out {out} already exists and is not empty; choose a new folder or add "
                "--force to replace a previous export."
            )
        if not (out / "manifest.json").is_file():
            raise UsageError(
                f"--out {out} is not empty and holds no manifest.json, so it is not an "
                "mmn-sim export; --force only replaces previous exports."
            )


def _export(
    args: argparse.Namespace, scenario: Scenario, n: int, seed: int, first: int,
    fmt: str, provenance: dict[str, Any], label: str,
) -> Run:
    out = Path(args.out)
    n_tables = 5 + (1 if scenario.study else 0)
    bar = Progress(n + 1 + n_tables, label, enabled=not args.quiet)
    run = simulate_cohort(scenario, n, seed=seed, first=first, progress=bar.advance)
    _ = run.tables  # build the tables (one step) before writing them
    bar.advance()
    export.save(run, out, format=fmt, overwrite=args.force, provenance=provenance,
                progress=lambda _name: bar.advance())
    bar.close()
    return run


def _command_line(argv: Sequence[str]) -> list[str]:
    return [PROG, *argv]


# --- sub-commands -----------------------------------------------------------------------------
def _cmd_scenarios(args: argparse.Namespace, out: TextIO) -> int:
    names = preset_names()
    width = max((len(n) for n in names), default=0)
    for name in names:
        try:
            sc = load_scenario(name)
            text = sc.scenario.summary or sc.scenario.name
        except ScenarioError as err:
            text = f"(invalid: {err})"
        out.write(f"{name:<{width}}  {text}\n")
    out.write(f"\n{len(names)} presets in {preset_dir()}. {DISCLAIMER}\n")
    return EXIT_OK


def _cmd_show(args: argparse.Namespace, out: TextIO) -> int:
    scenario, overrides = _resolve(args)
    out.write(f"# {scenario.name}: resolved scenario")
    out.write(" (with --set " + ", ".join(overrides) + ")\n" if overrides else "\n")
    out.write(f"# {DISCLAIMER}\n\n")
    out.write(scenario.to_toml())
    return EXIT_OK


def _cmd_run(args: argparse.Namespace, out: TextIO, argv: Sequence[str]) -> int:
    return _simulate_and_export(args, out, argv, n=1)


def _cmd_cohort(args: argparse.Namespace, out: TextIO, argv: Sequence[str]) -> int:
    return _simulate_and_export(args, out, argv, n=args.n, first=args.first)


def _simulate_and_export(
    args: argparse.Namespace, out: TextIO, argv: Sequence[str], n: int, first: int = 0
) -> int:
    """``run`` (patient 0) and ``cohort`` (patients first..first+n-1): simulate, export."""
    scenario, overrides = _resolve(args)
    _check_out(Path(args.out), args.force)
    seed = scenario.scenario.seed
    prov = {"source": _source(args.scenario), "overrides": overrides,
            "command": _command_line(argv)}
    label = "cohort" if args.command == "cohort" else "simulating"
    run = _export(args, scenario, n, seed, first, args.format, prov, label)
    if not args.quiet:
        who = f"seed {seed}, {scenario.scenario.years:g} years" if label == "simulating" else (
            f"patients {first} to {first + n - 1}, seed {seed}")
        out.write(f"wrote {len(run.tables)} tables ({args.format}) and manifest.json to "
                  f"{args.out}: {scenario.name}, {who}. {DISCLAIMER}\n")
    return EXIT_OK


def _read_manifest(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise UsageError(f"{path}: no such manifest file.")
    try:
        man = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise UsageError(f"{path}: not a JSON manifest ({err}).") from None
    if not isinstance(man, dict):
        raise UsageError(f"{path}: not an mmn-sim manifest (expected a JSON object).")
    for key in ("scenario", "seed", "patients", "tables"):
        if key not in man:
            raise UsageError(f"{path}: not an mmn-sim manifest; the field '{key}' is missing.")
    return man


def _manifest_plan(path: Path, man: dict[str, Any]) -> tuple[Scenario, int, int, int, str]:
    scenario = parse_scenario(man["scenario"], source=f"{path.name} (scenario)")
    seed = man["seed"]
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise UsageError(f"{path}: seed = {seed!r} is out of range; allowed: 0 to 2**63-1.")
    try:
        idx = sorted(int(p["patient"]) for p in man["patients"])
    except (TypeError, KeyError, ValueError):
        raise UsageError(f"{path}: 'patients' must list entries with a 'patient' number.") \
            from None
    if not idx or idx != list(range(idx[0], idx[0] + len(idx))) or idx[0] < 0:
        raise UsageError(f"{path}: 'patients' must be a non-empty run of consecutive numbers.")
    fmt = man.get("format")
    if fmt is None:  # older manifests: infer from the table files
        suffixes = {Path(t.get("file", "")).suffix for t in man["tables"].values()}
        fmt = suffixes.pop().lstrip(".") if len(suffixes) == 1 else None
    if fmt not in ("csv", "parquet"):
        raise UsageError(f"{path}: format = {fmt!r} is not allowed; choose one of csv, parquet.")
    return scenario, seed, len(idx), idx[0], fmt


def _cmd_reproduce(args: argparse.Namespace, out: TextIO, argv: Sequence[str]) -> int:
    path = Path(args.manifest)
    man = _read_manifest(path)
    scenario, seed, n, first, fmt = _manifest_plan(path, man)
    _check_out(Path(args.out), args.force)
    prov = {k: man[k] for k in ("source", "overrides") if k in man}
    prov.update(command=_command_line(argv), reproduced_from=str(path))
    run = _export(args, scenario, n, seed, first, fmt, prov, "reproducing")
    new = json.loads((Path(args.out) / "manifest.json").read_text(encoding="utf-8"))
    old_t, new_t = man["tables"], new["tables"]
    differ = sorted(
        name for name in set(old_t) | set(new_t)
        if old_t.get(name, {}).get("sha256") != new_t.get(name, {}).get("sha256")
    )
    if differ:
        files = ", ".join(new_t.get(n, old_t.get(n, {})).get("file", n) for n in differ)
        cause = _version_note(man, new)
        sys.stderr.write(
            f"{PROG}: reproduce: {len(differ)} of {len(set(old_t) | set(new_t))} tables differ "
            f"from {path} ({files}){cause}; the new tables are in {args.out} for comparison.\n"
        )
        return EXIT_FAILED
    if not args.quiet:
        out.write(f"reproduced {len(run.tables)} tables into {args.out}: every SHA-256 matches "
                  f"{path}. {DISCLAIMER}\n")
    return EXIT_OK


def _version_note(old: dict[str, Any], new: dict[str, Any]) -> str:
    """Why a reproduction may differ: a different package, commit or library version."""
    notes = []
    for key in ("package_version", "git_commit"):
        if old.get(key) != new.get(key):
            notes.append(f"{key} {old.get(key)} then, {new.get(key)} now")
    ov, nv = old.get("versions", {}), new.get("versions", {})
    for lib in sorted(set(ov) | set(nv)):
        if ov.get(lib) != nv.get(lib):
            notes.append(f"{lib} {ov.get(lib)} then, {nv.get(lib)} now")
    return f", probably because the code changed ({'; '.join(notes)})" if notes else ""


# --- entry point ------------------------------------------------------------------------------
def _fail(message: str, code: int) -> int:
    text = " ".join(str(message).split())
    if not text.endswith("."):
        text += "."
    if not text.startswith(PROG):
        text = f"{PROG}: {text}"
    sys.stderr.write(text + "\n")
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (the console script exits with it)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    out = sys.stdout
    try:
        args = _build_parser().parse_args(argv)
        if args.command == "scenarios":
            return _cmd_scenarios(args, out)
        if args.command == "show":
            return _cmd_show(args, out)
        if args.command == "run":
            return _cmd_run(args, out, argv)
        if args.command == "cohort":
            return _cmd_cohort(args, out, argv)
        return _cmd_reproduce(args, out, argv)
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except (UsageError, ScenarioError) as err:
        return _fail(str(err), EXIT_USAGE)
    except FileExistsError as err:
        return _fail(f"--out {err.filename or err}: exists and is not empty; nothing written",
                     EXIT_USAGE)
    except KeyboardInterrupt:
        return _fail("interrupted; nothing was written", EXIT_INTERRUPTED)
    except OSError as err:
        where = err.filename or ""
        return _fail(f"could not write {where}: {err.strerror or err}; nothing was written",
                     EXIT_FAILED)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
