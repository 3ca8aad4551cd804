"""Which disease is it? A hidden patient; order tests one at a time, commit, read the debrief.

The attempt lives in the page address (``sim.mystery.parse_query`` / ``to_query``): every
click rewrites it, so a copied address replays the attempt exactly. The address is also
remembered for the session, so switching to another page and back keeps the attempt.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import sim
from app_pages import state
from app_pages.text import plain
from sim import diseases, electro
from sim import figures as F
from sim import mystery as M
from sim.clinical import RESPONSE_GRIP_KG, RESPONSE_MRC_POINTS
from sim.labs import LAB_TESTS

REFERENCE_PATIENTS = 20  # simulated patients per disease behind "which findings pointed where"
_MEMORY = state.key("mystery_address")  # this page's last address, for the session
_DX, _TX = state.key("mystery_dx"), state.key("mystery_tx")
_START_KIND, _START_SEED = state.key("mystery_start_kind"), state.key("mystery_start_seed")

# Its own controls, not the sidebar's: the case is not a preset, and the sidebar would show
# the settings (and write the address) of another patient.
state.page_header("Which disease is it?")


def _title(kind: str) -> str:
    return diseases.get(kind).title


def _go(query: dict[str, str]) -> None:
    st.session_state[_MEMORY] = dict(query)
    st.query_params.from_dict(query)


def _address() -> dict[str, str]:
    """The attempt's address: this page's link, else the one remembered for the session
    (another page's settings, e.g. its seed, are not a case)."""
    q = {k: v for k, v in st.query_params.to_dict().items() if k in M.URL_KEYS}
    if "mystery" in q or "case" in q:
        return q
    return dict(st.session_state.get(_MEMORY) or {})


def _start(query: dict[str, str]) -> None:
    for k in (_DX, _TX):
        st.session_state.pop(k, None)
    _go(query)


def _start_fixed() -> None:
    # A callback reads the widgets' values at the click (arguments would be the last run's).
    _start({"mystery": str(st.session_state[_START_KIND]),
            "seed": str(int(st.session_state[_START_SEED]))})


def _start_form() -> None:
    st.markdown(
        "A virtual patient has one of the diseases the simulator knows. Order tests one at a "
        "time, then commit to a diagnosis and a first treatment; the answer comes with a "
        "debrief. Fewer tests score higher, harming the patient scores lower.")
    st.button("Start a random case", key=state.key("mystery_random"), type="primary",
              on_click=_start, args=({"mystery": M.RANDOM},),
              help="Draws a disease and a patient; the address then carries a case code that "
                   "does not show the disease's name.")
    with st.expander("For a lecturer: fix the disease and the patient"):
        st.caption("The address ?mystery=<disease>&seed=<number> opens the same case for "
                   "everyone; ?mystery=random draws one per student.")
        c1, c2 = st.columns(2)
        c1.selectbox("Disease", diseases.kinds(), key=_START_KIND, format_func=_title)
        c2.number_input("Seed (patient number)", 0, M.MAX_SEED, step=1, key=_START_SEED)
        st.button("Start this case", key=state.key("mystery_fixed"), on_click=_start_fixed)


def _order(attempt: M.Attempt, test: str) -> None:
    _go(M.to_query(attempt.order(test)))


def _commit(attempt: M.Attempt) -> None:
    _go(M.to_query(attempt.commit(st.session_state[_DX], st.session_state[_TX])))


@st.cache_data(max_entries=32, show_spinner="Simulating reference patients of each disease...")
def _rates(kind: str) -> pd.Series:
    # Plain sim.simulate: these many runs would push the dashboard's own runs out of its cache.
    return M.reference_rates(kind, REFERENCE_PATIENTS)


def _lab_result(run: sim.Run, test: str) -> None:
    r = run.labs(M.PRESENT_DAY)
    r = r[r["test"] == test].iloc[-1]
    t = LAB_TESTS[test]
    value = "" if r["value"] != r["value"] or r["value"] == 0 else f" ({r['value']:g} {r['unit']})"
    st.markdown(f"**{t.title}**: {r['result']}{value}. Normal: {t.normal}.")


def _show_test(test: str, case: M.Case, run: sim.Run) -> None:
    day = M.PRESENT_DAY
    if test == "history":
        st.markdown("\n".join(f"- {line}" for line in M.history(run, day)))
        clin = run.tables["clinical"]
        clin = clin[clin["day"] <= day]
        state.chart(F.grip_figure(clin, healthy_grip_kg=run.patient_runs[0].patient
                                  .baseline_grip_kg),
                    "mystery_history", F.thin(clin)[["day", "grip_left_kg", "grip_right_kg"]],
                    "grip of each hand up to today")
    elif test == "exam":
        exam = run.examination(day)
        state.chart(F.exam_body_figure(exam, "Examination today"), "mystery_exam",
                    exam[["side", "site", "finding", "value"]], "every examination finding")
    elif test == "ncs":
        study = run.ncs(day)
        summ = electro.summarize(study)
        st.markdown("\n".join(f"- {line}" for line in summ.lines()))
        side, nerve = electro.most_blocked_nerve(run.snapshot(day))
        motor = study[(study["nerve"] == nerve) & (study["side"] == side)
                      & (study["kind"] == "motor")]
        state.chart(F.ncs_traces_figure(run.ncs_waveforms(day, nerve, side), motor, "mV",
                                        f"CMAPs: {side} {nerve}"),
                    "mystery_ncs", study.drop(columns=["patient"]),
                    "every nerve conduction value of the study")
    elif test == "emg":
        emg = run.emg(day)
        state.chart(F.emg_grid_figure(emg), "mystery_emg", emg.drop(columns=["patient"]),
                    "needle EMG of every muscle")
    elif test == "trial":
        tk = M.trial_kind()
        if tk is None:
            st.info("No immunoglobulin treatment is registered, so no trial can be given.")
            return
        trial = state.simulate(M.scenario(case.kind, tk), case.seed)
        ok, text = M.trial_response(trial)
        head = "Objective improvement" if ok else "No objective improvement"
        (st.success if ok else st.info)(f"{head}: {text}.")
        hand = M.weaker_hand(run)
        w = M.window(trial, hand, before=120)
        w = w[w["day"] <= day + M.TRIAL_READ_DAYS]
        state.chart(F.outcome_figure({"on the trial": w}, "mrc_sum", "MRC sum score (of 200)",
                                     "MRC sum score through the trial", day),
                    "mystery_trial", w, "MRC sum score through the trial")
    else:
        _lab_result(run, M.LAB_OF[test])


def _debrief(attempt: M.Attempt, run: sim.Run) -> None:
    d = M.debrief(attempt, state.simulate)
    case = attempt.case
    st.header("Debrief")
    verdict = (f"The patient had **{plain(_title(case.kind))}**; you said "
               f"**{plain(_title(str(attempt.diagnosis)))}**.")
    (st.success if d.score.correct else st.error)(verdict)
    st.markdown("**Score**\n" + "\n".join(f"- {line}" for line in d.score.lines()))
    st.caption(f"Case: {_title(case.kind)}, seed {case.seed}, seen on day "
               f"{M.PRESENT_DAY:.0f} from onset.")

    st.subheader("Which findings pointed where")
    if not attempt.tests:
        st.info("No tests were ordered, so no finding pointed anywhere.")
    else:
        found = M.findings(run, state.simulate(M.scenario(case.kind, M.trial_kind()), case.seed)
                           if M.trial_kind() else None)
        rates = {k: _rates(k) for k in diseases.kinds()}
        table = M.pointers(found, rates, attempt.tests)
        st.caption(f"For each finding of your tests: this patient's value, and how many of "
                   f"{REFERENCE_PATIENTS} simulated patients of each disease, seen at the same "
                   "time from onset, have the same value.")
        state.chart(F.pointers_figure(table), "mystery_pointers", table,
                    "findings and the diseases they point to")

    st.subheader("What the guideline says")
    when = ("8 weeks into the immunoglobulin trial" if d.checklist_day > M.PRESENT_DAY
            else "on the day the patient was seen")
    st.caption(f"Each diagnostic checklist evaluated on the full work-up {when} (day "
               f"{d.checklist_day:.0f}), whichever tests you ordered.")
    for name, cl in d.checklists.items():
        st.markdown(f"**{name.upper()} checklist: {cl.category}** — {plain(cl.reason)}.")
        against = [i for i in cl.items if not i.met]
        if against:
            st.markdown("Items not met:\n" + "\n".join(
                f"- {plain(i.label)} ({i.criterion}): {plain(i.finding)}" for i in against))
        with st.expander(f"Every item of the {name.upper()} checklist"):
            st.dataframe(sim.diagnosis.table(cl), key=f"mystery_checklist_{name}",
                         hide_index=True)

    st.subheader("How your treatment would have gone")
    ch, right = d.chosen, d.right
    st.markdown(
        f"You chose **{plain(ch.title)}**: 6 weeks in, MRC sum {ch.mrc_early:+d} and weaker-hand "
        f"grip {ch.grip_early:+.1f} kg against the same patient untreated; at "
        f"{M.FOLLOW_UP_DAYS / 7:.0f} weeks {ch.mrc_late:+d} and {ch.grip_late:+.1f} kg. "
        + ("**It harmed this patient.**" if ch.worse else "It clearly helped." if ch.better
           else "It neither clearly helped nor harmed."))
    if right.treatment == M.NONE:
        st.markdown("No established first treatment clearly helped this patient in the model.")
    else:
        st.markdown(f"The first treatment that helped this patient most: "
                    f"**{plain(right.title)}** (MRC sum {right.mrc_early:+d} and weaker-hand "
                    f"grip {right.grip_early:+.1f} kg at 6 weeks).")
    hand = M.weaker_hand(run)
    lines = {"untreated": M.window(run, hand)}
    for label, o in ((f"your choice: {ch.title}", ch), (f"best: {right.title}", right)):
        if o.treatment != M.NONE and not any(o.title in k for k in lines):
            lines[label] = M.window(state.simulate(M.scenario(case.kind, o.treatment),
                                                   case.seed), hand)
    long = pd.concat(lines, names=["plan"]).reset_index(level=0)
    state.chart(F.outcome_figure(lines, "mrc_sum", "MRC sum score (of 200)",
                                 "The same patient under each first treatment", M.PRESENT_DAY),
                "mystery_outcome_mrc", long[["plan", "day", "mrc_sum"]],
                "MRC sum score under each first treatment")
    state.chart(F.outcome_figure(lines, "grip", f"{hand} grip (kg)",
                                 f"Grip of the weaker ({hand}) hand",
                                 M.PRESENT_DAY),
                "mystery_outcome_grip", long[["plan", "day", "grip"]],
                "weaker-hand grip under each first treatment")
    with st.expander("Every first treatment for this patient"):
        st.dataframe(pd.DataFrame([{
            "treatment": o.title, "MRC sum at 6 weeks": o.mrc_early,
            "grip at 6 weeks (kg)": o.grip_early,
            f"MRC sum at {M.FOLLOW_UP_DAYS / 7:.0f} weeks": o.mrc_late,
            f"grip at {M.FOLLOW_UP_DAYS / 7:.0f} weeks (kg)": o.grip_late,
            "clearly better": o.better, "harm": o.worse} for o in d.outcomes.values()]),
            key="mystery_outcomes", hide_index=True)
        st.caption(f"Differences against the same patient untreated. Clearly better: at "
                   f"least {RESPONSE_MRC_POINTS} MRC sum points or {RESPONSE_GRIP_KG:g} kg of "
                   f"weaker-hand grip at 6 weeks; harm: at least {M.HARM_MRC_POINTS} points or "
                   f"{M.HARM_GRIP_KG:g} kg weaker at 6 weeks or at the end of follow-up.")


def _attempt(attempt: M.Attempt) -> None:
    case = attempt.case
    run = state.simulate(M.scenario(case.kind), case.seed)
    st.markdown(
        f"A patient comes to clinic with weakness, {M.PRESENT_DAY / 365.25:.0f} years after "
        "the disease began. Order tests one at a time; each result appears below in the order "
        "you asked for it. The page address replays this attempt.")
    c1, c2 = st.columns([4, 1])
    c2.button("New case", key=state.key("mystery_new"), on_click=_start, args=({},),
              help="Leave this case and start another.")
    cols = st.columns(4)
    for i, t in enumerate(M.TESTS):
        done = t.key in attempt.tests
        cols[i % 4].button(t.title, key=state.key(f"mystery_test_{t.key}"), help=t.what,
                           disabled=done or attempt.committed, on_click=_order,
                           args=(attempt, t.key), icon=":material/check:" if done else None,
                           width="stretch")
    for n, test in enumerate(attempt.tests, start=1):
        t = next(x for x in M.TESTS if x.key == test)
        st.subheader(f"{n}. {t.title}")
        _show_test(test, case, run)
    st.subheader("Your answer")
    kinds, txs = diseases.kinds(), M.treatment_choices()
    if attempt.committed:
        st.markdown(f"Diagnosis: **{plain(_title(str(attempt.diagnosis)))}**; first treatment: "
                    f"**{plain(M.treatment_title(str(attempt.treatment)))}**.")
        _debrief(attempt, run)
        return
    c1, c2 = st.columns(2)
    c1.selectbox("Diagnosis", kinds, key=_DX, format_func=_title,
                 help="The diseases this simulator knows.")
    c2.selectbox("First treatment", txs, key=_TX, format_func=M.treatment_title,
                 help="Started today; the debrief shows how it went for this patient.")
    st.button("Commit to this answer", key=state.key("mystery_commit"), type="primary",
              on_click=_commit, args=(attempt,),
              help="Reveals the answer; the tests and the answer stay in the page address.")


parsed = M.parse_query(_address(), np.random.default_rng())
for note in parsed.notes:
    st.error(plain(note), icon=":material/info:")
if parsed.attempt is None:
    st.session_state.pop(_MEMORY, None)
    if st.query_params.to_dict():
        st.query_params.clear()
    _start_form()
else:
    canonical = M.to_query(parsed.attempt)
    if st.query_params.to_dict() != canonical:
        st.query_params.from_dict(canonical)
    st.session_state[_MEMORY] = canonical
    _attempt(parsed.attempt)
