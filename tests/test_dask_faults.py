"""A Dask cohort under faults, from outside as a researcher meets them: workers killed or stopped
mid-run, Ctrl-C to the whole process group, SIGTERM to the command. Each ends with the same
files as a run without Dask, or with one sentence and nothing written."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parent.parent
COHORT = ["cohort", "untreated", "--n", "240", "--years", "10", "--chunk", "10", "--quiet"]

pytestmark = pytest.mark.slow


def default_sigint() -> None:
    """In the child: Ctrl-C acts as from a terminal. A test worker process (pytest-xdist) may
    ignore SIGINT, and a child inherits an ignored signal, so it is set back first."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(out: Path, *extra: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sim", *COHORT, *extra, "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT), **(env or {})), preexec_fn=default_sigint)


def _workers(proc: subprocess.Popen) -> list[psutil.Process]:
    try:
        kids = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    found = []
    for k in kids:
        with contextlib.suppress(psutil.Error):  # gone, or a zombie not yet reaped
            if "spawn_main" in " ".join(k.cmdline()):
                found.append(k)
    return found


def _mid_run(proc: subprocess.Popen, out: Path, parts: int = 2, timeout: float = 240) -> None:
    """Wait until both workers run and at least ``parts`` chunks are written (staged)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.fail(f"the cohort ended before the fault: {proc.communicate()}")
        written = list(out.parent.glob(f".{out.name}.mmn-sim-*/**/part-*.parquet"))
        if len(_workers(proc)) >= 2 and len(written) >= parts:
            return
        time.sleep(0.1)
    proc.kill()
    pytest.fail("the cohort never got going")


def _tables(folder: Path) -> dict:
    man = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return {name: (t["rows"], t["content_sha256"]) for name, t in man["tables"].items()}


def _one_sentence(err: str) -> str:
    assert "Traceback" not in err and err.count("\n") == 1, err
    return err


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict:
    """The same cohort without Dask."""
    out = tmp_path_factory.mktemp("ref") / "x"
    proc = _start(out)
    assert proc.wait(timeout=600) == 0, proc.communicate()
    return _tables(out)


def test_killing_every_worker_mid_run_is_retried_and_the_files_are_the_same(tmp_path,
                                                                            reference):
    out = tmp_path / "x"
    proc = _start(out, "--workers", "2")
    _mid_run(proc, out)
    for w in _workers(proc):
        w.kill()
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert _tables(out) == reference


def test_ctrl_c_to_the_process_group_is_one_sentence_and_leaves_nothing(tmp_path):
    out = tmp_path / "x"
    proc = _start(out, "--workers", "2")
    _mid_run(proc, out)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert "interrupted; nothing was written" in _one_sentence(err)
    assert list(tmp_path.iterdir()) == []  # no staging folder, no half export


def test_sigterm_ends_the_cluster_and_leaves_no_staging_folder(tmp_path):
    out = tmp_path / "x"
    proc = _start(out, "--workers", "2")
    _mid_run(proc, out)
    workers = _workers(proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143
    assert "interrupted; nothing was written" in _one_sentence(err)
    assert list(tmp_path.iterdir()) == []
    psutil.wait_procs(workers, timeout=30)
    assert not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)


def test_stopped_workers_are_reported_after_the_stall_timeout(tmp_path):
    """SIGSTOP both workers mid-run (a frozen machine, a suspended job): with the stall timeout
    at 2 s, one sentence says no chunk has come back and how far the run got, while the run
    waits on. The workers are then let go and Ctrl-C ends the run cleanly. The cohort is ten
    times the others', so it cannot finish before the stop lands."""
    import threading

    out = tmp_path / "x"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "cohort", "untreated", "--n", "2400", "--years", "10",
         "--chunk", "10", "--quiet", "--workers", "2", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT), MMN_SIM_DASK_STALL_SECONDS="2"),
        preexec_fn=default_sigint)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True)
    reader.start()
    _mid_run(proc, out)
    workers = _workers(proc)
    for w in workers:
        w.suspend()
    try:
        end = time.monotonic() + 60
        while not any("no chunk has come back" in x for x in lines) and time.monotonic() < end:
            time.sleep(0.2)
    finally:
        for w in workers:
            with contextlib.suppress(psutil.NoSuchProcess):
                w.resume()
    os.killpg(proc.pid, signal.SIGINT)
    proc.wait(timeout=120)
    reader.join(timeout=10)
    err = "".join(lines)
    assert "Traceback" not in err
    stall = next((x for x in lines if "no chunk has come back" in x), err)
    assert "no chunk has come back for 2 s (" in stall, stall
    assert " of 240 done); a Dask worker may be stopped or overloaded" in stall
    assert proc.returncode == 130 and "interrupted; nothing was written" in err
    assert list(tmp_path.iterdir()) == []
