"""A trial run's files: the trials, the power, the pool and a manifest, written atomically.

Why these files: ``trials.csv`` (one row per trial and comparison) lets a reader redo any
summary; ``summary.csv`` is the power and the spread of the estimate; ``pool.csv`` says who the
trials were drawn from; ``design.toml`` and ``manifest.json`` (seed, R, pool size, versions and
the SHA-256 of every file) reproduce it. The same design and seed give byte-identical tables.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomli_w

from .. import atomic
from .._meta import DISCLAIMER, PACKAGE_VERSION
from ..export import _git_commit
from .design import TrialDesign
from .pool import Pool
from .trials import TrialResult

__all__ = ["write_trial", "pool_table", "design_toml", "TRIAL_FILES"]

TRIAL_FILES = ("trials.csv", "summary.csv", "pool.csv", "design.toml", "README.txt")


def design_toml(design: TrialDesign) -> str:
    """The design as TOML (loads back to an equal design)."""
    return f"# {DISCLAIMER}\n" + tomli_w.dumps(design.to_dict())


def pool_table(design: TrialDesign, pool: Pool) -> pd.DataFrame:
    """One row per pooled patient and course: traits, hand, and the weaker-hand grip and MRC sum
    at the start and end of each period."""
    rows = []
    for i in range(pool.size):
        for c in range(len(design.courses)):
            row: dict[str, Any] = {
                "patient": int(pool.index[i]), "course": design.course_label(c),
                "sex": str(pool.traits["sex"][i]),
                "age_at_onset": round(float(pool.traits["age_at_onset"][i]), 2),
                "anti_gm1": bool(pool.traits["anti_gm1"][i]),
                "healthy_grip_kg": round(float(pool.traits["baseline_grip_kg"][i]), 3),
                "hand": "left" if pool.hand[i] == 0 else "right",
                "benefit_kg": round(float(pool.benefit[i]), 3)
                if np.isfinite(pool.benefit[i]) else None,
            }
            if pool.regimen is not None:
                row["regimen"] = design.population.regimens[int(pool.regimen[i])].label
            for p in range(design.periods):
                row[f"period{p + 1}_grip_start_kg"] = round(float(pool.grip[i, c, p, 0]), 3)
                row[f"period{p + 1}_grip_end_kg"] = round(float(pool.grip[i, c, p, -1]), 3)
                row[f"period{p + 1}_mrc_start"] = int(pool.mrc[i, c, p, 0])
                row[f"period{p + 1}_mrc_end"] = int(pool.mrc[i, c, p, -1])
            rows.append(row)
    return pd.DataFrame(rows)


def _readme(result: TrialResult) -> str:
    d = result.design
    lines = [
        DISCLAIMER,
        f"Virtual trial: {d.name}",
        f"{result.R} simulated trials, n = {result.n} "
        f"{'in total (crossover)' if d.crossover else 'per arm'}, seed {result.seed}.",
        f"Pool: {result.pool_size} patients meeting the inclusion ({d.population.inclusion}) "
        f"among the first {result.screened} drawn; each was simulated under every arm.",
        *(["Own regimens (titrated before baseline): " + ", ".join(
            f"{k} on {label}" for label, k in result.regimens.items()) + "."]
          if result.regimens else []),
        f"Estimate: {result.unit}.",
        "",
    ]
    for comp, pw in result.power.items():
        lo, hi = result.power_interval(comp)
        lines.append(f"{comp}: power {pw:.3f} (95% interval {lo:.3f} to {hi:.3f}), "
                     f"pool effect {result.pool_effect[comp]:.3g}")
    lines += ["", "Files:",
              "  trials.csv       one row per simulated trial and comparison",
              "  summary.csv      power and the spread of the estimate per comparison",
              "  power_curve.csv  power at other trial sizes (when asked for)",
              "  pool.csv         the pooled patients and their readings per course",
              "  design.toml      the design as run",
              "  manifest.json    seed, R, pool, versions and the SHA-256 of every file", ""]
    return "\n".join(lines)


def write_trial(result: TrialResult, pool: Pool, out: str | Path, *,
                curve: pd.DataFrame | None = None, overwrite: bool = False,
                provenance: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Write the run into ``out`` (all files appear together, or none); the manifest."""
    import scipy
    import simpy

    texts: dict[str, str] = {
        "trials.csv": result.trials.to_csv(index=False, lineterminator="\n"),
        "summary.csv": result.summary_table().to_csv(index=False, lineterminator="\n"),
        "pool.csv": pool_table(result.design, pool).to_csv(index=False, lineterminator="\n"),
        "design.toml": design_toml(result.design),
        "README.txt": _readme(result),
    }
    if curve is not None:
        texts["power_curve.csv"] = curve.to_csv(index=False, lineterminator="\n")
    files = {name: {"file": name, "sha256": hashlib.sha256(t.encode()).hexdigest()}
             for name, t in texts.items()}
    man: dict[str, Any] = {
        "disclaimer": DISCLAIMER,
        "package": "mmn-sim",
        "package_version": PACKAGE_VERSION,
        "git_commit": _git_commit(),
        "created_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "kind": "virtual-trial",
        "seed": result.seed,
        "R": result.R,
        "n": result.n,
        "pool": {"size": result.pool_size, "screened": result.screened,
                 "regimens": result.regimens,
                 "patients": [int(i) for i in pool.index],
                 "times_one_trial": round(result.pool_size / (
                     result.n if result.design.crossover else result.n * len(result.design.arm)),
                     3)},
        "power": result.power,
        "design": result.design.to_dict(),
        "versions": {"python": platform.python_version(), "numpy": np.__version__,
                     "scipy": scipy.__version__, "simpy": simpy.__version__,
                     "pandas": pd.__version__},
    }
    man.update(provenance or {})
    man["files"] = files
    with atomic.staged(out, replace=overwrite) as folder:
        for name, text in texts.items():
            (folder / name).write_text(text, encoding="utf-8", newline="\n")
        (folder / "manifest.json").write_text(json.dumps(man, indent=1) + "\n",
                                              encoding="utf-8")
    return man
