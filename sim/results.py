"""A finished run: tidy tables (DESIGN §4.4), exports and the manifest that reproduces them."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .anatomy import ANATOMY
from .clinical import (
    MILESTONES,
    examination,
    grip_kg,
    milestone_status,
    mrc_grade,
    mrc_sum,
    strength_fraction,
)
from .clinical import disability as disability_score
from .disease import SiteSnapshot
from .engine import STREAMS, PatientRun
from .scenario import Scenario

__all__ = ["ClinicalArrays", "Run", "TABLE_COLUMNS", "DISCLAIMER", "PACKAGE_VERSION", "table_bytes"]

PACKAGE_VERSION = "0.1.0"
DISCLAIMER = "Teaching model of MMN - not for clinical decisions."

TABLE_COLUMNS: dict[str, list[str]] = {
    "patients": [
        "patient", "seed", "sex", "age_at_onset", "weight_kg", "dominant_side", "anti_gm1",
        "anti_gm1_titre", "lesion_rate_per_year", "ivig_responsiveness",
    ],
    "sites": ["patient", "day", "side", "nerve", "segment", "block", "axon_loss"],
    "muscles": ["patient", "day", "side", "muscle", "nerve", "strength_pct", "mrc"],
    "clinical": [
        "patient", "day", "grip_left_kg", "grip_right_kg", "mrc_sum", "disability",
        "igg_g_per_l", "ivig_effect", "active_lesions",
    ],
    "events": ["patient", "day", "event", "side", "nerve", "segment", "value", "detail"],
    "ncs": [
        "patient", "day", "side", "nerve", "kind", "stim_site", "latency_ms", "amplitude",
        "area", "duration_ms", "cv_m_per_s", "block_pct", "grade",
    ],
}


class _Labels:
    """A catalogue column as categorical codes, built once: long tables stay light and fast."""

    def __init__(self, labels: list[str]) -> None:
        self.categories = list(dict.fromkeys(labels))
        self.codes = np.array([self.categories.index(x) for x in labels], dtype=np.int16)

    def take(self, index: np.ndarray) -> pd.Categorical:
        """``labels[index]`` as a categorical in catalogue order."""
        return pd.Categorical.from_codes(self.codes[index], categories=self.categories)


_SITE_SIDE = _Labels([s for s, _ in ANATOMY.sites])
_SITE_NERVE = _Labels([seg.nerve for _, seg in ANATOMY.sites])
_SITE_SEGMENT = _Labels([seg.name for _, seg in ANATOMY.sites])
_MUSCLE_SIDE = _Labels([s for s, _ in ANATOMY.muscles])
_MUSCLE_NAME = _Labels([m.name for _, m in ANATOMY.muscles])
_MUSCLE_NERVE = _Labels([m.nerve for _, m in ANATOMY.muscles])
ACTIVE_BLOCK = 0.10  # a site counts as an active lesion while >=10% of its axons are blocked


class ClinicalArrays:
    """Clinical arrays of one patient (records on axis 0), computed once per run.

    ``strength`` and ``grades`` are (records x muscles of ``ANATOMY.muscles``), ``grip`` is
    (records x 2) left then right, ``status`` maps each milestone to (records x 2) booleans.
    """

    def __init__(self, pr: PatientRun) -> None:
        self.conducting = 1.0 - pr.blocked - pr.lost
        self.strength = strength_fraction(self.conducting)
        self.grades = mrc_grade(self.strength)
        self.grip = grip_kg(self.strength, pr.patient.baseline_grip_kg)
        self.mrc_sum = mrc_sum(self.grades)
        self.status = milestone_status(self.strength, self.grip)
        self.disability = disability_score(self.grades, self.status)
        self.active = (pr.blocked >= ACTIVE_BLOCK).sum(axis=1)


class Run:
    """One or more virtual patients run through one scenario."""

    def __init__(self, scenario: Scenario, seed: int, patients: Sequence[PatientRun]) -> None:
        self.scenario = scenario
        self.seed = seed
        self.patient_runs = list(patients)
        self._derived = [ClinicalArrays(p) for p in self.patient_runs]

    def arrays(self, patient: int = 0) -> ClinicalArrays:
        """Per-record clinical arrays of one patient (what the tables are built from)."""
        return self._derived[patient]

    # --- tables ------------------------------------------------------------------------------
    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        out = {
            "patients": self._patients_table(),
            "sites": self._concat(self._sites_table),
            "muscles": self._concat(self._muscles_table),
            "clinical": self._concat(self._clinical_table),
            "events": self._concat(self._events_table),
        }
        if any(p.studies for p in self.patient_runs):
            out["ncs"] = self._concat(self._ncs_table)
        return out

    def _concat(self, fn) -> pd.DataFrame:
        parts = [fn(i) for i in range(len(self.patient_runs))]
        return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]

    def _patients_table(self) -> pd.DataFrame:
        rows = []
        for pr in self.patient_runs:
            p = pr.patient
            rows.append({
                "patient": pr.patient_index, "seed": pr.seed, "sex": p.sex,
                "age_at_onset": p.age_at_onset, "weight_kg": p.weight_kg,
                "dominant_side": p.dominant_side, "anti_gm1": p.anti_gm1,
                "anti_gm1_titre": p.anti_gm1_titre,
                "lesion_rate_per_year": p.lesion_rate_per_year,
                "ivig_responsiveness": p.ivig_responsiveness,
            })
        return pd.DataFrame(rows, columns=TABLE_COLUMNS["patients"])

    def _sites_table(self, i: int) -> pd.DataFrame:
        pr = self.patient_runs[i]
        rec, site = np.nonzero(pr.damaged > 1e-9)
        return pd.DataFrame({
            "patient": np.full(rec.shape[0], pr.patient_index, dtype=np.int64),
            "day": np.round(pr.days[rec], 3),
            "side": _SITE_SIDE.take(site),
            "nerve": _SITE_NERVE.take(site),
            "segment": _SITE_SEGMENT.take(site),
            "block": np.round(pr.blocked[rec, site], 4),
            "axon_loss": np.round(pr.lost[rec, site], 4),
        })

    def _muscles_table(self, i: int) -> pd.DataFrame:
        pr, d = self.patient_runs[i], self._derived[i]
        n_rec, n_mus = d.strength.shape
        idx = np.tile(np.arange(n_mus), n_rec)
        return pd.DataFrame({
            "patient": np.full(n_rec * n_mus, pr.patient_index, dtype=np.int64),
            "day": np.round(np.repeat(pr.days, n_mus), 3),
            "side": _MUSCLE_SIDE.take(idx),
            "muscle": _MUSCLE_NAME.take(idx),
            "nerve": _MUSCLE_NERVE.take(idx),
            "strength_pct": np.round(d.strength.ravel() * 100, 2),
            "mrc": d.grades.ravel(),
        })

    def _clinical_table(self, i: int) -> pd.DataFrame:
        pr, d = self.patient_runs[i], self._derived[i]
        return pd.DataFrame({
            "patient": np.full(pr.days.shape[0], pr.patient_index, dtype=np.int64),
            "day": np.round(pr.days, 3),
            "grip_left_kg": np.round(d.grip[:, 0], 2),
            "grip_right_kg": np.round(d.grip[:, 1], 2),
            "mrc_sum": d.mrc_sum,
            "disability": d.disability,
            "igg_g_per_l": np.round(pr.igg, 2),
            "ivig_effect": np.round(pr.ivig_effect, 4),
            "active_lesions": d.active.astype(np.int64),
        })

    def _events_table(self, i: int) -> pd.DataFrame:
        pr, d = self.patient_runs[i], self._derived[i]
        rows = list(pr.events)
        # Milestones: a task lost (or regained) between two records is dated at the later one.
        for m in MILESTONES:
            st = d.status[m.key]
            for s, side in enumerate(("left", "right")):
                col = st[:, s]
                change = np.nonzero(col[1:] != col[:-1])[0] + 1
                for r in change:
                    kind = "milestone_regained" if col[r] else "milestone_lost"
                    text = m.label if col[r] else m.lost_label
                    rows.append((float(pr.days[r]), kind, side, "", "", np.nan, text))
        order = sorted(range(len(rows)), key=lambda k: (rows[k][0], k))
        rows = [rows[k] for k in order]
        df = pd.DataFrame(rows, columns=TABLE_COLUMNS["events"][1:])
        df.insert(0, "patient", np.full(len(rows), pr.patient_index, dtype=np.int64))
        df["day"] = np.round(df["day"].astype(float), 3)
        df["value"] = np.round(df["value"].astype(float), 4)
        return df

    def _ncs_table(self, i: int) -> pd.DataFrame:
        from . import electro

        pr = self.patient_runs[i]
        base = self._ncs_baseline(i)
        parts = []
        for snap in pr.studies:
            df = _round_ncs(electro.study(base, snap))
            df.insert(0, "day", round(float(snap.day), 3))
            df.insert(0, "patient", pr.patient_index)
            parts.append(df)
        if not parts:
            return pd.DataFrame(columns=TABLE_COLUMNS["ncs"])
        return pd.concat(parts, ignore_index=True)

    # --- nerve conduction at any day -----------------------------------------------------
    def _ncs_baseline(self, i: int = 0):
        from . import electro

        cache = self.__dict__.setdefault("_ncs_base", {})
        if i not in cache:
            pr = self.patient_runs[i]
            cache[i] = electro.draw_baseline(np.random.default_rng(pr.ncs_rng_seed))
        return cache[i]

    def snapshot(self, day: float, patient: int = 0) -> SiteSnapshot:
        """Site state at the last record on or before ``day`` (or a study on that day)."""
        pr = self.patient_runs[patient]
        for snap in pr.studies:
            if abs(snap.day - day) < 1e-9:
                return snap
        r = int(np.clip(np.searchsorted(pr.days, day + 1e-9, side="right") - 1, 0,
                        pr.days.shape[0] - 1))
        return SiteSnapshot(float(pr.days[r]), pr.blocked[r], pr.lost[r], pr.damaged[r])

    def ncs(self, day: float, nerves: Sequence[str] | None = None,
            sides: Sequence[str] | None = None, patient: int = 0) -> pd.DataFrame:
        """A full nerve conduction study at ``day`` (DESIGN §3.6), ``ncs`` table columns."""
        from . import electro

        snap = self.snapshot(day, patient)
        base = self._ncs_baseline(patient)
        df = _round_ncs(electro.study(base, snap, nerves=nerves, sides=sides))
        df.insert(0, "day", round(float(snap.day), 3))
        df.insert(0, "patient", self.patient_runs[patient].patient_index)
        return df

    def ncs_waveforms(self, day: float, nerve: str, side: str, patient: int = 0):
        """Synthetic CMAP traces ``{stim_point: (t_ms, mV)}`` of one motor nerve at ``day``."""
        from . import electro

        snap = self.snapshot(day, patient)
        return electro.study_waveforms(self._ncs_baseline(patient), snap, nerve, side)

    def examination(self, day: float, patient: int = 0) -> dict[str, Any]:
        """Bedside findings (reflexes, sensation, fasciculations) at ``day``."""
        snap = self.snapshot(day, patient)
        strength = strength_fraction(1.0 - snap.block - snap.axon_loss)
        loss = 1.0 - np.exp(np.log(np.clip(1.0 - snap.axon_loss, 1e-12, 1)) @ ANATOMY.supply.T)
        return examination(strength, loss)

    # --- export ------------------------------------------------------------------------------
    @classmethod
    def concat(cls, runs: Sequence[Run]) -> Run:
        """One Run from several runs of the same scenario and seed (e.g. a cohort in chunks)."""
        if not runs:
            raise ValueError("concat needs at least one run")
        first = runs[0]
        if any(r.scenario != first.scenario or r.seed != first.seed for r in runs):
            raise ValueError("concat needs runs of the same scenario and seed")
        out = cls.__new__(cls)
        out.scenario, out.seed = first.scenario, first.seed
        out.patient_runs = [p for r in runs for p in r.patient_runs]
        out._derived = [d for r in runs for d in r._derived]
        return out

    def manifest(
        self,
        tables: dict[str, dict[str, Any]] | None = None,
        provenance: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The manifest (DESIGN §4.4); ``provenance`` adds e.g. ``overrides``, ``source``."""
        import simpy

        man: dict[str, Any] = {
            "disclaimer": DISCLAIMER,
            "package": "mmn-sim",
            "package_version": PACKAGE_VERSION,
            "git_commit": _git_commit(),
            "created_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "seed": self.seed,
            "patients": [
                {"patient": p.patient_index, "spawn_key": [p.patient_index],
                 "streams": list(STREAMS)}
                for p in self.patient_runs
            ],
            "overrides": {},
            "scenario": self.scenario.to_dict(),
            "versions": {
                "python": platform.python_version(),
                "numpy": np.__version__,
                "simpy": simpy.__version__,
                "pandas": pd.__version__,
                "pyarrow": _pyarrow_version(),
            },
        }
        man.update(provenance or {})
        man["tables"] = tables or {}
        return man

    def save(
        self,
        out_dir: str | Path,
        format: str = "csv",
        overwrite: bool = False,
        *,
        provenance: Mapping[str, Any] | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> Path:
        """Write every table, ``manifest.json`` and ``README.txt`` into ``out_dir``, atomically.

        Files go to a temporary sibling folder first, which is renamed into place only when
        everything is written, so a failed or interrupted export leaves nothing half-done (and
        parent folders created for it are removed again). ``provenance`` is merged into the
        manifest (``overrides``, ``source``, ``command``, ...); ``progress`` is called with each
        table's name as it is written.
        """
        if format not in ("csv", "parquet"):
            raise ValueError(f"format must be 'csv' or 'parquet', not {format!r}")
        out = Path(out_dir)
        if out.exists() and (not out.is_dir() or any(out.iterdir())) and not overwrite:
            raise FileExistsError(f"{out} exists and is not empty")
        created = _missing_parents(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        try:
            info: dict[str, dict[str, Any]] = {}
            meta = self._parquet_meta(provenance)
            for name, df in self.tables.items():
                path = tmp / f"{name}.{format}"
                data = table_bytes(df, format, meta)
                path.write_bytes(data)
                info[name] = {
                    "file": path.name, "rows": int(len(df)),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
                if progress is not None:
                    progress(name)
            man = self.manifest(info, {"format": format, **(provenance or {})})
            (tmp / "manifest.json").write_text(json.dumps(man, indent=2) + "\n", encoding="utf-8")
            (tmp / "README.txt").write_text(_readme(man), encoding="utf-8")
            if out.exists():
                if out.is_dir():
                    shutil.rmtree(out)
                else:
                    out.unlink()
            os.replace(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            for d in created:  # deepest first
                with contextlib.suppress(OSError):
                    d.rmdir()
            raise
        return out

    def _parquet_meta(self, provenance: Mapping[str, Any] | None = None) -> dict[str, str]:
        """The manifest as embedded in every Parquet file: only what determines the tables
        (no creation time, command line or table hashes), so a reproduction is byte-identical.
        """
        man = self.manifest(None, provenance)
        for key in EMBED_EXCLUDED:
            man.pop(key, None)
        return {"mmn_sim_manifest": json.dumps(man, sort_keys=True)}


# Manifest fields that vary between otherwise identical runs and so stay out of Parquet files.
EMBED_EXCLUDED = ("created_utc", "tables", "command", "reproduced_from", "format")


def _missing_parents(path: Path) -> list[Path]:
    """Ancestors of ``path`` that do not exist yet, deepest first."""
    missing = []
    p = path.absolute().parent
    while not p.exists():
        missing.append(p)
        p = p.parent
    return missing


def _pyarrow_version() -> str | None:
    try:
        import pyarrow
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    return pyarrow.__version__


def _readme(man: Mapping[str, Any]) -> str:
    """README.txt of an export folder: what it is, what is in it, how to reproduce it."""
    sc = man.get("scenario", {}).get("scenario", {})
    lines = [
        "MMN teaching simulator export",
        "=============================",
        "",
        "TEACHING MODEL - NOT FOR CLINICAL DECISIONS.",
        "These are simulated virtual patients from a simplified model of Multifocal Motor",
        "Neuropathy. They are not data about real people and must not guide diagnosis or",
        "treatment of anyone.",
        "",
        f"Scenario: {sc.get('name', '?')}",
        f"Seed: {man.get('seed')}    Patients: {len(man.get('patients', []))}    "
        f"Package: mmn-sim {man.get('package_version')}",
        f"Created (UTC): {man.get('created_utc')}",
    ]
    if man.get("overrides"):
        lines.append("Overrides: " + ", ".join(f"{k}={v!r}" for k, v in man["overrides"].items()))
    lines += ["", "Files (one row per record, long format; units in docs/data-dictionary.md):"]
    for t in man.get("tables", {}).values():
        lines.append(f"  {t['file']:<16} {t['rows']:>9} rows  sha256 {t['sha256']}")
    lines += [
        "  manifest.json    scenario as run, seed, versions and the checksums above",
        "",
        "Reproduce these tables byte for byte (same package version):",
        "  mmn-sim reproduce manifest.json --out OTHER_FOLDER",
        "",
    ]
    return "\n".join(lines)


def _round_ncs(df: pd.DataFrame) -> pd.DataFrame:
    """Round study values to the precision a laboratory reports (plus one digit)."""
    return df.round({"latency_ms": 3, "amplitude": 3, "area": 3, "duration_ms": 3,
                     "cv_m_per_s": 2, "block_pct": 2})


def table_bytes(df: pd.DataFrame, format: str, meta: dict[str, str] | None = None) -> bytes:
    """Serialise one table: plain UTF-8 CSV, or typed Parquet with the manifest in metadata."""
    if format == "csv":
        return df.to_csv(index=False, lineterminator="\n").encode("utf-8")
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    tbl = pa.Table.from_pandas(_categorical(df), preserve_index=False)
    schema_meta = dict(tbl.schema.metadata or {})
    schema_meta.pop(b"pandas", None)
    for k, v in (meta or {}).items():
        schema_meta[k.encode()] = v.encode()
    tbl = tbl.replace_schema_metadata(schema_meta)
    buf = io.BytesIO()
    pq.write_table(tbl, buf, compression="zstd")
    return buf.getvalue()


_CATEGORICAL = {"side", "nerve", "segment", "muscle", "event", "sex", "dominant_side", "kind",
                "stim_site", "grade"}


def _categorical(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for col in df.columns:
        if col in _CATEGORICAL:
            df[col] = df[col].astype("category")
    return df


def _git_commit() -> str | None:
    """The source checkout's commit when the package runs from one (else None)."""
    root = Path(__file__).resolve().parent.parent
    if not (root / ".git").exists():
        return None
    try:
        res = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True, text=True, timeout=5, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return res.stdout.strip() or None if res.returncode == 0 else None
