"""A segment's motor fibres, damaged so that their failures are the patient's block there.

Why: the patient model gives each nerve segment a blocked share; the fibre model explains one
axon. This module joins them: a segment holds a population of fibres whose diameters are drawn
from the MRG range, and each fibre's lesion severity is drawn so that, at body temperature, the
share failing a single impulse is the segment's block at rest (what a nerve conduction study
measures), and the share failing only in a train (after activity hyperpolarises the axon,
Kaji 2000; Nodera 2006) makes up the rest of its block during voluntary firing. Every fibre
is then really simulated: the share that fails is measured, not assumed, so a test can hold
the two together.

Drawing (all *(approx.)*, teaching choices):

* diameters: normal, mean 11 um, SD 2 um, kept within the MRG table's 5.7-16 um (a
  large-fibre motor population; no published human alpha-motor distribution was found to cite);
* each fibre has a susceptibility ``u`` (uniform, stratified: how much antibody and complement its
  nodes took). Below the block at rest it fails even one impulse: its severity lies between its
  own critical severity and 1. Between the block at rest and the block in a train it conducts
  one impulse but not a train: its severity lies between the critical severity under
  hyperpolarisation and the critical one. Above, it conducts: its severity lies between 0 and the
  critical severity under hyperpolarisation, marginal fibres nearest the boundary, if it is
  among the attacked share (the site's ``damage``), and is healthy otherwise.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

import numpy as np

from sim.sites import SiteSnapshot

from .geometry import MRG_DIAMETERS_UM
from .model import DEFAULT_TEMPERATURE_C, FibreSpec, NodeDamage, conducts

__all__ = ["SegmentFibres", "segment_fibres", "site_state", "fibres_at", "example_fibre",
           "critical_severity", "TRAIN_HOLD_NA", "DIAMETER_MEAN_UM", "DIAMETER_SD_UM"]

DIAMETER_MEAN_UM = 11.0  # (approx.)
DIAMETER_SD_UM = 2.0  # (approx.)
# The hyperpolarisation after a train: -0.03 nA into every node, about 6 mV (tests/test_fibre.py).
TRAIN_HOLD_NA = -0.03
# Fibres are kept this far (in severity) from their critical value, so interpolating the
# critical severity between table diameters cannot move a fibre across it *(approx.)*.
_MARGIN = 0.01


@functools.lru_cache(maxsize=8)
def _critical_table(temperature_c: float, hold_na: float) -> np.ndarray:
    """Critical severity (the least that blocks) at each MRG table diameter (bisection)."""
    out = []
    for d in MRG_DIAMETERS_UM:
        lo, hi = 0.0, 1.0
        for _ in range(10):
            mid = (lo + hi) / 2.0
            spec = FibreSpec(diameter_um=d, damage=NodeDamage.from_severity(mid),
                             temperature_c=temperature_c, hold_na=hold_na)
            lo, hi = (lo, mid) if not conducts(spec) else (mid, hi)
        out.append(hi)
    table = np.array(out)
    table.setflags(write=False)
    return table


def critical_severity(diameter_um: np.ndarray | float, temperature_c: float = 37.0,
                      hold_na: float = 0.0) -> np.ndarray:
    """The least lesion severity that blocks a fibre of this diameter (interpolated between the
    table's fibres)."""
    return np.interp(diameter_um, MRG_DIAMETERS_UM, _critical_table(temperature_c, hold_na))


@dataclass(frozen=True)
class SegmentFibres:
    """One segment's fibres: what was drawn and what the simulation then did."""

    diameter_um: np.ndarray
    severity: np.ndarray
    intended: np.ndarray  # 0 conducts, 1 fails only in a train, 2 fails at rest
    conducts_at_rest: np.ndarray  # bool, simulated
    conducts_in_train: np.ndarray  # bool, simulated with the train's hyperpolarisation
    lost: int  # fibres degenerated at the site (absent from the population)

    @property
    def share_failing_at_rest(self) -> float:
        """Of all the fibres that crossed the site, the share alive but failing one impulse."""
        return float((~self.conducts_at_rest).sum() / (self.conducts_at_rest.size + self.lost))

    @property
    def share_failing_in_train(self) -> float:
        return float((~self.conducts_in_train).sum() / (self.conducts_in_train.size + self.lost))


def segment_fibres(block: float, block_rest: float | None = None, axon_loss: float = 0.0, *,
                   damage: float | None = None, n: int = 100, seed: int = 0,
                   temperature_c: float = 37.0) -> SegmentFibres:
    """The fibres of a segment with this block (during voluntary firing), block at rest,
    axonal loss and damage (the share ever attacked; fractions of the original axons, as in
    :class:`sim.sites.SiteSnapshot`). Conducting fibres outside the attacked share are
    healthy: a segment never attacked has no damaged node. The fibres are drawn so that these
    shares fail at body temperature (37 C, where the patient model's block is), then simulated
    at ``temperature_c``: a cooled segment is the same fibres, cooled."""
    rest = block if block_rest is None else block_rest
    attacked = block + axon_loss if damage is None else max(damage, block + axon_loss)
    for name, value in (("block", block), ("block_rest", rest), ("axon_loss", axon_loss)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1, got {value}")
    if rest > block + 1e-12 or block + axon_loss > 1.0 + 1e-9:
        raise ValueError("block_rest must not exceed block, nor block + axon_loss exceed 1")
    rng = np.random.default_rng(seed)
    lost = int(round(axon_loss * n))
    alive = n - lost
    d = np.clip(rng.normal(DIAMETER_MEAN_UM, DIAMETER_SD_UM, alive), MRG_DIAMETERS_UM[0],
                MRG_DIAMETERS_UM[-1])
    # Susceptibility of each living fibre, on the scale of the original axons (the living are
    # 1 - axon_loss of them, and block and block_rest are shares of the original axons).
    # Stratified (one fibre in each 1/alive slice, in random order), so the shares drawn are
    # the block to within one fibre rather than to within sampling noise.
    u = (rng.permutation(alive) + rng.uniform(0.0, 1.0, alive)) / alive * (1.0 - axon_loss)
    # Drawn against body temperature, where the patient's block is: the same fibres are then
    # simulated at ``temperature_c``, so cooling the nerve changes what they do, not who they are.
    crit = critical_severity(d, DEFAULT_TEMPERATURE_C)
    crit_train = np.minimum(critical_severity(d, DEFAULT_TEMPERATURE_C, TRAIN_HOLD_NA), crit)
    intended = np.where(u < rest, 2, np.where(u < block, 1, 0))
    w = rng.uniform(0.0, 1.0, alive)
    severity = np.where(
        intended == 2, crit + _MARGIN + w * (1.0 - crit - _MARGIN),
        np.where(intended == 1,
                 crit_train + _MARGIN + w * np.maximum(crit - crit_train - 2 * _MARGIN, 0.0),
                 np.where(u < attacked - axon_loss, w * (crit_train - _MARGIN), 0.0)))
    severity = np.clip(severity, 0.0, 1.0)
    at_rest = np.empty(alive, dtype=bool)
    in_train = np.empty(alive, dtype=bool)
    for i in range(alive):
        spec = FibreSpec(diameter_um=float(d[i]), damage=NodeDamage.from_severity(severity[i]),
                         temperature_c=temperature_c)
        at_rest[i] = conducts(spec)
        in_train[i] = at_rest[i] and conducts(replace(spec, hold_na=TRAIN_HOLD_NA))
    return SegmentFibres(d, severity, intended, at_rest, in_train, lost)


def site_state(snapshot: SiteSnapshot, site: int) -> tuple[float, float, float, float]:
    """(block, block at rest, axon loss, damage) of one site of a snapshot, rounded to 0.1%:
    the Mechanism page keys its cached populations on these, and tests read the same."""
    block = float(snapshot.block[site])
    rest = min(float(snapshot.ncs_block[site]), block)  # rounding keeps rest <= block
    return (round(block, 3), round(rest, 3), round(float(snapshot.axon_loss[site]), 3),
            round(float(snapshot.damage[site]), 3))


def fibres_at(snapshot: SiteSnapshot, site: int, *, n: int = 100, seed: int = 0,
              temperature_c: float = 37.0) -> SegmentFibres:
    """The fibres of one site of a patient's snapshot, as the Mechanism page draws them."""
    block, rest, loss, damage = site_state(snapshot, site)
    return segment_fibres(block, rest, loss, damage=damage, n=n, seed=seed,
                          temperature_c=temperature_c)


def example_fibre(fibres: SegmentFibres) -> int | None:
    """The fibre the page looks into: the median (by severity) of those failing at rest, else
    the most damaged one; None when no fibre is left alive."""
    if fibres.severity.size == 0:
        return None
    failed = np.flatnonzero(~fibres.conducts_at_rest)
    if failed.size:
        return int(failed[np.argsort(fibres.severity[failed])][failed.size // 2])
    return int(np.argmax(fibres.severity))
