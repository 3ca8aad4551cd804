"""The command line's progress bar on stderr: silent for quick jobs, alive for long ones.

``mmn-sim run``, ``cohort`` and ``reproduce`` can take minutes for a large cohort; the
dashboard shows progress its own way. The bar is kept apart from the sub-commands so it can be
tested with a fake clock and stream, and replaced in tests, on its own.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """A small stderr progress bar that appears only once a job has run for ``delay`` seconds.

    On a terminal it redraws one line in place; otherwise (logs, pipes) it prints a line at
    every 10% step, so quick runs stay silent and long ones show they are alive.
    """

    def __init__(
        self,
        total: int,
        label: str,
        *,
        enabled: bool = True,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
        delay: float = 1.0,
        width: int = 28,
    ) -> None:
        self.total = max(1, int(total))
        self.label = label
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.delay = delay
        self.width = width
        self.done = 0
        self.start = clock()
        self.drawn = False
        self._last_draw = -1.0
        self._last_decile = -1
        isatty = getattr(self.stream, "isatty", None)
        self.tty = bool(isatty and isatty())

    def advance(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)
        self._maybe_draw(final=False)

    def close(self) -> None:
        self._maybe_draw(final=True)
        if self.drawn and self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def _maybe_draw(self, final: bool) -> None:
        if not self.enabled:
            return
        now = self.clock()
        elapsed = now - self.start
        if elapsed < self.delay:
            return
        if self.tty:
            if not final and now - self._last_draw < 0.1:
                return
            self.stream.write("\r" + self._line(elapsed))
        else:
            decile = self.done * 10 // self.total
            if decile == self._last_decile and not (final and not self.drawn):
                return
            self._last_decile = decile
            self.stream.write(self._line(elapsed) + "\n")
        self._last_draw = now
        self.drawn = True
        self.stream.flush()

    def _line(self, elapsed: float) -> str:
        filled = self.width * self.done // self.total
        bar = "#" * filled + "-" * (self.width - filled)
        line = f"{self.label} [{bar}] {self.done}/{self.total} {elapsed:.1f}s"
        if 0 < self.done < self.total:  # time left at the pace so far
            line += f" ETA {_duration(elapsed * (self.total - self.done) / self.done)}"
        return line


def _duration(seconds: float) -> str:
    """``42s``, ``3m05s`` or ``2h07m``."""
    s = int(round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"
