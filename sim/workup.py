"""The tests a patient had, as tables: scheduled ``[[study]]`` entries of every kind, and the
full work-up on the day of diagnosis.

Why one module: a nerve conduction study, an examination, a needle EMG or a blood test all
read the same site snapshot on their day, and the diagnosis runs them all; so which days each
kind was done, and how one day's rows are built, is said here once for :class:`sim.Run`.
A work-up never changes the patient: it reads recorded states (a scheduled study's own
snapshot on its day, else the record on or before the day).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import electro, exam, journey, labs
from .anatomy import ANATOMY, SIDES
from .sites import SiteSnapshot
from .studies import JOURNEY_EVENTS, STUDY_KINDS

if TYPE_CHECKING:  # pragma: no cover
    from .results import Run

__all__ = ["WORKUP_TABLES", "patient_journey", "days_of", "journey_events", "ncs_rows",
           "fwave_rows", "exam_rows", "emg_rows", "lab_rows", "sensory_scale"]

# Export table -> the [[study]] kind that fills it (the diagnosis fills them all).
WORKUP_TABLES = {table: k.kind for k in STUDY_KINDS.values() for table in k.tables}
_EMG_WINDOWS = (electro.EMG_PARAMS.active_window_days, electro.EMG_PARAMS.reinnervated_after_days,
                electro.EMG_PARAMS.maturing_window_days,
                electro.EMG_PARAMS.fibrillation_onset_days)
_MUSCLE_NERVE = {m.name: m.nerve for n in ANATOMY.nerves for m in n.muscles}
_MOVEMENT = {m.name: m.movement for n in ANATOMY.nerves for m in n.muscles}


def patient_journey(run: Run, i: int) -> journey.Journey:
    """Patient ``i``'s first symptom, first consultation and diagnosis (computed once)."""
    cache = run.__dict__.setdefault("_journeys", {})
    if i not in cache:
        pr, arr, inputs = run.patient_runs[i], run.arrays(i), run.inputs
        weak = np.nonzero((arr.grades < 5).any(axis=1))[0]
        weakest = None
        if weak.size:
            r = int(weak[0])
            m = int(np.argmin(arr.strength[r]))
            side, muscle = ANATOMY.muscles[m]
            weakest = (r, side, muscle.name, float(arr.strength[r, m]))
        starts = [s.start_day for s in inputs.treatments if s.start_day <= inputs.end_day]
        draws = journey.draw(np.random.default_rng(pr.journey_rng_seed), inputs.journey)
        cache[i] = journey.plan(pr.days, weakest, draws, inputs.journey,
                                min(starts) if starts else None,
                                [s.day for s in pr.studies])
    return cache[i]


def journey_events(run: Run, i: int) -> list[tuple[float, str, str, str, str, float, str]]:
    """The journey as event rows (day, event, side, nerve, segment, value, detail)."""
    j = patient_journey(run, i)
    names = list(JOURNEY_EVENTS)
    out = []
    if j.first_symptom is not None and j.first_weak is not None:
        side, muscle, strength = j.first_weak
        out.append((j.first_symptom, names[0], side, _MUSCLE_NERVE[muscle], "",
                    round(100.0 * strength, 1),
                    f"first weakness noticed: {side} {muscle} ({_MOVEMENT[muscle]})"))
    if j.first_consultation is not None:
        out.append((j.first_consultation, names[1], "", "", "", np.nan,
                    "first visit to a doctor about the weakness"))
    if j.diagnosis is not None:
        years = ((j.diagnosis - j.first_symptom) / 365.25 if j.first_symptom is not None
                 else np.nan)
        out.append((j.diagnosis, names[2], "", "", "", years,
                    "diagnosed after a full work-up: bedside examination, nerve conduction "
                    "with F-waves, needle EMG, laboratory tests"))
    return out


def days_of(run: Run, i: int, kind: str) -> list[float]:
    """Days a test of ``kind`` was done: its scheduled studies (in order), then the day of
    diagnosis unless one of them already falls on it."""
    pr = run.patient_runs[i]
    days = [s.day for s, k in zip(pr.studies, pr.study_kinds, strict=True) if k == kind]
    diagnosis = patient_journey(run, i).diagnosis
    if diagnosis is not None and not any(abs(d - diagnosis) < 1e-9 for d in days):
        days.append(diagnosis)
    return days


def _stamp(df: pd.DataFrame, run: Run, i: int, day: float) -> pd.DataFrame:
    df.insert(0, "day", round(float(day), 3))
    df.insert(0, "patient", run.patient_runs[i].patient_index)
    return df


def sensory_scale(run: Run, snap: SiteSnapshot) -> dict[tuple[str, str], float]:
    """Share of each SNAP the disease leaves on the snapshot's day."""
    d = run.disease
    return {(side, sn.name): d.snap_share(snap, side, sn.name)
            for side in SIDES for sn in ANATOMY.sensory}


def ncs_rows(run: Run, i: int, day: float, nerves=None, sides=None) -> pd.DataFrame:
    snap = run.snapshot(day, i)
    df = electro.study(run.ncs_baseline(i), snap, nerves=nerves, sides=sides,
                       sensory_scale=sensory_scale(run, snap),
                       slowing=run.disease.conduction_slowing(snap))
    df = df.round({"latency_ms": 3, "amplitude": 3, "area": 3, "duration_ms": 3,
                   "cv_m_per_s": 2, "block_pct": 2})
    return _stamp(df, run, i, snap.day)


def fwave_rows(run: Run, i: int, day: float) -> pd.DataFrame:
    snap = run.snapshot(day, i)
    return _stamp(electro.fwaves(run.ncs_baseline(i), snap,
                                 slowing=run.disease.conduction_slowing(snap)), run, i, snap.day)


def exam_rows(run: Run, i: int, day: float, cold: bool = False) -> pd.DataFrame:
    snap = run.snapshot(day, i)
    tendency = run.patient_runs[i].patient.fasciculation_tendency
    return _stamp(exam.examine(snap, run.disease, snap.day, cold=cold,
                               fasciculation_tendency=tendency), run, i, snap.day)


def emg_rows(run: Run, i: int, day: float) -> pd.DataFrame:
    snap = run.snapshot(day, i)
    earlier = [run.snapshot(max(0.0, snap.day - w), i) for w in _EMG_WINDOWS]
    df = electro.emg(snap, earlier[0], earlier[1], earlier[2],
                     run.disease.fasciculation_propensity(), onset_ago=earlier[3],
                     fasciculation_tendency=run.patient_runs[i].patient.fasciculation_tendency)
    return _stamp(df, run, i, snap.day)


def lab_rows(run: Run, i: int, day: float) -> pd.DataFrame:
    snap = run.snapshot(day, i)
    cache = run.__dict__.setdefault("_lab_draws", {})
    pr = run.patient_runs[i]
    if i not in cache:
        cache[i] = labs.draw_labs(np.random.default_rng(pr.labs_rng_seed))
    df = labs.lab_results(snap, run.disease, pr.patient, cache[i])
    return _stamp(df, run, i, snap.day)
