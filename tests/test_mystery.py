"""'Which disease is it?' logic (sim/mystery.py, sim/sealed.py), without streamlit: the sealed
case token, tampered and appended address values, ordered tests, findings, the live
differential, outcomes and the score."""

from __future__ import annotations

import base64
from collections import Counter
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from sim import diagnosis, diseases, electro, sealed, simulate, treatments
from sim import mystery as M
from tests.toy_diseases import TOY, toy_registered

MMN_SEED = 4  # an MMN patient whom IVIg clearly helps and prednisolone harms (see below)
STEROID = "prednisolone"


@pytest.fixture
def toy():
    with toy_registered() as kind:
        yield kind


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


# --- the address: one sealed token -------------------------------------------------------------

SECRET = b"a test secret, not the server's"


@pytest.fixture(autouse=True)
def server_secret(monkeypatch):
    """Every token here is made with a known secret; the real one is never read."""
    monkeypatch.setenv(sealed.SECRET_ENV, SECRET.decode())


def _flip(token: str, i: int) -> str:
    c = token[i]
    return token[:i] + ("A" if c != "A" else "B") + token[i + 1:]


def test_a_case_with_tests_and_answer_round_trips_through_one_opaque_token(toy):
    a = M.Attempt(M.Case(TOY, 12), ("ncs", "history", "trial")).commit("mmn", STEROID)
    q = M.to_query(a)
    assert set(q) == {"case"}
    token = q["case"]
    # (The seed, 12, is not looked for: two characters turn up by chance in a random token,
    # about once in 40; the decoded payload below shows the content is encrypted.)
    for secret_text in (TOY, "mmn", "ncs", "history", STEROID, "prednis"):
        assert secret_text not in token  # nothing to read at a glance ...
    decoded = base64.urlsafe_b64decode(token.split(".")[0] + "==")
    for secret_text in (b"toy", b"mmn", b"ncs", b"predn", b'"k"'):
        assert secret_text not in decoded  # ... nor after base64: the payload is encrypted
    p = M.parse_query(q, _rng())
    assert p.notes == () and not p.drawn and p.attempt == a
    assert a.tests == ("ncs", "history", "trial")  # the order asked, not the menu's order


def test_same_token_same_case_and_each_seal_is_a_new_token():
    a = M.Attempt(M.Case("mmn", 3), ("exam",))
    t1, t2 = M.seal_attempt(a), M.seal_attempt(a)
    assert t1 != t2  # a fresh nonce: two students' links cannot be compared
    for t in (t1, t2):
        assert [M.parse_query({"case": t}, _rng(s)).attempt for s in (0, 1)] == [a, a]
    assert M.open_attempt(t1, SECRET) == a


def test_random_draws_every_registered_disease_and_the_token_replays_it(toy):
    drawn = [M.parse_query({"mystery": "random"}, _rng(s)) for s in range(40)]
    assert all(p.drawn and p.notes == () for p in drawn)
    assert Counter(p.attempt.case.kind for p in drawn).keys() == set(diseases.kinds())
    assert len({p.attempt.case.seed for p in drawn}) == 40
    for p in drawn:
        assert M.parse_query(M.to_query(p.attempt), _rng()).attempt == p.attempt
    again = M.parse_query({"mystery": "random"}, _rng(3)).attempt
    assert again == drawn[3].attempt  # same generator, same draw: no global random state


def test_an_answer_appended_to_the_address_is_not_read_and_scores_nothing():
    token = M.seal_attempt(M.Attempt(M.Case("mmn", MMN_SEED)))
    p = M.parse_query({"case": token, "dx": "mmn", "tx": "ivig", "tests": "ncs"}, _rng())
    assert p.attempt == M.Attempt(M.Case("mmn", MMN_SEED))  # no tests, no answer
    assert not p.attempt.committed
    assert len(p.notes) == 1 and p.notes[0].startswith("tests, dx, tx: not read")
    assert "nothing was scored" in p.notes[0]
    with pytest.raises(ValueError, match="no answer"):  # so there is no debrief to score
        M.debrief(p.attempt)
    alone = M.parse_query({"dx": "mmn", "tx": "ivig"}, _rng())
    assert alone.attempt is None and alone.notes[0].startswith("dx, tx: not read")


@pytest.mark.parametrize("how", ["flip start", "flip middle", "flip signature", "cut",
                                 "other secret", "old code", "junk", "huge"])
def test_a_tampered_or_foreign_token_is_one_sentence_and_no_case(how):
    a = M.Attempt(M.Case("mmn", 1), ("ncs",)).commit("mmn", "ivig")
    good = M.seal_attempt(a)
    token = {
        "flip start": _flip(good, 0), "flip middle": _flip(good, len(good) // 3),
        "flip signature": _flip(good, len(good) - 2), "cut": good[:-5],
        "other secret": M.seal_attempt(a, b"another server"),
        "old code": base64.urlsafe_b64encode(b"mmn:1").decode().rstrip("="),
        "junk": "not-a-code!", "huge": good * 200,
    }[how]
    p = M.parse_query({"case": token}, _rng())
    assert p.attempt is None
    assert len(p.notes) == 1 and p.notes[0].startswith("case: this case link is not valid")
    assert p.notes[0].count(". ") == 0


def test_a_signed_token_that_names_what_is_not_registered_or_allowed_is_refused():
    def forged(**change):
        payload = {"k": "mmn", "s": 1, "t": ["ncs"], "d": None, "x": None, **change}
        return sealed.seal(payload, SECRET, "mystery attempt v1")

    assert M.open_attempt(forged()) == M.Attempt(M.Case("mmn", 1), ("ncs",))
    for change in ({"k": "gone"}, {"s": -1}, {"s": M.MAX_SEED + 1}, {"s": "1"}, {"s": True},
                   {"t": ["xray"]}, {"t": ["ncs", "ncs"]}, {"t": "ncs"}, {"d": "mmn"},
                   {"d": "flu", "x": "ivig"}, {"d": "mmn", "x": "aspirin"}):
        assert M.open_attempt(forged(**change)) is None, change
    other = sealed.seal({"k": "mmn", "s": 1, "t": [], "d": None, "x": None}, SECRET, "other")
    assert M.open_attempt(other) is None  # a token for another purpose is not a case


@pytest.mark.parametrize("query", [{"mystery": "mmn", "seed": "3"}, {"mystery": "cidpp"},
                                   {"mystery": "motor_neuron", "seed": "0", "dx": "mmn",
                                    "tx": "ivig"}])
def test_an_old_link_that_names_the_disease_is_a_clear_message_and_no_case(query):
    p = M.parse_query(query, _rng())
    assert p.attempt is None
    note = p.notes[-1]
    assert note.startswith("mystery: links that name the disease")
    assert "lecturer panel" in note and note.count(". ") == 0


def test_the_secret_is_created_once_outside_the_repository_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv(sealed.SECRET_ENV)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setenv("APPDATA", str(tmp_path))
    path = sealed.secret_path()
    assert tmp_path in path.parents and not path.exists()
    first = sealed.server_secret()
    assert path.exists() and len(first) >= 32 and path.stat().st_mode & 0o077 == 0
    assert sealed.server_secret() == first  # kept: the links of yesterday still open
    token = M.seal_attempt(M.Attempt(M.Case("mmn", 2)))
    monkeypatch.setenv(sealed.SECRET_ENV, "shared by every process")
    assert sealed.server_secret() == b"shared by every process"  # the override
    assert M.open_attempt(token) is None  # another secret, another server


def test_tests_are_ordered_once_each_and_not_after_the_answer():
    a = M.Attempt(M.Case("mmn", 1)).order("emg").order("history").order("emg")
    assert a.tests == ("emg", "history")
    done = a.commit("mmn", M.NONE)
    assert done.order("csf") is done
    with pytest.raises(ValueError, match="test: 'xray' is not a test; allowed: history"):
        a.order("xray")


def test_the_treatment_choices_are_none_and_every_registered_kind():
    assert M.treatment_choices() == (M.NONE, *treatments.kinds())
    assert M.trial_kind() is not None and treatments.get(M.trial_kind()).immunoglobulin


# --- the checklist contract -------------------------------------------------------------------


def test_evaluate_takes_a_known_criteria_name_and_refuses_others():
    run = simulate(M.scenario("mmn"), MMN_SEED)
    assert diagnosis.CRITERIA[0] == "mmn"
    assert diagnosis.evaluate(run, 700, criteria="mmn") == diagnosis.evaluate(run, 700)
    with pytest.raises(ValueError, match="criteria: 'xyz' is not a known checklist; choose one "
                                         "of 'mmn'"):
        diagnosis.evaluate(run, 700, criteria="xyz")


# --- findings, pointers, outcomes, score -------------------------------------------------------


def test_findings_come_from_the_model_and_point_to_the_disease_that_shows_them(toy):
    mmn = M.reference_rates("mmn", n=6)
    sens = M.reference_rates(TOY, n=6)
    # the toy's sensory loss is seen at the bedside, in the story and on sensory conduction
    for key in ("sensory_signs", "sensory_symptoms", "sensory_ncs"):
        assert sens[key] == 1.0 and mmn[key] == 0.0, key
    run = simulate(M.scenario(TOY), 7)
    found = M.findings(run, None)
    assert found["sensory_signs"] and found["sensory_ncs"] and not found["trial"]
    assert "Reports numbness or tingling." in M.history(run)
    table = M.pointers(found, {"mmn": mmn, TOY: sens}, ["exam", "ncs"]).set_index("finding")
    assert set(table["test"]) == {"Examination", "Nerve conduction"}  # only the tests ordered
    sensory = next(f.label for f in M.FEATURES if f.key == "sensory_signs")
    toy_name, mmn_name = "Toy sensory neuropathy", "Multifocal motor neuropathy"
    assert table.loc[sensory, "points to"] == toy_name  # diseases in words, not code names
    assert table.loc[sensory, f"same in {toy_name} (%)"] == 100
    assert table.loc[sensory, f"same in {mmn_name} (%)"] == 0
    assert not any(k in c for c in table.columns for k in ("mmn", TOY))


def test_harm_is_the_simulated_outcome_not_the_treatment_name(toy):
    """The same first treatment harms MMN patients and not the steroid-neutral toy's."""
    mmn = [M.outcomes(M.Case("mmn", s), kinds=(STEROID,))[STEROID] for s in range(8)]
    sens = [M.outcomes(M.Case(TOY, s), kinds=(STEROID,))[STEROID] for s in range(8)]
    assert sum(o.worse for o in mmn) >= 5  # weakness increases on steroids (Donaghy 1994)
    assert not any(o.worse for o in sens)
    assert all(o.mrc_late <= 0 for o in mmn)
    # "none" is untreated itself: never better, never worse
    none = M.outcomes(M.Case("mmn", MMN_SEED), kinds=())[M.NONE]
    assert (none.mrc_early, none.grip_early, none.mrc_late, none.grip_late) == (0, 0, 0, 0)


def test_the_best_first_treatment_is_the_established_one_that_helped_most():
    outs = M.outcomes(M.Case("mmn", MMN_SEED))
    right = M.best(outs)
    assert right.better and not right.hypothetical and right.treatment != M.NONE
    assert treatments.get(right.treatment).immunoglobulin  # IVIg in MMN (van Schaik 2010)
    assert outs[STEROID].worse
    helped = [o for o in outs.values() if o.better and not o.hypothetical]
    assert right.gain == max(o.gain for o in helped)


@pytest.fixture(scope="module")
def rates():
    """The differential's reference populations of every registered disease (no toy)."""
    return M.all_rates()


def _play(tests, dx, tx, rates, kind="mmn", seed=MMN_SEED):
    return M.debrief(M.Attempt(M.Case(kind, seed), tuple(tests)).commit(dx, tx), rates=rates)


def test_the_differential_is_naive_bayes_over_the_reference_shares_with_laplace_smoothing():
    rates = {"a": pd.Series({f.key: 0.0 for f in M.FEATURES}),
             "b": pd.Series({f.key: 0.5 for f in M.FEATURES})}
    rates["a"]["csf"], rates["b"]["mri"] = 0.9, 0.1
    found = dict.fromkeys((f.key for f in M.FEATURES), False) | {"csf": True}
    assert M.differential(found, rates, []).tolist() == [0.5, 0.5]  # equal prior
    p = M.differential(found, rates, ["csf", "mri"], n=10)
    # csf raised: (9 + 1) / 12 against (5 + 1) / 12; mri normal: (10 + 1) / 12 against 10 / 12
    like_a, like_b = 10 / 12 * 11 / 12, 6 / 12 * 10 / 12
    assert p["a"] == pytest.approx(like_a / (like_a + like_b))
    never = dict(found, csf=False, mri=True)  # shares of 0 and 1: smoothed, never ruled out
    assert 0 < M.differential(never, rates, ["csf"], n=10)["a"] < 1
    path = M.differential_path(found, rates, ["csf", "mri"], n=10)
    assert list(path.index) == ["", "csf", "mri"] and np.allclose(path.sum(axis=1), 1)
    assert M.moved(path) == (True, False)  # the MRI shares differ by too little to move it


def test_the_live_differential_follows_the_findings_deterministically(rates):
    run = simulate(M.scenario("mmn"), MMN_SEED)
    found = M.findings(run, None)
    again = M.findings(simulate(M.scenario("mmn"), MMN_SEED), None)
    assert found == again
    path = M.differential_path(found, rates, ["history", "exam", "ncs"])
    assert path.iloc[0].tolist() == pytest.approx([1 / len(rates)] * len(rates))
    assert path.iloc[-1].idxmax() == "mmn" and path.iloc[-1]["mmn"] >= M.CONFIDENT
    assert path.equals(M.differential_path(again, rates, ["history", "exam", "ncs"]))
    s = M.soonest(found, rates, "mmn")
    assert s.reached and s.probability >= M.CONFIDENT
    assert M.differential(found, rates, s.tests)["mmn"] == pytest.approx(s.probability)
    fewer = len(s.tests) - 1  # no smaller set of tests gets there
    assert fewer == 0 or all(M.differential(found, rates, c)["mmn"] < M.CONFIDENT
                             for c in combinations([t.key for t in M.TESTS], fewer))


def test_the_nerve_conduction_result_shows_findings_never_a_checklist_conclusion():
    for seed in range(6):
        run = simulate(M.scenario("mmn"), seed)
        summary = electro.summarize(run.ncs(M.PRESENT_DAY))
        text = " ".join(M.ncs_findings(summary))
        for conclusion in ("criteria", "MMN", "Electrodiagnosis", "definite MMN", "typical"):
            assert conclusion not in text, (seed, text)
        assert ("conduction block" in text) == (summary.n_block_nerves > 0)
        assert "Sensory responses" in text


def test_committing_with_no_tests_scores_below_committing_after_the_telling_tests(rates):
    blind = _play([], "mmn", "ivig", rates)
    told = _play(["exam", "ncs"], "mmn", "ivig", rates)
    assert blind.score.correct and told.score.correct
    assert blind.score.probability == pytest.approx(1 / len(rates))  # the differential is open
    assert told.score.probability >= M.CONFIDENT
    assert blind.score.points < told.score.points
    assert blind.score.parts["tests"] == 0 and told.score.parts["tests"] == M.POINTS["tests"]
    # tests that did not move the differential cost their share of the test points
    every = _play([t.key for t in M.TESTS], "mmn", "ivig", rates)
    assert every.score.moved < every.score.tests
    assert every.score.parts["tests"] < told.score.parts["tests"]
    wrong = _play(["exam", "ncs"], "cidp", "ivig", rates)
    assert wrong.score.parts["diagnosis"] == wrong.score.parts["certainty"] == 0


def test_withholding_ivig_from_an_ivig_responsive_mmn_patient_scores_below_ivig(rates):
    ivig = _play(["exam", "ncs"], "mmn", "ivig", rates)
    none = _play(["exam", "ncs"], "mmn", M.NONE, rates)
    assert ivig.right.treatment == "ivig" and ivig.chosen.better  # IVIg in MMN (van Schaik 2010)
    assert none.score.points < ivig.score.points
    assert none.score.parts["treatment"] == 0 and "withheld IVIg" in none.score.verdict
    assert ivig.score.parts["treatment"] == M.POINTS["treatment"]


def test_plasma_exchange_in_mmn_is_not_harm_avoided_and_steroids_harm(rates):
    plex = _play(["exam", "ncs"], "mmn", "plasma_exchange", rates)
    ivig = _play(["exam", "ncs"], "mmn", "ivig", rates)
    assert not plex.chosen.better  # ineffective in MMN in the model
    assert plex.score.parts["treatment"] == 0 < ivig.score.parts["treatment"]
    text = " ".join(plex.score.lines())
    assert "harm avoided" not in text.lower() and "did not clearly help" in text
    steroid = _play(["exam", "ncs"], "mmn", STEROID, rates)
    assert steroid.chosen.worse and steroid.score.parts["treatment"] == 0
    assert "harmed" in steroid.score.verdict


def test_when_nothing_established_helps_no_treatment_is_the_best_answer(rates):
    none = _play(["exam"], "motor_neuron", M.NONE, rates, kind="motor_neuron", seed=0)
    ivig = _play(["exam"], "motor_neuron", "ivig", rates, kind="motor_neuron", seed=0)
    assert none.right.treatment == M.NONE
    assert none.score.parts["treatment"] == M.POINTS["treatment"]
    assert ivig.score.parts["treatment"] == round(M.POINTS["treatment"] * M.INEFFECTIVE_SHARE)


def test_debrief_reads_checklists_and_every_outcome_from_the_simulation(rates):
    d = _play(["history", "exam", "ncs", "emg", "csf", "trial"], "cidp", STEROID, rates)
    assert not d.score.correct and d.chosen.worse and d.right.treatment != STEROID
    assert set(d.checklists) == set(diagnosis.CRITERIA)
    assert d.checklist_day == M.PRESENT_DAY + M.TRIAL_READ_DAYS  # read after the trial
    assert list(d.path.index) == ["", "history", "exam", "ncs", "emg", "csf", "trial"]
    good = _play(["ncs"], "mmn", d.right.treatment, rates)
    assert good.checklist_day == M.PRESENT_DAY
    assert good.score.lines()[-1] == f"Total: {good.score.points} of 100."
    assert good.score.points == sum(good.score.parts.values())
    with pytest.raises(ValueError, match="no answer"):
        M.debrief(M.Attempt(M.Case("mmn", MMN_SEED)))


def test_the_registry_decides_nothing_here_names_a_disease(toy):
    token = M.seal_attempt(M.Attempt(M.Case(TOY, 1)))
    assert M.open_attempt(token).case.kind == TOY


def test_a_case_of_a_disease_no_longer_registered_is_refused():
    with toy_registered():
        token = M.seal_attempt(M.Attempt(M.Case(TOY, 1)))
    assert TOY not in diseases.kinds()  # the toy fixtures cleaned up after themselves
    assert M.parse_query({"case": token}, _rng()).attempt is None


def test_the_figure_builders_draw_what_the_tables_hold():
    from sim import figures as F

    run = simulate(M.scenario("mmn"), MMN_SEED)
    hand = M.weaker_hand(run)
    lines = {"untreated": M.window(run, hand),
             "other": M.window(simulate(M.scenario("mmn", STEROID), MMN_SEED), hand)}
    fig = F.outcome_figure(lines, "mrc_sum", "MRC", "t", M.PRESENT_DAY)
    assert [tr.name for tr in fig.data] == ["untreated", "other"]
    assert list(fig.data[1].y) == list(lines["other"]["mrc_sum"])
    assert fig.layout.shapes[-1].x0 == pytest.approx(M.PRESENT_DAY / 365.25)
    assert fig.layout.yaxis.rangemode == "normal"
    rates = M.reference_rates("mmn", n=3)
    table = M.pointers(M.findings(run, None), {"mmn": rates}, ["exam", "csf"])
    heat = F.pointers_figure(table)
    assert [x.replace("<br>", " ") for x in heat.data[0].x] == ["Multifocal motor neuropathy"]
    assert len(heat.data[0].y) == len(table) == sum(f.test in ("exam", "csf")
                                                    for f in M.FEATURES)
    assert [row[0] for row in heat.data[0].z] == list(
        table["same in Multifocal motor neuropathy (%)"])


def test_the_differential_figure_draws_one_line_per_disease_named_in_words():
    from sim import figures as F

    rates = {"mmn": M.reference_rates("mmn", n=3), "cidp": M.reference_rates("cidp", n=3)}
    found = M.findings(simulate(M.scenario("mmn"), MMN_SEED), None)
    path = M.differential_path(found, rates, ["exam", "ncs"], n=3)
    names = {k: M.disease_name(k) for k in path.columns}
    fig = F.differential_figure(path, names, ["no test", "1. Examination", "2. Nerve"], 0.9)
    assert [tr.name for tr in fig.data] == ["Multifocal motor neuropathy", names["cidp"]]
    assert list(fig.data[0].y) == [round(100 * v, 1) for v in path["mmn"]]
    assert list(fig.data[0].x) == ["no test", "1. Examination", "2. Nerve"]
    assert fig.layout.shapes[0].y0 == 90


def test_scig_as_a_first_treatment_is_a_weekly_course_that_helps_slowly(rates):
    """SCIg is given weekly (Harbo 2009: equal monthly dose, equal effect), never as a single
    0.25 g/kg dose that would teach it does nothing; without a loading course its benefit
    builds over months, so IVIg stays the better first treatment."""
    entry = M.scenario("mmn", "scig").treatment[0]
    assert entry.every_days == 7 and entry.start_day == M.PRESENT_DAY
    scig = _play(["exam", "ncs"], "mmn", "scig", rates)
    ivig = _play(["exam", "ncs"], "mmn", "ivig", rates)
    assert scig.chosen.grip_late >= 2 and scig.chosen.grip_late > scig.chosen.grip_early
    assert scig.score.parts["treatment"] < ivig.score.parts["treatment"]


@pytest.mark.parametrize("kind, acute", [("aman", True), ("mmn", False), ("motor_neuron", False)])
def test_the_history_tells_how_fast_the_weakness_came_on(kind, acute):
    """The first question a neuromuscular clinician asks: AMAN reaches its nadir within 4
    weeks (Asbury & Cornblath 1990); MMN and motor neuron disease progress over months."""
    stories = [M.story(M._simulate(M.scenario(kind), 3000 + s)) for s in range(6)]
    assert all(st.acute == acute for st in stories if st.first_weak is not None)
    text = " ".join(M.history(M._simulate(M.scenario(kind), 3000)))
    assert ("over days to weeks" in text) == acute


def test_hnpp_history_has_pressure_palsies_and_the_genetic_test_finds_the_deletion():
    run = M._simulate(M.scenario("hnpp"), 3001)
    st = M.story(run)
    assert st.after_pressure and "after pressure" in " ".join(M.history(run))
    assert M.findings(run, None)["pmp22"]
    mmn = M._simulate(M.scenario("mmn"), 3001)
    f = M.findings(mmn, None)
    assert not f["pmp22"] and not f["after_pressure"] and not f["family_history"]


def test_family_history_is_drawn_per_patient_and_reproducible():
    runs = [M._simulate(M.scenario("hnpp"), 3100 + s) for s in range(12)]
    first = [M.story(r).family for r in runs]
    assert first == [M.story(r).family for r in runs]
    assert 0 < sum(first) < len(first)  # a share of HNPP patients, not all or none
