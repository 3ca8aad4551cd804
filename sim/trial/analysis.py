"""The tests a trial's statistician runs, each over many simulated trials at once.

Each function takes arrays with trials on axis 0 and patients on axis 1 and returns the
estimate and the two-sided p-value of every trial. The t-tests are scipy's; the log-rank test is
written out so it runs over all trials at once on the weekly grid (ties handled as in scipy's
``logrank``), and is checked against scipy's in the tests.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["welch", "paired", "logrank", "fisher", "mcnemar"]


def welch(treated: np.ndarray, control: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Difference in means (treated - control) and Welch's t-test p-value, per trial."""
    est = treated.mean(axis=1) - control.mean(axis=1)
    p = stats.ttest_ind(treated, control, axis=1, equal_var=False).pvalue
    return est, _clean(p)


def paired(treated: np.ndarray, control: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean within-patient difference (treated - control) and the paired t-test p-value."""
    diff = treated - control
    est = diff.mean(axis=1)
    p = stats.ttest_1samp(diff, 0.0, axis=1).pvalue
    return est, _clean(p)


def _clean(p: np.ndarray) -> np.ndarray:
    """A trial whose outcomes do not vary at all has no p-value; count it as not significant."""
    return np.where(np.isfinite(p), p, 1.0)


def logrank(time_t: np.ndarray, event_t: np.ndarray, time_c: np.ndarray,
            event_c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Log-rank test of treated vs control, per trial: the hazard ratio estimate
    exp((O - E) / V) for the treated group (Peto) and the two-sided p-value.

    Times are whole numbers (weeks); ``event`` is 1 for a rescue and 0 for censoring.
    """
    times = np.unique(np.concatenate([time_t.ravel(), time_c.ravel()]))
    o_minus_e = np.zeros(time_t.shape[0])
    var = np.zeros(time_t.shape[0])
    for t in times:
        at_t = (time_t >= t).sum(axis=1)
        at_c = (time_c >= t).sum(axis=1)
        d_t = ((time_t == t) & (event_t == 1)).sum(axis=1)
        d_c = ((time_c == t) & (event_c == 1)).sum(axis=1)
        n, d = at_t + at_c, d_t + d_c
        with np.errstate(invalid="ignore", divide="ignore"):
            e_t = np.where(n > 0, d * at_t / n, 0.0)
            v = np.where(n > 1, d * at_t * at_c * (n - d) / (n * n * (n - 1.0)), 0.0)
        o_minus_e += d_t - e_t
        var += v
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(var > 0, o_minus_e / np.sqrt(var), 0.0)
        hr = np.where(var > 0, np.exp(o_minus_e / np.where(var > 0, var, 1.0)), 1.0)
    p = 2.0 * stats.norm.sf(np.abs(z))
    return hr, p


def fisher(treated: np.ndarray, control: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Difference in responder share (percentage points) and Fisher's exact test p-value."""
    est = 100.0 * (treated.mean(axis=1) - control.mean(axis=1))
    k_t, k_c = treated.sum(axis=1), control.sum(axis=1)
    n_t, n_c = treated.shape[1], control.shape[1]
    cache: dict[tuple[int, int], float] = {}
    p = np.empty(treated.shape[0])
    for r, (a, c) in enumerate(zip(k_t.tolist(), k_c.tolist(), strict=True)):
        if (a, c) not in cache:
            cache[(a, c)] = float(stats.fisher_exact([[a, n_t - a], [c, n_c - c]]).pvalue)
        p[r] = cache[(a, c)]
    return est, p


def mcnemar(treated: np.ndarray, control: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Paired responders: difference in share (percentage points) and McNemar's exact test
    (a binomial test on the discordant pairs)."""
    est = 100.0 * (treated.mean(axis=1) - control.mean(axis=1))
    b = (treated & ~control).sum(axis=1)
    c = (~treated & control).sum(axis=1)
    cache: dict[tuple[int, int], float] = {}
    p = np.empty(treated.shape[0])
    for r, (x, y) in enumerate(zip(b.tolist(), c.tolist(), strict=True)):
        if (x, y) not in cache:
            cache[(x, y)] = 1.0 if x + y == 0 else float(stats.binomtest(x, x + y, 0.5).pvalue)
        p[r] = cache[(x, y)]
    return est, p
