"""A bounded fuzz of every input family, run with the other tests (``make test``).

The same strategies and judges as ``make fuzz`` (``python -m tests.fuzz``, over 10,000 cases);
here a few dozen derandomized cases per family, so a regression shows up in every test run
and the examples are the same each time. Every case must end as a clean rejection (one
sentence, exit 2, nothing written) or be accepted and run: never a crash or a hang.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

import pytest
import streamlit as st
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from sim.cli import main
from tests.fuzz import strategies as F
from tests.fuzz import targets as T

BOUNDED = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                   suppress_health_check=list(HealthCheck))


def _ok(result: T.Result) -> None:
    assert result.outcome in (T.REJECTED, T.ACCEPTED), result.detail


@BOUNDED
@given(F.scenario_text())
def test_fuzz_scenario_files(text):
    _ok(T.judge(T.scenario_api, text))


@BOUNDED
@given(hs.one_of(F.scenario_dict(), F.valid_scenario_dict()))
def test_fuzz_scenario_dicts(data):
    _ok(T.judge(T.scenario_dict_api, data))


@settings(BOUNDED, max_examples=15)
@given(F.scenario_text(), hs.sampled_from(["run", "show", "cohort"]))
def test_fuzz_cli_run_and_show(text, command):
    _ok(T.judge(T.cli_file, text, command))


@BOUNDED
@given(F.override_args())
def test_fuzz_set_values(args):
    _ok(T.judge(T.cli_set, args))


@settings(BOUNDED, max_examples=15)
@given(F.grid_args())
def test_fuzz_sweep_grids(args):
    _ok(T.judge(T.cli_sweep, args))


@BOUNDED
@given(F.trial_design_text())
def test_fuzz_trial_designs(text):
    _ok(T.judge(T.trial_design, text))


@settings(BOUNDED, max_examples=15)
@given(F.mystery_query())
def test_fuzz_mystery_links(query):
    _ok(T.judge(T.mystery_url, query))


@BOUNDED
@given(F.query())
def test_fuzz_links(query):
    _ok(T.judge(T.url, query))


@BOUNDED
@given(F.upload())
def test_fuzz_uploads(upload):
    _ok(T.judge(T.upload, *upload))


def _base_manifest() -> dict:
    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()):
        out = Path(tmp) / "out"
        assert main(["run", "untreated", "--years", "1", "--out", str(out), "--quiet"]) == 0
        return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


BASE_MANIFEST = _base_manifest()


@settings(BOUNDED, max_examples=20)
@given(F.manifest_text(BASE_MANIFEST))
def test_fuzz_tampered_manifests(text):
    _ok(T.judge(T.reproduce, text))


@settings(BOUNDED, max_examples=40)
@given(hs.sampled_from(["parquet", "csv"]), F.export_tampering())
def test_fuzz_tampered_exports(fmt, ops):
    _ok(T.judge(T.tampered_export, fmt, ops))


@settings(BOUNDED, max_examples=6)
@given(hs.sampled_from(["parquet", "csv"]), F.export_tampering())
def test_fuzz_tampered_exports_verify_and_reproduce_agree(fmt, ops):
    _ok(T.judge(T.tampered_export_both, fmt, ops))


@pytest.mark.slow
@settings(BOUNDED, max_examples=4)
@given(F.query())
def test_fuzz_links_in_the_app(query):
    _ok(T.judge(T.app_url, query))
    st.cache_data.clear()


@pytest.mark.slow
@settings(BOUNDED, max_examples=4)
@given(F.upload())
def test_fuzz_uploads_in_the_app(upload):
    _ok(T.judge(T.app_upload, *upload))
    st.cache_data.clear()
