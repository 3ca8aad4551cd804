"""Class: a lecturer collects the room's predictions live and reveals the simulation.

Three views on one page, chosen by the link: no class yet (join, or open a class); a student
in a class (``class`` and the student's own ``me`` key); the lecturer (``class`` and the
``lecturer`` token, which only the lecturer's link holds). The rules and the storage are
:class:`sim.classroom.Classroom`; this page only draws them. The live parts are fragments
that rerun every few seconds, so answers and reveals arrive without reloading the page.
"""

from __future__ import annotations

import io
import json
import os
from urllib.parse import urlencode, urlsplit

import pandas as pd
import qrcode
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

import sim
from app_pages import housekeeping, state
from app_pages.class_store import CLASS_LINK_KEYS, class_room
from app_pages.text import plain
from sim import diseases
from sim import figures as F
from sim import mystery as M
from sim.classroom import ClassError, Classroom, csv_text, send, xapi_statements
from sim.classroom.exports import LRS_ENDPOINT_ENV, PUBLIC_URL_ENV
from sim.classroom.service import DEFAULT_HOURS, MAX_HOURS, MAX_NICKNAME, MAX_QUESTIONS, Question
from sim.classroom.store import DATABASE_URL_ENV, describe
from sim.prediction import NUMERIC, is_right, series

state.page_header("Class")

LIVE_S = 3.0  # seconds between refreshes of the live parts
CODE, ME = CLASS_LINK_KEYS  # a student's link values (class_store.py)
TOKEN = "lecturer"  # the lecturer's link value: their key




@st.cache_resource(show_spinner=False, max_entries=16)
def _run(preset: str) -> sim.Run:
    """A preset's own run, shared by every student who opens its reveal."""
    return sim.simulate(sim.load_scenario(preset))


def _link(**query: str) -> str:
    """An absolute link to this page with ``query`` (the address the browser used)."""
    url = st.context.url or os.environ.get(PUBLIC_URL_ENV, "") or "http://localhost:8501"
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/class?{urlencode(query)}"


def _qr_png(link: str) -> bytes:
    buf = io.BytesIO()
    qrcode.make(link, border=2).save(buf, format="PNG")
    return buf.getvalue()


def _fail(err: Exception) -> None:
    if isinstance(err, ClassError):
        st.error(plain(str(err)))
    else:
        where = describe(os.environ.get(DATABASE_URL_ENV) or "sqlite:///classes.sqlite3")
        st.error(plain(f"The class database ({where}) could not be used: "
                       f"{type(err).__name__}."))


def _label(q: Question) -> str:
    return f"Question {q.position + 1}: {q.title}"


def _unit(q: Question) -> str:
    return q.spec.describe_unit()


def _answers_chart(q: Question, tally, name: str, title: str, mine: float | str | None = None,
                   truth: float | str | None = None) -> None:
    rows = F.answers_table(q.spec.kind, q.spec.options, tally.counts, tally.values,
                           q.spec.low, q.spec.high)
    fig = F.answers_figure(q.spec.kind, q.spec.options, tally.counts, tally.values,
                           truth=truth, mine=mine, low=q.spec.low, high=q.spec.high,
                           unit=_unit(q), title=title)
    told = ", ".join(f"{label}: {n}" for label, n in rows if n)
    state.chart(fig, name, pd.DataFrame(rows, columns=["answer", "students"]),
                f"answers to question {q.position + 1}",
                f"{tally.count} answers so far" + (f" ({told})." if told else "."))


def _series_chart(q: Question, mine: float | str | None) -> None:
    drawn = series(_run(q.preset), q.spec)
    if drawn is None:
        return
    days, values = drawn
    label = NUMERIC[q.spec.measure][0]
    fig = F.reveal_figure(days, values, label=label, unit=_unit(q), day=q.spec.day,
                          from_day=q.spec.from_day, mine=mine)
    table = pd.DataFrame({"day": days, f"{label} ({_unit(q)})": values.round(2)})
    marked = f"days {q.spec.from_day:g} and {q.spec.day:g}" if q.spec.from_day is not None \
        else f"day {q.spec.day:g}"
    state.chart(fig, f"class_series_{q.id}", table, f"{label} over the run",
                f"The line is the simulated patient's {label}; the dotted lines mark {marked}.")


# --- no class yet ---------------------------------------------------------------------------------
def _start(room: Classroom, code: str) -> None:
    join, teach = st.columns(2, gap="large")
    with join, st.form("join"):
        st.subheader("Join a class")
        entered = st.text_input("Class code", value=code, max_chars=12,
                                help="The six letters and digits on the lecturer's screen.")
        nick = st.text_input("Nickname (optional)", max_chars=MAX_NICKNAME + 10,
                             help=f"Up to {MAX_NICKNAME} characters; only the lecturer sees it.")
        if st.form_submit_button("Join", type="primary"):
            try:
                key = room.join(entered, nick)
            except (ClassError, SQLAlchemyError) as err:
                _fail(err)
            else:
                st.query_params.from_dict({CODE: entered.strip().upper().replace("-", ""),
                                           ME: key})
                st.rerun()
    with teach, st.form("open"):
        st.subheader("Open a class (lecturer)")
        names = sim.preset_names()
        chosen = st.multiselect("Presets, in the order you will teach them", names,
                                format_func=state.preset_title, max_selections=MAX_QUESTIONS,
                                help="Each preset asks the class one question before you "
                                     "show its simulation.")
        case = st.checkbox("Add a 'Which disease is it?' case",
                           help="One hidden patient for the whole class: each student orders "
                                "tests and commits to a diagnosis on the Which disease is it? "
                                "page; you see the class's differential after each test and "
                                "their diagnoses.")
        hours = st.number_input("The class ends after (hours)", min_value=0.25,
                                max_value=MAX_HOURS, value=DEFAULT_HOURS, step=0.5,
                                help="Then its answers are deleted.")
        if st.form_submit_button("Open the class", type="primary"):
            try:
                with st.spinner("Simulating each preset's answer..."):
                    new = room.create(chosen, hours=float(hours), case=case)
            except (ClassError, SQLAlchemyError) as err:
                _fail(err)
            else:
                st.session_state["class_token"] = new.token
                st.query_params.from_dict({CODE: new.code, TOKEN: new.token})
                st.rerun()


# --- the lecturer ------------------------------------------------------------------------------
def _lecturer(room: Classroom, code: str, token: str) -> None:
    row = room.check_lecturer(code, token)
    link = _link(**{CODE: row.code})
    left, right = st.columns([2, 1])
    with left:
        st.metric("Join code", row.code)
        st.markdown(f"Students open **{link}** or scan the code, and join with the code "
                    "above.")
        st.caption("Keep this page's link to yourself: it holds your lecturer key. Answers "
                   "are kept until the class ends, then deleted.")
    with right:
        st.image(_qr_png(link), caption="Scan to join", width=200)
    hide = st.toggle("Hide the simulation's answers until I reveal them (for projecting)",
                     value=True, key=state.key("class_hide"),
                     help="Off: the live charts mark the simulation's answer and the share "
                          "right, for your eyes only.")
    _joined(room, row.code)
    questions = room.questions(row.code)
    for q in questions:
        with st.container(border=True):
            _live_question(room, row.code, token, q.id, hide)
    if row.case_kind is not None:
        with st.container(border=True):
            _live_case(room, row.code, token, hide)
    _exports(room, row.code, token)
    for q in questions:  # the reveal's charts need each preset's run: simulate it now, once
        _run(q.preset)


@st.fragment(run_every=LIVE_S)
def _joined(room: Classroom, code: str) -> None:
    st.write(f"Students joined: **{room.student_count(code)}**")


@st.fragment(run_every=LIVE_S)
def _live_question(room: Classroom, code: str, token: str, qid: int, hide: bool) -> None:
    q = next(x for x in room.questions(code) if x.id == qid)
    t = room.tally(code, token, qid)
    shown = q.revealed or not hide  # what a projected screen may show
    st.subheader(_label(q))
    st.write(q.spec.question)
    a, b, c = st.columns(3)
    a.metric("Answers", t.count)
    b.metric("Right so far", "–" if t.share_right is None or not shown
             else f"{t.share_right:.0%}")
    c.metric("Simulation", "revealed" if q.revealed else "hidden")
    _answers_chart(q, t, f"class_live_{qid}", "The class's answers" + (
        " (green: the simulation)" if shown else ""), truth=q.answer.value if shown else None)
    if q.revealed:
        st.success(plain(q.answer.text))
    else:
        # A callback: the reveal is stored before the fragment draws again.
        st.button("Reveal the simulation", key=state.key(f"class_reveal_{qid}"),
                  type="primary", on_click=room.reveal, args=(code, token, qid))


@st.fragment(run_every=LIVE_S)
def _live_case(room: Classroom, code: str, token: str, hide: bool) -> None:
    c = room.case_summary(code, token)
    shown = c.revealed or not hide
    st.subheader("Which disease is it? The class's case")
    a, b, d = st.columns(3)
    a.metric("Students who ordered a test", c.started)
    b.metric("Committed to a diagnosis", sum(c.diagnoses.values()))
    d.metric("The disease", M.disease_name(c.truth) if shown else "hidden")
    if c.steps:
        kinds = diseases.kinds()
        prior = {k: 1.0 / len(kinds) for k in kinds}
        path = pd.DataFrame([prior, *c.steps], columns=list(kinds)).fillna(0.0)
        steps = ["no test", *(f"test {n} ({k} students)" for n, k in
                              enumerate(c.students_at, start=1))]
        names = {k: M.disease_name(k) for k in kinds}
        table = path.rename(columns=names).assign(after=steps).set_index("after")
        state.chart(F.differential_figure(path, names, steps, M.CONFIDENT), "class_case_path",
                    (100 * table).round(1).reset_index(), "the class's mean differential",
                    "The class's mean differential after each student's first, second, ... "
                    "test (each student's own tests, in their own order).")
    names = {k: M.disease_name(k) for k in diseases.kinds()}
    counts = {names[k]: n for k, n in c.diagnoses.items()}
    fig = F.answers_figure("choice", list(names.values()), counts, (),
                           truth=names[c.truth] if shown else None,
                           title="The class's committed diagnoses")
    rows = [(v, counts.get(v, 0)) for v in names.values()]
    state.chart(fig, "class_case_dx", pd.DataFrame(rows, columns=["diagnosis", "students"]),
                "the class's committed diagnoses",
                f"{sum(c.diagnoses.values())} students have committed to a diagnosis.")
    if not c.revealed:
        st.button("Reveal the disease", key=state.key("class_case_reveal"),
                  on_click=room.reveal_case, args=(code, token))


def _exports(room: Classroom, code: str, token: str) -> None:
    rows = room.rows(code, token)
    st.subheader("Results")
    st.caption(f"{len(rows)} answers. {sim.DISCLAIMER}")
    a, b, c = st.columns(3)
    a.download_button("Download results (CSV)", csv_text(rows), f"class-{code}.csv",
                      "text/csv", key=state.key("class_csv"))
    statements = xapi_statements(rows)
    b.download_button("Download xAPI statements (JSON)", json.dumps(statements, indent=1),
                      f"class-{code}-xapi.json", "application/json",
                      key=state.key("class_xapi"))
    endpoint = os.environ.get(LRS_ENDPOINT_ENV, "").strip()
    if endpoint and c.button("Send to the learning record store", key=state.key("class_lrs")):
        try:
            status = send(statements, endpoint, os.environ.get("MMN_SIM_LRS_USER", ""),
                          os.environ.get("MMN_SIM_LRS_PASSWORD", ""))
        except OSError as err:
            st.error(plain(f"The learning record store could not be reached: {err}."))
        else:
            st.success(f"Sent {len(statements)} statements (HTTP {status}).")


# --- the student --------------------------------------------------------------------------------
def _student(room: Classroom, code: str, key: str) -> None:
    name = room.nickname(code, key)
    st.write(f"You are **{name}** in class **{code.upper()}**. Answer before the lecturer "
             "reveals the simulation; you can change an answer until then.")
    for q in room.questions(code):
        with st.container(border=True):
            _student_question(room, code, key, q.id)
    case = room.case_token(code)
    if case is not None:
        with st.container(border=True):
            st.subheader("Which disease is it? The class's case")
            st.write("One hidden patient for the whole class. Order tests one at a time, "
                     "then commit to a diagnosis; the lecturer sees the class's differential "
                     "after each test, never your name.")
            link = urlencode({"case": case, CODE: code, ME: key})
            st.markdown(f"[Open the case](mystery?{link})")


@st.fragment(run_every=LIVE_S)
def _student_question(room: Classroom, code: str, key: str, qid: int) -> None:
    q, mine = room.student_question(code, key, qid)
    st.subheader(_label(q))
    st.write(q.spec.question)
    if q.revealed:
        _reveal(room, code, q, mine)
        return
    widget = state.key(f"class_answer_{qid}")
    if q.spec.kind == "number":
        start = float(mine) if mine is not None else float((q.spec.low + q.spec.high) / 2)
        value = st.number_input(f"Your answer ({_unit(q)})", min_value=float(q.spec.low),
                                max_value=float(q.spec.high), value=start, key=widget)
    else:
        options = list(q.spec.options)
        value = st.radio("Your answer", options, horizontal=True, key=widget,
                         index=options.index(mine) if mine in options else None)
    if st.button("Submit", key=state.key(f"class_submit_{qid}"), type="primary"):
        try:
            if value is None:
                raise ClassError("Choose an answer first.")
            mine = room.submit(code, key, qid, value)
        except (ClassError, SQLAlchemyError) as err:
            _fail(err)
        else:
            st.success(f"Saved: {mine}.")
    if mine is not None:
        st.caption(f"Your answer: {mine}{' ' + _unit(q) if q.spec.kind == 'number' else ''}."
                   " Waiting for the lecturer to reveal the simulation.")


def _reveal(room: Classroom, code: str, q: Question, mine: str | None) -> None:
    q, tally = room.reveal_view(code, q.id)
    guess = float(mine) if mine is not None and q.spec.kind == "number" else mine
    if mine is None:
        st.info("You did not answer this one.")
    else:
        right = is_right(q.spec, guess, q.answer)
        (st.success if right else st.warning)(
            f"Your prediction: {mine}{' ' + _unit(q) if q.spec.kind == 'number' else ''}. "
            + ("The simulation agrees." if right else "The simulation shows otherwise."))
    st.write(plain(q.answer.text))
    _series_chart(q, guess)
    _answers_chart(q, tally, f"class_dist_{q.id}", f"The class's answers ({tally.count})",
                   mine=guess, truth=q.answer.value)


# --- routing ----------------------------------------------------------------------------------
def main() -> None:
    params = st.query_params
    code, token, me = (str(params.get(k, ""))[:200] for k in (CODE, TOKEN, ME))
    try:
        room = class_room()
    except (SQLAlchemyError, OSError) as err:
        _fail(err)
        return
    # Ended classes are deleted once a minute even if nobody opens a new one.
    housekeeping.register("purge ended classes", room.purge_expired)
    try:
        if token:
            _lecturer(room, code, token)
        elif me:
            _student(room, code, me)
        else:
            _start(room, code)
    except (ClassError, SQLAlchemyError) as err:
        _fail(err)
        if token or me:
            st.page_link("app_pages/classroom.py", label="Start again: join or open a class")


main()
