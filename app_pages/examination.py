"""Examination: the bedside findings of the virtual patient on a body chart, warm or cold."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import state, tables
from sim import figures as F

ctx = state.page_setup("Bedside examination")
st.markdown(
    "What a neurologist finds on the chosen day: strength (MRC grade) and **wasting** of every "
    "muscle, tendon reflexes, tone, fasciculations and cramps, sensation by modality, cranial "
    "nerves, speech and swallowing. Every finding is computed from the nerve state and the "
    "disease, so in MMN look for **weakness without wasting** early, reflexes lost only where "
    "muscles are weak, and normal sensation."
)
state.diagnosis_button(ctx, "exam_to_diagnosis")
cold = st.toggle("Cold room", key=state.keep("exam_cold", default=lambda: False),
                 help="Examine in a cold room: weakness worse in the cold (cold paresis) is "
                      "reported 4-6 times more often in MMN than in CIDP or progressive "
                      "muscular atrophy (Straver et al. 2011).")


def _muscle_table(exam: pd.DataFrame) -> pd.DataFrame:
    m = exam[exam["finding"].isin(["mrc", "wasting"])]
    wide = m.pivot_table(index="site", columns=["side", "finding"], values="value",
                         aggfunc="first", sort=False)
    wide.columns = [f"{side} {finding}" for side, finding in wide.columns]
    cols = [c for c in ("right mrc", "right wasting", "left mrc", "left wasting")
            if c in wide.columns]
    return wide[cols].rename_axis("muscle").reset_index()


def draw(day: int) -> None:
    exam = ctx.run.examination(day, cold=cold)
    where = "in a cold room" if cold else "at room temperature"
    state.chart(F.exam_body_figure(exam, f"Examination on day {day}, {where}"), "exam_body",
                exam[["side", "site", "finding", "value"]], "every examination finding")
    mus = exam[exam["finding"] == "mrc"]
    waste = exam[exam["finding"] == "wasting"].set_index(["side", "site"])["value"]
    weak = mus[mus["value"].astype(int) < 5]
    unwasted = [f"{r.side} {r.site}" for r in weak.itertuples(index=False)
                if waste[(r.side, r.site)] == "none"]
    c = st.columns(3)
    c[0].metric("Weak muscles (MRC < 5)", len(weak))
    c[1].metric("Weak without wasting", len(unwasted))
    c[2].metric("Wasted muscles", int((waste != "none").sum()))
    if unwasted:
        st.caption("Weak but not wasted (block with intact axons): " + ", ".join(unwasted[:12]))
    left, right = st.columns(2)
    with left:
        st.markdown("**Muscles** (MRC grade and wasting)")
        tables.show(_muscle_table(exam), key="exam_muscles", hide_index=True)
    with right:
        other = exam[~exam["finding"].isin(["mrc", "wasting"])]
        st.markdown("**Reflexes, tone, spontaneous activity, sensation, cranial nerves**")
        tables.show(other[["side", "site", "finding", "value"]], key="exam_other",
                     hide_index=True)


state.scrubbed(ctx, draw, playable=False)
