"""The state of every nerve site on one day: what the read-outs (strength, studies) consume.

A *site* is one (side, nerve, segment) of ``ANATOMY.sites``. Diseases produce snapshots;
clinical read-outs and electrodiagnosis read them, so neither side needs the other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SiteSnapshot"]


@dataclass(frozen=True)
class SiteSnapshot:
    """State of every site of ``ANATOMY.sites`` at one day (arrays of length ``n_sites``).

    All are fractions of the axons that originally crossed the site: ``block`` alive but not
    conducting during voluntary firing (reversible or not), ``axon_loss`` degenerated, and
    ``damage`` the share ever attacked there (block + loss + any part lifted by treatment),
    which drives temporal dispersion and slowing. ``1 - block - axon_loss`` conducts; strength
    reads that. ``block_rest`` is the part of ``block`` that fails even a single supramaximal
    stimulus at rest: what a nerve conduction study sees (never more than ``block``; an axon
    with a low safety factor conducts one impulse but not a train).
    """

    day: float
    block: np.ndarray
    axon_loss: np.ndarray
    damage: np.ndarray
    block_rest: np.ndarray | None = None  # None: the same as ``block``

    @property
    def ncs_block(self) -> np.ndarray:
        """The block a nerve conduction study measures."""
        return self.block if self.block_rest is None else self.block_rest
