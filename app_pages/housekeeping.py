"""Give a closed class's memory back to the machine: once a minute, in one daemon thread per
server process, a full garbage collection and (on glibc) ``malloc_trim``.

Why: Streamlit's collection after every script run is off (``runner.postScriptGC``; it cost
more CPU than the run itself), so the reference cycles a closed session leaves behind are
collected only when new allocations trigger the collector, which on an idle server after a
class never happens; and glibc keeps freed heap pages until it is asked to trim them. One
collection a minute costs a few tens of milliseconds.
"""

from __future__ import annotations

import ctypes
import gc
import threading
import time
from collections.abc import Callable

__all__ = ["INTERVAL_S", "THREAD_NAME", "start", "sweep"]

INTERVAL_S = 60.0
THREAD_NAME = "mmn-sim-housekeeping"
_lock = threading.Lock()


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


def _loop() -> None:
    trim = _malloc_trim()
    while True:
        time.sleep(INTERVAL_S)
        sweep(trim)


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: collection alone
        return None
