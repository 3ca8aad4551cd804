"""Byte-identity: the same scenario and seed give the same bytes, whatever the process.

Exports are a researcher's contract (``mmn-sim reproduce`` checks them by SHA-256), so these
tests run the real command line in separate processes with different ``PYTHONHASHSEED``
values (set or dict iteration order must never leak into a table), and compare a cohort run
whole with the same cohort run in parts on another process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
# A preset with a treatment, plus a nerve conduction study, so every table has rows.
RUN = ["first-ivig-course", "--years", "3", "--set", "study.0.day=700", "--quiet"]


def _mmn_sim(args: list[str], hash_seed: str) -> None:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed, PYTHONPATH=str(ROOT))
    res = subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True,
                         env=env, cwd=ROOT, timeout=300)
    assert res.returncode == 0, res.stderr


def _tables(folder: Path) -> dict[str, bytes]:
    man = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return {t["file"]: (folder / t["file"]).read_bytes() for t in man["tables"].values()}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_run_is_byte_identical_across_processes_and_hash_seeds(tmp_path, fmt):
    outs = []
    for hash_seed in ("0", "1", "4242"):
        out = tmp_path / f"h{hash_seed}"
        _mmn_sim(["run", *RUN, "--format", fmt, "--out", str(out)], hash_seed)
        outs.append(_tables(out))
    assert set(outs[0]) >= {f"{n}.{fmt}" for n in ("patients", "events", "ncs")}
    assert all(len(b) > 0 for b in outs[0].values())
    assert outs[0] == outs[1] == outs[2]


def _rows(path: Path) -> tuple[str, list[str]]:
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    return header, rows


def test_a_cohort_run_whole_or_in_parts_gives_the_same_rows(tmp_path):
    common = ["untreated", "--seed", "9", "--years", "2", "--set", "study.0.day=300",
              "--quiet", "--detail", "full", "--format", "csv"]
    whole = tmp_path / "whole"
    _mmn_sim(["cohort", *common, "--n", "5", "--out", str(whole)], "0")
    parts = [tmp_path / "p0", tmp_path / "p1"]
    _mmn_sim(["cohort", *common, "--first", "0", "--n", "2", "--out", str(parts[0])], "7")
    _mmn_sim(["cohort", *common, "--first", "2", "--n", "3", "--out", str(parts[1])], "123")
    tables = _tables(whole)
    assert "ncs.csv" in tables
    for name in tables:
        header, rows = _rows(whole / name)
        (h0, r0), (h1, r1) = (_rows(p / name) for p in parts)
        assert h0 == h1 == header, name
        assert rows and r0 + r1 == rows, name  # the same bytes, row for row
