"""Peripheral nerve anatomy used by the model: nerves, segments, stimulation points, muscles.

Each motor nerve is an ordered chain of *segments*, distal to proximal. Segment 0 runs from the
most distal stimulation point to the recorded muscle; segment *k* (k >= 1) lies between
stimulation points *k-1* and *k*. A segment with ``proximal_point=None`` lies proximal to the
last stimulation point (it can be lesioned but not probed by nerve conduction studies).

A lesion in segment *k* affects a muscle whose branch leaves the nerve in segment *j* only if
``k >= j``: the lesion must lie between the branch point and the spinal cord.

Distances and normal values: standard EMG-laboratory techniques (e.g. Preston & Shapiro 2020,
*Electromyography and Neuromuscular Disorders*, 4th ed.), with the adult normal values below.
This is schematic teaching anatomy, not a surgical atlas.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

__all__ = [
    "SIDES",
    "Segment",
    "Muscle",
    "Nerve",
    "SensoryNerve",
    "Anatomy",
    "ANATOMY",
    "MRC_MUSCLES",
]

SIDES: tuple[str, str] = ("left", "right")


@dataclass(frozen=True)
class Segment:
    """A stretch of nerve between two stimulation points (or beyond the last one)."""

    nerve: str
    index: int
    name: str
    distal_point: str | None  # None: the segment ends at the muscle
    proximal_point: str | None  # None: proximal to the last stimulation point
    length_mm: float
    region: str  # hand, forearm, elbow, upper arm, plexus, foot, leg, knee, thigh
    entrapment: str | None = None  # carpal tunnel, cubital tunnel, fibular head...

    @property
    def stimulable(self) -> bool:
        """True when both ends are stimulation points (or the muscle) so NCS can probe it."""
        return self.proximal_point is not None

    @property
    def long_upper_limb(self) -> bool:
        """EFNS/PNS 2010 allows 'probable' block at >=30% only over long upper-limb segments."""
        return self.region in {"forearm", "upper arm", "plexus"} and self.length_mm >= 100


@dataclass(frozen=True)
class Muscle:
    name: str
    nerve: str
    branch_segment: int  # lesions in segments >= this index weaken the muscle
    region: str  # shoulder, upper arm, forearm, hand, thigh, leg, foot
    movement: str  # what the muscle does, for plain-language labels
    grip_weight: float = 0.0  # share of hand grip force (Jamar)


@dataclass(frozen=True)
class Nerve:
    name: str
    limb: str  # arm | leg
    points: tuple[str, ...]  # stimulation points, distal -> proximal
    segments: tuple[Segment, ...]
    recorded: str  # muscle recorded for the CMAP
    muscles: tuple[Muscle, ...]
    # Adult normal values (Preston & Shapiro 2020; median 10.6 +- 2.8 mV, ulnar 9.6 +- 2.2 mV,
    # peroneal 5-7 mV, tibial ~7 mV with the distal latencies and velocities given per nerve).
    cmap_mv: float = 8.0
    cmap_sd_mv: float = 2.0
    lln_mv: float = 4.0
    distal_latency_ms: float = 3.5
    cv_m_per_s: float = 55.0


@dataclass(frozen=True)
class SensoryNerve:
    """Sensory nerve for NCS; MMN spares sensory fibres (van Schaik et al. 2010)."""

    name: str
    limb: str
    snap_uv: float
    snap_sd_uv: float
    lln_uv: float
    distance_mm: float
    cv_m_per_s: float


def _chain(
    nerve: str,
    points: tuple[str, ...],
    recorded: str,
    spec: list[tuple[str, float, str, str | None]],
    proximal: tuple[str, float, str] | None = None,
) -> tuple[Segment, ...]:
    """Build segments from (name, length_mm, region, entrapment) rows."""
    segs: list[Segment] = []
    for i, (name, length, region, entrap) in enumerate(spec):
        distal = points[i - 1] if i > 0 else None
        segs.append(Segment(nerve, i, name, distal, points[i], length, region, entrap))
    if proximal is not None:
        name, length, region = proximal
        segs.append(Segment(nerve, len(segs), name, points[-1], None, length, region, None))
    return tuple(segs)


def _median() -> Nerve:
    return Nerve(
        "median", "arm", ("wrist", "elbow", "axilla", "Erb's point"),
        _chain("median", ("wrist", "elbow", "axilla", "Erb's point"), "APB", [
            ("wrist-APB", 70, "hand", "carpal tunnel"),
            ("forearm", 230, "forearm", None),
            ("upper arm", 220, "upper arm", None),
            ("plexus", 180, "plexus", None),
        ]),
        "APB",
        (
            Muscle("APB", "median", 0, "hand", "thumb abduction", 0.10),
            Muscle("forearm flexors", "median", 2, "forearm", "finger and wrist flexion", 0.35),
        ),
        cmap_mv=10.6, cmap_sd_mv=2.8, lln_mv=4.0, distal_latency_ms=3.4, cv_m_per_s=54.0,
    )


def _ulnar() -> Nerve:
    ulnar_points = ("wrist", "below elbow", "above elbow", "axilla", "Erb's point")
    return Nerve(
        "ulnar", "arm", ulnar_points,
        _chain("ulnar", ulnar_points, "ADM", [
            ("wrist-ADM", 70, "hand", None),
            ("forearm", 220, "forearm", None),
            ("across elbow", 100, "elbow", "cubital tunnel"),
            ("upper arm", 150, "upper arm", None),
            ("plexus", 180, "plexus", None),
        ]),
        "ADM",
        (
            Muscle("ADM", "ulnar", 0, "hand", "little-finger abduction", 0.05),
            Muscle("FDI", "ulnar", 0, "hand", "index-finger abduction, pinch", 0.15),
            Muscle("forearm ulnar flexors", "ulnar", 2, "forearm", "ulnar wrist and finger flexion",
              0.20),
        ),
        cmap_mv=9.6, cmap_sd_mv=2.2, lln_mv=6.0, distal_latency_ms=2.8, cv_m_per_s=60.0,
    )


def _radial() -> Nerve:
    radial_points = ("forearm", "elbow", "spiral groove", "axilla", "Erb's point")
    return Nerve(
        "radial", "arm", radial_points,
        _chain("radial", radial_points, "EIP", [
            ("forearm-EIP", 60, "forearm", None),
            ("forearm", 120, "forearm", None),
            ("elbow-spiral groove", 120, "upper arm", "spiral groove"),
            ("upper arm", 140, "upper arm", None),
            ("plexus", 180, "plexus", None),
        ]),
        "EIP",
        (
            Muscle("EIP", "radial", 0, "forearm", "index-finger extension"),
            Muscle("finger extensors", "radial", 1, "forearm", "finger extension"),
            Muscle("wrist extensors", "radial", 2, "forearm", "wrist extension", 0.15),
            Muscle("brachioradialis", "radial", 3, "forearm", "elbow flexion (mid-prone)"),
            Muscle("triceps", "radial", 4, "upper arm", "elbow extension"),
        ),
        cmap_mv=6.0, cmap_sd_mv=1.8, lln_mv=2.0, distal_latency_ms=2.4, cv_m_per_s=61.0,
    )


def _musculocutaneous() -> Nerve:
    return Nerve(
        "musculocutaneous", "arm", ("Erb's point",),
        _chain("musculocutaneous", ("Erb's point",), "biceps", [
            ("Erb's point-biceps", 200, "upper arm", None),
        ]),
        "biceps",
        (Muscle("biceps", "musculocutaneous", 0, "upper arm", "elbow flexion"),),
        cmap_mv=7.0, cmap_sd_mv=2.0, lln_mv=3.5, distal_latency_ms=5.0, cv_m_per_s=60.0,
    )


def _axillary() -> Nerve:
    return Nerve(
        "axillary", "arm", ("Erb's point",),
        _chain("axillary", ("Erb's point",), "deltoid", [
            ("Erb's point-deltoid", 150, "shoulder", None),
        ]),
        "deltoid",
        (Muscle("deltoid", "axillary", 0, "shoulder", "shoulder abduction"),),
        cmap_mv=7.0, cmap_sd_mv=2.0, lln_mv=3.5, distal_latency_ms=4.5, cv_m_per_s=60.0,
    )


def _peroneal() -> Nerve:
    peroneal_points = ("ankle", "below fibular head", "popliteal fossa")
    return Nerve(
        "peroneal", "leg", peroneal_points,
        _chain("peroneal", peroneal_points, "EDB", [
            ("ankle-EDB", 80, "foot", None),
            ("leg", 300, "leg", None),
            ("across fibular head", 100, "knee", "fibular head"),
        ], proximal=("thigh", 350, "thigh")),
        "EDB",
        (
            Muscle("EDB", "peroneal", 0, "foot", "toe extension"),
            Muscle("tibialis anterior", "peroneal", 2, "leg", "ankle dorsiflexion"),
            Muscle("peronei", "peroneal", 2, "leg", "ankle eversion"),
        ),
        cmap_mv=6.0, cmap_sd_mv=1.5, lln_mv=2.0, distal_latency_ms=4.8, cv_m_per_s=47.0,
    )


def _tibial() -> Nerve:
    tibial_points = ("ankle", "popliteal fossa")
    return Nerve(
        "tibial", "leg", tibial_points,
        _chain("tibial", tibial_points, "AH", [
            ("ankle-AH", 100, "foot", "tarsal tunnel"),
            ("leg", 380, "leg", None),
        ], proximal=("thigh", 350, "thigh")),
        "AH",
        (
            Muscle("AH", "tibial", 0, "foot", "big-toe abduction"),
            Muscle("tibialis posterior", "tibial", 1, "leg", "ankle inversion"),
            Muscle("gastrocnemius", "tibial", 2, "leg", "ankle plantar flexion"),
        ),
        cmap_mv=7.0, cmap_sd_mv=2.0, lln_mv=4.0, distal_latency_ms=4.3, cv_m_per_s=51.0,
    )


def _femoral() -> Nerve:
    return Nerve(
        "femoral", "leg", ("inguinal ligament",),
        _chain("femoral", ("inguinal ligament",), "quadriceps", [
            ("inguinal ligament-quadriceps", 150, "thigh", None),
        ], proximal=("lumbar plexus", 150, "thigh")),
        "quadriceps",
        (
            Muscle("quadriceps", "femoral", 0, "thigh", "knee extension"),
            Muscle("iliopsoas", "femoral", 1, "thigh", "hip flexion"),
        ),
        cmap_mv=7.0, cmap_sd_mv=2.5, lln_mv=3.0, distal_latency_ms=6.0, cv_m_per_s=55.0,
    )


def _build_nerves() -> tuple[Nerve, ...]:
    """The motor nerves in catalogue order (site and muscle numbering follow it)."""
    return (_median(), _ulnar(), _radial(), _musculocutaneous(), _axillary(),
            _peroneal(), _tibial(), _femoral())


def _build_sensory() -> tuple[SensoryNerve, ...]:
    # Antidromic SNAP normal values: Preston & Shapiro 2020, typical adult laboratory norms.
    return (
        SensoryNerve("median", "arm", 40.0, 12.0, 20.0, 140, 56.0),
        SensoryNerve("ulnar", "arm", 35.0, 10.0, 17.0, 140, 54.0),
        SensoryNerve("radial sensory", "arm", 30.0, 9.0, 15.0, 100, 54.0),
        SensoryNerve("sural", "leg", 20.0, 7.0, 6.0, 140, 45.0),
    )


class Anatomy:
    """The catalogue plus index arrays that let the engine work on all sites at once.

    A *site* is one (side, nerve, segment); sites are numbered side-major so that site arrays
    can be split in two halves. Muscles likewise (one per side).
    """

    def __init__(self) -> None:
        self.nerves: tuple[Nerve, ...] = _build_nerves()
        self.sensory: tuple[SensoryNerve, ...] = _build_sensory()
        self.nerve_by_name = {n.name: n for n in self.nerves}
        self.sensory_by_name = {n.name: n for n in self.sensory}
        sites: list[tuple[str, Segment]] = []
        muscles: list[tuple[str, Muscle]] = []
        for side in SIDES:
            for nerve in self.nerves:
                sites.extend((side, seg) for seg in nerve.segments)
                muscles.extend((side, m) for m in nerve.muscles)
        self.sites: tuple[tuple[str, Segment], ...] = tuple(sites)
        self.muscles: tuple[tuple[str, Muscle], ...] = tuple(muscles)
        self.site_index = {(side, s.nerve, s.name): i for i, (side, s) in enumerate(sites)}
        self.muscle_index = {(side, m.name): i for i, (side, m) in enumerate(muscles)}
        nerve_pos = {n.name: k for k, n in enumerate(self.nerves)}
        self.n_nerve_sides = len(SIDES) * len(self.nerves)
        # Site -> its (side, nerve) pair, numbered side-major like the sites themselves.
        self.site_nerve_side = np.array(
            [SIDES.index(side) * len(self.nerves) + nerve_pos[s.nerve] for side, s in sites]
        )
        # (muscles x 2): each side's hand grip from that side's muscles (Jamar grip shares).
        self.grip_weights = np.zeros((len(muscles), len(SIDES)))
        for i, (side, m) in enumerate(muscles):
            self.grip_weights[i, SIDES.index(side)] = m.grip_weight

    @property
    def n_sites(self) -> int:
        return len(self.sites)

    @property
    def n_muscles(self) -> int:
        return len(self.muscles)

    def muscle_cols(self, names: tuple[str, ...]) -> np.ndarray:
        """(2 x len(names)) muscle indices, left row then right row."""
        return np.array([[self.muscle_index[(side, n)] for n in names] for side in SIDES])

    def limb_muscles(self, limb: str) -> tuple[str, ...]:
        """Names of the muscles of one limb (``arm`` or ``leg``), in catalogue order."""
        return tuple(m.name for n in self.nerves if n.limb == limb for m in n.muscles)

    @cached_property
    def supply(self) -> np.ndarray:
        """Matrix (muscles x sites): 1 where a lesion at the site affects the muscle."""
        mat = np.zeros((self.n_muscles, self.n_sites))
        for mi, (mside, m) in enumerate(self.muscles):
            for si, (sside, seg) in enumerate(self.sites):
                if sside == mside and seg.nerve == m.nerve and seg.index >= m.branch_segment:
                    mat[mi, si] = 1.0
        return mat


ANATOMY = Anatomy()

# MRC sum score: 20 muscle groups per side, 0-5 each, so the maximum is 200 (Terenghi et al.
# 2004 used a 200-point sum). Every modelled muscle is one group.
MRC_MUSCLES: tuple[str, ...] = tuple(m.name for n in ANATOMY.nerves for m in n.muscles)
assert len(MRC_MUSCLES) == 20, MRC_MUSCLES
