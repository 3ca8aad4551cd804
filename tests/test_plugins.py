"""Treatments and diseases are plugins: a new kind is one module, with no edits to ``sim/``.

The toy treatment below lives only in this test module. Registering it must be enough for the
scenario schema, the engine, the CLI, the events table and the timeline chart to take it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd
import pytest
from pydantic import Field

from sim import ScenarioError, diseases, figures, parse_scenario, simulate, treatments
from sim.cli import main
from sim.diagnosis import evaluate
from sim.diseases.mmn import MMN
from sim.treatments.base import Treatment, TreatmentSpec

ROOT = Path(__file__).resolve().parent.parent


class ToySpec(TreatmentSpec):
    kind: Literal["toy_infusion"]
    dose_g_per_kg: float = Field(1.0, gt=0, le=4, description="g/kg")


class ToyInfusion(Treatment):
    """A one-off infusion of IgG that records its own event."""

    kind = "toy_infusion"
    title = "Toy infusion"
    Spec = ToySpec
    events = {"toy_dose": "toy infusion"}
    point_event = "toy_dose"

    def process(self, ctx, spec):
        yield ctx.env.timeout(spec.start_day - ctx.env.now)
        ctx.sync()
        ctx.exposure.add_igg(spec.dose_g_per_kg)
        ctx.event("toy_dose", spec.dose_g_per_kg, "toy infusion given")


TOY_SCENARIO = {
    "scenario": {"name": "toy", "years": 1, "seed": 3},
    "treatment": [{"kind": "toy_infusion", "start_day": 100, "dose_g_per_kg": 2.0}],
}


@pytest.fixture
def toy():
    treatments.register(ToyInfusion())
    yield
    treatments.unregister("toy_infusion")


def test_a_registered_toy_treatment_runs_through_simulate(toy):
    run = simulate(parse_scenario(TOY_SCENARIO))
    ev = run.tables["events"]
    doses = ev[ev["event"] == "toy_dose"]
    assert list(doses["day"]) == [100.0] and list(doses["value"]) == [2.0]
    clin = run.tables["clinical"]
    before = clin.loc[clin["day"] < 100, "igg_g_per_l"].max()
    after = clin.loc[(clin["day"] > 100) & (clin["day"] < 115), "igg_g_per_l"].max()
    assert after > before + 15  # 2 g/kg raised serum IgG
    untreated = simulate(parse_scenario({**TOY_SCENARIO, "treatment": []}))
    assert not untreated.tables["events"]["event"].eq("toy_dose").any()


def test_a_registered_toy_treatment_reaches_the_events_chart(toy):
    run = simulate(parse_scenario(TOY_SCENARIO))
    table = figures.events_table(run.tables["events"])
    assert "toy infusion" in set(table["row"])
    fig = figures.igg_figure(run.tables["clinical"], run.tables["events"])
    assert any(tr.name == "toy infusion" for tr in fig.data)


def test_a_registered_toy_treatment_gets_its_cohort_summary_column(toy):
    from sim.summary import summary_table
    table = summary_table(simulate(parse_scenario(TOY_SCENARIO)))
    assert list(table["toy_infusion_sessions"]) == [0, 1]  # baseline visit, then year 1
    assert "ivig_g" in table and table["ivig_g"].eq(0).all()


def test_a_registered_toy_treatment_runs_in_a_cohort_on_the_simpy_engine(toy):
    from sim import vector
    from sim.engine import run_patient
    from sim.inputs import resolve
    inputs = resolve(parse_scenario(TOY_SCENARIO))
    assert not vector.supports(inputs)  # no compiled counterpart: the reference engine runs it
    got, want = vector.run_patients(inputs, 5, [0])[0], run_patient(inputs, 5, 0)
    assert got.events == want.events and any(e[1] == "toy_dose" for e in got.events)


def test_a_registered_toy_treatment_runs_from_the_cli(toy, tmp_path, capsys):
    path = tmp_path / "toy.toml"
    path.write_text(parse_scenario(TOY_SCENARIO).to_toml(), encoding="utf-8")
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    events = pd.read_csv(tmp_path / "out" / "events.csv")
    assert (events["event"] == "toy_dose").sum() == 1


def test_a_toy_field_error_names_the_kind_and_unregistering_removes_it(toy):
    bad = {"treatment": [{"kind": "toy_infusion", "every_days": 7}]}
    with pytest.raises(ScenarioError, match="'every_days' does not apply to kind 'toy_infusion'"):
        parse_scenario(bad, source="toy.toml")
    treatments.unregister("toy_infusion")
    with pytest.raises(ScenarioError, match="kind = 'toy_infusion' is not allowed"):
        parse_scenario(TOY_SCENARIO)


def test_the_events_chart_shows_every_event_every_treatment_records():
    rows = figures.event_rows()
    for t in treatments.REGISTRY.values():
        for name, row in t.events.items():
            assert rows[name] == row
        for name in filter(None, (t.course_event, t.point_event, *(t.span or ()))):
            assert name in t.events, f"{t.kind}: {name} is drawn but not declared"


def test_every_preset_event_has_a_timeline_row():
    from sim import load_scenario, preset_names

    rows = figures.event_rows()
    for name in preset_names():
        events = simulate(load_scenario(name)).tables["events"]
        assert set(events["event"]) <= set(rows), name


@dataclass(frozen=True)
class ToyNeuropathy(MMN):
    """MMN's lesions, but with sensory loss, brisk reflexes and bulbar weakness: not MMN."""

    kind: str = "toy_neuropathy"
    title: str = "Toy neuropathy"

    def sensory_loss(self, day: float) -> float:
        return 0.6

    def upper_motor_neuron_signs(self, day: float) -> bool:
        return True

    def bulbar_weakness(self, day: float) -> bool:
        return True


def test_a_registered_toy_disease_reaches_the_exam_and_fails_the_mmn_checklist():
    diseases.register(ToyNeuropathy())
    try:
        data = {"scenario": {"years": 3}, "disease": {"kind": "toy_neuropathy"}}
        run = simulate(parse_scenario(data))
        mmn = simulate(parse_scenario({"scenario": {"years": 3}}))
    finally:
        diseases.unregister("toy_neuropathy")
    exam = run.examination(900).set_index(["side", "site", "finding"])["value"]
    assert exam[("left", "arm", "sensation_pain")] == "reduced"
    assert exam[("right", "leg", "tone")] == "increased"
    assert exam[("left", "plantar", "plantar")] == "extensor"
    assert exam[("", "bulbar", "swallowing")] == "dysphagia"
    assert "brisk" in set(exam.xs("reflex", level="finding"))
    # the toy's large-fibre loss lowers its sensory nerve action potentials too
    snaps = run.ncs(900)
    snaps = snaps[snaps["kind"] == "sensory"]
    real = mmn.ncs(900)
    real = real[real["kind"] == "sensory"]
    assert (snaps["amplitude"].to_numpy() < 0.5 * real["amplitude"].to_numpy()).all()
    # Same patient, same lesions: only what the disease says beyond the motor axon differs.
    assert run.tables["clinical"].equals(mmn.tables["clinical"])
    toy, real_cl = evaluate(run, 900), evaluate(mmn, 900)
    failed = {i.criterion for i in toy.items if not i.met} - {
        i.criterion for i in real_cl.items if not i.met}
    assert {"2", "8", "9", "10", "CB 3"} <= failed
    assert toy.category == "not met" and real_cl.category != "not met"
    assert "exclusion present" in toy.reason and "dysphagia" in toy.reason


def test_an_unknown_disease_kind_is_one_sentence():
    assert "no_such_disease" not in diseases.kinds()
    with pytest.raises(ScenarioError,
                       match=r"disease\.kind: .no_such_disease. is not a known disease"):
        parse_scenario({"disease": {"kind": "no_such_disease"}}, source="x.toml")


TREATMENT_WORDS = re.compile(
    r"""["'](ivig|scig|prednisolone|plasma_exchange|complement_inhibitor|ivig_dose|scig_dose|"""
    r"""steroid_start|steroid_end|complement_start|complement_end|titration)["']"""
)


def test_no_module_outside_treatments_names_a_treatment_kind():
    """Adding a treatment must never mean editing a branch elsewhere (the registry decides).

    ``sim/vector`` is exempt: it is a second, compiled implementation of the built-in kinds,
    and a kind it does not know runs on the simpy engine instead (tested in
    ``tests/test_vector_engine.py``), so a new treatment still needs no edit there."""
    files = [p for p in (ROOT / "sim").rglob("*.py")
             if "treatments" not in p.parts and "vector" not in p.parts]
    files.append(ROOT / "app.py")
    offenders = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in files
                 for m in TREATMENT_WORDS.finditer(p.read_text(encoding="utf-8"))]
    assert offenders == []
