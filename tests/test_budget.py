"""Work that fits the machine: refusals come before anything runs, as one sentence naming the
figure and the limit (exit 2), and long work runs only with --yes."""

from __future__ import annotations

import pytest

from sim import cli_commands
from sim.budget import (
    LONG_SECONDS,
    Budget,
    check_chunk,
    check_duration,
    check_sweep_table,
)
from sim.cli import main
from sim.scenario import ScenarioError

SMALL = Budget(cores=2, memory_bytes=8 * 10**9)


def test_a_chunk_that_does_not_fit_names_the_largest_that_does():
    check_chunk(400, 2.0, 5, SMALL)  # 400 patients x 2 MB x 5 chunks = 4 GB: half of 8 fits
    with pytest.raises(ScenarioError, match=r"--chunk 1000 .* allowed here: 1 to 400\."):
        check_chunk(1000, 2.0, 5, SMALL)
    check_chunk(10**6, 2.0, 5, Budget(2, 0))  # memory unknown: nothing to check against


def test_a_sweep_table_larger_than_half_the_memory_is_refused():
    check_sweep_table(10**7, SMALL)  # 4 GB: fits exactly
    with pytest.raises(ScenarioError, match="would have 20,000,000 rows"):
        check_sweep_table(2 * 10**7, SMALL)


def test_hours_of_work_need_yes_and_workers_shorten_the_estimate():
    hours = 3 * LONG_SECONDS
    with pytest.raises(ScenarioError, match=r"about 3\.0 hours .* add --yes"):
        check_duration(hours, None, False, "a cohort", SMALL)
    assert check_duration(hours, None, True, "a cohort", SMALL) == hours
    assert check_duration(hours, 2, True, "a cohort", SMALL) == hours / 2
    assert check_duration(hours, 64, True, "a cohort", SMALL) == hours / 2  # 2 cores here


def test_the_command_line_refuses_before_anything_is_written(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli_commands.Budget, "here", classmethod(lambda cls: SMALL))
    out = tmp_path / "x"
    args = ["cohort", "untreated", "--n", "1000000", "--years", "40", "--out", str(out)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "hours on this machine" in err and "--yes" in err and err.count("\n") == 1
    assert main(["cohort", "untreated", "--n", "20000", "--chunk", "10000", "--detail", "full",
                 "--out", str(out)]) == 2
    assert "--chunk 10000 would hold" in capsys.readouterr().err
    grid = ",".join(str(20 + k) for k in range(50))
    assert main(["sweep", "untreated", "--grid", f"patient.age_at_onset={grid}", "--n",
                 "100000", "--out", str(out)]) == 2
    assert "the sweep table would have" in capsys.readouterr().err
    assert not out.exists()
