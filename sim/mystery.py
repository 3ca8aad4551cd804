"""'Which disease is it?': a hidden patient, tests ordered one at a time, an answer, a debrief.

Why: a diagnosis is learnt by telling a disease from its mimics. The case is a registered
disease kind and a seed (drawn by the page, or fixed by a lecturer in the page's lecturer
panel); the student orders tests and watches a live differential (the probability of each
registered disease given the findings so far), commits to a diagnosis and a first treatment,
and the debrief shows what each finding pointed to, the differential's path, what the
diagnostic checklists say, and how the chosen treatment went for this very patient against the
best one. The whole attempt travels in the page address as one sealed token
(:mod:`sim.sealed`): nothing in the address names or sets the disease, tests or answer.
Everything here is pure but the token's secret: no streamlit, no plotly; nothing branches on a
disease or treatment name (the registries decide).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations

import numpy as np
import pandas as pd

from . import diagnosis, diseases, electro, sealed, treatments
from .anatomy import ANATOMY, SIDES
from .clinical import RESPONSE_GRIP_KG, RESPONSE_MRC_POINTS, objective_response, weaker_side
from .exam import MUSCLE_LIMB
from .results import Run
from .scenario import Scenario, parse_scenario
from .units import DAYS_PER_YEAR

__all__ = [
    "URL_KEYS", "RANDOM", "NONE", "MAX_SEED", "PRESENT_DAY", "RESPONSE_DAYS", "TRIAL_READ_DAYS",
    "FOLLOW_UP_DAYS", "HARM_MRC_POINTS", "HARM_GRIP_KG", "POINTS", "TESTS", "LAB_OF",
    "REFERENCE_PATIENTS", "CONFIDENT", "MOVED", "INEFFECTIVE_SHARE", "Test", "Case",
    "Attempt", "Parsed", "Feature", "FEATURES", "trial_response", "weaker_hand", "Outcome",
    "Score", "Soonest", "Debrief", "seal_attempt", "open_attempt", "draw_case",
    "parse_query", "to_query", "scenario", "trial_kind", "treatment_choices",
    "treatment_title", "disease_name", "history", "ncs_findings", "findings",
    "reference_rates", "pointers", "differential", "differential_path", "moved", "soonest",
    "outcomes", "best", "treatment_grade", "score", "checklists", "all_rates", "debrief",
    "window",
]

# What the page reads from its address: a case token (or ``mystery=random``); the other keys
# are read only to say that they are not used (an answer in the address scores nothing).
URL_KEYS = ("mystery", "case", "tests", "dx", "tx")
RANDOM = "random"  # ``mystery=random``: the page draws a case (it sets nothing)
NONE = "none"  # the answer "no immunotherapy"
MAX_SEED = 2**31 - 1  # as the dashboard's seed box
_PURPOSE = "mystery attempt v1"  # separates these tokens from any other sealed token
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
    key: str  # the test's name inside a token
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
    Test("genetic", "Genetic test", "PMP22 gene deletion (chromosome 17p11.2) in blood."),
    Test("trial", "Immunoglobulin trial", "One course of immunoglobulin now, strength "
         "re-measured over the next 8 weeks."),
)
_TEST_KEYS = tuple(t.key for t in TESTS)
LAB_OF = {"anti_gm1": "anti_gm1_igm", "csf": "csf_protein", "mri": "plexus_mri",
          "genetic": "pmp22_deletion"}


# --- the case and the attempt ------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """The hidden patient: a registered disease kind and a seed (a lecturer's case number)."""

    kind: str
    seed: int


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
    notes: tuple[str, ...] = ()  # one sentence per address value that was not used
    drawn: bool = False  # the page drew the case just now (``mystery=random``)


def seal_attempt(attempt: Attempt, secret: bytes | None = None) -> str:
    """The attempt as an opaque token: encrypted and signed with the server secret, so the
    address neither shows nor lets anyone set the disease, seed, tests or answer."""
    a = attempt
    payload = {"k": a.case.kind, "s": a.case.seed, "t": list(a.tests), "d": a.diagnosis,
               "x": a.treatment}
    return sealed.seal(payload, sealed.server_secret() if secret is None else secret, _PURPOSE)


def open_attempt(token: str, secret: bytes | None = None, kinds: Sequence[str] | None = None,
                 treatment_kinds: Sequence[str] | None = None) -> Attempt | None:
    """The attempt of a :func:`seal_attempt` token, or None if the token was changed, made
    with another secret, or names what is no longer registered."""
    p = sealed.unseal(token, sealed.server_secret() if secret is None else secret, _PURPOSE)
    kinds = tuple(diseases.kinds() if kinds is None else kinds)
    txs = treatment_choices(treatment_kinds)
    if not isinstance(p, dict) or set(p) != {"k", "s", "t", "d", "x"}:
        return None
    kind, seed, tests, dx, tx = p["k"], p["s"], p["t"], p["d"], p["x"]
    if (kind not in kinds or type(seed) is not int or not 0 <= seed <= MAX_SEED
            or not isinstance(tests, list) or len(set(tests)) != len(tests)
            or not all(t in _TEST_KEYS for t in tests)):
        return None
    if (dx is None) != (tx is None) or (dx is not None and (dx not in kinds or tx not in txs)):
        return None
    return Attempt(Case(kind, seed), tuple(tests), dx, tx)


def draw_case(rng: np.random.Generator, kinds: Sequence[str]) -> Case:
    """A random case for a class: any registered disease (all equally likely, as the
    differential's prior assumes), any seed."""
    kind = kinds[int(rng.integers(len(kinds)))]
    return Case(kind, int(rng.integers(MAX_SEED + 1)))


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "...")


def parse_query(query: Mapping[str, str], rng: np.random.Generator,
                kinds: Sequence[str] | None = None,
                treatment_kinds: Sequence[str] | None = None,
                secret: bytes | None = None) -> Parsed:
    """The attempt a page address describes: ``case`` is a :func:`seal_attempt` token and
    ``mystery=random`` draws a new case. Nothing else is read: ``tests``, ``dx`` and ``tx`` in
    an address, a disease named by ``mystery`` (an old-style link) or a changed token each
    become one sentence on the page, and never an answer or a score."""
    kinds = tuple(diseases.kinds() if kinds is None else kinds)
    notes: list[str] = []
    appended = [k for k in ("tests", "dx", "tx") if k in query]
    if appended:
        notes.append(f"{', '.join(appended)}: not read from the address (tests are ordered "
                     "and the answer is given on this page), so nothing was scored from it.")
    token, name = query.get("case"), query.get("mystery")
    if token is not None:
        attempt = open_attempt(token, secret, kinds, treatment_kinds)
        if attempt is None:
            notes.append("case: this case link is not valid here (it was changed, cut short, "
                         "or made by another server); start a new case below.")
        return Parsed(attempt, tuple(notes))
    if name == RANDOM:
        return Parsed(Attempt(draw_case(rng, kinds)), tuple(notes), drawn=True)
    if name is not None:
        notes.append(f"mystery: links that name the disease ({_shown(name)}) are no longer "
                     "used, since they gave the answer away; start a random case below, or "
                     "ask for a case link made in the lecturer panel of this page.")
    return Parsed(None, tuple(notes))


def to_query(attempt: Attempt, secret: bytes | None = None) -> dict[str, str]:
    """The address values that reproduce ``attempt``: one sealed token."""
    return {"case": seal_attempt(attempt, secret)}


# --- the patient under a plan ---------------------------------------------------------------------


def scenario(kind: str, treatment: str | None = None, start_day: float = PRESENT_DAY) -> Scenario:
    """The hidden patient's scenario: untreated, or one first course of ``treatment`` (the
    kind's own default course) starting on ``start_day``."""
    data: dict = {"scenario": {"name": "mystery", "years": _YEARS},
                  "disease": {"kind": kind}}
    if treatment not in (None, NONE):
        data["treatment"] = [{"kind": treatment, "start_day": start_day,
                              **treatments.get(treatment).first_course}]
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


def disease_name(kind: str) -> str:
    """A disease in words, for every label a student reads (never its code name)."""
    return diseases.get(kind).title if kind in diseases.REGISTRY else kind


# --- what each test shows ----------------------------------------------------------------------


_MOVEMENT = {m.name: m.movement for n in ANATOMY.nerves for m in n.muscles}
_SENSORY_SYMPTOM = 0.1  # sensory loss the patient notices as numbness (approx., teaching value)


# Weakness "over days to weeks": at least ACUTE_MRC_POINTS lost within ACUTE_DAYS of the first
# symptom, and no more than a point lost after that, up to the visit: the nadir within 4 weeks
# of Guillain-Barre syndrome (Asbury & Cornblath 1990), where MMN progresses over more than a
# month, slowly or stepwise (van Schaik 2010). The points are a working value (approx.).
ACUTE_DAYS = 28.0
ACUTE_MRC_POINTS = 4
_FAMILY_TAG = 0x66616D696C79  # keeps the family-history draw apart from the patient's streams


@dataclass(frozen=True)
class Story:
    """What the patient tells on the day: facts of the patient's own run (no test result)."""

    first_weak: tuple[str, str] | None  # (side, muscle) of the first weakness, or None
    years_since: float | None  # since the first symptom
    acute: bool  # weakness came on over days to weeks
    infection_days_before: float | None  # an infection this many days before the weakness
    family: bool  # a parent or sibling with the same trouble
    after_pressure: bool  # episodes of weakness after pressure on a nerve
    numb: bool  # numbness or tingling noticed
    bulbar: bool


def _acute(clin: pd.DataFrame, first: float, day: float) -> bool:
    """The weakness reached its nadir within ACUTE_DAYS of the first symptom."""
    mrc = clin.set_index("day")["mrc_sum"]
    before = mrc[mrc.index < first]
    start = int(before.iloc[-1]) if len(before) else int(mrc.max())
    early = int(mrc[(mrc.index >= first) & (mrc.index <= first + ACUTE_DAYS)].min())
    later = mrc[(mrc.index > first + ACUTE_DAYS) & (mrc.index <= day)]
    return start - early >= ACUTE_MRC_POINTS and (later.empty or int(later.min()) >= early - 1)


def _family(run: Run, share: float) -> bool:
    """Whether this patient knows of an affected relative: a draw of its own stream (the same
    for the same patient), against the disease's published share."""
    if share <= 0:
        return False
    pr = run.patient_runs[0]
    rng = np.random.default_rng([int(pr.seed) % 2**63, int(pr.patient_index), _FAMILY_TAG])
    return bool(rng.random() < share)


def story(run: Run, day: float = PRESENT_DAY) -> Story:
    """The patient's history facts on ``day``, each read from the patient's own run and the
    disease's history data (``disease.history``: family history share, episodes after
    pressure), never from its name."""
    from .exam import LIMBS, MODALITIES

    j = run.journey()
    clin = run.tables["clinical"]
    d = run.disease
    facts = getattr(d, "history", None)
    weak = j.first_symptom is not None and j.first_symptom <= day and j.first_weak is not None
    events = [e for e in run.patient_runs[0].events if e[0] <= day]
    infection = next((float(e[5]) for e in events if e[1] == "preceding_infection"), None)
    snap = run.snapshot(day)
    numb = max(d.sensory_loss_at(snap, side, limb, mod) for side in SIDES for limb in LIMBS
               for mod in MODALITIES) >= _SENSORY_SYMPTOM
    pressure = bool(getattr(facts, "after_pressure", False)) and any(
        e[1] == "lesion_onset" for e in events)
    share = getattr(facts, "family_history_share", 0.0)
    return Story(
        first_weak=(j.first_weak[0], j.first_weak[1]) if weak else None,
        years_since=(day - j.first_symptom) / DAYS_PER_YEAR if weak else None,
        acute=weak and _acute(clin, float(j.first_symptom), day),
        infection_days_before=infection, family=_family(run, float(share)),
        after_pressure=pressure, numb=bool(numb), bulbar=bool(d.bulbar_weakness(day)))


def history(run: Run, day: float = PRESENT_DAY) -> list[str]:
    """The patient's story on ``day``, as the patient tells it (no test results)."""
    s = story(run, day)
    clin = run.tables["clinical"]
    now = clin[clin["day"] <= day].iloc[-1]
    ago = clin[clin["day"] <= max(0.0, day - DAYS_PER_YEAR)].iloc[-1]
    lines = []
    if s.first_weak is not None:
        side, muscle = s.first_weak
        tempo = ("Each bout came on within a day." if s.after_pressure else
                 "It came on over days to weeks." if s.acute else
                 "It came on slowly, over months or longer.")
        lines.append(f"First noticed weakness {s.years_since:.1f} years ago, in the {side} "
                     f"{MUSCLE_LIMB[muscle]}: {_MOVEMENT[muscle]}. {tempo}")
    else:
        lines.append("No weakness noticed yet.")
    if s.infection_days_before is not None:
        lines.append(f"Had diarrhoea about {s.infection_days_before:.0f} days before the "
                     "weakness began.")
    if s.after_pressure:
        lines.append("Episodes of painless weakness after pressure on an arm or leg "
                     "(leaning on the elbows, sitting with the legs crossed), each getting "
                     "better over weeks.")
    lines.append("A parent or sibling has had similar episodes." if s.family
                 else "No one in the family has had anything similar.")
    before, after = int(ago["mrc_sum"]), int(now["mrc_sum"])
    change = (f"stayed at {after}" if before == after else
              f"went from {before} to {after}")
    lines.append(f"Over the last year the MRC sum score {change} of 200; grip now "
                 f"{now['grip_left_kg']:.0f} kg left, {now['grip_right_kg']:.0f} kg right.")
    lines.append("Reports numbness or tingling." if s.numb else "No numbness or tingling.")
    lines.append("Has trouble speaking or swallowing." if s.bulbar
                 else "Speech and swallowing unaffected.")
    return lines


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def ncs_findings(summary: electro.StudySummary) -> list[str]:
    """What the nerve conduction study found, one sentence each: the blocked segments, how
    many nerves, and the sensory responses; never a checklist's conclusion (that is the
    student's to draw, and the debrief's to show)."""
    out = [f"{label} conduction block: {side} {nerve}, {segment} segment."
           for label, sites in (("Definite", summary.definite), ("Probable", summary.probable))
           for side, nerve, segment in sites]
    if not out:
        out.append("No conduction block in any tested segment.")
    else:
        out.append(f"{_plural(summary.n_definite_nerves, 'nerve')} with definite block, "
                   f"{summary.n_probable_nerves} more with probable block.")
    if summary.sensory_tested == 0:
        out.append("No sensory nerve tested.")
    elif summary.sensory_normal:
        out.append(f"Sensory responses normal in all {summary.sensory_tested} tested nerves.")
    else:
        bad = ", ".join(f"{s} {n}" for s, n in summary.sensory_abnormal)
        out.append(f"Sensory responses below normal: {bad}.")
    return out


@dataclass(frozen=True)
class Feature:
    """A yes/no finding a test reveals, read from the tables a clinician has."""

    key: str
    test: str  # the test that reveals it
    label: str


FEATURES: tuple[Feature, ...] = (
    Feature("arm_onset", "history", "Weakness began in an arm"),
    Feature("sensory_symptoms", "history", "Numbness or tingling reported"),
    Feature("acute_onset", "history", "Weakness came on over days to weeks"),
    Feature("preceding_infection", "history", "An infection (diarrhoea) in the weeks before"),
    Feature("family_history", "history", "A parent or sibling with similar episodes"),
    Feature("after_pressure", "history", "Episodes of weakness after pressure on a nerve"),
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
    Feature("pmp22", "genetic", "PMP22 deletion"),
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
    s = story(run, day)
    out = {"arm_onset": s.first_weak is not None and MUSCLE_LIMB[s.first_weak[1]] == "arm",
           "sensory_symptoms": s.numb, "acute_onset": s.acute,
           "preceding_infection": s.infection_days_before is not None,
           "family_history": s.family, "after_pressure": s.after_pressure}
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
    out["pmp22"] = _lab(labs, "pmp22_deletion")["result"] == "deletion present"
    out["trial"] = trial_response(trial, day)[0]
    return out


REFERENCE_PATIENTS = 20  # simulated patients per disease behind the differential


def reference_rates(kind: str, n: int = REFERENCE_PATIENTS,
                    simulate: Simulate = _simulate) -> pd.Series:
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
    patients of each disease (named in words) with the same value, and the diseases it points
    to."""
    tests = set(tests)
    rows = []
    for f in FEATURES:
        if f.test not in tests:
            continue
        value = bool(found[f.key])
        same = {disease_name(k): float(r[f.key] if value else 1.0 - r[f.key])
                for k, r in rates.items()}
        hi, lo = max(same.values()), min(same.values())
        to = [k for k, s in same.items() if s >= hi - 0.1] if hi - lo >= _SEPARATES else []
        row = {"test": _TITLE[f.test], "finding": f.label, "this patient": "yes" if value
               else "no"}
        row.update({f"same in {k} (%)": round(100 * s) for k, s in same.items()})
        row["points to"] = "; ".join(to) if to else "does not tell them apart"
        rows.append(row)
    return pd.DataFrame(rows)


_TITLE = {t.key: t.title for t in TESTS}


# --- the live differential -------------------------------------------------------------------

# Confident: the differential gives one disease at least this probability (approx., teaching
# value: 9 to 1 on). A test moved the differential when the probabilities changed by at least
# MOVED in total variation distance (half the summed absolute changes; approx.).
CONFIDENT = 0.9
MOVED = 0.05


def differential(found: Mapping[str, bool], rates: Mapping[str, pd.Series],
                 tests: Iterable[str], n: int = REFERENCE_PATIENTS) -> pd.Series:
    """P(disease | the findings of ``tests``) for every disease of ``rates`` (index: kind).

    Naive Bayes: an equal prior for every disease (as a random case is drawn); each finding's
    likelihood is the share of the ``n`` reference patients of that disease with this
    patient's value, Laplace-smoothed ((count + 1) / (n + 2), so no finding rules a disease
    out outright); findings are taken as independent given the disease, which overstates the
    certainty when findings go together."""
    tests = set(tests)
    kinds = list(rates)
    logp = np.zeros(len(kinds))
    for f in FEATURES:
        if f.test not in tests:
            continue
        value = bool(found[f.key])
        for i, k in enumerate(kinds):
            count = round(float(rates[k][f.key]) * n)
            logp[i] += math.log(((count if value else n - count) + 1) / (n + 2))
    p = np.exp(logp - logp.max())
    return pd.Series(p / p.sum(), index=kinds, name="probability")


def differential_path(found: Mapping[str, bool], rates: Mapping[str, pd.Series],
                      tests: Sequence[str], n: int = REFERENCE_PATIENTS) -> pd.DataFrame:
    """The differential before any test and after each test in the order asked (rows: ``""``
    then the test keys; columns: kinds)."""
    rows = [differential(found, rates, tests[:i], n) for i in range(len(tests) + 1)]
    return pd.DataFrame(rows, index=["", *tests])


def moved(path: pd.DataFrame) -> tuple[bool, ...]:
    """For each test of a :func:`differential_path`: did it move the differential?"""
    p = path.to_numpy()
    return tuple(bool(0.5 * np.abs(p[i + 1] - p[i]).sum() >= MOVED) for i in range(len(p) - 1))


@dataclass(frozen=True)
class Soonest:
    """The fewest tests that would have made the true disease :data:`CONFIDENT`-probable."""

    tests: tuple[str, ...]  # in menu order; all tests when no set reaches it
    probability: float  # the true disease's probability after them
    reached: bool


def soonest(found: Mapping[str, bool], rates: Mapping[str, pd.Series], truth: str,
            n: int = REFERENCE_PATIENTS, tests: Sequence[str] = _TEST_KEYS) -> Soonest:
    """The smallest set of ``tests`` (among equally small ones, the most telling) after which
    the differential gives ``truth`` at least :data:`CONFIDENT`, for this patient's findings."""
    for size in range(1, len(tests) + 1):
        p, pick = max(((float(differential(found, rates, c, n)[truth]), c)
                       for c in combinations(tests, size)), key=lambda pc: pc[0])
        if p >= CONFIDENT:
            return Soonest(tuple(pick), p, True)
    return Soonest(tuple(tests), float(differential(found, rates, tests, n)[truth]), False)


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


# How the teaching score is made (a teaching value). The diagnosis counts only when right,
# and most of it only as far as the tests had made it probable: naming the right disease
# while the differential is still open is a lucky guess. Tests score by the share of them
# that moved the differential. The treatment is graded against the best option for this
# patient, by the simulated outcome.
POINTS = {"diagnosis": 20, "certainty": 40, "tests": 10, "treatment": 30}
# Nothing established helps this patient and the treatment chosen did not either (nor harm):
# half the treatment points, for exposing the patient to a treatment's burden for no gain
# (approx., teaching value: the model simulates no side effects).
INEFFECTIVE_SHARE = 0.5


def treatment_grade(chosen: Outcome, right: Outcome) -> tuple[float, str]:
    """The share of the treatment points (0..1) and why, from the simulated outcomes:
    harm and withholding an effective treatment score nothing; an effective one scores its
    gain as a share of the best option's."""
    if chosen.worse:
        return 0.0, "it harmed this patient"
    if right.treatment == NONE:
        if chosen.treatment == NONE or chosen.better:
            return 1.0, "no established treatment helps this patient, and none was needed"
        return INEFFECTIVE_SHARE, ("it did not help this patient, and no established "
                                   "treatment does")
    if chosen.treatment == NONE:
        return 0.0, f"it withheld {right.title}, which clearly helps this patient"
    if not chosen.better:
        return 0.0, f"it did not clearly help this patient; {right.title} does"
    share = min(1.0, chosen.gain / right.gain)
    if chosen.treatment == right.treatment or share >= 1.0:
        return share, (f"it helped this patient as much as {right.title}, the best "
                       "established option")
    return share, (f"it helped this patient, {share:.0%} as much as {right.title}, the best "
                   "established option")


@dataclass(frozen=True)
class Score:
    correct: bool
    probability: float  # the differential's probability of the true disease at the commit
    tests: int
    moved: int  # tests that moved the differential
    treatment: float  # share of the treatment points
    verdict: str  # why the treatment scored so
    parts: dict[str, int]

    @property
    def points(self) -> int:  # out of 100
        return sum(self.parts.values())

    def lines(self) -> list[str]:
        p, got = self.parts, f"{self.probability:.0%}"
        certainty = (f"your tests had made it {got} probable" if self.correct else
                     f"only a right diagnosis earns it; your tests had made the right disease "
                     f"{got} probable")
        tests = (f"{self.moved} of {self.tests} moved the differential" if self.tests
                 else "none ordered, so nothing moved the differential")
        return [f"Diagnosis: {'correct' if self.correct else 'not correct'} "
                f"({p['diagnosis']} of {POINTS['diagnosis']}).",
                f"Certainty when you committed: {certainty} ({p['certainty']} of "
                f"{POINTS['certainty']}).",
                f"Tests: {tests} ({p['tests']} of {POINTS['tests']}).",
                f"First treatment: {self.verdict} ({p['treatment']} of {POINTS['treatment']}).",
                f"Total: {self.points} of 100."]


def score(attempt: Attempt, chosen: Outcome, right: Outcome, path: pd.DataFrame) -> Score:
    """The score of a committed attempt; ``path`` is its :func:`differential_path`."""
    correct = attempt.diagnosis == attempt.case.kind
    prob = float(path.iloc[-1][attempt.case.kind])
    n_moved = sum(moved(path))
    n = len(attempt.tests)
    share, verdict = treatment_grade(chosen, right)
    parts = {"diagnosis": POINTS["diagnosis"] * correct,
             "certainty": round(POINTS["certainty"] * prob) * correct,
             "tests": round(POINTS["tests"] * n_moved / n) if n else 0,
             "treatment": round(POINTS["treatment"] * share)}
    return Score(correct, prob, n, n_moved, share, verdict, parts)


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
    found: dict[str, bool] = field(default_factory=dict)  # every finding of the patient
    path: pd.DataFrame = field(default_factory=pd.DataFrame)  # the differential, test by test
    soonest: Soonest | None = None


def all_rates(n: int = REFERENCE_PATIENTS, simulate: Simulate = _simulate
              ) -> dict[str, pd.Series]:
    """:func:`reference_rates` of every registered disease: the differential's populations."""
    return {k: reference_rates(k, n, simulate) for k in diseases.kinds()}


def debrief(attempt: Attempt, simulate: Simulate = _simulate,
            rates: Mapping[str, pd.Series] | None = None,
            n: int = REFERENCE_PATIENTS) -> Debrief:
    """The answer, the score, the differential's path, the checklists and every treatment's
    outcome for ``attempt`` (``rates``: :func:`all_rates`, computed when not given).

    The checklists read the full work-up on the day the patient was seen, or, when the
    immunoglobulin trial was ordered, 8 weeks into it (so its response item can count)."""
    if not attempt.committed:
        raise ValueError("debrief: the attempt has no answer yet")
    case = attempt.case
    rates = all_rates(n, simulate) if rates is None else rates
    outs = outcomes(case, simulate)
    tk = trial_kind()
    base = simulate(scenario(case.kind), case.seed)
    trial = simulate(scenario(case.kind, tk), case.seed) if tk is not None else None
    found = findings(base, trial)
    path = differential_path(found, rates, attempt.tests, n)
    if "trial" in attempt.tests and trial is not None:
        run, day = trial, PRESENT_DAY + TRIAL_READ_DAYS
    else:
        run, day = base, PRESENT_DAY
    chosen, right = outs[str(attempt.treatment)], best(outs)
    return Debrief(attempt, score(attempt, chosen, right, path), chosen, right, outs, day,
                   checklists(run, day), found, path, soonest(found, rates, case.kind, n))


def window(run: Run, hand: str, before: float = DAYS_PER_YEAR) -> pd.DataFrame:
    """The clinical table from ``before`` days ahead of the visit to the end of follow-up,
    with the weaker hand's grip as ``grip`` (what the outcome chart draws)."""
    c = run.tables["clinical"]
    c = c[c["day"] >= PRESENT_DAY - before]
    return c.assign(grip=c[f"grip_{hand}_kg"])[["day", "grip", "mrc_sum"]]
