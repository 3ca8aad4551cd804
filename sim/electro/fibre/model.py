"""One myelinated motor fibre: build it, damage its lesion nodes, stimulate it, read the impulse.

Why: the patient model says a segment is "62% blocked"; this is what that means for one axon.
Antibody and complement at the node of Ranvier (Susuki et al. 2007) take away sodium channels,
detach the paranodal myelin and lengthen the node; when too little sodium current is left to
charge the next node to threshold the impulse stops there, and the muscle beyond never hears
of it. The fibre is the MRG double cable (McIntyre et al. 2002; see
:mod:`.kernel`) with 21 nodes; it is stimulated at its first node (the cathode of a nerve
conduction study, proximal to the lesion) and the lesion sits on the middle nodes.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, replace

import numpy as np

from .geometry import FibreGeometry
from .kernel import rate_table, run

__all__ = ["NodeDamage", "FibreSpec", "Pulse", "Sweep", "sweep", "conducts",
           "conduction_window_ms", "threshold_na",
           "safety_factor", "N_NODES", "LESION_NODES", "THRESHOLD_MV", "DEFAULT_TEMPERATURE_C",
           "DETACHED_SPACE_FACTOR", "EXPOSED_K_S_PER_CM2"]

N_NODES = 21  # as in McIntyre et al. 2002
# The lesion: five consecutive nodes in the middle of the fibre *(approx.: a focal lesion
# spans several internodes; across three, an impulse still jumps a node with no sodium at all,
# measured, so a shorter lesion could hardly block)*.
LESION_NODES: tuple[int, ...] = (8, 9, 10, 11, 12)
# An impulse "arrives" at a node when its membrane crosses -20 mV upwards *(approx.: any
# level well above rest and below the peak gives the same times to within microseconds)*.
THRESHOLD_MV = -20.0
# Body temperature of the MRG model (McIntyre et al. 2002: 36 C; 37 C nerve in vivo).
DEFAULT_TEMPERATURE_C = 37.0

# Axolemma (McIntyre et al. 2002): capacitance 2 uF/cm2 everywhere; passive conductance
# 0.001 S/cm2 under the MYSA, 0.0001 S/cm2 under the FLUT and STIN, reversal -80 mV.
_CM = 2.0
_G_MYSA = 0.001
_G_FLUT = 0.0001
_G_STIN = 0.0001
_E_PAS = -80.0
# Myelin per lamella membrane (McIntyre et al. 2002): 0.1 uF/cm2 and 0.001 S/cm2, two
# membranes per lamella, referred to the fibre's outer surface.
_MY_CM = 0.1
_MY_GM = 0.001
# Axoplasm and periaxonal resistivity (McIntyre et al. 2002): 70 ohm cm.
_RHO = 70.0
# Nodal channels at full opening (McIntyre et al. 2002), S/cm2.
_G_NAF = 3.0
_G_NAP = 0.01
_G_KS = 0.08
_G_L = 0.007

# Paranodal detachment (Babbs & Shi 2013 model paranodal injury as myelin loops lifting off
# the axon, exposing the juxtaparanodal potassium channels): at full detachment the MYSA's
# periaxonal gap widens this many times (2 nm to 100 nm) *(approx.)* and the FLUT axolemma
# carries this much potassium conductance *(approx.; a voltage-independent shunt to E_K, a
# simplification of the fast Kv1 channels)*.
DETACHED_SPACE_FACTOR = 50.0
EXPOSED_K_S_PER_CM2 = 0.02

_UM2_TO_CM2 = 1e-8
_UM_TO_CM = 1e-4


@dataclass(frozen=True)
class NodeDamage:
    """What antibody and complement have done to each lesion node (0 = healthy).

    ``sodium_loss``: share of the nodal sodium channels gone (Susuki et al. 2007: complement
    disrupts the nodal sodium-channel clusters). ``paranodal_detachment``: 0-1, how far the
    paranodal myelin has lifted off (Susuki et al. 2007; Babbs & Shi 2013). ``node_lengthening``:
    extra node length as a multiple of the normal 1 um (the surviving channels spread over a
    longer, more capacitive node).
    """

    sodium_loss: float = 0.0
    paranodal_detachment: float = 0.0
    node_lengthening: float = 0.0

    def __post_init__(self) -> None:
        for name in ("sodium_loss", "paranodal_detachment"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value}")
        if not 0.0 <= self.node_lengthening <= 10.0:
            raise ValueError(f"node_lengthening must be between 0 and 10, got "
                             f"{self.node_lengthening}")

    @classmethod
    def from_severity(cls, severity: float) -> NodeDamage:
        """One number for all three kinds of damage, as the patient model's lesions use it: at
        severity 1 all sodium channels are gone, the paranode is fully detached and the node is
        three times its length *(approx.: the three are assumed to progress together)*."""
        s = min(max(float(severity), 0.0), 1.0)
        return cls(sodium_loss=s, paranodal_detachment=s, node_lengthening=2.0 * s)

    @property
    def healthy(self) -> bool:
        return self.sodium_loss == 0 and self.paranodal_detachment == 0 and \
            self.node_lengthening == 0


@dataclass(frozen=True)
class Pulse:
    """A square current pulse into the first node: start and width in ms, amplitude in nA."""

    start_ms: float = 0.2
    width_ms: float = 0.1
    amplitude_na: float = 4.0


@dataclass(frozen=True)
class FibreSpec:
    """Everything a sweep depends on: the fibre, its lesion and the conditions."""

    diameter_um: float = 10.0
    damage: NodeDamage = field(default_factory=NodeDamage)
    lesion_nodes: tuple[int, ...] = LESION_NODES
    temperature_c: float = DEFAULT_TEMPERATURE_C
    # Steady current into every node (nA); negative hyperpolarises, as the sodium pump does
    # after a train of impulses (Kaji et al. 2000).
    hold_na: float = 0.0
    # Extra scale on the lesion nodes' sodium channels (the safety-factor search uses it).
    sodium_scale: float = 1.0


@dataclass(frozen=True)
class Sweep:
    """What one stimulated fibre did: node voltages over time and when the impulse arrived."""

    spec: FibreSpec
    time_ms: np.ndarray  # (T,)
    node_mv: np.ndarray  # (T, N_NODES)
    node_position_mm: np.ndarray  # (N_NODES,)
    arrivals_ms: tuple[tuple[float, ...], ...]  # per pulse, per node (nan: never arrived)

    @property
    def conducted(self) -> bool:
        """Did the first impulse reach the far end (the node before the last)?"""
        return not math.isnan(self.arrivals_ms[0][N_NODES - 2])

    def conducted_pulses(self) -> tuple[bool, ...]:
        return tuple(not math.isnan(a[N_NODES - 2]) for a in self.arrivals_ms)

    @property
    def velocity_m_per_s(self) -> float:
        """Speed of the first impulse between nodes 2 and 7, before any lesion (m/s)."""
        a = self.arrivals_ms[0]
        if math.isnan(a[2]) or math.isnan(a[7]):
            return math.nan
        distance_mm = self.node_position_mm[7] - self.node_position_mm[2]
        return float(distance_mm / (a[7] - a[2]))  # mm/ms = m/s

    @property
    def peak_mv(self) -> np.ndarray:
        return self.node_mv.max(axis=0)


def _q10(temperature_c: float) -> tuple[float, float, float]:
    """The MRG Q10 factors (McIntyre et al. 2002): 2.2 (m, mp) and 2.9 (h) from 20 C, 3.0 (s)
    from 36 C."""
    return (2.2 ** ((temperature_c - 20.0) / 10.0), 2.9 ** ((temperature_c - 20.0) / 10.0),
            3.0 ** ((temperature_c - 36.0) / 10.0))


@functools.lru_cache(maxsize=16)
def _table(temperature_c: float) -> np.ndarray:
    """The tabulated rate constants at this temperature (built once per temperature)."""
    table = rate_table(*_q10(temperature_c))
    table.setflags(write=False)
    return table


def _cylinder(diameter_um: float, length_um: float) -> float:
    return math.pi * diameter_um * length_um * _UM2_TO_CM2  # cm2


def _axial_mohm(diameter_um: float, length_um: float) -> float:
    """Resistance of a cylinder of axoplasm end to end, in megaohm."""
    area_cm2 = math.pi * (diameter_um * _UM_TO_CM) ** 2 / 4.0
    return _RHO * length_um * _UM_TO_CM / area_cm2 * 1e-6  # megaohm


def _periaxonal_mohm(diameter_um: float, space_um: float, length_um: float) -> float:
    r = diameter_um / 2.0
    area_cm2 = math.pi * ((r + space_um) ** 2 - r ** 2) * _UM2_TO_CM2
    return _RHO * length_um * _UM_TO_CM / area_cm2 * 1e-6


@dataclass(frozen=True)
class _Cable:
    arrays: tuple[np.ndarray, ...]
    node_index: np.ndarray
    node_position_mm: np.ndarray


def _build(spec: FibreSpec) -> _Cable:
    """Per-compartment arrays of the double cable (units of :mod:`.kernel`)."""
    g = FibreGeometry.for_diameter(spec.diameter_um)
    dmg = spec.damage
    lesion = set(spec.lesion_nodes)
    kinds: list[tuple[str, int]] = []  # (kind, node it belongs to)
    for k in range(N_NODES):
        kinds.append(("node", k))
        if k < N_NODES - 1:
            kinds += [("mysa", k), ("flut", k)] + [("stin", k)] * 6 + [("flut", k + 1),
                                                                          ("mysa", k + 1)]
    n = len(kinds)
    cm, gpas, epas, gkx = (np.zeros(n) for _ in range(4))
    cmy, gmy, node = np.zeros(n), np.zeros(n), np.zeros(n, dtype=np.int64)
    gnaf, gnap, gks, gl = (np.zeros(n) for _ in range(4))
    r_ax, r_pa = np.zeros(n), np.zeros(n)
    my_cm = _MY_CM / (2.0 * g.lamellae)
    my_gm = _MY_GM / (2.0 * g.lamellae)
    positions = []
    x = 0.0
    for i, (kind, owner) in enumerate(kinds):
        damaged = owner in lesion and (not dmg.healthy or spec.sodium_scale != 1.0)
        if kind == "node":
            length = g.node_length_um * (1.0 + (dmg.node_lengthening if damaged else 0.0))
            area = _cylinder(g.node_um, length)
            # The node's channels are a fixed number: a longer node spreads them, it does not
            # add any; its capacitance and leak grow with its area.
            base = _cylinder(g.node_um, g.node_length_um)
            na = (1.0 - dmg.sodium_loss) * spec.sodium_scale if damaged else 1.0
            cm[i] = _CM * area * 1e3
            gnaf[i] = _G_NAF * base * na * 1e6
            gnap[i] = _G_NAP * base * na * 1e6
            gks[i] = _G_KS * base * 1e6
            gl[i] = _G_L * area * 1e6
            node[i] = 1
            r_ax[i] = _axial_mohm(g.node_um, length)
            r_pa[i] = _periaxonal_mohm(g.node_um, g.space_mysa_um, length)
            positions.append(x + length / 2.0)
            x += length
            continue
        if kind == "mysa":
            diameter, length, space, g_ax = g.node_um, g.mysa_length_um, g.space_mysa_um, _G_MYSA
            if damaged:
                space *= 1.0 + (DETACHED_SPACE_FACTOR - 1.0) * dmg.paranodal_detachment
        elif kind == "flut":
            diameter, length, space, g_ax = g.axon_um, g.flut_um, g.space_flut_um, _G_FLUT
            if damaged:
                gkx[i] = EXPOSED_K_S_PER_CM2 * dmg.paranodal_detachment * \
                    _cylinder(diameter, length) * 1e6
        else:
            diameter, length, space, g_ax = g.axon_um, g.stin_um, g.space_stin_um, _G_STIN
        area = _cylinder(diameter, length)
        cm[i] = _CM * area * 1e3
        gpas[i] = g_ax * area * 1e6
        epas[i] = _E_PAS
        outer = _cylinder(g.fibre_um, length)
        cmy[i] = my_cm * outer * 1e3
        gmy[i] = my_gm * outer * 1e6
        r_ax[i] = _axial_mohm(diameter, length)
        r_pa[i] = _periaxonal_mohm(diameter, space, length)
        x += length
    ga = 1.0 / (r_ax[:-1] / 2.0 + r_ax[1:] / 2.0)
    gp = 1.0 / (r_pa[:-1] / 2.0 + r_pa[1:] / 2.0)
    node_index = np.flatnonzero(node == 1)
    return _Cable((cm, gpas, epas, gkx, cmy, gmy, node, gnaf, gnap, gks, gl, ga, gp),
                  node_index, np.asarray(positions) / 1000.0)


def _arrivals(t: np.ndarray, v: np.ndarray, pulses: tuple[Pulse, ...]) -> tuple:
    """Per pulse, per node: first upward crossing of THRESHOLD_MV after the pulse began and
    before the next pulse began (nan if none)."""
    out = []
    starts = [p.start_ms for p in pulses] + [math.inf]
    above = v >= THRESHOLD_MV
    up = ~above[:-1] & above[1:]
    for k in range(len(pulses)):
        window = (t[1:] >= starts[k]) & (t[1:] < starts[k + 1])
        row = []
        for j in range(v.shape[1]):
            hit = np.flatnonzero(up[:, j] & window)
            if hit.size == 0:
                row.append(math.nan)
                continue
            i = hit[0]
            # Linear interpolation between the two samples that straddle the level.
            f = (THRESHOLD_MV - v[i, j]) / (v[i + 1, j] - v[i, j])
            row.append(float(t[i] + f * (t[i + 1] - t[i])))
        out.append(tuple(row))
    return tuple(out)


# Integration step (ms) and the rest period before the sweep. A 5 us step moves the velocity
# of a 10 um fibre by under 2% against a 1 us step (tests/test_fibre.py measures it).
DT_MS = 0.005
_SETTLE_MS = 10.0


def sweep(spec: FibreSpec = FibreSpec(), pulses: tuple[Pulse, ...] = (Pulse(),),
          duration_ms: float = 5.0, dt_ms: float = DT_MS, *,
          until_arrival: bool = False) -> Sweep:
    """Stimulate the fibre with ``pulses`` at its first node and record every node.

    ``until_arrival``: end the sweep as soon as the first impulse reaches the far end (the
    node :attr:`Sweep.conducted` reads), for callers that only ask whether it conducts."""
    cable = _build(spec)
    (cm, gpas, epas, gkx, cmy, gmy, node, gnaf, gnap, gks, gl, ga, gp) = cable.arrays
    ihold = np.zeros_like(cm)
    ihold[cable.node_index] = spec.hold_na
    table = _table(spec.temperature_c)
    n_steps = int(round(duration_ms / dt_ms))
    every = max(1, int(round(0.01 / dt_ms)))  # keep a sample every 10 us
    on = np.array([p.start_ms for p in pulses])
    off = np.array([p.start_ms + p.width_ms for p in pulses])
    amp = np.array([p.amplitude_na for p in pulses])
    v = run(cm, gpas, epas, gkx, cmy, gmy, node, gnaf, gnap, gks, gl, ga, gp, ihold,
            int(cable.node_index[0]), on, off, amp, table, dt_ms, n_steps, _SETTLE_MS,
            cable.node_index.astype(np.int64), every,
            int(cable.node_index[N_NODES - 2]) if until_arrival else -1, THRESHOLD_MV)
    t = np.arange(v.shape[0]) * dt_ms * every
    return Sweep(spec, t, v, cable.node_position_mm, _arrivals(t, v, pulses))


# How long the first impulse may take to reach the far end of a fibre on the edge of block,
# measured 0.003 in severity from its critical value: 0.86 ms after the stimulus at 37 C and
# 2.0 ms at 20 C (5.7-16 um, at rest and hyperpolarised; tests/test_fibre.py measures it), a
# slowing of about 1.6 times per 10 C of cooling. A "does it conduct?" sweep waits twice as
# long *(approx.: a margin)*; a segment's fibres are kept 0.01 from their critical value.
_EDGE_LATENCY_MS = 0.9
_EDGE_SLOWING_PER_10C = 1.6


def conduction_window_ms(temperature_c: float) -> float:
    """How long after the sweep begins a "does it conduct?" question waits for the impulse."""
    slowing = _EDGE_SLOWING_PER_10C ** ((DEFAULT_TEMPERATURE_C - temperature_c) / 10.0)
    return Pulse().start_ms + 2.0 * _EDGE_LATENCY_MS * max(1.0, slowing)


def conducts(spec: FibreSpec) -> bool:
    """Does one impulse from the first node reach the far end? (The same answer as
    ``sweep(spec).conducted``, in a third to a half of the time: the sweep is as long as the
    impulse can take, and ends when it arrives.)"""
    return sweep(spec, duration_ms=conduction_window_ms(spec.temperature_c),
                 until_arrival=True).conducted


def threshold_na(spec: FibreSpec, width_ms: float, *, high: float = 200.0,
                 tol: float = 0.005) -> float:
    """The smallest pulse (nA) of this width that sends an impulse to the far end (bisection
    to a relative ``tol``); nan if even ``high`` fails."""
    def fires(amplitude: float) -> bool:
        return sweep(spec, (Pulse(0.2, width_ms, amplitude),),
                     duration_ms=max(4.0, width_ms + 3.0)).conducted

    if not fires(high):
        return math.nan
    lo, hi = 0.0, high
    while hi - lo > tol * hi:
        mid = (lo + hi) / 2.0
        lo, hi = (lo, mid) if fires(mid) else (mid, hi)
    return hi


def safety_factor(spec: FibreSpec, *, tol: float = 0.01) -> float:
    """How many times more sodium current the lesion nodes have than they need to pass the
    impulse: their channel count divided by the smallest count that still conducts, all other
    damage as it is. Below 1 the impulse fails. (A working definition of ours, *(approx.)*: the
    classical safety factor compares the current a node receives with the current it needs;
    this sodium reserve falls below 1 exactly when the impulse fails, as that one does.)"""
    left = (1.0 - spec.damage.sodium_loss) if spec.damage.sodium_loss < 1.0 else 0.0
    healthy_scale = replace(spec, damage=replace(spec.damage, sodium_loss=0.0))

    def passes(scale: float) -> bool:
        return conducts(replace(healthy_scale, sodium_scale=scale))

    if left == 0.0:
        return 0.0
    if not passes(1.0):
        return 0.0  # even every channel would not do: the other damage alone blocks
    if passes(0.0):
        return math.inf  # the impulse jumps the lesion without any of its sodium channels
    lo, hi = 0.0, 1.0
    while hi - lo > tol * hi:
        mid = (lo + hi) / 2.0
        lo, hi = (lo, mid) if passes(mid) else (mid, hi)
    return left / hi
