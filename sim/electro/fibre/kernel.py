"""The compiled time loop of the fibre model: a double cable with MRG nodal channels.

Why compiled: a 5 ms sweep of a 21-node fibre is about 1,000 steps over 221 compartments,
and a segment's population is a hundred such fibres; in numpy that is seconds, compiled it
is milliseconds, which is what lets the Mechanism page follow the day slider.

The equations are those of McIntyre, Richardson and Grill (McIntyre et al. 2002),
the "MRG" model: every compartment has an axolemma (inside against the periaxonal space) and
a myelin sheath (periaxonal space against the outside, which is ground). At a node the
periaxonal space is the outside (its potential is held at 0). Nodes carry fast and
persistent sodium, slow potassium and a leak; the other compartments are passive. Voltages
are in mV, times in ms, conductances in uS, capacitances in nF and currents in nA.

Integration: Crank-Nicolson for the two coupled cables, with the gates half a step apart from
the voltages (the staggered scheme NEURON uses), so both are second-order accurate: a 5 us step
gives the converged velocity to 0.5%. The gates advance by Crank-Nicolson too, from rate
constants tabulated every 0.05 mV (as NEURON's ``usetable``). The linear system is solved by
static condensation: the ten passive compartments between two nodes have constant
coefficients, so their elimination is factorised once per step size, and each step solves only
a tridiagonal system over the 21 nodes plus independent passes along each internode (no
division in the long chain, which is what made a plain block Thomas slow).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

__all__ = ["run", "rate_table", "E_NA", "E_K", "E_L", "V_REST", "SETTLE_DT"]

# Reversal potentials and resting potential of the MRG node (McIntyre et al. 2002).
E_NA = 50.0
E_K = -90.0
E_L = -90.0
V_REST = -80.0
# Step (ms) of the rest period before a sweep, where only the steady state matters.
SETTLE_DT = 0.1
# The rate table: every 0.05 mV from -200 to +150 mV (voltages beyond are clamped).
V_MIN = -200.0
V_STEP = 0.05
N_TABLE = 7001


@nb.njit(cache=True, inline="always")
def _lin(a: float, b: float, c: float, v: float) -> float:
    """a*(v+b) / (1 - exp(-(v+b)/c)), with its limit a*c at v = -b."""
    x = (v + b) / c
    if abs(x) < 1e-6:
        return a * c
    return a * (v + b) / (1.0 - math.exp(-x))


@nb.njit(cache=True, inline="always")
def _lin_neg(a: float, b: float, c: float, v: float) -> float:
    """a*(-(v+b)) / (1 - exp((v+b)/c)), with its limit a*c at v = -b."""
    x = (v + b) / c
    if abs(x) < 1e-6:
        return a * c
    return -a * (v + b) / (1.0 - math.exp(x))


@nb.njit(cache=True)
def _alpha_beta(v: float, q1: float, q2: float, q3: float) -> np.ndarray:
    """Opening and closing rates (1/ms) of the four MRG gates (mp, m, h, s) at voltage v.

    Rate constants as published by McIntyre et al. 2002 (their nodal model), with its Q10
    factors q1 (2.2, referenced to 20 C: mp, m), q2 (2.9, 20 C: h) and q3 (3.0, 36 C: s).
    """
    out = np.empty(8)
    out[0] = q1 * _lin(0.01, 27.0, 10.2, v)
    out[1] = q1 * _lin_neg(0.00025, 34.0, 10.0, v)
    out[2] = q1 * _lin(1.86, 21.4, 10.3, v)
    out[3] = q1 * _lin_neg(0.086, 25.7, 9.16, v)
    out[4] = q2 * _lin_neg(0.062, 114.0, 11.0, v)
    out[5] = q2 * 2.3 / (1.0 + math.exp(-(v + 31.8) / 13.4))
    v2 = v + 80.0  # the slow potassium gate in the "Traub" convention (v - vtraub, vtraub -80)
    out[6] = q3 * 0.3 / (math.exp((v2 - 27.0) / -5.0) + 1.0)
    out[7] = q3 * 0.03 / (math.exp((v2 + 10.0) / -1.0) + 1.0)
    return out


@nb.njit(cache=True)
def rate_table(q1: float, q2: float, q3: float) -> np.ndarray:
    """Rate constants (1/ms) alpha_mp, beta_mp, alpha_m, beta_m, alpha_h, beta_h, alpha_s,
    beta_s at every tabulated voltage, at the temperature the Q10 factors stand for."""
    out = np.empty((N_TABLE, 8))
    for k in range(N_TABLE):
        out[k, :] = _alpha_beta(V_MIN + k * V_STEP, q1, q2, q3)
    return out


@nb.njit(cache=True, inline="always")
def _advance(x: float, alpha: float, beta: float, dt: float) -> float:
    """Crank-Nicolson step of dx/dt = alpha (1 - x) - beta x."""
    k = 0.5 * dt * (alpha + beta)
    return (x * (1.0 - k) + dt * alpha) / (1.0 + k)


@nb.njit(cache=True)
def _factor(h, cm, gpas, gkx, cmy, gmy, node, ga, gp):
    """The elimination of every passive compartment for a step ``h``: the inverses of the
    modified diagonal blocks, the multipliers, and the responses P and Q of each compartment
    to a unit voltage at the node on its left and on its right."""
    n = cm.shape[0]
    inv = np.zeros((n, 4))
    mul = np.zeros((n, 4))
    resp = np.zeros((n, 4))  # P_i, P_p, Q_i, Q_p
    i = 0
    while i < n:
        if node[i] == 1:
            i += 1
            continue
        start = i
        while i < n and node[i] == 0:
            i += 1
        end = i
        for j in range(start, end):
            a = cm[j] / h
            ag = a + gpas[j] + gkx[j]
            c11 = ag + ga[j - 1] + ga[j]
            c12 = -ag
            c21 = -ag
            c22 = cmy[j] / h + gmy[j] + gp[j - 1] + gp[j] + ag
            if j > start:
                m11 = -ga[j - 1] * inv[j - 1, 0]
                m12 = -ga[j - 1] * inv[j - 1, 1]
                m21 = -gp[j - 1] * inv[j - 1, 2]
                m22 = -gp[j - 1] * inv[j - 1, 3]
                mul[j, 0] = m11
                mul[j, 1] = m12
                mul[j, 2] = m21
                mul[j, 3] = m22
                c11 += m11 * ga[j - 1]
                c12 += m12 * gp[j - 1]
                c21 += m21 * ga[j - 1]
                c22 += m22 * gp[j - 1]
            inv_det = 1.0 / (c11 * c22 - c12 * c21)
            inv[j, 0] = c22 * inv_det
            inv[j, 1] = -c12 * inv_det
            inv[j, 2] = -c21 * inv_det
            inv[j, 3] = c11 * inv_det
        for col in range(2):  # 0: unit voltage at the left node, 1: at the right node
            y1 = np.zeros(end - start)
            y2 = np.zeros(end - start)
            for j in range(start, end):
                r1 = ga[start - 1] if (col == 0 and j == start) else 0.0
                r1 += ga[end - 1] if (col == 1 and j == end - 1) else 0.0
                r2 = 0.0
                if j > start:
                    r1 -= mul[j, 0] * y1[j - 1 - start] + mul[j, 1] * y2[j - 1 - start]
                    r2 -= mul[j, 2] * y1[j - 1 - start] + mul[j, 3] * y2[j - 1 - start]
                y1[j - start] = r1
                y2[j - start] = r2
            for j in range(end - 1, start - 1, -1):
                r1 = y1[j - start]
                r2 = y2[j - start]
                if j < end - 1:
                    r1 += ga[j] * y1[j + 1 - start]
                    r2 += gp[j] * y2[j + 1 - start]
                y1[j - start] = inv[j, 0] * r1 + inv[j, 1] * r2
                y2[j - start] = inv[j, 2] * r1 + inv[j, 3] * r2
            for j in range(start, end):
                resp[j, 2 * col] = y1[j - start]
                resp[j, 2 * col + 1] = y2[j - start]
    return inv, mul, resp


@nb.njit(cache=True)
def run(cm, gpas, epas, gkx, cmy, gmy, node, gnaf, gnap, gks, gl, ga, gp, ihold,
        stim_at, pulse_on, pulse_off, pulse_amp, table, dt, n_steps, settle_ms, record,
        every, stop_at, stop_mv):
    """Integrate the fibre for ``n_steps`` of ``dt`` ms after ``settle_ms`` of rest.

    Per-compartment arrays (length n, a node first and last, passive compartments between):
    ``cm`` axolemma capacitance, ``gpas``/``epas`` passive axolemma, ``gkx`` exposed potassium
    (reversal E_K), ``cmy``/``gmy`` myelin, ``node`` (1 where the periaxonal space is ground),
    ``gnaf``/``gnap``/``gks``/``gl`` nodal channels at full opening, ``ihold`` a steady
    injected current. ``ga``/``gp`` (length n-1): the intracellular and periaxonal
    conductances between neighbours. Current pulses ``k`` of ``pulse_amp[k]`` nA go into node
    compartment ``stim_at`` from ``pulse_on[k]`` to ``pulse_off[k]`` ms. ``table``: from
    :func:`rate_table`. Returns the membrane voltage of the compartments in ``record`` every
    ``every`` steps (shape (n_steps // every + 1, len(record))). If ``stop_at`` is a
    compartment (not -1), the run ends early, once the membrane there has crossed ``stop_mv``
    upwards after the first pulse: the rows kept end there (a question of "did it conduct?"
    needs no more, and a conducting fibre then costs a third of a failing one).
    """
    n = cm.shape[0]
    nodes = np.flatnonzero(node == 1)
    nn = nodes.shape[0]
    vi = np.full(n, V_REST)
    vp = np.zeros(n)
    # Gates of each node, at rest.
    gates = np.empty((nn, 4))
    k0 = int(round((V_REST - V_MIN) / V_STEP))
    for g in range(4):
        alpha = table[k0, 2 * g]
        gates[:, g] = alpha / (alpha + table[k0, 2 * g + 1])
    # Constant parts of the passive compartments' currents.
    ge_pas = gpas * epas + gkx * E_K
    settle_steps = int(round(settle_ms / SETTLE_DT))
    f_settle = _factor(SETTLE_DT, cm, gpas, gkx, cmy, gmy, node, ga, gp)
    f_sweep = _factor(0.5 * dt, cm, gpas, gkx, cmy, gmy, node, ga, gp)
    y1 = np.zeros(n)
    y2 = np.zeros(n)
    lower = np.zeros(nn)
    diag = np.zeros(nn)
    upper = np.zeros(nn)
    rhs = np.zeros(nn)
    vnode = np.zeros(nn)
    out = np.empty((n_steps // every + 1, record.shape[0]))
    row = 0
    below = True
    crossed = False
    total = settle_steps + n_steps
    for step in range(total):
        settling = step < settle_steps
        h = SETTLE_DT if settling else 0.5 * dt
        inv, mul, resp = f_settle if settling else f_sweep
        t = (step - settle_steps) * dt
        # 1. Every internode on its own: y = the passive compartments' solution with both
        #    neighbouring nodes at 0 mV (forward pass, then back substitution).
        for j in range(n):
            if node[j] == 1:
                continue
            a = cm[j] / h
            vm_old = vi[j] - vp[j]
            r1 = a * vm_old + ge_pas[j] + ihold[j]
            r2 = cmy[j] / h * vp[j] - a * vm_old - ge_pas[j]
            if node[j - 1] == 0:
                r1 -= mul[j, 0] * y1[j - 1] + mul[j, 1] * y2[j - 1]
                r2 -= mul[j, 2] * y1[j - 1] + mul[j, 3] * y2[j - 1]
            y1[j] = r1
            y2[j] = r2
        for j in range(n - 1, -1, -1):
            if node[j] == 1:
                continue
            r1 = y1[j]
            r2 = y2[j]
            if node[j + 1] == 0:
                r1 += ga[j] * y1[j + 1]
                r2 += gp[j] * y2[j + 1]
            y1[j] = inv[j, 0] * r1 + inv[j, 1] * r2
            y2[j] = inv[j, 2] * r1 + inv[j, 3] * r2
        # 2. The nodes: a tridiagonal system once the internodes are written through P, Q, y.
        for k in range(nn):
            c = nodes[k]
            x = gates[k]
            gna = gnaf[c] * x[1] * x[1] * x[1] * x[2] + gnap[c] * x[0] * x[0] * x[0]
            gk = gks[c] * x[3]
            g = gna + gk + gl[c]
            a = cm[c] / h
            inj = ihold[c]
            if not settling and c == stim_at:
                for p in range(pulse_on.shape[0]):
                    if pulse_on[p] <= t < pulse_off[p]:
                        inj += pulse_amp[p]
            d = a + g
            b = a * vi[c] + gna * E_NA + gk * E_K + gl[c] * E_L + inj
            lo = 0.0
            up = 0.0
            if c > 0:
                gl_ = ga[c - 1]
                d += gl_ * (1.0 - resp[c - 1, 2])
                lo = -gl_ * resp[c - 1, 0]
                b += gl_ * y1[c - 1]
            if c < n - 1:
                gr = ga[c]
                d += gr * (1.0 - resp[c + 1, 0])
                up = -gr * resp[c + 1, 2]
                b += gr * y1[c + 1]
            lower[k] = lo
            diag[k] = d
            upper[k] = up
            rhs[k] = b
        for k in range(1, nn):
            w = lower[k] / diag[k - 1]
            diag[k] -= w * upper[k - 1]
            rhs[k] -= w * rhs[k - 1]
        vnode[nn - 1] = rhs[nn - 1] / diag[nn - 1]
        for k in range(nn - 2, -1, -1):
            vnode[k] = (rhs[k] - upper[k] * vnode[k + 1]) / diag[k]
        # 3. Back to every compartment: half-step solution, then Crank-Nicolson extrapolation.
        left = 0.0
        kk = -1
        for j in range(n):
            if node[j] == 1:
                kk += 1
                half_i = vnode[kk]
                half_p = 0.0
                left = vnode[kk]
            else:
                right = vnode[kk + 1]
                half_i = y1[j] + resp[j, 0] * left + resp[j, 2] * right
                half_p = y2[j] + resp[j, 1] * left + resp[j, 3] * right
            if settling:
                vi[j] = half_i
                vp[j] = half_p
            else:
                vi[j] = 2.0 * half_i - vi[j]
                vp[j] = 2.0 * half_p - vp[j]
        # 4. The gates, half a step after the voltages, advanced a full step at the new voltage.
        g_dt = h if settling else dt
        for k in range(nn):
            v = vi[nodes[k]]
            u = (v - V_MIN) / V_STEP
            if u < 0.0:
                u = 0.0
            elif u > N_TABLE - 1.001:
                u = N_TABLE - 1.001
            i0 = int(u)
            f = u - i0
            for g in range(4):
                alpha = table[i0, 2 * g] + f * (table[i0 + 1, 2 * g] - table[i0, 2 * g])
                beta = table[i0, 2 * g + 1] + f * (table[i0 + 1, 2 * g + 1]
                                                    - table[i0, 2 * g + 1])
                gates[k, g] = _advance(gates[k, g], alpha, beta, g_dt)
        if not settling:
            s = step - settle_steps
            if stop_at >= 0 and t >= pulse_on[0]:
                vm = vi[stop_at] - vp[stop_at]
                crossed = crossed or (below and vm >= stop_mv)
                below = vm < stop_mv
            if s % every == 0:
                for q in range(record.shape[0]):
                    out[row, q] = vi[record[q]] - vp[record[q]]
                row += 1
                if crossed:
                    return out[:row]
    if row < out.shape[0]:
        for q in range(record.shape[0]):
            out[row, q] = vi[record[q]] - vp[record[q]]
        row += 1
    return out[:row]
