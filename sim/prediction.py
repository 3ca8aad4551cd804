"""A preset's prediction in a form a class can answer and the simulation can mark.

Why: a preset's ``prediction`` text asks the student to predict before they look, but text
cannot be collected or marked. ``[teaching.ask]`` states one question precisely: what is read
(a *measure* of the simulated patient), on which day, and how an answer is given (a number in a
range, or one of a few options). :func:`answer` reads the answer from the preset's own run, so
the mark always agrees with what the dashboard shows; nothing is typed in twice.

Kinds and their options:

* ``number``: a value of a numeric measure on ``day``, within ``low``-``high`` (``unit``); an
  answer within ``tolerance`` of the simulated value counts as right.
* ``change``: a numeric measure on ``day`` against ``from_day``: higher, about the same
  (within ``tolerance``) or lower.
* ``yes_no``: a finding of the full nerve conduction study on ``day``.
* ``side``: the side whose grip is weaker on ``day``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field, model_validator

from .strict import Strict, Text

if TYPE_CHECKING:  # pragma: no cover
    from .results import Run

__all__ = ["PredictionSpec", "Answer", "answer", "is_right", "options", "series", "MEASURES",
           "NUMERIC", "FINDINGS", "CHANGE_OPTIONS"]

CHANGE_OPTIONS = ("higher", "about the same", "lower")
_OPTIONS = {"change": CHANGE_OPTIONS, "yes_no": ("yes", "no"), "side": ("left", "right")}

# Numeric measures: (label, unit) of each.
NUMERIC: dict[str, tuple[str, str]] = {
    "grip_weaker": ("grip of the weaker hand", "kg"),
    "mrc_sum": ("MRC sum score", "points"),
    "disability": ("ONLS disability score", "points"),
    "igg": ("serum IgG", "g/L"),
}
# Yes/no findings of the full nerve conduction study (EFNS/PNS 2010 reading).
FINDINGS: dict[str, str] = {
    "block": "conduction block (definite or probable) in at least one nerve",
    "definite_block": "definite conduction block in at least one nerve",
    "snaps_reduced": "a sensory response below its lower limit of normal",
}
_NOT_FOUND = {
    "block": "no conduction block (definite or probable) in any nerve",
    "definite_block": "no definite conduction block in any nerve",
    "snaps_reduced": "every sensory response at or above its lower limit of normal",
}
MEASURES = (*NUMERIC, *FINDINGS, "weaker_side")
Measure = Literal["grip_weaker", "mrc_sum", "disability", "igg", "block", "definite_block",
                  "snaps_reduced", "weaker_side"]
_KIND_MEASURES = {"number": tuple(NUMERIC), "change": tuple(NUMERIC),
                  "yes_no": tuple(FINDINGS), "side": ("weaker_side",)}


class PredictionSpec(Strict):
    """``[teaching.ask]``: one question a class answers before the simulation is shown."""

    kind: Literal["number", "change", "yes_no", "side"]
    question: Text = Field(min_length=1, max_length=400)
    measure: Measure
    day: float = Field(ge=0, le=36525, description="day the answer is read")
    from_day: float | None = Field(None, ge=0, le=36525,
                                   description="change: the day compared with")
    unit: str = Field("", max_length=20)
    low: float | None = Field(None, ge=-1e6, le=1e6, description="number: lowest answer")
    high: float | None = Field(None, ge=-1e6, le=1e6, description="number: highest answer")
    tolerance: float = Field(0.0, ge=0, le=1e6,
                             description="number: counts as right within; change: 'the same'")

    @model_validator(mode="after")
    def _consistent(self) -> PredictionSpec:
        allowed = _KIND_MEASURES[self.kind]
        if self.measure not in allowed:
            raise ValueError(f"measure = {self.measure!r} does not fit kind "
                             f"{self.kind!r}; choose one of {', '.join(allowed)}")
        if self.kind == "change" and (self.from_day is None or self.from_day >= self.day):
            raise ValueError("from_day must be set, and before day, for a 'change' question")
        if self.kind == "number" and (self.low is None or self.high is None
                                      or self.low >= self.high):
            raise ValueError("low and high must both be set, low below high, for a 'number' "
                             "question")
        return self

    @property
    def options(self) -> tuple[str, ...]:
        return options(self)

    def describe_unit(self) -> str:
        return self.unit or NUMERIC.get(self.measure, ("", ""))[1]


def options(spec: PredictionSpec) -> tuple[str, ...]:
    """The answers a student picks from; empty for a number."""
    return _OPTIONS.get(spec.kind, ())


@dataclass(frozen=True)
class Answer:
    """What the simulation gives: the option (or the number) and the values behind it."""

    value: float | str  # the number, or the option
    reading: float | None  # the measure on ``day`` (None for a finding or a side)
    baseline: float | None  # the measure on ``from_day`` (change only)
    text: str  # one sentence: what the simulation shows


def _record(run: Run, day: float) -> int:
    days = run.patient_runs[0].days
    return int(np.clip(np.searchsorted(days, day + 1e-9, side="right") - 1, 0, days.size - 1))


def _numeric(run: Run, measure: str, day: float, hand: int | None = None) -> float:
    a, r = run.arrays(0), _record(run, day)
    if measure == "grip_weaker":
        grip = a.grip[r]
        return float(grip[hand] if hand is not None else grip.min())
    if measure == "igg":
        return float(run.patient_runs[0].igg[r])
    return float({"mrc_sum": a.mrc_sum, "disability": a.disability}[measure][r])


def _weaker_hand(run: Run, day: float) -> int:
    return int(np.argmin(run.arrays(0).grip[_record(run, day)]))


def _finding(run: Run, measure: str, day: float) -> bool:
    from . import electro

    s = electro.summarize(run.ncs(day))
    return {"block": s.n_block_nerves > 0, "definite_block": s.n_definite_nerves > 0,
            "snaps_reduced": s.sensory_tested > 0 and not s.sensory_normal}[measure]


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _amount(x: float, unit: str) -> str:
    """'1 point', '2 points', '1.5 kg'."""
    text = _fmt(x)
    return f"{text} {unit[:-1] if unit == 'points' and text == '1' else unit}"


def answer(run: Run, spec: PredictionSpec) -> Answer:
    """The simulation's answer to ``spec`` on the run's first patient.

    A run shortened below the question's day (e.g. fewer years in the sidebar) cannot answer
    it: ValueError, one sentence. The scenario itself stays valid, so shortening a preset
    never stops it from running."""
    end = float(run.patient_runs[0].days[-1])
    if max(spec.day, spec.from_day or 0.0) > end + 1e-6:
        raise ValueError(f"The question reads day {spec.day:g}, after this run ends on day "
                         f"{end:g}; run the scenario for longer to answer it.")
    unit = spec.describe_unit()
    if spec.kind in ("number", "change"):
        label = NUMERIC[spec.measure][0]
        hand = _weaker_hand(run, spec.from_day if spec.kind == "change" else spec.day) \
            if spec.measure == "grip_weaker" else None
        now = _numeric(run, spec.measure, spec.day, hand)
        if spec.kind == "number":
            return Answer(round(now, 2), now, None,
                          f"The simulation shows {label} {_amount(now, unit)} on day "
                          f"{spec.day:g}.")
        before = _numeric(run, spec.measure, spec.from_day, hand)  # type: ignore[arg-type]
        diff = now - before
        opt = CHANGE_OPTIONS[1] if abs(diff) <= spec.tolerance else (
            CHANGE_OPTIONS[0] if diff > 0 else CHANGE_OPTIONS[2])
        return Answer(opt, now, before,
                      f"{label[0].upper() + label[1:]} went from {_amount(before, unit)} on "
                      f"day {spec.from_day:g} to {_amount(now, unit)} on day {spec.day:g}: "
                      f"{opt} (a change within {_amount(spec.tolerance, unit)} counts as "
                      "about the same).")
    if spec.kind == "yes_no":
        found = _finding(run, spec.measure, spec.day)
        return Answer("yes" if found else "no", None, None,
                      f"The full nerve conduction study on day {spec.day:g} shows "
                      f"{FINDINGS[spec.measure] if found else _NOT_FOUND[spec.measure]}.")
    side = ("left", "right")[_weaker_hand(run, spec.day)]
    return Answer(side, None, None, f"On day {spec.day:g} the {side} hand is the weaker.")


def is_right(spec: PredictionSpec, guess: float | str, truth: Answer) -> bool:
    """Whether a student's answer matches the simulation's."""
    if spec.kind == "number":
        return abs(float(guess) - float(truth.value)) <= spec.tolerance + 1e-9
    return guess == truth.value


def series(run: Run, spec: PredictionSpec) -> tuple[np.ndarray, np.ndarray] | None:
    """The measure over time (None for a finding or a side): what the reveal chart draws."""
    if spec.measure not in NUMERIC:
        return None
    days = run.patient_runs[0].days
    a = run.arrays(0)
    get: dict[str, Callable[[], np.ndarray]] = {
        "grip_weaker": lambda: a.grip[:, _weaker_hand(
            run, spec.from_day if spec.from_day is not None else spec.day)],
        "mrc_sum": lambda: a.mrc_sum, "disability": lambda: a.disability,
        "igg": lambda: run.patient_runs[0].igg,
    }
    return np.asarray(days, float), np.asarray(get[spec.measure](), float)

