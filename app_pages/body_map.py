"""Body map: every nerve segment of both arms and legs coloured by block and axonal loss."""

from __future__ import annotations

import streamlit as st

from app_pages import state, tables
from sim import figures as F

ctx = state.page_setup("Body map")
t = ctx.tables
st.markdown(
    "Each line is a stretch of motor nerve between two stimulation points, proximal at the top. "
    "Colour shows the share of axons **blocked** (left) and **lost** (right); squares are the "
    "muscles the nerve supplies, shaded by weakness. Hover for names and values."
)


def draw(day: int) -> None:
    rec = ctx.run.snapshot(day).day
    sites = t["sites"][t["sites"]["day"] == rec]
    muscles = t["muscles"][t["muscles"]["day"] == rec]
    segs = F.body_map_table(sites, muscles)
    state.chart(F.body_map_figure(segs, muscles, day), "body_map", segs[
        (segs["block"] > 0) | (segs["axon_loss"] > 0)
    ].round(3), "affected nerve segments at this day")
    weak = muscles[muscles["mrc"] < 5][["side", "muscle", "nerve", "strength_pct", "mrc"]]
    with st.expander("Data table: weak muscles at this day"):
        tables.show(weak, key="body_map_muscles", hide_index=True)


state.scrubbed(ctx, draw)
