"""Hostile input to the model and the command line: one sentence and exit 2, never a crash.

Each reproducer reported against the simulator (nested brackets, paths through a value,
unicode digits, wrong types, 5,000-digit numbers, tampered manifests, absurd schedules) is a
test here; the dashboard's share is in ``test_app_hostile.py``.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import typing
from pathlib import Path

import pytest

import sim
from sim import ScenarioError, load_scenario, loads_scenario, parse_scenario, treatments
from sim.cli import main
from sim.limits import (
    MAX_NESTING,
    MAX_QUOTE,
    MAX_SCENARIO_BYTES,
    MAX_STUDIES,
    MAX_TREATMENT_EVENTS,
    MAX_TREATMENTS,
    quote,
    text_depth,
)
from sim.scenario import Scenario, parse_override

ROOT = Path(__file__).resolve().parent.parent
BRACKETS = "name = " + "[" * 500 + "]" * 500 + "\n"  # ~1 KB, 500 deep


def _sentence(msg: str) -> str:
    assert "\n" not in msg.rstrip("\n") and msg.rstrip("\n").endswith("."), msg
    assert "Traceback" not in msg and len(msg) < 600, msg
    return msg


def _cli(argv: list[str], capsys) -> tuple[int, str]:
    code = main(argv)
    cap = capsys.readouterr()
    return code, cap.err


def _refused(argv: list[str], capsys, *words: str) -> str:
    code, err = _cli(argv, capsys)
    assert code == 2, err
    assert err.startswith("mmn-sim") and err.count("\n") == 1, err
    _sentence(err)
    for w in words:
        assert w in err, (w, err)
    return err


# --- 1. nested brackets -----------------------------------------------------------------------
def test_nested_brackets_are_refused_everywhere(tmp_path, capsys):
    path = tmp_path / "bomb.toml"
    path.write_text(BRACKETS, encoding="utf-8")
    for source in (lambda: load_scenario(path), lambda: loads_scenario(BRACKETS)):
        with pytest.raises(ScenarioError, match=f"nested more than {MAX_NESTING} levels"):
            source()
    out = tmp_path / "out"
    _refused(["run", str(path), "--out", str(out)], capsys, "bomb.toml", "nested")
    _refused(["show", str(path)], capsys, "nested")
    _refused(["show", "untreated", "--set", "scenario.name=" + "[" * 500 + "]" * 500],
             capsys, "nested")
    assert not out.exists()


@pytest.mark.parametrize("text", [
    "a = " + "{b = " * 300 + "1" + "}" * 300,  # inline tables
    "[" + ".".join(["a"] * 3000) + "]\nx = 1\n",  # a dotted table header
    ".".join(["a"] * 3000) + " = 1\n",  # a dotted key
])
def test_deep_tables_written_other_ways_are_refused(text):
    with pytest.raises(ScenarioError, match="nested more than"):
        loads_scenario(text)


def test_brackets_inside_strings_and_comments_do_not_count():
    text = ('[scenario]\nname = "[[[[[[[[[[[[[[[[[[[[[[[[[["\n'
            "summary = '''" + "{" * 50 + "'''\n# " + "[" * 50 + "\n")
    assert text_depth(text) == 1
    assert loads_scenario(text).scenario.name.startswith("[[[")


# --- 2. --set through a plain value -----------------------------------------------------------
@pytest.mark.parametrize(("setting", "through"), [
    ("scenario.name.x=1", "scenario.name"),
    ("scenario.years.x=1", "scenario.years"),
    ("teaching.notice.0.x=1", "teaching.notice.0"),
    ("treatment.1.every_days.x=1", "treatment.1.every_days"),
    ("disease.kind.x.y=1", "disease.kind"),
])
def test_set_through_a_plain_value_names_it(setting, through, capsys):
    _refused(["show", "ivig-maintenance", "--set", setting], capsys, through, "is a value")


# --- 3. unicode digits ------------------------------------------------------------------------
@pytest.mark.parametrize("setting", ["treatment.².kind=ivig", "treatment.٣.kind=ivig",
                                     "study.１.day=3", "treatment.1" + "0" * 5000 + ".kind=x"])
def test_set_with_a_non_ascii_or_huge_index_is_refused(setting, capsys):
    _refused(["show", "untreated", "--set", setting], capsys, "field path")


def test_a_sweep_grid_with_a_very_deep_path_is_one_short_sentence(tmp_path, capsys):
    # found by the fuzz suite: the message used to repeat the whole 300-part path
    deep = "scenario." + ".".join(["a"] * 300) + "=0"
    _refused(["sweep", "untreated", "--n", "1", "--grid", deep, "--out", str(tmp_path / "o")],
             capsys, "field path")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("value", ["²", "٣", "５", "nan", "inf", "-inf", "1e400"])
def test_set_with_a_number_python_would_read_is_not_a_number(value, capsys):
    _refused(["show", "untreated", "--set", f"scenario.years={value}"], capsys,
             "scenario.years")


@pytest.mark.parametrize(("option", "value"), [("--seed", "²"), ("--seed", "٣"),
                                               ("--seed", "1_0"), ("--years", "٣"),
                                               ("--years", "nan"), ("--years", "inf"),
                                               ("--seed", "9" * 5000)])
def test_numeric_options_take_ascii_digits_only(option, value, tmp_path, capsys):
    err = _refused(["run", "untreated", option, value, "--out", str(tmp_path / "o")], capsys,
                   option)
    assert len(err) < 300


# --- --set that would be dropped or misread ----------------------------------------------------
@pytest.mark.parametrize(("setting", "words"), [
    ("scenario.years=1\nx=2", ["line break"]),
    ("scenario.years=1\rx=2", ["line break"]),
    ("scenario.name=[1, 2", ["not a TOML value"]),
    ("scenario.name='unterminated", ["not a TOML value"]),
    ("scenario.name=", ["not a TOML value"]),
    ("scenario." + ".".join(["a"] * 50) + "=1", ["at most 6"]),
    ("disease.lesion_rate_per_year=false", ["not a number"]),
    ("scenario.years=1979-05-27", ["not a number"]),
    ("treatment.0={kind='ivig'}", ["one entry"]),
    ("nonsense.x=1", ["unknown section"]),
])
def test_set_refuses_what_it_cannot_read(setting, words, capsys):
    _refused(["show", "untreated", "--set", setting], capsys, *words)


def test_set_still_reads_bare_words_and_toml_values():
    assert parse_override("scenario.name=My case") == ("scenario.name", "My case")
    assert parse_override('scenario.name="a = b"') == ("scenario.name", "a = b")
    assert parse_override("treatment.0.kind=ivig") == ("treatment.0.kind", "ivig")
    assert parse_override("scenario.years = 5") == ("scenario.years", 5)
    sc = load_scenario("untreated").with_overrides(dict([
        parse_override("treatment.0.kind=ivig"), parse_override("treatment.0.start_day=100")]))
    assert sc.treatment[0].start_day == 100.0


# --- strict types -----------------------------------------------------------------------------
def _numeric_fields() -> list[tuple[str, dict, str]]:
    """(path, scenario dict with a placeholder, number kind) for every numeric field."""
    out = []
    for section in ("scenario", "patient", "disease"):
        model = Scenario.model_fields[section].annotation
        for name, info in model.model_fields.items():
            args = set(typing.get_args(info.annotation)) | {info.annotation}
            if args & {int, float}:
                out.append((f"{section}.{name}", {section: {name: None}},
                            "int" if int in args else "float"))
    for kind, t in treatments.REGISTRY.items():
        for name, info in t.Spec.model_fields.items():
            args = set(typing.get_args(info.annotation)) | {info.annotation}
            if args & {int, float}:
                out.append((f"treatment.0.{name} ({kind})",
                            {"treatment": [{"kind": kind, name: None}]},
                            "int" if int in args and float not in args else "float"))
    out.append(("study.0.day", {"study": [{"day": None}]}, "float"))
    return out


def _put(data: dict, value: object) -> dict:
    data = json.loads(json.dumps(data))
    for section in data.values():
        target = section[0] if isinstance(section, list) else section
        key = next(k for k, v in target.items() if v is None)
        target[key] = value
    return data


@pytest.mark.parametrize(("path", "data", "kind"), _numeric_fields(),
                         ids=[p for p, _, _ in _numeric_fields()])
def test_a_boolean_or_text_is_not_a_number(path, data, kind):
    wrong = [True, False, "5", "1.5", "nan", [1], {"x": 1}, float("nan"), float("inf")]
    if kind == "int":
        wrong.append(2.0)
    for value in wrong:
        with pytest.raises(ScenarioError) as err:
            parse_scenario(_put(data, value), source="t.toml")
        _sentence(str(err.value))
        assert path.split(" ")[0] in str(err.value), (value, str(err.value))


@pytest.mark.parametrize(("data", "words"), [
    ({"scenario": {"years": True}}, ["scenario.years = true", "not a number"]),
    ({"scenario": {"years": "5"}}, ["scenario.years = '5'", "not a number"]),
    ({"patient": {"anti_gm1": "yes"}}, ["patient.anti_gm1 = 'yes'", "not true or false"]),
    ({"patient": {"anti_gm1": 1}}, ["patient.anti_gm1 = 1", "not true or false"]),
    ({"treatment": [{"kind": "ivig", "every_days": 28, "count": 2.0}]},
     ["treatment.0.count = 2.0", "not a whole number"]),
    ({"scenario": {"seed": 1.0}}, ["scenario.seed = 1.0", "not a whole number"]),
    ({"scenario": {"name": 5}}, ["scenario.name = 5", "not text"]),
    ({"teaching": {"notice": "one"}}, ["teaching.notice", "not a list"]),
    ({"scenario": 5}, ["scenario = 5", "not a table"]),
])
def test_wrong_types_are_named(data, words):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data, source="t.toml")
    for w in words:
        assert w in str(err.value), str(err.value)


def test_a_whole_number_still_stands_for_a_decimal():
    sc = parse_scenario({"scenario": {"years": 5}, "disease": {"lesion_rate_per_year": 2}})
    assert sc.scenario.years == 5.0 and isinstance(sc.scenario.years, float)


# --- quoting: at most ~80 characters of a bad value -------------------------------------------
@pytest.mark.parametrize("data", [
    {"scenario": {"name": "x" * 10_000_000}},
    {"scenario": {"years": "y" * 10_000_000}},
    {"disease": {"kind": "k" * 100_000}},
    {"scenario": {"years": [list(range(1000))] * 50}},
    {"treatment": [{"kind": "z" * 100_000}]},
    {"scenario": {"x" * 100_000: 1}},
])
def test_messages_quote_at_most_80_characters_of_the_value(data):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data, source="t.toml")
    msg = _sentence(str(err.value))
    assert len(msg) < 400, len(msg)


def test_quote_shortens_and_survives_hostile_reprs():
    class Hostile:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    assert len(quote("x" * 10**6)) <= MAX_QUOTE
    assert quote(Hostile()).startswith("<Hostile")
    assert len(quote([[[[[[1]]]]]] * 1000)) <= MAX_QUOTE


def test_control_characters_in_text_are_refused():
    for name in ("\x1b[2J", "a\rb", "line\nbreak", "nul\x00"):
        with pytest.raises(ScenarioError, match="scenario.name"):
            parse_scenario({"scenario": {"name": name}})
    sc = parse_scenario({"teaching": {"question": "two\nlines\tand a tab"}})
    assert "\n" in sc.teaching.question


# --- 7. numbers too long to read --------------------------------------------------------------
def test_a_5000_digit_number_is_one_sentence(tmp_path, capsys):
    text = "[scenario]\nyears = " + "9" * 5000 + "\n"
    with pytest.raises(ScenarioError, match="too long to read"):
        loads_scenario(text)
    path = tmp_path / "long.toml"
    path.write_text(text, encoding="utf-8")
    _refused(["run", str(path), "--out", str(tmp_path / "o")], capsys, "too long")
    with pytest.raises(ScenarioError, match="out of range"):  # 400 digits read, then refused
        loads_scenario("[scenario]\nyears = 1" + "0" * 400 + "\n")


# --- size, entries, studies, teaching lists ---------------------------------------------------
def test_caps_name_their_limit(tmp_path):
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (MAX_SCENARIO_BYTES + 1))
    with pytest.raises(ScenarioError, match="at most 64 KB"):
        load_scenario(big)
    with pytest.raises(ScenarioError, match=f"at most {MAX_TREATMENTS} are allowed"):
        parse_scenario({"treatment": [{"kind": "prednisolone"}] * (MAX_TREATMENTS + 1)})
    with pytest.raises(ScenarioError, match=f"at most {MAX_STUDIES} are allowed"):
        parse_scenario({"study": [{"day": 1.0}] * (MAX_STUDIES + 1)})
    with pytest.raises(ScenarioError, match="teaching.notice has 41 entries"):
        parse_scenario({"teaching": {"notice": ["x"] * 41}})
    with pytest.raises(ScenarioError, match="teaching.notice.0"):
        parse_scenario({"teaching": {"notice": ["x" * 2001]}})
    assert len(parse_scenario({"treatment": [{"kind": "prednisolone"}] * MAX_TREATMENTS})
               .treatment) == MAX_TREATMENTS


def test_200_daily_entries_over_40_years_are_refused_before_running(tmp_path, capsys):
    """The reported 7.8 KB file that took 16 s and 1.37 GB: refused, nothing written."""
    text = "[scenario]\nyears = 40\n" + "".join(
        f"\n[[treatment]]\nkind = 'scig'\nstart_day = {i / 200:.3f}\nevery_days = 1\n"
        for i in range(200))
    path = tmp_path / "daily.toml"
    path.write_text(text, encoding="utf-8")
    _refused(["run", str(path), "--out", str(tmp_path / "o")], capsys, "at most 40")
    # within the entry cap, the treatment-day cap still holds
    few = parse_scenario({"scenario": {"years": 40}})
    with pytest.raises(ScenarioError, match=f"at most {MAX_TREATMENT_EVENTS:,}"):
        few.with_overrides({f"treatment.{i}.{k}": v for i in range(4) for k, v in
                            (("kind", "scig"), ("every_days", 1))})


def _heaviest_accepted(path: Path) -> None:
    """The heaviest scenario the caps accept: daily records for 40 years, the treatment-day
    cap nearly used, every study slot used."""
    entries = [{"kind": "scig", "start_day": i / 3, "every_days": 1} for i in range(3)]
    data = {"scenario": {"years": 40, "record_every_days": 1},
            "disease": {"lesion_rate_per_year": 20}, "treatment": entries,
            "study": [{"day": 240.0 * i} for i in range(MAX_STUDIES)]}
    path.write_text(parse_scenario(data).to_toml(), encoding="utf-8")


_PEAK_RSS_CHILD = """
import resource, sys
try:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak resident size (Linux)
except OSError:
    pass
from sim.cli import main
code = main(sys.argv[1:])
try:
    with open("/proc/self/status") as f:
        peak = next(int(line.split()[1]) for line in f if line.startswith("VmHWM"))
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(peak)
sys.exit(code)
"""


@pytest.mark.slow
def test_the_heaviest_accepted_scenario_runs_within_1_gb(tmp_path):
    """A large-but-valid file runs to the end (the timeout is a hang guard, not a speed
    target: speed is printed by benchmarks/bench_workload.py) within 1 GB."""
    path = tmp_path / "heavy.toml"
    _heaviest_accepted(path)
    out = tmp_path / "out"
    # The peak resident size of this process alone: a forked child can start out with its
    # parent's high-water mark (a large test session), so it is reset first where Linux allows.
    res = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS_CHILD, "run", str(path), "--out", str(out), "--quiet"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert res.returncode == 0, res.stderr
    assert (out / "manifest.json").is_file()
    assert int(res.stdout.split()[-1]) < 1024 * 1024  # kB
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0


# --- 5. reproduce with a tampered manifest ----------------------------------------------------
@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("export") / "run"
    assert main(["run", "untreated", "--years", "1", "--out", str(out), "--quiet"]) == 0
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _tampered(man: dict, path: str, value: object) -> dict:
    man = json.loads(json.dumps(man))
    node = man
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    for k in keys[:-1]:
        node = node[k]
    node[keys[-1]] = value
    return man


@pytest.mark.parametrize(("path", "value", "words"), [
    ("patients.0.patient", float("inf"), ["Infinity"]),
    ("patients.0.patient", 1e30, ["patients.0.patient = 1e+30"]),
    ("patients.0.patient", -1, ["patients.0.patient = -1"]),
    ("patients.0.patient", True, ["patients.0.patient = true"]),
    ("patients", [], ["'patients' must list"]),
    ("tables", ["x"], ["'tables' must be an object"]),
    ("tables.events", "x", ["tables.events must be an object"]),
    ("tables.events.file", "../../etc/passwd", ["not a plain file name"]),
    ("tables.events.file", "/etc/passwd", ["not a plain file name"]),
    ("seed", 1.5, ["seed = 1.5"]),
    ("seed", float("nan"), ["NaN"]),
    ("format", ["csv"], ["format = ['csv']"]),
    ("scenario", "x", ["'scenario' must be an object"]),
    ("scenario.scenario.years", 1e30, ["scenario.years = 1e+30", "out of range"]),
    ("overrides", 1.5, ["'overrides' must be an object"]),
    ("source", [1], ["'source' must be an object"]),
])
def test_a_tampered_manifest_is_refused_before_anything_is_written(
        manifest, tmp_path, capsys, path, value, words):
    man = tmp_path / "manifest.json"
    man.write_text(json.dumps(_tampered(manifest, path, value)), encoding="utf-8")
    out = tmp_path / "out"
    _refused(["reproduce", str(man), "--out", str(out)], capsys, *words)
    assert not out.exists()


@pytest.mark.parametrize(("text", "words"), [
    ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", ["nested more than"]),
    ('{"seed": ' + "9" * 5000 + "}", ["too long to read"]),
    ("\xff\xfe", ["not a JSON manifest"]),
    ("[]", ["expected a JSON object"]),
])
def test_a_manifest_that_is_not_one_is_refused(text, words, tmp_path, capsys):
    man = tmp_path / "manifest.json"
    man.write_bytes(text.encode("latin-1") if text.startswith("\xff") else text.encode())
    _refused(["reproduce", str(man), "--out", str(tmp_path / "out")], capsys, *words)
    assert not (tmp_path / "out").exists()


def test_an_untampered_manifest_still_reproduces(manifest, tmp_path, capsys):
    man = tmp_path / "manifest.json"
    man.write_text(json.dumps(manifest), encoding="utf-8")
    code, err = _cli(["reproduce", str(man), "--out", str(tmp_path / "out"), "--quiet"],
                     capsys)
    assert code == 0, err


def test_simulate_refuses_a_bad_seed():
    sc = load_scenario("untreated")
    for seed in (True, -1, 2**63, 1.5):
        with pytest.raises(ScenarioError, match="seed"):
            sim.simulate(sc, seed=seed)  # type: ignore[arg-type]


def test_an_unreadable_file_is_one_sentence_not_a_write_error(tmp_path, capsys, monkeypatch):
    path = tmp_path / "locked.toml"
    path.write_text("[scenario]\nyears = 5\n", encoding="utf-8")

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    err = _refused(["show", str(path)], capsys, "locked.toml", "cannot read")
    assert "write" not in err
    (tmp_path / "dir.toml").mkdir()
    monkeypatch.undo()
    _refused(["show", str(tmp_path / "dir.toml")], capsys, "no such scenario file")


@pytest.mark.parametrize(("years", "every"), [(40, 12.0), (40, 8.0), (1, 12.0), (12, 10.0)])
def test_a_run_whose_last_grid_step_falls_on_its_last_day_ends_there(years, every):
    """Found by the fuzz: 40 years recorded every 12 days divided by zero on the last day."""
    sc = parse_scenario({"scenario": {"years": years, "record_every_days": every}})
    clinical = sim.simulate(sc).tables["clinical"]
    assert clinical["day"].max() == pytest.approx(sc.days)
