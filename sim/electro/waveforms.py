"""Synthetic CMAP and SNAP traces that match the study table, for the NCS page.

Why: students learn to read block from the traces themselves (a proximal CMAP smaller than the
distal one without much widening), so each trace is built from the same amplitude, latency and
duration as the table row it illustrates.

Waveforms follow the EMG display convention "negative up": the returned trace is positive
during the negative (first) phase, so its maximum equals the table amplitude.
"""

from __future__ import annotations

import math

import numpy as np

from sim.anatomy import ANATOMY, SIDES
from sim.sites import SiteSnapshot

from .conduction import MOTOR_NAMES, check_snapshot, motor_nerve
from .normals import NcsBaseline
from .params import DEFAULT_PARAMS, NcsParams

__all__ = ["cmap_waveform", "snap_waveform", "study_waveforms"]


def _grid(end_ms: float, minimum_ms: float, params: NcsParams) -> np.ndarray:
    end = max(minimum_ms, 10.0 * math.ceil(end_ms / 10.0))
    return np.linspace(0.0, end, params.waveform_samples)


def _biphasic(
    t: np.ndarray, amplitude: np.ndarray, latency: np.ndarray, duration: np.ndarray,
    params: NcsParams,
) -> np.ndarray:
    """Negative-up biphasic potentials: half-sine negative phase, smaller longer positive one.

    Broadcasts: ``t`` (n,), the others (m, 1) or scalars. The negative phase's area is
    2/pi * amplitude * duration, the same relation the table uses.
    """
    amp = np.nan_to_num(amplitude, nan=0.0)
    lat = np.nan_to_num(latency, nan=0.0)
    dur = np.where(np.isfinite(duration) & (duration > 0), duration, 1.0)
    u = (t - lat) / dur
    neg = np.where((u >= 0.0) & (u < 1.0), np.sin(np.pi * np.clip(u, 0.0, 1.0)), 0.0)
    v = (u - 1.0) / params.positive_phase_length
    pos = np.where((v >= 0.0) & (v < 1.0), np.sin(np.pi * np.clip(v, 0.0, 1.0)), 0.0)
    return amp * (neg - params.positive_phase_ratio * pos)


def cmap_waveform(
    amplitude_mv: float,
    latency_ms: float,
    duration_ms: float,
    t: np.ndarray | None = None,
    *,
    params: NcsParams = DEFAULT_PARAMS,
) -> tuple[np.ndarray, np.ndarray]:
    """A synthetic CMAP ``(t_ms, mv)`` in the EMG "negative up" convention.

    ``mv`` is positive during the negative phase, so ``mv.max()`` is the negative-peak
    amplitude of the table; it is 0 before the onset latency. Absent responses (NaN latency or
    zero amplitude) give a flat line. Default grid: 0-30 ms, longer when the response needs it.
    """
    return _waveform(amplitude_mv, latency_ms, duration_ms, t, 30.0, 5.0, params)


def snap_waveform(
    amplitude_uv: float,
    latency_ms: float,
    duration_ms: float,
    t: np.ndarray | None = None,
    *,
    params: NcsParams = DEFAULT_PARAMS,
) -> tuple[np.ndarray, np.ndarray]:
    """A synthetic antidromic SNAP ``(t_ms, uv)``, negative up, on a 0-10 ms grid by default."""
    return _waveform(amplitude_uv, latency_ms, duration_ms, t, 10.0, 2.0, params)


def _waveform(
    amplitude: float, latency_ms: float, duration_ms: float, t: np.ndarray | None,
    minimum_ms: float, tail_ms: float, params: NcsParams,
) -> tuple[np.ndarray, np.ndarray]:
    """One biphasic trace on ``t``, or on a grid of at least ``minimum_ms`` that shows it all."""
    if t is None:
        lat = latency_ms if math.isfinite(latency_ms) else 0.0
        dur = duration_ms if math.isfinite(duration_ms) else 0.0
        end = lat + (1.0 + params.positive_phase_length) * dur + tail_ms
        t = _grid(end, minimum_ms, params)
    t = np.asarray(t, dtype=float)
    return t, _biphasic(t, np.float64(amplitude), np.float64(latency_ms),
                        np.float64(duration_ms), params)


def study_waveforms(
    baseline: NcsBaseline,
    snapshot: SiteSnapshot,
    nerve: str,
    side: str,
    *,
    params: NcsParams = DEFAULT_PARAMS,
    slowing: np.ndarray | None = None,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """CMAP traces of one motor nerve, keyed by stimulation point (distal first).

    All traces share one time grid (0-30 ms or longer for leg nerves and proximal points) so
    they can be stacked. Values equal those of :func:`~sim.electro.study` (``slowing`` as
    there).
    """
    check_snapshot(snapshot)
    if nerve not in MOTOR_NAMES:
        raise ValueError(f"unknown motor nerve {nerve!r}; choose from {sorted(MOTOR_NAMES)}")
    if side not in SIDES:
        raise ValueError(f"unknown side {side!r}; use {SIDES}")
    nv = ANATOMY.nerve_by_name[nerve]
    res = motor_nerve(baseline.motor_for(side, nerve), nv, snapshot, params, slowing)
    mb = baseline.motor_for(side, nerve)
    lat = np.where(np.isfinite(res.latency), res.latency, mb.distal_latency_ms)
    dur = np.where(np.isfinite(res.duration), res.duration, mb.duration_ms)
    end = float(np.max(lat + (1.0 + params.positive_phase_length) * dur)) + 5.0
    t = _grid(end, 30.0, params)
    traces = _biphasic(t, res.amplitude[:, None], res.latency[:, None], res.duration[:, None],
                       params)
    return {point: (t, traces[i]) for i, point in enumerate(nv.points)}
