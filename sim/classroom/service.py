"""Class mode's operations: open a class, join it, answer, watch the answers, reveal, export.

Why one class: the dashboard (any number of server processes), the tests and the benchmark all
go through :class:`Classroom`, so every rule (who may do what, which values are allowed, how
fast one student may submit) is enforced in one place, and a refused request changes nothing.
Each refusal is a :class:`ClassError` whose message is one sentence a user can act on.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import math
import re
import reprlib
import secrets
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from ..prediction import Answer, PredictionSpec, is_right
from .models import AnswerRow, CaseStepRow, ClassRow, QuestionRow, StudentRow
from .store import make_engine

__all__ = ["ClassError", "Classroom", "NewClass", "Question", "Tally", "CaseSummary",
           "CODE_ALPHABET", "MAX_CASE_STEPS",
           "CODE_LENGTH", "MAX_NICKNAME", "MAX_PER_SECOND", "DEFAULT_HOURS", "MAX_HOURS",
           "MAX_QUESTIONS", "normalise_code"]

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read off a projector
CODE_LENGTH = 6
MAX_NICKNAME = 24
MAX_PER_SECOND = 3  # submissions a second from one student before they are refused
DEFAULT_HOURS = 12.0
MAX_HOURS = 24.0 * 14
MAX_QUESTIONS = 12
MAX_CASE_STEPS = 40  # more tests than the case offers is not a real attempt
_CODE_RE = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


class ClassError(ValueError):
    """A request class mode refuses; the message is one sentence for the user."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_code(code: str) -> str:
    """Upper case, spaces and dashes removed: 'k7p q2m' and 'K7P-Q2M' are one code."""
    return re.sub(r"[\s\-]", "", str(code or "")).upper()


def _clean_nickname(nickname: str) -> str:
    """Control and format characters dropped, whitespace collapsed; refused when too long."""
    text = "".join(ch for ch in unicodedata.normalize("NFKC", str(nickname or ""))
                   if unicodedata.category(ch)[0] not in "CZ" or ch == " ")
    text = " ".join(text.split())
    if len(text) > MAX_NICKNAME:
        raise ClassError(f"A nickname is at most {MAX_NICKNAME} characters; this one has "
                         f"{len(text)}.")
    return text


@dataclass(frozen=True)
class NewClass:
    code: str
    token: str  # shown once, to the lecturer; only its hash is stored
    expires: float


@dataclass(frozen=True)
class Question:
    id: int
    position: int
    preset: str
    title: str
    spec: PredictionSpec
    answer: Answer
    revealed: bool


@dataclass(frozen=True)
class Tally:
    """The answers to one question so far (no names)."""

    count: int
    counts: dict[str, int]  # option -> answers (choices)
    values: tuple[float, ...]  # the numbers given (number questions)
    right: int

    @property
    def share_right(self) -> float | None:
        return None if self.count == 0 else self.right / self.count


@functools.lru_cache(maxsize=512)
def _parsed(spec_json: str, answer_json: str) -> tuple[PredictionSpec, Answer]:
    """A question's ask and answer never change once stored: parse each once per process."""
    return PredictionSpec.model_validate_json(spec_json), Answer(**json.loads(answer_json))


@dataclass(frozen=True)
class CaseSummary:
    """The class's way through its "Which disease is it?" case (no names)."""

    started: int  # students who ordered at least one test
    steps: list[dict[str, float]]  # mean differential after test 1, 2, ... (kind -> p)
    students_at: list[int]  # students who got that far
    diagnoses: dict[str, int]  # committed diagnosis kind -> students
    truth: str
    revealed: bool


def _question(row: QuestionRow) -> Question:
    spec, ans = _parsed(row.spec_json, row.answer_json)
    return Question(row.id, row.position, row.preset, row.title, spec, ans,
                    row.revealed is not None)


class Classroom:
    """Class mode on one database (``url``, default :func:`~sim.classroom.store.database_url`).

    ``answer_for(preset)`` gives a preset's title, ask and simulated answer; the default
    simulates the preset. ``clock`` is injectable so tests can expire a class.
    """

    def __init__(self, url: str | None = None, *, engine: Engine | None = None,
                 clock: Callable[[], float] = time.time,
                 answer_for: Callable[[str], tuple[str, PredictionSpec, Answer]] | None = None,
                 max_per_second: int = MAX_PER_SECOND) -> None:
        self.engine = engine or make_engine(url)
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        self.clock = clock
        self.answer_for = answer_for or preset_answer
        self.max_per_second = max_per_second

    # --- the lecturer ------------------------------------------------------------------------
    def create(self, presets: Sequence[str], hours: float = DEFAULT_HOURS,
               title: str = "", case: bool = False) -> NewClass:
        """Open a class on these presets (in order), and with ``case`` a "Which disease is
        it?" case drawn for it; the token is returned only here."""
        names = list(dict.fromkeys(presets))
        if not names and not case:
            raise ClassError("Choose at least one preset, or a case, for the class.")
        if len(names) > MAX_QUESTIONS:
            raise ClassError(f"A class holds at most {MAX_QUESTIONS} presets; {len(names)} "
                             "were chosen.")
        if not (isinstance(hours, int | float) and math.isfinite(hours)
                and 0.25 <= hours <= MAX_HOURS):
            raise ClassError(f"A class lasts from 0.25 to {MAX_HOURS:g} hours; {_shown(hours)} "
                             "is outside that range.")
        asked = [(name, *self.answer_for(name)) for name in names]  # may raise ClassError
        now = self.clock()
        token = secrets.token_urlsafe(24)
        with self._session.begin() as s:
            self._purge(s, now)
            code = self._free_code(s)
            row = ClassRow(code=code, token_hash=_hash(token), created=now,
                           expires=now + hours * 3600.0,
                           title=(title or ", ".join(t for _, t, _, _ in asked)
                                  or "Which disease is it?")[:200])
            if case:
                row.case_kind, row.case_token = _draw_case()
            s.add(row)
            s.flush()
            for i, (name, t, spec, ans) in enumerate(asked):
                s.add(QuestionRow(class_id=row.id, position=i, preset=name, title=t[:300],
                                  spec_json=spec.model_dump_json(),
                                  answer_json=json.dumps(asdict(ans))))
            expires = row.expires
        return NewClass(code, token, expires)

    def check_lecturer(self, code: str, token: str) -> ClassRow:
        """The class, if ``token`` is its lecturer's; else a ClassError."""
        with self._session() as s:
            row = self._live_class(s, code)
            if not hmac.compare_digest(row.token_hash, _hash(str(token or ""))):
                raise ClassError(f"This lecturer link is not valid for class {row.code}; open "
                                 "the link you were given when you created the class.")
            return row

    def reveal(self, code: str, token: str, question_id: int) -> None:
        self.check_lecturer(code, token)
        with self._session.begin() as s:
            q = self._question_row(s, code, question_id)
            if q.revealed is None:
                q.revealed = self.clock()

    def tally(self, code: str, token: str, question_id: int) -> Tally:
        self.check_lecturer(code, token)
        return self._tally(code, question_id)

    def student_count(self, code: str) -> int:
        with self._session() as s:
            row = self._live_class(s, code)
            return int(s.scalar(select(func.count()).select_from(StudentRow)
                                .where(StudentRow.class_id == row.id)) or 0)

    def rows(self, code: str, token: str) -> list[dict]:
        """Every answer of the class, for the lecturer's CSV and xAPI exports."""
        cls = self.check_lecturer(code, token)
        out = []
        with self._session() as s:
            questions = {q.id: _question(q) for q in s.scalars(
                select(QuestionRow).where(QuestionRow.class_id == cls.id))}
            stmt = (select(AnswerRow, StudentRow)
                    .join(StudentRow, AnswerRow.student_id == StudentRow.id)
                    .where(StudentRow.class_id == cls.id)
                    .order_by(AnswerRow.question_id, StudentRow.id))
            for a, st in s.execute(stmt):
                q = questions[a.question_id]
                guess = float(a.value) if q.spec.kind == "number" else a.value
                out.append({"class_code": cls.code, "class_created": cls.created,
                            "question": q.position + 1, "question_id": q.id,
                            "preset": q.preset, "title": q.title, "spec": q.spec,
                            "student": st.id, "nickname": st.nickname, "answer": a.value,
                            "right": is_right(q.spec, guess, q.answer),
                            "simulated": q.answer.value, "submitted": a.submitted,
                            "updated": a.updated})
        return out

    # --- the student -------------------------------------------------------------------------
    def join(self, code: str, nickname: str = "") -> str:
        """A new student in the class; returns the student's key (kept in their session)."""
        name = _clean_nickname(nickname)
        key = secrets.token_urlsafe(18)
        with self._session.begin() as s:
            row = self._live_class(s, code)
            st = StudentRow(class_id=row.id, key_hash=_hash(key), nickname=name,
                            joined=self.clock(), window_start=0.0, window_count=0)
            s.add(st)
            s.flush()
            if not name:
                st.nickname = f"Student {st.id}"
        return key

    def nickname(self, code: str, key: str) -> str:
        with self._session() as s:
            return self._student(s, code, key).nickname

    def questions(self, code: str) -> list[Question]:
        with self._session() as s:
            row = self._live_class(s, code)
            return [_question(q) for q in s.scalars(
                select(QuestionRow).where(QuestionRow.class_id == row.id)
                .order_by(QuestionRow.position))]

    def student_question(self, code: str, key: str,
                         question_id: int) -> tuple[Question, str | None]:
        """One question and the student's answer to it, in one transaction (what the
        student's page redraws every few seconds)."""
        with self._session() as s:
            st = self._student(s, code, key)
            got = s.execute(
                select(QuestionRow, AnswerRow.value)
                .outerjoin(AnswerRow, (AnswerRow.question_id == QuestionRow.id)
                           & (AnswerRow.student_id == st.id))
                .where(QuestionRow.id == _qid(question_id),
                       QuestionRow.class_id == st.class_id)).first()
            if got is None:
                raise ClassError(f"This class has no question {_shown(question_id)}.")
            return _question(got[0]), got[1]

    def submit(self, code: str, key: str, question_id: int, value: float | str) -> str:
        """Store (or change) the student's answer; returns the stored text."""
        now = self.clock()
        with self._session.begin() as s:
            st = self._student(s, code, key, lock=True)
            q = s.scalar(select(QuestionRow).where(QuestionRow.id == _qid(question_id),
                                                   QuestionRow.class_id == st.class_id))
            if q is None:
                raise ClassError(f"This class has no question {_shown(question_id)}.")
            if q.revealed is not None:
                raise ClassError("The answers to this question have been revealed; it no "
                                 "longer takes answers.")
            text = _checked_value(_parsed(q.spec_json, q.answer_json)[0], value)
            if now - st.window_start >= 1.0:
                st.window_start, st.window_count = now, 0
            if st.window_count >= self.max_per_second:
                raise ClassError(f"More than {self.max_per_second} answers in one second; "
                                 "wait a moment and submit again.")
            st.window_count += 1
            # One statement whether the answer is new or changed (a round trip fewer than
            # reading it first): both databases speak INSERT ... ON CONFLICT DO UPDATE.
            dialect = s.get_bind().dialect.name
            ins = (pg_insert if dialect == "postgresql" else sqlite_insert)(AnswerRow).values(
                question_id=q.id, student_id=st.id, value=text, submitted=now, updated=now)
            s.execute(ins.on_conflict_do_update(
                index_elements=["question_id", "student_id"],
                set_={"value": ins.excluded.value, "updated": ins.excluded.updated}))
        return text

    def reveal_view(self, code: str, question_id: int) -> tuple[Question, Tally]:
        """After the reveal, what every student sees: the answer and the class distribution."""
        with self._session() as s:
            q = _question(self._question_row(s, code, question_id))
        if not q.revealed:
            raise ClassError("The lecturer has not revealed this question yet.")
        return q, self._tally(code, question_id)

    # --- the class's "Which disease is it?" case ---------------------------------------------
    def case_token(self, code: str) -> str | None:
        """The sealed link token of the class's case (None: the class has none)."""
        with self._session() as s:
            return self._live_class(s, code).case_token

    def record_case(self, code: str, key: str, tests: Sequence[str],
                    differential: dict[str, float], diagnosis: str | None = None,
                    treatment: str | None = None) -> None:
        """A student's differential after their latest test, and their committed answer."""
        from .. import diseases

        kinds = set(diseases.kinds())
        tests = [str(t)[:40] for t in tests]
        if not tests or len(tests) > MAX_CASE_STEPS:
            raise ClassError(f"A case step needs 1 to {MAX_CASE_STEPS} tests.")
        probs = {str(k): v for k, v in dict(differential).items()}
        if set(probs) - kinds or not all(
                isinstance(p, int | float) and not isinstance(p, bool) and 0.0 <= p <= 1.0
                for p in probs.values()):
            raise ClassError("A differential gives each known disease a probability from 0 "
                             "to 1.")
        probs = {k: float(v) for k, v in probs.items()}
        if diagnosis is not None and (not isinstance(diagnosis, str) or diagnosis not in kinds):
            raise ClassError(f"There is no disease called {_shown(diagnosis)}.")
        now = self.clock()
        with self._session.begin() as s:
            st = self._student(s, code, key, lock=True)
            row = s.get(ClassRow, st.class_id)
            if row is None or row.case_token is None:
                raise ClassError("This class has no case.")
            step = s.scalar(select(CaseStepRow).where(CaseStepRow.student_id == st.id,
                                                      CaseStepRow.step == len(tests)))
            text = json.dumps(probs, sort_keys=True)
            if step is None:
                s.add(CaseStepRow(student_id=st.id, step=len(tests), test=tests[-1],
                                  probs_json=text, updated=now))
            else:
                step.test, step.probs_json, step.updated = tests[-1], text, now
            if diagnosis is not None and st.case_diagnosis is None:  # the first commit holds
                st.case_diagnosis, st.case_treatment = diagnosis, (treatment or "")[:40]

    def reveal_case(self, code: str, token: str) -> None:
        row = self.check_lecturer(code, token)
        with self._session.begin() as s:
            cls = s.get(ClassRow, row.id)
            if cls.case_token is None:
                raise ClassError("This class has no case.")
            if cls.case_revealed is None:
                cls.case_revealed = self.clock()

    def case_summary(self, code: str, token: str) -> CaseSummary:
        row = self.check_lecturer(code, token)
        if row.case_kind is None:
            raise ClassError("This class has no case.")
        with self._session() as s:
            steps = list(s.execute(
                select(CaseStepRow.step, CaseStepRow.probs_json)
                .join(StudentRow, CaseStepRow.student_id == StudentRow.id)
                .where(StudentRow.class_id == row.id)))
            dx = list(s.scalars(select(StudentRow.case_diagnosis).where(
                StudentRow.class_id == row.id, StudentRow.case_diagnosis.is_not(None))))
        by_step: dict[int, list[dict[str, float]]] = {}
        for n, text in steps:
            by_step.setdefault(n, []).append(json.loads(text))
        means, at = [], []
        for n in range(1, max(by_step, default=0) + 1):
            got = by_step.get(n, [])
            keys = sorted({k for d in got for k in d})
            means.append({k: sum(d.get(k, 0.0) for d in got) / len(got) for k in keys}
                         if got else {})
            at.append(len(got))
        return CaseSummary(len(by_step.get(1, [])), means, at, dict(Counter(dx)),
                           row.case_kind, row.case_revealed is not None)

    # --- housekeeping ------------------------------------------------------------------------
    def purge_expired(self) -> int:
        """Delete every expired class and all its rows; returns how many classes."""
        with self._session.begin() as s:
            return self._purge(s, self.clock())

    # --- internals ---------------------------------------------------------------------------
    def _purge(self, s: Session, now: float) -> int:
        ids = list(s.scalars(select(ClassRow.id).where(ClassRow.expires < now)))
        if not ids:
            return 0
        qids = select(QuestionRow.id).where(QuestionRow.class_id.in_(ids))
        sids = select(StudentRow.id).where(StudentRow.class_id.in_(ids))
        s.execute(delete(CaseStepRow).where(CaseStepRow.student_id.in_(sids)))
        s.execute(delete(AnswerRow).where(AnswerRow.question_id.in_(qids)))
        s.execute(delete(QuestionRow).where(QuestionRow.class_id.in_(ids)))
        s.execute(delete(StudentRow).where(StudentRow.class_id.in_(ids)))
        s.execute(delete(ClassRow).where(ClassRow.id.in_(ids)))
        return len(ids)

    def _free_code(self, s: Session) -> str:
        for _ in range(50):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if s.scalar(select(ClassRow.id).where(ClassRow.code == code)) is None:
                return code
        raise ClassError("No free class code was found; try again.")  # pragma: no cover

    def _live_class(self, s: Session, code: str) -> ClassRow:
        c = normalise_code(code)
        if not _CODE_RE.match(c):
            raise ClassError(f"A class code is {CODE_LENGTH} letters and digits, like K7PQ2M; "
                             f"{str(code)[:20]!r} is not one.")
        row = s.scalar(select(ClassRow).where(ClassRow.code == c))
        if row is None:
            raise ClassError(f"No class has the code {c}; check the code on the lecturer's "
                             "screen.")
        if row.expires < self.clock():
            raise ClassError(f"Class {c} has ended; ask the lecturer for a new code.")
        return row

    def _student(self, s: Session, code: str, key: str, lock: bool = False) -> StudentRow:
        """The student of ``key`` in the live class ``code`` (one query on the common path)."""
        c = normalise_code(code)
        stmt = (select(StudentRow).join(ClassRow, StudentRow.class_id == ClassRow.id)
                .where(StudentRow.key_hash == _hash(str(key or "")), ClassRow.code == c,
                       ClassRow.expires >= self.clock()))
        st = s.scalar(stmt.with_for_update(of=StudentRow) if lock else stmt)
        if st is None:
            row = self._live_class(s, code)  # says why: a bad, unknown or ended class
            raise ClassError(f"You have not joined class {row.code} from this page; join "
                             "with the code again.")
        return st

    def _question_row(self, s: Session, code: str, question_id: int) -> QuestionRow:
        row = self._live_class(s, code)
        q = s.scalar(select(QuestionRow).where(QuestionRow.id == _qid(question_id),
                                               QuestionRow.class_id == row.id))
        if q is None:
            raise ClassError(f"Class {row.code} has no question {_shown(question_id)}.")
        return q

    def _tally(self, code: str, question_id: int) -> Tally:
        with self._session() as s:
            q = _question(self._question_row(s, code, question_id))
            values = list(s.scalars(select(AnswerRow.value)
                                    .where(AnswerRow.question_id == q.id)
                                    .order_by(AnswerRow.id)))
        if q.spec.kind == "number":
            nums = tuple(float(v) for v in values)
            right = sum(is_right(q.spec, v, q.answer) for v in nums)
            return Tally(len(nums), {}, nums, right)
        counts = Counter(values)
        return Tally(len(values), {o: counts.get(o, 0) for o in q.spec.options}, (),
                     counts.get(str(q.answer.value), 0))


def _qid(question_id: object) -> int:
    """A question id as sent (a number, or digits from a page): else a ClassError."""
    text = question_id if isinstance(question_id, str) else None
    if isinstance(question_id, int) and not isinstance(question_id, bool):
        n = question_id
    elif text is not None and text.strip().isascii() and text.strip().isdigit():
        n = int(text.strip())
    else:
        n = -1
    if not 1 <= n <= 2**31 - 1:
        raise ClassError(f"There is no question {_shown(question_id)} in this class.")
    return n


_SHORT = reprlib.Repr()  # Python 3.11: limits are attributes, not arguments
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother, _SHORT.maxlist, _SHORT.maxdict = (
    1, 20, 20, 2, 2)


def _shown(value: object) -> str:
    """A short, safe quotation of what was sent (any type, however deep)."""
    return _SHORT.repr(value) if not isinstance(value, str) else repr(value[:20])


def _checked_value(spec: PredictionSpec, value: float | str) -> str:
    """The answer as stored text, or a ClassError naming the allowed answers."""
    if spec.kind == "number":
        try:
            x = float(value)
        except (TypeError, ValueError):
            x = math.nan
        if not (math.isfinite(x) and spec.low <= x <= spec.high):  # type: ignore[operator]
            raise ClassError(f"The answer must be a number from {spec.low:g} to {spec.high:g}"
                             f" {spec.describe_unit()}; {_shown(value)} is not.".replace(
                                 "  ", " "))
        return f"{x:g}"
    if not isinstance(value, str) or value not in spec.options:
        raise ClassError(f"The answer must be one of {', '.join(spec.options)}; "
                         f"{_shown(value)} is not.")
    return str(value)


def _draw_case() -> tuple[str, str]:
    """A random case for the class (disease, sealed link token), from fresh entropy."""
    import numpy as np

    from .. import diseases
    from .. import mystery as M

    case = M.draw_case(np.random.default_rng(secrets.randbits(64)), diseases.kinds())
    return case.kind, M.to_query(M.Attempt(case))["case"]


def preset_answer(name: str) -> tuple[str, PredictionSpec, Answer]:
    """A preset's title, its ``[teaching.ask]`` and the simulation's answer (its own seed)."""
    from .. import load_scenario, preset_names, simulate
    from ..prediction import answer

    if name not in preset_names():
        raise ClassError(f"There is no preset called {name[:40]!r}.")
    scenario = load_scenario(name)
    if scenario.teaching.ask is None:
        raise ClassError(f"The preset {name} has no question for a class.")
    try:
        truth = answer(simulate(scenario), scenario.teaching.ask)
    except ValueError as err:  # a question read after the preset's run ends
        raise ClassError(f"The preset {name}'s question cannot be answered: {err}") from None
    return scenario.name, scenario.teaching.ask, truth
