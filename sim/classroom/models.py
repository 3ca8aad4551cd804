"""The class-mode tables: a class, its questions, its students and their answers.

Times are Unix seconds (floats) so SQLite and PostgreSQL store and compare them alike. Only
hashes of the lecturer's token and of each student's key are stored: a copy of the database
does not let anyone act as the lecturer or as a student.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["Base", "ClassRow", "QuestionRow", "StudentRow", "AnswerRow", "CaseStepRow"]


class Base(DeclarativeBase):
    pass


class ClassRow(Base):
    __tablename__ = "classes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True, index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    created: Mapped[float] = mapped_column(Float)
    expires: Mapped[float] = mapped_column(Float, index=True)
    # The class's "Which disease is it?" case (migration 0002): its sealed link token and
    # its disease, which only the lecturer's view and the reveal show.
    case_token: Mapped[str | None] = mapped_column(Text, nullable=True)
    case_kind: Mapped[str | None] = mapped_column(String(40), nullable=True)
    case_revealed: Mapped[float | None] = mapped_column(Float, nullable=True)


class QuestionRow(Base):
    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("class_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"),
                                          index=True)
    position: Mapped[int] = mapped_column(Integer)
    preset: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    spec_json: Mapped[str] = mapped_column(Text)  # the preset's [teaching.ask]
    answer_json: Mapped[str] = mapped_column(Text)  # the simulation's answer
    revealed: Mapped[float | None] = mapped_column(Float, nullable=True)


class StudentRow(Base):
    __tablename__ = "students"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"),
                                          index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nickname: Mapped[str] = mapped_column(String(40))
    joined: Mapped[float] = mapped_column(Float)
    # Submission rate: the start of the current one-second window and submissions in it.
    window_start: Mapped[float] = mapped_column(Float, default=0.0)
    window_count: Mapped[int] = mapped_column(Integer, default=0)
    case_diagnosis: Mapped[str | None] = mapped_column(String(40), nullable=True)
    case_treatment: Mapped[str | None] = mapped_column(String(40), nullable=True)


class AnswerRow(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("question_id", "student_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"),
                                             index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"),
                                            index=True)
    value: Mapped[str] = mapped_column(String(40))  # the option, or the number as text
    submitted: Mapped[float] = mapped_column(Float)
    updated: Mapped[float] = mapped_column(Float)


class CaseStepRow(Base):
    """A student's differential after their ``step``-th test of the class's case."""

    __tablename__ = "case_steps"
    __table_args__ = (UniqueConstraint("student_id", "step"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"),
                                            index=True)
    step: Mapped[int] = mapped_column(Integer)
    test: Mapped[str] = mapped_column(String(40))
    probs_json: Mapped[str] = mapped_column(Text)  # disease kind -> probability
    updated: Mapped[float] = mapped_column(Float)
