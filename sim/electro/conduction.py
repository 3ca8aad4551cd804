"""The nerve conduction study table at one day: what an EMG laboratory would measure.

Why: the simulator must show the measurements the disease state implies at any day, so a
student can watch block appear, be lifted by treatment or turn into axonal loss.

Physiology, as modelled (all fractions are of the axons that originally crossed a site, as in
:class:`sim.sites.SiteSnapshot`):

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
* A demyelinating disease (``Disease.conduction_slowing``) slows each segment further, by
  its share of speed lost: velocities fall, distal latencies grow as ``1 / (1 - share)`` and
  the CMAP disperses (``dispersion_per_slowing``). MMN adds none.
* Sensory fibres are spared in MMN (van Schaik et al. 2010 (EFNS/PNS)): SNAPs are the
  patient's healthy baseline whatever the motor lesions, scaled only by ``sensory_scale``
  (the share of large sensory fibres a disease leaves, from its sensory loss).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.anatomy import ANATOMY, SIDES, Nerve
from sim.sites import SiteSnapshot

from .criteria import grade_block
from .normals import MotorBaseline, NcsBaseline
from .params import DEFAULT_PARAMS, NcsParams

__all__ = ["STUDY_COLUMNS", "study"]

STUDY_COLUMNS: tuple[str, ...] = (
    "side", "nerve", "kind", "stim_site", "latency_ms", "amplitude", "area", "duration_ms",
    "cv_m_per_s", "block_pct", "grade",
)

# Shape constant of the synthetic negative phase (a half sine): area = 2/pi * amplitude * duration.
_SHAPE_AREA = 2.0 / math.pi

# Antidromic SNAP stimulation points (Preston & Shapiro 2020 techniques, the source of the
# SNAP normal values in anatomy.py).
_SNAP_STIM_SITE: dict[str, str] = {
    "median": "wrist", "ulnar": "wrist", "radial sensory": "forearm", "sural": "calf",
}


# --------------------------------------------------------------------------------------------
# Precomputed anatomy lookups (built once at import so study() stays fast)
# --------------------------------------------------------------------------------------------


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
MOTOR_NAMES = frozenset(n.name for n in ANATOMY.nerves)
_SENSORY_NAMES = frozenset(n.name for n in ANATOMY.sensory)


# --------------------------------------------------------------------------------------------
# One motor nerve
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MotorResult:
    """Every stimulation point of one motor nerve on one side, distal first."""

    latency: np.ndarray
    amplitude: np.ndarray
    area: np.ndarray
    duration: np.ndarray
    cv: np.ndarray
    block_pct: np.ndarray
    grade: list[str]


def check_snapshot(snapshot: SiteSnapshot) -> None:
    """Refuse a snapshot whose arrays do not hold one value per ``ANATOMY.sites``."""
    n = ANATOMY.n_sites
    for name in ("block", "axon_loss", "damage"):
        arr = getattr(snapshot, name)
        if np.shape(arr) != (n,):
            raise ValueError(
                f"SiteSnapshot.{name} must have shape ({n},) (one value per ANATOMY.sites), "
                f"got {np.shape(arr)}"
            )


def motor_nerve(
    mb: MotorBaseline, nerve: Nerve, snapshot: SiteSnapshot, params: NcsParams,
    slowing: np.ndarray | None = None,
) -> MotorResult:
    """All stimulation points of one motor nerve on one side (see module docstring);
    ``slowing`` is a disease's extra demyelinating slowing per site (None: none)."""
    sl = _SITE_SLICE[(mb.side, nerve.name)]
    demyel = None if slowing is None else np.clip(slowing[sl][: len(nerve.points)], 0.0, 0.9)
    n_pts = len(nerve.points)
    loss = np.clip(snapshot.axon_loss[sl], 0.0, 1.0)
    block = np.clip(snapshot.ncs_block[sl], 0.0, 1.0)
    dmg = np.clip(snapshot.damage[sl], 0.0, 1.0)

    alive = 1.0 - loss
    survive = float(np.prod(alive))  # every segment, stimulable or not
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = np.where(alive > 0.0, np.minimum(block / alive, 1.0), 1.0)
    cond = survive * np.cumprod(1.0 - beta[:n_pts])  # share conducting from point k

    d = dmg[:n_pts]
    # Dispersion comes from the damaged axons that still conduct (slowed), not from axons
    # that have degenerated: those are simply missing from the response.
    dl = np.clip(dmg - loss, 0.0, 1.0)[:n_pts]
    disp = params.dispersion_linear * dl + params.dispersion_heavy * dl**4
    if demyel is not None:
        disp = disp + params.dispersion_per_slowing * demyel
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
    cv, latency = _speed(mb, nerve, d, survive, params, demyel)

    absent = cond < params.inexcitable_fraction
    if absent.any():
        amplitude[absent] = 0.0
        area[absent] = 0.0
        latency[absent] = np.nan
        duration[absent] = np.nan
        cv[absent] = np.nan
    block_pct, grades = _grade_segments(nerve, amplitude, area, duration, absent)
    return MotorResult(latency, amplitude, area, duration, cv, block_pct, grades)


def _speed(
    mb: MotorBaseline, nerve: Nerve, d: np.ndarray, survive: float, params: NcsParams,
    demyel: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Segment CVs (NaN for segment 0) and onset latencies at each point, given damage ``d``
    and any demyelinating slowing (share of speed lost; latency grows as 1 / (1 - share))."""
    n_pts = len(nerve.points)
    slow = params.slowing_linear * d + params.slowing_heavy * d**4
    loss_factor = 1.0 - params.loss_slowing * (1.0 - survive)
    cv = np.asarray(mb.cv_m_per_s[:n_pts]) * (1.0 - slow) * loss_factor
    dl = mb.distal_latency_ms * (1.0 + slow[0]) / loss_factor
    if demyel is not None:
        cv = cv * (1.0 - demyel)
        dl = dl / (1.0 - float(demyel[0]))
    cv[0] = np.nan
    latency = dl + np.concatenate([[0.0], np.cumsum(_SEG_LENGTH[nerve.name][1:n_pts] / cv[1:])])
    return cv, latency


def _grade_segments(
    nerve: Nerve, amplitude: np.ndarray, area: np.ndarray, duration: np.ndarray,
    absent: np.ndarray,
) -> tuple[np.ndarray, list[str]]:
    """Block % (area reduction vs the next distal point) and EFNS/PNS grade of each point."""
    n_pts = len(nerve.points)
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
    return block_pct, grades


# --------------------------------------------------------------------------------------------
# The study table
# --------------------------------------------------------------------------------------------


def _selected(
    names: Iterable[str] | None, sides: Iterable[str] | None
) -> tuple[frozenset[str] | None, tuple[str, ...]]:
    if isinstance(names, str):
        names = (names,)
    if isinstance(sides, str):
        sides = (sides,)
    chosen = None if names is None else frozenset(names)
    if chosen is not None:
        unknown = chosen - MOTOR_NAMES - _SENSORY_NAMES
        if unknown:
            raise ValueError(
                f"unknown nerve(s) {sorted(unknown)}; choose from "
                f"{sorted(MOTOR_NAMES | _SENSORY_NAMES)}"
            )
    side_t = SIDES if sides is None else tuple(s for s in SIDES if s in set(sides))
    if sides is not None and set(sides) - set(SIDES):
        raise ValueError(f"unknown side(s) {sorted(set(sides) - set(SIDES))}; use {SIDES}")
    return chosen, side_t


@dataclass
class _Rows:
    """The study table while it is built: label columns, and numeric columns in pieces."""

    side: list[str] = field(default_factory=list)
    nerve: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    site: list[str] = field(default_factory=list)
    grade: list[str] = field(default_factory=list)
    # latency, amplitude, area, duration, cv, block_pct
    nums: list[list[np.ndarray]] = field(default_factory=lambda: [[] for _ in range(6)])

    def frame(self) -> pd.DataFrame:
        def cat(i: int) -> np.ndarray:
            return np.concatenate(self.nums[i]) if self.nums[i] else np.empty(0)

        return pd.DataFrame(
            {
                "side": self.side,
                "nerve": self.nerve,
                "kind": self.kind,
                "stim_site": self.site,
                "latency_ms": cat(0),
                "amplitude": cat(1),
                "area": cat(2),
                "duration_ms": cat(3),
                "cv_m_per_s": cat(4),
                "block_pct": cat(5),
                "grade": self.grade,
            },
            columns=list(STUDY_COLUMNS),
        )


def study(
    baseline: NcsBaseline,
    snapshot: SiteSnapshot,
    *,
    nerves: Iterable[str] | None = None,
    sides: Iterable[str] | None = None,
    params: NcsParams = DEFAULT_PARAMS,
    sensory_scale: Mapping[tuple[str, str], float] | None = None,
    slowing: np.ndarray | None = None,
) -> pd.DataFrame:
    """The NCS table at the snapshot's day (columns ``STUDY_COLUMNS``).

    Motor rows first (side-major, anatomy order, distal point first), then sensory rows.
    A motor row at point k>=1 carries segment k's CV, block % (area reduction vs point k-1)
    and EFNS/PNS grade; the distal row has NaN, NaN, "". Sensory rows: amplitude in µV, area
    in µV·ms, block NaN, grade "". ``nerves`` filters motor and sensory names alike.
    ``sensory_scale`` maps (side, sensory nerve) to the share of its SNAP left (default 1);
    ``slowing`` is a disease's extra demyelinating slowing per site (default none).
    """
    check_snapshot(snapshot)
    chosen, side_t = _selected(nerves, sides)
    rows = _Rows()
    _add_motor_rows(rows, baseline, snapshot, chosen, side_t, params, slowing)
    _add_sensory_rows(rows, baseline, chosen, side_t, sensory_scale or {})
    return rows.frame()


def _add_motor_rows(
    rows: _Rows, baseline: NcsBaseline, snapshot: SiteSnapshot,
    chosen: frozenset[str] | None, side_t: tuple[str, ...], params: NcsParams,
    slowing: np.ndarray | None = None,
) -> None:
    for side in side_t:
        for nerve in ANATOMY.nerves:
            if chosen is not None and nerve.name not in chosen:
                continue
            res = motor_nerve(baseline.motor_for(side, nerve.name), nerve, snapshot, params,
                              slowing)
            n_pts = len(nerve.points)
            rows.side += [side] * n_pts
            rows.nerve += [nerve.name] * n_pts
            rows.kind += ["motor"] * n_pts
            rows.site += list(nerve.points)
            rows.grade += res.grade
            for col, arr in zip(
                rows.nums,
                (res.latency, res.amplitude, res.area, res.duration, res.cv, res.block_pct),
                strict=True,
            ):
                col.append(arr)


def _add_sensory_rows(
    rows: _Rows, baseline: NcsBaseline, chosen: frozenset[str] | None, side_t: tuple[str, ...],
    scale: Mapping[tuple[str, str], float],
) -> None:
    """SNAPs: the healthy baseline times what the disease leaves of the sensory fibres."""
    sens: list[tuple[float, ...]] = []
    for side in side_t:
        for sn in ANATOMY.sensory:
            if chosen is not None and sn.name not in chosen:
                continue
            sb = baseline.sensory_for(side, sn.name)
            amp = sb.amplitude_uv * scale.get((side, sn.name), 1.0)
            rows.side.append(side)
            rows.nerve.append(sn.name)
            rows.kind.append("sensory")
            rows.site.append(_SNAP_STIM_SITE.get(sn.name, "distal"))
            rows.grade.append("")
            area = _SHAPE_AREA * amp * sb.duration_ms
            sens.append((sb.latency_ms, amp, area, sb.duration_ms, sb.cv_m_per_s, math.nan))
    if sens:
        sens_arr = np.array(sens, dtype=float)
        for i in range(6):
            rows.nums[i].append(sens_arr[:, i])
