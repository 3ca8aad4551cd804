"""Dask without surprises: a local cluster sized to the machine, quiet logs, and every fault of
the cluster ending in one sentence.

Why a module of its own: ``dask.distributed`` reports trouble in its own voice (log lines,
``CancelledError`` warnings, tracebacks from worker processes that got the terminal's Ctrl-C).
A researcher should instead see one sentence and an exit status, and the files should stay
byte-identical when Dask retries a chunk on another worker (it re-runs the same pure function
of the chunk's patients). Here:

* a local cluster never has more workers than the machine has cores, and each worker's memory
  limit is its share of the machine's memory, so a runaway chunk ends the run with a sentence
  rather than the machine swapping;
* worker processes start with Ctrl-C ignored (the parent handles it and closes the cluster),
  so an interrupt prints one line, not a traceback per process;
* Dask's loggers are silenced unless ``verbose``;
* a task lost with its worker more often than Dask allows, or a scheduler that goes away,
  becomes a :class:`DaskError`; an exception raised by the chunk itself passes through;
* when no chunk comes back for ``stall_seconds`` (e.g. a stopped worker), the run says so once
  per period and keeps waiting.
"""

from __future__ import annotations

import contextvars
import logging
import os
import signal
import sys
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sized
from contextlib import contextmanager, suppress
from typing import Any

__all__ = ["DaskError", "machine_cores", "machine_memory", "worker_memory_limit", "dask_map",
           "quiet_dask_logs", "dask_logs_shown", "STALL_SECONDS", "MEMORY_SHARE"]

STALL_SECONDS = float(os.environ.get("MMN_SIM_DASK_STALL_SECONDS", "120"))
_POLL_SECONDS = 0.05  # how often the next chunk's state is looked at
_CLOSE_SECONDS = 20  # a cluster that cannot close in this long is left to its nannies' exit
MEMORY_SHARE = 0.8  # of the machine's memory, split between the local workers
_LOGGERS = ("distributed", "tornado", "asyncio", "bokeh")
_SHOW_LOGS = contextvars.ContextVar("mmn_sim_dask_logs", default=False)


class DaskError(RuntimeError):
    """Dask is missing, unreachable or lost its workers: one sentence, exit status 1."""


def machine_cores() -> int:
    """Cores this process may run on (its CPU affinity, else the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def machine_memory() -> int:
    """Physical memory in bytes (0 when the system does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, OSError, ValueError):  # pragma: no cover - not POSIX
        return 0


def worker_memory_limit(workers: int) -> int | str:
    """Each local worker's share of :data:`MEMORY_SHARE` of the machine (Dask's "auto" when the
    machine's memory is unknown)."""
    total = machine_memory()
    return int(total * MEMORY_SHARE / max(1, workers)) if total else "auto"


@contextmanager
def dask_logs_shown(show: bool = True) -> Iterator[None]:
    """Within the block, Dask runs keep their own log lines (the command line's --verbose)."""
    token = _SHOW_LOGS.set(show)
    try:
        yield
    finally:
        _SHOW_LOGS.reset(token)


@contextmanager
def quiet_dask_logs(verbose: bool = False) -> Iterator[None]:
    """Dask's, tornado's and asyncio's log lines off within the block, unless ``verbose``."""
    if verbose:
        yield
        return
    loggers = [logging.getLogger(name) for name in _LOGGERS]
    saved = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for lg, level in zip(loggers, saved, strict=True):
            lg.setLevel(level)


@contextmanager
def _children_ignore_ctrl_c() -> Iterator[None]:
    """Processes started within the block inherit an ignored SIGINT (an ignored signal stays
    ignored across exec), so the terminal's Ctrl-C reaches only this process, which closes the
    cluster; outside the main thread signals cannot be changed and nothing is done."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def _lost(err: BaseException) -> bool:
    """A failure of the cluster, not of the chunk's own code."""
    from concurrent.futures import CancelledError

    from distributed import KilledWorker
    from distributed.comm import CommClosedError

    return isinstance(err, KilledWorker | CancelledError | CommClosedError | OSError
                      | TimeoutError)


def _connect(workers: int | None, scheduler: str | None, verbose: bool
             ) -> tuple[Any, Any, int]:
    """(client, local cluster or None, tasks the cluster runs at once)."""
    from dask.distributed import Client, LocalCluster

    if scheduler is not None:
        client = Client(scheduler, timeout="10s")
        return client, None, max(1, sum(client.nthreads().values()))
    n = int(workers or 1)
    with _children_ignore_ctrl_c():
        # ":0": the scheduler's web server (always started) on a free port, not 8787, which
        # another cluster or a second run may hold
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                               dashboard_address=":0", memory_limit=worker_memory_limit(n),
                               silence_logs=logging.WARNING if verbose else logging.CRITICAL + 1)
    try:
        return Client(cluster), cluster, n
    except BaseException:
        cluster.close()
        raise


def dask_map(fn: Callable[..., Any], shared: Any, items: Iterable[tuple], *,
             workers: int | None = None, scheduler: str | None = None, total: int | None = None,
             verbose: bool | None = None, stall_seconds: float = STALL_SECONDS,
             notify: Callable[[str], None] | None = None) -> Iterator[Any]:
    """``fn(shared, *item)`` for each item on Dask, yielded in order, with at most twice the
    cluster's width in flight (memory stays bounded by the chunk size). Dask's log lines are
    off unless ``verbose`` (default: inside :func:`dask_logs_shown`)."""
    verbose = _SHOW_LOGS.get() if verbose is None else verbose
    say = notify or (lambda text: print(text, file=sys.stderr, flush=True))
    where = scheduler or f"a local cluster of {workers} workers"
    with quiet_dask_logs(verbose), warnings.catch_warnings():
        if not verbose:
            warnings.simplefilter("ignore")  # e.g. "Large object ... in task graph"
        try:
            client, cluster, width = _connect(workers, scheduler, verbose)
        except (OSError, TimeoutError) as err:
            raise DaskError(f"could not reach the Dask scheduler at {where} ({err}); check "
                            "that it is running and reachable.") from None
        except Exception as err:  # noqa: BLE001 - e.g. "Nanny failed to start"
            raise DaskError(f"could not start {where} ({type(err).__name__}: {err}); "
                            "nothing was written.") from None
        try:
            if total is None and isinstance(items, Sized):
                total = len(items)
            yield from _ordered(client, fn, shared, items, 2 * width, stall_seconds, say, where,
                                total)
        finally:
            _close(client, cluster)


def _ordered(client: Any, fn: Callable[..., Any], shared: Any, items: Iterable[tuple],
             window: int, stall: float, say: Callable[[str], None], where: str,
             total: int | None) -> Iterator[Any]:
    # ``shared`` travels inside each task rather than scattered once: scattered data lives
    # only on the workers, so losing them all would lose it and cancel every task, while a
    # task that carries its inputs is simply run again on a restarted worker.
    of = "?" if total is None else str(total)
    pending: deque = deque()
    todo = iter(items)
    for item in todo:
        pending.append(client.submit(fn, shared, *item, pure=False))
        if len(pending) >= window:
            break
    done = 0
    while pending:
        fut = pending.popleft()
        try:
            note = (f"no chunk has come back for {stall:g} s ({done} of {of} done); a "
                    "Dask worker may be stopped or overloaded. Still waiting; Ctrl-C stops the "
                    "run.")
            _wait(fut, stall, lambda note=note: say(note))
            result = _fetch(fut, stall, lambda note=note: say(note))
        except Exception as err:  # noqa: BLE001 - told apart just below
            if fut.status == "error" and not _lost(err):
                raise  # the chunk's own error: its type and message, as without Dask
            raise DaskError(f"the Dask cluster at {where} lost chunk {done + 1} of "
                            f"{of} ({type(err).__name__}); its workers died or ran "
                            "out of memory, or the scheduler went away; nothing was "
                            "written.") from None
        fut.release()
        nxt = next(todo, None)
        if nxt is not None:
            pending.append(client.submit(fn, shared, *nxt, pure=False))
        done += 1
        yield result


def _wait(fut: Any, stall: float, stalled: Callable[[], None]) -> None:
    """Until ``fut`` is done (finished, erred or cancelled), calling ``stalled`` every
    ``stall`` seconds meanwhile. It polls the future's state, which Dask's event loop keeps up
    to date: a blocking wait with a timeout was seen to outlast its timeout after the workers
    were killed."""
    waited = 0.0
    while not fut.done():
        time.sleep(_POLL_SECONDS)
        waited += _POLL_SECONDS
        if waited >= stall and not fut.done():
            stalled()
            waited = 0.0


def _fetch(fut: Any, stall: float, stalled: Callable[[], None]) -> Any:
    """The finished chunk's data. It is still on the worker that computed it, so a worker
    stopped just after finishing holds the fetch too (measured: the run froze with no message):
    ``stalled`` is called every ``stall`` seconds of that wait as well."""
    while True:
        try:
            return fut.result(timeout=stall)
        except TimeoutError:
            if fut.status == "error":
                raise  # the chunk's own TimeoutError, not a slow fetch
            stalled()


def _close(client: Any, cluster: Any) -> None:
    """Close the client and the local cluster, quietly, whatever state they are in."""
    for thing in (client, cluster):
        if thing is not None:
            with suppress(Exception):  # closing a broken cluster must not hide why it broke
                thing.close(timeout=_CLOSE_SECONDS)
