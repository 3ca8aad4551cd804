"""The preset library: every preset loads, teaches, round-trips, and matches its golden summary."""

from __future__ import annotations

import tomllib

import pytest

import sim
from sim.scenario import preset_dir
from tests import golden

PRESETS = sim.preset_names()

# The teaching topics the issue asks for, and the preset that covers each.
REQUIRED = {
    "natural history untreated": "untreated",
    "first IVIg course": "first-ivig-course",
    "IVIg maintenance with wearing-off": "ivig-maintenance",
    "interval too long": "ivig-interval-too-long",
    "dose creep under a titration rule": "ivig-dose-creep",
    "late treatment after axonal loss": "late-treatment",
    "prednisolone misadventure": "prednisolone",
    "plasma exchange after IVIg": "plasma-exchange",
    "SCIg vs IVIg": "scig-vs-ivig",
    "lower-limb-onset variant": "lower-limb-onset",
    "anti-GM1-negative patient": "anti-gm1-negative",
    "complement inhibitor (hypothetical)": "complement-inhibitor-hypothetical",
    "why a blocked nerve does not conduct (the Mechanism page)": "blocked-nerve-mechanism",
}


def test_library_covers_every_required_topic():
    assert len(PRESETS) >= 10
    missing = {topic: name for topic, name in REQUIRED.items() if name not in PRESETS}
    assert not missing, f"presets missing for: {missing}"


@pytest.mark.parametrize("name", PRESETS)
def test_preset_file_states_name_summary_seed_and_teaching(name):
    raw = tomllib.loads((preset_dir() / f"{name}.toml").read_text(encoding="utf-8"))
    for key in ("name", "summary", "seed"):
        assert key in raw["scenario"], f"{name}.toml: [scenario] {key} must be given explicitly"
    teaching = raw.get("teaching", {})
    assert teaching.get("question", "").strip(), f"{name}: teaching.question is empty"
    assert teaching.get("prediction", "").strip(), f"{name}: teaching.prediction is empty"
    for key in ("notice", "try", "references"):
        assert teaching.get(key), f"{name}: teaching.{key} is empty"
        assert all(isinstance(s, str) and s.strip() for s in teaching[key])


@pytest.mark.parametrize("name", PRESETS)
def test_preset_round_trips_through_toml(name):
    scenario = sim.load_scenario(name)
    text = scenario.to_toml()
    assert sim.loads_scenario(text, source=name) == scenario
    # reading order, arrays of tables rather than inline arrays
    assert text.index("[scenario]") < text.index("[teaching]")
    if scenario.treatment:
        assert "[[treatment]]" in text and "treatment = [" not in text


def test_hypothetical_preset_is_labelled_everywhere_a_student_looks():
    sc = sim.load_scenario("complement-inhibitor-hypothetical")
    assert "hypothetical" in sc.scenario.name.lower()
    assert "hypothetical" in sc.teaching.question.lower()
    assert any("hypothetical" in n.lower() for n in sc.teaching.notice)
    assert [t.kind for t in sc.treatment] == ["complement_inhibitor"]


def test_only_the_hypothetical_preset_uses_the_investigational_agent():
    users = [n for n in PRESETS
             if any(t.kind == "complement_inhibitor" for t in sim.load_scenario(n).treatment)]
    assert all("hypothetical" in n for n in users)


def test_presets_that_share_a_patient_really_do():
    """Comparisons in the teaching text rely on the same patient under different plans."""
    base = sim.simulate(sim.load_scenario("ivig-maintenance")).tables["patients"]
    for other in ("ivig-interval-too-long", "scig-vs-ivig", "ivig-withdrawal",
                  "complement-inhibitor-hypothetical"):
        p = sim.simulate(sim.load_scenario(other)).tables["patients"]
        assert p.drop(columns="seed").equals(base.drop(columns="seed")), other
    untreated = sim.simulate(sim.load_scenario("untreated")).tables["clinical"]
    late = sim.simulate(sim.load_scenario("late-treatment")).tables["clinical"]
    before = untreated["day"] < 2557
    assert untreated[before].reset_index(drop=True).equals(late[before].reset_index(drop=True))


@pytest.mark.parametrize("name", PRESETS)
def test_preset_matches_its_golden_summary(name):
    path = golden.golden_path(name)
    assert path.exists(), f"no golden summary for {name}; run: {golden.REGENERATE}"
    expected = path.read_text(encoding="utf-8")
    actual = golden.current_text(name)
    assert actual == expected, (
        f"{name} no longer matches tests/golden_data/{name}.json. If the change is intended, "
        f"run `{golden.REGENERATE}` and review the diff."
    )


def test_no_stale_golden_files():
    stale = sorted(p.stem for p in golden.GOLDEN_DIR.glob("*.json") if p.stem not in PRESETS)
    assert not stale, f"golden files without a preset: {stale}"


def test_golden_summary_is_rounded_and_per_year():
    s = golden.summarize("ivig-maintenance")
    years = [r["year"] for r in s["years"]]
    assert years == list(range(int(sim.load_scenario("ivig-maintenance").scenario.years) + 1))
    for row in s["years"]:
        for value in row.values():
            if isinstance(value, float):
                assert value == round(value, 2)
    assert s["years"][-1]["ig_doses"] > 0


def test_golden_check_command_reports_a_difference(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(golden, "GOLDEN_DIR", tmp_path)
    (tmp_path / "untreated.json").write_text(
        golden.current_text("untreated").replace('"seed": 11', '"seed": 12'), encoding="utf-8"
    )
    assert golden.main(["untreated"]) == 1
    out = capsys.readouterr().out
    assert '-  "seed": 12' in out and '+  "seed": 11' in out
    assert golden.main(["untreated", "--write"]) == 0
    assert golden.main(["untreated"]) == 0


def test_every_page_a_lesson_may_name_is_a_page_of_the_dashboard():
    from typing import get_args

    from app_pages.pages import PAGES
    from sim.scenario import TeachingSpec

    allowed = get_args(TeachingSpec.model_fields["page"].annotation)
    assert set(allowed) <= {p.url for p in PAGES}
    assert {sim.load_scenario(n).teaching.page for n in PRESETS} <= set(allowed)
