"""Needle EMG and F-waves: denervation, reinnervation and recruitment per muscle; F-waves per
motor nerve."""

from __future__ import annotations

import functools

import streamlit as st

from app_pages import state, tables
from sim import figures as F
from sim.anatomy import ANATOMY

ctx = state.page_setup("Needle EMG and F-waves")
run = ctx.run
st.markdown(
    "The needle tells block from axonal loss. A weak muscle with **blocked but intact** axons: "
    "few units firing fast (reduced recruitment), normal units, no fibrillations. Axons "
    "**degenerating**: fibrillations and positive sharp waves. Months later: large, long, "
    "polyphasic units as sprouts reinnervate. Traces are synthesized, without sound."
)
state.diagnosis_button(ctx, "emg_to_diagnosis")
names = [m.name for n in ANATOMY.nerves for m in n.muscles]


@functools.cache
def opening() -> tuple[str, str]:
    """(side, muscle) with the most denervation, else the weakest: the teaching finding."""
    emg = run.emg(state.current_day(ctx))
    row = emg.sort_values(["fibrillations", "mup_amplitude_mv"], ascending=False).iloc[0]
    return str(row["side"]), str(row["muscle"])


c1, c2 = st.columns(2)
muscle = c1.selectbox("Muscle", names, key=state.keep("emg_muscle", default=lambda: opening()[1]),
                      help="Muscle the needle is in.")
side = c2.radio("Side", ("left", "right"), horizontal=True,
                key=state.keep("emg_side", default=lambda: opening()[0]), help="Which side.")


def draw(day: int) -> None:
    emg = run.emg(day)
    row = emg[(emg["muscle"] == muscle) & (emg["side"] == side)].iloc[0]
    # One above the other: side by side at 1024 px the grid's muscle names and the traces'
    # read-outs did not fit their columns.
    state.chart(F.emg_trace_figure(row, f"Needle EMG: {side} {muscle}, day {day}"),
                "emg_trace", emg[(emg["muscle"] == muscle) & (emg["side"] == side)],
                "the EMG values these traces show")
    state.chart(F.emg_grid_figure(emg), "emg_grid", emg.drop(columns=["patient"]),
                "needle EMG of every muscle")
    st.subheader("F-waves")
    st.caption("Persistence falls, or F-waves vanish, where block lies proximally (plexus, "
               "roots) beyond the stimulation points; the minimal latency stays normal or is "
               "only mildly prolonged.")
    tables.show(run.fwaves(day).drop(columns=["patient"]), key="fwaves_table",
                 hide_index=True)


state.scrubbed(ctx, draw, playable=False)
