"""Synthetic needle EMG traces (no sound) that match one row of the ``emg`` table.

Why: students learn denervation and reinnervation by their shapes on the screen: small brief
fibrillation spikes and positive sharp waves firing regularly at rest, a few large motor-unit
potentials firing fast on effort where recruitment is reduced. Each trace is built from the
row's grades and values; the firing pattern is a fixed, deterministic schedule (no random
numbers), so the same row always draws the same trace. Display convention "negative up".
Shapes and rates are (approx.) teaching values after Preston & Shapiro 2020
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["rest_trace", "effort_trace", "SAMPLE_MS", "WINDOW_MS"]

SAMPLE_MS = 0.2
WINDOW_MS = 500.0
_FIB_MV = 0.12  # fibrillation potentials: 20-200 µV, 1-5 ms
_PSW_MV = 0.15
# (rate Hz, phase ms) of the regularly firing fibrillation / PSW generators, the 4+ grade uses
# all of them; fixed so a trace is reproducible.
_GENERATORS = ((2.0, 37.0), (7.0, 11.0), (11.0, 63.0), (4.0, 151.0), (14.0, 5.0),
               (9.0, 88.0), (3.0, 203.0), (12.0, 29.0))
_UNITS_BY_RECRUITMENT = {"full": 9, "reduced": 4, "markedly reduced": 2, "single units": 1,
                         "none": 0}
_RATE_BY_RECRUITMENT = {"full": 12.0, "reduced": 20.0, "markedly reduced": 26.0,
                        "single units": 30.0, "none": 0.0}


def _time() -> np.ndarray:
    return np.arange(0.0, WINDOW_MS, SAMPLE_MS)


def _spike(t: np.ndarray, at: float, amp: float, dur: float) -> np.ndarray:
    """A biphasic spike (negative phase up) of ``dur`` ms starting at ``at``."""
    u = (t - at) / dur
    inside = (u >= 0.0) & (u < 1.0)
    return np.where(inside, amp * np.sin(2.0 * math.pi * np.clip(u, 0.0, 1.0)), 0.0)


def _psw(t: np.ndarray, at: float, amp: float) -> np.ndarray:
    """A positive sharp wave: a sharp positive (downward) deflection, a slow return."""
    u = t - at
    sharp = (u >= 0.0) & (u < 1.0)
    slow = (u >= 1.0) & (u < 10.0)
    return np.where(sharp, -amp * u, np.where(slow, -amp * np.exp(-(u - 1.0) / 2.5), 0.0))


def _mup(t: np.ndarray, at: float, amp: float, dur: float, extra_phases: int) -> np.ndarray:
    """A triphasic motor-unit potential; a polyphasic one has more turns over its duration."""
    u = (t - at) / dur
    inside = (u >= 0.0) & (u < 1.0)
    phases = 3 + extra_phases
    envelope = np.sin(math.pi * np.clip(u, 0.0, 1.0))
    wave = np.sin(math.pi * phases * np.clip(u, 0.0, 1.0) - math.pi / 2.0 * (phases % 2))
    return np.where(inside, amp * envelope * wave, 0.0)


def rest_trace(fibrillations: int, positive_sharp_waves: int,
               fasciculation_potentials: bool) -> tuple[np.ndarray, np.ndarray]:
    """Activity at rest ``(t_ms, mV)``: silence in healthy muscle, regular fibrillations and
    positive sharp waves by grade (1+ .. 4+), one large irregular fasciculation if present."""
    t = _time()
    y = np.zeros_like(t)
    for k, (rate, phase) in enumerate(_GENERATORS[: 2 * int(fibrillations)]):
        period = 1000.0 / rate
        for at in np.arange(phase, WINDOW_MS - 5.0, period):
            y += _spike(t, float(at), _FIB_MV * (0.8 + 0.1 * (k % 3)), 2.0)
    for rate, phase in _GENERATORS[::-1][: 2 * int(positive_sharp_waves)]:
        for at in np.arange(phase + 17.0, WINDOW_MS - 12.0, 1000.0 / rate):
            y += _psw(t, float(at), _PSW_MV)
    if fasciculation_potentials:
        y += _mup(t, 311.0, 0.9, 11.0, 1)
    return t, y


def effort_trace(mup_amplitude_mv: float, mup_duration_ms: float, polyphasic_pct: float,
                 recruitment: str) -> tuple[np.ndarray, np.ndarray]:
    """Moderate voluntary effort ``(t_ms, mV)``: as many units as recruitment allows, firing
    faster the fewer there are, each the row's size and duration; a share polyphasic."""
    t = _time()
    y = np.zeros_like(t)
    n = _UNITS_BY_RECRUITMENT.get(recruitment, 0)
    if n == 0 or not math.isfinite(mup_amplitude_mv):
        return t, y
    rate = _RATE_BY_RECRUITMENT[recruitment]
    poly_units = round(n * polyphasic_pct / 100.0)
    for k in range(n):
        amp = mup_amplitude_mv * (0.6 + 0.4 * ((k * 7) % 5) / 4.0)
        period = 1000.0 / (rate * (0.85 + 0.05 * (k % 4)))
        extra = 3 if k < poly_units else 0
        for at in np.arange(3.0 + 13.0 * k, WINDOW_MS - mup_duration_ms, period):
            y += _mup(t, float(at), amp, mup_duration_ms, extra)
    return t, y
