"""The Disease protocol: everything the engine, read-outs and exam ask of a disease.

A disease says where and how fast attacks come (its population, lesion parameters and site
predilections), how each treatment *mechanism* acts on it (the modifiers below), which
systems beyond the motor axon it touches (sensory fibres by limb and modality, upper motor
neurons, bulbar muscles), how its damaged motor axons behave at the bedside and on needle EMG
(fasciculations, cold paresis), and what the laboratory finds (antibodies, CSF protein).
The engine and the read-outs only ever talk to this protocol, so a mimic is one more module.

Treatment mechanisms reach a disease through an :class:`Exposure` (``sim.treatments.exposure``):
``rho`` (the patient's IVIg responsiveness), ``effect`` (IVIg effect before responsiveness),
``steroid`` (0..1 intensity; ``steroid_effect`` is the same lagged by weeks, with its
``steroid_effect_integral`` over the interval being advanced), ``pe_active`` (open
plasma-exchange windows), ``complement`` (share of complement activity blocked) and
``immunosuppression`` (share of new attacks and block growth an immunosuppressant prevents;
read by MMN only, the mimics leave it out).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from ..patient import Patient, PopulationParams
from ..sites import SiteSnapshot
from .lesions import Candidates, LesionParams, SiteState

if TYPE_CHECKING:  # pragma: no cover
    from ..treatments.exposure import Exposure

__all__ = ["Disease"]


@runtime_checkable
class Disease(Protocol):
    """One disease: a registry entry keyed on ``[disease] kind``."""

    kind: str  # the scenario's [disease] kind
    title: str  # plain-language name for pages and reports
    population: PopulationParams  # who gets it
    lesions: LesionParams  # how attacks behave (after the scenario's overrides)

    def configure(self, overrides: Mapping[str, float]) -> Disease:
        """A copy with the scenario's ``[disease]`` knobs applied (severity, onset, ...)."""
        ...

    # --- where attacks fall ------------------------------------------------------------
    def draw_candidates(
        self, rng: np.random.Generator, patient: Patient, horizon_days: float
    ) -> tuple[Candidates, np.ndarray]:
        """Attack candidates at the maximum possible rate, and each site's onset time."""
        ...

    def new_sites(self, onset_days: np.ndarray, patient: Patient) -> SiteState:
        """The per-site state the engine integrates."""
        ...

    # --- how treatment mechanisms act on it ------------------------------------------------
    def max_lesion_multiplier(self) -> float:
        """Upper bound of :meth:`lesion_multiplier`: the rate attack candidates are drawn at."""
        ...

    def lesion_multiplier(self, x: Exposure) -> float:
        """Factor on the rate of new attacks right now."""
        ...

    def lift(self, x: Exposure) -> float:
        """Share of the reversible block lifted right now (0..1)."""
        ...

    def modifier_increments(
        self, x: Exposure, dt: float, effect_integral: float
    ) -> tuple[float, float, float]:
        """(growth, lift, progression) integrals over ``dt`` days in which only the IVIg
        effect varies (its integral is ``effect_integral``)."""
        ...

    # --- beyond the motor axon (bedside findings) --------------------------------------------
    def sensory_loss(self, day: float) -> float:
        """Objective sensory loss (0 none .. 1 complete) on ``day``."""
        ...

    def sensory_loss_in(self, day: float, side: str, limb: str, modality: str) -> float:
        """Loss of one modality (``pain``, ``temperature``, ``vibration``, ``position``) in one
        limb (``arm``, ``leg``) on ``day``, 0 none .. 1 complete; large-fibre loss (vibration)
        also lowers that limb's sensory nerve action potentials."""
        ...

    def sensory_loss_at(self, snapshot: SiteSnapshot, side: str, limb: str,
                        modality: str) -> float:
        """Like :meth:`sensory_loss_in`, but read from this patient's site state (a disease
        whose sensory fibres share the motor fibres' lesions loses sensation where they are);
        the examination reads this one."""
        ...

    def snap_share(self, snapshot: SiteSnapshot, side: str, nerve: str) -> float:
        """Share of a sensory nerve's healthy action potential (SNAP) left on the snapshot's
        day, 0..1: what a sensory conduction study of ``nerve`` (``ANATOMY.sensory``) sees."""
        ...

    def conduction_slowing(self, snapshot: SiteSnapshot) -> np.ndarray | None:
        """Extra demyelinating slowing of each site's motor conduction (share of its speed
        lost, one value per ``ANATOMY.sites``) beyond the mild slowing every damaged site
        shows; ``None`` when the disease adds none. Prolongs distal and F-wave latencies,
        lowers velocities and widens the CMAP (temporal dispersion)."""
        ...

    def upper_motor_neuron_signs(self, day: float) -> bool:
        """Brisk reflexes or spasticity on ``day``."""
        ...

    def bulbar_weakness(self, day: float) -> bool:
        """Difficulty speaking or swallowing on ``day``."""
        ...

    # --- how damaged motor axons behave (examination, needle EMG) ---------------------------
    def fasciculation_propensity(self) -> float:
        """How readily this disease's damaged motor axons fire on their own (fasciculations,
        cramps): 0 never .. 1 as readily as in motor neuron disease."""
        ...

    def cold_sensitivity(self) -> float:
        """Extra conduction failure in the cold per unit of damage at a site (cold paresis)."""
        ...

    # --- what the laboratory finds -----------------------------------------------------------
    def anti_gm1(self, patient: Patient) -> tuple[bool, float]:
        """IgM anti-GM1 by ELISA: (raised, titre as fold over the assay cut-off)."""
        ...

    def csf_protein_g_per_l(self, proximal_damage: float, z: float) -> float:
        """CSF protein (g/L) given the worst damage of any proximal (plexus) segment and the
        patient's own standard-normal draw ``z``."""
        ...
