"""'Which disease is it?': a hidden patient, tests ordered one at a time, an answer, a debrief.

Why: a diagnosis is learnt by telling a disease from its mimics. The case is a registered
disease kind and a seed (a lecturer can fix both, or let the page draw them); the student
orders tests, commits to a diagnosis and a first treatment, and the debrief shows what each
finding pointed to, what the diagnostic checklists say, and how the chosen treatment went
for this very patient against the best one. Everything here is pure: no streamlit, no plotly;
nothing branches on a disease or treatment name (the registries decide), and the whole
attempt is a handful of URL values (:func:`parse_query`, :func:`to_query`).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from . import diagnosis, diseases, electro, treatments
from .anatomy import ANATOMY, SIDES
from .clinical import RESPONSE_GRIP_KG, RESPONSE_MRC_POINTS, objective_response, weaker_side
from .exam import MUSCLE_LIMB
from .results import Run
from .scenario import Scenario, parse_scenario
from .units import DAYS_PER_YEAR

__all__ = [
    "URL_KEYS", "RANDOM", "NONE", "MAX_SEED", "PRESENT_DAY", "RESPONSE_DAYS", "TRIAL_READ_DAYS",
    "FOLLOW_UP_DAYS", "HARM_MRC_POINTS", "HARM_GRIP_KG", "POINTS", "FREE_TESTS", "TESTS",
    "LAB_OF", "Test", "Case", "Attempt", "Parsed", "Feature", "FEATURES", "trial_response",
    "weaker_hand",
    "Outcome", "Score", "Debrief", "encode_case", "decode_case", "draw_case", "parse_query",
    "to_query", "scenario", "trial_kind", "treatment_choices", "treatment_title", "history",
    "findings", "reference_rates", "pointers", "outcomes", "best", "score", "checklists",
    "debrief", "window",
]

URL_KEYS = ("mystery", "seed", "case", "tests", "dx", "tx")  # what an attempt's address holds
RANDOM = "random"  # the URL value that asks the page to draw the case
NONE = "none"  # the answer "no immunotherapy"
MAX_SEED = 2**31 - 1  # as the dashboard's seed box
# The student sees the patient two years from onset (approx., teaching value: long enough for
# every simulated disease to show its pattern, as the comparisons at 2 years do).
PRESENT_DAY = 730.0
# A first treatment is judged 6 weeks after it starts (approx., teaching value: a course of
# IVIg or steroids has acted by then), and again at the end of follow-up.
RESPONSE_DAYS = 42.0
# The immunoglobulin trial is read over 8 weeks, as the checklist's response item reads it.
TRIAL_READ_DAYS = 56.0
FOLLOW_UP_DAYS = 182.0  # how long after the first treatment the patient is followed (approx.)
# Harm: the first treatment left the patient measurably weaker than untreated, by at least
# this many MRC sum points or kg of weaker-hand grip (approx., teaching value: about half the
# change that counts as an objective improvement, since any lasting loss matters).
HARM_MRC_POINTS = 2
HARM_GRIP_KG = 1.0
_YEARS = (PRESENT_DAY + FOLLOW_UP_DAYS) / DAYS_PER_YEAR
_REF_SEED = 1_000_003  # reference patients' seeds start here, far from a lecturer's small ones

Simulate = Callable[[Scenario, int], Run]


def _simulate(scenario: Scenario, seed: int) -> Run:
    from . import simulate

    return simulate(scenario, seed)


# --- tests --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Test:
    key: str  # URL value
    title: str  # button label
    what: str  # what ordering it does, in a sentence


TESTS: tuple[Test, ...] = (
    Test("history", "History", "The patient's story: first weakness, course, symptoms."),
    Test("exam", "Examination", "Strength, wasting, reflexes, tone and sensation at the "
         "bedside."),
    Test("ncs", "Nerve conduction", "Motor and sensory conduction of arms and legs, with block "
         "grades."),
    Test("emg", "Needle EMG", "Denervation, reinnervation and fasciculation potentials per "
         "muscle."),
    Test("anti_gm1", "Anti-GM1 antibodies", "Serum IgM anti-GM1 (ELISA)."),
    Test("csf", "CSF protein", "Lumbar puncture: cerebrospinal fluid protein."),
    Test("mri", "Plexus MRI", "Brachial plexus MRI (T2, STIR)."),
    Test("trial", "Immunoglobulin trial", "One course of immunoglobulin now, strength "
         "re-measured over the next 8 weeks."),
)
_TEST_KEYS = tuple(t.key for t in TESTS)
LAB_OF = {"anti_gm1": "anti_gm1_igm", "csf": "csf_protein", "mri": "plexus_mri"}


# --- the case and the attempt ------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """The hidden patient: a registered disease kind and a seed."""

    kind: str
    seed: int
    hidden: bool = False  # drawn by the page: the URL carries a code, not the disease's name


@dataclass(frozen=True)
class Attempt:
    """One student's attempt: the case, the tests in the order asked, and the answer."""

    case: Case
    tests: tuple[str, ...] = ()
    diagnosis: str | None = None
    treatment: str | None = None

    @property
    def committed(self) -> bool:
        return self.diagnosis is not None and self.treatment is not None

    def order(self, test: str) -> Attempt:
        """The attempt with ``test`` ordered (again ordering it, or after the answer: no-op)."""
        if test not in _TEST_KEYS:
            raise ValueError(f"test: {test!r} is not a test; allowed: {', '.join(_TEST_KEYS)}")
        if self.committed or test in self.tests:
            return self
        return replace(self, tests=(*self.tests, test))

    def commit(self, diagnosis_kind: str, treatment: str) -> Attempt:
        return replace(self, diagnosis=diagnosis_kind, treatment=treatment)


@dataclass(frozen=True)
class Parsed:
    attempt: Attempt | None  # None: no case asked for, or the case could not be read
    notes: tuple[str, ...] = ()  # one sentence per URL value that could not be used
    drawn: bool = False  # the page drew the case (or its seed) just now


def encode_case(kind: str, seed: int) -> str:
    """A URL code for a drawn case: it does not show the disease's name at a glance (anyone
    may decode it; it is a classroom courtesy, not a secret)."""
    raw = f"{kind}:{seed}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_case(code: str, kinds: Sequence[str]) -> Case | None:
    """The case of a code from :func:`encode_case`, or None if it is not one."""
    try:
        raw = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    kind, _, seed = raw.rpartition(":")
    if kind not in kinds or _whole(seed) is None:
        return None
    return Case(kind, int(seed), hidden=True)


def draw_case(rng: np.random.Generator, kinds: Sequence[str]) -> Case:
    """A random case for a class: any registered disease, any seed."""
    kind = kinds[int(rng.integers(len(kinds)))]
    return Case(kind, int(rng.integers(MAX_SEED + 1)), hidden=True)


def _whole(text: str) -> int | None:
    """A seed from URL text: ASCII digits only (``'²'.isdigit()`` is true), within range."""
    if not (text.isascii() and text.isdigit()) or len(text) > 12 or int(text) > MAX_SEED:
        return None
    return int(text)


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "...")


def parse_query(query: Mapping[str, str], rng: np.random.Generator,
                kinds: Sequence[str] | None = None,
                treatment_kinds: Sequence[str] | None = None) -> Parsed:
    """The attempt a page address describes.

    ``mystery`` is a disease kind or ``random`` (``seed`` optional: drawn when absent);
    ``case`` is a drawn case's code; ``tests`` the ordered tests, comma-separated; ``dx`` and
    ``tx`` the committed diagnosis and treatment. A value that cannot be used becomes one
    sentence naming the field and what is allowed.
    """
    kinds = tuple(diseases.kinds() if kinds is None else kinds)
    txs = treatment_choices(treatment_kinds)
    allowed = ", ".join(kinds)
    notes: list[str] = []
    drawn = False
    case: Case | None = None
    code, name, seed_text = query.get("case"), query.get("mystery"), query.get("seed")
    if code is not None and name is None:
        case = decode_case(code, kinds)
        if case is None:
            notes.append(f"case: {_shown(code)} is not a case code of this page; start a new "
                         "case below.")
    elif name is not None:
        seed: int | None = None
        if seed_text is not None:
            seed = _whole(seed_text)
            if seed is None:
                notes.append(f"seed: {_shown(seed_text)} is not allowed; use a whole number "
                             f"from 0 to {MAX_SEED}.")
        if name == RANDOM:
            if not notes:
                case = draw_case(rng, kinds)
                case = replace(case, seed=case.seed if seed is None else seed)
                drawn = True
        elif name not in kinds:
            notes.append(f"mystery: {_shown(name)} is not a disease here; allowed: "
                         f"{allowed} or {RANDOM}.")
        elif not notes:
            drawn = seed is None
            case = Case(name, int(rng.integers(MAX_SEED + 1)) if seed is None else seed)
    if case is None:
        return Parsed(None, tuple(notes))
    tests: list[str] = []
    unknown: list[str] = []
    for t in filter(None, (query.get("tests") or "").split(",")):
        if t not in _TEST_KEYS:
            unknown.append(t)
        elif t not in tests:
            tests.append(t)
    if unknown:  # one sentence however many: a link must not fill the page
        shown = ", ".join(_shown(t) for t in unknown[:3]) + (", ..." if len(unknown) > 3 else "")
        notes.append(f"tests: {shown} {'is not a test' if len(unknown) == 1 else 'are not tests'}"
                     f"; allowed: {', '.join(_TEST_KEYS)}.")
    attempt = Attempt(case, tuple(tests))
    dx, tx = query.get("dx"), query.get("tx")
    if dx is not None or tx is not None:
        if dx is None or tx is None:
            notes.append("dx and tx: an answer needs both a diagnosis (dx) and a treatment "
                         "(tx); commit again below.")
        elif dx not in kinds:
            notes.append(f"dx: {_shown(dx)} is not a disease here; allowed: {allowed}.")
        elif tx not in txs:
            notes.append(f"tx: {_shown(tx)} is not a treatment here; allowed: "
                         f"{', '.join(txs)}.")
        else:
            attempt = attempt.commit(dx, tx)
    return Parsed(attempt, tuple(notes), drawn)


def to_query(attempt: Attempt) -> dict[str, str]:
    """The URL values that reproduce ``attempt`` (a drawn case by its code)."""
    c = attempt.case
    q = ({"case": encode_case(c.kind, c.seed)} if c.hidden
         else {"mystery": c.kind, "seed": str(c.seed)})
    if attempt.tests:
        q["tests"] = ",".join(attempt.tests)
    if attempt.committed:
        q["dx"], q["tx"] = str(attempt.diagnosis), str(attempt.treatment)
    return q


# --- the patient under a plan ---------------------------------------------------------------------


def scenario(kind: str, treatment: str | None = None, start_day: float = PRESENT_DAY) -> Scenario:
    """The hidden patient's scenario: untreated, or one first course of ``treatment`` (the
    kind's own default course) starting on ``start_day``."""
    data: dict = {"scenario": {"name": "mystery", "years": _YEARS},
                  "disease": {"kind": kind}}
    if treatment not in (None, NONE):
        data["treatment"] = [{"kind": treatment, "start_day": start_day}]
    return parse_scenario(data, source="mystery")


def trial_kind() -> str | None:
    """The treatment an immunoglobulin trial gives: the first established immunoglobulin."""
    return next((k for k, t in treatments.REGISTRY.items()
                 if t.immunoglobulin and not t.hypothetical), None)


def treatment_choices(kinds: Sequence[str] | None = None) -> tuple[str, ...]:
    """The answers a student may give for the first treatment: none, or any registered kind."""
    return (NONE, *(treatments.kinds() if kinds is None else kinds))


def treatment_title(kind: str) -> str:
    return "No immunotherapy" if kind == NONE else treatments.get(kind).title


# --- what each test shows ----------------------------------------------------------------------


_MOVEMENT = {m.name: m.movement for n in ANATOMY.nerves for m in n.muscles}
_SENSORY_SYMPTOM = 0.1  # sensory loss the patient notices as numbness (approx., teaching value)


def history(run: Run, day: float = PRESENT_DAY) -> list[str]:
    """The patient's story on ``day``, as the patient tells it (no test results)."""
    j = run.journey()
    clin = run.tables["clinical"]
    now = clin[clin["day"] <= day].iloc[-1]
    ago = clin[clin["day"] <= max(0.0, day - DAYS_PER_YEAR)].iloc[-1]
    lines = []
    if j.first_symptom is not None and j.first_symptom <= day and j.first_weak is not None:
        side, muscle, _ = j.first_weak
        lines.append(f"First noticed weakness {(day - j.first_symptom) / DAYS_PER_YEAR:.1f} "
                     f"years ago, in the {side} {MUSCLE_LIMB[muscle]}: {_MOVEMENT[muscle]}.")
    else:
        lines.append("No weakness noticed yet.")
    lines.append(f"Over the last year the MRC sum score went from {int(ago['mrc_sum'])} to "
                 f"{int(now['mrc_sum'])} of 200; grip now {now['grip_left_kg']:.0f} kg left, "
                 f"{now['grip_right_kg']:.0f} kg right.")
    d = run.disease
    sensory = d.sensory_loss(day) >= _SENSORY_SYMPTOM
    lines.append("Reports numbness or tingling." if sensory else "No numbness or tingling.")
    lines.append("Has trouble speaking or swallowing." if d.bulbar_weakness(day)
                 else "Speech and swallowing unaffected.")
    return lines


@dataclass(frozen=True)
class Feature:
    """A yes/no finding a test reveals, read from the tables a clinician has."""

    key: str
    test: str  # the test that reveals it
    label: str


FEATURES: tuple[Feature, ...] = (
    Feature("arm_onset", "history", "Weakness began in an arm"),
    Feature("sensory_symptoms", "history", "Numbness or tingling reported"),
    Feature("asymmetric", "exam", "Weakness clearly asymmetric (MRC points lost differ by a "
            "third or more between sides)"),
    Feature("wasting", "exam", "Wasting of a muscle"),
    Feature("sensory_signs", "exam", "Objective sensory loss beyond minor vibration loss in "
            "the legs"),
    Feature("umn", "exam", "Upper motor neuron signs (brisk reflexes, spasticity, extensor "
            "plantar)"),
    Feature("bulbar", "exam", "Bulbar signs (speech or swallowing)"),
    Feature("block", "ncs", "Motor conduction block (probable or definite) in a nerve"),
    Feature("sensory_ncs", "ncs", "Sensory nerve conduction abnormal"),
    Feature("denervation", "emg", "Active denervation (fibrillations) on needle EMG"),
    Feature("emg_fasciculations", "emg", "Fasciculation potentials on needle EMG"),
    Feature("anti_gm1", "anti_gm1", "IgM anti-GM1 raised"),
    Feature("csf", "csf", "CSF protein raised"),
    Feature("mri", "mri", "Plexus MRI: T2 hyperintensity"),
    Feature("trial", "trial", "Objective improvement after immunoglobulin"),
)
_ASYMMETRY = 1 / 3  # share of lost MRC points that must differ between sides (approx.)


def _exam_features(exam: pd.DataFrame) -> dict[str, bool]:
    v = {(r.side, r.site, r.finding): r.value
         for r in exam[["side", "site", "finding", "value"]].itertuples(index=False)}
    lost = {s: sum(5 - int(x) for (side, _, f), x in v.items() if f == "mrc" and side == s)
            for s in SIDES}
    worst = max(lost.values())
    sensory = [x for (_, limb, f), x in v.items() if f.startswith("sensation_")
               and x != "normal" and not (limb == "leg" and f == "sensation_vibration"
                                          and x == "mildly reduced")]
    umn = [x for (_, _, f), x in v.items()
           if (f, x) in {("reflex", "brisk"), ("tone", "increased"), ("plantar", "extensor")}]
    bulbar = [x for (_, _, f), x in v.items() if f in ("speech", "swallowing") and x != "normal"]
    return {
        "asymmetric": worst > 0 and abs(lost["left"] - lost["right"]) >= _ASYMMETRY * worst,
        "wasting": any(f == "wasting" and x != "none" for (_, _, f), x in v.items()),
        "sensory_signs": bool(sensory), "umn": bool(umn), "bulbar": bool(bulbar),
    }


def _lab(labs: pd.DataFrame, test: str) -> pd.Series:
    return labs[labs["test"] == test].iloc[-1]


def trial_response(trial: Run | None, day: float = PRESENT_DAY) -> tuple[bool, str]:
    """Objective improvement within 8 weeks of an immunoglobulin course started on ``day``."""
    if trial is None:
        return False, "no immunoglobulin treatment is available for a trial"
    return diagnosis.gather(trial, day + TRIAL_READ_DAYS).response


def findings(run: Run, trial: Run | None, day: float = PRESENT_DAY) -> dict[str, bool]:
    """Every :data:`FEATURES` value of the patient on ``day`` (``trial``: the same patient
    given the immunoglobulin trial on ``day``)."""
    j = run.journey()
    weak = j.first_weak is not None and j.first_symptom is not None and j.first_symptom <= day
    out = {"arm_onset": weak and MUSCLE_LIMB[j.first_weak[1]] == "arm",
           "sensory_symptoms": run.disease.sensory_loss(day) >= _SENSORY_SYMPTOM}
    out.update(_exam_features(run.examination(day)))
    summ = electro.summarize(run.ncs(day))
    out["block"] = summ.n_block_nerves > 0
    out["sensory_ncs"] = bool(summ.sensory_abnormal)
    emg = run.emg(day)
    out["denervation"] = bool((emg["fibrillations"] > 0).any())
    out["emg_fasciculations"] = bool(emg["fasciculation_potentials"].any())
    labs = run.labs(day)
    out["anti_gm1"] = _lab(labs, "anti_gm1_igm")["result"] == "positive"
    out["csf"] = _lab(labs, "csf_protein")["result"] != "normal"
    out["mri"] = _lab(labs, "plexus_mri")["result"] != "normal"
    out["trial"] = trial_response(trial, day)[0]
    return out


def reference_rates(kind: str, n: int = 20, simulate: Simulate = _simulate) -> pd.Series:
    """Share of ``n`` simulated patients of ``kind`` with each finding (index: feature key).

    The reference patients' seeds are fixed, so the shares are reproducible."""
    tk = trial_kind()
    counts = dict.fromkeys((f.key for f in FEATURES), 0)
    for i in range(n):
        seed = _REF_SEED + i
        run = simulate(scenario(kind), seed)
        trial = simulate(scenario(kind, tk), seed) if tk else None
        for k, v in findings(run, trial).items():
            counts[k] += int(v)
    return pd.Series({k: c / n for k, c in counts.items()}, name=kind)


_SEPARATES = 0.25  # a finding points somewhere when shares differ by this much (approx.)


def pointers(found: Mapping[str, bool], rates: Mapping[str, pd.Series],
             tests: Iterable[str]) -> pd.DataFrame:
    """For each finding of the ordered ``tests``: this patient's value, the share of simulated
    patients of each disease with the same value, and the diseases it points to."""
    tests = set(tests)
    rows = []
    for f in FEATURES:
        if f.test not in tests:
            continue
        value = bool(found[f.key])
        same = {k: float(r[f.key] if value else 1.0 - r[f.key]) for k, r in rates.items()}
        hi, lo = max(same.values()), min(same.values())
        to = [k for k, s in same.items() if s >= hi - 0.1] if hi - lo >= _SEPARATES else []
        row = {"test": f.test, "finding": f.label, "this patient": "yes" if value else "no"}
        row.update({f"same in {k} (%)": round(100 * s) for k, s in same.items()})
        row["points to"] = ", ".join(to) if to else "does not tell them apart"
        rows.append(row)
    return pd.DataFrame(rows)


# --- treatments and score ------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """How one first treatment went, against the same patient untreated."""

    treatment: str  # a treatment kind, or NONE
    title: str
    hypothetical: bool
    mrc_early: int  # MRC sum difference to untreated RESPONSE_DAYS after the start
    grip_early: float  # weaker-hand grip difference (kg), same day
    mrc_late: int  # at the end of follow-up
    grip_late: float

    @property
    def better(self) -> bool:
        """Clearly better than untreated 6 weeks in (the objective-response thresholds)."""
        return objective_response(self.grip_early, self.mrc_early)

    @property
    def worse(self) -> bool:
        """Measurably worse than untreated 6 weeks in or at the end of follow-up: harm."""
        return any(mrc <= -HARM_MRC_POINTS or grip <= -HARM_GRIP_KG for mrc, grip in
                   ((self.mrc_early, self.grip_early), (self.mrc_late, self.grip_late)))

    @property
    def gain(self) -> float:
        """One number to rank treatments: gains in units of the response thresholds."""
        return (self.mrc_early / RESPONSE_MRC_POINTS + self.grip_early / RESPONSE_GRIP_KG
                + self.mrc_late / RESPONSE_MRC_POINTS + self.grip_late / RESPONSE_GRIP_KG)


def _at(clin: pd.DataFrame, day: float) -> pd.Series:
    return clin[clin["day"] <= day + 1e-9].iloc[-1]


def weaker_hand(run: Run, day: float = PRESENT_DAY) -> str:
    r = _at(run.tables["clinical"], day)
    return weaker_side(r["grip_left_kg"], r["grip_right_kg"])


def outcomes(case: Case, simulate: Simulate = _simulate,
             kinds: Sequence[str] | None = None) -> dict[str, Outcome]:
    """Every first treatment (and none) for the case's patient, against untreated."""
    base = simulate(scenario(case.kind), case.seed)
    c0, hand = base.tables["clinical"], weaker_hand(base)
    early, late = PRESENT_DAY + RESPONSE_DAYS, PRESENT_DAY + FOLLOW_UP_DAYS
    out = {}
    for tx in treatment_choices(kinds):
        c = simulate(scenario(case.kind, tx), case.seed).tables["clinical"]
        d = {t: (int(_at(c, t)["mrc_sum"] - _at(c0, t)["mrc_sum"]),
                 float(_at(c, t)[f"grip_{hand}_kg"] - _at(c0, t)[f"grip_{hand}_kg"]))
             for t in (early, late)}
        hyp = tx != NONE and treatments.get(tx).hypothetical
        out[tx] = Outcome(tx, treatment_title(tx), hyp, d[early][0], round(d[early][1], 2),
                          d[late][0], round(d[late][1], 2))
    return out


def best(outs: Mapping[str, Outcome]) -> Outcome:
    """The established treatment that helped this patient most, or none if none clearly did."""
    helped = [o for o in outs.values() if o.treatment != NONE and o.better and not o.worse
              and not o.hypothetical]
    return max(helped, key=lambda o: o.gain) if helped else outs[NONE]


@dataclass(frozen=True)
class Score:
    correct: bool
    tests: int
    harm_avoided: bool
    points: int  # out of 100

    def lines(self) -> list[str]:
        return [f"Diagnosis: {'correct' if self.correct else 'not correct'} "
                f"({POINTS['diagnosis'] if self.correct else 0} of {POINTS['diagnosis']}).",
                f"Harm avoided: {'yes' if self.harm_avoided else 'no'} "
                f"({POINTS['harm'] if self.harm_avoided else 0} of {POINTS['harm']}).",
                f"Tests ordered: {self.tests} of {len(TESTS)} "
                f"({_economy(self.tests)} of {POINTS['economy']}).",
                f"Total: {self.points} of 100."]


# How the teaching score is made (a teaching value): a right diagnosis matters most, then not
# harming the patient, then not ordering more tests than needed (the first FREE_TESTS are free).
POINTS = {"diagnosis": 60, "harm": 30, "economy": 10}
FREE_TESTS = 4


def _economy(n_tests: int) -> int:
    return max(0, POINTS["economy"] - 2 * max(0, n_tests - FREE_TESTS))


def score(attempt: Attempt, chosen: Outcome) -> Score:
    correct = attempt.diagnosis == attempt.case.kind
    harm_avoided = not chosen.worse
    points = (POINTS["diagnosis"] * correct + POINTS["harm"] * harm_avoided
              + _economy(len(attempt.tests)))
    return Score(correct, len(attempt.tests), harm_avoided, points)


def checklists(run: Run, day: float) -> dict[str, diagnosis.Checklist]:
    """Every diagnostic checklist evaluated on the patient's findings on ``day``."""
    return {c: diagnosis.evaluate(run, day, criteria=c) for c in diagnosis.CRITERIA}


@dataclass(frozen=True)
class Debrief:
    attempt: Attempt
    score: Score
    chosen: Outcome
    right: Outcome
    outcomes: dict[str, Outcome]
    checklist_day: float
    checklists: dict[str, diagnosis.Checklist] = field(default_factory=dict)


def debrief(attempt: Attempt, simulate: Simulate = _simulate) -> Debrief:
    """The answer, the score, the checklists and every treatment's outcome for ``attempt``.

    The checklists read the full work-up on the day the patient was seen, or, when the
    immunoglobulin trial was ordered, 8 weeks into it (so its response item can count)."""
    if not attempt.committed:
        raise ValueError("debrief: the attempt has no answer yet")
    case = attempt.case
    outs = outcomes(case, simulate)
    tk = trial_kind()
    if "trial" in attempt.tests and tk is not None:
        run, day = simulate(scenario(case.kind, tk), case.seed), PRESENT_DAY + TRIAL_READ_DAYS
    else:
        run, day = simulate(scenario(case.kind), case.seed), PRESENT_DAY
    chosen = outs[str(attempt.treatment)]
    return Debrief(attempt, score(attempt, chosen), chosen, best(outs), outs, day,
                   checklists(run, day))


def window(run: Run, hand: str, before: float = DAYS_PER_YEAR) -> pd.DataFrame:
    """The clinical table from ``before`` days ahead of the visit to the end of follow-up,
    with the weaker hand's grip as ``grip`` (what the outcome chart draws)."""
    c = run.tables["clinical"]
    c = c[c["day"] >= PRESENT_DAY - before]
    return c.assign(grip=c[f"grip_{hand}_kg"])[["day", "grip", "mrc_sum"]]
