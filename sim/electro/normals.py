"""A patient's healthy nerve conduction values, drawn once per patient before MMN begins.

Why: a study is read against the person's own normal (a CMAP can fall by half and stay above
the population's lower limit), and left and right are nearly symmetric in a healthy person, so
every patient needs a fixed, side-correlated baseline that the disease then lowers. Sensory
fibres are spared in MMN (van Schaik et al. 2010 (EFNS/PNS)), so the sensory baseline is also
what every later study shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.anatomy import ANATOMY, SIDES, Nerve

from .params import DEFAULT_PARAMS, NcsParams

__all__ = ["MotorBaseline", "SensoryBaseline", "NcsBaseline", "draw_baseline"]

# Negative-peak CMAP duration of a healthy distal response, ms: Preston & Shapiro 2020
# typical 5-6.5 ms. (approx.)
_CMAP_DURATION_MS: dict[str, float] = {"median": 5.5, "ulnar": 6.0, "radial": 6.0}
_DEFAULT_CMAP_DURATION_MS = 6.0  # Preston & Shapiro 2020, typical. (approx.)

_MOTOR_KEYS: tuple[tuple[str, str], ...] = tuple(
    (side, n.name) for side in SIDES for n in ANATOMY.nerves
)
_MOTOR_POS = {key: i for i, key in enumerate(_MOTOR_KEYS)}
_SENSORY_KEYS: tuple[tuple[str, str], ...] = tuple(
    (side, n.name) for side in SIDES for n in ANATOMY.sensory
)
_SENSORY_POS = {key: i for i, key in enumerate(_SENSORY_KEYS)}


@dataclass(frozen=True)
class MotorBaseline:
    """Healthy values of one motor nerve on one side (the patient before MMN)."""

    side: str
    nerve: str
    amplitude_mv: float  # distal CMAP, negative peak
    distal_latency_ms: float
    duration_ms: float  # distal negative-peak duration
    cv_m_per_s: tuple[float, ...]  # per segment; segment 0 is covered by the distal latency
    drop: tuple[float, ...]  # per segment normal proximal amplitude/area drop (0 for segment 0)


@dataclass(frozen=True)
class SensoryBaseline:
    """Healthy SNAP of one sensory nerve on one side; MMN never changes it."""

    side: str
    nerve: str
    amplitude_uv: float
    latency_ms: float  # onset latency = distance / CV
    duration_ms: float
    cv_m_per_s: float


@dataclass(frozen=True)
class NcsBaseline:
    """A patient's healthy NCS values for every nerve and side (tuples in anatomy order)."""

    motor: tuple[MotorBaseline, ...]
    sensory: tuple[SensoryBaseline, ...]

    def __post_init__(self) -> None:
        if tuple((m.side, m.nerve) for m in self.motor) != _MOTOR_KEYS:
            raise ValueError("NcsBaseline.motor must list SIDES x ANATOMY.nerves in order")
        if tuple((s.side, s.nerve) for s in self.sensory) != _SENSORY_KEYS:
            raise ValueError("NcsBaseline.sensory must list SIDES x ANATOMY.sensory in order")

    def motor_for(self, side: str, nerve: str) -> MotorBaseline:
        return self.motor[_MOTOR_POS[(side, nerve)]]

    def sensory_for(self, side: str, nerve: str) -> SensoryBaseline:
        return self.sensory[_SENSORY_POS[(side, nerve)]]


_N_MOTOR = len(ANATOMY.nerves)
_N_SEG = sum(len(n.segments) for n in ANATOMY.nerves)
_N_SENS = len(ANATOMY.sensory)
_N_SIDES = len(SIDES)
# Fixed count of standard normals consumed by draw_baseline, in this order:
# motor amplitude / latency / duration per nerve, CV per segment, sensory amplitude / CV per
# nerve; each as one person-level block then one block per side.
_N_NORMALS = (1 + _N_SIDES) * (3 * _N_MOTOR + _N_SEG + 2 * _N_SENS)
_N_UNIFORMS = _N_SIDES * _N_SEG  # normal proximal drops


def _reflect_above(value: float, low: float, high: float) -> float:
    """Truncate a normal draw from below by reflection (no point mass at the bound)."""
    if value < low:
        value = 2.0 * low - value
    return min(value, high)


class _SidedNormals:
    """Hands out a block of standard normals in order, correlated between the two sides."""

    def __init__(self, z: np.ndarray, rho: float) -> None:
        self.z = z
        self.pos = 0
        self.rho = rho
        self.rho_c = math.sqrt(1.0 - rho * rho)

    def take(self, n: int) -> np.ndarray:
        out = self.z[self.pos : self.pos + n]
        self.pos += n
        return out

    def sided(self, n: int) -> np.ndarray:
        """(sides, n) correlated standard normals from one person draw and one per side."""
        person = self.take(n)
        own = self.take(_N_SIDES * n).reshape(_N_SIDES, n)
        return self.rho * person[None, :] + self.rho_c * own


def draw_baseline(rng: np.random.Generator, params: NcsParams = DEFAULT_PARAMS) -> NcsBaseline:
    """Draw one healthy person's NCS values.

    Always consumes ``_N_NORMALS`` normals then ``_N_UNIFORMS`` uniforms, so a patient's stream
    stays aligned whatever the values. Left and right share a person-level draw
    (correlation ``side_correlation``) because a healthy person is nearly symmetric.
    """
    z = _SidedNormals(rng.standard_normal(_N_NORMALS), params.side_correlation)
    u = rng.random(_N_UNIFORMS)
    clip = params.clip_sd
    amp_z = z.sided(_N_MOTOR)
    lat_z = np.clip(z.sided(_N_MOTOR), -clip, clip)
    dur_z = np.clip(z.sided(_N_MOTOR), -clip, clip)
    cv_z = np.clip(z.sided(_N_SEG), -clip, clip)
    s_amp_z = z.sided(_N_SENS)
    s_cv_z = np.clip(z.sided(_N_SENS), -clip, clip)
    drops_u = u.reshape(_N_SIDES, _N_SEG)
    assert z.pos == _N_NORMALS

    motor = _motor_baselines(amp_z, lat_z, dur_z, cv_z, drops_u, params)
    sensory = _sensory_baselines(s_amp_z, s_cv_z, params)
    return NcsBaseline(tuple(motor), tuple(sensory))


def _motor_baselines(
    amp_z: np.ndarray, lat_z: np.ndarray, dur_z: np.ndarray, cv_z: np.ndarray,
    drops_u: np.ndarray, params: NcsParams,
) -> list[MotorBaseline]:
    """Every motor nerve's baseline, side-major in anatomy order, from the (sides, n) draws."""
    motor: list[MotorBaseline] = []
    for si, side in enumerate(SIDES):
        seg0 = 0
        for ni, nerve in enumerate(ANATOMY.nerves):
            n_seg = len(nerve.segments)
            # Adult normal values (anatomy.py, Preston & Shapiro 2020): mean +- SD, kept above LLN.
            amp = _reflect_above(
                nerve.cmap_mv + nerve.cmap_sd_mv * amp_z[si, ni],
                nerve.lln_mv * params.lln_margin,
                nerve.cmap_mv + 4.0 * nerve.cmap_sd_mv,
            )
            dl = nerve.distal_latency_ms * (1.0 + params.latency_sd_fraction * lat_z[si, ni])
            dur0 = _CMAP_DURATION_MS.get(nerve.name, _DEFAULT_CMAP_DURATION_MS)
            dur = dur0 * (1.0 + params.duration_sd_fraction * dur_z[si, ni])
            cvs = nerve.cv_m_per_s * (1.0 + params.cv_sd_fraction * cv_z[si, seg0 : seg0 + n_seg])
            drops = _normal_drops(nerve, drops_u[si, seg0 : seg0 + n_seg], params)
            cv_t = tuple(math.nan if k == 0 else float(c) for k, c in enumerate(cvs))
            motor.append(
                MotorBaseline(side, nerve.name, float(amp), float(dl), float(dur), cv_t,
                              tuple(drops))
            )
            seg0 += n_seg
    return motor


def _normal_drops(nerve: Nerve, u: np.ndarray, params: NcsParams) -> list[float]:
    """Normal proximal amplitude drop of each segment from its uniform draw."""
    drops = []
    for seg, ud in zip(nerve.segments, u, strict=True):
        if seg.index == 0 or not seg.stimulable:
            drops.append(0.0)
        elif seg.entrapment == "fibular head":
            drops.append(float(ud) * params.max_normal_drop_fibular_head)
        else:
            drops.append(float(ud) * params.max_normal_drop)
    return drops


def _sensory_baselines(
    s_amp_z: np.ndarray, s_cv_z: np.ndarray, params: NcsParams
) -> list[SensoryBaseline]:
    """Every sensory nerve's baseline, side-major in anatomy order."""
    sensory: list[SensoryBaseline] = []
    for si, side in enumerate(SIDES):
        for ki, sn in enumerate(ANATOMY.sensory):
            # Preston & Shapiro 2020 antidromic norms (anatomy.py), kept above LLN.
            amp = _reflect_above(
                sn.snap_uv + sn.snap_sd_uv * s_amp_z[si, ki],
                sn.lln_uv * params.lln_margin,
                sn.snap_uv + 4.0 * sn.snap_sd_uv,
            )
            cv = sn.cv_m_per_s * (1.0 + params.cv_sd_fraction * s_cv_z[si, ki])
            sensory.append(
                SensoryBaseline(side, sn.name, float(amp), float(sn.distance_mm / cv),
                                params.snap_duration_ms, float(cv))
            )
    return sensory
