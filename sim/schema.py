"""Which tables, columns and row counts an export must have, read from its manifest.

Why: a manifest lists the tables it was written with, so a table removed together with its
manifest entry, or rows cut from every file and the checksums rewritten, leave a manifest that
agrees with its files. What the export's own parameters imply cannot be edited away so easily:
a summary export of N patients over Y years has the ``patients`` and ``summary`` tables with
the columns of docs/data-dictionary.md, N rows and N x (Y + 1) rows. ``mmn-sim verify`` compares
an export with these (:mod:`sim.verify`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ._meta import PACKAGE_VERSION

__all__ = ["export_kind", "export_tables", "expected_rows"]


def export_kind(man: Mapping[str, Any]) -> str:
    """``sweep``, ``summary`` or ``full`` (``run``, ``Run.save``, downloads: every table)."""
    if man.get("kind") == "sweep":
        return "sweep"
    return "summary" if man.get("detail") == "summary" else "full"


def export_tables(man: Mapping[str, Any]) -> dict[str, list[str]] | None:
    """``{table: columns}`` an export of this manifest's kind has, in the data dictionary of
    this package version; None when the manifest was written by another version (its tables
    may differ, so they are not judged by this one's)."""
    if man.get("package_version") != PACKAGE_VERSION:
        return None
    from .results import TABLE_COLUMNS
    from .summary import summary_columns

    kind = export_kind(man)
    if kind == "sweep":
        grid = man.get("grid")
        swept = list(grid) if isinstance(grid, Mapping) else []
        return {"sweep": ["combination", *swept, *summary_columns()]}
    if kind == "summary":
        return {"patients": list(TABLE_COLUMNS["patients"]), "summary": summary_columns()}
    return {name: list(cols) for name, cols in TABLE_COLUMNS.items()}


def expected_rows(man: Mapping[str, Any]) -> dict[str, tuple[int, str]]:
    """``{table: (rows, why)}`` for the tables whose row count the manifest's own parameters
    fix: ``patients`` (one row per patient), ``summary`` (patients x visits at years 0..Y)
    and ``sweep`` (combinations x patients x visits)."""
    patients = man.get("patients")
    n = len(patients) if isinstance(patients, list) else 0
    out: dict[str, tuple[int, str]] = {}
    kind = export_kind(man)
    visits = _visits(man.get("scenario"))
    if kind == "sweep":
        rows = _sweep_rows(man, visits)
        if rows is not None:
            out["sweep"] = rows
        return out
    out["patients"] = (n, f"{n:,} patients")
    if kind == "summary" and visits is not None:
        out["summary"] = (n * visits, f"{n:,} patients x {visits} yearly visits "
                                      f"(years 0 to {visits - 1})")
    return out


def _visits(scenario: Any, years: Any = None) -> int | None:
    """Yearly visits of a run of ``years`` (or the scenario's): year 0 and every whole year."""
    if years is None:
        sc = scenario.get("scenario") if isinstance(scenario, Mapping) else None
        years = sc.get("years") if isinstance(sc, Mapping) else None
    if isinstance(years, bool) or not isinstance(years, int | float) or \
            not math.isfinite(years) or not 0 < years < 1e6:
        return None
    return int(math.floor(years + 1e-9)) + 1


def _sweep_rows(man: Mapping[str, Any], visits: int | None) -> tuple[int, str] | None:
    grid, per = man.get("grid"), man.get("n")
    if not isinstance(grid, Mapping) or not grid or isinstance(per, bool) or \
            not isinstance(per, int) or not all(isinstance(v, list) and v for v in grid.values()):
        return None
    combos = math.prod(len(v) for v in grid.values())
    if "scenario.years" in grid:  # each combination runs its own years
        each = [_visits(None, y) for y in grid["scenario.years"]]
        if any(v is None for v in each):
            return None
        rows = per * (combos // len(each)) * sum(v for v in each if v is not None)
        return rows, f"{combos:,} combinations x {per:,} patients x their yearly visits"
    if visits is None:
        return None
    return (combos * per * visits,
            f"{combos:,} combinations x {per:,} patients x {visits} yearly visits")
