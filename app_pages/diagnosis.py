"""Diagnosis: the EFNS/PNS 2010 checklist evaluated from the simulated patient."""

from __future__ import annotations

import streamlit as st

from app_pages import state
from sim import diagnosis as checklist

ctx = state.page_setup("Diagnosis checklist (EFNS/PNS 2010)")
st.markdown(
    "Each criterion of the EFNS/PNS 2010 guideline (van Schaik et al., J Peripher Nerv Syst "
    "2010;15:295) is checked against the virtual patient on the chosen day, with the finding "
    "that decides it."
)
SECTIONS = (
    ("clinical core", "Clinical core criteria (all needed)"),
    ("exclusions", "Exclusion criteria (all must be absent)"),
    ("supportive", "Supportive criteria"),
    ("electrodiagnostic", "Electrodiagnostic criteria"),
)


def draw(day: int) -> None:
    cl = checklist.evaluate(ctx.run, day)
    box = {"definite": st.success, "probable": st.info, "possible": st.warning,
           "not met": st.error}[cl.category]
    box(f"On day {day}: **{cl.category} MMN** by the EFNS/PNS 2010 categories.")
    for key, title in SECTIONS:
        st.subheader(title)
        for item in cl.section(key):
            mark = ":material/check_box:" if item.met else ":material/check_box_outline_blank:"
            st.markdown(f"{mark} **{item.label}** — {item.finding}")
    with st.expander("Nerve conduction summary"):
        st.markdown("\n".join(f"- {line}" for line in cl.ncs_lines))
    with st.expander("Data table: checklist"):
        st.dataframe(checklist.table(cl), key="diagnosis_table", hide_index=True)


state.scrubbed(ctx, draw)
