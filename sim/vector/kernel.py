"""The compiled per-patient event loop: the simpy engine's processes as small state machines.

Why a scheduler and not a plain time loop: the simpy engine advances the exposure at every
event it handles (grid points, attack candidates, infusions, examinations, studies), and the
IVIg effect is sub-stepped over each interval between two such events, so the splitting of
time is part of the model's arithmetic. This loop handles the same events in the same order
(simpy's rule: by time, then by when the timeout was created; a process started during a step
runs its first step right after it) and computes every update with the same operations in
the same order, so the two engines agree to floating-point rounding.

Everything a kernel needs arrives as arrays built by :mod:`sim.vector.prepare` from the model's
own parameter objects; no model constant is written here.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

__all__ = ["simulate_many", "EV_LESION", "EV_IVIG", "EV_TITRATION", "EV_NO_RESPONSE",
           "EV_SCIG", "EV_STUDY", "EV_STEROID_START", "EV_STEROID_END", "EV_EXCHANGE",
           "EV_COMPLEMENT_START", "EV_COMPLEMENT_END", "EV_FCRN_START", "EV_FCRN_END",
           "EV_IVIG_STOPPED",
           "KIND_IVIG", "KIND_SCIG", "KIND_PRED", "KIND_PE", "KIND_COMP", "KIND_FCRN", "CX", "TX",
           "CNT_LESION", "CNT_DOSE", "CNT_TITRATION", "N_COUNTS"]

# Event codes of the event buffer (turned into the engine's event tuples in Python).
EV_LESION, EV_IVIG, EV_TITRATION, EV_NO_RESPONSE, EV_SCIG, EV_STUDY = 1, 2, 3, 4, 5, 6
EV_STEROID_START, EV_STEROID_END, EV_EXCHANGE = 7, 8, 9
EV_COMPLEMENT_START, EV_COMPLEMENT_END, EV_FCRN_START, EV_FCRN_END = 10, 11, 12, 13
EV_IVIG_STOPPED = 14
KIND_IVIG, KIND_SCIG, KIND_PRED, KIND_PE, KIND_COMP, KIND_FCRN = 1, 2, 3, 4, 5, 6
# Cumulative counts kept per record (batch read-out).
CNT_LESION, CNT_DOSE, CNT_TITRATION = 0, 1, 2
N_COUNTS = 3


class _Layout:
    """Named slots of a packed float vector."""

    def __init__(self, names: str) -> None:
        for i, name in enumerate(names.split()):
            setattr(self, name, i)
        self.size = len(names.split())


# Shared constants (``cx``): IgG kinetics, the disease's response to each mechanism, the
# lesion parameters and the clinical read-out.
CX = _Layout(
    "k ka ks delay hill ec50_h igg_base fcrn_red rise growth_supp lesion_supp block_lift "
    "pe_mult ster_lesion ster_growth ster_prog comp_lift max_mult rest_share reserve "
    "smoulder rev_decay end until h per_record grip_judge_share judge_mrc resp_grip "
    "resp_mrc peak_day check0 check1 check2 adequate bioavail removal rebound ramp_days onset_days "
    "log2 half_life fcrn_factor"
)
# One [[treatment]] entry (``treat`` rows).
TX = _Layout(
    "kind start every count until dose n_days titr rule drop step_days min_every step_g "
    "max_dose confirm decline value level duration stop_nr"
)
# Slot numbers as plain module constants (what the compiler can read).
C_K = CX.k
C_KA = CX.ka
C_KS = CX.ks
C_DELAY = CX.delay
C_HILL = CX.hill
C_EC50_H = CX.ec50_h
C_IGG_BASE = CX.igg_base
C_FCRN_RED = CX.fcrn_red
C_RISE = CX.rise
C_GROWTH_SUPP = CX.growth_supp
C_LESION_SUPP = CX.lesion_supp
C_BLOCK_LIFT = CX.block_lift
C_PE_MULT = CX.pe_mult
C_STER_LESION = CX.ster_lesion
C_STER_GROWTH = CX.ster_growth
C_STER_PROG = CX.ster_prog
C_COMP_LIFT = CX.comp_lift
C_MAX_MULT = CX.max_mult
C_REST_SHARE = CX.rest_share
C_RESERVE = CX.reserve
C_SMOULDER = CX.smoulder
C_REV_DECAY = CX.rev_decay
C_END = CX.end
C_UNTIL = CX.until
C_H = CX.h
C_PER_RECORD = CX.per_record
C_GRIP_JUDGE_SHARE = CX.grip_judge_share
C_JUDGE_MRC = CX.judge_mrc
C_RESP_GRIP = CX.resp_grip
C_RESP_MRC = CX.resp_mrc
C_PEAK_DAY = CX.peak_day
C_CHECK0 = CX.check0
C_CHECK1 = CX.check1
C_CHECK2 = CX.check2
C_ADEQUATE = CX.adequate
C_BIOAVAIL = CX.bioavail
C_REMOVAL = CX.removal
C_REBOUND = CX.rebound
C_RAMP_DAYS = CX.ramp_days
C_ONSET_DAYS = CX.onset_days
C_LOG2 = CX.log2
C_HALF_LIFE = CX.half_life
C_FCRN_FACTOR = CX.fcrn_factor
T_KIND = TX.kind
T_START = TX.start
T_EVERY = TX.every
T_COUNT = TX.count
T_UNTIL = TX.until
T_DOSE = TX.dose
T_N_DAYS = TX.n_days
T_TITR = TX.titr
T_RULE = TX.rule
T_DROP = TX.drop
T_STEP_DAYS = TX.step_days
T_MIN_EVERY = TX.min_every
T_STEP_G = TX.step_g
T_MAX_DOSE = TX.max_dose
T_CONFIRM = TX.confirm
T_DECLINE = TX.decline
T_VALUE = TX.value
T_LEVEL = TX.level
T_DURATION = TX.duration
T_STOP_NR = TX.stop_nr
# Exposure state vector: time, excess, depot, endogenous, effect, the modifier accumulators,
# the mechanism states (steroid, complement, open exchange windows, FcRn, IgG clearance); the
# lag stages follow from LAG on.
_T, _EXC, _DEP, _ENDO, _EFF, _AG, _AL, _AP, _AT0, _STER, _COMP, _PE, _FCRN, _K, _LAG = range(15)

# Process kinds of the scheduler.
_P_GRID, _P_ATTACKS, _P_TREAT, _P_STUDY, _P_CHECK, _P_WINDOW = range(6)
_MAX_CHECKS = 16


@nb.njit(cache=True)
def _advance(xs, t, cx, rho, sens, n_lag):
    """``Exposure.advance_to``: IgG and effect to day ``t``, accumulating the modifiers."""
    dt = t - xs[_T]
    if dt <= 0:
        return
    lagsum = 0
    for j in range(n_lag):
        lagsum = lagsum + xs[_LAG + j]
    if xs[_EXC] == 0.0 and xs[_DEP] == 0.0 and xs[_EFF] + lagsum < 1e-12:
        xs[_EFF] = 0.0
        for j in range(n_lag):
            xs[_LAG + j] = 0.0
        ei = 0.0
    else:
        ei = _integrate(xs, dt, cx, n_lag)
    steroid, c = xs[_STER], xs[_COMP]
    ster_g = 1.0 + (cx[C_STER_GROWTH] - 1.0) * steroid * sens
    growth = ster_g * (1.0 - c) * (dt - cx[C_GROWTH_SUPP] * rho * ei)
    lift = min(dt, cx[C_BLOCK_LIFT] * rho * ei + cx[C_COMP_LIFT] * c * dt)
    prog = cx[C_STER_PROG] * steroid * sens * dt
    xs[_AG] += growth
    xs[_AL] += lift
    xs[_AP] += prog
    base = cx[C_IGG_BASE] * (1.0 - cx[C_FCRN_RED] * xs[_FCRN])
    xs[_ENDO] = base + (xs[_ENDO] - base) * math.exp(-cx[C_KS] * dt)
    xs[_T] = t


@nb.njit(cache=True)
def _integrate(xs, dt, cx, n_lag):
    """``Exposure._integrate_effect``: sub-steps of at most one day; the effect's integral."""
    n = max(1, math.ceil(dt - 1e-9))
    h = dt / n
    k, ka = xs[_K], cx[C_KA]
    ek, eka = math.exp(-k * h), math.exp(-ka * h)
    absorb = ka / (ka - k) * (ek - eka)
    alpha = math.exp(-h / cx[C_DELAY])
    hill, ec50_h = cx[C_HILL], cx[C_EC50_H]
    x, depot = xs[_EXC], xs[_DEP]
    ei = 0.0
    for _ in range(n):
        x1 = x * ek + depot * absorb
        depot *= eka
        xm = 0.5 * (x + x1)
        drive = xm**hill / (xm**hill + ec50_h) if xm > 0 else 0.0
        for j in range(n_lag + 1):
            idx = _LAG + j if j < n_lag else _EFF
            s = xs[idx]
            new = drive + (s - drive) * alpha
            drive = 0.5 * (s + new)
            xs[idx] = new
        ei += drive * h
        x = x1
    if x < 1e-9 and depot < 1e-9:
        x = 0.0
        depot = 0.0
    xs[_EXC] = x
    xs[_DEP] = depot
    return ei


@nb.njit(cache=True)
def _lesion_multiplier(xs, cx, rho, sens):
    ivig = 1.0 - cx[C_LESION_SUPP] * rho * xs[_EFF]
    pe = cx[C_PE_MULT] if xs[_PE] > 0 else 1.0
    ster = 1.0 + (cx[C_STER_LESION] - 1.0) * xs[_STER] * sens
    return ster * pe * ivig * (1.0 - xs[_COMP])


@nb.njit(cache=True, inline="always")
def _lift(xs, cx, rho):
    ivig = cx[C_BLOCK_LIFT] * rho * xs[_EFF]
    return min(1.0, ivig + cx[C_COMP_LIFT] * xs[_COMP])


@nb.njit(cache=True, inline="always")
def _step(hit, nhit, target, damaged, lost, rev, rate, loss_rate, dt, growth, lift_mean,
          progression, cx):
    """``SiteState.step`` over the attacked sites (the others stay exactly zero)."""
    creep = progression + cx[C_SMOULDER] * growth
    if creep > 0 and nhit > 0:
        e = math.exp(-creep)
        for q in range(nhit):
            s = hit[q]
            target[s] = 1.0 - (1.0 - target[s]) * e
    for q in range(nhit):
        s = hit[q]
        damaged[s] = target[s] - (target[s] - damaged[s]) * math.exp(-rate[s] * growth)
    if lift_mean == 0.0:
        # nothing lifted: w is exactly 1 at every site, so one factor serves them all
        e1 = math.exp(-loss_rate * 1.0 * dt)
        for q in range(nhit):
            s = hit[q]
            b = damaged[s]
            lost[s] = b - (b - lost[s]) * e1
    else:
        for q in range(nhit):
            s = hit[q]
            w = 1.0 - lift_mean * rev[s]
            b = damaged[s]
            lost[s] = b - (b - lost[s]) * math.exp(-loss_rate * w * dt)
    e2 = math.exp(-cx[C_REV_DECAY] * dt)
    for q in range(nhit):
        rev[hit[q]] *= e2


@nb.njit(cache=True, inline="always")
def _take_and_step(xs, hit, nhit, target, damaged, lost, rev, rate, loss_rate, cx):
    """``take_modifiers`` then ``SiteState.step`` when the interval is not empty."""
    dur = xs[_T] - xs[_AT0]
    growth, lift, prog = xs[_AG], xs[_AL], xs[_AP]
    xs[_AG] = 0.0
    xs[_AL] = 0.0
    xs[_AP] = 0.0
    xs[_AT0] = xs[_T]
    if dur > 0:
        _step(hit, nhit, target, damaged, lost, rev, rate, loss_rate, dur, growth,
              lift / dur, prog, cx)


@nb.njit(cache=True)
def _clinical(hit, nhit, damaged, lost, rev, lift, supply_idx, supply_n, grip_w, thresholds,
              n_muscles, baseline, cx, logsum):
    """(left grip, right grip, MRC sum) from the sites, as ``sim.clinical`` reads them."""
    for m in range(n_muscles):
        logsum[m] = 0.0
    for q in range(nhit):
        s = hit[q]
        blocked = (damaged[s] - lost[s]) * (1.0 - lift * rev[s])
        conducting = 1.0 - blocked - lost[s]
        c = min(max(conducting, 1e-12), 1.0)
        lc = math.log(c)
        for r in range(supply_n[s]):
            logsum[supply_idx[s, r]] += lc
    grip_l = 0.0
    grip_r = 0.0
    mrc = 0
    n_thr = thresholds.shape[0]
    full_grade = 0  # the grade of full strength
    for i in range(n_thr):
        if thresholds[i] <= 1.0:
            full_grade += 1
    for m in range(n_muscles):
        if logsum[m] == 0.0:
            # every site on its path conducts fully: exactly full strength
            strength = 1.0
            g = full_grade
        else:
            units = math.exp(logsum[m])
            strength = 1.0 - (1.0 - units) ** cx[C_RESERVE]
            g = 0
            for i in range(n_thr):
                if thresholds[i] <= strength:
                    g += 1
        mrc += g
        # muscles without a share of the grip add exactly zero: skipping them is exact
        if grip_w[m, 0] != 0.0:
            grip_l += strength * grip_w[m, 0]
        if grip_w[m, 1] != 0.0:
            grip_r += strength * grip_w[m, 1]
    return baseline * grip_l, baseline * grip_r, mrc


@nb.njit(cache=True)
def _look(now, xs, untouched, hit, nhit, target, damaged, lost, rev, rate, loss_rate, cx,
          rho, sens, n_lag, pt, pd, pl, pr):
    """``_Model.preview`` at ``now``: fills ``pt, pd, pl, pr`` with the previewed sites."""
    x = xs.copy() if untouched else xs
    _advance(x, now, cx, rho, sens, n_lag)
    for q in range(nhit):
        s = hit[q]
        pt[s] = target[s]
        pd[s] = damaged[s]
        pl[s] = lost[s]
        pr[s] = rev[s]
    dur = x[_T] - x[_AT0]
    if dur > 0:
        _step(hit, nhit, pt, pd, pl, pr, rate, loss_rate, dur, x[_AG], x[_AL] / dur, x[_AP], cx)
    return _lift(x, cx, rho)


@nb.njit(cache=True, inline="always")
def _schedule(nt, ns, p, now, target_time, seq):
    """``env.timeout(target_time - env.now)`` for process ``p``."""
    nt[p] = now + (target_time - now)
    ns[p] = seq[0]
    seq[0] += 1


@nb.njit(cache=True, inline="always")
def _emit(ev_t, ev_c, ev_a, ev_b, ev_v, n_ev, t, code, a, b, v):
    i = n_ev[0]
    if i < ev_t.shape[0]:
        ev_t[i] = t
        ev_c[i] = code
        ev_a[i] = a
        ev_b[i] = b
        ev_v[i] = v
    n_ev[0] = i + 1


@nb.njit(cache=True)
def _simulate_one(
    cx, treat, study_day, study_untouched, out_days,
    cand_day, cand_acc, cand_site, cand_sev, rate, loss_rate, rho, sens, baseline,
    supply_idx, supply_n, grip_w, thresholds, n_lag, n_windows_in, full,
    out_blocked, out_rest, out_lost, out_damaged, out_igg, out_eff,
    out_grip, out_mrc, out_counts,
    st_blocked, st_rest, st_lost, st_damaged,
    ev_t, ev_c, ev_a, ev_b, ev_v, n_ev,
):
    """One patient: ``sim.engine._Model.run`` as a loop over the processes' next timeouts.

    Fills the record arrays (site arrays with ``full``, else grip, MRC sum and event counts),
    the study snapshots and the event buffer; returns the number of records.
    """
    n_sites = rate.shape[0]
    n_muscles = grip_w.shape[0]
    end = cx[C_END]
    until = cx[C_UNTIL]
    h = cx[C_H]
    per_record = int(cx[C_PER_RECORD])
    rest_share = cx[C_REST_SHARE]
    n_treat = treat.shape[0]
    n_study = study_day.shape[0]
    n_cand = cand_day.shape[0]

    target = np.zeros(n_sites)
    damaged = np.zeros(n_sites)
    lost = np.zeros(n_sites)
    rev = np.zeros(n_sites)
    hit = np.zeros(n_sites, dtype=np.int64)
    nhit = 0
    pt = np.zeros(n_sites)
    pd = np.zeros(n_sites)
    pl = np.zeros(n_sites)
    pr = np.zeros(n_sites)
    logsum = np.zeros(n_muscles)
    xs = np.zeros(_LAG + n_lag)
    xs[_ENDO] = cx[C_IGG_BASE]
    xs[_K] = cx[C_K]
    counts = np.zeros(N_COUNTS, dtype=np.int64)
    no_response = False

    # Scheduler: one slot per process; next time and creation number of its timeout.
    n_checks = 0
    for i in range(n_treat):
        if treat[i, T_KIND] == KIND_IVIG:
            n_checks = _MAX_CHECKS
    n_windows = n_windows_in
    n_proc = 2 + n_treat + n_study + n_checks + n_windows
    nt = np.full(n_proc, np.inf)
    ns = np.full(n_proc, -1, dtype=np.int64)
    kind = np.zeros(n_proc, dtype=np.int64)
    seq = np.zeros(1, dtype=np.int64)
    first_treat = 2
    first_study = 2 + n_treat
    first_check = 2 + n_treat + n_study
    # treatment process state
    t_course = np.zeros(n_treat)  # course_start / dose_start
    t_every = np.zeros(n_treat)
    t_dose = np.zeros(n_treat)
    t_n = np.zeros(n_treat, dtype=np.int64)
    t_phase = np.zeros(n_treat, dtype=np.int64)
    t_d = np.zeros(n_treat, dtype=np.int64)
    t_nxt = np.zeros(n_treat)
    t_peak = np.zeros(n_treat)
    t_strikes = np.zeros(n_treat, dtype=np.int64)
    t_best = np.zeros(n_treat)
    t_before = np.zeros(n_treat, dtype=np.bool_)
    t_g0 = np.zeros(n_treat)
    t_m0 = np.zeros(n_treat, dtype=np.int64)
    # response-check process state
    c_start = np.zeros(_MAX_CHECKS)
    c_g0 = np.zeros(_MAX_CHECKS)
    c_m0 = np.zeros(_MAX_CHECKS, dtype=np.int64)
    c_bg = np.zeros(_MAX_CHECKS)
    c_bm = np.zeros(_MAX_CHECKS, dtype=np.int64)
    c_step = np.zeros(_MAX_CHECKS, dtype=np.int64)
    check_days = np.array([cx[C_CHECK0], cx[C_CHECK1], cx[C_CHECK2]])
    pending = np.zeros(_MAX_CHECKS, dtype=np.int64)  # checks started in the current step
    n_pending = 0

    # grid state
    k = 0
    n_rec = 0
    last_rec = -np.inf
    grid_tail = False
    j_cand = 0
    now = 0.0

    # ---- the initial step of every process, in the order the engine starts them ----------
    kind[0] = _P_GRID
    kind[1] = _P_ATTACKS
    for i in range(n_treat):
        kind[first_treat + i] = _P_TREAT
    for i in range(n_study):
        kind[first_study + i] = _P_STUDY
    for i in range(n_checks):
        kind[first_check + i] = _P_CHECK
    first_window = first_check + n_checks
    for i in range(n_windows):
        kind[first_window + i] = _P_WINDOW
    t_k = np.zeros(n_treat, dtype=np.int64)  # exchange number / ramp day
    t_stop = np.zeros(n_treat)
    # run order: grid, attacks, treatments, studies; then the event loop
    order_init = n_proc - n_checks - n_windows
    init = 0
    while True:
        if init < order_init:
            p = init
            init += 1
            phase_init = True
        else:
            # pick the earliest timeout (time, then creation)
            p = -1
            best_t = np.inf
            best_s = -1
            for q in range(n_proc):
                if ns[q] >= 0 and (nt[q] < best_t or (nt[q] == best_t and ns[q] < best_s)):
                    best_t = nt[q]
                    best_s = ns[q]
                    p = q
            if p < 0 or not (best_t < until):
                break
            now = best_t
            ns[p] = -1
            phase_init = False
        kp = kind[p]
        if kp == _P_GRID:
            if grid_tail:
                # the last, partial interval up to the end
                _advance(xs, now, cx, rho, sens, n_lag)
                _take_and_step(xs, hit, nhit, target, damaged, lost, rev, rate, loss_rate, cx)
                do_record = True
            else:
                _advance(xs, now, cx, rho, sens, n_lag)
                _take_and_step(xs, hit, nhit, target, damaged, lost, rev, rate, loss_rate, cx)
                do_record = k % per_record == 0
            if do_record:
                lift = _lift(xs, cx, rho)
                r = n_rec
                out_days[r] = now
                if full:
                    for q in range(nhit):
                        s = hit[q]
                        living = damaged[s] - lost[s]
                        out_blocked[r, s] = living * (1.0 - lift * rev[s])
                        out_rest[r, s] = living * min(rest_share, 1.0 - lift * rev[s])
                        out_lost[r, s] = lost[s]
                        out_damaged[r, s] = damaged[s]
                    out_igg[r] = xs[_ENDO] + xs[_EXC]
                    out_eff[r] = rho * xs[_EFF]
                else:
                    gl, gr, mrc = _clinical(hit, nhit, damaged, lost, rev, lift, supply_idx,
                                            supply_n, grip_w, thresholds, n_muscles, baseline,
                                            cx, logsum)
                    out_grip[r, 0] = gl
                    out_grip[r, 1] = gr
                    out_mrc[r] = mrc
                    out_igg[r] = xs[_ENDO] + xs[_EXC]
                    out_eff[r] = rho * xs[_EFF]
                    for c in range(N_COUNTS):
                        out_counts[r, c] = counts[c]
                n_rec += 1
                last_rec = now
            if not grid_tail:
                k += 1
                nxt = k * h
                if nxt > end + 1e-9:
                    if last_rec < end - 1e-9:
                        grid_tail = True
                        _schedule(nt, ns, p, now, end, seq)
                else:
                    _schedule(nt, ns, p, now, nxt, seq)
        elif kp == _P_ATTACKS:
            if not phase_init:
                _advance(xs, now, cx, rho, sens, n_lag)
                if cand_acc[j_cand] * cx[C_MAX_MULT] < _lesion_multiplier(xs, cx, rho, sens):
                    site = cand_site[j_cand]
                    sev = cand_sev[j_cand]
                    old = target[site]
                    new = 1.0 - (1.0 - old) * (1.0 - sev)
                    rev[site] = (rev[site] * old + (new - old)) / new
                    target[site] = new
                    if not old > 0:
                        hit[nhit] = site
                        nhit += 1
                    counts[CNT_LESION] += 1
                    _emit(ev_t, ev_c, ev_a, ev_b, ev_v, n_ev, now, EV_LESION, site, 0, sev)
                j_cand += 1
            if j_cand < n_cand:
                _schedule(nt, ns, p, now, cand_day[j_cand], seq)
        elif kp == _P_TREAT:
            i = p - first_treat
            tk = int(treat[i, T_KIND])
            if tk == KIND_PRED:
                if phase_init:
                    t_phase[i] = 1
                    _schedule(nt, ns, p, now, treat[i, T_START], seq)
                elif t_phase[i] == 1:
                    _advance(xs, now, cx, rho, sens, n_lag)
                    xs[_STER] = treat[i, T_LEVEL]
                    _emit(ev_t, ev_c, ev_a, ev_b, ev_v, n_ev, now, EV_STEROID_START, 0, i,
                          treat[i, T_VALUE])
                    stop = treat[i, T_START] + treat[i, T_DURATION]
                    if stop <= end:
                        t_phase[i] = 2
                        _schedule(nt, ns, p, now, stop, seq)
                else:
                    _advance(xs, now, cx, rho, sens, n_lag)
                    xs[_STER] = 0.0
                    _emit(ev_t, ev_c, ev_a, ev_b, ev_v, n_ev, now, EV_STEROID_END, 0, i,
                          treat[i, T_VALUE])
                continue
            if tk == KIND_PE:
                if phase_init:
                    t_k[i] = 0
                else:
                    _advance(xs, now, cx, rho, sens, n_lag)
                    keep = 1.0 - cx[C_REMOVAL]
                    xs[_EXC] *= keep
                    xs[_ENDO] *= keep
                    xs[_PE] += 1
                    _emit(ev_t, ev_c, ev_a, ev_b, ev_v, n_ev, now, EV_EXCHANGE, 0, i,
                          xs[_ENDO] + xs[_EXC])
                    t_k[i] += 1
                # the next of ScheduleSpec.course_days: start + k * every, within the limits
                every = treat[i, T_EVERY]
                cnt = treat[i, T_COUNT]
                last = min(end, treat[i, T_UNTIL])
                if math.isnan(every):
                    day = treat[i, T_START]
                    more = t_k[i] == 0 and day <= end
                else:
                    day = treat[i, T_START] + t_k[i] * every
                    more = (cnt < 0 or t_k[i] < cnt) and day <= last
                if more:
                    _schedule(nt, ns, p, now, day, seq)
                if not phase_init:
                    # the exchange's rebound window: its own process, started after this step
                    slot = -1
                    for q in range(n_windows):
                        if ns[first_window + q] < 0:
                            slot = q
                            break
                    if slot < 0:
                        raise RuntimeError("too many exchange windows at once")
                    _schedule_delay(nt, ns, first_window + slot, now, cx[C_REBOUND], seq)
                continue
            if tk == KIND_COMP:
                eff = treat[i, T_VALUE]
                if phase_init:
                    t_phase[i] = 1
                    _schedule(nt, ns, p, now, treat[i, T_START], seq)
                    continue
                ph = t_phase[i]
                if ph == 1:
                    _emit(ev_t, ev_c, ev_a, ev_b, ev_v, n_ev, now, EV_COMPLEMENT_START, 0, i,
                          eff)
                    dur = treat[i, T_DURATION]
                    t_stop[i] = treat[i, T_START] + dur if not math.isnan(dur) else np.inf
                    t_k[i] = 0
                elif ph == 2:
                    _advance(xs, now, cx, rho, sens, n_lag)
                    kk = t_k[i]
                    ramp_days = int(cx[C_RAMP_DAYS])
                    ramp = 1.0 if kk == ramp_days else 1.0 - math.exp(-kk / cx[C_ONSET_DAYS])
                    xs[_COMP] = eff * ramp
                    t_k[i] = kk + 1
                else:
                    _advance(xs, now, cx, rho, sens, n_lag)
                    xs[_COMP] = 0.0
                    _emit(ev_t, ev_c, ev_a, ev_b, ev_v, n_ev, now, EV_COMPLEMENT_END, 0, i,
                          eff)
                    continue
                # the ramp loop: daily steps up to RAMP_DAYS, then the stop
                kk = t_k[i]
                day = treat[i, T_START] + kk
                if kk <= int(cx[C_RAMP_DAYS]) and not day > min(t_stop[i], end):
                    t_phase[i] = 2
                    _schedule(nt, ns, p, now, day, seq)
                elif t_stop[i] <= end:
                    t_phase[i] = 3
                    _schedule(nt, ns, p, now, t_stop[i], seq)
                continue
            if tk == KIND_FCRN:
                occ = treat[i, T_VALUE]
                if phase_init:
                    t_phase[i] = 1
                    _schedule(nt, ns, p, now, treat[i, T_START], seq)
                elif t_phase[i] == 1:
                    _advance(xs, now, cx, rho, sens, n_lag)
                    _block_fcrn(xs, occ, cx)
                    _emit(ev_t, ev_c, ev_a, ev_b, ev_v, n_ev, now, EV_FCRN_START, 0, i, occ)
                    dur = treat[i, T_DURATION]
                    if not math.isnan(dur) and treat[i, T_START] + dur <= end:
                        t_phase[i] = 2
                        _schedule_delay(nt, ns, p, now, dur, seq)
                else:
                    _advance(xs, now, cx, rho, sens, n_lag)
                    _block_fcrn(xs, 0.0, cx)
                    _emit(ev_t, ev_c, ev_a, ev_b, ev_v, n_ev, now, EV_FCRN_END, 0, i, occ)
                continue
            if tk == KIND_SCIG:
                if phase_init:
                    t_course[i] = treat[i, T_START]
                    t_n[i] = 0
                else:
                    if now > end:
                        continue
                    _advance(xs, now, cx, rho, sens, n_lag)
                    xs[_DEP] += treat[i, T_DOSE] * cx[C_RISE] * cx[C_BIOAVAIL]
                    counts[CNT_DOSE] += 1
                    _emit(ev_t, ev_c, ev_a, ev_b, ev_v, n_ev, now, EV_SCIG, t_n[i] + 1, i,
                          treat[i, T_DOSE])
                    t_n[i] += 1
                    if math.isnan(treat[i, T_EVERY]):
                        continue
                    t_course[i] = t_course[i] + treat[i, T_EVERY]
                cnt = treat[i, T_COUNT]
                if t_course[i] <= end and (cnt < 0 or t_n[i] < cnt) and (
                        t_course[i] <= treat[i, T_UNTIL]):
                    _schedule(nt, ns, p, now, t_course[i], seq)
                continue
            # --- IVIg: phases 0 loop top, 1 course start, 2 next infusion day, 3 peak,
            # 4 trough
            n_days = int(treat[i, T_N_DAYS])
            if phase_init:
                t_every[i] = treat[i, T_EVERY]
                t_dose[i] = treat[i, T_DOSE]
                t_course[i] = treat[i, T_START]
                t_n[i] = 0
                t_strikes[i] = 0
                t_best[i] = 0.0
                phase = 0
            else:
                phase = t_phase[i]
            after_infuse = False
            if phase == 1 and no_response and treat[i, T_STOP_NR] > 0:
                # no response to an adequate course: this entry gives no further course
                _emit(ev_t, ev_c, ev_a, ev_b, ev_v, n_ev, now, EV_IVIG_STOPPED, 0, i,
                      float(t_n[i]))
                phase = -1
            elif phase == 1 or phase == 2:
                if phase == 1:
                    t_before[i] = t_dose[i] >= cx[C_ADEQUATE]
                    if t_before[i]:
                        lift = _look(now, xs, False, hit, nhit, target, damaged, lost, rev, rate,
                                     loss_rate, cx, rho, sens, n_lag, pt, pd, pl, pr)
                        gl, gr, mrc = _clinical(hit, nhit, pd, pl, pr, lift, supply_idx,
                                                supply_n, grip_w, thresholds, n_muscles,
                                                baseline, cx, logsum)
                        t_g0[i] = min(gl, gr)
                        t_m0[i] = mrc
                    t_d[i] = 0
                # infusion day t_d[i]
                d = t_d[i]
                if now > end:
                    after_infuse = True
                else:
                    _advance(xs, now, cx, rho, sens, n_lag)
                    part = t_dose[i] / n_days
                    xs[_EXC] += part * cx[C_RISE]
                    counts[CNT_DOSE] += 1
                    _emit(ev_t, ev_c, ev_a, ev_b, ev_v, n_ev, now, EV_IVIG, t_n[i] + 1,
                          i * 1024 + d + 1, part)
                    if d < n_days - 1:
                        t_d[i] = d + 1
                        t_phase[i] = 2
                        _schedule_delay(nt, ns, p, now, 1.0, seq)
                    else:
                        after_infuse = True
                if after_infuse:
                    t_n[i] += 1
                    if t_before[i] and not no_response:
                        # start a response check (its first step runs after this one)
                        slot = -1
                        for q in range(_MAX_CHECKS):
                            if ns[first_check + q] < 0 and c_step[q] == 0:
                                slot = q
                                break
                        if slot < 0:
                            raise RuntimeError("too many response checks at once")
                        c_start[slot] = t_course[i]
                        c_g0[slot] = t_g0[i]
                        c_m0[slot] = t_m0[i]
                        c_bg[slot] = t_g0[i]
                        c_bm[slot] = t_m0[i]
                        c_step[slot] = -1  # reserved until its first step
                        pending[n_pending] = slot
                        n_pending += 1
                    if math.isnan(t_every[i]):
                        phase = -1  # done
                    else:
                        t_nxt[i] = t_course[i] + t_every[i]
                        if treat[i, T_TITR] > 0 and (
                                t_course[i] + cx[C_PEAK_DAY] < t_nxt[i] <= end):
                            t_phase[i] = 3
                            _schedule(nt, ns, p, now, t_course[i] + cx[C_PEAK_DAY], seq)
                            phase = -2  # waiting
                        else:
                            t_course[i] = t_nxt[i]
                            phase = 0
                else:
                    phase = -2
            elif phase == 3:
                lift = _look(now, xs, False, hit, nhit, target, damaged, lost, rev, rate,
                             loss_rate, cx, rho, sens, n_lag, pt, pd, pl, pr)
                gl, gr, mrc = _clinical(hit, nhit, pd, pl, pr, lift, supply_idx, supply_n,
                                        grip_w, thresholds, n_muscles, baseline, cx, logsum)
                t_peak[i] = min(gl, gr)
                t_phase[i] = 4
                _schedule(nt, ns, p, now, t_nxt[i], seq)
                phase = -2
            elif phase == 4:
                lift = _look(now, xs, False, hit, nhit, target, damaged, lost, rev, rate,
                             loss_rate, cx, rho, sens, n_lag, pt, pd, pl, pr)
                gl, gr, mrc = _clinical(hit, nhit, pd, pl, pr, lift, supply_idx, supply_n,
                                        grip_w, thresholds, n_muscles, baseline, cx, logsum)
                trough = min(gl, gr)
                peak = t_peak[i]
                t_best[i] = max(t_best[i], trough)
                wearing_off = peak > 0 and (peak - trough) / peak * 100 >= treat[i, T_DROP]
                declining = trough < t_best[i] * (1 - treat[i, T_DECLINE] / 100)
                if no_response or not (wearing_off or declining):
                    t_strikes[i] = 0
                else:
                    t_strikes[i] += 1
                    if t_strikes[i] >= treat[i, T_CONFIRM]:
                        t_strikes[i] = 0
                        t_best[i] = 0.0
                        shortest = max(treat[i, T_MIN_EVERY], float(n_days))
                        if treat[i, T_RULE] == 0 and t_every[i] > shortest:
                            t_every[i] = max(shortest, t_every[i] - treat[i, T_STEP_DAYS])
                            counts[CNT_TITRATION] += 1
                            _emit(ev_t, ev_c, ev_a, ev_b, ev_v, n_ev, now, EV_TITRATION, 0, i,
                                  t_every[i])
                        elif t_dose[i] < treat[i, T_MAX_DOSE]:
                            t_dose[i] = np.round(
                                min(treat[i, T_MAX_DOSE], t_dose[i] + treat[i, T_STEP_G]), 6)
                            counts[CNT_TITRATION] += 1
                            _emit(ev_t, ev_c, ev_a, ev_b, ev_v, n_ev, now, EV_TITRATION, 1, i,
                                  t_dose[i])
                t_course[i] = t_nxt[i]
                phase = 0
            if phase == 0:
                cnt = treat[i, T_COUNT]
                if t_course[i] <= end and (cnt < 0 or t_n[i] < cnt) and (
                        t_course[i] <= treat[i, T_UNTIL]):
                    t_phase[i] = 1
                    _schedule(nt, ns, p, now, t_course[i], seq)
            # the checks started in this step take their first step now
            for q in range(n_pending):
                slot = pending[q]
                c_step[slot] = 0
                _check_first(nt, ns, first_check + slot, now, c_start[slot], check_days, end,
                             seq, c_step, slot)
            n_pending = 0
        elif kp == _P_STUDY:
            i = p - first_study
            if phase_init:
                _schedule(nt, ns, p, now, study_day[i], seq)
            else:
                lift = _look(now, xs, study_untouched[i], hit, nhit, target, damaged, lost, rev,
                             rate, loss_rate, cx, rho, sens, n_lag, pt, pd, pl, pr)
                for q in range(nhit):
                    s = hit[q]
                    living = pd[s] - pl[s]
                    st_blocked[i, s] = living * (1.0 - lift * pr[s])
                    st_rest[i, s] = living * min(rest_share, 1.0 - lift * pr[s])
                    st_lost[i, s] = pl[s]
                    st_damaged[i, s] = pd[s]
                _emit(ev_t, ev_c, ev_a, ev_b, ev_v, n_ev, now, EV_STUDY, i, 0, np.nan)
        elif kp == _P_WINDOW:  # an exchange's rebound window closes
            _advance(xs, now, cx, rho, sens, n_lag)
            xs[_PE] -= 1
        else:  # a response check resumes
            slot = p - first_check
            lift = _look(now, xs, False, hit, nhit, target, damaged, lost, rev, rate,
                         loss_rate, cx, rho, sens, n_lag, pt, pd, pl, pr)
            gl, gr, mrc = _clinical(hit, nhit, pd, pl, pr, lift, supply_idx, supply_n, grip_w,
                                    thresholds, n_muscles, baseline, cx, logsum)
            c_bg[slot] = max(c_bg[slot], min(gl, gr))
            c_bm[slot] = max(c_bm[slot], mrc)
            c_step[slot] += 1
            if c_step[slot] < 3:
                _check_first(nt, ns, p, now, c_start[slot], check_days, end, seq, c_step, slot)
            else:
                c_step[slot] = 0
                g0 = c_g0[slot]
                judgeable = g0 < baseline * cx[C_GRIP_JUDGE_SHARE] or (
                    c_m0[slot] <= cx[C_JUDGE_MRC])
                responded = (c_bg[slot] - g0 >= cx[C_RESP_GRIP]) or (
                    c_bm[slot] - c_m0[slot] >= cx[C_RESP_MRC])
                if judgeable and not responded:
                    no_response = True
                    _emit(ev_t, ev_c, ev_a, ev_b, ev_v, n_ev, now, EV_NO_RESPONSE, 0, 0,
                          c_bg[slot] - g0)
    return n_rec


@nb.njit(cache=True)
def _block_fcrn(xs, occupancy, cx):
    """``Exposure.block_fcrn``: infused IgG cleared faster from now on."""
    xs[_FCRN] = occupancy
    speed = 1.0 + (cx[C_FCRN_FACTOR] - 1.0) * occupancy
    xs[_K] = speed * cx[C_LOG2] / cx[C_HALF_LIFE]


@nb.njit(cache=True, inline="always")
def _schedule_delay(nt, ns, p, now, delay, seq):
    """``env.timeout(delay)`` for process ``p``."""
    nt[p] = now + delay
    ns[p] = seq[0]
    seq[0] += 1


@nb.njit(cache=True)
def _check_first(nt, ns, p, now, course_start, check_days, end, seq, c_step, slot):
    """The response check's next wait (or its early end past the run's last day)."""
    day = check_days[c_step[slot]]
    if course_start + day > end:
        c_step[slot] = 0
        return
    _schedule(nt, ns, p, now, course_start + day, seq)


@nb.njit(cache=True, parallel=True, nogil=True)
def simulate_many(
    cx, treat, study_day, study_untouched, out_days,
    cand_off, cand_day, cand_acc, cand_site, cand_sev, rate, loss_rate, rho, sens, baseline,
    supply_idx, supply_n, grip_w, thresholds, n_lag, n_windows_in, full,
    out_blocked, out_rest, out_lost, out_damaged, out_igg, out_eff,
    out_grip, out_mrc, out_counts,
    st_blocked, st_rest, st_lost, st_damaged,
    ev_off, ev_t, ev_c, ev_a, ev_b, ev_v, n_ev, n_rec,
):
    """Run every patient of the batch (patients in parallel); fills the output arrays."""
    n_pat = rate.shape[0]
    for i in nb.prange(n_pat):
        a, b = cand_off[i], cand_off[i + 1]
        ea, eb = ev_off[i], ev_off[i + 1]
        n_rec[i] = _simulate_one(
            cx, treat, study_day, study_untouched, out_days[i],
            cand_day[a:b], cand_acc[a:b], cand_site[a:b], cand_sev[a:b], rate[i],
            loss_rate[i], rho[i], sens[i], baseline[i],
            supply_idx, supply_n, grip_w, thresholds, n_lag, n_windows_in, full,
            out_blocked[i], out_rest[i], out_lost[i], out_damaged[i], out_igg[i], out_eff[i],
            out_grip[i], out_mrc[i], out_counts[i],
            st_blocked[i], st_rest[i], st_lost[i], st_damaged[i],
            ev_t[ea:eb], ev_c[ea:eb], ev_a[ea:eb], ev_b[ea:eb], ev_v[ea:eb], n_ev[i:i + 1],
        )
