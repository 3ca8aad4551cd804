"""The simpy model: one process per source of events, sharing the patient's state.

* ``grid`` advances the continuous state on a fixed grid of at most 7 days (the same grid for
  every treatment plan, so plans differ only through their modifiers) and records;
* ``attacks`` walks the pre-drawn attack candidates and keeps each with probability
  rate(t) / max rate (thinning);
* one process per ``[[treatment]]`` entry, from that kind's module in the treatment registry,
  acts on the patient's exposure and records its events;
* one process per ``[[study]]`` takes a snapshot of the sites on its day (nerve conduction,
  examination, needle EMG or laboratory tests, read from it by ``sim.results``).

The disease (from the disease registry) says where attacks fall, how sites evolve and how the
exposure modifies them; the engine has no disease- or treatment-specific branch.

Reproducibility: ``SeedSequence(seed, spawn_key=(patient,))`` is patient
*patient*'s own seed, the same whatever the cohort size; it spawns one stream per random
process: traits, attacks, nerve-conduction normals, the diagnostic journey, laboratory
results. New streams are only ever appended to ``STREAMS``: ``spawn`` numbers its children
in order, so the earlier streams (and every draw from them) stay the same. A treatment that
needs a draw of its own (e.g. whether this patient responds to it) gets it from
:meth:`_Model.treatment_draw`: a child of the patient's seed keyed on the kind's name, outside
``STREAMS``, so adding such a kind moves no existing stream.
"""

from __future__ import annotations

import copy
import math
import zlib
from dataclasses import dataclass, field

import numpy as np
import simpy

from . import treatments
from .anatomy import ANATOMY
from .clinical import grip_kg, mrc_grade, mrc_sum, strength_fraction, weaker_grip
from .inputs import Inputs, resolve
from .patient import Patient, draw_patient
from .scenario import Scenario
from .sites import SiteSnapshot
from .studies import DEFAULT_KIND, STUDY_KINDS
from .treatments import Exposure

__all__ = ["PatientRun", "simulate_patient", "run_patient", "patient_seed", "patient_streams",
           "STREAMS", "MAX_GRID_DAYS"]

MAX_GRID_DAYS = 7.0
STREAMS = ("traits", "attacks", "ncs", "journey", "labs")


def patient_seed(seed: int, patient: int) -> np.random.SeedSequence:
    """Patient *patient*'s seed: child *patient* of ``SeedSequence(seed)``."""
    return np.random.SeedSequence(seed, spawn_key=(patient,))


def patient_streams(seed: int, patient: int) -> dict[str, np.random.SeedSequence]:
    """The seed of each of the patient's random streams, by name (see ``STREAMS``)."""
    return dict(zip(STREAMS, patient_seed(seed, patient).spawn(len(STREAMS)), strict=True))


@dataclass
class PatientRun:
    """Everything recorded for one patient; ``results.Run`` turns it into tables."""

    patient_index: int
    seed: int
    patient: Patient
    days: np.ndarray
    blocked: np.ndarray  # records x sites (during voluntary firing: what strength reads)
    blocked_rest: np.ndarray  # records x sites (at rest: what a conduction study reads)
    lost: np.ndarray
    damaged: np.ndarray
    igg: np.ndarray
    ivig_effect: np.ndarray
    events: list[tuple[float, str, str, str, str, float, str]]
    studies: list[SiteSnapshot] = field(default_factory=list)
    study_labels: list[str] = field(default_factory=list)
    ncs_rng_seed: np.random.SeedSequence | None = None
    study_kinds: list[str] = field(default_factory=list)  # [[study]] kind of each snapshot
    journey_rng_seed: np.random.SeedSequence | None = None
    labs_rng_seed: np.random.SeedSequence | None = None


class _Model:
    """One patient's simulation (the :class:`~sim.treatments.base.Context` of its treatments)."""

    def __init__(self, inputs: Inputs, seed: int, patient_index: int) -> None:
        self.inputs = inputs
        self.seed = seed
        self.patient_index = patient_index
        self.end = inputs.end_day
        self.streams = patient_streams(seed, patient_index)
        disease = inputs.disease
        self.patient = draw_patient(
            np.random.default_rng(self.streams["traits"]), disease.population,
            inputs.fixed_traits, inputs.trait_overrides,
        )
        self.max_mult = disease.max_lesion_multiplier()
        self.cand, onset = disease.draw_candidates(
            np.random.default_rng(self.streams["attacks"]), self.patient, self.end
        )
        # A disease whose site state needs the patient's own drawn course (sim.diseases.aman)
        # builds it from the candidates; every other disease from the onset times alone.
        bound = getattr(disease, "new_sites_for", None)
        self.sites = (bound(onset, self.cand, self.patient) if bound is not None
                      else disease.new_sites(onset, self.patient))
        self.exposure = Exposure(
            self.patient.ivig_responsiveness, disease,
            steroid_sensitivity=self.patient.steroid_sensitivity,
        )
        self.env = simpy.Environment()
        self.events: list[tuple[float, str, str, str, str, float, str]] = []
        self.no_response = False
        rec = inputs.record_every_days
        self.per_record = max(1, math.ceil(rec / MAX_GRID_DAYS - 1e-9))
        self.h = rec / self.per_record
        self.daily_until = inputs.daily_until_day
        self.rec_days: list[float] = []
        self.rec_blocked: list[np.ndarray] = []
        self.rec_blocked_rest: list[np.ndarray] = []
        self.rec_lost: list[np.ndarray] = []
        self.rec_damaged: list[np.ndarray] = []
        self.rec_igg: list[float] = []
        self.rec_effect: list[float] = []
        self.studies: list[SiteSnapshot] = []
        self.study_labels: list[str] = []
        self.study_kinds: list[str] = []

    # --- helpers ---------------------------------------------------------------------------
    def event(self, name: str, value: float = math.nan, detail: str = "",
              side: str = "", nerve: str = "", segment: str = "") -> None:
        self.events.append((float(self.env.now), name, side, nerve, segment, value, detail))

    def sync(self) -> None:
        self.exposure.advance_to(self.env.now)

    def treatment_draw(self, kind: str) -> float:
        """A uniform draw in [0, 1) of this patient's own for treatment ``kind``: the same
        whatever the plan, so two plans for one patient agree on it (common random numbers)."""
        key = (self.patient_index, 2**31 + zlib.crc32(kind.encode("utf-8")))
        return float(np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=key))
                     .random())

    def healthy_grip(self) -> float:
        return self.patient.baseline_grip_kg

    def weaker_grip_now(self) -> float:
        return self.examine_now()[0]

    def examine_now(self) -> tuple[float, int]:
        """(weaker-hand grip in kg, MRC sum score) right now, as a clinician measures them."""
        snap = self.preview()
        strength = strength_fraction(1.0 - snap.block - snap.axon_loss)
        grip = grip_kg(strength, self.patient.baseline_grip_kg)
        return float(weaker_grip(grip)), int(mrc_sum(mrc_grade(strength)))

    def preview(self, untouched: bool = False) -> SiteSnapshot:
        """The site state at ``env.now`` without disturbing the grid integration.

        ``untouched=True`` advances a copy of the exposure, so not even the exposure's
        sub-steps move: the run is then bit for bit the run without this look.
        """
        x = copy.copy(self.exposure) if untouched else self.exposure
        x.advance_to(self.env.now)
        mods = x.peek_modifiers()
        st = self.sites
        if mods.duration > 0:
            st = self.sites.copy()
            st.step(mods.duration, mods.growth, mods.lift / mods.duration, mods.progression)
        return st.snapshot(self.env.now, x.lift())

    def record(self) -> None:
        snap = self.sites.snapshot(self.env.now, self.exposure.lift())
        self.rec_days.append(float(self.env.now))
        self.rec_blocked.append(snap.block)
        self.rec_blocked_rest.append(snap.block_rest)
        self.rec_lost.append(snap.axon_loss)
        self.rec_damaged.append(snap.damage)
        self.rec_igg.append(self.exposure.igg)
        self.rec_effect.append(self.exposure.ivig_effect)

    # --- processes ---------------------------------------------------------------------------
    def grid_times(self):
        """(day, record?) of every grid step after day 0: daily records up to the scenario's
        ``daily_until_day`` (none by default), then the regular grid of ``record_every_days``
        (steps of at most ``MAX_GRID_DAYS``), on the same days as without the daily part."""
        k = 1
        if self.daily_until > 0:
            last = int(math.floor(min(self.daily_until, self.end) + 1e-9))
            for d in range(1, last + 1):
                yield float(d), True
            while k * self.h <= last + 1e-9:
                k += 1
        while k * self.h <= self.end + 1e-9:
            yield k * self.h, k % self.per_record == 0
            k += 1

    def grid(self):
        self.advance_sites()
        self.record()
        for nxt, rec in self.grid_times():
            yield self.env.timeout(nxt - self.env.now)
            self.advance_sites()
            if rec:
                self.record()
        if self.rec_days[-1] < self.end - 1e-9:
            yield self.env.timeout(self.end - self.env.now)
            self.advance_sites()  # no step when the last grid step, between records, was the end
            self.record()

    def advance_sites(self) -> None:
        """Integrate the sites over the interval since the last step."""
        self.sync()
        mods = self.exposure.take_modifiers()
        if mods.duration > 0:
            self.sites.step(mods.duration, mods.growth, mods.lift / mods.duration,
                            mods.progression)

    def course_events(self):
        """Dated events of the disease's own course (e.g. respiratory failure), if any."""
        for day, name, value, detail in getattr(self.cand, "course_events", ()):
            if day <= self.end:
                yield self.env.timeout(max(0.0, day - self.env.now))
                self.event(name, value, detail)

    def attacks(self):
        c = self.cand
        anatomy = ANATOMY
        for j in range(c.day.shape[0]):
            # max(): attacks on the same day (mirror pairs) must not step back by rounding
            yield self.env.timeout(max(0.0, c.day[j] - self.env.now))
            self.sync()
            if c.accept[j] * self.max_mult < self.exposure.lesion_multiplier():
                site = int(c.site[j])
                self.sites.attack(site, float(c.severity[j]))
                side, seg = anatomy.sites[site]
                self.event("lesion_onset", float(c.severity[j]), f"attack on {seg.region}",
                           side, seg.nerve, seg.name)

    def study(self, day: float, label: str, kind: str):
        yield self.env.timeout(day - self.env.now)
        # Nerve conduction studies keep the path they always had (so earlier exports stay
        # byte-identical); the newer kinds leave the run untouched.
        snap = self.preview(untouched=kind != DEFAULT_KIND)
        self.studies.append(snap)
        self.study_labels.append(label)
        self.study_kinds.append(kind)
        k = STUDY_KINDS[kind]
        self.event(k.event, math.nan, label or k.title)

    def run(self) -> PatientRun:
        env = self.env
        env.process(self.grid())
        env.process(self.attacks())
        if getattr(self.cand, "course_events", ()):
            env.process(self.course_events())
        for spec in self.inputs.treatments:
            if spec.start_day <= self.end:
                env.process(treatments.get(spec.kind).process(self, spec))
        for day, label, kind in self.inputs.studies:
            if day <= self.end:
                env.process(self.study(day, label, kind))
        env.run(until=self.end + 1e-6)
        return PatientRun(
            patient_index=self.patient_index,
            seed=self.seed,
            patient=self.patient,
            days=np.array(self.rec_days),
            blocked=np.array(self.rec_blocked),
            blocked_rest=np.array(self.rec_blocked_rest),
            lost=np.array(self.rec_lost),
            damaged=np.array(self.rec_damaged),
            igg=np.array(self.rec_igg),
            ivig_effect=np.array(self.rec_effect),
            events=self.events,
            studies=self.studies,
            study_labels=self.study_labels,
            ncs_rng_seed=self.streams["ncs"],
            study_kinds=self.study_kinds,
            journey_rng_seed=self.streams["journey"],
            labs_rng_seed=self.streams["labs"],
        )


def run_patient(inputs: Inputs, seed: int, patient_index: int = 0) -> PatientRun:
    """Run one virtual patient on resolved inputs (resolve once, run many)."""
    return _Model(inputs, seed, patient_index).run()


def simulate_patient(scenario: Scenario, seed: int, patient_index: int = 0) -> PatientRun:
    """Run one virtual patient through the scenario."""
    return run_patient(resolve(scenario), seed, patient_index)
