"""The EFNS/PNS 2010 checklist read from simulated patients (CLINICAL.md "Diagnosis")."""

from __future__ import annotations

import pytest

from sim import diagnosis, load_scenario, parse_scenario, simulate

SECTIONS = {"clinical core", "exclusions", "supportive", "electrodiagnostic"}


@pytest.fixture(scope="module")
def untreated():
    return simulate(load_scenario("untreated"))


def test_day_zero_meets_nothing_but_exclusions_are_absent(untreated):
    cl = diagnosis.evaluate(untreated, 0)
    assert cl.category == "not met"
    assert {i.section for i in cl.items} == SECTIONS
    assert all(i.met for i in cl.section("exclusions"))  # MMN never shows UMN or bulbar signs
    core = {i.label: i for i in cl.section("clinical core")}
    assert not core["Progressive focal limb weakness for more than 1 month"].met


def test_established_untreated_mmn_meets_the_clinical_core_with_normal_sensory_ncs(untreated):
    cl = diagnosis.evaluate(untreated, 400)
    assert all(i.met for i in cl.section("clinical core")), diagnosis.table(cl)
    assert cl.category in {"definite", "probable"}
    sensory = next(i for i in cl.items if i.label == "Normal sensory nerve conduction")
    assert sensory.met and "0 below normal" in sensory.finding
    assert all(i.finding for i in cl.items)  # every tick says what decided it


def test_category_follows_the_conduction_study(untreated):
    for day in (400, 1500, 3000):
        cl = diagnosis.evaluate(untreated, day)
        definite = next(i for i in cl.items if i.label.startswith("Definite motor"))
        core = all(i.met for i in cl.section("clinical core"))
        if core and definite.met:
            assert cl.category == "definite"
        elif cl.category == "definite":
            pytest.fail(f"definite at day {day} without definite block and the clinical core")


def test_response_to_immunotherapy_is_ticked_only_after_ivig_helped():
    treated = simulate(load_scenario("first-ivig-course"))
    label = "Objective improvement after immunotherapy"
    before = next(i for i in diagnosis.evaluate(treated, 700).items if i.label == label)
    after = next(i for i in diagnosis.evaluate(treated, 790).items if i.label == label)
    assert not before.met and "no immunoglobulin" in before.finding
    assert after.met and "kg" in after.finding
    none = simulate(parse_scenario({**load_scenario("first-ivig-course").to_dict(),
                                    "treatment": []}))
    untreated_item = next(i for i in diagnosis.evaluate(none, 790).items if i.label == label)
    assert not untreated_item.met


def test_table_is_the_text_alternative(untreated):
    cl = diagnosis.evaluate(untreated, 1000)
    tab = diagnosis.table(cl)
    assert list(tab.columns) == ["section", "criterion", "met", "finding"]
    assert len(tab) == len(cl.items)
    assert set(tab["met"]) <= {"yes", "no"}
