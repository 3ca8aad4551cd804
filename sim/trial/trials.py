"""Many virtual trials drawn from one pool: estimates, p-values, power and a power curve.

A trial draws its patients from the pool without replacement with a seeded generator
(parallel: ``n`` per arm, each seeing only its own arm; crossover: ``n`` in total, half in each
order of the two arms), reads the endpoint the design names and runs the design's test. The
pool is simulated once per design and seed; drawing 500 trials from it takes a fraction of a
second, so the power curve over ``n`` reuses it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..clinical import RESPONSE_GRIP_KG, RESPONSE_MRC_POINTS
from . import analysis
from .design import ENDPOINTS, TrialDesign, TrialError
from .pool import Pool, PoolCache, simulate_pool

__all__ = ["TrialResult", "simulate_trials", "power_curve", "draw_trials", "endpoint_values",
           "pool_for", "measured_grip", "regimen_counts", "DEFAULT_R", "MAX_R",
           "CURVE_POOL_RATIO"]

DEFAULT_R = 500
MAX_R = 20000
PCT_FLOOR_KG = 1.0  # a baseline reading below this counts as this much for a percentage
CURVE_POOL_RATIO = 2.0  # a power curve's largest trial enrols at most half the pool
_DRAW_TAG = 0x747269616C  # keeps the trial-drawing stream apart from the patients' streams
_NOISE_TAG = 0x6E6F697365  # and the measurement errors' streams

Progress = Callable[[int, int], None]  # (steps done, steps in all)


@dataclass(frozen=True)
class Outcome:
    """The endpoint of every pooled patient for every course and period."""

    value: np.ndarray  # (P, courses, periods): the measured change, or responder (bool)
    time: np.ndarray | None = None  # time to rescue (weeks), censored at the period's end
    event: np.ndarray | None = None  # 1 rescued, 0 censored
    rescued: np.ndarray | None = None  # (P, courses, periods) met the rescue rule, any endpoint


def endpoint_values(design: TrialDesign, pool: Pool) -> Outcome:
    """Read the design's endpoint off the pool's weekly readings (baseline = period start).

    A change endpoint is read at the period's end, or at the rescue week when
    ``endpoint_at_rescue`` is set (the last value before a switch to open-label treatment)."""
    g, m = measured_grip(design, pool), pool.mrc.astype(float)
    ep, weeks = design.trial.endpoint, design.trial.period_weeks
    base = np.maximum(g[..., :1], PCT_FLOOR_KG)  # a percentage of almost nothing is noise
    hit = 100.0 * (g[..., 1:] / base - 1.0) <= design.trial.rescue_pct
    if design.trial.rescue_on_task_loss:
        hit = hit | pool.task_lost[..., 1:]
    event = hit.any(axis=-1)
    week = np.where(event, hit.argmax(axis=-1) + 1, weeks)  # rescue week, or the period's end
    if ep == "time_to_rescue":
        return Outcome(event, week.astype(np.int64), event.astype(np.int64), event)
    read = (week if design.trial.endpoint_at_rescue else np.full_like(week, weeks))[..., None]
    g_end = np.take_along_axis(g, read, axis=-1)[..., 0]
    m_end = np.take_along_axis(m, read, axis=-1)[..., 0]
    dg, dm = g_end - g[..., 0], m_end - m[..., 0]
    if ep == "grip_change_kg":
        return Outcome(dg, rescued=event)
    if ep == "grip_change_pct":
        return Outcome(100.0 * (g_end / base[..., 0] - 1.0), rescued=event)
    if ep == "mrc_change":
        return Outcome(dm, rescued=event)
    # "responder": the objective-response rule of sim.clinical (EFNS/PNS 2010)
    return Outcome((dg >= RESPONSE_GRIP_KG) | (dm >= RESPONSE_MRC_POINTS), rescued=event)


def measured_grip(design: TrialDesign, pool: Pool) -> np.ndarray:
    """The pool's grip readings as the trial measures them: with ``grip_sd_kg`` of Gaussian
    error on every reading, drawn from each patient's own stream (so a patient's errors are
    the same whatever the pool size), never below 0 kg."""
    sd = design.trial.grip_sd_kg
    if sd <= 0:
        return pool.grip
    z = np.stack([np.random.default_rng(np.random.SeedSequence(
        [pool.seed, _NOISE_TAG, int(i)])).standard_normal(pool.grip.shape[1:])
        for i in pool.index])
    return np.maximum(pool.grip + sd * z, 0.0)


def _arm_period(design: TrialDesign) -> np.ndarray:
    """(courses, arms): the period in which each course gives each arm (-1: never)."""
    out = -np.ones((len(design.courses), len(design.arm)), dtype=np.int64)
    for c, plan in enumerate(design.courses):
        for p, a in enumerate(plan):
            out[c, a] = p
    return out


def draw_trials(design: TrialDesign, pool_size: int, R: int, seed: int,
                n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Who each of ``R`` trials enrols: (R, enrolled) pool rows, and (enrolled,) the course of
    each enrolment slot (parallel: the arm; crossover: the order of the arms)."""
    n = design.trial.n if n is None else n
    k = len(design.arm)
    enrolled = n if design.crossover else n * k
    if enrolled > pool_size:
        raise TrialError(f"n = {n} needs {enrolled} patients but the pool holds {pool_size}; "
                         "allowed: a pool at least as large as one trial.")
    rng = np.random.default_rng(np.random.SeedSequence([seed, _DRAW_TAG, n]))
    rows = np.stack([rng.permutation(pool_size)[:enrolled] for _ in range(R)])
    if design.crossover:
        course = (np.arange(enrolled) >= enrolled // 2).astype(np.int64)
    else:
        course = np.repeat(np.arange(k), n)
    return rows, course


def _arm_data(design: TrialDesign, out: Outcome, rows: np.ndarray, course: np.ndarray,
              arm: int) -> tuple[np.ndarray, ...]:
    """The endpoint of every patient of every trial who received ``arm``: (R, patients)."""
    per = _arm_period(design)[:, arm]
    slots = np.nonzero(per[course] >= 0)[0]
    r = rows[:, slots]
    c = np.broadcast_to(course[slots], r.shape)
    p = np.broadcast_to(per[course[slots]], r.shape)
    if out.time is None:
        return (out.value[r, c, p],)
    assert out.event is not None
    return out.time[r, c, p], out.event[r, c, p]


def _test(design: TrialDesign, treated: tuple[np.ndarray, ...],
          control: tuple[np.ndarray, ...]) -> tuple[np.ndarray, np.ndarray]:
    ep = design.trial.endpoint
    if ep == "time_to_rescue":
        return analysis.logrank(treated[0], treated[1], control[0], control[1])
    if ep == "responder":
        fn = analysis.mcnemar if design.crossover else analysis.fisher
        return fn(treated[0].astype(bool), control[0].astype(bool))
    fn = analysis.paired if design.crossover else analysis.welch
    return fn(treated[0].astype(float), control[0].astype(float))


def _comparisons(design: TrialDesign) -> list[tuple[int, int, str]]:
    c = design.control_index
    return [(a, c, f"{design.arm[a].name} vs {design.arm[c].name}")
            for a in range(len(design.arm)) if a != c]


@dataclass(frozen=True)
class TrialResult:
    """What ``R`` virtual trials of one design found."""

    design: TrialDesign
    seed: int
    R: int
    n: int
    pool_size: int
    screened: int
    trials: pd.DataFrame  # trial, comparison, estimate, p_value, significant
    power: dict[str, float]  # comparison -> share of trials with p < alpha
    pool_effect: dict[str, float]  # comparison -> the effect in the whole pool
    arm_means: dict[str, float] = field(default_factory=dict)  # arm -> pool mean endpoint
    arm_rescued: dict[str, float] = field(default_factory=dict)  # arm -> pool share rescued
    regimens: dict[str, int] = field(default_factory=dict)  # ladder regimen -> pooled patients

    @property
    def no_effect(self) -> float:
        """The estimate of a treatment without effect: 1 for a hazard ratio, else 0."""
        return 1.0 if self.design.trial.endpoint == "time_to_rescue" else 0.0

    @property
    def unit(self) -> str:
        """What an estimate measures, in words."""
        return estimate_label(self.design)

    def power_interval(self, comparison: str) -> tuple[float, float]:
        """Wilson 95% interval of the simulated power (Monte Carlo error of R trials)."""
        return wilson(int(round(self.power[comparison] * self.R)), self.R)

    def summary_table(self) -> pd.DataFrame:
        rows = []
        for comp, pw in self.power.items():
            est = self.trials.loc[self.trials["comparison"] == comp, "estimate"]
            lo, hi = self.power_interval(comp)
            rows.append({"comparison": comp, "n": self.n, "trials": self.R,
                         "power": round(pw, 4), "power_low": round(lo, 4),
                         "power_high": round(hi, 4),
                         "median_estimate": round(float(est.median()), 4),
                         "estimate_2.5%": round(float(est.quantile(0.025)), 4),
                         "estimate_97.5%": round(float(est.quantile(0.975)), 4),
                         "pool_effect": round(self.pool_effect[comp], 4),
                         "pool_size": self.pool_size, "screened": self.screened})
        return pd.DataFrame(rows)


def estimate_label(design: TrialDesign) -> str:
    ep = design.trial.endpoint
    if ep == "time_to_rescue":
        return "hazard ratio of rescue (log-rank, Peto estimate)"
    if ep == "responder":
        return "difference in responders (percentage points)"
    return f"difference in {ENDPOINTS[ep]}"


def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson 95% interval of a proportion k/n (as a share, 0..1)."""
    z = 1.959963984540054
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, mid - half), min(1.0, mid + half))


def pool_for(design: TrialDesign, seed: int, *, ns: Sequence[int] = (), jobs: int = 1,
             progress: Progress | None = None, cache: PoolCache | None = None) -> Pool:
    """The pool a design needs: ``pool_factor`` times one trial's enrolment, and at least
    ``CURVE_POOL_RATIO`` times the largest enrolment of a power curve over ``ns``."""
    size = design.pool_size()
    for n in ns:
        enrolled = n if design.crossover else n * len(design.arm)
        size = max(size, math.ceil(CURVE_POOL_RATIO * enrolled))
    if cache is not None and (hit := cache.get(design, seed, size)) is not None:
        return hit
    pool = simulate_pool(design, size, seed, jobs=jobs, progress=progress)
    if cache is not None:
        cache.put(design, seed, pool)
    return pool


def simulate_trials(design: TrialDesign, R: int = DEFAULT_R, seed: int = 1,
                    progress: Progress | None = None, *, pool: Pool | None = None,
                    n: int | None = None, jobs: int = 1) -> TrialResult:
    """Simulate ``R`` trials of ``design`` (``n`` per arm, default the design's) from a pool
    (simulated now unless given; a given pool must come from the same design and seed)."""
    if isinstance(R, bool) or not isinstance(R, int) or not 1 <= R <= MAX_R:
        raise TrialError(f"R = {R!r} is out of range; allowed: 1 to {MAX_R} trials.")
    n = design.trial.n if n is None else n
    if pool is None:
        pool = pool_for(design, seed, jobs=jobs,
                        progress=None if progress is None else
                        (lambda d, t: progress(d, t + 1)))
    elif pool.seed != seed:
        raise TrialError(f"the pool was simulated with seed {pool.seed}, not {seed}.")
    total = pool.size
    out = endpoint_values(design, pool)
    rows, course = draw_trials(design, pool.size, R, seed, n)
    frames, power, effect = [], {}, {}
    whole = np.arange(pool.size)[None, :]
    for a, c, label in _comparisons(design):
        est, p = _test(design, _arm_data(design, out, rows, course, a),
                       _arm_data(design, out, rows, course, c))
        frames.append(pd.DataFrame({
            "trial": np.arange(R), "comparison": label, "estimate": est, "p_value": p,
            "significant": p < design.trial.alpha}))
        power[label] = float(np.mean(p < design.trial.alpha))
        effect[label] = _pool_effect(design, out, whole, a, c)
    means, rescued = {}, {}
    for a, arm in enumerate(design.arm):
        per = _arm_period(design)[:, a]
        given = [(cc, per[cc]) for cc in range(len(design.courses)) if per[cc] >= 0]
        means[arm.name] = float(np.mean(np.concatenate(
            [out.value[:, cc, p].astype(float) for cc, p in given])))
        assert out.rescued is not None
        rescued[arm.name] = float(np.mean(np.concatenate(
            [out.rescued[:, cc, p] for cc, p in given])))
    if progress is not None:
        progress(total + 1, total + 1)
    return TrialResult(design, seed, R, n, pool.size, pool.screened,
                       pd.concat(frames, ignore_index=True), power, effect, means, rescued,
                       regimen_counts(design, pool))


def regimen_counts(design: TrialDesign, pool: Pool) -> dict[str, int]:
    """Pooled patients on each regimen of the population's titration ladder (empty: none)."""
    if pool.regimen is None:
        return {}
    counts = np.bincount(pool.regimen, minlength=len(design.population.regimens))
    return {r.label: int(k) for r, k in zip(design.population.regimens, counts, strict=True)}


def _pool_effect(design: TrialDesign, out: Outcome, whole: np.ndarray, a: int, c: int) -> float:
    """The estimator applied to the whole pool (every pooled patient in every course): the
    effect a trial of this design estimates."""
    vals = []
    for cc in range(len(design.courses)):
        course = np.full(whole.shape[1], cc)
        pa = _arm_period(design)[cc]
        if pa[a] < 0 or pa[c] < 0:  # parallel: each course gives one arm
            continue
        est, _ = _test(design, _arm_data(design, out, whole, course, a),
                       _arm_data(design, out, whole, course, c))
        vals.append(float(est[0]))
    if not vals:  # parallel: arm a in course a, arm c in course c, same patients
        rows = np.concatenate([whole, whole], axis=1)
        course = np.concatenate([np.full(whole.shape[1], a), np.full(whole.shape[1], c)])
        est, _ = _test(design, _arm_data(design, out, rows, course, a),
                       _arm_data(design, out, rows, course, c))
        vals.append(float(est[0]))
    return float(np.mean(vals))


def power_curve(design: TrialDesign, ns: Sequence[int], R: int = DEFAULT_R, seed: int = 1, *,
                pool: Pool | None = None, jobs: int = 1,
                progress: Progress | None = None) -> pd.DataFrame:
    """Power of every comparison at each ``n`` (per arm; crossover: in total), all drawn from
    one pool at least ``CURVE_POOL_RATIO`` times the largest trial."""
    ns = sorted({int(x) for x in ns})
    if not ns or ns[0] < 2:
        raise TrialError("ns must list trial sizes of 2 or more patients.")
    if pool is None:
        pool = pool_for(design, seed, ns=ns, jobs=jobs, progress=progress)
    rows = []
    for n in ns:
        res = simulate_trials(design, R, seed, pool=pool, n=n)
        for comp, pw in res.power.items():
            lo, hi = res.power_interval(comp)
            rows.append({"n": n, "comparison": comp, "power": pw, "power_low": lo,
                         "power_high": hi, "pool_size": pool.size})
    return pd.DataFrame(rows)
