"""Nerve conduction study (NCS): CMAPs, SNAPs, waveforms and EFNS/PNS 2010 block grading.

Why this module exists: conduction block is what defines MMN electrodiagnostically, so the
simulator must show what an EMG laboratory would measure from the disease state at any day,
and grade it exactly as the guideline does (van Schaik et al., J Peripher Nerv Syst
2010;15:295, "EFNS/PNS 2010" below).

Physiology, as modelled (all fractions are of the axons that originally crossed a site, as in
:class:`sim.disease.SiteSnapshot`):

* **Axonal loss** anywhere on a nerve (also in unstimulable proximal segments) disconnects the
  axon from the muscle, so it lowers the CMAP at *every* stimulation point, distal included.
  Sites are treated as independent: the share of axons alive end to end is
  ``S = prod_j (1 - axon_loss_j)`` over all segments of the nerve.
* **Block** at segment *j* stops impulses crossing *j*. Stimulating at point *k* the impulse
  crosses segments ``0..k``, so block at *j* lowers the response only at points ``k >= j``
  (block in segment 0 lowers the distal response too, so it is invisible as a block). Of the
  axons still alive at *j* (``1 - axon_loss_j``) the blocked share is
  ``beta_j = block_j / (1 - axon_loss_j)``; with independent sites the share conducting from
  point *k* to the muscle is ``c_k = S * prod_{j<=k} (1 - beta_j)``. For a single lesioned
  site this reduces to ``1 - block - axon_loss``, the definition in SiteSnapshot.
* **Damage** (the share ever attacked, including block lifted by treatment) adds modest
  temporal dispersion (duration up; peak amplitude falls more than area, by phase
  cancellation) and mild segmental slowing, never into the demyelinating range unless the
  damage is near total.
* A point whose conducting share ``c_k`` falls below ``inexcitable_fraction`` (5%) gives no
  response: amplitude and area 0, latency, duration and CV NaN. If that happens at the most
  distal point the whole nerve is *inexcitable* and every segment grades "none".
* Sensory fibres are spared in MMN (van Schaik et al. 2010 (EFNS/PNS)): SNAPs are the
  patient's healthy baseline whatever the motor lesions.

Waveforms follow the EMG display convention "negative up": the returned trace is positive
during the negative (first) phase, so its maximum equals the table amplitude.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.anatomy import ANATOMY, SIDES, Nerve
from sim.sites import SiteSnapshot

__all__ = [
    "STUDY_COLUMNS",
    "GRADES",
    "NcsParams",
    "DEFAULT_PARAMS",
    "MotorBaseline",
    "SensoryBaseline",
    "NcsBaseline",
    "draw_baseline",
    "grade_block",
    "study",
    "cmap_waveform",
    "snap_waveform",
    "study_waveforms",
    "StudySummary",
    "summarize",
    "most_blocked_nerve",
]

STUDY_COLUMNS: tuple[str, ...] = (
    "side", "nerve", "kind", "stim_site", "latency_ms", "amplitude", "area", "duration_ms",
    "cv_m_per_s", "block_pct", "grade",
)
GRADES: tuple[str, ...] = ("definite", "probable", "none")

# EFNS/PNS 2010 conduction-block thresholds. van Schaik et al. 2010 (EFNS/PNS)
DEFINITE_AREA_REDUCTION_PCT = 50.0  # van Schaik et al. 2010 (EFNS/PNS): area reduction >=50%
PROBABLE_AREA_REDUCTION_PCT = 30.0  # van Schaik et al. 2010 (EFNS/PNS): >=30%, long arm segment
MAX_DURATION_INCREASE_PCT = 30.0  # van Schaik et al. 2010 (EFNS/PNS): duration increase <=30%
DISTAL_MIN_MV = 1.0  # van Schaik et al. 2010 (EFNS/PNS): distal CMAP >1 mV
DISTAL_MIN_LLN_FRACTION = 0.20  # van Schaik et al. 2010 (EFNS/PNS): distal CMAP >20% of LLN

# Shape constant of the synthetic negative phase (a half sine): area = 2/pi * amplitude * duration.
_SHAPE_AREA = 2.0 / math.pi


@dataclass(frozen=True)
class NcsParams:
    """Working values of the NCS model. *(approx.)* values are teaching choices: configurable."""

    # --- disease -> measurements --------------------------------------------------------------
    # Below 5% of the original axons conducting, no CMAP is discernible from noise. (approx.)
    inexcitable_fraction: float = 0.05
    # Duration increase per damaged segment = linear*d + heavy*d**4 (d = damage share).
    # CLINICAL.md worked example: 70% block with +10% duration (van Schaik et al. 2010 (EFNS/PNS)
    # criteria require <=30% for definite block), so dispersion is modest until damage is
    # near total. (approx.)
    dispersion_linear: float = 0.15
    dispersion_heavy: float = 0.25
    # Segmental CV slowing = linear*d + heavy*d**4: at most 35% below the patient's normal, i.e.
    # demyelinating-range slowing only with near-total damage. (approx.)
    slowing_linear: float = 0.20
    slowing_heavy: float = 0.15
    # Loss of the fastest axons slows conduction a little: CV stays >~75% of LLN in axonal
    # loss (Preston & Shapiro, 4th ed.). Slowing = loss_slowing * (1 - S). (approx.)
    loss_slowing: float = 0.15
    # Normal physiological temporal dispersion: duration +10% per metre of nerve. (approx.)
    physiological_dispersion_per_m: float = 0.10
    # Phase cancellation: amplitude ~ r**-(1+g), area ~ r**-g for a duration ratio r, so the
    # area falls a little while the peak falls more (Preston & Shapiro, 4th ed.). (approx.)
    cancellation_exponent: float = 0.3
    # --- healthy baseline -----------------------------------------------------------------------
    # Left-right correlation of a healthy person's values (sides are similar). (approx.)
    side_correlation: float = 0.9
    # Amplitudes are kept above LLN * this margin (reflected truncated normal). (approx.)
    lln_margin: float = 1.05
    # Distal latency and CV spread (fraction of the mean, SD), clipped at +-clip_sd SD.
    # Means from CLINICAL.md "Normal nerve conduction values"; spreads (approx.).
    latency_sd_fraction: float = 0.08
    cv_sd_fraction: float = 0.04
    duration_sd_fraction: float = 0.08
    clip_sd: float = 2.5
    # Normal proximal amplitude drop per segment: uniform 0-10%; up to 20% across the fibular
    # head (CLINICAL.md: <=25% across the fibular head; Preston & Shapiro, 4th ed.).
    max_normal_drop: float = 0.10
    max_normal_drop_fibular_head: float = 0.20
    # SNAP negative-peak duration (Preston & Shapiro, 4th ed.: ~1.5 ms). (approx.)
    snap_duration_ms: float = 1.5
    # --- waveform shape ---------------------------------------------------------------------------
    # Positive (second) phase: 35% of the negative peak, 1.6x as long. (approx.)
    positive_phase_ratio: float = 0.35
    positive_phase_length: float = 1.6
    waveform_samples: int = 480


DEFAULT_PARAMS = NcsParams()

# Negative-peak CMAP duration of a healthy distal response, ms: Preston & Shapiro (4th ed.)
# typical 5-6.5 ms. (approx.)
_CMAP_DURATION_MS: dict[str, float] = {"median": 5.5, "ulnar": 6.0, "radial": 6.0}
_DEFAULT_CMAP_DURATION_MS = 6.0  # Preston & Shapiro (4th ed.), typical. (approx.)

# Antidromic SNAP stimulation points (Preston & Shapiro, 4th ed. techniques, the source of the
# SNAP normal values in anatomy.py).
_SNAP_STIM_SITE: dict[str, str] = {
    "median": "wrist", "ulnar": "wrist", "radial sensory": "forearm", "sural": "calf",
}


# --------------------------------------------------------------------------------------------
# Precomputed anatomy lookups (built once at import so study() stays fast)
# --------------------------------------------------------------------------------------------

_MOTOR_KEYS: tuple[tuple[str, str], ...] = tuple(
    (side, n.name) for side in SIDES for n in ANATOMY.nerves
)
_MOTOR_POS = {key: i for i, key in enumerate(_MOTOR_KEYS)}
_SENSORY_KEYS: tuple[tuple[str, str], ...] = tuple(
    (side, n.name) for side in SIDES for n in ANATOMY.sensory
)
_SENSORY_POS = {key: i for i, key in enumerate(_SENSORY_KEYS)}


def _site_slice(side: str, nerve: Nerve) -> slice:
    first = ANATOMY.site_index[(side, nerve.name, nerve.segments[0].name)]
    return slice(first, first + len(nerve.segments))


_SITE_SLICE = {(side, n.name): _site_slice(side, n) for side in SIDES for n in ANATOMY.nerves}
_SEG_LENGTH = {n.name: np.array([s.length_mm for s in n.segments]) for n in ANATOMY.nerves}
# Cumulative nerve length from the most distal point to each stimulation point, mm.
_CUM_LENGTH = {
    n.name: np.concatenate([[0.0], np.cumsum(_SEG_LENGTH[n.name][1 : len(n.points)])])
    for n in ANATOMY.nerves
}
# (nerve, proximal stimulation point) -> segment name, for summaries.
_SEGMENT_AT_POINT = {
    (n.name, s.proximal_point): s.name
    for n in ANATOMY.nerves for s in n.segments if s.index >= 1 and s.proximal_point is not None
}
_MOTOR_NAMES = frozenset(n.name for n in ANATOMY.nerves)
_SENSORY_NAMES = frozenset(n.name for n in ANATOMY.sensory)


# --------------------------------------------------------------------------------------------
# Healthy baseline
# --------------------------------------------------------------------------------------------


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


def draw_baseline(rng: np.random.Generator, params: NcsParams = DEFAULT_PARAMS) -> NcsBaseline:
    """Draw one healthy person's NCS values.

    Always consumes ``_N_NORMALS`` normals then ``_N_UNIFORMS`` uniforms, so a patient's stream
    stays aligned whatever the values. Left and right share a person-level draw
    (correlation ``side_correlation``) because a healthy person is nearly symmetric.
    """
    z = rng.standard_normal(_N_NORMALS)
    u = rng.random(_N_UNIFORMS)
    pos = 0

    def take(n: int) -> np.ndarray:
        nonlocal pos
        out = z[pos : pos + n]
        pos += n
        return out

    rho = params.side_correlation
    rho_c = math.sqrt(1.0 - rho * rho)
    clip = params.clip_sd

    def sided(n: int) -> np.ndarray:
        """(sides, n) correlated standard normals from one person draw and one per side."""
        person = take(n)
        own = take(_N_SIDES * n).reshape(_N_SIDES, n)
        return rho * person[None, :] + rho_c * own

    amp_z = sided(_N_MOTOR)
    lat_z = np.clip(sided(_N_MOTOR), -clip, clip)
    dur_z = np.clip(sided(_N_MOTOR), -clip, clip)
    cv_z = np.clip(sided(_N_SEG), -clip, clip)
    s_amp_z = sided(_N_SENS)
    s_cv_z = np.clip(sided(_N_SENS), -clip, clip)
    drops_u = u.reshape(_N_SIDES, _N_SEG)
    assert pos == _N_NORMALS

    motor: list[MotorBaseline] = []
    for si, side in enumerate(SIDES):
        seg0 = 0
        for ni, nerve in enumerate(ANATOMY.nerves):
            n_seg = len(nerve.segments)
            # CLINICAL.md normal values (anatomy.py): mean +- SD, kept above LLN.
            amp = _reflect_above(
                nerve.cmap_mv + nerve.cmap_sd_mv * amp_z[si, ni],
                nerve.lln_mv * params.lln_margin,
                nerve.cmap_mv + 4.0 * nerve.cmap_sd_mv,
            )
            dl = nerve.distal_latency_ms * (1.0 + params.latency_sd_fraction * lat_z[si, ni])
            dur0 = _CMAP_DURATION_MS.get(nerve.name, _DEFAULT_CMAP_DURATION_MS)
            dur = dur0 * (1.0 + params.duration_sd_fraction * dur_z[si, ni])
            cvs = nerve.cv_m_per_s * (1.0 + params.cv_sd_fraction * cv_z[si, seg0 : seg0 + n_seg])
            drops = []
            for seg, ud in zip(nerve.segments, drops_u[si, seg0 : seg0 + n_seg], strict=True):
                if seg.index == 0 or not seg.stimulable:
                    drops.append(0.0)
                elif seg.entrapment == "fibular head":
                    drops.append(float(ud) * params.max_normal_drop_fibular_head)
                else:
                    drops.append(float(ud) * params.max_normal_drop)
            cv_t = tuple(math.nan if k == 0 else float(c) for k, c in enumerate(cvs))
            motor.append(
                MotorBaseline(side, nerve.name, float(amp), float(dl), float(dur), cv_t,
                              tuple(drops))
            )
            seg0 += n_seg

    sensory: list[SensoryBaseline] = []
    for si, side in enumerate(SIDES):
        for ki, sn in enumerate(ANATOMY.sensory):
            # Preston & Shapiro (4th ed.) antidromic norms (anatomy.py), kept above LLN.
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
    return NcsBaseline(tuple(motor), tuple(sensory))


# --------------------------------------------------------------------------------------------
# EFNS/PNS 2010 grading
# --------------------------------------------------------------------------------------------


def grade_block(
    area_reduction_pct: float,
    duration_increase_pct: float,
    distal_amplitude_mv: float,
    lln_mv: float,
    long_upper_limb_segment: bool,
    entrapment: bool | str | None,
) -> str:
    """Grade one segment's conduction block by EFNS/PNS 2010 (van Schaik et al. 2010).

    * definite: area reduction >=50%, duration increase <=30%;
    * probable: area reduction >=30% over a long upper-limb segment with duration increase
      <=30%, or area reduction >=50% with duration increase >30%;
    * entrapment segments never count.

    ``distal_amplitude_mv`` is the negative-peak CMAP on stimulation at the *distal end of the
    segment* (the guideline's wording: "on stimulation of the distal part of the segment with
    motor CB"); for the first segment this is the most distal point of the nerve. It must be
    >1 mV and >20% of LLN. The guideline states this under "definite"; we apply it to
    "probable" too, because an area ratio of a tiny CMAP is unreliable (same rationale as the
    AAEM consensus, Olney et al. 2003). A NaN duration increase (proximal response absent:
    complete block) is treated as "no measurable dispersion", so the area rule decides.
    """
    if entrapment:
        return "none"
    if not area_reduction_pct >= PROBABLE_AREA_REDUCTION_PCT:  # also rejects NaN
        return "none"
    if not (
        distal_amplitude_mv > DISTAL_MIN_MV
        and distal_amplitude_mv > DISTAL_MIN_LLN_FRACTION * lln_mv
    ):
        return "none"
    dispersed = duration_increase_pct > MAX_DURATION_INCREASE_PCT  # NaN -> False
    if area_reduction_pct >= DEFINITE_AREA_REDUCTION_PCT:
        return "probable" if dispersed else "definite"
    if long_upper_limb_segment and not dispersed:
        return "probable"
    return "none"


# --------------------------------------------------------------------------------------------
# The study
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _MotorResult:
    latency: np.ndarray
    amplitude: np.ndarray
    area: np.ndarray
    duration: np.ndarray
    cv: np.ndarray
    block_pct: np.ndarray
    grade: list[str]


def _check_snapshot(snapshot: SiteSnapshot) -> None:
    n = ANATOMY.n_sites
    for name in ("block", "axon_loss", "damage"):
        arr = getattr(snapshot, name)
        if np.shape(arr) != (n,):
            raise ValueError(
                f"SiteSnapshot.{name} must have shape ({n},) (one value per ANATOMY.sites), "
                f"got {np.shape(arr)}"
            )


def _motor_nerve(
    mb: MotorBaseline, nerve: Nerve, snapshot: SiteSnapshot, params: NcsParams
) -> _MotorResult:
    """All stimulation points of one motor nerve on one side (see module docstring)."""
    sl = _SITE_SLICE[(mb.side, nerve.name)]
    n_pts = len(nerve.points)
    loss = np.clip(snapshot.axon_loss[sl], 0.0, 1.0)
    block = np.clip(snapshot.block[sl], 0.0, 1.0)
    dmg = np.clip(snapshot.damage[sl], 0.0, 1.0)

    alive = 1.0 - loss
    survive = float(np.prod(alive))  # every segment, stimulable or not
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = np.where(alive > 0.0, np.minimum(block / alive, 1.0), 1.0)
    cond = survive * np.cumprod(1.0 - beta[:n_pts])  # share conducting from point k

    d = dmg[:n_pts]
    disp = params.dispersion_linear * d + params.dispersion_heavy * d**4
    ratio = (
        1.0
        + params.physiological_dispersion_per_m * _CUM_LENGTH[nerve.name] / 1000.0
        + np.cumsum(disp)
    )
    duration = mb.duration_ms * ratio
    drop = np.cumprod(1.0 - np.asarray(mb.drop[:n_pts]))
    g = params.cancellation_exponent
    amplitude = mb.amplitude_mv * drop * cond * ratio ** -(1.0 + g)
    area = _SHAPE_AREA * amplitude * duration

    slow = params.slowing_linear * d + params.slowing_heavy * d**4
    loss_factor = 1.0 - params.loss_slowing * (1.0 - survive)
    cv = np.asarray(mb.cv_m_per_s[:n_pts]) * (1.0 - slow) * loss_factor
    cv[0] = np.nan
    dl = mb.distal_latency_ms * (1.0 + slow[0]) / loss_factor
    latency = dl + np.concatenate([[0.0], np.cumsum(_SEG_LENGTH[nerve.name][1:n_pts] / cv[1:])])

    absent = cond < params.inexcitable_fraction
    if absent.any():
        amplitude[absent] = 0.0
        area[absent] = 0.0
        latency[absent] = np.nan
        duration[absent] = np.nan
        cv[absent] = np.nan

    block_pct = np.full(n_pts, np.nan)
    grades = [""]
    for k in range(1, n_pts):
        if absent[k - 1]:
            grades.append("none")
            continue
        reduction = 100.0 * (1.0 - area[k] / area[k - 1])
        widening = 100.0 * (duration[k] / duration[k - 1] - 1.0)  # NaN when k is absent
        block_pct[k] = reduction
        seg = nerve.segments[k]
        grades.append(
            grade_block(reduction, widening, float(amplitude[k - 1]), nerve.lln_mv,
                        seg.long_upper_limb, seg.entrapment)
        )
    return _MotorResult(latency, amplitude, area, duration, cv, block_pct, grades)


def _selected(
    names: Iterable[str] | None, sides: Iterable[str] | None
) -> tuple[frozenset[str] | None, tuple[str, ...]]:
    if isinstance(names, str):
        names = (names,)
    if isinstance(sides, str):
        sides = (sides,)
    chosen = None if names is None else frozenset(names)
    if chosen is not None:
        unknown = chosen - _MOTOR_NAMES - _SENSORY_NAMES
        if unknown:
            raise ValueError(
                f"unknown nerve(s) {sorted(unknown)}; choose from "
                f"{sorted(_MOTOR_NAMES | _SENSORY_NAMES)}"
            )
    side_t = SIDES if sides is None else tuple(s for s in SIDES if s in set(sides))
    if sides is not None and set(sides) - set(SIDES):
        raise ValueError(f"unknown side(s) {sorted(set(sides) - set(SIDES))}; use {SIDES}")
    return chosen, side_t


def study(
    baseline: NcsBaseline,
    snapshot: SiteSnapshot,
    *,
    nerves: Iterable[str] | None = None,
    sides: Iterable[str] | None = None,
    params: NcsParams = DEFAULT_PARAMS,
) -> pd.DataFrame:
    """The NCS table at the snapshot's day (columns ``STUDY_COLUMNS``).

    Motor rows first (side-major, anatomy order, distal point first), then sensory rows.
    A motor row at point k>=1 carries segment k's CV, block % (area reduction vs point k-1)
    and EFNS/PNS grade; the distal row has NaN, NaN, "". Sensory rows: amplitude in µV, area
    in µV·ms, block NaN, grade "". ``nerves`` filters motor and sensory names alike.
    """
    _check_snapshot(snapshot)
    chosen, side_t = _selected(nerves, sides)
    side_col: list[str] = []
    nerve_col: list[str] = []
    kind_col: list[str] = []
    site_col: list[str] = []
    grade_col: list[str] = []
    nums: list[list[np.ndarray]] = [[] for _ in range(6)]

    for side in side_t:
        for nerve in ANATOMY.nerves:
            if chosen is not None and nerve.name not in chosen:
                continue
            res = _motor_nerve(baseline.motor_for(side, nerve.name), nerve, snapshot, params)
            n_pts = len(nerve.points)
            side_col += [side] * n_pts
            nerve_col += [nerve.name] * n_pts
            kind_col += ["motor"] * n_pts
            site_col += list(nerve.points)
            grade_col += res.grade
            for col, arr in zip(
                nums,
                (res.latency, res.amplitude, res.area, res.duration, res.cv, res.block_pct),
                strict=True,
            ):
                col.append(arr)

    sens: list[tuple[float, ...]] = []
    for side in side_t:
        for sn in ANATOMY.sensory:
            if chosen is not None and sn.name not in chosen:
                continue
            sb = baseline.sensory_for(side, sn.name)
            side_col.append(side)
            nerve_col.append(sn.name)
            kind_col.append("sensory")
            site_col.append(_SNAP_STIM_SITE.get(sn.name, "distal"))
            grade_col.append("")
            area = _SHAPE_AREA * sb.amplitude_uv * sb.duration_ms
            sens.append((sb.latency_ms, sb.amplitude_uv, area, sb.duration_ms, sb.cv_m_per_s,
                         math.nan))
    if sens:
        sens_arr = np.array(sens, dtype=float)
        for i in range(6):
            nums[i].append(sens_arr[:, i])

    def cat(i: int) -> np.ndarray:
        return np.concatenate(nums[i]) if nums[i] else np.empty(0)

    return pd.DataFrame(
        {
            "side": side_col,
            "nerve": nerve_col,
            "kind": kind_col,
            "stim_site": site_col,
            "latency_ms": cat(0),
            "amplitude": cat(1),
            "area": cat(2),
            "duration_ms": cat(3),
            "cv_m_per_s": cat(4),
            "block_pct": cat(5),
            "grade": grade_col,
        },
        columns=list(STUDY_COLUMNS),
    )


# --------------------------------------------------------------------------------------------
# Waveforms
# --------------------------------------------------------------------------------------------


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
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """CMAP traces of one motor nerve, keyed by stimulation point (distal first).

    All traces share one time grid (0-30 ms or longer for leg nerves and proximal points) so
    they can be stacked. Values equal those of :func:`study`.
    """
    _check_snapshot(snapshot)
    if nerve not in _MOTOR_NAMES:
        raise ValueError(f"unknown motor nerve {nerve!r}; choose from {sorted(_MOTOR_NAMES)}")
    if side not in SIDES:
        raise ValueError(f"unknown side {side!r}; use {SIDES}")
    nv = ANATOMY.nerve_by_name[nerve]
    res = _motor_nerve(baseline.motor_for(side, nerve), nv, snapshot, params)
    mb = baseline.motor_for(side, nerve)
    lat = np.where(np.isfinite(res.latency), res.latency, mb.distal_latency_ms)
    dur = np.where(np.isfinite(res.duration), res.duration, mb.duration_ms)
    end = float(np.max(lat + (1.0 + params.positive_phase_length) * dur)) + 5.0
    t = _grid(end, 30.0, params)
    traces = _biphasic(t, res.amplitude[:, None], res.latency[:, None], res.duration[:, None],
                       params)
    return {point: (t, traces[i]) for i, point in enumerate(nv.points)}


# --------------------------------------------------------------------------------------------
# Summary for the diagnosis page
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudySummary:
    """EFNS/PNS 2010 electrodiagnostic reading of one study.

    ``level`` is the electrodiagnostic part only: the full diagnosis also needs the clinical
    core and exclusions (van Schaik et al. 2010 (EFNS/PNS)).
    """

    definite: tuple[tuple[str, str, str], ...]  # (side, nerve, segment)
    probable: tuple[tuple[str, str, str], ...]
    n_definite_nerves: int  # nerves (side counted) with >=1 definite block
    n_probable_nerves: int  # nerves whose best grade is probable
    sensory_tested: int
    sensory_abnormal: tuple[tuple[str, str], ...]  # (side, nerve) with SNAP < LLN
    supportive_findings: int
    level: str  # "definite" | "probable" | "none"

    @property
    def sensory_normal(self) -> bool:
        """All tested SNAPs >= LLN; False when no sensory nerve was tested."""
        return self.sensory_tested > 0 and not self.sensory_abnormal

    @property
    def n_block_nerves(self) -> int:
        """Nerves with at least probable block (definite counts as at least probable)."""
        return self.n_definite_nerves + self.n_probable_nerves

    def lines(self) -> list[str]:
        """Plain-language findings for the dashboard, one sentence each."""
        out: list[str] = []
        for label, sites in (("Definite", self.definite), ("Probable", self.probable)):
            for side, nerve, segment in sites:
                out.append(f"{label} conduction block: {side} {nerve}, {segment} segment.")
        if not self.definite and not self.probable:
            out.append("No segment meets the EFNS/PNS 2010 criteria for conduction block.")
        out.append(
            f"{self.n_definite_nerves} nerve(s) with definite block, "
            f"{self.n_probable_nerves} more with probable block."
        )
        if self.sensory_tested == 0:
            out.append("No sensory nerve tested: sensory conduction unknown.")
        elif self.sensory_normal:
            out.append(f"Sensory conduction normal in all {self.sensory_tested} tested nerves.")
        else:
            bad = ", ".join(f"{s} {n}" for s, n in self.sensory_abnormal)
            out.append(f"Sensory responses below normal: {bad} (not typical of MMN).")
        verdict = {
            "definite": "Electrodiagnosis: definite MMN criteria met (definite block, normal "
            "sensory conduction), if the clinical core criteria are met.",
            "probable": "Electrodiagnosis: probable MMN (probable block in 2 or more nerves, or "
            "in 1 nerve with 2 or more supportive findings).",
            "none": "Electrodiagnosis: EFNS/PNS 2010 block criteria for MMN not met.",
        }[self.level]
        out.append(verdict)
        return out


def summarize(study_df: pd.DataFrame, *, supportive_findings: int = 0) -> StudySummary:
    """Read block grades and SNAPs from a :func:`study` table (EFNS/PNS 2010 categories).

    definite: definite block in >=1 nerve and normal sensory conduction; probable: at least
    probable block in >=2 nerves, or in 1 nerve with >=2 supportive findings (clinical or
    laboratory, given by the caller); else none. Abnormal or untested sensory conduction gives
    "none", because the guideline requires normal sensory conduction across blocked segments.
    Each side's nerve counts as one nerve.
    """
    definite: list[tuple[str, str, str]] = []
    probable: list[tuple[str, str, str]] = []
    abnormal: list[tuple[str, str]] = []
    tested = 0
    lln = {n.name: n.lln_uv for n in ANATOMY.sensory}
    for side, nerve, kind, site, amp, grade in zip(
        study_df["side"], study_df["nerve"], study_df["kind"], study_df["stim_site"],
        study_df["amplitude"], study_df["grade"], strict=True,
    ):
        if kind == "sensory":
            tested += 1
            if not amp >= lln[nerve]:
                abnormal.append((side, nerve))
        elif grade in ("definite", "probable"):
            seg = _SEGMENT_AT_POINT.get((nerve, site), site)
            (definite if grade == "definite" else probable).append((side, nerve, seg))
    def_nerves = {(s, n) for s, n, _ in definite}
    prob_nerves = {(s, n) for s, n, _ in probable} - def_nerves
    sensory_ok = tested > 0 and not abnormal
    n_block = len(def_nerves) + len(prob_nerves)
    if sensory_ok and def_nerves:
        level = "definite"
    elif sensory_ok and (n_block >= 2 or (n_block == 1 and supportive_findings >= 2)):
        level = "probable"
    else:
        level = "none"
    return StudySummary(
        tuple(definite), tuple(probable), len(def_nerves), len(prob_nerves), tested,
        tuple(abnormal), supportive_findings, level,
    )


def most_blocked_nerve(snapshot: SiteSnapshot) -> tuple[str, str]:
    """(side, nerve) with the most block in a segment a study can probe: the one to show first.

    Falls back to the left median nerve when nothing is blocked (a healthy study).
    """
    best, pick = 0.0, ("left", "median")
    for (side, seg), block in zip(ANATOMY.sites, snapshot.block, strict=True):
        nerve = ANATOMY.nerve_by_name[seg.nerve]
        if seg.stimulable and seg.index >= 1 and block > best:
            best, pick = float(block), (side, nerve.name)
    return pick
