"""What each ``mmn-sim`` sub-command does once its arguments are parsed.

:mod:`sim.cli` builds the parser and dispatches to the ``cmd_*`` functions here. The exit
statuses, the program name and :class:`UsageError` are defined here because the sub-commands
return and raise them; :mod:`sim.cli` re-exports them. Exports are written a chunk of patients
at a time and put in place atomically by :func:`sim.cohort.export_cohort`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from . import atomic, load_scenario
from ._meta import DISCLAIMER
from .budget import Budget, check_chunk, check_duration, check_sweep_table
from .cli_progress import Progress
from .cohort import check_engine, export_cohort
from .dataset import DETAILS, MAX_CHUNK, check_scheduler, export_dataset
from .inputs import TRAIT_KNOBS
from .scenario import (
    Scenario,
    ScenarioError,
    parse_override,
    parse_scenario,
    preset_dir,
    preset_names,
)
from .verify import ManifestError, Report, check_export, has_export_beside, read_manifest

__all__ = [
    "EXIT_OK",
    "EXIT_FAILED",
    "EXIT_USAGE",
    "EXIT_INTERRUPTED",
    "PROG",
    "UsageError",
    "cmd_scenarios",
    "cmd_show",
    "cmd_run",
    "cmd_cohort",
    "cmd_sweep",
    "cmd_reproduce",
    "cmd_verify",
    "cmd_validate",
]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
PROG = "mmn-sim"
MAX_SHOWN = 20  # problems of a changed export named one by one; the rest are counted


class UsageError(Exception):
    """Bad input: the message is one sentence; the command exits with status 2."""


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
    """Refuse an --out that would overwrite something that is not a previous export (after
    putting back an export a killed ``--force`` had moved aside, see :mod:`sim.atomic`)."""
    atomic.recover(out.absolute().parent)
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
) -> dict[str, dict[str, Any]]:
    """Simulate and write, a chunk of patients at a time; the manifest's ``tables``.

    ``run`` and the reproduction of a weekly-table export use the reference simpy engine, as
    those exports always did (the compiled engine is for cohorts)."""
    n_tables = 5 + (1 if scenario.study else 0)
    bar = Progress(n + n_tables, label, enabled=not args.quiet)
    tables = export_cohort(scenario, n, args.out, seed=seed, first=first, format=fmt,
                           overwrite=args.force, provenance=provenance, on_patient=bar.advance,
                           on_table=lambda _name: bar.advance(), engine="simpy")
    bar.close()
    return tables


def _command_line(argv: Sequence[str]) -> list[str]:
    return [PROG, *argv]


# --- sub-commands -----------------------------------------------------------------------------
def cmd_scenarios(args: argparse.Namespace, out: TextIO) -> int:
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


def cmd_show(args: argparse.Namespace, out: TextIO) -> int:
    scenario, overrides = _resolve(args)
    out.write(f"# {scenario.name}: resolved scenario")
    out.write(" (with --set " + ", ".join(overrides) + ")\n" if overrides else "\n")
    out.write(f"# {DISCLAIMER}\n\n")
    out.write(scenario.to_toml())
    return EXIT_OK


def cmd_run(args: argparse.Namespace, out: TextIO, argv: Sequence[str]) -> int:
    return _simulate_and_export(args, out, argv, n=1)


def cmd_cohort(args: argparse.Namespace, out: TextIO, argv: Sequence[str]) -> int:
    """Patients first..first+n-1 in chunks (here or on Dask), summary or full tables."""
    scenario, overrides = _resolve(args)
    _check_out(Path(args.out), args.force)
    if args.scheduler is not None:
        check_scheduler(args.scheduler)
    _check_cohort_budget(args, scenario)
    seed = scenario.scenario.seed
    prov = {"source": _source(args.scenario), "overrides": overrides,
            "command": _command_line(argv)}
    plan = {"detail": args.detail, "format": args.format, "chunk": args.chunk,
            "population": args.population, "pinned": _pinned(overrides), "engine": args.engine}
    tables = _export_dataset(args, scenario, args.n, seed, args.first, plan, prov, "cohort")
    if not args.quiet:
        where = (f" on {args.workers} Dask workers" if args.workers else
                 f" on the Dask cluster at {args.scheduler}" if args.scheduler else "")
        who = "population" if args.population else "scenario's patient"
        out.write(f"wrote {len(tables)} {args.detail} tables ({args.format}) and manifest.json "
                  f"to {args.out}: {scenario.name}, patients {args.first} to "
                  f"{args.first + args.n - 1} ({who}), seed {seed}{where}. {DISCLAIMER}\n")
    return EXIT_OK


def _seconds_per_patient(scenario: Scenario, engine: str) -> float:
    """One patient's estimated seconds on one core: the compiled engine's measured rate, or
    the simpy engine's estimate (sim.workload)."""
    from .budget import PATIENT_YEARS_PER_SECOND
    from .workload import estimate

    if engine == "vector":
        return scenario.scenario.years / PATIENT_YEARS_PER_SECOND
    return estimate(scenario).seconds


def _check_cohort_budget(args: argparse.Namespace, scenario: Scenario) -> None:
    """A chunk that fits in memory, and no hours of work without --yes (one sentence each)."""
    from .workload import estimate

    budget = Budget.here()
    if args.scheduler is None:
        in_flight = 1 + (2 * args.workers if args.workers else 0)
        check_chunk(min(args.chunk, args.n), estimate(scenario).megabytes, in_flight, budget)
    check_duration(args.n * _seconds_per_patient(scenario, args.engine),
                   args.workers, args.yes or args.scheduler is not None,
                   f"a cohort of {args.n:,} patients", budget)


def cmd_sweep(args: argparse.Namespace, out: TextIO, argv: Sequence[str]) -> int:
    """Every combination of the grid on the same patients: one tidy table and a manifest."""
    from .sweep import combinations, iter_sweep, parse_grid, write_sweep

    scenario, overrides = _resolve(args)
    grid = parse_grid(args.grid)
    combos = combinations(scenario, grid)  # every value checked before anything runs
    if args.scheduler is not None:
        check_scheduler(args.scheduler)
    budget = Budget.here()
    check_sweep_table(sum(args.n * (int(sc.scenario.years) + 1) for _, sc in combos), budget)
    check_duration(sum(args.n * _seconds_per_patient(sc, args.engine) for _, sc in combos),
                   args.workers, args.yes or args.scheduler is not None,
                   f"a sweep of {len(combos):,} combinations x {args.n:,} patients", budget)
    _check_out(Path(args.out), args.force)
    seed = scenario.scenario.seed
    bar = Progress(len(combos) * args.n, "sweep", enabled=not args.quiet)
    pinned = _pinned(overrides)
    parts = list(iter_sweep(scenario, grid, args.n, seed, population=args.population,
                            pinned=pinned, engine=args.engine, progress=bar.advance,
                            workers=args.workers, scheduler=args.scheduler))
    bar.close()
    import pandas as pd

    table = pd.concat(parts, ignore_index=True)
    del parts
    prov = {"source": _source(args.scenario), "overrides": overrides,
            "command": _command_line(argv), "format": args.format,
            "population": args.population, "pinned": sorted({*pinned, *grid}),
            "engine": args.engine}
    entry = write_sweep(args.out, table, args.format,
                        {"scenario": scenario, "grid": grid, "n": args.n, "seed": seed,
                         "provenance": prov}, overwrite=args.force)
    if not args.quiet:
        out.write(f"wrote {entry['file']} ({entry['rows']} rows: {len(combos)} combinations x "
                  f"{args.n} patients x years) and manifest.json to {args.out}: "
                  f"{scenario.name}, seed {seed}. {DISCLAIMER}\n")
    return EXIT_OK


def _pinned(overrides: dict[str, Any]) -> list[str]:
    """The traits a population cohort keeps as set: those given with --set."""
    return sorted(k for k in overrides
                  if k.startswith("patient.") or k.removeprefix("disease.") in TRAIT_KNOBS)


def _export_dataset(
    args: argparse.Namespace, scenario: Scenario, n: int, seed: int, first: int,
    plan: dict[str, Any], provenance: dict[str, Any], label: str,
) -> dict[str, dict[str, Any]]:
    bar = Progress(n, label, enabled=not args.quiet)
    tables = export_dataset(
        scenario, n, args.out, seed=seed, first=first, detail=plan["detail"],
        format=plan["format"], chunk=plan["chunk"], population=plan["population"],
        pinned=plan["pinned"], engine=plan["engine"], workers=getattr(args, "workers", None),
        scheduler=getattr(args, "scheduler", None), overwrite=args.force,
        provenance=provenance, on_patients=bar.advance)
    bar.close()
    return tables


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
    tables = _export(args, scenario, n, seed, first, args.format, prov, label)
    if not args.quiet:
        who = f"seed {seed}, {scenario.scenario.years:g} years" if label == "simulating" else (
            f"patients {first} to {first + n - 1}, seed {seed}")
        out.write(f"wrote {len(tables)} tables ({args.format}) and manifest.json to "
                  f"{args.out}: {scenario.name}, {who}. {DISCLAIMER}\n")
    return EXIT_OK


def _read_manifest(path: Path) -> dict[str, Any]:
    """The manifest, read by the one checked reader ``verify`` and ``reproduce`` share."""
    try:
        return read_manifest(path)
    except ManifestError as err:
        raise UsageError(str(err)) from None


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
    if fmt is None:  # older manifests and downloads: the format of the table files (one)
        first = next(iter(man["tables"].values()))
        fmt = "parquet" if "files" in first else first["file"].rsplit(".", 1)[1]
    return scenario, seed, len(idx), idx[0], fmt


def _check_original(path: Path, man: dict[str, Any]) -> Report | None:
    """The export beside a manifest, checked as ``verify`` checks it; None if nothing of an
    export is beside it (a manifest kept on its own)."""
    if not has_export_beside(path, man):
        return None
    return check_export(path.parent, man, path.name)


def _problem_lines(command: str, report: Report) -> str:
    """One line per problem (at most :data:`MAX_SHOWN`, then how many more)."""
    lines = [f"{PROG}: {command}: {p}\n" for p in report.problems[:MAX_SHOWN]]
    more = len(report.problems) - MAX_SHOWN
    if more > 0:
        lines.append(f"{PROG}: {command}: and {more:,} more problems of this export.\n")
    return "".join(lines)


def _count(report: Report) -> str:
    k = len(report.problems)
    return f"{k:,} problem{'s' if k != 1 else ''}"


def _differs(old: dict[str, Any], new: dict[str, Any] | None) -> bool:
    """Whether a reproduced table differs from the manifest's entry: bytes, rows or content."""
    if new is None:
        return True
    return any(old.get(k) != new.get(k) for k in ("sha256", "rows", "content_sha256")
               if k in old)


def cmd_reproduce(args: argparse.Namespace, out: TextIO, argv: Sequence[str]) -> int:
    path = Path(args.manifest)
    man = _read_manifest(path)
    scenario, seed, n, first, fmt = _manifest_plan(path, man)
    prov = {k: man[k] for k in ("source", "overrides") if k in man}
    prov.update(command=_command_line(argv), reproduced_from=str(path))
    plan = _dataset_plan(path, man, fmt)
    if getattr(args, "scheduler", None) is not None:
        check_scheduler(args.scheduler)
    sweep = _sweep_plan(path, man, scenario) if man.get("kind") == "sweep" else None
    _check_out(Path(args.out), args.force)
    original = _check_original(path, man)  # before --out is written: it may be the same folder
    if original is not None and not original.ok:  # the sentences verify gives, first
        sys.stderr.write(_problem_lines("reproduce", original))
    if sweep is not None:
        tables = _reproduce_sweep(args, scenario, seed, n, fmt, sweep, prov)
    elif plan is None:  # an export of 'run', or a cohort written before chunked exports
        tables = _export(args, scenario, n, seed, first, fmt, prov, "reproducing")
    else:
        tables = _export_dataset(args, scenario, n, seed, first, plan, prov, "reproducing")
    old = man["tables"]
    differ = sorted(name for name in set(old) | set(tables)
                    if name not in old or _differs(old[name], tables.get(name)))
    faults = []
    if differ:
        files = ", ".join(_shown(tables[n] if n in tables else man["tables"][n])
                          for n in differ)
        new = json.loads((Path(args.out) / "manifest.json").read_text(encoding="utf-8"))
        faults.append(
            f"{len(differ)} of {len(set(old) | set(tables))} tables differ from {path} "
            f"({files}){_version_note(man, new)}; the new tables are in {args.out} for comparison")
    if original is not None and not original.ok:
        faults.append(
            f"the export beside {path} is not the one it describes ({_count(original)}, named "
            f"above), so it was changed or damaged after it was written; the reproduction in "
            f"{args.out} is what it should hold")
    if faults:
        sys.stderr.write(f"{PROG}: reproduce: {'; and '.join(faults)}.\n")
        return EXIT_FAILED
    if not args.quiet:
        alone = (" (no tables beside it, so only the manifest's checksums were compared)"
                 if original is None else
                 f"; the {original.tables} tables beside it were verified first")
        out.write(f"reproduced {len(tables)} tables into {args.out}: every SHA-256, row count "
                  f"and content hash matches {path}{alone}. {DISCLAIMER}\n")
    return EXIT_OK


def _sweep_plan(path: Path, man: dict[str, Any], scenario: Scenario) -> dict[str, Any]:
    """A sweep manifest's grid and options, checked like the command line's."""
    from .sweep import combinations, parse_grid

    grid = man.get("grid")
    if not isinstance(grid, dict) or not grid or not all(
            isinstance(v, list) and v for v in grid.values()):
        raise UsageError(f"{path}: 'grid' must map each swept field to its list of values.")
    try:
        grid = parse_grid([f"{k}=" + ",".join(_toml_value(x) for x in v)
                           for k, v in grid.items()])
        combinations(scenario, grid)
    except ScenarioError as err:
        raise UsageError(f"{path}: {err}") from None
    except (TypeError, ValueError):  # e.g. null, which no scenario field takes
        raise UsageError(f"{path}: 'grid' holds a value that is not a scenario value (a "
                         "number, text, true/false or a list of them).") from None
    pinned = man.get("pinned", [])
    if not isinstance(pinned, list) or not all(isinstance(k, str) for k in pinned):
        raise UsageError(f"{path}: 'pinned' must be a list of field paths.")
    engine = man.get("engine", "simpy")
    try:
        check_engine(engine if isinstance(engine, str) else repr(engine))
    except ScenarioError as err:
        raise UsageError(f"{path}: {err}") from None
    return {"grid": grid, "population": man.get("population") is True, "pinned": pinned,
            "engine": engine}


def _toml_value(x: Any) -> str:
    import tomli_w

    return tomli_w.dumps({"v": x}).split("=", 1)[1].strip()


def _reproduce_sweep(args: argparse.Namespace, scenario: Scenario, seed: int, n: int, fmt: str,
                     plan: dict[str, Any], prov: dict[str, Any]) -> dict[str, dict[str, Any]]:
    import pandas as pd

    from .sweep import iter_sweep, write_sweep

    total = n
    for values in plan["grid"].values():
        total *= len(values)
    bar = Progress(total, "reproducing", enabled=not args.quiet)
    table = pd.concat(list(iter_sweep(scenario, plan["grid"], n, seed,
                                      population=plan["population"], pinned=plan["pinned"],
                                      engine=plan["engine"], progress=bar.advance,
                                      workers=getattr(args, "workers", None),
                                      scheduler=getattr(args, "scheduler", None))),
                      ignore_index=True)
    bar.close()
    prov = {**prov, "format": fmt, "population": plan["population"],
            "pinned": plan["pinned"], "engine": plan["engine"]}
    entry = write_sweep(args.out, table, fmt, {"scenario": scenario, "grid": plan["grid"],
                                               "n": n, "seed": seed, "provenance": prov},
                        overwrite=args.force)
    return {"sweep": entry}


def _shown(entry: dict[str, Any]) -> str:
    return entry["file"] if "file" in entry else f"{entry.get('folder', '?')}/"


def _dataset_plan(path: Path, man: dict[str, Any], fmt: str) -> dict[str, Any] | None:
    """How a chunked cohort export was made (None for other exports), checked."""
    if "detail" not in man:
        return None
    detail, chunk, engine = man["detail"], man.get("chunk_patients"), man.get("engine", "simpy")
    pinned, population = man.get("pinned", []), man.get("population", False)
    if detail not in DETAILS:
        raise UsageError(f"{path}: detail = {detail!r} is not allowed; choose one of "
                         f"{', '.join(DETAILS)}.")
    if isinstance(chunk, bool) or not isinstance(chunk, int) or not 1 <= chunk <= MAX_CHUNK:
        raise UsageError(f"{path}: chunk_patients = {chunk!r} is not allowed; allowed: whole "
                         f"numbers 1 to {MAX_CHUNK}.")
    if not isinstance(population, bool):
        raise UsageError(f"{path}: population = {population!r} must be true or false.")
    if not isinstance(pinned, list) or not all(isinstance(k, str) and len(k) <= 200
                                               for k in pinned):
        raise UsageError(f"{path}: 'pinned' must be a list of field paths.")
    try:
        check_engine(engine if isinstance(engine, str) else repr(engine))
    except ScenarioError as err:
        raise UsageError(f"{path}: {err}") from None
    return {"detail": detail, "format": fmt, "chunk": chunk, "population": population,
            "pinned": pinned, "engine": engine}


def cmd_verify(args: argparse.Namespace, out: TextIO) -> int:
    """Check an export folder against its manifest.json: every file listed and intact, each
    table's rows, hashes and columns; exit 1 with one sentence per problem."""
    target = Path(args.folder)
    folder = target.parent if target.suffix == ".json" else target
    atomic.recover(folder.absolute().parent)  # an export a kill left moved aside is put back
    if not target.exists():
        raise UsageError(f"{target}: no such export folder.")
    path = target / "manifest.json" if target.is_dir() else target
    man = _read_manifest(path)
    report = check_export(path.parent, man, path.name)
    if not report.ok:
        sys.stderr.write(_problem_lines("verify", report))
        sys.stderr.write(
            f"{PROG}: verify: {path.parent} is not the export {path.name} describes "
            f"({_count(report)}); do not use it, re-create it with: {PROG} reproduce {path} "
            "--out NEW_FOLDER.\n")
        return EXIT_FAILED
    if not args.quiet:
        hashed = any("content_sha256" in t for t in man["tables"].values())
        checked = "every file listed, SHA-256s, row counts" + (
            ", content hashes" if hashed else "") + (
            "; " + "; ".join(report.notes) if report.notes else ", tables and columns")
        out.write(f"verified {path.parent}: {report.tables} tables in {report.files} files, "
                  f"{report.rows:,} rows, match {path.name} ({checked}). {DISCLAIMER}\n")
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


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    """Measure every published target and write the report; red targets still exit 0."""
    from . import validation
    from .validation.render import text_table

    dest = Path(args.out)
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"--out {dest} is a file, not a folder; choose a folder path.")
    if dest.is_dir() and any(dest.iterdir()):
        if not args.force:
            raise UsageError(f"--out {dest} already exists and is not empty; choose a new folder "
                             "or add --force to replace a previous report.")
        if not (dest / "validation.json").is_file():
            raise UsageError(f"--out {dest} is not empty and holds no validation.json, so it is "
                             "not a validation report; --force only replaces previous reports.")
    bar = Progress(validation.steps(args.n, args.seed), "validating", enabled=not args.quiet)
    report = validation.evaluate(args.n, args.seed, jobs=args.jobs, progress=bar.advance)
    bar.close()
    validation.write(report, dest, overwrite=args.force)
    if not args.quiet:
        out.write(text_table(report))
        out.write(f"wrote {', '.join(validation.REPORT_FILES)} to {dest}. {DISCLAIMER}\n")
    return EXIT_OK
