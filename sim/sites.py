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

    All three are fractions of the axons that originally crossed the site:
    ``block`` alive but not conducting (reversible or not), ``axon_loss`` degenerated, and
    ``damage`` the share ever attacked there (block + loss + any part lifted by treatment),
    which drives temporal dispersion and slowing. ``1 - block - axon_loss`` conducts.
    """

    day: float
    block: np.ndarray
    axon_loss: np.ndarray
    damage: np.ndarray
