"""Every preset's ``[teaching.ask]``: the simulation answers it as the preset's teaching says.

``EXPECTED`` is the teaching claim, written down from each preset's ``prediction`` and
``notice`` text: the option a class should find (or, for a number, the band the teaching
claims). It is checked against the simulation, never used to produce the answer. The answer
must hold on the preset's own seed and, being a lesson and not a coincidence, on at least 16 of
seeds 0-19. Side questions (which hand is weaker) vary with the seed by design, so only the
own seed is checked, against the notice text.
"""

from __future__ import annotations

import functools
import tomllib

import numpy as np
import pytest

import sim
from sim.prediction import CHANGE_OPTIONS, Answer, PredictionSpec, answer, is_right, series
from sim.scenario import preset_dir

PRESETS = sim.preset_names()
SEEDS = range(20)
MIN_AGREEING = 16

# The teaching claim of each preset's ask: the option string, a (low, high) band for a number,
# None for a side question (the side is the patient's, not the lesson's).
EXPECTED: dict[str, str | tuple[float, float] | None] = {
    "aman-vs-mmn": "higher",  # monophasic: stronger at six months than near the nadir
    "anti-gm1-negative": "yes",  # a negative test does not exclude MMN: definite block
    "blocked-nerve-mechanism": "yes",  # the nerve study shows the block the fibres explain
    "cidp-prednisolone": "about the same",  # the benefit builds over weeks: little at two
    "complement-inhibitor-hypothetical": "higher",  # (assumed) strength improves once started
    "fcrn-blocker-hypothetical": "lower",  # the IVIg effect collapses and grip falls
    "first-ivig-course": "higher",  # a few kilograms better at four weeks
    "hnpp": "yes",  # sensory conduction is abnormal
    "ivig-dose-creep": "lower",  # strength still drifts down despite more IVIg
    "ivig-interval-too-long": "lower",  # grip sags weeks before the next course
    "ivig-maintenance": "lower",  # wearing-off before each infusion
    "ivig-non-responder": "about the same",  # no objective response (< 2 kg) at 4 weeks
    "ivig-withdrawal": "lower",  # grip falls within 12 weeks off IVIg
    "late-treatment": "about the same",  # the gain is small: function is not won back
    "lower-limb-onset": "about the same",  # grip can stay normal for years
    "multifocal-cidp": "yes",  # the sensory responses are reduced
    "plasma-exchange": "lower",  # each exchange removes most IgG, infused IVIg included
    "pma-vs-mmn": "no",  # no conduction block in any nerve
    "prednisolone": "lower",  # weakness increases; no one gets better
    "scig-vs-ivig": "about the same",  # at the same monthly dose strength is about the same
    "ulnar-entrapment": "no",  # block at an entrapment site does not count
    "untreated": None,  # which side is the patient's; checked against the notice below
}
CHECKED_ACROSS_SEEDS = [n for n in PRESETS if EXPECTED.get(n) is not None]


@functools.cache
def _scenario(name: str) -> sim.Scenario:
    return sim.load_scenario(name)


@functools.cache
def _run(name: str, seed: int | None = None) -> sim.Run:
    sc = _scenario(name)
    return sim.simulate(sc) if seed is None else sim.simulate(sc, seed=seed)


def _ask(name: str) -> PredictionSpec:
    ask = _scenario(name).teaching.ask
    assert ask is not None, f"{name}: no [teaching.ask]"
    return ask


def _agrees(spec: PredictionSpec, got: Answer, expected: str | tuple[float, float]) -> bool:
    if spec.kind == "number":
        lo, hi = expected  # type: ignore[misc]
        return lo <= float(got.value) <= hi
    return got.value == expected


# --- every preset asks one question, in its file ------------------------------------------------


def test_expected_names_every_preset():
    assert set(EXPECTED) == set(PRESETS)


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_asks_a_question_after_its_teaching_keys(name):
    text = (preset_dir() / f"{name}.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    assert "ask" in raw["teaching"], f"{name}.toml: no [teaching.ask] table"
    assert text.index("[teaching]") < text.index("[teaching.ask]")
    headers = [line for line in text.splitlines() if line.startswith("[")]
    assert headers[-2:] == ["[teaching]", "[teaching.ask]"], f"{name}.toml: {headers[-2:]}"
    ask = _ask(name)
    assert ask.question.strip().endswith("?")
    assert f"day {ask.day:g}" in ask.question, f"{name}: the question should name its day"
    if ask.from_day is not None:
        assert f"day {ask.from_day:g}" in ask.question, f"{name}: name the day compared with"
    if ask.kind == "number":
        assert ask.low is not None and ask.high is not None
    if EXPECTED[name] is None:
        assert ask.kind == "side"
    elif ask.kind == "number":
        assert isinstance(EXPECTED[name], tuple)
    else:
        assert EXPECTED[name] in ask.options


# --- the simulation gives the answer the teaching claims ----------------------------------------


@pytest.mark.parametrize("name", PRESETS)
def test_own_seed_answer_is_the_teaching_claim(name):
    spec, run = _ask(name), _run(name)
    got = answer(run, spec)
    expected = EXPECTED[name]
    if expected is None:
        assert spec.kind == "side" and got.value in spec.options
        return
    assert _agrees(spec, got, expected), f"{name}: {got.text} (teaching claims {expected!r})"
    if spec.kind == "number":
        assert spec.low <= float(got.value) <= spec.high  # type: ignore[operator]


def test_untreated_side_question_matches_its_notice():
    """The notice: one hand is usually much weaker than the other; the answer names it."""
    spec, run = _ask("untreated"), _run("untreated")
    got = answer(run, spec)
    clinical = run.tables["clinical"]
    row = clinical[clinical["day"] <= spec.day + 1e-9].iloc[-1]
    left, right = float(row["grip_left_kg"]), float(row["grip_right_kg"])
    assert got.value == ("left" if left < right else "right")
    weaker, stronger = sorted((left, right))
    assert weaker < 0.75 * stronger, f"grip {left:.1f} / {right:.1f} kg is not asymmetric"


@pytest.mark.slow
@pytest.mark.parametrize("name", CHECKED_ACROSS_SEEDS)
def test_answer_holds_across_seeds(name):
    spec, expected = _ask(name), EXPECTED[name]
    assert expected is not None
    got = {s: answer(_run(name, s), spec) for s in SEEDS}
    agreeing = [s for s, a in got.items() if _agrees(spec, a, expected)]
    others = {s: a.value for s, a in got.items() if s not in agreeing}
    assert len(agreeing) >= MIN_AGREEING, (
        f"{name}: {expected!r} on only {len(agreeing)} of {len(SEEDS)} seeds; others: {others}")


# --- sim.prediction behaviour --------------------------------------------------------------------

_IVIG_AT_YEAR_1 = {
    "scenario": {"years": 2, "seed": 3, "record_every_days": 7},
    "patient": {"anti_gm1": True, "ivig_responsiveness": 0.8},
    "disease": {"lesion_rate_per_year": 1.8},
    "treatment": [{"kind": "ivig", "start_day": 365, "dose_g_per_kg": 2.0, "infusion_days": 5}],
}


def _with_ask(ask: dict, base: dict | None = None) -> sim.Scenario:
    data = {**(base or _IVIG_AT_YEAR_1), "teaching": {"ask": {"question": "Well?", **ask}}}
    return sim.parse_scenario(data, source="ask.toml")


@functools.cache
def _ivig_run() -> sim.Run:
    return sim.simulate(sim.parse_scenario(_IVIG_AT_YEAR_1))


@pytest.mark.parametrize(
    ("ask", "expected"),
    [
        ({"kind": "yes_no", "measure": "grip_weaker", "day": 30},
         ["teaching.ask", "measure = 'grip_weaker'", "'yes_no'", "block, definite_block"]),
        ({"kind": "side", "measure": "mrc_sum", "day": 30}, ["teaching.ask", "weaker_side"]),
        ({"kind": "change", "measure": "block", "day": 30}, ["teaching.ask", "grip_weaker"]),
        ({"kind": "change", "measure": "mrc_sum", "day": 30},
         ["teaching.ask", "from_day must be set"]),
        ({"kind": "change", "measure": "mrc_sum", "from_day": 60, "day": 30},
         ["teaching.ask", "from_day", "before day"]),
        ({"kind": "number", "measure": "igg", "day": 30},
         ["teaching.ask", "low and high must both be set"]),
        ({"kind": "number", "measure": "igg", "day": 30, "low": 20, "high": 5},
         ["teaching.ask", "low below high"]),
        ({"kind": "maybe", "measure": "block", "day": 30}, ["teaching.ask.kind", "'yes_no'"]),
        ({"kind": "yes_no", "measure": "block", "day": 30, "colour": "red"},
         ["unknown key", "teaching.ask.colour"]),
    ],
)
def test_malformed_ask_is_one_sentence_naming_the_field(ask, expected):
    with pytest.raises(sim.ScenarioError) as err:
        _with_ask(ask)
    msg = str(err.value)
    assert msg.startswith("ask.toml: ")
    assert "\n" not in msg and msg.endswith(".")
    for word in expected:
        assert word in msg, f"{word!r} not in {msg!r}"


def test_a_run_shorter_than_the_question_still_runs_and_says_it_cannot_answer():
    """A student who shortens a preset (fewer years) must still get the run; only the
    question waits for a longer one."""
    sc = _with_ask({"kind": "side", "measure": "weaker_side", "day": 900})
    with pytest.raises(ValueError) as err:
        answer(sim.simulate(sc), sc.teaching.ask)
    msg = str(err.value)
    assert "day 900" in msg and "after this run ends" in msg and msg.endswith(".")
    assert "\n" not in msg


def test_every_preset_question_is_read_within_its_own_run():
    for name in sim.preset_names():
        sc = sim.load_scenario(name)
        assert max(sc.teaching.ask.day, sc.teaching.ask.from_day or 0) <= sc.days, name


def test_ask_on_the_last_day_of_the_run_is_allowed():
    sc = _with_ask({"kind": "side", "measure": "weaker_side", "day": 730.5})
    assert sc.teaching.ask is not None and sc.teaching.ask.day == 730.5


def test_ask_round_trips_through_toml():
    sc = _with_ask({"kind": "change", "measure": "grip_weaker", "from_day": 360, "day": 393,
                    "tolerance": 1.0})
    text = sc.to_toml()
    assert "[teaching.ask]" in text
    assert sim.loads_scenario(text, source="ask") == sc


def test_number_is_right_within_tolerance_and_wrong_outside():
    sc = _with_ask({"kind": "number", "measure": "grip_weaker", "day": 393, "low": 0,
                    "high": 60, "tolerance": 2.0})
    spec = sc.teaching.ask
    assert spec is not None and spec.options == () and spec.describe_unit() == "kg"
    truth = answer(_ivig_run(), spec)
    value = float(truth.value)
    assert truth.reading == pytest.approx(value, abs=0.01) and truth.baseline is None
    assert 0 < value < 60 and "kg" in truth.text and "day 393" in truth.text
    for guess in (value, value + 1.99, value - 1.99, value + 2.0, value - 2.0, str(value + 1)):
        assert is_right(spec, guess, truth), guess
    for guess in (value + 2.01, value - 2.01, value + 10):
        assert not is_right(spec, guess, truth), guess
    exact = spec.model_copy(update={"tolerance": 0.0})
    assert is_right(exact, value, truth) and not is_right(exact, value + 0.01, truth)


def test_change_is_about_the_same_within_tolerance():
    ask = {"kind": "change", "measure": "grip_weaker", "from_day": 360, "day": 393}
    run = _ivig_run()
    strict = _with_ask({**ask, "tolerance": 0.0}).teaching.ask
    assert strict is not None
    gain = answer(run, strict)
    diff = float(gain.reading) - float(gain.baseline)  # type: ignore[arg-type]
    assert diff > 1.0, f"the course should lift grip by more than 1 kg, got {diff:+.2f}"
    assert gain.value == "higher" and "higher" in gain.text
    assert is_right(strict, "higher", gain) and not is_right(strict, "about the same", gain)

    wide = _with_ask({**ask, "tolerance": diff + 0.01}).teaching.ask
    assert wide is not None
    same = answer(run, wide)
    assert same.value == "about the same" and "about the same" in same.text
    assert (same.baseline, same.reading) == (gain.baseline, gain.reading)
    narrow = _with_ask({**ask, "tolerance": diff - 0.01}).teaching.ask
    assert narrow is not None and answer(run, narrow).value == "higher"


def test_change_reads_the_hand_weaker_on_from_day_and_can_fall():
    """Wearing-off: the grip rise after the course is lost again; the hand is fixed on from_day."""
    spec = _with_ask({"kind": "change", "measure": "grip_weaker", "from_day": 393, "day": 540,
                      "tolerance": 0.5}).teaching.ask
    assert spec is not None
    run = _ivig_run()
    got = answer(run, spec)
    assert got.value == "lower" and got.value in CHANGE_OPTIONS
    grip = run.arrays(0).grip
    days = run.patient_runs[0].days
    r_from, r_day = (int(np.searchsorted(days, d + 1e-9, side="right") - 1) for d in (393, 540))
    hand = int(np.argmin(grip[r_from]))
    assert got.baseline == pytest.approx(float(grip[r_from, hand]))
    assert got.reading == pytest.approx(float(grip[r_day, hand]))
    xs, ys = series(run, spec)  # type: ignore[misc]
    assert xs.shape == ys.shape and ys[r_from] == pytest.approx(got.baseline)


def test_yes_no_and_side_answers_are_options():
    run = _ivig_run()
    for ask in ({"kind": "yes_no", "measure": "block", "day": 360},
                {"kind": "yes_no", "measure": "snaps_reduced", "day": 360},
                {"kind": "side", "measure": "weaker_side", "day": 360}):
        spec = _with_ask(ask).teaching.ask
        assert spec is not None
        got = answer(run, spec)
        assert got.value in spec.options and got.reading is None and got.baseline is None
        assert "day 360" in got.text
        assert series(run, spec) is None
    # MMN spares sensory conduction: the study shows no reduced sensory response
    snaps = _with_ask({"kind": "yes_no", "measure": "snaps_reduced", "day": 360}).teaching.ask
    assert snaps is not None and answer(run, snaps).value == "no"
