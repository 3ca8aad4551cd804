"""Evaluate every target on its reference cohorts and write the report (Markdown, HTML, JSON).

Why one entry point: the command line, ``make validate`` and the dashboard's Evidence page
must show the same numbers, so all of them go through :func:`evaluate` and the JSON it
writes. Each reference cohort is simulated once and shared by every target that reads it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .._meta import DISCLAIMER, PACKAGE_VERSION
from ..export import git_commit, write_files
from . import antibodies, cidp, course, dose, gbs, harms, ivig, other, population, withdrawal
from .cohorts import COHORTS
from .render import SCOPE
from .stats import Measurement, not_measured
from .targets import GROUPS, STATUSES, TARGETS, WORKING, Target, status
from .traces import Cohorts

__all__ = ["Result", "Report", "evaluate", "steps", "model_fingerprint", "write", "load",
           "REFERENCE", "REPORT_FILES", "DEFAULT_N", "DEFAULT_SEED", "SCOPE"]

DEFAULT_N, DEFAULT_SEED = 1000, 1
# The report `make validate` ships with the package, for the dashboard's Evidence page.
REFERENCE = Path(__file__).resolve().parent / "reference.json"
REPORT_FILES = ("validation.md", "validation.html", "validation.json")
# The module measuring each group of targets: a module that fails marks only its own group.
THEMES = dict(zip(GROUPS, (population, course, ivig, withdrawal, dose, harms, antibodies, other,
                            cidp, gbs), strict=True))


@dataclass(frozen=True)
class Result:
    target: Target
    measurement: Measurement
    status: str


@dataclass(frozen=True)
class Report:
    """Every target's result, with the run's size, seed and provenance."""

    results: tuple[Result, ...]
    n: int
    seed: int
    provenance: Mapping[str, Any] = field(default_factory=dict)
    cohorts: tuple[tuple[str, str], ...] = ()  # (key, how to reproduce it)

    def published(self) -> list[Result]:
        """Targets whose range comes from a paper: only these count toward the summary."""
        return [r for r in self.results if not r.target.approx]

    def working(self) -> list[Result]:
        """Working values of this model (approx.): shown apart, never counted as evidence."""
        return [r for r in self.results if r.target.approx]

    def counts(self) -> dict[str, int]:
        """Statuses of the published targets (working values are not evidence)."""
        return {s: sum(r.status == s for r in self.published()) for s in STATUSES}

    def working_counts(self) -> dict[str, int]:
        return {s: sum(r.status == s for r in self.working()) for s in STATUSES}

    def by_group(self) -> dict[str, list[Result]]:
        """Published targets by group, then the working values under :data:`WORKING`."""
        out = {g: [r for r in self.published() if r.target.group == g] for g in GROUPS}
        out[WORKING] = self.working()
        return {g: rs for g, rs in out.items() if rs}

    def curve(self, target_id: str) -> dict[str, Any] | None:
        return next((r.measurement.curve for r in self.results if r.target.id == target_id),
                    None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "disclaimer": DISCLAIMER, "scope": SCOPE, "n": self.n, "seed": self.seed,
            "provenance": dict(self.provenance), "counts": self.counts(),
            "working_counts": self.working_counts(),
            "cohorts": [{"key": k, "reproduce": d} for k, d in self.cohorts],
            "results": [_result_dict(r) for r in self.results],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        """A report read back from its JSON (the dashboard shows the shipped one)."""
        results = []
        for d in data["results"]:
            t = Target(d["id"], d["group"], d["title"], d["source"], d["point"], d["low"],
                       d["high"], d["unit"], tuple(d["cohorts"]), d["how"], d["strict"],
                       d["binary"], d["approx"])
            ci = tuple(d["ci"]) if d["ci"] is not None else None
            m = Measurement(d["value"], ci, d["n"], d["detail"], d["reason"], d["failed"],
                            d["curve"])
            results.append(Result(t, m, d["status"]))
        return cls(tuple(results), data["n"], data["seed"], data.get("provenance", {}),
                   tuple((c["key"], c["reproduce"]) for c in data.get("cohorts", [])))


def _result_dict(r: Result) -> dict[str, Any]:
    t, m = r.target, r.measurement
    return {
        "id": t.id, "group": t.group, "title": t.title, "source": t.source, "point": t.point,
        "low": t.low, "high": t.high, "unit": t.unit, "strict": t.strict, "binary": t.binary,
        "approx": t.approx, "published": t.range_text, "cohorts": list(t.cohorts),
        "how": t.how, "value": _finite(m.value),
        "ci": None if m.ci is None else [_finite(m.ci[0]), _finite(m.ci[1])],
        "n": m.n, "detail": m.detail, "reason": m.reason, "failed": m.failed,
        "status": r.status, "curve": m.curve,
    }


def _finite(x: float | None) -> float | None:
    if x is None or x != x or x in (float("inf"), float("-inf")):
        return None
    return round(float(x), 6)


# --- evaluation ---------------------------------------------------------------------------------
def _cohort_keys() -> list[str]:
    """Every reference cohort, targets' cohorts first (all are simulated up front)."""
    return list(dict.fromkeys([*(k for t in TARGETS for k in t.cohorts), *COHORTS]))


def steps(n: int, seed: int = DEFAULT_SEED) -> int:
    """How many progress steps :func:`evaluate` takes (chunks simulated, then themes)."""
    return len(Cohorts(n, seed).tasks(_cohort_keys())) + len(THEMES)


def evaluate(n: int = DEFAULT_N, seed: int = DEFAULT_SEED, jobs: int = 1,
             progress: Callable[[], None] | None = None) -> Report:
    """Simulate every reference cohort (``n`` patients, root ``seed``) and measure each target.

    ``jobs`` worker processes share the simulation; the result does not depend on it.
    """
    start = datetime.now(UTC)
    data = Cohorts(n, seed)
    data.simulate(_cohort_keys(), jobs=jobs, progress=progress)
    got: dict[str, Measurement] = {}
    for group, theme in THEMES.items():
        try:
            got.update(theme.measure(data))
        except Exception as err:  # noqa: BLE001 - one theme's error must not hide the rest
            reason = f"measurement failed: {type(err).__name__}: {err}"
            got.update({t.id: not_measured(reason, failed=True) for t in TARGETS
                        if t.group == group})
        if progress is not None:
            progress()
    results = []
    for t in TARGETS:
        m = got.get(t.id) or not_measured("no measurement is implemented for this target")
        results.append(Result(t, m, status(t, m.value, m.failed)))
    prov = {
        "package_version": PACKAGE_VERSION, "git_commit": git_commit(),
        "model_fingerprint": model_fingerprint(),
        "created_utc": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seconds": round((datetime.now(UTC) - start).total_seconds(), 1),
    }
    cohorts = tuple((k, COHORTS[k].describe(n, seed)) for k in _cohort_keys())
    return Report(tuple(results), n, seed, prov, cohorts)


def model_fingerprint() -> str:
    """SHA-256 of the model's source and the reference scenarios: a report computed from
    other sources is out of date (figures, command line, exports and the mechanism view's
    fibre model, which feeds no target, do not count)."""
    root = Path(__file__).resolve().parent.parent
    skip = {"figures", "_presets", "fibre"}  # presets: only those a cohort uses, added below
    from ..scenario import preset_dir

    files = {p.relative_to(root).as_posix(): p for p in root.rglob("*")
             if p.suffix in (".py", ".toml") and skip.isdisjoint(p.relative_to(root).parts)
             and not p.name.startswith(("cli", "export"))}
    files.update({f"preset/{c.source}": preset_dir() / f"{c.source}.toml"
                  for c in COHORTS.values() if not c.source.endswith(".toml")})
    h = hashlib.sha256()
    for name in sorted(files):  # the same in a checkout and in an installed wheel
        if files[name].is_file():
            h.update(name.encode() + b"\0" + files[name].read_bytes())
    return h.hexdigest()


# --- writing ------------------------------------------------------------------------------------
def write(report: Report, out_dir: str | Path, overwrite: bool = False) -> Path:
    """Write validation.md, validation.html and validation.json into ``out_dir`` atomically."""
    from .render import html, markdown

    files = {
        "validation.md": markdown(report).encode("utf-8"),
        "validation.html": html(report).encode("utf-8"),
        "validation.json": (json.dumps(report.to_dict(), indent=1, ensure_ascii=False,
                                       allow_nan=False) + "\n").encode("utf-8"),
    }
    return write_files(out_dir, files, overwrite)


def load(path: str | Path = REFERENCE) -> Report:
    """A report read back from its validation.json (default: the shipped reference)."""
    return Report.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
