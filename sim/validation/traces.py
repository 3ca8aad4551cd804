"""Each reference cohort simulated once, in chunks, and kept as light per-patient traces.

Why traces: a daily-recorded cohort of hundreds of patients holds gigabytes of site arrays,
but the targets read only grip, MRC sum, serum IgG, milestones, events and a few studies and
examinations. Each chunk of patients is run through the public API
(:func:`sim.simulate_cohort`, ``Run.arrays``, ``Run.ncs``, ``Run.examination``), reduced to
:class:`Trace` objects and dropped. Patient *i* is the same whatever the chunking or the number
of worker processes, so the traces (and the report) are too.
"""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import simulate_cohort
from ..anatomy import ANATOMY
from ..patient import Patient
from .cohorts import ReferenceCohort, cohort

if TYPE_CHECKING:
    from ..results import Run

__all__ = ["Trace", "Cohorts", "CHUNK", "DENERVATED_LOSS"]

CHUNK = 25  # patients simulated at a time
DENERVATED_LOSS = 0.10  # a muscle counts as denervated above this share of axons lost


@dataclass
class Trace:
    """What the targets read of one simulated patient (records on axis 0)."""

    index: int  # patient index within its seed
    seed: int
    patient: Patient
    days: np.ndarray
    grip: np.ndarray  # (records, 2) kg, left then right
    mrc: np.ndarray  # MRC sum per record
    igg: np.ndarray  # serum IgG g/L per record
    status: dict[str, np.ndarray]  # milestone key -> (records, 2) bool
    events: list[tuple[Any, ...]]  # (day, event, side, nerve, segment, value, detail)
    denervated: int  # muscles with > DENERVATED_LOSS axons lost at the last record
    ncs: dict[float, Any] = field(default_factory=dict)  # day -> study table
    exam: dict[float, dict[str, Any]] = field(default_factory=dict)
    grades: dict[float, np.ndarray] = field(default_factory=dict)  # day -> grade per muscle
    strength: dict[float, np.ndarray] = field(default_factory=dict)  # ncs day -> per muscle
    disability: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))  # ONLS total
    arm: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))  # ONLS arm grade

    def at(self, day: float) -> int:
        """Index of the first record on or after ``day`` (the last record if none)."""
        return int(min(np.searchsorted(self.days, day - 1e-9), self.days.shape[0] - 1))

    def grip_at(self, day: float, hand: int) -> float:
        return float(self.grip[self.at(day), hand])

    def weaker_hand(self, day: float) -> int:
        """0 (left) or 1 (right): the hand with less grip at ``day``."""
        return int(np.argmin(self.grip[self.at(day)]))

    def weak_hand_at(self, day: float, share: float) -> bool:
        """The weaker grip at ``day`` is below ``share`` of the healthy grip."""
        return float(self.grip[self.at(day)].min()) < share * self.patient.baseline_grip_kg

    def event_names(self) -> set[str]:
        return {e[1] for e in self.events}


def _exam_summary(exam: Any) -> dict[str, bool]:
    """Whether the bedside examination finds each sign anywhere (wasting, fasciculations,
    cramps): the long exam table reduced to what the targets read."""
    seen = exam[~exam["value"].astype(str).isin(("none", "absent", "normal"))]
    found = set(seen["finding"])
    return {k: k in found for k in ("wasting", "fasciculations", "cramps")}


def _denervated(lost: np.ndarray) -> int:
    """Muscles with more than DENERVATED_LOSS of their axons lost (sites -> muscles)."""
    keep = np.exp(np.log(np.clip(1.0 - lost, 1e-12, 1.0)) @ ANATOMY.supply.T)
    return int(((1.0 - keep) > DENERVATED_LOSS).sum())


_NCS_COLUMNS = ["side", "nerve", "kind", "stim_site", "amplitude", "block_pct", "grade"]


def _reduce(run: Run, i: int, ref: ReferenceCohort) -> Trace:
    pr, arr = run.patient_runs[i], run.arrays(i)
    tr = Trace(
        index=pr.patient_index, seed=pr.seed, patient=pr.patient, days=pr.days.copy(),
        grip=arr.grip.astype(np.float32), mrc=arr.mrc_sum.astype(np.int16),
        igg=pr.igg.astype(np.float32),
        status={k: v.copy() for k, v in arr.status.items()},
        disability=arr.disability.astype(np.int8),
        arm=arr.disability_arm.astype(np.int8),
        events=list(pr.events), denervated=_denervated(pr.lost[-1]),
    )
    for day in ref.ncs_days:
        tr.ncs[day] = run.ncs(day, patient=i)[_NCS_COLUMNS].reset_index(drop=True)
        tr.strength[day] = arr.strength[tr.at(day)].astype(np.float32)
    for day in ref.exam_days:
        tr.exam[day] = _exam_summary(run.examination(day, patient=i))
    for day in ref.grade_days:
        tr.grades[day] = arr.grades[tr.at(day)].copy()
    return tr


def simulate_chunk(key: str, seed: int, first: int, count: int) -> list[Trace]:
    """Patients ``first .. first+count-1`` of a cohort as traces (a seed cohort: seeds)."""
    ref = cohort(key)
    scenario = ref.scenario()
    if ref.seeds:
        runs = [simulate_cohort(scenario, 1, seed=seed + k) for k in range(first, first + count)]
        return [_reduce(r, 0, ref) for r in runs]
    run = simulate_cohort(scenario, count, seed=seed, first=first)
    return [_reduce(run, i, ref) for i in range(count)]


class Cohorts:
    """The reference cohorts of one report (``n`` patients, root ``seed``), each run once."""

    def __init__(self, n: int, seed: int) -> None:
        self.n, self.seed = n, seed
        self._traces: dict[str, list[Trace]] = {}

    def tasks(self, keys: Iterable[str]) -> list[tuple[str, int, int]]:
        """(cohort, first, count) chunks still to simulate for ``keys``."""
        out = []
        for key in dict.fromkeys(keys):
            if key in self._traces:
                continue
            size = cohort(key).size(self.n)
            out += [(key, a, min(CHUNK, size - a)) for a in range(0, size, CHUNK)]
        return out

    def simulate(self, keys: Iterable[str], jobs: int = 1,
                 progress: Callable[[], None] | None = None) -> None:
        """Simulate every cohort in ``keys`` not yet run, on ``jobs`` worker processes."""
        tasks = self.tasks(keys)
        parts: dict[tuple[str, int], list[Trace]] = {}
        if jobs <= 1 or len(tasks) <= 1:
            for key, first, count in tasks:
                parts[(key, first)] = simulate_chunk(key, self.seed, first, count)
                if progress is not None:
                    progress()
        else:
            with cf.ProcessPoolExecutor(max_workers=jobs) as pool:
                futures = {pool.submit(simulate_chunk, key, self.seed, first, count): (key, first)
                           for key, first, count in tasks}
                for fut in cf.as_completed(futures):
                    parts[futures[fut]] = fut.result()
                    if progress is not None:
                        progress()
        for key, first, _ in tasks:  # assemble in patient order, whatever finished first
            self._traces.setdefault(key, []).extend(parts[(key, first)])

    def get(self, key: str) -> list[Trace]:
        """The traces of one cohort (simulated now if it was not yet)."""
        if key not in self._traces:
            self.simulate([key])
        return self._traces[key]

    def paired(self, a: str, b: str) -> list[tuple[Trace, Trace]]:
        """The same patients in two cohorts (common random numbers), in patient order."""
        ta, tb = self.get(a), self.get(b)
        n = min(len(ta), len(tb))
        if any(x.index != y.index for x, y in zip(ta[:n], tb[:n], strict=True)):
            raise ValueError(f"cohorts {a} and {b} do not hold the same patients")
        return list(zip(ta[:n], tb[:n], strict=True))
