"""Compare: the same patient (same seed) under two to four treatment plans, and, one click
away, the same plans on another registered disease."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import state, tables
from app_pages.text import plain
from sim import diseases
from sim import figures as F
from sim import treatments as sim_treatments
from sim.clinical import weaker_side

ctx = state.page_setup("Compare treatment plans")
v = ctx.values
start = v["ivig_start"]
CURRENT = "Current settings"  # the sidebar's own plan
NONE = {"ivig": False, "pred": False, "plex": False}
PLANS = {
    CURRENT: {},
    "Untreated": NONE,
    "IVIg every 4 weeks": dict(NONE, ivig=True, ivig_every=28, ivig_start=start),
    "IVIg every 8 weeks": dict(NONE, ivig=True, ivig_every=56, ivig_start=start),
    "Prednisolone course": dict(NONE, pred=True, pred_start=start),
    "IVIg then plasma exchange": dict(NONE, ivig=True, ivig_start=start, plex=True,
                                      plex_start=start + 0.05),
}
st.markdown(
    f"The same virtual patient (seed {ctx.seed}: same disease draws) under each plan. The "
    f"listed plans start their treatment at year {start:g} (the sidebar's *IVIg start*, used "
    f"for every plan); *Current settings* is the sidebar's own plan: "
    f"{plain(' '.join(state.S.plan_text(ctx.scenario)))}"
)


def _kinds(scenario) -> str:
    """The current plan's treatments in a word or two, for its line's name."""
    names = dict.fromkeys(sim_treatments.get(t.kind).title for t in scenario.treatment)
    return " + ".join(names) or "no treatment"
PLANS_KEY = state.keep("compare_plans", default=lambda: list(PLANS)[:4])
DISEASE_KEY = state.keep("compare_disease")
STEROID_CONTRAST = ["Untreated", "Prednisolone course"]
kind = ctx.scenario.disease.kind
others = [k for k in diseases.kinds() if k != kind]


def _on_disease(plan: str, disease: str):
    """The patient under one of PLANS with only the disease changed (same seed, settings)."""
    scenario = state.S.build_scenario(ctx.base, dict(ctx.values, **PLANS[plan]))
    return state.simulate(scenario.with_overrides({"disease.kind": disease}, source="compare"),
                          ctx.seed)


def _steroid_gain(disease: str) -> float:
    """Mean MRC-sum points prednisolone adds over untreated for this patient with ``disease``:
    the contrast is drawn against the disease it helps most, found by simulation, not by name."""
    untreated, pred = (_on_disease(p, disease).tables["clinical"] for p in STEROID_CONTRAST)
    return float((pred["mrc_sum"] - untreated["mrc_sum"]).mean())


def _steroid_contrast() -> None:
    # A callback: it sets the widgets' values before they are drawn on the next run.
    st.session_state[PLANS_KEY] = list(STEROID_CONTRAST)
    if st.session_state.get(DISEASE_KEY) is None:
        st.session_state[DISEASE_KEY] = max(others, key=_steroid_gain)


if others:
    st.button("Prednisolone on two diseases", key=state.key("compare_steroid_contrast"),
              on_click=_steroid_contrast,
              help="One click: untreated and a prednisolone course, on this disease and on "
                   "the registered one they help most for this patient (corticosteroids help "
                   "some neuropathies and make MMN worse; Donaghy 1994).")
chosen = st.multiselect("Plans to compare (2 to 4)", list(PLANS), max_selections=4,
                        key=PLANS_KEY,
                        help="Choose two to four plans; each is drawn in its own colour and dash.")
if len(chosen) < 2:
    st.info("Choose at least two plans to compare.")
    st.stop()
other = None
if others:
    other = st.pills(
        f"Same plans on another disease (besides {diseases.get(kind).title})", others,
        format_func=lambda k: diseases.get(k).title, key=DISEASE_KEY,
        help="Overlay the chosen plans on a patient with another disease: same seed, same "
             "settings, only the disease differs. Click again to remove it.")
else:
    st.caption("Only one disease is registered, so there is no other disease to overlay.")
if other is not None and len(chosen) > 3:
    st.info("On two diseases the first three chosen plans are drawn, so the lines stay "
            "readable.")
    chosen = chosen[:3]
pat = ctx.tables["patients"].iloc[0]
hand = st.radio("Hand", ("more affected", "left", "right"), key=state.keep("compare_hand"),
                horizontal=True, help="Which hand's grip to plot.")
runs = {}
for name in chosen:
    try:
        runs[name] = ctx.variant(**PLANS[name])
    except state.ScenarioError as err:
        st.error(plain(f"{name}: {err}"))
if other is not None:
    here, there = diseases.get(kind).title, diseases.get(other).title
    on_other = {}
    for name in chosen:
        try:
            on_other[f"{name} · {there}"] = _on_disease(name, other)
        except state.ScenarioError as err:
            st.error(plain(f"{name} on {there}: {err}"))
    runs = {f"{n} · {here}": r for n, r in runs.items()} | on_other
clin = {name: r.tables["clinical"] for name, r in runs.items()}


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    cols = ["grip_left_kg", "grip_right_kg", "mrc_sum"]
    return len(a) == len(b) and bool((a[cols].to_numpy() == b[cols].to_numpy()).all())


# The current plan's line is named for what it gives, and says so when another chosen plan is
# the same plan (its line would otherwise hide under that one's).
names = {}
for n in clin:
    if not n.startswith(CURRENT):
        names[n] = n
        continue
    twin = next((m for m in clin if m != n and not m.startswith(CURRENT)
                 and m.split(" · ")[1:] == n.split(" · ")[1:] and _same(clin[n], clin[m])),
                None)
    label = f"{CURRENT} ({_kinds(ctx.scenario)})"
    names[n] = n.replace(CURRENT, label + (f", the same as {twin.split(' · ')[0]}"
                                            if twin else ""))
clin = {names[n]: c for n, c in clin.items()}
if hand == "more affected":
    last = ctx.tables["clinical"].iloc[-1]
    side = weaker_side(last["grip_left_kg"], last["grip_right_kg"])
else:
    side = hand
grip = {n: c.assign(grip=c[f"grip_{side}_kg"]) for n, c in clin.items()}
state.chart(
    F.compare_figure(grip, "grip", f"{side} grip (kg)", f"Grip of the {side} hand by plan",
                     F.drop_line(ctx.run.patient_runs[0].patient.baseline_grip_kg)),
    "compare_grip",
    pd.concat({n: F.thin(c)[["day", "grip"]] for n, c in grip.items()}, names=["plan"])
    .reset_index(level=0),
    "grip by plan",
)
state.chart(
    F.compare_figure(clin, "mrc_sum", "MRC sum score (of 200)", "MRC sum score by plan",
                     zoom=True),
    "compare_mrc",
    pd.concat({n: F.thin(c)[["day", "mrc_sum"]] for n, c in clin.items()}, names=["plan"])
    .reset_index(level=0),
    "MRC sum score by plan",
)
rows = []
for n, c in clin.items():
    end = c.iloc[-1]
    rows.append({"plan": n, f"final {side} grip (kg)": end[f"grip_{side}_kg"],
                 "final MRC sum": end["mrc_sum"], "final disability": end["disability"]})
tables.show(pd.DataFrame(rows), key="compare_summary", hide_index=True)
