"""A finished run: its tidy tables (docs/data-dictionary.md) and the clinical arrays behind them.

Writing them out (files, manifest, zip) is :mod:`sim.export`'s job; the tests on any day
(nerve conduction, examination, needle EMG, F-waves, laboratory) and the diagnostic journey
are :mod:`sim.workup`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import export, workup
from .anatomy import ANATOMY
from .clinical import (
    MILESTONES,
    grip_kg,
    milestone_status,
    mrc_grade,
    mrc_sum,
    onls_arm,
    onls_leg,
    strength_fraction,
    task_affected,
)
from .diseases.base import Disease
from .electro import EMG_COLUMNS, FWAVE_COLUMNS, STUDY_COLUMNS
from .engine import PatientRun
from .exam import EXAM_COLUMNS
from .inputs import Inputs, resolve
from .journey import Journey
from .labs import LABS_COLUMNS
from .scenario import Scenario
from .sites import SiteSnapshot

__all__ = ["ClinicalArrays", "Run", "TABLE_COLUMNS"]

TABLE_COLUMNS: dict[str, list[str]] = {
    "patients": [
        "patient", "seed", "disease", "sex", "age_at_onset", "weight_kg", "dominant_side",
        "anti_gm1", "anti_gm1_titre", "lesion_rate_per_year", "ivig_responsiveness",
    ],
    "sites": ["patient", "day", "side", "nerve", "segment", "block", "axon_loss"],
    "muscles": ["patient", "day", "side", "muscle", "nerve", "strength_pct", "mrc"],
    "clinical": [
        "patient", "day", "grip_left_kg", "grip_right_kg", "mrc_sum", "disability",
        "igg_g_per_l", "ivig_effect", "active_lesions",
    ],
    "events": ["patient", "day", "event", "side", "nerve", "segment", "value", "detail"],
    "ncs": ["patient", "day", *STUDY_COLUMNS],
    "fwaves": ["patient", "day", *FWAVE_COLUMNS],
    "exam": ["patient", "day", *EXAM_COLUMNS],
    "emg": ["patient", "day", *EMG_COLUMNS],
    "labs": ["patient", "day", *LABS_COLUMNS],
}
# Tables of tests on given days: the function that builds one day's rows of patient i.
_DAY_ROWS: dict[str, Callable[[Run, int, float], pd.DataFrame]] = {
    "ncs": workup.ncs_rows, "fwaves": workup.fwave_rows, "exam": workup.exam_rows,
    "emg": workup.emg_rows, "labs": workup.lab_rows,
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
    (records x 2) left then right, ``status`` maps each milestone to (records x 2) booleans,
    ``disability`` is the ONLS total per record and ``disability_arm`` its arm grade.
    """

    def __init__(self, pr: PatientRun) -> None:
        self.conducting = 1.0 - pr.blocked - pr.lost
        self.strength = strength_fraction(self.conducting)
        self.grades = mrc_grade(self.strength)
        self.grip = grip_kg(self.strength, pr.patient.baseline_grip_kg)
        self.mrc_sum = mrc_sum(self.grades)
        base = pr.patient.baseline_grip_kg
        self.status = milestone_status(self.strength, self.grip, base)
        self.affected = task_affected(self.strength, self.grip, base)
        self.disability_arm = onls_arm(self.grades, self.status, self.affected)
        self.disability = self.disability_arm + onls_leg(self.grades, self.status)
        self.active = (pr.blocked >= ACTIVE_BLOCK).sum(axis=1)


class _Tables(Mapping[str, pd.DataFrame]):
    """A run's tables by name, each built by the run on first access and then kept."""

    def __init__(self, run: Run) -> None:
        self._run = run
        self._built: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        table = self._built.get(name)
        if table is None:
            if name not in self._run._table_names():
                raise KeyError(name)
            table = self._built[name] = self._run._build_table(name)
        return table

    def __iter__(self) -> Iterator[str]:
        return iter(self._run._table_names())

    def __len__(self) -> int:
        return len(self._run._table_names())

    def __repr__(self) -> str:
        return f"<tables {', '.join(self)}; built: {', '.join(self._built) or 'none'}>"


class Run:
    """One or more virtual patients run through one scenario."""

    def __init__(self, scenario: Scenario, seed: int, patients: Sequence[PatientRun],
                 inputs: Inputs | None = None) -> None:
        self.scenario = scenario
        self.seed = seed
        self.patient_runs = list(patients)
        self._derived = [ClinicalArrays(p) for p in self.patient_runs]
        # The model's inputs: the disease (its bedside, sensory and laboratory findings), the
        # treatment plan and the journey parameters the work-up reads.
        # A population cohort passes its own (fewer traits fixed); the rest is the scenario's.
        self.inputs = resolve(scenario) if inputs is None else inputs
        self.disease: Disease = self.inputs.disease

    def arrays(self, patient: int = 0) -> ClinicalArrays:
        """Per-record clinical arrays of one patient (what the tables are built from)."""
        return self._derived[patient]

    # --- tables ------------------------------------------------------------------------------
    @cached_property
    def tables(self) -> Mapping[str, pd.DataFrame]:
        """Every table of the data dictionary, each built the first time it is read.

        Why lazily: a dashboard page reads two or three of them, and building the site table
        and every work-up table on each slider move cost about 15% of the move's CPU.
        Iteration order (the export's table order) is fixed by the model.
        """
        return _Tables(self)

    def _table_names(self) -> tuple[str, ...]:
        return ("patients", "sites", "muscles", "clinical", "events", *workup.WORKUP_TABLES)

    def _build_table(self, name: str) -> pd.DataFrame:
        per_patient = {"sites": self._sites_table, "muscles": self._muscles_table,
                       "clinical": self._clinical_table, "events": self._events_table}
        if name == "patients":
            return self._patients_table()
        if name in per_patient:
            return self._concat(per_patient[name])
        # Every work-up table, empty when nobody had that test: the set of tables is fixed by
        # the model, not by who was diagnosed, so a cohort written in parts has one layout.
        kind = workup.WORKUP_TABLES[name]
        days = [workup.days_of(self, i, kind) for i in range(len(self.patient_runs))]
        return self._concat(lambda i: self._day_table(name, i, days[i]))

    def _concat(self, fn) -> pd.DataFrame:
        parts = [fn(i) for i in range(len(self.patient_runs))]
        return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]

    def patients_table(self) -> pd.DataFrame:
        """The ``patients`` table alone (cheap: no weekly table is built)."""
        if "tables" in self.__dict__:
            return self.tables["patients"]
        return self._patients_table()

    def _patients_table(self) -> pd.DataFrame:
        rows = []
        for pr in self.patient_runs:
            p = pr.patient
            rows.append({
                "patient": pr.patient_index, "seed": pr.seed, "disease": self.disease.kind,
                "sex": p.sex,
                "age_at_onset": p.age_at_onset, "weight_kg": p.weight_kg,
                "dominant_side": p.dominant_side, "anti_gm1": p.anti_gm1,
                "anti_gm1_titre": p.anti_gm1_titre,
                "lesion_rate_per_year": p.lesion_rate_per_year,
                "ivig_responsiveness": p.ivig_responsiveness,
            })
        return pd.DataFrame(rows, columns=TABLE_COLUMNS["patients"])

    def _sites_table(self, i: int) -> pd.DataFrame:
        pr = self.patient_runs[i]
        # Sites ever attacked, or (a disease that loses axons without block) losing axons.
        rec, site = np.nonzero((pr.damaged > 1e-9) | (pr.lost > 1e-9))
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
        rows += workup.journey_events(self, i)
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

    def _day_table(self, name: str, i: int, days: list[float]) -> pd.DataFrame:
        parts = [_DAY_ROWS[name](self, i, day) for day in days]
        if not parts:
            return pd.DataFrame(columns=TABLE_COLUMNS[name])
        return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]

    # --- tests on any day --------------------------------------------------------------------
    def ncs_baseline(self, i: int = 0):
        """Patient ``i``'s healthy nerve conduction values (drawn once from its ncs stream)."""
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
        return SiteSnapshot(float(pr.days[r]), pr.blocked[r], pr.lost[r], pr.damaged[r],
                            pr.blocked_rest[r])

    def ncs(self, day: float, nerves: Sequence[str] | None = None,
            sides: Sequence[str] | None = None, patient: int = 0) -> pd.DataFrame:
        """A full nerve conduction study at ``day`` with the ``ncs`` table's columns."""
        return workup.ncs_rows(self, patient, day, nerves, sides)

    def ncs_waveforms(self, day: float, nerve: str, side: str, patient: int = 0):
        """Synthetic CMAP traces ``{stim_point: (t_ms, mV)}`` of one motor nerve at ``day``."""
        from . import electro

        snap = self.snapshot(day, patient)
        return electro.study_waveforms(self.ncs_baseline(patient), snap, nerve, side,
                                       slowing=self.disease.conduction_slowing(snap))

    def fwaves(self, day: float, patient: int = 0) -> pd.DataFrame:
        """F-wave persistence and minimal latency at ``day`` (the ``fwaves`` table's columns)."""
        return workup.fwave_rows(self, patient, day)

    def examination(self, day: float, patient: int = 0, cold: bool = False) -> pd.DataFrame:
        """The bedside examination at ``day`` (the ``exam`` table's columns); ``cold=True``
        examines in a cold room (MRC grades where cold paresis weakens)."""
        return workup.exam_rows(self, patient, day, cold)

    def emg(self, day: float, patient: int = 0) -> pd.DataFrame:
        """Needle EMG of every muscle at ``day`` (the ``emg`` table's columns)."""
        return workup.emg_rows(self, patient, day)

    def labs(self, day: float, patient: int = 0) -> pd.DataFrame:
        """Laboratory and imaging results at ``day`` (the ``labs`` table's columns)."""
        return workup.lab_rows(self, patient, day)

    def journey(self, patient: int = 0) -> Journey:
        """First symptom, first consultation and diagnosis days (None: not within the run)."""
        return workup.patient_journey(self, patient)

    # --- combining and exporting -------------------------------------------------------------
    @classmethod
    def concat(cls, runs: Sequence[Run]) -> Run:
        """One Run from several runs of the same scenario and seed (e.g. a cohort in chunks)."""
        if not runs:
            raise ValueError("concat needs at least one run")
        first = runs[0]
        if any(r.scenario != first.scenario or r.seed != first.seed for r in runs):
            raise ValueError("concat needs runs of the same scenario and seed")
        return first._with_patients([p for r in runs for p in r.patient_runs],
                                    [d for r in runs for d in r._derived])

    def part(self, start: int, stop: int) -> Run:
        """Patients at positions ``start:stop`` as a Run of their own (arrays shared, not copied):
        an export writes a large run in such parts."""
        return self._with_patients(self.patient_runs[start:stop], self._derived[start:stop])

    def _with_patients(self, patient_runs: list[PatientRun],
                       derived: list[ClinicalArrays]) -> Run:
        """A Run of the same scenario, seed and inputs with other patients (nothing recomputed,
        no per-run caches carried over)."""
        out = type(self).__new__(type(self))
        out.scenario, out.seed, out.inputs, out.disease = (
            self.scenario, self.seed, self.inputs, self.disease)
        out.patient_runs, out._derived = patient_runs, derived
        return out

    def manifest(
        self,
        tables: dict[str, dict[str, Any]] | None = None,
        provenance: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The manifest; see :func:`sim.export.manifest`."""
        return export.manifest(self, tables, provenance)

    def save(
        self,
        out_dir: str | Path,
        format: str = "csv",
        overwrite: bool = False,
        *,
        provenance: Mapping[str, Any] | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> Path:
        """Write the tables, manifest and README into ``out_dir``; see :func:`sim.export.save`."""
        return export.save(self, out_dir, format, overwrite, provenance=provenance,
                           progress=progress)

