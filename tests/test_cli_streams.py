"""The command line at the edges of its process: Ctrl-C while it starts, standard output closed,
not UTF-8, or a pipe whose reader has gone. Each runs ``python -m sim`` in a child process,
the way a shell runs ``mmn-sim``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

import sim

ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, PYTHONPATH=str(ROOT))
SIM = [sys.executable, "-m", "sim"]


def _loaded(pid: int, library: str) -> bool:
    try:
        return library in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def default_sigint() -> None:
    """In the child: Ctrl-C acts as from a terminal. A test worker process (pytest-xdist) may
    ignore SIGINT, and a child inherits an ignored signal, so it is set back first."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("library", ["_multiarray_umath", "pandas/_libs"])
def test_ctrl_c_while_the_model_is_imported_is_one_sentence_and_130(library):
    """The signal lands once numpy (first) or pandas (later) is loaded: in the imports."""
    child = subprocess.Popen([*SIM, "scenarios"], cwd=ROOT, env=ENV, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint)
    deadline = time.monotonic() + 60
    while not _loaded(child.pid, library) and time.monotonic() < deadline:
        time.sleep(0.002)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert err == "mmn-sim: interrupted; nothing was written.\n"
    assert out == ""


def test_import_sim_imports_no_model_until_a_name_is_used():
    code = ("import sys, sim\nprint(sorted(m for m in ('numpy', 'pandas', 'simpy', 'sim.engine')"
            " if m in sys.modules))\nsim.Run\nprint('sim.results' in sys.modules)\n"
            "print(sim.scenario.preset_dir().name, sim.limits.MAX_SCENARIO_BYTES > 0)\n")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=ENV, capture_output=True,
                         text=True, timeout=60, check=True)
    assert res.stdout == "[]\nTrue\nscenarios True\n"  # sub-modules as attributes, as before


def test_the_public_names_are_all_there():
    for name in sim.__all__:
        assert getattr(sim, name) is not None
    assert sim.load_scenario("untreated").name


def test_an_ascii_terminal_gets_show_with_escapes_that_read_back_as_the_same_toml():
    utf8 = subprocess.run([*SIM, "show", "anti-gm1-negative"], cwd=ROOT, env=ENV,
                          capture_output=True, timeout=120, check=True)
    res = subprocess.run([*SIM, "show", "anti-gm1-negative"], cwd=ROOT,
                         env=dict(ENV, PYTHONIOENCODING="ascii"), capture_output=True,
                         timeout=120, check=False)
    assert res.returncode == 0, res.stderr
    assert res.stderr == b""
    text = res.stdout.decode("ascii")  # nothing but ASCII
    assert "L\\u00f6scher 2018" in text
    assert "ö".encode() in utf8.stdout
    assert tomllib.loads(text) == tomllib.loads(utf8.stdout.decode("utf-8"))


def test_run_with_standard_output_closed_exports_and_exits_0(tmp_path):
    out = tmp_path / "out"
    res = subprocess.run(["sh", "-c", 'exec "$0" "$@" >&-', *SIM, "run", "untreated",
                          "--years", "1", "--out", str(out)], cwd=ROOT, env=ENV,
                         capture_output=True, text=True, timeout=300, check=False)
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""
    assert (out / "manifest.json").is_file()
    verify = subprocess.run([*SIM, "verify", str(out), "--quiet"], cwd=ROOT, env=ENV,
                            capture_output=True, text=True, timeout=120, check=False)
    assert verify.returncode == 0, verify.stderr
    # and no table received what would have been printed on descriptor 1
    assert not any(b"wrote " in p.read_bytes() for p in out.iterdir() if p.is_file())


@pytest.mark.parametrize("args", [["show", "anti-gm1-negative"], ["scenarios"], ["--help"]])
def test_a_reader_that_has_gone_ends_the_output_quietly(args):
    """``mmn-sim show ... | head -1`` with ``head`` already gone: the pipe's read end is closed
    before the child starts, so every write to it fails."""
    read, write = os.pipe()
    os.close(read)
    try:
        res = subprocess.run([*SIM, *args], cwd=ROOT, env=ENV, stdout=write,
                             stderr=subprocess.PIPE, text=True, timeout=120, check=False)
    finally:
        os.close(write)
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""


def test_a_cohort_whose_reader_has_gone_still_writes_its_export(tmp_path):
    read, write = os.pipe()
    os.close(read)
    out = tmp_path / "out"
    try:
        res = subprocess.run([*SIM, "cohort", "untreated", "--n", "2", "--years", "1",
                              "--out", str(out)], cwd=ROOT, env=ENV, stdout=write,
                             stderr=subprocess.PIPE, text=True, timeout=300, check=False)
    finally:
        os.close(write)
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr and "Broken pipe" not in res.stderr
    assert (out / "manifest.json").is_file()


def test_a_broken_pipe_elsewhere_does_not_print_an_empty_name(monkeypatch, capsys):
    from sim import cli

    def broken(*_args, **_kwargs):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli, "cmd_scenarios", broken)
    assert cli.main(["scenarios"]) == 1
    assert capsys.readouterr().err == ("mmn-sim: could not write: Broken pipe; nothing was "
                                       "written.\n")
