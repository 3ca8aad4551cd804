"""Scenario validation: every mistake is one sentence naming the field and what is allowed."""

from __future__ import annotations

import pytest

from sim import ScenarioError, load_scenario, parse_scenario, simulate
from sim.scenario import loads_scenario, parse_override


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"scenario": {"years": 50}}, ["scenario.years", "40"]),
        ({"scenario": {"years": 0}}, ["scenario.years", "above 0"]),
        ({"scenario": {"record_every_days": 0.5}}, ["record_every_days", "1 to 365"]),
        ({"scenario": {"yeers": 5}}, ["unknown key", "scenario.yeers", "years"]),
        ({"patient": {"sex": "x"}}, ["patient.sex", "'male' or 'female'"]),
        ({"patient": {"age_at_onset": 5}}, ["patient.age_at_onset", "16 to 85"]),
        ({"disease": {"lesion_rate_per_year": -1}}, ["lesion_rate_per_year", "0 to 20"]),
        ({"treatment": [{"kind": "ivig", "every_days": 0}]}, ["treatment.0.every_days", "1"]),
        ({"treatment": [{"kind": "foo"}]}, ["treatment.0.kind", "ivig"]),
        ({"treatment": [{"kind": "ivig", "mg_per_day": 60}]}, ["mg_per_day", "ivig"]),
        ({"treatment": [{"kind": "ivig", "count": 2, "until_day": 9, "every_days": 3}]},
         ["count", "until_day"]),
        ({"treatment": [{"kind": "ivig", "every_days": 2, "infusion_days": 5}]},
         ["every_days", "infusion_days"]),
        ({"treatment": [{"kind": "ivig", "after_no_response": "escalate"}]},
         ["treatment.0.after_no_response", "'escalate'", "'stop' or 'continue'"]),
        ({"treatment": [{"kind": "scig", "after_no_response": "stop"}]},
         ["after_no_response", "scig"]),
        ({"treatment": [{"kind": "cyclophosphamide", "efficacy": 2}]},
         ["treatment.0.efficacy", "0 to 1"]),
        ({"treatment": [{"kind": "cyclophosphamide", "every_days": 3}]},
         ["treatment.0.every_days", "7 to 365"]),
        ({"treatment": [{"kind": "rituximab", "dose_mg": 5}]},
         ["treatment.0.dose_mg", "100 to 2000"]),
        ({"teaching": {"tryy": []}}, ["unknown key", "teaching.tryy"]),
        ({"scenery": {}}, ["unknown key", "scenery"]),
    ],
)
def test_bad_values_raise_one_clear_sentence(data, expected):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data, source="bad.toml")
    msg = str(err.value)
    assert msg.startswith("bad.toml: ")
    assert "\n" not in msg and msg.endswith(".")
    for word in expected:
        assert word in msg


def test_malformed_toml_and_unknown_preset(tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text("[scenario\nyears = 3\n")
    with pytest.raises(ScenarioError, match="broken.toml: not valid TOML"):
        load_scenario(bad)
    with pytest.raises(ScenarioError, match="unknown preset 'nope'; presets are: .*untreated"):
        load_scenario("nope")
    with pytest.raises(ScenarioError, match="uploaded file: not valid TOML"):
        loads_scenario("= 3")


def test_overrides_are_validated_like_the_file():
    sc = load_scenario("ivig-maintenance")
    changed = sc.with_overrides({"disease.lesion_rate_per_year": 3.5,
                                 "treatment.1.every_days": 56})
    assert changed.disease.lesion_rate_per_year == 3.5
    assert changed.treatment[1].every_days == 56
    assert sc.treatment[1].every_days == 28  # the original is untouched
    with pytest.raises(ScenarioError, match="treatment.1.every_days = 900 is out of range"):
        sc.with_overrides({"treatment.1.every_days": 900})
    with pytest.raises(ScenarioError, match="entry 7"):
        sc.with_overrides({"treatment.7.every_days": 30})
    with pytest.raises(ScenarioError, match="unknown section 'diseese'"):
        sc.with_overrides({"diseese.lesion_rate_per_year": 1})
    assert parse_override("disease.lesion_rate_per_year=3.5") == (
        "disease.lesion_rate_per_year", 3.5)
    assert parse_override("patient.sex=female") == ("patient.sex", "female")
    with pytest.raises(ScenarioError, match="KEY=VALUE"):
        parse_override("nonsense")


def test_toml_round_trip_keeps_the_scenario():
    sc = load_scenario("ivig-maintenance")
    again = loads_scenario(sc.to_toml())
    assert again == sc


def test_schedules_may_run_past_the_end():
    sc = parse_scenario({"scenario": {"years": 1}, "treatment": [
        {"kind": "ivig", "start_day": 300, "every_days": 28, "count": 40},
        {"kind": "prednisolone", "start_day": 2000}]})
    ev = simulate(sc, seed=1).tables["events"]
    doses = ev[ev.event == "ivig_dose"]
    assert 0 < len(doses) < 40 * 5
    assert doses["day"].max() <= 365.25
    assert "steroid_start" not in set(ev.event)
