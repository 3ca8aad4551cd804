"""A finished run: tidy tables (DESIGN §4.4), exports and the manifest that reproduces them."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
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

__all__ = ["Run", "TABLE_COLUMNS", "DISCLAIMER", "PACKAGE_VERSION"]

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
_SITE_SIDE = np.array([s for s, _ in ANATOMY.sites])
_SITE_NERVE = np.array([seg.nerve for _, seg in ANATOMY.sites])
_SITE_SEGMENT = np.array([seg.name for _, seg in ANATOMY.sites])
_MUSCLE_SIDE = np.array([s for s, _ in ANATOMY.muscles])
_MUSCLE_NAME = np.array([m.name for _, m in ANATOMY.muscles])
_MUSCLE_NERVE = np.array([m.nerve for _, m in ANATOMY.muscles])
ACTIVE_BLOCK = 0.10  # a site counts as an active lesion while >=10% of its axons are blocked


class _Derived:
    """Clinical arrays of one patient (records on axis 0), computed once."""

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
        self._derived = [_Derived(p) for p in self.patient_runs]

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
            "side": _SITE_SIDE[site],
            "nerve": _SITE_NERVE[site],
            "segment": _SITE_SEGMENT[site],
            "block": np.round(pr.blocked[rec, site], 4),
            "axon_loss": np.round(pr.lost[rec, site], 4),
        })

    def _muscles_table(self, i: int) -> pd.DataFrame:
        pr, d = self.patient_runs[i], self._derived[i]
        n_rec, n_mus = d.strength.shape
        return pd.DataFrame({
            "patient": np.full(n_rec * n_mus, pr.patient_index, dtype=np.int64),
            "day": np.round(np.repeat(pr.days, n_mus), 3),
            "side": np.tile(_MUSCLE_SIDE, n_rec),
            "muscle": np.tile(_MUSCLE_NAME, n_rec),
            "nerve": np.tile(_MUSCLE_NERVE, n_rec),
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
        from . import ncs

        pr = self.patient_runs[i]
        base = self._ncs_baseline(i)
        parts = []
        for snap in pr.studies:
            df = ncs.study(base, snap)
            df.insert(0, "day", round(float(snap.day), 3))
            df.insert(0, "patient", pr.patient_index)
            parts.append(df)
        if not parts:
            return pd.DataFrame(columns=TABLE_COLUMNS["ncs"])
        return pd.concat(parts, ignore_index=True)

    # --- nerve conduction at any day -----------------------------------------------------
    def _ncs_baseline(self, i: int = 0):
        from . import ncs

        cache = self.__dict__.setdefault("_ncs_base", {})
        if i not in cache:
            pr = self.patient_runs[i]
            cache[i] = ncs.draw_baseline(np.random.default_rng(pr.ncs_rng_seed))
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
        from . import ncs

        snap = self.snapshot(day, patient)
        df = ncs.study(self._ncs_baseline(patient), snap, nerves=nerves, sides=sides)
        df.insert(0, "day", round(float(snap.day), 3))
        df.insert(0, "patient", self.patient_runs[patient].patient_index)
        return df

    def examination(self, day: float, patient: int = 0) -> dict[str, Any]:
        """Bedside findings (reflexes, sensation, fasciculations) at ``day``."""
        snap = self.snapshot(day, patient)
        strength = strength_fraction(1.0 - snap.block - snap.axon_loss)
        loss = 1.0 - np.exp(np.log(np.clip(1.0 - snap.axon_loss, 1e-12, 1)) @ ANATOMY.supply.T)
        return examination(strength, loss)

    # --- export ------------------------------------------------------------------------------
    def manifest(self, tables: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
        import simpy

        return {
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
            "scenario": self.scenario.to_dict(),
            "versions": {
                "python": platform.python_version(),
                "numpy": np.__version__,
                "simpy": simpy.__version__,
                "pandas": pd.__version__,
            },
            "tables": tables or {},
        }

    def save(self, out_dir: str | Path, format: str = "csv", overwrite: bool = False) -> Path:
        """Write every table plus ``manifest.json`` into ``out_dir``, atomically.

        Files go to a temporary sibling folder first, which is renamed into place only when
        everything is written, so a failed or interrupted export leaves nothing half-done.
        """
        if format not in ("csv", "parquet"):
            raise ValueError(f"format must be 'csv' or 'parquet', not {format!r}")
        out = Path(out_dir)
        if out.exists() and any(out.iterdir()) and not overwrite:
            raise FileExistsError(f"{out} exists and is not empty")
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        try:
            info: dict[str, dict[str, Any]] = {}
            for name, df in self.tables.items():
                path = tmp / f"{name}.{format}"
                data = table_bytes(df, format, self._parquet_meta())
                path.write_bytes(data)
                info[name] = {
                    "file": path.name, "rows": int(len(df)),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            man = self.manifest(info)
            (tmp / "manifest.json").write_text(json.dumps(man, indent=2) + "\n", encoding="utf-8")
            if out.exists():
                shutil.rmtree(out)
            os.replace(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return out

    def _parquet_meta(self) -> dict[str, str]:
        man = self.manifest()
        man.pop("created_utc")
        man.pop("tables")
        return {"mmn_sim_manifest": json.dumps(man, sort_keys=True)}


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
