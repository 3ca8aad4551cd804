"""The simpy model: one process per source of events, sharing the patient's state.

* ``grid`` advances the continuous state on a fixed grid of at most 7 days (the same grid for
  every treatment plan, so plans differ only through their modifiers) and records;
* ``attacks`` walks the pre-drawn attack candidates and keeps each with probability
  rate(t) / max rate (thinning);
* one process per ``[[treatment]]`` entry gives doses, starts and stops courses, and applies
  an optional titration rule;
* one process per ``[[study]]`` takes a nerve-conduction snapshot.

Reproducibility (DESIGN §3.7): ``SeedSequence(seed, spawn_key=(patient,))`` is patient
*patient*'s own seed, the same whatever the cohort size; it spawns one stream per random
process: traits, attacks, nerve-conduction normals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import simpy

from .anatomy import ANATOMY
from .clinical import grip_kg, strength_fraction
from .disease import SiteSnapshot, SiteState, draw_candidates
from .patient import Patient, draw_patient
from .scenario import Scenario, TreatmentSpec
from .treatments import TREATMENT, Pharmacology

__all__ = ["PatientRun", "simulate_patient", "patient_seed", "STREAMS", "MAX_GRID_DAYS"]

MAX_GRID_DAYS = 7.0
STREAMS = ("traits", "attacks", "ncs")


def patient_seed(seed: int, patient: int) -> np.random.SeedSequence:
    """Patient *patient*'s seed: child *patient* of ``SeedSequence(seed)``."""
    return np.random.SeedSequence(seed, spawn_key=(patient,))


@dataclass
class PatientRun:
    """Everything recorded for one patient; ``results.Run`` turns it into tables."""

    patient_index: int
    seed: int
    patient: Patient
    days: np.ndarray
    blocked: np.ndarray  # records x sites
    lost: np.ndarray
    damaged: np.ndarray
    igg: np.ndarray
    ivig_effect: np.ndarray
    events: list[tuple[float, str, str, str, str, float, str]]
    studies: list[SiteSnapshot] = field(default_factory=list)
    study_labels: list[str] = field(default_factory=list)
    ncs_rng_seed: np.random.SeedSequence | None = None


class _Model:
    def __init__(self, scenario: Scenario, seed: int, patient_index: int) -> None:
        self.sc = scenario
        self.seed = seed
        self.patient_index = patient_index
        self.end = scenario.days
        ss = patient_seed(seed, patient_index)
        traits_ss, attacks_ss, ncs_ss = ss.spawn(len(STREAMS))
        self.ncs_ss = ncs_ss
        self.patient = draw_patient(
            np.random.default_rng(traits_ss), scenario.patient, scenario.disease
        )
        self.max_mult = TREATMENT.max_lesion_multiplier
        self.cand, onset = draw_candidates(
            np.random.default_rng(attacks_ss), self.patient, self.end, self.max_mult,
            scenario.disease,
        )
        self.sites = SiteState(onset, self.patient, scenario.disease)
        self.pharm = Pharmacology(self.patient.ivig_responsiveness)
        self.env = simpy.Environment()
        self.events: list[tuple[float, str, str, str, str, float, str]] = []
        rec = scenario.scenario.record_every_days
        self.per_record = max(1, math.ceil(rec / MAX_GRID_DAYS - 1e-9))
        self.h = rec / self.per_record
        self.rec_days: list[float] = []
        self.rec_blocked: list[np.ndarray] = []
        self.rec_lost: list[np.ndarray] = []
        self.rec_damaged: list[np.ndarray] = []
        self.rec_igg: list[float] = []
        self.rec_effect: list[float] = []
        self.studies: list[SiteSnapshot] = []
        self.study_labels: list[str] = []

    # --- helpers ---------------------------------------------------------------------------
    def event(self, name: str, value: float = math.nan, detail: str = "",
              side: str = "", nerve: str = "", segment: str = "") -> None:
        self.events.append((float(self.env.now), name, side, nerve, segment, value, detail))

    def sync(self) -> None:
        self.pharm.advance_to(self.env.now)

    def weaker_grip_now(self) -> float:
        snap = self.preview()
        conducting = 1.0 - snap.block - snap.axon_loss
        return float(grip_kg(strength_fraction(conducting), self.patient.baseline_grip_kg).min())

    def preview(self) -> SiteSnapshot:
        """The site state at ``env.now`` without disturbing the grid integration."""
        self.sync()
        mods = self.pharm.peek_modifiers()
        st = self.sites
        if mods.duration > 0:
            st = self.sites.copy()
            st.step(mods.duration, mods.growth, mods.lift / mods.duration, mods.progression)
        return st.snapshot(self.env.now, self.pharm.lift())

    def record(self) -> None:
        snap = self.sites.snapshot(self.env.now, self.pharm.lift())
        self.rec_days.append(float(self.env.now))
        self.rec_blocked.append(snap.block)
        self.rec_lost.append(snap.axon_loss)
        self.rec_damaged.append(snap.damage)
        self.rec_igg.append(self.pharm.igg)
        self.rec_effect.append(self.pharm.ivig_effect)

    # --- processes ---------------------------------------------------------------------------
    def grid(self):
        k = 0
        while True:
            self.sync()
            mods = self.pharm.take_modifiers()
            if mods.duration > 0:
                self.sites.step(
                    mods.duration, mods.growth, mods.lift / mods.duration, mods.progression
                )
            if k % self.per_record == 0:
                self.record()
            k += 1
            nxt = k * self.h
            if nxt > self.end + 1e-9:
                break
            yield self.env.timeout(nxt - self.env.now)
        if self.rec_days[-1] < self.end - 1e-9:
            yield self.env.timeout(self.end - self.env.now)
            self.sync()
            mods = self.pharm.take_modifiers()
            self.sites.step(mods.duration, mods.growth, mods.lift / mods.duration,
                            mods.progression)
            self.record()

    def attacks(self):
        c = self.cand
        anatomy = ANATOMY
        for j in range(c.day.shape[0]):
            yield self.env.timeout(c.day[j] - self.env.now)
            self.sync()
            if c.accept[j] * self.max_mult < self.pharm.lesion_multiplier():
                site = int(c.site[j])
                self.sites.attack(site, float(c.severity[j]))
                side, seg = anatomy.sites[site]
                self.event("lesion_onset", float(c.severity[j]), f"attack on {seg.region}",
                           side, seg.nerve, seg.name)

    def immunoglobulin(self, spec: TreatmentSpec):
        subcut = spec.kind == "scig"
        every = spec.every_days
        dose = spec.dose
        n_days = 1 if subcut else spec.days_per_course
        course_start = spec.start_day
        n = 0
        titr = spec.titration
        while course_start <= self.end and (spec.count is None or n < spec.count) and (
            spec.until_day is None or course_start <= spec.until_day
        ):
            yield self.env.timeout(course_start - self.env.now)
            for d in range(n_days):
                if self.env.now > self.end:
                    break
                self.sync()
                part = dose / n_days
                if subcut:
                    self.pharm.inject_subcutaneous(part)
                    self.event("scig_dose", part, f"dose {n + 1}")
                else:
                    self.pharm.infuse(part)
                    self.event("ivig_dose", part, f"course {n + 1}, day {d + 1} of {n_days}")
                if d < n_days - 1:
                    yield self.env.timeout(1.0)
            n += 1
            if every is None:  # a single course
                break
            if titr is not None:
                peak_day = course_start + 14.0
                nxt = course_start + every
                if peak_day < nxt and nxt <= self.end:
                    yield self.env.timeout(peak_day - self.env.now)
                    peak = self.weaker_grip_now()
                    yield self.env.timeout(nxt - self.env.now)
                    trough = self.weaker_grip_now()
                    if peak > 0 and (peak - trough) / peak * 100 >= titr.trough_drop_pct:
                        shortest = max(titr.min_every_days, n_days)
                        if titr.rule == "shorten_interval" and every > shortest:
                            every = max(shortest, every - titr.step_days)
                            self.event("titration", every, "end-of-dose weakness: "
                                       f"interval shortened to {every:g} days")
                        elif titr.rule == "raise_dose" and dose < titr.max_dose_g_per_kg:
                            dose = min(titr.max_dose_g_per_kg, dose + titr.step_g_per_kg)
                            self.event("titration", dose, "end-of-dose weakness: "
                                       f"dose raised to {dose:g} g/kg")
                    course_start = nxt
                    continue
            course_start = course_start + every

    def prednisolone(self, spec: TreatmentSpec):
        mg = spec.mg_per_day if spec.mg_per_day is not None else 60.0
        yield self.env.timeout(spec.start_day - self.env.now)
        self.sync()
        self.pharm.set_steroid(mg)
        self.event("steroid_start", mg, f"prednisolone {mg:g} mg/day")
        stop = spec.start_day + spec.prednisolone_days
        if stop <= self.end:
            yield self.env.timeout(stop - self.env.now)
            self.sync()
            self.pharm.set_steroid(0.0)
            self.event("steroid_end", mg, "prednisolone stopped")

    def plasma_exchange(self, spec: TreatmentSpec):
        for day in spec.course_days(self.end):
            yield self.env.timeout(day - self.env.now)
            self.sync()
            self.pharm.plasma_exchange()
            self.pharm.pe_active += 1
            self.event("plasma_exchange", self.pharm.igg, "serum IgG after exchange (g/L)")
            self.env.process(self._rebound_end(TREATMENT.pe_rebound_days))

    def _rebound_end(self, after: float):
        yield self.env.timeout(after)
        self.sync()
        self.pharm.pe_active -= 1

    def complement(self, spec: TreatmentSpec):
        eff = (
            spec.efficacy if spec.efficacy is not None else TREATMENT.complement_default_efficacy
        )
        yield self.env.timeout(spec.start_day - self.env.now)
        self.sync()
        self.pharm.complement = eff
        self.event("complement_start", eff, "investigational complement inhibitor "
                   "(hypothetical)")
        if spec.duration_days is not None and spec.start_day + spec.duration_days <= self.end:
            yield self.env.timeout(spec.duration_days)
            self.sync()
            self.pharm.complement = 0.0
            self.event("complement_end", eff, "complement inhibitor stopped")

    def study(self, day: float, label: str):
        yield self.env.timeout(day - self.env.now)
        snap = self.preview()
        self.studies.append(snap)
        self.study_labels.append(label)
        self.event("ncs_study", math.nan, label or "nerve conduction study")

    def run(self) -> PatientRun:
        env = self.env
        env.process(self.grid())
        env.process(self.attacks())
        for spec in self.sc.treatment:
            if spec.start_day > self.end:
                continue
            if spec.kind in ("ivig", "scig"):
                env.process(self.immunoglobulin(spec))
            elif spec.kind == "prednisolone":
                env.process(self.prednisolone(spec))
            elif spec.kind == "plasma_exchange":
                env.process(self.plasma_exchange(spec))
            else:
                env.process(self.complement(spec))
        for st in sorted(self.sc.study, key=lambda s: s.day):
            if st.day <= self.end:
                env.process(self.study(st.day, st.label))
        env.run(until=self.end + 1e-6)
        return PatientRun(
            patient_index=self.patient_index,
            seed=self.seed,
            patient=self.patient,
            days=np.array(self.rec_days),
            blocked=np.array(self.rec_blocked),
            lost=np.array(self.rec_lost),
            damaged=np.array(self.rec_damaged),
            igg=np.array(self.rec_igg),
            ivig_effect=np.array(self.rec_effect),
            events=self.events,
            studies=self.studies,
            study_labels=self.study_labels,
            ncs_rng_seed=self.ncs_ss,
        )


def simulate_patient(scenario: Scenario, seed: int, patient_index: int = 0) -> PatientRun:
    """Run one virtual patient through the scenario."""
    return _Model(scenario, seed, patient_index).run()
