"""'Which disease is it?' logic (sim/mystery.py), without streamlit: the hidden draw, the page
address round trip, bad address values, ordered tests, findings, outcomes and the score."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from sim import diagnosis, diseases, simulate, treatments
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


# --- the address ----------------------------------------------------------------------------


def test_a_fixed_case_with_tests_and_answer_round_trips_through_the_address(toy):
    q = {"mystery": TOY, "seed": "12", "tests": "ncs,history,trial", "dx": "mmn",
         "tx": STEROID}
    p = M.parse_query(q, _rng())
    assert p.notes == () and not p.drawn
    a = p.attempt
    assert a.case == M.Case(TOY, 12)
    assert a.tests == ("ncs", "history", "trial")  # the order asked, not the menu's order
    assert (a.diagnosis, a.treatment) == ("mmn", STEROID) and a.committed
    assert M.to_query(a) == q
    assert M.parse_query(M.to_query(a), _rng(99)).attempt == a  # the rng is not used


def test_random_draws_every_registered_disease_and_hides_its_name(toy):
    drawn = [M.parse_query({"mystery": "random"}, _rng(s)) for s in range(40)]
    assert all(p.drawn and p.attempt.case.hidden for p in drawn)
    assert Counter(p.attempt.case.kind for p in drawn).keys() == {"mmn", TOY}
    assert len({p.attempt.case.seed for p in drawn}) == 40
    for p in drawn:
        q = M.to_query(p.attempt)
        assert set(q) == {"case"}
        assert p.attempt.case.kind not in q["case"]
        assert M.parse_query(q, _rng()).attempt == p.attempt  # the code replays the case
    again = M.parse_query({"mystery": "random"}, _rng(3)).attempt
    assert again == drawn[3].attempt  # same generator, same draw: no global random state


def test_a_named_disease_without_seed_gets_a_drawn_seed_that_the_address_then_carries():
    p = M.parse_query({"mystery": "mmn"}, _rng(5))
    assert p.drawn and p.attempt.case.kind == "mmn" and not p.attempt.case.hidden
    assert M.to_query(p.attempt)["seed"] == str(p.attempt.case.seed)


@pytest.mark.parametrize(("query", "field", "allowed"), [
    ({"mystery": "cidpp", "seed": "1"}, "mystery:", "random"),
    ({"mystery": "mmn", "seed": "abc"}, "seed:", "0 to 2147483647"),
    ({"mystery": "mmn", "seed": "²"}, "seed:", "0 to 2147483647"),
    ({"mystery": "mmn", "seed": "2147483648"}, "seed:", "0 to 2147483647"),
    ({"mystery": "random", "seed": "-1"}, "seed:", "0 to 2147483647"),
    ({"case": "not-a-code!"}, "case:", "new case"),
    ({"case": M.encode_case("gone", 3)}, "case:", "new case"),
])
def test_a_bad_case_value_is_one_sentence_naming_the_field_and_no_case(query, field, allowed):
    p = M.parse_query(query, _rng())
    assert p.attempt is None
    assert len(p.notes) == 1
    note = p.notes[0]
    assert note.startswith(field) and allowed in note and note.count(". ") == 0


def test_bad_tests_and_answers_are_dropped_with_a_sentence_each_keeping_the_rest():
    p = M.parse_query({"mystery": "mmn", "seed": "1", "tests": "ncs,xray,ncs,exam",
                       "dx": "flu", "tx": STEROID}, _rng())
    assert p.attempt.tests == ("ncs", "exam")  # unknown dropped, repeat ordered once
    assert not p.attempt.committed
    assert [n.split(":")[0] for n in p.notes] == ["tests", "dx"]
    assert "history" in p.notes[0] and "mmn" in p.notes[1]
    p = M.parse_query({"mystery": "mmn", "seed": "1", "dx": "mmn", "tx": "aspirin"}, _rng())
    assert p.notes[0].startswith("tx:") and M.NONE in p.notes[0] and STEROID in p.notes[0]
    p = M.parse_query({"mystery": "mmn", "seed": "1", "dx": "mmn"}, _rng())
    assert p.notes[0].startswith("dx and tx:") and not p.attempt.committed


def test_a_link_with_thousands_of_bad_tests_makes_one_sentence():
    p = M.parse_query({"mystery": "mmn", "seed": "1", "tests": "x," * 5000 + "ncs"}, _rng())
    assert p.attempt.tests == ("ncs",)
    assert len(p.notes) == 1 and p.notes[0].startswith("tests: 'x', 'x', 'x', ... are not")
    assert len(p.notes[0]) < 200


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
    with pytest.raises(ValueError, match="criteria: 'gbs' is not a known checklist; choose one "
                                         "of 'mmn'"):
        diagnosis.evaluate(run, 700, criteria="gbs")


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
    assert set(table["test"]) == {"exam", "ncs"}  # only the tests ordered
    sensory = next(f.label for f in M.FEATURES if f.key == "sensory_signs")
    assert table.loc[sensory, "points to"] == TOY
    assert table.loc[sensory, f"same in {TOY} (%)"] == 100
    assert table.loc[sensory, "same in mmn (%)"] == 0


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


def test_debrief_scores_diagnosis_harm_and_tests_from_the_simulation(toy):
    wrong = M.Attempt(M.Case("mmn", MMN_SEED), ("history", "exam", "ncs", "emg", "csf",
                                                  "trial")).commit(TOY, STEROID)
    d = M.debrief(wrong)
    assert not d.score.correct and not d.score.harm_avoided and d.score.tests == 6
    assert d.score.points == 10 - 2 * (6 - M.FREE_TESTS)
    assert d.chosen.worse and d.right.treatment != STEROID
    assert set(d.checklists) == set(diagnosis.CRITERIA)
    assert d.checklist_day == M.PRESENT_DAY + M.TRIAL_READ_DAYS  # read after the trial
    right = M.Attempt(M.Case("mmn", MMN_SEED), ("ncs",)).commit("mmn", d.right.treatment)
    good = M.debrief(right)
    assert good.score.correct and good.score.harm_avoided and good.score.points == 100
    assert good.checklist_day == M.PRESENT_DAY
    assert good.score.lines()[-1] == "Total: 100 of 100."
    with pytest.raises(ValueError, match="no answer"):
        M.debrief(M.Attempt(M.Case("mmn", MMN_SEED)))


def test_the_registry_decides_nothing_here_names_a_disease():
    assert diseases.kinds() == ("mmn",)  # the toy fixtures cleaned up after themselves
    assert M.parse_query({"mystery": TOY, "seed": "1"}, _rng()).attempt is None


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
    assert list(heat.data[0].x) == ["mmn"]
    assert len(heat.data[0].y) == len(table) == sum(f.test in ("exam", "csf")
                                                    for f in M.FEATURES)
    assert [row[0] for row in heat.data[0].z] == list(table["same in mmn (%)"])
