"""Nerve conduction study: stacked CMAP traces, values table with block grades, SNAPs."""

from __future__ import annotations

import functools

import streamlit as st

from app_pages import glossary, state, tables
from sim import electro
from sim import figures as F
from sim.anatomy import ANATOMY

ctx = state.page_setup("Nerve conduction study")
run = ctx.run
motor_names = [n.name for n in ANATOMY.nerves if len(n.points) > 1] + [
    n.name for n in ANATOMY.nerves if len(n.points) == 1
]


@functools.cache
def opening() -> tuple[str, str]:
    """(side, nerve) with the most block at the scrubbed day: the teaching finding."""
    return electro.most_blocked_nerve(run.snapshot(state.current_day(ctx)))


c1, c2 = st.columns(2)
nerve = c1.selectbox("Motor nerve", motor_names,
                     key=state.keep("ncs_nerve", default=lambda: opening()[1]),
                     help="Nerve stimulated; the recorded muscle is shown in the title.")
side = c2.radio("Side", ("left", "right"), horizontal=True,
                key=state.keep("ncs_side", default=lambda: opening()[0]),
                help="Which side to study.")
NUM = ["latency_ms", "amplitude", "area", "duration_ms", "cv_m_per_s", "block_pct"]


def draw(day: int) -> None:
    study = run.ncs(day)
    motor = study[(study["nerve"] == nerve) & (study["side"] == side)
                  & (study["kind"] == "motor")]
    nv = ANATOMY.nerve_by_name[nerve]
    waves = run.ncs_waveforms(day, nerve, side)
    left, right = st.columns([3, 2])
    with left:
        st.subheader(f"Motor: {side} {nerve} (recording {nv.recorded})")
        if nv.recorded in glossary.GLOSSARY:  # an abbreviation (APB), not a word (biceps)
            st.caption(f"{nv.recorded}: {glossary.spell(nv.recorded)}.")
        fig = F.ncs_traces_figure(waves, motor, "mV", f"CMAPs, day {day}")
        state.chart(fig, "ncs_motor", motor[["stim_site", *NUM, "grade"]].round(2),
                    "CMAP values at each stimulation point")
        st.markdown("**Values** (block % = CMAP area lost against the next distal point)")
        tables.show(motor[["stim_site", *NUM, "grade"]].round(2), key="ncs_values",
                     hide_index=True)
    limb = nv.limb
    sens = study[(study["kind"] == "sensory") & (study["side"] == side)]
    sens = sens[sens["nerve"].isin([s.name for s in ANATOMY.sensory if s.limb == limb])]
    traces = {
        r.nerve: electro.snap_waveform(r.amplitude, r.latency_ms, r.duration_ms)
        for r in sens.itertuples(index=False)
    }
    labelled = sens.assign(stim_site=sens["nerve"])
    with right:
        st.subheader(f"Sensory: {side} {limb}")
        st.caption("Sensory responses stay normal in MMN.")
        state.chart(F.ncs_traces_figure(traces, labelled, "µV", "SNAPs"), "ncs_sensory",
                    sens[["nerve", "latency_ms", "amplitude", "cv_m_per_s"]].round(2),
                    "sensory nerve action potentials")
    inside = [s.name for s in electro.probe_segments(nv.name)]
    if inside:
        look = st.selectbox("Look inside a segment (Mechanism page)", inside,
                            key=state.key("ncs_mechanism_segment"),
                            help="Open this segment's fibres on the Mechanism page: why the "
                                 "blocked ones fail, down to the node of Ranvier.")
        if st.button("Open in Mechanism", key=state.key("ncs_open_mechanism")):
            st.session_state[state.key("mech_nerve")] = nerve
            st.session_state[state.key("mech_side")] = side
            st.session_state[state.key("mech_segment")] = look
            st.switch_page("app_pages/mechanism.py")
    summary = electro.summarize(study)
    st.subheader("EFNS/PNS 2010 reading of the whole study (all nerves, both sides)")
    level = {"definite": st.success, "probable": st.info, "none": st.warning}[summary.level]
    level(f"Electrodiagnostic level: **{summary.level}**")
    st.markdown("\n".join(f"- {line}" for line in summary.lines()))
    with st.expander("Data table: full study, every nerve and side"):
        tables.show(study.round(2), key="ncs_full", hide_index=True)


state.scrubbed(ctx, draw, playable=False)
