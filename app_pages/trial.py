"""Trial designer: how likely is a trial of this design to find the effect?

A pool of patients, enrolled the way the design says, is simulated once under every arm; the
page then draws R trials from it, tests each, and shows the power, the spread of the estimated
effect and power against n. The pool is kept (``POOLS``) while only n, the endpoint, alpha or R
change, so those answers come without simulating again.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from app_pages import state, tables
from app_pages.text import plain
from sim.figures import trial as TF
from sim.trial import TrialError, load_design, parse_design
from sim.trial.design import ENDPOINTS, TrialDesign
from sim.trial.pool import PoolCache
from sim.trial.trials import pool_for, power_curve, simulate_trials

state.page_header("Trial designer")  # its own controls: the sidebar's patient ones do not apply



@st.cache_resource(show_spinner=False)
def _pools() -> PoolCache:
    """One pool cache for the server process (a page script's globals last one run)."""
    return PoolCache(entries=4)


POOLS = _pools()
RESULT = "trial_result"  # session key of the last run's result
JOBS = 2  # worker processes simulating a pool (results do not depend on it)

# The arms a teacher can pick: treatment entries with days from the start of the period.
OWN = "IVIg, each patient's own regimen"
ARMS: dict[str, list[dict[str, Any]]] = {
    # Each patient's titrated maintenance goes on (Hahn et al. 2013's blinded IVIg arm); needs
    # the withdrawal population, whose run-in titrates it.
    OWN: [],
    # Maintenance 1 g/kg every 4 weeks (van Schaik et al. 2010, EFNS/PNS guideline).
    "IVIg 1 g/kg every 4 weeks": [{"kind": "ivig", "start_day": 0, "dose_g_per_kg": 1.0,
                                   "infusion_days": 2, "every_days": 28}],
    # The same monthly dose as SCIg every week (Harbo et al. 2009).
    "SCIg 0.25 g/kg weekly": [{"kind": "scig", "start_day": 0, "dose_g_per_kg": 0.25,
                                   "every_days": 7}],
    "Complement inhibitor (hypothetical)": [{"kind": "complement_inhibitor", "start_day": 0}],
    "FcRn blocker (hypothetical)": [{"kind": "fcrn_blocker", "start_day": 0}],
    "Placebo (withdrawal if on IVIg)": [],
}
PLACEBO = "Placebo (withdrawal if on IVIg)"
POPULATIONS = {
    "Stable on IVIg and dependent on it (withdrawal trial)": "dependent",
    "Untreated, two years after onset": "untreated",
}
HAHN = "hahn-2013"
R_CHOICES = (100, 200, 500, 1000)


def _k(name: str, default: Any) -> str:
    return state.keep(f"trial_{name}", default=lambda: default)


def _hahn_values() -> dict[str, Any]:
    d = load_design(HAHN)
    return {"arms": [OWN, PLACEBO],
            "population_label": "Stable on IVIg and dependent on it (withdrawal trial)",
            "design": d.trial.design, "n": d.trial.n, "period": d.trial.period_weeks,
            "washout": d.trial.washout_weeks, "endpoint": d.trial.endpoint,
            "grip_sd": d.trial.grip_sd_kg, "R": 500,
            "seed": 1}


def _on_hahn() -> None:
    for name, value in _hahn_values().items():
        st.session_state[state.key(f"trial_{name}")] = value
    st.session_state["trial_run_now"] = True


def _design(v: dict[str, Any]) -> TrialDesign:
    """The design the controls describe (a TrialError names what is wrong)."""
    if v["population"] == "dependent":
        base = load_design(HAHN).population.model_dump(mode="json", exclude_none=True)
    else:
        base = {"baseline_week": 104, "inclusion": "all"}
    control = PLACEBO if PLACEBO in v["arms"] else (v["arms"][-1] if v["arms"] else "")
    data = {
        "trial": {"name": "Trial designer", "design": v["design"], "n": v["n"],
                  "period_weeks": v["period"], "washout_weeks": v["washout"],
                  "endpoint": v["endpoint"], "control": control,
                  "grip_sd_kg": float(v["grip_sd"])},
        "population": base,
        "arm": [{"name": a, "treatment": ARMS[a], "own_regimen": a == OWN} for a in v["arms"]],
    }
    if v["population"] == "dependent" and v["design"] == "crossover" and v["washout"] > 0:
        data["trial"]["washout_treatment"] = "own_regimen"  # open-label IVIg between periods
    return parse_design(data, source="trial designer")


def _curve_ns(design: TrialDesign) -> list[int]:
    n = design.trial.n
    return sorted({max(4, round(n * f)) for f in (0.125, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)})


def _run(design: TrialDesign, R: int, seed: int) -> dict[str, Any]:
    bar = st.progress(0.0, text="Simulating the pool of patients under every arm...")
    t0 = time.monotonic()

    def step(done: int, total: int) -> None:
        left = ""
        if 0 < done < total:
            left = f", about {(time.monotonic() - t0) * (total - done) / done:.0f} s left"
        bar.progress(min(1.0, done / max(total, 1)) * 0.9,
                     text=f"Simulating the pool: {done} of {total} patients{left}")

    ns = _curve_ns(design)
    pool = pool_for(design, seed, ns=ns, jobs=JOBS, progress=step, cache=POOLS)
    bar.progress(0.92, text=f"Drawing and testing {R} trials...")
    result = simulate_trials(design, R, seed, pool=pool)
    curve = power_curve(design, ns, R, seed, pool=pool)
    bar.progress(1.0, text=f"Done in {time.monotonic() - t0:.1f} s.")
    return {"result": result, "curve": curve, "seconds": time.monotonic() - t0}


st.markdown(
    "Design a trial, then let the model run it hundreds of times. Each run enrols different "
    "virtual patients, so each finds a different effect; the **power** is the share of runs "
    "that find it at the chosen significance level. Patients are drawn from the model's "
    "population; each is simulated once under every arm, then trials are drawn from that pool. "
    "A trial draws its own patients, so the page has no patient settings of its own in the "
    "sidebar."
)
st.button("Hahn 2013: IVIg withdrawal crossover (one click)", key=state.key("trial_hahn"),
          on_click=_on_hahn, type="primary",
          help="44 patients stable on their own IVIg regimen, 12 weeks IVIg and 12 weeks placebo "
          "in random order with 12 weeks of open-label IVIg between; grip of the weaker hand "
          "(Hahn et al. 2013).")

c1, c2 = st.columns(2)
with c1:
    arms = st.multiselect("Arms (2 to 4)", list(ARMS), max_selections=4,
                          key=_k("arms", [OWN, PLACEBO]),
                          help="Each arm is a treatment plan from randomisation; the placebo "
                          "arm is the comparator when chosen.")
    population = st.radio("Who is enrolled", list(POPULATIONS), key=_k(
        "population_label", "Stable on IVIg and dependent on it (withdrawal trial)"),
        help="Stable on IVIg: IVIg from 5.8 years after onset, each patient's maintenance "
        "titrated (1 g/kg every 4, 3 or 2 weeks, then 1.2 g/kg every 2 weeks) until "
        "end-of-dose weakness stops, weaker-hand grip at least 2 kg above the same patient "
        "untreated. Untreated: every drawn patient.")
    design_kind = st.radio("Design", ("parallel", "crossover"), horizontal=True,
                           key=_k("design", "crossover"),
                           help="Crossover: every patient gets both arms in random order "
                           "(2 arms only).")
    endpoint = st.selectbox("Endpoint", list(ENDPOINTS), format_func=ENDPOINTS.get,
                            key=_k("endpoint", "grip_change_pct"),
                            help="Read from the start to the end of each treatment period.")
with c2:
    n = st.slider("n (per arm; crossover: in total)", 4, 150, key=_k("n", 44))
    period = st.slider("Treatment period (weeks)", 2, 52, key=_k("period", 12))
    washout = st.slider("Washout between crossover periods (weeks)", 0, 26,
                        key=_k("washout", 12), disabled=design_kind != "crossover",
                        help="In a withdrawal trial the patients get open-label IVIg at "
                        "their own regimen between the periods (Hahn et al. 2013).")
    R = st.select_slider("Simulated trials R", R_CHOICES, key=_k("R", 500))
    grip_sd = st.slider("Grip measurement error (SD, kg)", 0.0, 5.0, step=0.5,
                        key=_k("grip_sd", 2.0),
                        help="Added to every grip reading: about 2 kg, an approximation "
                        "from the test-retest agreement of repeated readings (ICC 0.96-0.997, "
                        "Draak et al. 2015).")
    seed = st.number_input("Seed", 0, 2**31 - 1, step=1, key=_k("seed", 1))

values = {"arms": arms, "population": POPULATIONS[population], "design": design_kind,
          "n": n, "period": period, "washout": washout if design_kind == "crossover" else 0,
          "endpoint": endpoint, "grip_sd": grip_sd}
run_now = st.button("Run the trials", key=state.key("trial_run"), type="primary")
run_now = run_now or st.session_state.pop("trial_run_now", False)
try:
    if len(arms) < 2:
        raise TrialError("Choose at least two arms.")
    design = _design(values)
except TrialError as err:
    st.error(plain(str(err)))
    st.stop()

if run_now:
    try:
        st.session_state[RESULT] = _run(design, int(R), int(seed)) | {
            "asked": (design, int(R), int(seed))}
    except TrialError as err:
        st.error(plain(str(err)))
        st.stop()

out = st.session_state.get(RESULT)
if out is None:
    st.info("Press **Run the trials** (or the Hahn 2013 button) to simulate.")
    st.stop()
res, curve = out["result"], out["curve"]
if out["asked"] != (design, int(R), int(seed)):
    st.warning("The controls have changed since this result was computed: press **Run the "
               "trials** to update it.")
st.caption(f"{res.R} trials of n = {res.n} ({res.design.trial.design}), seed {res.seed}, "
           f"answered in {out['seconds']:.1f} s. Pool: {res.pool_size} patients who met the "
           f"inclusion among the first {res.screened} drawn "
           f"({res.pool_size / res.design.enrolled:.1f} times one trial's enrolment), each "
           "simulated under every arm.")
for col, (comp, pw) in zip(st.columns(len(res.power)), res.power.items(), strict=True):
    lo, hi = res.power_interval(comp)
    col.metric(f"Power: {comp}", f"{pw:.0%}", border=True,
               help=f"Share of the {res.R} trials with p < α = {res.design.trial.alpha:g} "
                    f"(two-sided); 95% interval {lo:.0%} to {hi:.0%} (Monte Carlo error).")
st.caption(f"Significance level α = {res.design.trial.alpha:g}, two-sided: a trial finds the "
           "effect when its p-value is below α.")
st.markdown(f"Estimate: **{res.unit}**. Mean per arm over the pool: " + ", ".join(
    f"{a} {m:.3g}" for a, m in res.arm_means.items()) + ". Needed rescue (switched to "
    "open-label treatment) per arm over the pool: " + ", ".join(
    f"{a} {m:.0%}" for a, m in res.arm_rescued.items()) + ".")
for comp in res.power:
    state.chart(TF.effect_histogram_figure(res.trials, comp, res.unit, res.pool_effect[comp],
                                           res.no_effect),
                f"trial_effect_{list(res.power).index(comp)}",
                TF.effect_table(res.trials, comp), f"estimated effect, {comp}")
state.chart(TF.power_curve_figure(curve, n_design=res.n), "trial_power_curve",
            TF.power_curve_table(curve), "power against n")
tables.show(res.summary_table(), key="trial_summary", hide_index=True)
st.caption("The same run from the command line: `mmn-sim trial DESIGN.toml --R "
           f"{res.R} --seed {res.seed} --out DIR` writes every trial's estimate and p-value "
           "(docs/trials.md).")
with st.expander("How the trials are simulated"):
    st.markdown(
        "- **Pool**: patients drawn by the population sampler, selected at baseline the way the "
        "study selected (e.g. IVIg-dependent: grip of the weaker hand at least 2 kg above the "
        "same patient untreated). Each is simulated under every arm from the same random "
        "seed, so arms differ only by treatment.\n"
        "- **Trials**: each draws its patients from the pool without replacement; parallel "
        "trials give each patient one arm, crossovers both arms in random order.\n"
        "- **Tests**: Welch's t-test (parallel) or the paired t-test (crossover) for changes; "
        "Fisher's or McNemar's exact test for responders (grip +2 kg or MRC sum +4); the "
        "log-rank test for time to rescue (grip 20% below the period's start).\n"
        "- Every grip reading carries the chosen measurement error; the MRC sum is read "
        "without error.")
