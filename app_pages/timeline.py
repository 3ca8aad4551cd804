"""Patient timeline: strength by region, grip, IgG and IVIg effect, events; a day scrubber."""

from __future__ import annotations

import streamlit as st

from app_pages import state
from sim import figures as F

ctx = state.page_setup("Patient timeline")
state.teaching(ctx)
t = ctx.tables
clinical = t["clinical"]
events = t["events"]
derived: dict[str, object] = {}  # built after the first chart is out, reused by the scrubber
healthy = float(clinical[["grip_left_kg", "grip_right_kg"]].iloc[0].max())
road = ctx.run.journey()
journey = {label: d for label, d in (("first symptom", road.first_symptom),
                                     ("first consultation", road.first_consultation),
                                     ("diagnosis", road.diagnosis)) if d is not None}
grip_cols = ["day", "grip_left_kg", "grip_right_kg"]
igg_cols = ["day", "igg_g_per_l", "ivig_effect"]
st.caption("Treatment plan: " + "; ".join(state.S.plan_text(ctx.scenario)))


def draw(day: int) -> None:
    # the last record on or before the day (days are sorted): no boolean copy of the table
    now = clinical.iloc[max(0, int(clinical["day"].searchsorted(day, side="right")) - 1)]
    c = st.columns(5)
    c[0].metric("Grip left (kg)", f"{now['grip_left_kg']:.1f}")
    c[1].metric("Grip right (kg)", f"{now['grip_right_kg']:.1f}")
    c[2].metric("MRC sum", int(now["mrc_sum"]),
                help="Medical Research Council sum score: 20 muscle groups on each side "
                     "graded 0-5 and added up; 200 is normal strength.")
    c[3].metric("Disability (0-12)", int(now["disability"]))
    c[4].metric("Active lesions", int(now["active_lesions"]))
    state.chart(F.grip_figure(clinical, day, healthy, journey=journey, events=events,
                              end_day=ctx.end_day), "timeline_grip",
                F.thin(clinical)[grip_cols], "grip per hand over time",
                F.describe_grip(clinical, day, healthy, events))
    if not derived:
        derived["regions"] = F.region_strength_table(t["muscles"])
        derived["events"] = F.events_table(events)
    regions, ev_table = derived["regions"], derived["events"]
    state.chart(F.strength_figure(regions, day), "timeline_strength", regions,
                "strength by limb region, left vs right", F.describe_strength(regions, day))
    state.chart(F.igg_figure(clinical, events, day, end_day=ctx.end_day), "timeline_igg",
                F.thin(clinical)[igg_cols],
                "serum IgG and IVIg effect", F.describe_igg(clinical, day))
    state.chart(F.events_figure(ev_table, day, ctx.end_day), "timeline_events", ev_table,
                "events: lesions, milestones, treatments", F.describe_events(ev_table, day))


state.scrubbed(ctx, draw)
