"""Lesion arrival and lesion dynamics (block, reversibility, axonal loss)."""

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
