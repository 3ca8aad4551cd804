"""Exports (DESIGN §4.4): CSV and Parquet format, manifest, atomic writes, documentation."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import sim
from sim import DISCLAIMER, treatments
from sim.prediction import PredictionSpec
from sim.results import TABLE_COLUMNS
from sim.scenario import (
    DiseaseSpec,
    JourneySpec,
    PatientSpec,
    ScenarioInfo,
    StudySpec,
    TeachingSpec,
)
from sim.treatments.ivig import TitrationSpec

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture(scope="module")
def run():
    return sim.simulate(sim.load_scenario("first-ivig-course"))  # has [[study]]: ncs table too


def test_csv_is_plain_utf8_one_header_no_index(run, tmp_path):
    out = run.save(tmp_path / "csv", format="csv")
    for name, cols in TABLE_COLUMNS.items():
        raw = (out / f"{name}.csv").read_bytes()
        text = raw.decode("utf-8")
        assert "\r" not in text
        lines = text.split("\n")
        assert lines[0] == ",".join(cols), name
        assert lines[-1] == "" and len(lines) - 2 == len(run.tables[name])
        assert not lines[1].startswith(","), "no index column"


def test_manifest_records_provenance_and_checksums(run, tmp_path):
    out = run.save(tmp_path / "m", format="parquet",
                   provenance={"overrides": {"disease.lesion_rate_per_year": 2.5}})
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert man["disclaimer"] == DISCLAIMER
    assert man["overrides"] == {"disease.lesion_rate_per_year": 2.5}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", man["created_utc"])
    assert man["seed"] == 3 and man["patients"][0]["spawn_key"] == [0]
    assert set(man["tables"]) == set(TABLE_COLUMNS)
    for name, info in man["tables"].items():
        data = (out / info["file"]).read_bytes()
        assert info["sha256"] == hashlib.sha256(data).hexdigest()
        assert info["rows"] == len(run.tables[name])
    assert "NOT FOR CLINICAL DECISIONS" in (out / "README.txt").read_text(encoding="utf-8")


def test_parquet_is_typed_with_categoricals_and_embeds_the_manifest(run, tmp_path):
    out = run.save(tmp_path / "pq", format="parquet",
                   provenance={"overrides": {"x.y": 1}, "command": ["mmn-sim", "run"]})
    muscles = pd.read_parquet(out / "muscles.parquet")
    assert isinstance(muscles["side"].dtype, pd.CategoricalDtype)
    assert isinstance(muscles["muscle"].dtype, pd.CategoricalDtype)
    assert muscles["mrc"].dtype == "int64" and muscles["strength_pct"].dtype == "float64"
    patients = pd.read_parquet(out / "patients.parquet")
    assert patients["anti_gm1"].dtype == bool
    meta = pq.read_schema(out / "clinical.parquet").metadata
    embedded = json.loads(meta[b"mmn_sim_manifest"])
    assert embedded["disclaimer"] == DISCLAIMER
    assert embedded["overrides"] == {"x.y": 1}
    assert sim.parse_scenario(embedded["scenario"]) == run.scenario
    # only what determines the tables: nothing that varies between identical runs
    for key in ("created_utc", "tables", "command"):
        assert key not in embedded


def test_same_scenario_and_seed_give_identical_bytes(tmp_path):
    sc = sim.load_scenario("prednisolone")
    for fmt in ("csv", "parquet"):
        a = sim.simulate(sc).save(tmp_path / f"a-{fmt}", format=fmt)
        b = sim.simulate(sc).save(tmp_path / f"b-{fmt}", format=fmt)
        for f in a.iterdir():
            if f.suffix in (".csv", ".parquet"):
                assert f.read_bytes() == (b / f.name).read_bytes(), f.name


def test_save_refuses_a_non_empty_folder_and_keeps_it(run, tmp_path):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "keep.txt").write_text("x", encoding="utf-8")
    with pytest.raises(FileExistsError):
        run.save(out)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy"]


def test_failed_save_leaves_no_partial_folder(run, tmp_path, monkeypatch):
    import sim.table_writer as writer

    real, calls = writer._write, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return real(*args, **kwargs)

    monkeypatch.setattr(writer, "_write", failing)
    with pytest.raises(RuntimeError):
        run.save(tmp_path / "a" / "b" / "out")
    assert list(tmp_path.iterdir()) == []


def test_dashboard_zip_holds_the_tables_its_manifest_describes(run):
    import io
    import zipfile

    from sim.export import zip_bytes

    for fmt in ("csv", "parquet"):
        with zipfile.ZipFile(io.BytesIO(zip_bytes(run, fmt, scenario_toml="x = 1\n"))) as z:
            names = set(z.namelist())
            man = json.loads(z.read("manifest.json"))
            assert names == {f"{t}.{fmt}" for t in run.tables} | {
                "manifest.json", "scenario.toml", "README.txt"}
            assert man["disclaimer"] == DISCLAIMER and man["seed"] == run.seed
            for name, info in man["tables"].items():
                data = z.read(info["file"])
                assert info["sha256"] == hashlib.sha256(data).hexdigest()
                assert info["rows"] == len(run.tables[name])
            assert z.read("scenario.toml").decode() == f"# {DISCLAIMER}\nx = 1\n"
            assert DISCLAIMER in z.read("README.txt").decode()


def test_cohort_progress_is_called_once_per_patient():
    sc = sim.load_scenario("untreated").with_overrides({"scenario.years": 1})
    calls = []
    run = sim.simulate_cohort(sc, 3, seed=4, first=2, progress=lambda: calls.append(1))
    assert len(calls) == 3 and [p.patient_index for p in run.patient_runs] == [2, 3, 4]


def test_run_concat_equals_a_cohort():
    sc = sim.load_scenario("untreated").with_overrides({"scenario.years": 2})
    whole = sim.simulate_cohort(sc, 3, seed=4)
    parts = sim.Run.concat([sim.simulate_cohort(sc, 1, seed=4, first=i) for i in range(3)])
    for name, df in whole.tables.items():
        pd.testing.assert_frame_equal(df, parts.tables[name], obj=name)


# --- documentation -----------------------------------------------------------------------------
def _doc_columns(text: str, table: str) -> list[str]:
    """Column names in the first table (the column table) of the table's section."""
    section = text.split(f"## `{table}`", 1)[1].split("\n## ", 1)[0]
    first_table = section[section.index("| column |"):].split("\n\n", 1)[0]
    return re.findall(r"^\| `([a-z_0-9]+)` \|", first_table, flags=re.M)


def test_data_dictionary_lists_every_column_with_unit_and_meaning():
    text = (DOCS / "data-dictionary.md").read_text(encoding="utf-8")
    for table, cols in TABLE_COLUMNS.items():
        documented = _doc_columns(text, table)
        assert documented == cols, f"{table}: documented {documented}, exported {cols}"
    for row in re.findall(r"^\| `[a-z_0-9]+` \|.*$", text, flags=re.M):
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert all(cells), f"empty cell in data dictionary row: {row}"
    assert "not for clinical decisions" in text.lower()


def test_scenario_guide_documents_every_field():
    text = (DOCS / "scenarios.md").read_text(encoding="utf-8")
    for section, model in [("scenario", ScenarioInfo), ("patient", PatientSpec),
                           ("disease", DiseaseSpec), ("treatment.titration", TitrationSpec),
                           ("study", StudySpec), ("journey", JourneySpec),
                           ("teaching", TeachingSpec), ("teaching.ask", PredictionSpec)]:
        for name, info in model.model_fields.items():
            field = info.alias or name
            assert f"| `{field}` |" in text, f"docs/scenarios.md misses {section}.{field}"


def test_scenario_guide_documents_every_treatment_field_for_its_kind():
    """Every field of every registered kind is a row whose 'applies to' names the kind."""
    text = (DOCS / "scenarios.md").read_text(encoding="utf-8")
    section = text[text.index("## `[[treatment]]`"):text.index("### `[treatment.titration]`")]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 6 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = cells
    for kind, t in treatments.REGISTRY.items():
        assert f"`{kind}`" in rows["kind"][3], f"docs/scenarios.md does not list kind {kind}"
        for name in t.Spec.model_fields:
            assert name in rows, f"docs/scenarios.md misses treatment field {name}"
            applies = rows[name][4]
            assert applies == "all" or kind in applies.replace(",", " ").split(), (
                f"docs/scenarios.md: '{name}' should say it applies to {kind}")


def test_tables_are_built_when_read_and_listed_in_the_model_s_order():
    """A page that reads one table builds only that one; every table is still there, in the
    data dictionary's order (the export's), and an unknown name is a KeyError."""
    run = sim.simulate(sim.load_scenario("ivig-maintenance"), seed=3)
    tables = run.tables
    assert list(tables) == list(TABLE_COLUMNS) and len(tables) == len(TABLE_COLUMNS)
    clinical = tables["clinical"]
    assert "built: clinical>" in repr(tables)
    assert tables["clinical"] is clinical  # kept, not rebuilt
    with pytest.raises(KeyError):
        tables["no such table"]
    assert all(list(df.columns) == TABLE_COLUMNS[name] for name, df in tables.items())
    assert "built: none" not in repr(tables) and "sites" in repr(tables).split("built:")[1]
