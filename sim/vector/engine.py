"""Run many patients through the compiled loop: ``PatientRun`` records or plain arrays."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .. import treatments
from ..anatomy import ANATOMY
from ..diseases.mmn import MMN
from ..engine import PatientRun, run_patient
from ..inputs import Inputs
from ..patient import Patient
from ..sites import SiteSnapshot
from ..studies import STUDY_KINDS
from ..treatments.complement_inhibitor import ComplementInhibitor
from ..treatments.fcrn_blocker import FcRnBlocker
from ..treatments.ivig import IVIg
from ..treatments.plasma_exchange import PlasmaExchange
from ..treatments.prednisolone import Prednisolone
from ..treatments.scig import SCIg
from . import kernel as K
from .prepare import PatientDraws, Plan, draw, plan_of

_KERNEL = threading.Lock()  # see sim.vector: one compiled call at a time per process

__all__ = ["supports", "run_patients", "run_batch", "Batch", "CHUNK"]

CHUNK = 1024  # patients per compiled call: bounded memory, enough work for every core
_SUPPORTED = {"ivig": IVIg, "scig": SCIg, "prednisolone": Prednisolone,
              "plasma_exchange": PlasmaExchange, "complement_inhibitor": ComplementInhibitor,
              "fcrn_blocker": FcRnBlocker}


def supports(inputs: Inputs) -> bool:
    """True when every part of the plan has a compiled counterpart: the MMN disease and the
    built-in treatment kinds (IVIg with any schedule, titration rule and response check, SCIg,
    prednisolone, plasma exchange, the FcRn blocker and the complement inhibitor). Another
    disease or a kind that is not the built-in one (a plugin, a replaced registry entry)
    runs on the simpy engine, and so does an immunoglobulin course starting less than a day
    after the previous course's last infusion day (possible only with intervals of one or two
    days): the compiled course process mis-counts that overlap (found by the fuzz suite), so
    it is left to the reference engine. A tapered prednisolone course (weekly dose steps)
    has no compiled counterpart either: the kernel knows only a constant dose, then none.
    Daily records for the acute weeks (``daily_until_day``) are the simpy engine's alone."""
    if type(inputs.disease) is not MMN or inputs.daily_until_day > 0:
        return False
    for spec in inputs.treatments:
        want = _SUPPORTED.get(spec.kind)
        if want is None or type(treatments.get(spec.kind)) is not want:
            return False
        if want is IVIg and _shortest_gap(spec) < 1.0:
            return False
        if want is Prednisolone and spec.taper_weeks > 0:
            return False
    return inputs.record_every_days > 0


def _shortest_gap(spec) -> float:
    """Days between one IVIg course's last infusion day and the next course, at the shortest
    interval the schedule (and its interval-shortening titration) can reach."""
    if spec.every_days is None:
        return math.inf
    shortest = spec.every_days
    titr = spec.titration
    if titr is not None and titr.rule == "shorten_interval":
        shortest = min(shortest, max(titr.min_every_days, spec.days_per_course))
    return shortest - spec.days_per_course


@dataclass(frozen=True)
class Batch:
    """Per-record read-outs of many patients (patients on axis 0, records on axis 1).

    ``grip`` is left then right hand (kg), ``counts`` the cumulative number of accepted
    attacks, immunoglobulin doses (infusion days) and titration steps handled before each
    record was taken (an event on a record's own day can fall either side of it, in the simpy
    engine's order: the day-0 record comes before the first attack).
    """

    indices: np.ndarray
    days: np.ndarray
    grip: np.ndarray
    mrc_sum: np.ndarray
    igg: np.ndarray
    ivig_effect: np.ndarray
    counts: np.ndarray
    patients: list[Patient]

    @property
    def weaker_grip(self) -> np.ndarray:
        return self.grip.min(axis=-1)


def _pack(draws: Sequence[PatientDraws], plan: Plan):
    n = len(draws)
    off = np.zeros(n + 1, dtype=np.int64)
    off[1:] = np.cumsum([d.cand_day.shape[0] for d in draws])
    cat = np.concatenate
    empty_f, empty_i = np.empty(0), np.empty(0, dtype=np.int64)
    cand = (
        cat([d.cand_day for d in draws]) if n else empty_f,
        cat([d.cand_acc for d in draws]) if n else empty_f,
        cat([d.cand_site for d in draws]) if n else empty_i,
        cat([d.cand_sev for d in draws]) if n else empty_f,
    )
    rate = np.stack([d.rate for d in draws])
    loss = np.array([d.loss_rate for d in draws])
    rho = np.array([d.patient.ivig_responsiveness for d in draws])
    sens = np.array([d.patient.steroid_sensitivity for d in draws])
    base = np.array([d.patient.baseline_grip_kg for d in draws])
    room = np.diff(off) + plan.events_per_patient
    ev_off = np.zeros(n + 1, dtype=np.int64)
    ev_off[1:] = np.cumsum(room)
    return off, cand, rate, loss, rho, sens, base, ev_off


def _call(plan: Plan, draws: Sequence[PatientDraws], full: bool):
    n = len(draws)
    n_rec = plan.days.shape[0]
    n_sites = ANATOMY.n_sites
    n_st = plan.study_day.shape[0]
    off, cand, rate, loss, rho, sens, base, ev_off = _pack(draws, plan)
    dense = (n, n_rec, n_sites) if full else (n, 0, 0)
    out = {
        "days": np.zeros((n, n_rec)),
        "blocked": np.zeros(dense), "rest": np.zeros(dense), "lost": np.zeros(dense),
        "damaged": np.zeros(dense),
        "igg": np.zeros((n, n_rec)), "eff": np.zeros((n, n_rec)),
        "grip": np.zeros((n, n_rec if not full else 0, 2)),
        "mrc": np.zeros((n, n_rec if not full else 0), dtype=np.int64),
        "counts": np.zeros((n, n_rec if not full else 0, K.N_COUNTS), dtype=np.int64),
        "st": [np.zeros((n, n_st, n_sites)) for _ in range(4)],
    }
    total = int(ev_off[-1])
    ev = (np.zeros(total), np.zeros(total, dtype=np.int64), np.zeros(total, dtype=np.int64),
          np.zeros(total, dtype=np.int64), np.zeros(total))
    n_ev = np.zeros(n, dtype=np.int64)
    got = np.zeros(n, dtype=np.int64)
    with _KERNEL:  # one caller at a time: the workqueue threading layer is not re-entrant
        K.simulate_many(
            plan.cx, plan.treat, plan.study_day, plan.study_untouched, out["days"],
            off, *cand, rate, loss, rho, sens, base,
            plan.supply_idx, plan.supply_n, plan.grip_w, plan.thresholds, plan.n_lag,
            plan.n_windows, full,
            out["blocked"], out["rest"], out["lost"], out["damaged"], out["igg"], out["eff"],
            out["grip"], out["mrc"], out["counts"], *out["st"],
            ev_off, *ev, n_ev, got,
        )
    if (got != n_rec).any():
        raise RuntimeError("compiled engine recorded an unexpected number of records")
    if (n_ev > np.diff(ev_off)).any():
        raise RuntimeError("compiled engine overflowed its event buffer")
    return out, ev, ev_off, n_ev


def _events(plan: Plan, inputs: Inputs, ev, a: int, n: int) -> list[tuple]:
    t, c, ea, eb, v = (x[a:a + n] for x in ev)
    rows: list[tuple] = []
    specs = [s for s in inputs.treatments if s.start_day <= inputs.end_day]
    for k in range(n):
        code, day, val = int(c[k]), float(t[k]), float(v[k])
        if code == K.EV_LESION:
            side, seg = ANATOMY.sites[int(ea[k])]
            rows.append((day, "lesion_onset", side, seg.nerve, seg.name, val,
                         f"attack on {seg.region}"))
        elif code == K.EV_IVIG:
            spec = specs[int(eb[k]) // 1024]
            rows.append((day, "ivig_dose", "", "", "", val,
                         f"course {int(ea[k])}, day {int(eb[k]) % 1024} of "
                         f"{spec.days_per_course}"))
        elif code == K.EV_TITRATION:
            if ea[k] == 0:
                text = f"weakness before the next course: interval shortened to {val:g} days"
            else:
                text = f"weakness before the next course: dose raised to {val:g} g/kg"
            rows.append((day, "titration", "", "", "", val, text))
        elif code == K.EV_NO_RESPONSE:
            rows.append((day, "no_response", "", "", "", val,
                         "no objective response to an adequate IVIg course: reconsider the "
                         "diagnosis"))
        elif code == K.EV_IVIG_STOPPED:
            rows.append((day, "ivig_stopped", "", "", "", val,
                         f"IVIg stopped after no response to an adequate course: the course "
                         f"due on day {day:.0f} is not given; reconsider the diagnosis"))
        elif code == K.EV_SCIG:
            rows.append((day, "scig_dose", "", "", "", val, f"dose {int(ea[k])}"))
        elif code == K.EV_STEROID_START:
            rows.append((day, "steroid_start", "", "", "", val, f"prednisolone {val:g} mg/day"))
        elif code == K.EV_STEROID_END:
            rows.append((day, "steroid_end", "", "", "", val, "prednisolone stopped"))
        elif code == K.EV_EXCHANGE:
            rows.append((day, "plasma_exchange", "", "", "", val,
                         "serum IgG after exchange (g/L)"))
        elif code == K.EV_COMPLEMENT_START:
            rows.append((day, "complement_start", "", "", "", val,
                         "investigational complement inhibitor (hypothetical)"))
        elif code == K.EV_COMPLEMENT_END:
            rows.append((day, "complement_end", "", "", "", val, "complement inhibitor stopped"))
        elif code == K.EV_FCRN_START:
            rows.append((day, "fcrn_start", "", "", "", val,
                         "FcRn blocker started (hypothetical in MMN): IgG cleared faster, "
                         "infused IgG included"))
        elif code == K.EV_FCRN_END:
            rows.append((day, "fcrn_end", "", "", "", val, "FcRn blocker stopped"))
        else:
            _day, label, kind = inputs.studies[int(plan.study_index[int(ea[k])])]
            sk = STUDY_KINDS[kind]
            rows.append((day, sk.event, "", "", "", math.nan, label or sk.title))
    return rows


def _chunks(indices: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for s in range(0, len(indices), size):
        yield indices[s:s + size]


def run_patients(inputs: Inputs, seed: int, indices: Iterable[int]) -> list[PatientRun]:
    """The same records as ``[sim.engine.run_patient(inputs, seed, i) for i in indices]``;
    plans :func:`supports` rejects run on the simpy engine, patient by patient."""
    indices = [int(i) for i in indices]
    if not supports(inputs):
        return [run_patient(inputs, seed, i) for i in indices]
    plan = plan_of(inputs)
    runs: list[PatientRun] = []
    for part in _chunks(indices, 64):  # a chunk of full site records stays small
        draws = [draw(inputs, seed, i) for i in part]
        out, ev, ev_off, n_ev = _call(plan, draws, full=True)
        for j, (i, d) in enumerate(zip(part, draws, strict=True)):
            events = _events(plan, inputs, ev, int(ev_off[j]), int(n_ev[j]))
            studies, labels, kinds = [], [], []
            st_b, st_r, st_l, st_d = (x[j] for x in out["st"])
            study_times = [e[0] for e in events
                           if e[1] in {k.event for k in STUDY_KINDS.values()}]
            for s, pos in enumerate(plan.study_index):
                _day, label, kind = inputs.studies[int(pos)]
                studies.append(SiteSnapshot(study_times[s], st_b[s], st_l[s].copy(),
                                            st_d[s].copy(), st_r[s]))
                labels.append(label)
                kinds.append(kind)
            runs.append(PatientRun(
                patient_index=i, seed=seed, patient=d.patient, days=out["days"][j],
                blocked=out["blocked"][j], blocked_rest=out["rest"][j], lost=out["lost"][j],
                damaged=out["damaged"][j], igg=out["igg"][j], ivig_effect=out["eff"][j],
                events=events, studies=studies, study_labels=labels,
                ncs_rng_seed=d.streams["ncs"], study_kinds=kinds,
                journey_rng_seed=d.streams["journey"], labs_rng_seed=d.streams["labs"],
            ))
    return runs


def run_batch(inputs: Inputs, seed: int, indices: Iterable[int], chunk: int = CHUNK) -> Batch:
    """Per-record grip (left, right), MRC sum, IgG, IVIg effect and cumulative event counts of
    the patients ``indices``: the read-outs of :func:`run_patients` without the per-site
    tables, for consumers that need speed. The result is held in memory (about 34 kB per
    ten-year patient with weekly records): call it per chunk of a large cohort. Raises
    ValueError for a plan :func:`supports` rejects (use :func:`run_patients` there)."""
    if not supports(inputs):
        raise ValueError("this treatment plan has no compiled counterpart; use run_patients")
    indices = [int(i) for i in indices]
    plan = plan_of(inputs)
    parts = []
    patients: list[Patient] = []
    # The compiled loop runs without the interpreter lock, so the next chunk's patients are
    # drawn (in Python, one core) while the previous chunk is simulated (every core): the two
    # overlap. The results do not depend on the chunking (a patient is one patient).
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = None
        for part in _chunks(indices, chunk):
            draws = [draw(inputs, seed, i) for i in part]
            patients += [d.patient for d in draws]
            if pending is not None:
                parts.append(pending.result()[0])
            pending = pool.submit(_call, plan, draws, False)
        if pending is not None:
            parts.append(pending.result()[0])
    n_rec = plan.days.shape[0]

    def cat(key: str, shape: tuple[int, ...], dtype=float) -> np.ndarray:
        if not parts:
            return np.zeros((0, *shape), dtype=dtype)
        return np.concatenate([p[key] for p in parts])

    return Batch(
        indices=np.array(indices, dtype=np.int64), days=plan.days,
        grip=cat("grip", (n_rec, 2)), mrc_sum=cat("mrc", (n_rec,), np.int64),
        igg=cat("igg", (n_rec,)), ivig_effect=cat("eff", (n_rec,)),
        counts=cat("counts", (n_rec, K.N_COUNTS), np.int64), patients=patients,
    )
