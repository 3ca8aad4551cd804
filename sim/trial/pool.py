"""The pool: patients drawn and selected the way the study enrolled, each simulated under every
arm once.

Why a pool: simulating a patient is the expensive step, drawing a trial is not. Every pooled
patient is run under each arm (parallel) or each order of the two arms (crossover) from the same
seed, so the arms differ only by the treatment (common random numbers); a virtual trial then
samples its patients from the pool. Patient *i* of a seed is the same person whatever the pool
size or the number of worker processes, and the pool is the first *size* patients (in patient
order) that meet the inclusion rule, so a larger pool extends a smaller one.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..clinical import (
    MILESTONES,
    grip_kg,
    milestone_status,
    mrc_grade,
    mrc_sum,
    strength_fraction,
    wear_off_pct,
)
from ..engine import PatientRun, run_patient
from ..inputs import resolve
from .design import RECORD_DAYS, TrialDesign, TrialError

__all__ = ["Pool", "PoolCache", "pool_key", "simulate_pool", "screen_chunk", "CHUNK",
           "MIN_GRIP_KG", "MAX_SCREEN_FACTOR"]

CHUNK = 12  # candidates screened per task
MIN_GRIP_KG = 1.0  # a weaker hand with less grip cannot show a change in percent
MAX_SCREEN_FACTOR = 40  # give up when fewer than 1 in this many candidates qualify

Progress = Callable[[int, int], None]  # (pooled so far, pool size)


@dataclass(frozen=True)
class Pool:
    """Pooled patients' readings: grip of the hand weaker at baseline and MRC sum, weekly over
    each treatment period, for each course (see :attr:`TrialDesign.courses`)."""

    seed: int
    index: np.ndarray  # (P,) patient index within the seed
    screened: int  # candidates screened to fill the pool
    grip: np.ndarray  # (P, courses, periods, weeks + 1) kg
    mrc: np.ndarray  # (P, courses, periods, weeks + 1) MRC sum points
    hand: np.ndarray  # (P,) 0 left, 1 right: the weaker hand at baseline
    benefit: np.ndarray  # (P,) kg grip above the same patient untreated at baseline (nan: n/a)
    task_lost: np.ndarray  # (P, courses, periods, weeks + 1) a daily arm task able at the
    # period's start has been lost by that week
    traits: dict[str, np.ndarray]  # sex, age_at_onset, anti_gm1, baseline_grip_kg
    regimen: np.ndarray | None = None  # (P,) each patient's ladder regimen (None: no ladder)

    @property
    def size(self) -> int:
        return int(self.index.shape[0])

    def head(self, size: int) -> Pool:
        """The first ``size`` pooled patients (the pool a smaller run would have made)."""
        if size > self.size:
            raise ValueError(f"the pool holds {self.size} patients, not {size}")
        if size == self.size:
            return self
        last = int(self.index[size - 1])
        return Pool(self.seed, self.index[:size], last + 1, self.grip[:size], self.mrc[:size],
                    self.hand[:size], self.benefit[:size], self.task_lost[:size],
                    {k: v[:size] for k, v in self.traits.items()},
                    None if self.regimen is None else self.regimen[:size])


def _readings(pr: PatientRun, days: np.ndarray, hand: int) -> tuple[np.ndarray, np.ndarray]:
    """Grip (kg) of ``hand`` and MRC sum at ``days`` (records on the weekly grid)."""
    rows = np.searchsorted(pr.days, days - 1e-9)
    conducting = 1.0 - pr.blocked[rows] - pr.lost[rows]
    strength = strength_fraction(conducting)
    grip = grip_kg(strength, pr.patient.baseline_grip_kg)[:, hand]
    return grip, mrc_sum(mrc_grade(strength))


def _arm_able(pr: PatientRun) -> np.ndarray:
    """(records, 2 sides, arm tasks): which daily arm tasks (milestones) the patient can do."""
    strength = strength_fraction(1.0 - pr.blocked - pr.lost)
    base = pr.patient.baseline_grip_kg
    status = milestone_status(strength, grip_kg(strength, base), base)
    return np.stack([status[m.key] for m in MILESTONES if m.limb == "arm"], axis=-1)


def _task_lost(pr: PatientRun, able: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Per day of ``days`` (one period's weekly grid): has a daily arm task that the patient
    could do on the first day been lost at some record since?"""
    rows = np.searchsorted(pr.days, days - 1e-9)
    lost = able[rows[0]] & ~np.minimum.accumulate(able[rows[0]:rows[-1] + 1], axis=0)
    return lost.any(axis=(1, 2))[rows - rows[0]]


def _grip_both(pr: PatientRun, day: float) -> np.ndarray:
    row = np.searchsorted(pr.days, np.array([day]) - 1e-9)
    strength = strength_fraction(1.0 - pr.blocked[row] - pr.lost[row])
    return grip_kg(strength, pr.patient.baseline_grip_kg)[0]


def _grip_records(pr: PatientRun) -> np.ndarray:
    """(records, 2) grip of both hands."""
    strength = strength_fraction(1.0 - pr.blocked - pr.lost)
    return grip_kg(strength, pr.patient.baseline_grip_kg)


def _titrated(design: TrialDesign, ladder: list[list[Any]], seed: int, i: int
              ) -> tuple[int, PatientRun]:
    """The patient's ladder regimen and their run on course 0 at it: the first regimen on
    which the weaker hand's wear-off before baseline is below ``wear_off_pct``, else the last
    (each rung is simulated only when the one before it still wears off)."""
    pop, base = design.population, design.population.baseline_day
    for r, rung in enumerate(pop.regimens):
        pr = run_patient(ladder[r][0], seed, i)
        hand = int(np.argmin(_grip_both(pr, base)))
        worn = wear_off_pct(pr.days, _grip_records(pr)[:, hand], base, rung.every_days)
        if worn < pop.wear_off_pct or r == len(pop.regimens) - 1:
            return r, pr
    raise AssertionError("unreachable: a ladder has at least one regimen")


def screen_chunk(design: TrialDesign, seed: int, first: int, count: int) -> list[dict[str, Any]]:
    """Candidates ``first .. first+count-1``: the readings of those who meet the inclusion."""
    n_courses = len(design.courses)
    rungs = range(len(design.population.regimens))
    ladder = [[resolve(design.course_scenario(c, r)) for c in range(n_courses)] for r in rungs]
    courses = None if ladder else [resolve(design.course_scenario(c)) for c in range(n_courses)]
    dependent = design.population.inclusion == "ivig_dependent"
    untreated = resolve(design.untreated_scenario()) if dependent else None
    base = design.population.baseline_day
    weeks = design.trial.period_weeks
    days = np.array([[design.period_start(p) + RECORD_DAYS * w for w in range(weeks + 1)]
                     for p in range(design.periods)], dtype=float)
    out = []
    for i in range(first, first + count):
        regimen = -1
        if ladder:
            regimen, first_run = _titrated(design, ladder, seed, i)
            plan = ladder[regimen]
        else:
            plan, first_run = courses, run_patient(courses[0], seed, i)
        runs = [first_run]
        grips = _grip_both(runs[0], base)
        hand = int(np.argmin(grips))
        if grips[hand] < MIN_GRIP_KG:
            continue
        benefit = np.nan
        if untreated is not None:
            benefit = float(grips[hand] - _grip_both(run_patient(untreated, seed, i), base)[hand])
            if benefit < design.population.benefit_kg:
                continue
        runs += [run_patient(inp, seed, i) for inp in plan[1:]]
        grip = np.empty((len(runs), design.periods, weeks + 1))
        mrc = np.empty((len(runs), design.periods, weeks + 1), dtype=np.int16)
        lost = np.zeros((len(runs), design.periods, weeks + 1), dtype=bool)
        for c, pr in enumerate(runs):
            able = _arm_able(pr) if design.trial.rescue_on_task_loss else None
            for p in range(design.periods):
                grip[c, p], mrc[c, p] = _readings(pr, days[p], hand)
                if able is not None:
                    lost[c, p] = _task_lost(pr, able, days[p])
        pt = runs[0].patient
        out.append({"index": i, "grip": grip, "mrc": mrc, "hand": hand, "benefit": benefit,
                    "task_lost": lost, "regimen": regimen,
                    "sex": pt.sex, "age_at_onset": pt.age_at_onset, "anti_gm1": pt.anti_gm1,
                    "baseline_grip_kg": pt.baseline_grip_kg})
    return out


def _assemble(seed: int, rows: list[dict[str, Any]], screened: int) -> Pool:
    return Pool(
        seed=seed,
        index=np.array([r["index"] for r in rows], dtype=np.int64),
        screened=screened,
        grip=np.stack([r["grip"] for r in rows]),
        mrc=np.stack([r["mrc"] for r in rows]),
        hand=np.array([r["hand"] for r in rows], dtype=np.int8),
        benefit=np.array([r["benefit"] for r in rows], dtype=float),
        task_lost=np.stack([r["task_lost"] for r in rows]),
        traits={k: np.array([r[k] for r in rows]) for k in
                ("sex", "age_at_onset", "anti_gm1", "baseline_grip_kg")},
        regimen=(np.array([r["regimen"] for r in rows], dtype=np.int8)
                 if rows and rows[0]["regimen"] >= 0 else None),
    )


def simulate_pool(design: TrialDesign, size: int, seed: int, *, jobs: int = 1,
                  progress: Progress | None = None) -> Pool:
    """The first ``size`` patients of ``seed`` who meet the design's inclusion rule, each run
    under every course; ``jobs`` worker processes screen chunks of candidates in parallel."""
    if size < 1:
        raise TrialError(f"pool size {size} is out of range; allowed: 1 or more.")
    limit = size * MAX_SCREEN_FACTOR
    rows: list[dict[str, Any]] = []
    nxt = 0  # next candidate to hand out
    done: dict[int, list[dict[str, Any]]] = {}  # chunk start -> its included patients

    def included_in_order() -> tuple[list[dict[str, Any]], int]:
        """Included patients of the chunks finished so far without a gap, and where that
        unbroken run of chunks ends."""
        got, at = [], 0
        while at in done:
            got += done[at]
            at += CHUNK
        return got, at

    def report() -> None:
        if progress is not None:
            progress(min(size, sum(len(v) for v in done.values())), size)

    if jobs > 1:
        try:
            with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=_context()) as pool:
                running: dict[cf.Future, int] = {}
                while True:
                    rows, _ = included_in_order()
                    if len(rows) >= size or (nxt >= limit and not running):
                        break
                    # keep every worker busy while the pool may still be short
                    while len(running) < 2 * jobs and nxt < limit and \
                            len(rows) + _expected(done, running) < size:
                        running[pool.submit(screen_chunk, design, seed, nxt, CHUNK)] = nxt
                        nxt += CHUNK
                    if not running:
                        break
                    finished, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
                    for fut in finished:
                        done[running.pop(fut)] = fut.result()
                    report()
                for fut in running:
                    fut.cancel()
        except cf.process.BrokenProcessPool:
            pass  # workers could not start (e.g. a script without a __main__ guard): go on here
    # in this process: whatever chunk is still missing, in patient order
    rows, nxt = included_in_order()
    while len(rows) < size and nxt < limit:
        done[nxt] = screen_chunk(design, seed, nxt, CHUNK)
        rows, nxt = included_in_order()
        report()
    rows, _ = included_in_order()
    if len(rows) < size:
        raise TrialError(
            f"only {len(rows)} of {nxt} screened patients met the inclusion rule "
            f"({design.population.inclusion}), fewer than the {size} the pool needs; widen the "
            "inclusion (e.g. a lower population.benefit_kg) or enrol fewer patients.")
    rows = rows[:size]
    screened = int(rows[-1]["index"]) + 1
    if progress is not None:
        progress(size, size)
    return _assemble(seed, rows, screened)


def _context() -> multiprocessing.context.BaseContext:
    """fork where it is safe (one thread, POSIX): fast, and a script without a ``__main__``
    guard still works. From a threaded process such as the dashboard's server a forked child
    could inherit a lock another thread holds, so workers come from a fork server instead (one
    clean process that has imported the model once, so each worker starts at once), else are
    spawned."""
    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__])
        return ctx
    return multiprocessing.get_context("spawn")


def _expected(done: dict[int, list[dict[str, Any]]], running: dict[cf.Future, int]) -> float:
    """Patients the running chunks will probably add (the share included so far)."""
    screened = CHUNK * len(done)
    rate = (sum(len(v) for v in done.values()) / screened) if screened else 1.0
    return rate * CHUNK * len(running)


def pool_key(design: TrialDesign, seed: int) -> str:
    """What a pool depends on (population, arms, design, periods, seed), as text: trials that
    differ only in n, endpoint, alpha or the comparator share one pool."""
    t = design.trial
    return json.dumps({"population": design.population.model_dump(mode="json"),
                       "arm": [a.model_dump(mode="json") for a in design.arm],
                       "design": t.design, "period_weeks": t.period_weeks,
                       "washout_weeks": t.washout_weeks, "seed": seed}, sort_keys=True)


class PoolCache:
    """The last few pools, by :func:`pool_key`; a pool serves any smaller request (its first
    patients are the smaller pool), so changing n or the endpoint does not simulate again."""

    def __init__(self, entries: int = 4) -> None:
        self.entries = entries
        self._pools: OrderedDict[str, Pool] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, design: TrialDesign, seed: int, size: int) -> Pool | None:
        key = pool_key(design, seed)
        with self._lock:
            pool = self._pools.get(key)
            if pool is None or pool.size < size:
                return None
            self._pools.move_to_end(key)
            return pool.head(size)

    def put(self, design: TrialDesign, seed: int, pool: Pool) -> None:
        key = pool_key(design, seed)
        with self._lock:
            old = self._pools.get(key)
            if old is None or old.size < pool.size:
                self._pools[key] = pool
            self._pools.move_to_end(key)
            while len(self._pools) > self.entries:
                self._pools.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pools.clear()
