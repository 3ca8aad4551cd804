"""The shape of a myelinated motor fibre, from the MRG model's published table.

Why a table: node, paranode and internode sizes all scale with the fibre's diameter, and the
speed of conduction follows from them. McIntyre et al. 2002 (their Table 1, from
morphometry of mammalian fibres) give nine fibres from 5.7 to 16 um; a diameter between two
rows is interpolated linearly, row by row *(approx.: an interpolation of ours, not a published
fibre)*.

A fibre is laid out as node, MYSA (the myelin attachment, i.e. the paranode), FLUT (the
juxtaparanode), six STIN (internode) compartments, FLUT, MYSA, node, ... as in the MRG model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FibreGeometry", "MRG_DIAMETERS_UM", "MIN_DIAMETER_UM", "MAX_DIAMETER_UM"]

# McIntyre et al. 2002, Table 1: fibre diameter, axon (internodal) diameter, node (and MYSA)
# diameter, node-to-node distance, FLUT length (all um) and myelin lamellae.
_TABLE = np.array([
    # fibre, axon, node, deltax, flut, lamellae
    [5.7, 3.4, 1.9, 500.0, 35.0, 80.0],
    [7.3, 4.6, 2.4, 750.0, 38.0, 100.0],
    [8.7, 5.8, 2.8, 1000.0, 40.0, 110.0],
    [10.0, 6.9, 3.3, 1150.0, 46.0, 120.0],
    [11.5, 8.1, 3.7, 1250.0, 50.0, 130.0],
    [12.8, 9.2, 4.2, 1350.0, 54.0, 135.0],
    [14.0, 10.4, 4.7, 1400.0, 56.0, 140.0],
    [15.0, 11.5, 5.0, 1450.0, 58.0, 145.0],
    [16.0, 12.7, 5.5, 1500.0, 60.0, 150.0],
])
MRG_DIAMETERS_UM: tuple[float, ...] = tuple(float(d) for d in _TABLE[:, 0])
MIN_DIAMETER_UM = MRG_DIAMETERS_UM[0]
MAX_DIAMETER_UM = MRG_DIAMETERS_UM[-1]


@dataclass(frozen=True)
class FibreGeometry:
    """Sizes of one fibre (um): McIntyre et al. 2002, Table 1, and their fixed lengths."""

    fibre_um: float
    axon_um: float
    node_um: float
    internode_um: float  # node-to-node distance (deltax)
    flut_um: float
    lamellae: float
    node_length_um: float = 1.0  # McIntyre et al. 2002
    mysa_length_um: float = 3.0  # McIntyre et al. 2002
    # Periaxonal space width under the MYSA, FLUT and STIN (um), McIntyre et al. 2002.
    space_mysa_um: float = 0.002
    space_flut_um: float = 0.004
    space_stin_um: float = 0.004

    @classmethod
    def for_diameter(cls, fibre_um: float) -> FibreGeometry:
        """The fibre of this outer diameter (5.7-16 um), interpolating between table rows."""
        if not MIN_DIAMETER_UM <= fibre_um <= MAX_DIAMETER_UM:
            raise ValueError(f"fibre diameter must be between {MIN_DIAMETER_UM} and "
                             f"{MAX_DIAMETER_UM} um (the MRG table), got {fibre_um}")
        row = [float(np.interp(fibre_um, _TABLE[:, 0], _TABLE[:, k])) for k in range(1, 6)]
        return cls(float(fibre_um), *row)

    @property
    def stin_um(self) -> float:
        """Length of each of the six internodal (STIN) compartments."""
        return (self.internode_um - self.node_length_um - 2 * self.mysa_length_um
                - 2 * self.flut_um) / 6.0
