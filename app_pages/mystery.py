"""Which disease is it? A hidden patient; order tests one at a time, commit, read the debrief.

The attempt lives in the page address as one sealed token (``sim.mystery.seal_attempt``):
every click writes a new token, so a copied address replays the attempt, and nothing in it
shows or sets the disease, the tests or the answer. The address is also remembered for the
session, so switching to another page and back keeps the attempt.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import sim
from app_pages import state, tables
from app_pages.class_store import CLASS_LINK_KEYS
from app_pages.text import plain
from sim import diseases, electro
from sim import figures as F
from sim import mystery as M
from sim.clinical import RESPONSE_GRIP_KG, RESPONSE_MRC_POINTS
from sim.labs import LAB_TESTS

_MEMORY = state.key("mystery_address")  # this page's last address, for the session
_DX, _TX = state.key("mystery_dx"), state.key("mystery_tx")
_START_KIND, _START_SEED = state.key("mystery_start_kind"), state.key("mystery_start_seed")
_LINK = state.key("mystery_lecturer_link")  # the token the lecturer panel made last
HOW = (f"The differential is naive Bayes over {M.REFERENCE_PATIENTS} simulated patients of "
       "each disease, seen at the same time from onset: every disease starts equally likely; "
       "each finding multiplies a disease's chance by the share of its patients with the same "
       "finding, smoothed as (count + 1) / (patients + 2) so that no single finding rules a "
       "disease out; findings are treated as independent, which makes it somewhat "
       "over-confident when findings go together.")

# Its own controls, not the sidebar's: the case is not a preset, and the sidebar would show
# the settings (and write the address) of another patient.
state.page_header("Which disease is it?")


def _title(kind: str) -> str:
    return M.disease_name(kind)


def _test_title(key: str) -> str:
    return next(t.title for t in M.TESTS if t.key == key)


_CLASS = state.key("mystery_class")  # the class this attempt reports to: (code, key)
CLASS_KEYS = CLASS_LINK_KEYS  # the Class page's link values (app_pages/class_store.py)


def _class_link() -> dict[str, str]:
    """The class's link values, kept in the address while the case is worked on."""
    got = st.session_state.get(_CLASS)
    return dict(zip(CLASS_KEYS, got, strict=True)) if got else {}


def _go(query: dict[str, str]) -> None:
    st.session_state[_MEMORY] = dict(query)
    st.query_params.from_dict({**query, **_class_link()})


def _report(attempt: M.Attempt, path: pd.DataFrame) -> None:
    """A student working on a class's case: their differential and answer go to the class
    (the lecturer's live view); a refusal (e.g. the class has ended) is one sentence."""
    link = _class_link()
    if not link or not attempt.tests:
        return
    from sqlalchemy.exc import SQLAlchemyError

    from app_pages.class_store import class_room
    from sim.classroom import ClassError

    try:
        room = class_room()
        token = room.case_token(link["class"])
        theirs = M.open_attempt(token) if token else None
        if theirs is None or theirs.case != attempt.case:  # only the class's own case
            return
        room.record_case(link["class"], link["me"], attempt.tests, path.iloc[-1].to_dict(),
                         attempt.diagnosis, attempt.treatment)
    except ClassError as err:
        st.warning(plain(f"Not sent to the class: {err}"))
    except SQLAlchemyError as err:
        st.warning(plain(f"Not sent to the class: its database could not be used "
                         f"({type(err).__name__})."))


def _address() -> dict[str, str]:
    """The attempt's address: this page's link, else the one remembered for the session
    (another page's settings, e.g. its seed, are not a case)."""
    q = {k: v for k, v in st.query_params.to_dict().items() if k in M.URL_KEYS}
    if q:
        return q
    return dict(st.session_state.get(_MEMORY) or {})


def _start(query: dict[str, str]) -> None:
    for k in (_DX, _TX, _CLASS):  # a new case is the student's own, not the class's
        st.session_state.pop(k, None)
    _go(query)


def _make_link() -> None:
    # A callback reads the widgets' values at the click (arguments would be the last run's).
    case = M.Case(str(st.session_state[_START_KIND]), int(st.session_state[_START_SEED]))
    st.session_state[_LINK] = M.to_query(M.Attempt(case))["case"]


def _link(token: str) -> str:
    base = str(st.context.url or "").split("?")[0] if hasattr(st, "context") else ""
    return f"{base or 'mystery'}?case={token}"


def _lecturer_panel() -> None:
    with st.expander("For a lecturer: make a fixed case's link"):
        st.caption("Choose a disease and a case number; the link opens the same patient for "
                   "everyone, and neither it nor the page shows the disease until the answer "
                   "is given. The link stays valid while the server keeps its secret.")
        c1, c2 = st.columns(2)
        c1.selectbox("Disease", diseases.kinds(), key=_START_KIND, format_func=_title)
        c2.number_input("Case number", 0, M.MAX_SEED, step=1, key=_START_SEED,
                        help="Each number is another patient with that disease.")
        st.button("Make the link", key=state.key("mystery_fixed"), on_click=_make_link)
        token = st.session_state.get(_LINK)
        if token:
            st.markdown("Hand out this link (or a QR code of it):")
            st.code(_link(token), language=None, wrap_lines=True)
            st.button("Open this case here", key=state.key("mystery_open_fixed"),
                      on_click=_start, args=({"case": token},))


def _start_form() -> None:
    st.markdown(
        "A virtual patient has one of the diseases the simulator knows. Order tests one at a "
        "time and watch the differential (how probable each disease is given the findings so "
        "far); then commit to a diagnosis and a first treatment, and read the debrief. A right "
        "diagnosis scores most when your tests had made it probable; tests score when they "
        "moved the differential; the treatment scores by how this patient did on it against "
        "the best option.")
    st.button("Start a random case", key=state.key("mystery_random"), type="primary",
              on_click=_start, args=({"mystery": M.RANDOM},),
              help="Draws a disease and a patient; the address then carries a sealed case "
                   "code.")
    _lecturer_panel()


def _order(attempt: M.Attempt, test: str) -> None:
    _go(M.to_query(attempt.order(test)))


def _commit(attempt: M.Attempt) -> None:
    _go(M.to_query(attempt.commit(st.session_state[_DX], st.session_state[_TX])))


@st.cache_data(max_entries=32, show_spinner="Simulating reference patients of each disease...")
def _rates(kind: str) -> pd.Series:
    # Plain sim.simulate: these many runs would push the dashboard's own runs out of its cache.
    return M.reference_rates(kind, M.REFERENCE_PATIENTS)


def _all_rates() -> dict[str, pd.Series]:
    return {k: _rates(k) for k in diseases.kinds()}


def _trial_run(case: M.Case) -> sim.Run | None:
    tk = M.trial_kind()
    return state.simulate(M.scenario(case.kind, tk), case.seed) if tk else None


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
        st.markdown("\n".join(f"- {line}" for line in M.ncs_findings(electro.summarize(study))))
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
        trial = _trial_run(case)
        if trial is None:
            st.info("No immunoglobulin treatment is registered, so no trial can be given.")
            return
        ok, text = M.trial_response(trial)
        head = "Objective improvement" if ok else "No objective improvement"
        (st.success if ok else st.info)(f"{head}: {text}.")
        w = M.window(trial, M.weaker_hand(run), before=120)
        w = w[w["day"] <= day + M.TRIAL_READ_DAYS]
        state.chart(F.outcome_figure({"on the trial": w}, "mrc_sum", "MRC sum score (of 200)",
                                     "MRC sum score through the trial", day),
                    "mystery_trial", w, "MRC sum score through the trial")
    else:
        _lab_result(run, M.LAB_OF[test])


def _percent(p: pd.Series, top: int | None = None) -> str:
    p = p.sort_values(ascending=False, kind="stable")
    return ", ".join(f"{plain(_title(k))} {v:.0%}" for k, v in list(p.items())[:top])


def _steps(tests: tuple[str, ...]) -> list[str]:
    return ["no test", *(f"{n}. {_test_title(t)}" for n, t in enumerate(tests, start=1))]


def _path_table(path: pd.DataFrame, tests: tuple[str, ...]) -> pd.DataFrame:
    table = (100 * path).round(0).astype(int)
    table.columns = [f"{_title(k)} (%)" for k in path.columns]
    return table.set_axis(_steps(tests), axis=0).rename_axis("after").reset_index()


def _path_chart(path: pd.DataFrame, tests: tuple[str, ...], name: str) -> None:
    names = {k: _title(k) for k in path.columns}
    state.chart(F.differential_figure(path, names, _steps(tests), M.CONFIDENT), name,
                _path_table(path, tests), "the differential after each test")


def _differential(attempt: M.Attempt, run: sim.Run) -> pd.DataFrame:
    """The live differential: each result with the differential after it, then the path."""
    case = attempt.case
    trial = _trial_run(case) if "trial" in attempt.tests else None
    found = M.findings(run, trial)
    path = M.differential_path(found, _all_rates(), attempt.tests)
    for n, test in enumerate(attempt.tests, start=1):
        st.subheader(f"{n}. {_test_title(test)}")
        _show_test(test, case, run)
        st.markdown(f"**Differential after this test:** {_percent(path.iloc[n], top=3)}.")
    if attempt.tests:
        st.subheader("The differential so far")
        st.markdown(f"{_percent(path.iloc[-1])}.")
        st.caption(HOW)
        _path_chart(path, attempt.tests, "mystery_live_differential")
    return path


def _soonest_text(d: M.Debrief) -> str:
    s, truth = d.soonest, _title(d.attempt.case.kind)
    if s is None:
        return ""
    names = " and ".join(_test_title(t) for t in s.tests)
    if not s.reached:
        return (f"No set of tests makes {plain(truth)} {M.CONFIDENT:.0%} probable for this "
                f"patient; all of them together give {s.probability:.0%}.")
    alone = "alone" if len(s.tests) == 1 else "together"
    reached = [i for i, p in enumerate(d.path[d.attempt.case.kind]) if p >= M.CONFIDENT]
    if reached and reached[0] > 0:
        yours = (f"Your tests got there after test {reached[0]} "
                 f"({_test_title(d.attempt.tests[reached[0] - 1])}).")
    else:
        yours = f"Your tests did not get it to {M.CONFIDENT:.0%} before you committed."
    return (f"The test{'s' if len(s.tests) > 1 else ''} that would have settled it soonest: "
            f"**{names}** {alone} make {plain(truth)} {s.probability:.0%} probable. {yours}")


def _treatment(d: M.Debrief, run: sim.Run) -> None:
    st.subheader("How your treatment would have gone")
    ch, right, case = d.chosen, d.right, d.attempt.case
    st.markdown(
        f"You chose **{plain(ch.title)}**: 6 weeks in, MRC sum {ch.mrc_early:+d} and weaker-hand "
        f"grip {ch.grip_early:+.1f} kg against the same patient untreated; at "
        f"{M.FOLLOW_UP_DAYS / 7:.0f} weeks {ch.mrc_late:+d} and {ch.grip_late:+.1f} kg. "
        f"In short, {plain(d.score.verdict)}.")
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
                                 f"Grip of the weaker ({hand}) hand", M.PRESENT_DAY),
                "mystery_outcome_grip", long[["plan", "day", "grip"]],
                "weaker-hand grip under each first treatment")
    with st.expander("Every first treatment for this patient"):
        tables.show(pd.DataFrame([{
            "treatment": o.title, "MRC sum at 6 weeks": o.mrc_early,
            "grip at 6 weeks (kg)": o.grip_early,
            f"MRC sum at {M.FOLLOW_UP_DAYS / 7:.0f} weeks": o.mrc_late,
            f"grip at {M.FOLLOW_UP_DAYS / 7:.0f} weeks (kg)": o.grip_late,
            "clearly better": "yes" if o.better else "no",
            "harm": "yes" if o.worse else "no"} for o in d.outcomes.values()]),
            key="mystery_outcomes", hide_index=True)
        st.caption(f"Differences against the same patient untreated. Clearly better: at "
                   f"least {RESPONSE_MRC_POINTS} MRC sum points or {RESPONSE_GRIP_KG:g} kg of "
                   f"weaker-hand grip at 6 weeks; harm: at least {M.HARM_MRC_POINTS} points or "
                   f"{M.HARM_GRIP_KG:g} kg weaker at 6 weeks or at the end of follow-up.")


def _checklists(d: M.Debrief) -> None:
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
            tables.show(sim.diagnosis.table(cl), key=f"mystery_checklist_{name}",
                         hide_index=True)


def _debrief(attempt: M.Attempt, run: sim.Run) -> None:
    rates = _all_rates()
    d = M.debrief(attempt, state.simulate, rates)
    case = attempt.case
    st.header("Debrief")
    verdict = (f"The patient had **{plain(_title(case.kind))}**; you said "
               f"**{plain(_title(str(attempt.diagnosis)))}**.")
    (st.success if d.score.correct else st.error)(verdict)
    st.markdown("**Score**\n" + "\n".join(f"- {line}" for line in d.score.lines()))
    st.caption(f"Score: {M.POINTS['diagnosis']} for the right disease, up to "
               f"{M.POINTS['certainty']} more as far as your tests had made it probable when "
               f"you committed; {M.POINTS['tests']} for the share of your tests that moved the "
               f"differential (by at least {M.MOVED:.0%}); {M.POINTS['treatment']} for the first "
               "treatment: its gain as a share of the best option's, nothing for harm or for "
               "withholding a treatment that helps this patient. Case: "
               f"{_title(case.kind)}, case number {case.seed}, seen on day "
               f"{M.PRESENT_DAY:.0f} from onset.")

    st.subheader("How the differential moved")
    st.markdown(_soonest_text(d))
    _path_chart(d.path, attempt.tests, "mystery_debrief_differential")

    st.subheader("Which findings pointed where")
    if not attempt.tests:
        st.info("No tests were ordered, so no finding pointed anywhere.")
    else:
        table = M.pointers(d.found, rates, attempt.tests)
        st.caption(f"For each finding of your tests: this patient's value, and how many of "
                   f"{M.REFERENCE_PATIENTS} simulated patients of each disease, seen at the "
                   "same time from onset, have the same value.")
        state.chart(F.pointers_figure(table), "mystery_pointers", table,
                    "findings and the diseases they point to")
    _checklists(d)
    _treatment(d, run)


def _answer_form(attempt: M.Attempt) -> None:
    c1, c2 = st.columns(2)
    c1.selectbox("Diagnosis", diseases.kinds(), key=_DX, format_func=_title, index=None,
                 placeholder="Choose a disease...", help="The diseases this simulator knows.")
    c2.selectbox("First treatment", M.treatment_choices(), key=_TX, index=None,
                 format_func=M.treatment_title, placeholder="Choose a treatment...",
                 help="Started today; the debrief shows how it went for this patient.")
    ready = st.session_state.get(_DX) is not None and st.session_state.get(_TX) is not None
    st.button("Commit to this answer", key=state.key("mystery_commit"), type="primary",
              on_click=_commit, args=(attempt,), disabled=not ready,
              help="Reveals the answer. Choose a diagnosis and a first treatment first."
              if not ready else "Reveals the answer; the link then replays the debrief.")


def _attempt(attempt: M.Attempt) -> None:
    case = attempt.case
    run = state.simulate(M.scenario(case.kind), case.seed)
    st.markdown(
        f"A patient comes to clinic with weakness, {M.PRESENT_DAY / 365.25:.0f} years after "
        "the disease began. Order tests one at a time; each result appears below in the order "
        "you asked for it, with the differential after it. The page address replays this "
        "attempt.")
    _, c2 = st.columns([4, 1])
    c2.button("New case", key=state.key("mystery_new"), on_click=_start, args=({},),
              help="Leave this case and start another.")
    cols = st.columns(4)
    for i, t in enumerate(M.TESTS):
        done = t.key in attempt.tests
        # done: "(done)" in words, not an icon whose name a screen reader would read out
        cols[i % 4].button(f"{t.title} (done)" if done else t.title,
                           key=state.key(f"mystery_test_{t.key}"), help=t.what,
                           disabled=done or attempt.committed, on_click=_order,
                           args=(attempt, t.key), width="stretch")
    _report(attempt, _differential(attempt, run))
    st.subheader("Your answer")
    if attempt.committed:
        st.markdown(f"Diagnosis: **{plain(_title(str(attempt.diagnosis)))}**; first treatment: "
                    f"**{plain(M.treatment_title(str(attempt.treatment)))}**.")
        _debrief(attempt, run)
        return
    _answer_form(attempt)


if all(st.query_params.get(k) for k in CLASS_KEYS):  # opened from the Class page
    st.session_state[_CLASS] = tuple(str(st.query_params[k])[:200] for k in CLASS_KEYS)
address = _address()
parsed = M.parse_query(address, np.random.default_rng())
for note in parsed.notes:
    st.error(plain(note), icon="ℹ️")
if parsed.attempt is None:
    st.session_state.pop(_MEMORY, None)
    if st.query_params.to_dict():
        st.query_params.clear()
    _start_form()
else:
    # A drawn case gets its token now; a token read from the address is kept as it is (each
    # sealing makes a new token), without any values appended to it.
    query = M.to_query(parsed.attempt) if parsed.drawn else {"case": address["case"]}
    if st.query_params.to_dict() != {**query, **_class_link()}:
        st.query_params.from_dict({**query, **_class_link()})
    st.session_state[_MEMORY] = query
    _attempt(parsed.attempt)
