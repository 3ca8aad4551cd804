"""F-waves: persistence and minimal latency of each motor nerve on one day.

Why: the F-wave is the only routine test of the most proximal stretch of a motor nerve (plexus
and roots), where MMN blocks are often hidden from the stimulation points. A supramaximal
stimulus at the distal point sends an impulse up to the spinal cord; a few motor neurons fire
back, and the response reaches the muscle only along axons that conduct through *every*
segment, both ways. So:

* **persistence** (share of stimuli with an F-wave) falls as fewer axons conduct end to end;
  with a per-axon chance the same for all, ``1 - (1 - P0) ** f`` for a conducting share ``f``
  and the nerve's healthy persistence ``P0``; reported in steps of 5% (20 stimuli);
* **minimal latency** is carried by the fastest surviving axons: normal, or mildly prolonged
  where damage slows the segments (never the >30% slowing of a demyelinating neuropathy
  unless damage is near total, as in :mod:`sim.electro.conduction`).

F-waves with reduced persistence or absent where block lies proximally, latency normal or
mildly prolonged, is the standard teaching for MMN (e.g. Preston & Shapiro 2020).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.anatomy import ANATOMY, SIDES
from sim.sites import SiteSnapshot

from .conduction import check_snapshot
from .normals import NcsBaseline
from .params import DEFAULT_PARAMS, NcsParams

__all__ = ["FWAVE_COLUMNS", "FWAVE_NERVES", "FwaveParams", "FWAVE_PARAMS", "fwaves"]

FWAVE_COLUMNS = ("side", "nerve", "persistence_pct", "min_latency_ms")
FWAVE_NERVES = ("median", "ulnar", "peroneal", "tibial")


@dataclass(frozen=True)
class FwaveParams:
    """Working values; all (approx.) teaching values unless a source is given."""

    # Healthy persistence: median and ulnar high, tibial near-constant, peroneal F-waves sparse
    # even in healthy people (Preston & Shapiro 2020). (approx.)
    persistence: dict[str, float] = field(default_factory=lambda: {
        "median": 0.90, "ulnar": 0.95, "peroneal": 0.55, "tibial": 0.98})
    # Root stretch beyond the last modelled segment (cord to plexus) and its speed; proximal
    # segments conduct a little faster than the forearm or leg (approx.). Calibrated so a
    # healthy median F-latency is ~28 ms, ulnar ~27, peroneal ~47, tibial ~44 (normal upper
    # limits 31-32 and 56 ms).
    root_mm: dict[str, float] = field(default_factory=lambda: {"arm": 80.0, "leg": 350.0})
    root_cv_m_per_s: float = 60.0
    proximal_speedup: float = 1.1
    turnaround_ms: float = 1.0  # time for the motor neuron to fire back
    step_pct: float = 5.0  # one stimulus in twenty


FWAVE_PARAMS = FwaveParams()


def _one(baseline: NcsBaseline, snap: SiteSnapshot, side: str, name: str,
         ncs: NcsParams, p: FwaveParams,
         slowing: np.ndarray | None = None) -> tuple[float, float]:
    nerve = ANATOMY.nerve_by_name[name]
    first = ANATOMY.site_index[(side, name, nerve.segments[0].name)]
    sl = slice(first, first + len(nerve.segments))
    loss = np.clip(snap.axon_loss[sl], 0.0, 1.0)
    block = np.clip(snap.block[sl], 0.0, 1.0)
    damage = np.clip(snap.damage[sl], 0.0, 1.0)
    conducting = float(np.prod(np.clip(1.0 - loss - block, 0.0, 1.0)))
    p0 = p.persistence[name]
    persistence = 100.0 * (1.0 - (1.0 - p0) ** conducting)
    persistence = p.step_pct * round(persistence / p.step_pct)
    if persistence <= 0:
        return 0.0, float("nan")
    mb = baseline.motor_for(side, name)
    slow = ncs.slowing_linear * damage + ncs.slowing_heavy * damage**4
    survive = float(np.prod(1.0 - loss))
    loss_factor = 1.0 - ncs.loss_slowing * (1.0 - survive)
    lengths = np.array([s.length_mm for s in nerve.segments])
    cv = np.array(mb.cv_m_per_s[1:]) * p.proximal_speedup * (1.0 - slow[1:]) * loss_factor
    root_cv = p.root_cv_m_per_s
    distal = mb.distal_latency_ms * (1.0 + slow[0]) / loss_factor
    if slowing is not None:
        # Demyelinating slowing; the roots slow as much as the nerve's most proximal segment.
        demyel = np.clip(slowing[sl], 0.0, 0.9)
        cv = cv * (1.0 - demyel[1:])
        root_cv = root_cv * (1.0 - float(demyel[-1]))
        distal = distal / (1.0 - float(demyel[0]))
    up = float(np.sum(lengths[1:] / cv)) + p.root_mm[nerve.limb] / root_cv
    return float(persistence), distal + 2.0 * up + p.turnaround_ms


def fwaves(baseline: NcsBaseline, snapshot: SiteSnapshot, *, params: FwaveParams = FWAVE_PARAMS,
           ncs: NcsParams = DEFAULT_PARAMS, slowing: np.ndarray | None = None) -> pd.DataFrame:
    """F-wave persistence (%) and minimal latency (ms) of every F-wave nerve on both sides;
    ``slowing`` is a disease's extra demyelinating slowing per site (default none)."""
    check_snapshot(snapshot)
    rows = []
    for side in SIDES:
        for name in FWAVE_NERVES:
            pers, lat = _one(baseline, snapshot, side, name, ncs, params, slowing)
            rows.append((side, name, pers, round(lat, 2)))
    return pd.DataFrame(rows, columns=list(FWAVE_COLUMNS))
