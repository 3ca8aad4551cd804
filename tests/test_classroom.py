"""Class mode's storage and rules, on SQLite and on a real PostgreSQL server (the same tests).

Every refused request is checked to leave the stored data as it was."""

from __future__ import annotations

import http.server
import json
import threading

import pytest
from sqlalchemy import func, select

from sim import load_scenario, parse_scenario, simulate
from sim.classroom import ClassError, Classroom, csv_text, send, xapi_statements
from sim.classroom.exports import CSV_COLUMNS, VERB_ANSWERED, XAPI_VERSION
from sim.classroom.models import AnswerRow, CaseStepRow, ClassRow, QuestionRow, StudentRow
from sim.classroom.service import MAX_NICKNAME, preset_answer
from sim.prediction import answer
from tests.databases import KINDS, new_database

CHANGE = parse_scenario({
    "scenario": {"years": 3, "seed": 1},
    "teaching": {"ask": {"kind": "change", "question": "Grip at day 1000 against day 500?",
                         "measure": "grip_weaker", "day": 1000, "from_day": 500,
                         "tolerance": 1}}})
NUMBER = parse_scenario({
    "scenario": {"years": 3, "seed": 1},
    "teaching": {"ask": {"kind": "number", "question": "Weaker-hand grip on day 1000?",
                         "measure": "grip_weaker", "day": 1000, "low": 0, "high": 60,
                         "tolerance": 2}}})
ANSWERS = {"change": ("Change", CHANGE.teaching.ask, answer(simulate(CHANGE), CHANGE.teaching.ask)),
           "number": ("Number", NUMBER.teaching.ask, answer(simulate(NUMBER), NUMBER.teaching.ask))}


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=KINDS)
def url(request, tmp_path):
    return new_database(request.param, tmp_path)


def room(url: str, clock: Clock | None = None, **kw) -> Classroom:
    return Classroom(url, clock=clock or Clock(), answer_for=lambda n: ANSWERS[n], **kw)


def counts(c: Classroom) -> tuple[int, ...]:
    with c.engine.connect() as conn:
        return tuple(int(conn.scalar(select(func.count()).select_from(t)))
                     for t in (ClassRow, QuestionRow, StudentRow, AnswerRow))


def snapshot(c: Classroom) -> list:
    with c.engine.connect() as conn:
        return [list(conn.execute(select(t.__table__).order_by(t.id)))
                for t in (ClassRow, QuestionRow, StudentRow, AnswerRow, CaseStepRow)]


def test_a_class_from_creation_to_reveal_and_export(url):
    c = room(url)
    new = c.create(["change", "number"], hours=2)
    assert len(new.code) == 6 and len(new.token) >= 24
    qs = c.questions(new.code.lower())
    assert [q.preset for q in qs] == ["change", "number"] and not any(q.revealed for q in qs)
    ann, bob = c.join(new.code, "Ann"), c.join(f" {new.code[:3]}-{new.code[3:]} ")
    assert c.nickname(new.code, ann) == "Ann" and c.nickname(new.code, bob).startswith("Student")
    c.submit(new.code, ann, qs[0].id, "higher")
    c.submit(new.code, ann, qs[0].id, qs[0].answer.value)  # changed before the reveal
    c.submit(new.code, bob, qs[0].id, "lower")
    c.submit(new.code, ann, qs[1].id, qs[1].answer.value + 1.5)
    assert c.student_question(new.code, ann, qs[0].id)[1] == qs[0].answer.value
    assert c.student_question(new.code, ann, qs[1].id)[1] == f"{qs[1].answer.value + 1.5:g}"
    assert c.student_question(new.code, bob, qs[1].id)[1] is None
    t = c.tally(new.code, new.token, qs[0].id)
    assert t.count == 2 and t.right == 1 + (qs[0].answer.value == "lower")
    assert sum(t.counts.values()) == 2 and set(t.counts) == set(qs[0].spec.options)
    assert c.tally(new.code, new.token, qs[1].id).right == 1  # within the 2 kg tolerance
    with pytest.raises(ClassError, match="has not revealed"):
        c.reveal_view(new.code, qs[0].id)
    c.reveal(new.code, new.token, qs[0].id)
    q, tally = c.reveal_view(new.code, qs[0].id)
    assert q.revealed and tally.count == 2
    rows = c.rows(new.code, new.token)
    assert len(rows) == 3
    text = csv_text(rows)
    lines = text.splitlines()
    assert lines[0].split(",") == list(CSV_COLUMNS) and len(lines) == 4
    assert all("not for clinical decisions" in ln for ln in lines[1:])
    statements = xapi_statements(rows)
    assert len(statements) == 3 and statements == xapi_statements(rows)  # stable ids
    s0 = statements[0]
    assert s0["verb"]["id"] == VERB_ANSWERED and s0["version"] == XAPI_VERSION
    assert s0["object"]["definition"]["interactionType"] == "choice"
    assert s0["result"]["success"] == rows[0]["right"]
    assert "Ann" not in json.dumps(statements)  # pseudonymous accounts
    numeric = [s for s in statements if s["object"]["definition"]["interactionType"]
               == "numeric"]
    assert numeric and "[:]" in numeric[0]["object"]["definition"]["correctResponsesPattern"][0]


def test_a_restart_keeps_every_class_and_answer(url):
    clock = Clock()
    c = room(url, clock)
    new = c.create(["change"])
    key = c.join(new.code, "Ann")
    q = c.questions(new.code)[0]
    c.submit(new.code, key, q.id, "lower")
    c.engine.dispose()
    again = room(url, clock)  # a new process would do the same: migrate, then read
    assert again.student_question(new.code, key, q.id)[1] == "lower"
    assert again.tally(new.code, new.token, q.id).count == 1


@pytest.mark.parametrize("bad", ["wrong code", "malformed code", "tampered token",
                                 "out of range", "not an option", "nan", "oversized nickname",
                                 "other class's student", "after reveal", "unknown question",
                                 "huge question id", "question id as text", "a list as answer",
                                 "too fast", "expired"])
def test_bad_requests_get_one_sentence_and_change_nothing(url, bad):
    clock = Clock()
    c = room(url, clock)
    new = c.create(["change", "number"])
    other = c.create(["change"])
    qs = c.questions(new.code)
    key = c.join(new.code, "Ann")
    stranger = c.join(other.code, "Zed")
    c.submit(new.code, key, qs[0].id, "higher")
    if bad == "after reveal":
        c.reveal(new.code, new.token, qs[1].id)
    if bad == "too fast":
        c.submit(new.code, key, qs[0].id, "lower")
        c.submit(new.code, key, qs[0].id, "higher")
    before = snapshot(c)
    action = {
        "wrong code": lambda: c.join("ZZZZZZ" if new.code != "ZZZZZZ" else "YYYYYY"),
        "malformed code": lambda: c.join("<script>"),
        "tampered token": lambda: c.reveal(new.code, new.token[:-2] + "xx", qs[0].id),
        "out of range": lambda: c.submit(new.code, key, qs[1].id, 61),
        "not an option": lambda: c.submit(new.code, key, qs[0].id, "sideways"),
        "nan": lambda: c.submit(new.code, key, qs[1].id, "nan"),
        "oversized nickname": lambda: c.join(new.code, "x" * (MAX_NICKNAME + 1)),
        "other class's student": lambda: c.submit(new.code, stranger, qs[0].id, "lower"),
        "after reveal": lambda: c.submit(new.code, key, qs[1].id, 20),
        "unknown question": lambda: c.submit(new.code, key, 10_000, "lower"),
        "huge question id": lambda: c.submit(new.code, key, 2**70, "lower"),
        "question id as text": lambda: c.reveal(new.code, new.token, "1e400"),
        "a list as answer": lambda: c.submit(new.code, key, qs[0].id, [[["lower"]]] * 50),
        "too fast": lambda: c.submit(new.code, key, qs[0].id, "lower"),
        "expired": lambda: (setattr(clock, "now", clock.now + 13 * 3600),
                            c.submit(new.code, key, qs[0].id, "lower")),
    }[bad]
    with pytest.raises(ClassError) as err:
        action()
    msg = str(err.value)
    assert msg.endswith(".") and msg.count(". ") == 0 and "Traceback" not in msg
    assert snapshot(c) == before


def test_the_rate_limit_is_per_second(url):
    clock = Clock()
    c = room(url, clock, max_per_second=2)
    new = c.create(["change"])
    key, q = c.join(new.code), c.questions(new.code)[0]
    c.submit(new.code, key, q.id, "lower")
    c.submit(new.code, key, q.id, "higher")
    with pytest.raises(ClassError, match="in one second"):
        c.submit(new.code, key, q.id, "lower")
    clock.now += 1.0
    assert c.submit(new.code, key, q.id, "lower") == "lower"


def test_expired_classes_are_purged_with_all_their_rows(url):
    clock = Clock()
    c = room(url, clock)
    old = c.create(["change"], hours=1)
    key = c.join(old.code, "Ann")
    c.submit(old.code, key, c.questions(old.code)[0].id, "lower")
    assert counts(c) == (1, 1, 1, 1)
    clock.now += 3601
    with pytest.raises(ClassError, match="has ended"):
        c.join(old.code)
    assert c.purge_expired() == 1 and counts(c) == (0, 0, 0, 0)
    with pytest.raises(ClassError, match="from 0.25 to"):
        c.create(["change"], hours=0)


def test_thirty_students_submitting_at_once_lose_nothing(url):
    c = room(url)
    new = c.create(["change"])
    q = c.questions(new.code)[0]
    start = threading.Barrier(30)
    errors: list[BaseException] = []

    def student(i: int) -> None:
        try:
            key = c.join(new.code, f"S{i}")
            start.wait()
            c.submit(new.code, key, q.id, ("higher", "about the same", "lower")[i % 3])
        except BaseException as e:  # noqa: BLE001 - collected and reported below
            errors.append(e)

    threads = [threading.Thread(target=student, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    t = c.tally(new.code, new.token, q.id)
    assert t.count == 30 and sorted(t.counts.values()) == [10, 10, 10]


def test_two_processes_share_one_database(url, tmp_path):
    """A second server process (here: a second engine) sees the first one's class."""
    a, b = room(url), room(url)
    new = a.create(["change"])
    key = b.join(new.code, "Ann")
    b.submit(new.code, key, b.questions(new.code)[0].id, "lower")
    assert a.tally(new.code, new.token, a.questions(new.code)[0].id).count == 1


def test_a_preset_question_is_answered_by_its_own_simulation():
    title, spec, ans = preset_answer("prednisolone")
    sc = load_scenario("prednisolone")
    assert title == sc.name and spec == sc.teaching.ask
    assert ans == answer(simulate(sc), spec)
    with pytest.raises(ClassError, match="no preset"):
        preset_answer("no-such-preset")


def test_statements_are_sent_to_an_lrs_with_the_xapi_headers():
    got: dict = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            got["path"] = self.path
            got["version"] = self.headers["X-Experience-API-Version"]
            got["auth"] = self.headers["Authorization"]
            got["body"] = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"[]")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        status = send([{"id": "x"}], f"http://127.0.0.1:{server.server_port}/xapi/", "u", "p")
    finally:
        server.shutdown()
    assert status == 200 and got["path"] == "/xapi/statements"
    assert got["version"] == XAPI_VERSION and got["auth"].startswith("Basic ")
    assert got["body"] == [{"id": "x"}]


def test_submission_timing_is_recorded(url):
    clock = Clock()
    c = room(url, clock)
    new = c.create(["change"])
    key, q = c.join(new.code), c.questions(new.code)[0]
    c.submit(new.code, key, q.id, "lower")
    clock.now += 5
    c.submit(new.code, key, q.id, "higher")
    (row,) = c.rows(new.code, new.token)
    assert row["updated"] - row["submitted"] == pytest.approx(5) and row["answer"] == "higher"


def test_the_migrations_build_exactly_the_tables_the_models_describe(url):
    """A model change without a migration (or the reverse) fails here, on both databases."""
    from sqlalchemy import inspect

    from sim.classroom.models import Base

    c = room(url)
    insp = inspect(c.engine)
    assert set(insp.get_table_names()) == {*Base.metadata.tables, "alembic_version"}
    for name, table in Base.metadata.tables.items():
        cols = {col["name"]: col for col in insp.get_columns(name)}
        assert set(cols) == set(table.columns.keys()), name
        for col in table.columns:
            assert cols[col.name]["nullable"] == col.nullable, (name, col.name)
        uniques = {tuple(u["column_names"]) for u in insp.get_unique_constraints(name)}
        uniques |= {tuple(i["column_names"]) for i in insp.get_indexes(name) if i["unique"]}
        for constraint in table.constraints:
            if constraint.__class__.__name__ == "UniqueConstraint":
                assert tuple(constraint.columns.keys()) in uniques, (name, constraint)
    with c.engine.connect() as conn:
        from sqlalchemy import text

        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "0002"


def test_a_class_case_gathers_the_differential_step_by_step_and_the_diagnoses(url):
    from sim import diseases
    from sim import mystery as M

    clock = Clock()
    c = room(url, clock)
    new = c.create([], case=True)
    token = c.case_token(new.code)
    attempt = M.open_attempt(token)
    kinds = diseases.kinds()
    assert attempt.case.kind in kinds and not attempt.tests  # a sealed, untouched case
    ann, bob = c.join(new.code, "Ann"), c.join(new.code, "Bob")
    p1 = {k: (0.5 if k == "mmn" else 0.5 / (len(kinds) - 1)) for k in kinds}
    p2 = {k: (0.9 if k == "mmn" else 0.1 / (len(kinds) - 1)) for k in kinds}
    c.record_case(new.code, ann, ["ncs"], p1)
    c.record_case(new.code, ann, ["ncs"], p1)  # a rerun of the same step changes nothing
    c.record_case(new.code, ann, ["ncs", "labs"], p2, diagnosis="mmn", treatment="ivig")
    c.record_case(new.code, bob, ["exam"], p2)
    summary = c.case_summary(new.code, new.token)
    assert summary.started == 2 and summary.students_at == [2, 1]
    assert summary.steps[0]["mmn"] == pytest.approx(0.7) and summary.steps[1]["mmn"] == 0.9
    assert summary.diagnoses == {"mmn": 1} and not summary.revealed
    assert summary.truth == attempt.case.kind
    c.record_case(new.code, ann, ["ncs", "labs"], p2, diagnosis="cidp")  # the first commit holds
    assert c.case_summary(new.code, new.token).diagnoses == {"mmn": 1}
    c.reveal_case(new.code, new.token)
    assert c.case_summary(new.code, new.token).revealed
    before = snapshot(c)
    for bad in (lambda: c.record_case(new.code, bob, [], p1),
                lambda: c.record_case(new.code, bob, ["x"] * 41, p1),
                lambda: c.record_case(new.code, bob, ["ncs"], {"flu": 1.0}),
                lambda: c.record_case(new.code, bob, ["ncs"], {"mmn": 1.5}),
                lambda: c.record_case(new.code, bob, ["ncs"], p1, diagnosis="flu"),
                lambda: c.record_case(new.code, "stranger", ["ncs"], p1),
                lambda: c.case_summary(new.code, "wrong-token")):
        with pytest.raises(ClassError) as err:
            bad()
        assert str(err.value).endswith(".")
    assert snapshot(c) == before
    plain = c.create(["change"])
    key = c.join(plain.code)
    assert c.case_token(plain.code) is None
    with pytest.raises(ClassError, match="no case"):
        c.record_case(plain.code, key, ["ncs"], p1)
    clock.now += 13 * 3600
    assert c.purge_expired() == 2
    with c.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(CaseStepRow)) == 0
