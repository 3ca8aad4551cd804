"""What a measurement returns, and the intervals around it.

A value without its uncertainty would overstate what a few hundred virtual patients show, so
every measured value carries a 95% interval: Wilson's interval for proportions, a percentile
bootstrap over patients (fixed seed per target, so the report is reproducible) for the rest.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Measurement", "not_measured", "wilson", "bootstrap", "share", "summary",
           "spearman", "N_BOOT"]

N_BOOT = 1000  # bootstrap resamples
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Measurement:
    """The model's value for one target, in the target's unit."""

    value: float | None
    ci: tuple[float, float] | None = None  # 95% interval
    n: int = 0  # patients (or seeds, segments, losses) the value rests on
    detail: str = ""  # the numbers behind the value, in words
    reason: str = ""  # why there is no value
    failed: bool = False  # no value because the model fails the target (shown red)
    curve: dict[str, Any] | None = None  # data for the target's plot (JSON-ready)


def not_measured(reason: str, failed: bool = False, n: int = 0) -> Measurement:
    """No value: the feature is absent (``failed=False``) or the model fails outright."""
    return Measurement(None, None, n, reason=reason, failed=failed)


def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson 95% interval of a proportion k/n, in percent."""
    if n == 0:
        return (0.0, 100.0)
    p = k / n
    den = 1 + Z95**2 / n
    mid = (p + Z95**2 / (2 * n)) / den
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / den
    return (round(100 * max(0.0, mid - half), 4), round(100 * min(1.0, mid + half), 4))


def bootstrap(stat: Callable[..., float], *arrays: Sequence[Any] | np.ndarray,
              key: str) -> tuple[float, float] | None:
    """Percentile 95% interval of ``stat(*arrays)`` resampling patients (rows) jointly.

    ``key`` (the target id) seeds the resampling, so the interval is the same every time.
    """
    cols = [np.asarray(a) for a in arrays]
    n = cols[0].shape[0]
    if n < 2:
        return None
    rng = np.random.default_rng(zlib.crc32(key.encode()))
    idx = rng.integers(0, n, size=(N_BOOT, n))
    vals = np.array([stat(*(c[row] for c in cols)) for row in idx], dtype=float)
    vals = vals[np.isfinite(vals)]
    if vals.size < N_BOOT // 2:
        return None
    lo, hi = np.percentile(vals, [2.5, 97.5])
    return (float(lo), float(hi))


def share(flags: Sequence[bool] | np.ndarray, detail: str = "", empty: str = "") -> Measurement:
    """Percentage of True with Wilson's interval; ``empty`` is the reason when there are none."""
    f = np.asarray(flags, dtype=bool)
    if f.size == 0:
        return not_measured(empty or "no patient met the selection", failed=True)
    k = int(f.sum())
    return Measurement(100.0 * k / f.size, wilson(k, f.size), int(f.size),
                       detail or f"{k} of {f.size}")


def summary(values: Sequence[float] | np.ndarray, key: str, how: str = "mean",
            detail: str = "", empty: str = "") -> Measurement:
    """Mean or median of per-patient values with a bootstrap interval (NaNs left out)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return not_measured(empty or "no patient met the selection", failed=True)
    fn = np.mean if how == "mean" else np.median
    return Measurement(float(fn(v)), bootstrap(fn, v, key=key), int(v.size), detail)


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman rank correlation (average ranks for ties); NaN when either is constant."""
    rx, ry = _ranks(np.asarray(x, float)), _ranks(np.asarray(y, float))
    if rx.std() == 0 or ry.std() == 0:
        return math.nan
    return float(np.corrcoef(rx, ry)[0, 1])


def _ranks(a: np.ndarray) -> np.ndarray:
    order = np.argsort(a, kind="mergesort")
    ranks = np.empty(a.size, float)
    ranks[order] = np.arange(a.size, dtype=float)
    _, inv, counts = np.unique(a, return_inverse=True, return_counts=True)
    sums = np.bincount(inv, weights=ranks)
    return sums[inv] / counts[inv]
