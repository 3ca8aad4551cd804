"""Give a closed class's memory back to the machine: once a minute, in one daemon thread per
server process, end the sessions whose reconnect window has passed, empty the shared caches
once no tab has been connected for a whole round, then a full garbage collection and (on
glibc) ``malloc_trim``.

Why each step:

- Streamlit keeps a closed tab's session for ``server.disconnectedSessionTTL`` (120 s) so that
  a dropped connection can resume it, but its store forgets an expired session only when a
  later session is stored (the store is reaped lazily, on writes). After a class nobody
  connects, so every student's session state (its recent runs), script runner and its
  ``st.dataframe`` sources stayed in memory. The reaper ends them on the server's event loop
  the way Streamlit ends a closed session (``AppSession.shutdown``).
- The shared run cache (``st.cache_data``, up to 16 runs) serves students who ask for the same
  run; with no tab connected it serves nobody, and the first student back pays one run.
- Streamlit's collection after every script run is off (``runner.postScriptGC``; it cost more
  CPU than the run itself), so the reference cycles a closed session leaves behind are
  collected only when new allocations trigger the collector, which on an idle server never
  happens; and glibc keeps freed heap pages until it is asked to trim them.

One round costs a few tens of milliseconds.
"""

from __future__ import annotations

import ctypes
import gc
import os
import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["INTERVAL_S", "THREAD_NAME", "IDLE_ROUNDS", "idle_step", "interval_s",
           "reap_expired_sessions", "register", "run_tasks", "server_idle", "start", "sweep"]

INTERVAL_S = 60.0
INTERVAL_ENV = "MMN_SIM_HOUSEKEEPING_S"  # seconds between rounds (1 to 3600), for tests
THREAD_NAME = "mmn-sim-housekeeping"
IDLE_ROUNDS = 2  # rounds in a row with no tab connected before the shared caches are emptied
_lock = threading.Lock()


def interval_s() -> float:
    """Seconds between rounds: ``INTERVAL_S`` unless ``MMN_SIM_HOUSEKEEPING_S`` says 1-3600."""
    try:
        value = float(os.environ.get(INTERVAL_ENV, INTERVAL_S))
    except ValueError:
        return INTERVAL_S
    return value if 1.0 <= value <= 3600.0 else INTERVAL_S


_TASKS: dict[str, Callable[[], Any]] = {}  # name -> a page's own chore, run every round


def register(name: str, task: Callable[[], Any]) -> None:
    """Run ``task`` once a round from now on (a page's chore, e.g. purging ended classes);
    registering a name again replaces its task."""
    with _lock:
        _TASKS[name] = task


def run_tasks() -> dict[str, Any]:
    """Every registered task once; a failing one is logged and the others still run."""
    with _lock:
        tasks = dict(_TASKS)
    done: dict[str, Any] = {}
    for name, task in tasks.items():
        try:
            done[name] = task()
        except Exception:  # noqa: BLE001 - one failed chore must not stop the others
            _log().exception("housekeeping: task %r failed; trying again next round", name)
    return done


def start() -> None:
    """Start the housekeeping thread unless this process already has it."""
    with _lock:
        if any(t.name == THREAD_NAME for t in threading.enumerate()):
            return
        threading.Thread(target=_loop, name=THREAD_NAME, daemon=True).start()


def sweep(trim: Callable[[int], int] | None = None) -> int:
    """One round: collect every generation, then hand freed heap back; objects collected."""
    found = gc.collect()
    if trim is not None:
        trim(0)
    return found


def reap_expired_sessions(runtime: Any = None, timeout_s: float = 10.0) -> int | None:
    """End the stored sessions whose reconnect window has passed; how many (None: no server).

    Runs on the server's event loop, where Streamlit itself touches the session store, and
    waits for it. The store's ``expire()`` hands back what it removed, and each removed
    session is shut down as ``SessionManager.close_session`` would (its uploads, media files
    and dataframe sources freed). The store is reached through Streamlit internals, checked
    against the installed version by ``tests/test_app.py``; if they change, the round skips
    this step rather than fail.
    """
    if runtime is None:
        from streamlit import runtime as st_runtime

        if not st_runtime.exists():
            return None
        runtime = st_runtime.get_instance()
    try:
        loop = runtime._get_async_objs().eventloop
        expire = runtime._session_mgr._session_storage._cache.expire
    except (AttributeError, RuntimeError):
        return None
    done = threading.Event()
    ended: list[int] = []

    def reap() -> None:
        try:
            removed = expire()
            for _key, info in removed:
                info.session.shutdown()
            ended.append(len(removed))
        finally:
            done.set()

    try:
        loop.call_soon_threadsafe(reap)
    except RuntimeError:  # the loop has closed: the server is stopping
        return None
    done.wait(timeout_s)
    if ended and ended[0]:
        _log().info("housekeeping: ended %d closed session(s)", ended[0])
    return ended[0] if ended else None


def _log():
    from streamlit.logger import get_logger

    return get_logger(__name__)


def server_idle(runtime: Any = None) -> bool | None:
    """True when no browser tab is connected to this server (None: not a server)."""
    from streamlit import runtime as st_runtime

    if runtime is None:
        if not st_runtime.exists():
            return None
        runtime = st_runtime.get_instance()
    return runtime.state == st_runtime.RuntimeState.NO_SESSIONS_CONNECTED


def idle_step(rounds: int, idle: bool | None) -> tuple[int, bool]:
    """(idle rounds in a row, empty the caches now).

    Every idle round from the IDLE_ROUNDS-th on empties them, not only the first: a class
    shorter than a round can come and go between two rounds without resetting the count, and
    its cached runs must go too. Emptying empty caches costs nothing.
    """
    rounds = rounds + 1 if idle else 0
    return rounds, rounds >= IDLE_ROUNDS


def _loop() -> None:
    trim = _malloc_trim()
    rounds = 0
    while True:
        time.sleep(interval_s())
        run_tasks()
        try:
            reap_expired_sessions()
            rounds, empty = idle_step(rounds, server_idle())
            if empty:
                import streamlit as st

                st.cache_data.clear()
                if rounds == IDLE_ROUNDS:  # said once per idle spell
                    _log().info("housekeeping: no tab connected, shared caches emptied")
        except Exception:  # noqa: BLE001 - one failed round must not end the thread
            _log().exception("housekeeping: a round failed; trying again next round")
        sweep(trim)


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: collection alone
        return None
