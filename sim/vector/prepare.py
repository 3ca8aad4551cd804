"""Everything the compiled loop reads, built from the model's own objects.

Per patient the draws are the simpy engine's, from the same streams and in the same order
(:func:`sim.engine.patient_streams`, :func:`sim.patient.draw_patient`,
:func:`sim.diseases.lesions.draw_candidates`); only the site weights of one attack are
computed with array operations instead of a loop over sites, operation for operation the same
(tested to be bit-identical). Shared values (IgG kinetics, the disease's response to each
mechanism, the treatment plan) are packed once per plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..anatomy import ANATOMY
from ..clinical import CLINICAL, RESPONSE_GRIP_KG, RESPONSE_MRC_POINTS
from ..diseases.lesions import draw_candidates
from ..diseases.mmn import MMN, NERVE_PREDILECTION, SEGMENT_PREDILECTION
from ..engine import MAX_GRID_DAYS, patient_streams
from ..inputs import Inputs
from ..patient import Patient, draw_patient
from ..studies import DEFAULT_KIND
from ..treatments import Exposure
from ..treatments import complement_inhibitor as comp_mod
from ..treatments import ivig as ivig_mod
from ..treatments import plasma_exchange as pe_mod
from ..treatments import prednisolone as pred_mod
from ..treatments import scig as scig_mod
from .kernel import CX, KIND_COMP, KIND_FCRN, KIND_IVIG, KIND_PE, KIND_PRED, KIND_SCIG, TX

__all__ = ["Plan", "PatientDraws", "plan_of", "draw", "record_days", "site_weights"]


@dataclass(frozen=True)
class Plan:
    """The shared, packed inputs of one resolved scenario."""

    cx: np.ndarray
    treat: np.ndarray  # (treatments started within the run) x TX.size
    study_day: np.ndarray
    study_untouched: np.ndarray
    study_index: np.ndarray  # position of each packed study in ``inputs.studies``
    days: np.ndarray  # record days (the same for every patient)
    n_lag: int
    n_windows: int  # exchange rebound windows that can be open at once
    supply_idx: np.ndarray
    supply_n: np.ndarray
    grip_w: np.ndarray
    thresholds: np.ndarray
    events_per_patient: int  # event-buffer room beside the attack candidates


@dataclass(frozen=True)
class PatientDraws:
    """One patient's traits and pre-drawn attack candidates, plus the site rates."""

    patient: Patient
    streams: dict[str, np.random.SeedSequence]
    cand_day: np.ndarray
    cand_acc: np.ndarray
    cand_site: np.ndarray
    cand_sev: np.ndarray
    rate: np.ndarray
    loss_rate: float


def record_days(end: float, record_every: float) -> np.ndarray:
    """The grid's record days, with the simpy clock's arithmetic (``now + (t - now)``)."""
    per_record = max(1, math.ceil(record_every / MAX_GRID_DAYS - 1e-9))
    h = record_every / per_record
    now, k, days = 0.0, 0, []
    while True:
        if k % per_record == 0:
            days.append(now)
        k += 1
        nxt = k * h
        if nxt > end + 1e-9:
            break
        now = now + (nxt - now)
    if days[-1] < end - 1e-9:
        days.append(now + (end - now))
    return np.array(days)


def _supply_lists() -> tuple[np.ndarray, np.ndarray]:
    sup = ANATOMY.supply
    n_per = (sup > 0).sum(axis=0)
    idx = np.zeros((ANATOMY.n_sites, max(1, int(n_per.max()))), dtype=np.int64)
    for s in range(ANATOMY.n_sites):
        ms = np.nonzero(sup[:, s])[0]
        idx[s, : ms.shape[0]] = ms
    return idx, n_per.astype(np.int64)


def _course_bound(spec, end: float) -> int:
    """Most courses an entry can give up to ``end`` (titration may shorten the interval)."""
    every = getattr(spec, "every_days", None)
    if every is None:
        return 2  # a one-off: its start and its end
    titr = getattr(spec, "titration", None)
    if titr is not None:
        every = max(1.0, min(every, max(titr.min_every_days, spec.days_per_course)))
    n = int(max(0.0, end - spec.start_day) // every) + 2
    return n if spec.count is None else min(n, spec.count)


_KINDS = {"ivig": KIND_IVIG, "scig": KIND_SCIG, "prednisolone": KIND_PRED,
          "plasma_exchange": KIND_PE, "complement_inhibitor": KIND_COMP,
          "fcrn_blocker": KIND_FCRN}


def _open_windows(spec) -> int:
    """Most rebound windows one exchange schedule can hold open at once."""
    if spec.every_days is None:
        return 1
    n = int(pe_mod.REBOUND_DAYS // spec.every_days) + 2
    return n if spec.count is None else min(n, spec.count)


def plan_of(inputs: Inputs) -> Plan:
    """Pack the plan-wide values the compiled loop reads."""
    d = inputs.disease
    r = d.response
    x = Exposure(1.0, d)
    p = x.p
    les = d.lesions
    sites = d.new_sites(np.ones(ANATOMY.n_sites), _PROBE)
    cx = np.zeros(CX.size)
    end = float(inputs.end_day)
    per_record = max(1, math.ceil(inputs.record_every_days / MAX_GRID_DAYS - 1e-9))
    vals = {
        "k": x._k, "ka": x._ka, "ks": x._ks, "delay": p.effect_delay_days,
        "hill": p.effect_hill, "ec50_h": p.effect_ec50_g_per_l**p.effect_hill,
        "igg_base": p.igg_baseline_g_per_l, "fcrn_red": p.fcrn_igg_reduction,
        "rise": p.igg_rise_g_per_l_per_g_per_kg,
        "growth_supp": r.ivig_growth_suppression, "lesion_supp": r.ivig_lesion_suppression,
        "block_lift": r.ivig_block_lift, "pe_mult": r.pe_rebound_multiplier,
        "ster_lesion": r.steroid_lesion_multiplier, "ster_growth": r.steroid_growth_multiplier,
        "ster_prog": r.steroid_progression_per_day, "comp_lift": r.complement_block_lift,
        "max_mult": d.max_lesion_multiplier(), "rest_share": les.rest_block_share,
        "reserve": CLINICAL.reserve_exponent, "smoulder": sites.smoulder,
        "rev_decay": sites.rev_decay, "end": end, "until": end + 1e-6,
        "h": inputs.record_every_days / per_record, "per_record": per_record,
        "grip_judge_share": ivig_mod.JUDGEABLE_GRIP_SHARE, "judge_mrc": ivig_mod.JUDGEABLE_MRC,
        "resp_grip": RESPONSE_GRIP_KG, "resp_mrc": RESPONSE_MRC_POINTS,
        "peak_day": ivig_mod.TITRATION_PEAK_DAY,
        "check0": ivig_mod.RESPONSE_CHECK_DAYS[0], "check1": ivig_mod.RESPONSE_CHECK_DAYS[1],
        "check2": ivig_mod.RESPONSE_CHECK_DAYS[2],
        "adequate": ivig_mod.ADEQUATE_COURSE_G_PER_KG, "bioavail": scig_mod.BIOAVAILABILITY,
        "removal": pe_mod.REMOVAL_SHARE, "rebound": pe_mod.REBOUND_DAYS,
        "ramp_days": comp_mod.RAMP_DAYS, "onset_days": comp_mod.ONSET_DAYS,
        "log2": math.log(2), "half_life": p.igg_half_life_days,
        "fcrn_factor": p.fcrn_clearance_factor,
    }
    for name, v in vals.items():
        cx[getattr(CX, name)] = v
    rows = []
    extra = 8
    n_windows = 0
    for spec in inputs.treatments:
        if spec.start_day > end:
            continue
        row = np.zeros(TX.size)
        row[TX.kind] = _KINDS[spec.kind]
        row[TX.start] = spec.start_day
        every = getattr(spec, "every_days", None)
        row[TX.every] = np.nan if every is None else every
        count = getattr(spec, "count", None)
        row[TX.count] = -1 if count is None else count
        until = getattr(spec, "until_day", None)
        row[TX.until] = np.inf if until is None else until
        row[TX.dose] = getattr(spec, "dose", 0.0)
        row[TX.n_days] = spec.days_per_course
        duration = getattr(spec, "duration_days", None)
        row[TX.duration] = np.nan if duration is None else duration
        if spec.kind == "prednisolone":
            row[TX.value] = spec.mg
            row[TX.level] = min(1.0, spec.mg / pred_mod.REFERENCE_MG_PER_DAY)
            row[TX.duration] = spec.days
        elif spec.kind in ("complement_inhibitor", "fcrn_blocker"):
            row[TX.value] = spec.share_blocked
        elif spec.kind == "plasma_exchange":
            n_windows += _open_windows(spec)
        elif spec.kind == "ivig":
            row[TX.stop_nr] = spec.after_no_response == "stop"
        titr = getattr(spec, "titration", None)
        if titr is not None:
            row[TX.titr] = 1
            row[TX.rule] = 0 if titr.rule == "shorten_interval" else 1
            row[TX.drop] = titr.trough_drop_pct
            row[TX.step_days] = titr.step_days
            row[TX.min_every] = titr.min_every_days
            row[TX.step_g] = titr.step_g_per_kg
            row[TX.max_dose] = titr.max_dose_g_per_kg
            row[TX.confirm] = titr.confirm_cycles
            row[TX.decline] = titr.decline_pct
        rows.append(row)
        extra += 3 * _course_bound(spec, end) * spec.days_per_course
    studies = [(i, day, kind) for i, (day, _label, kind) in enumerate(inputs.studies)
               if day <= end]
    extra += len(studies)
    sup_idx, sup_n = _supply_lists()
    return Plan(
        cx=cx,
        treat=np.array(rows).reshape(len(rows), TX.size),
        study_day=np.array([s[1] for s in studies], dtype=float),
        study_untouched=np.array([s[2] != DEFAULT_KIND for s in studies], dtype=np.bool_),
        study_index=np.array([s[0] for s in studies], dtype=np.int64),
        days=record_days(end, inputs.record_every_days),
        n_lag=p.effect_lag_stages - 1,
        n_windows=n_windows,
        supply_idx=sup_idx,
        supply_n=sup_n,
        grip_w=np.ascontiguousarray(ANATOMY.grip_weights),
        thresholds=np.asarray(CLINICAL.mrc_thresholds_pct) / 100.0,
        events_per_patient=extra,
    )


# A patient for the plan-wide site constants (they do not depend on the patient).
_PROBE = Patient("male", 40.0, 80.0, "right", False, 0.0, 1.0, 1.0, 40.0, 0.7, 0.8)


class _Weights:
    """``MMN.site_weights`` as array operations: the per-site factors are fixed by the
    anatomy, so only the patient's limb share, side and nerve affinity vary."""

    def __init__(self) -> None:
        a = ANATOMY
        n = a.n_sites
        self.arm = np.zeros(n, dtype=bool)
        self.side = []
        self.nerve_pred = np.zeros(n)
        self.limb_total = np.zeros(n)
        self.seg_pred = np.zeros(n)
        self.seg_total = np.zeros(n)
        for i, (side, seg) in enumerate(a.sites):
            nerve = a.nerve_by_name[seg.nerve]
            self.arm[i] = nerve.limb == "arm"
            self.side.append(side)
            self.limb_total[i] = sum(
                NERVE_PREDILECTION[m.name] for m in a.nerves if m.limb == nerve.limb)
            preds = [SEGMENT_PREDILECTION.get((x.nerve, x.name), 1.0) for x in nerve.segments]
            self.nerve_pred[i] = NERVE_PREDILECTION[nerve.name]
            self.seg_pred[i] = preds[seg.index]
            self.seg_total[i] = sum(preds)
        self.side = np.array(self.side)

    def __call__(self, patient: Patient, affinity: np.ndarray) -> np.ndarray:
        limb = np.where(self.arm, patient.upper_limb_share, 1 - patient.upper_limb_share)
        s = np.where(self.side == patient.dominant_side, patient.side_bias,
                     1 - patient.side_bias)
        w = limb * s * self.nerve_pred / self.limb_total * affinity * self.seg_pred
        w = w / self.seg_total
        return w / w.sum()


site_weights = _Weights()


def draw(inputs: Inputs, seed: int, index: int) -> PatientDraws:
    """Patient ``index``'s traits and attack candidates, drawn as the simpy engine draws them."""
    disease = inputs.disease
    streams = patient_streams(seed, index)
    patient = draw_patient(np.random.default_rng(streams["traits"]), disease.population,
                           inputs.fixed_traits, inputs.trait_overrides)
    if type(disease) is MMN:
        cand, onset = draw_candidates(
            np.random.default_rng(streams["attacks"]), patient, inputs.end_day,
            disease.max_lesion_multiplier(), disease.lesions,
            lambda aff: site_weights(patient, aff), disease.anatomy)
    else:  # pragma: no cover - supports() keeps other diseases on the simpy engine
        cand, onset = disease.draw_candidates(
            np.random.default_rng(streams["attacks"]), patient, inputs.end_day)
    sites = disease.new_sites(onset, patient)
    return PatientDraws(patient, streams, cand.day, cand.accept, cand.site.astype(np.int64),
                        cand.severity, sites.rate, sites.loss_rate)
