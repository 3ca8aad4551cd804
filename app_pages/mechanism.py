"""Mechanism: one segment's motor fibres at the chosen day, and why the blocked ones fail."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import streamlit as st

from app_pages import state, tables
from sim import electro
from sim import figures as F
from sim.anatomy import ANATOMY

ctx = state.page_setup("Mechanism: why a blocked nerve does not conduct")
state.teaching(ctx, "mechanism")
run = ctx.run
motor_names = [n.name for n in ANATOMY.nerves if len(n.points) > 1]


@st.cache_resource(show_spinner=False)
def _fibre():
    """The compiled fibre model, loaded once per server (numba; no other page needs it)."""
    from sim.electro import fibre
    from sim.electro.fibre import population

    return fibre, population


@st.cache_data(show_spinner="Simulating the segment's 100 fibres…", max_entries=64)
def _population(state_: tuple[float, float, float, float], seed: int, temperature: float):
    _, population = _fibre()
    block, rest, loss, damage = state_
    return population.segment_fibres(block, rest, loss, damage=damage, n=100, seed=seed,
                                      temperature_c=temperature)


@st.cache_data(show_spinner=False, max_entries=64)
def _sweeps(diameter: float, severity: float, temperature: float, hold: float):
    fibre, _ = _fibre()
    spec = fibre.FibreSpec(diameter_um=diameter, temperature_c=temperature, hold_na=hold)
    healthy = fibre.sweep(spec)
    damaged_spec = fibre.FibreSpec(diameter_um=diameter, temperature_c=temperature,
                                   hold_na=hold, damage=fibre.NodeDamage.from_severity(severity))
    return healthy, fibre.sweep(damaged_spec), fibre.safety_factor(damaged_spec)


@functools.cache
def opening() -> tuple[str, str]:
    return electro.most_blocked_nerve(run.snapshot(state.current_day(ctx)))


c1, c2, c3 = st.columns([2, 1, 2])
nerve = c1.selectbox("Motor nerve", motor_names,
                     key=state.keep("mech_nerve", default=lambda: opening()[1]),
                     help="The nerve whose segment you look into.")
side = c2.radio("Side", ("left", "right"), horizontal=True,
                key=state.keep("mech_side", default=lambda: opening()[0]),
                help="Which side.")
segments = electro.probe_segments(nerve)
c4, c5 = st.columns(2)
temperature = c4.slider("Nerve temperature (°C)", 20.0, 37.0, step=1.0,
                        key=state.keep("mech_temperature", default=lambda: 37.0),
                        help="Cooling slows the channels' kinetics (the MRG model's Q10 "
                             "factors, McIntyre et al. 2002).")
train = c5.toggle("After a minute of maximal effort",
                  key=state.keep("mech_train", default=lambda: False),
                  help="Sustained firing makes the sodium pump hyperpolarise the axon by about "
                       "6 mV here (Kaji 2000): fibres close to failing then fail.")


def _segment_default(day: int) -> str:
    return electro.most_blocked_segment(run.snapshot(day), side, nerve)


@st.fragment
def _profile(time_ms, pos, healthy_mv, damaged_mv, lesion) -> None:
    """The impulse frame by frame: moving the time slider redraws only this chart."""
    stimulus = _fibre()[0].Pulse().start_ms
    at_ms = st.slider(f"Time (ms; the stimulus at {stimulus:g} ms)", 0.0, 2.0, step=0.05,
                      key=state.keep("mech_time", default=lambda: 0.5),
                      help="Step through the impulse: the healthy fibre's spike runs the whole "
                           "fibre; the damaged one's stops at the lesion.")
    k = int(np.clip(np.searchsorted(time_ms, at_ms), 0, len(time_ms) - 1))
    table = pd.DataFrame({"node": np.arange(len(pos)), "distance_mm": np.round(pos, 2),
                          "healthy_mv": np.round(healthy_mv[k], 1),
                          "damaged_mv": np.round(damaged_mv[k], 1)})

    def where(mv: np.ndarray) -> str:
        firing = np.flatnonzero(mv[k] > -20.0)
        return (f"firing at {pos[firing].min():.0f}-{pos[firing].max():.0f} mm" if firing.size
                else "at rest (no node above -20 mV)")

    state.chart(F.fibre_profile_figure(time_ms, pos, [("healthy fibre", healthy_mv),
                                                      ("damaged at the lesion", damaged_mv)],
                                       lesion, at_ms, stimulus),
                "mech_profile", table, "voltage at each node at this instant",
                describe=f"At {time_ms[k]:.2f} ms the healthy fibre is {where(healthy_mv)}; "
                         f"the damaged one is {where(damaged_mv)} (lesion "
                         f"{lesion[0]:.0f}-{lesion[1]:.0f} mm).")


def draw(day: int) -> None:
    names = [s.name for s in segments]
    segment_name = c3.selectbox("Segment", names,
                                key=state.keep("mech_segment",
                                               default=lambda: _segment_default(day)),
                                help="A stretch between two stimulation points: the one a "
                                     "block is measured across.")
    if segment_name not in names:
        segment_name = names[0]
    seg = next(s for s in segments if s.name == segment_name)
    snap = run.snapshot(day)
    site = ANATOMY.site_index[(side, nerve, seg.name)]
    _, population = _fibre()
    shares = population.site_state(snap, site)
    _, rest, loss, _ = shares
    fibres = _population(shares, ctx.seed, temperature)
    failing = fibres.share_failing_in_train if train else fibres.share_failing_at_rest
    m1, m2, m3 = st.columns(3)
    m1.metric("NCS block at rest", f"{rest:.0%}",
              help="The patient model's block here: the share of the segment's original "
                   "axons alive but failing one impulse, what a nerve study measures.")
    m2.metric("Fibres failing" + (" after effort" if train else ""), f"{failing:.0%}",
              help="Measured by simulating each of the segment's fibres.")
    m3.metric("Axons lost here", f"{loss:.0%}")
    if temperature < 37.0:
        body = _population(shares, ctx.seed, 37.0)
        body_failing = body.share_failing_in_train if train else body.share_failing_at_rest
        st.caption(f"The same fibres cooled to {temperature:g} °C: {failing:.0%} fail, against "
                   f"{body_failing:.0%} at 37 °C. In this model cooling lets fibres that only "
                   "just failed conduct again, the opposite of the weakness in the cold that "
                   "patients with MMN report (Straver 2011): see what the model leaves out.")
    status = np.where(~fibres.conducts_at_rest, 2, np.where(~fibres.conducts_in_train, 1, 0))
    table = F.population_table(fibres.diameter_um, fibres.severity, status)
    state.chart(F.population_figure(table, f"The {len(table)} living fibres of the {side} "
                                           f"{nerve}, {seg.name}, day {day}"),
                "mech_population", table, "each fibre's diameter, severity and result")
    # One fibre to look into: the median failing one, else the most damaged that conducts.
    i = population.example_fibre(fibres)
    if i is None:
        st.info("Every axon at this site has degenerated: there is no fibre left to show.")
        return
    hold = -0.03 if train else 0.0
    healthy, damaged, sf = _sweeps(float(fibres.diameter_um[i]), float(fibres.severity[i]),
                                   temperature, hold)
    fibre, _ = _fibre()
    pos = damaged.node_position_mm
    lesion = (float(pos[fibre.LESION_NODES[0]]), float(pos[fibre.LESION_NODES[-1]]))
    verdict = "conducts" if damaged.conducted else "fails at the lesion"
    if fibres.severity[i] == 0:
        verdict = "is undamaged and conducts"
    st.subheader(f"One fibre, {fibres.diameter_um[i]:.1f} µm: healthy beside damaged "
                 f"(it {verdict}; safety factor {sf:.2f})")
    st.caption("Each panel is the fibre's membrane voltage at its 21 nodes of Ranvier over "
               "time: the impulse is the bright stripe climbing the fibre. Dashed lines mark "
               "the lesion, where antibody and complement have removed sodium channels, "
               "lifted the paranodal myelin and lengthened the nodes (Susuki 2007). Below a "
               "safety factor of 1 the impulse cannot charge the next node to threshold.")
    fig = F.fibre_figure(damaged.time_ms, pos, [("healthy fibre", healthy.node_mv),
                                                 ("damaged at the lesion", damaged.node_mv)],
                         lesion, stimulus_ms=fibre.Pulse().start_ms)
    state.chart(fig, "mech_fibre", F.fibre_table(pos, [healthy.arrivals_ms[0],
                                                        damaged.arrivals_ms[0]],
                                                  ["healthy", "damaged"]),
                "arrival of the impulse at each node")
    _profile(damaged.time_ms, pos, healthy.node_mv, damaged.node_mv, lesion)
    supplied = [m.name for m in ANATOMY.nerve_by_name[nerve].muscles
                if seg.index >= m.branch_segment]
    when = " right after a minute of maximal effort (a fatigue test, Nodera 2006)" if train else ""
    st.markdown(
        f"**What the nerve study shows.** Stimulated above this segment{when}, "
        f"{failing:.0%} of the fibres cannot carry the impulse to the muscle, so the proximal "
        f"CMAP is about {failing / max(1e-9, 1 - loss):.0%} smaller than the distal one "
        f"(see the Nerve conduction page). Muscles whose nerve supply crosses this segment: "
        f"{', '.join(supplied) if supplied else 'none recorded'}.")
    with st.expander("What this model leaves out"):
        st.markdown(
            "A teaching model: one MRG double-cable fibre (McIntyre et al. 2002) with damage "
            "imposed at five nodes, not grown from antibody binding. It has no ion "
            "concentrations or pump dynamics (the effort's hyperpolarisation is imposed), no "
            "fast potassium channels and no muscle. Cooling here *raises* a damaged node's "
            "safety factor, as in classical physiology, yet patients with MMN report "
            "weakness in the cold (Straver 2011): the model does not explain cold paresis.")
    with st.expander("Data table: the segment's fibres"):
        tables.show(table, key="mech_fibres", hide_index=True)


state.scrubbed(ctx, draw, playable=False)
