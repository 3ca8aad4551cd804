"""Diagnosis: the EFNS/PNS 2010 checklist evaluated from the simulated patient's findings."""

from __future__ import annotations

import streamlit as st

from app_pages import state, tables
from sim import diagnosis as checklist
from sim import mnd_pattern
from sim.labs import LAB_TESTS


def _line(item) -> str:
    """One checklist item: a box and the words "met" or "not met" (a screen reader reads
    both; an icon font would read out its name), then the item and its finding."""
    mark = "☑ met" if item.met else "☐ not met"
    return f"{mark}: **{item.label}** ({item.criterion}) — {item.finding}"


ctx = state.page_setup("Diagnosis checklist (EFNS/PNS 2010)")
st.markdown(
    "Each criterion of the EFNS/PNS 2010 guideline (van Schaik et al., J Peripher Nerv Syst "
    "2010;15:295) is checked against the virtual patient's findings on the chosen day "
    "(examination, nerve conduction, laboratory), with the finding that decides it. The "
    "category follows the guideline's rules: the supportive criteria that count for "
    "*probable* are the laboratory ones."
)
state.diagnosis_button(ctx, "checklist_to_diagnosis")
SECTIONS = (
    ("clinical core", "Clinical core criteria (all needed)"),
    ("exclusions", "Exclusion criteria (all must be absent)"),
    ("electrodiagnostic", "Electrodiagnostic criteria"),
    ("supportive laboratory", "Supportive criteria (counted: 2 of these with block in 1 nerve "
                              "make it probable)"),
    ("supportive clinical", "Supportive clinical features (not counted)"),
)


def draw(day: int) -> None:
    cl = checklist.evaluate(ctx.run, day)
    box = {"definite": st.success, "probable": st.info, "possible": st.warning,
           "not met": st.error}[cl.category]
    box(f"On day {day}: **{cl.category} MMN** by the EFNS/PNS 2010 categories — {cl.reason}.")
    for key, title in SECTIONS:
        st.subheader(title)
        for item in cl.section(key):
            st.markdown(_line(item))
    cidp = checklist.evaluate(ctx.run, day, criteria="cidp")
    with st.expander(f"For contrast, the CIDP criteria (EAN/PNS 2021, in outline): "
                     f"{cidp.category}", expanded=cidp.category != "not met"):
        st.markdown(f"Van den Bergh et al., J Peripher Nerv Syst 2021;26:242. **{cidp.category}"
                    f"** — {cidp.reason}.")
        for item in cidp.items:
            st.markdown(_line(item))
        if cidp.ncs_lines:
            st.markdown("Demyelinating parameters: " + "; ".join(cidp.ncs_lines[:8]) + ".")
    draw_gbs(day)
    labs = ctx.run.labs(day)
    with st.expander("Laboratory and imaging results on this day", expanded=True):
        for r in labs.itertuples(index=False):
            t = LAB_TESTS[r.test]
            # no count of sides after a result that names them ("right brachial plexus")
            shown = r.value == r.value and r.unit != "sides"
            value = f" ({r.value:g} {r.unit})" if shown else ""
            st.markdown(f"- **{t.title}**: {r.result}{value}. Normal: {t.normal}. {t.reading}")
    with st.expander("Nerve conduction summary"):
        st.markdown("\n".join(f"- {line}" for line in cl.ncs_lines))
    with st.expander("Data table: checklist"):
        tables.show(checklist.table(cl), key="diagnosis_table", hide_index=True)
    draw_mnd(day)


def draw_gbs(day: int) -> None:
    """Beside the MMN checklist: is it Guillain-Barré syndrome? (the time course first)."""
    gbs = checklist.evaluate(ctx.run, day, criteria="gbs")
    with st.expander(f"For contrast, Guillain-Barré syndrome (Brighton levels, in outline): "
                     f"{gbs.category}", expanded=gbs.category != "not met"):
        st.markdown("Sejvar 2011 (Vaccine 29:599), after Asbury & Cornblath 1990 (Ann Neurol "
                    f"27 Suppl:S21). **{gbs.category}** — {gbs.reason}. An acute illness "
                    "reaches its nadir within 4 weeks; MMN progresses over months to years.")
        for item in gbs.items:
            st.markdown(_line(item))


def draw_mnd(day: int) -> None:
    """Beside the MMN checklist: is it motor neuron disease? (from EMG and the absence of
    block, the Gold Coast criteria of Shefner et al. 2020 in outline)."""
    st.header("Or motor neuron disease? Gold Coast criteria (2020), in outline")
    st.caption(
        "Progressive muscular atrophy and ALS can look like MMN at the bedside. They show no "
        "conduction block, normal sensory conduction, and on needle EMG active denervation "
        "beside chronic reinnervation in several body regions (Shefner et al., Clin "
        "Neurophysiol 2020;131:1975). Read from the same findings, never from a label."
    )
    p = mnd_pattern.assess(ctx.run, day)
    box = st.warning if p.category != "not met" else st.info
    box(f"On day {day}: **{p.category}** — {p.reason}.")
    for item in p.items:
        st.markdown(_line(item))
    with st.expander("Data table: motor neuron disease pattern"):
        tables.show(mnd_pattern.table(p), key="mnd_table", hide_index=True)


state.scrubbed(ctx, draw)
