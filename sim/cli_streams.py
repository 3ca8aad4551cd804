"""The command line's standard streams: closed, non-UTF-8, or a pipe whose reader has gone.

Why: ``mmn-sim run ... >&-`` (no standard output) failed with an AttributeError after a complete
export; ``PYTHONIOENCODING=ascii mmn-sim show ...`` with a UnicodeEncodeError (the teaching
text cites Löscher 2018); ``mmn-sim scenarios | head -1`` with "could not write : Broken pipe".
None of these is the command's fault, so none of them may end it with a traceback or change
its exit status. Standard library only: this runs before the model is imported.
"""

from __future__ import annotations

import codecs
import io
import os
import sys
from typing import Any, TextIO

__all__ = ["ESCAPE", "SafeOutput", "prepare_process"]

ESCAPE = "mmn-sim-escape"


def _escape(err: UnicodeError) -> tuple[str, int]:
    """A character the stream cannot encode becomes ``\\uXXXX`` (``\\UXXXXXXXX`` above the
    basic plane): the escapes of a TOML basic string, so ``show``'s output still reads back
    as the same scenario."""
    if not isinstance(err, UnicodeEncodeError):
        raise err
    text = err.object[err.start:err.end]
    return "".join(f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"
                   for c in text), err.end


codecs.register_error(ESCAPE, _escape)


class SafeOutput:
    """A text stream that drops what it cannot deliver: no stream at all (closed), or a pipe
    whose reader has stopped reading (``| head``). After a broken pipe the file descriptor is
    pointed at the null device, so the interpreter's final flush is quiet too."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream
        self.broken = stream is None

    def write(self, text: str) -> int:
        if not self.broken:
            try:
                return self.stream.write(text)
            except BrokenPipeError:
                self._reader_gone()
            except ValueError:  # closed by someone else
                self.broken = True
        return len(text)

    def flush(self) -> None:
        if not self.broken:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._reader_gone()
            except ValueError:
                self.broken = True

    def isatty(self) -> bool:
        return not self.broken and self.stream.isatty()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)

    def _reader_gone(self) -> None:
        self.broken = True
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self.stream.fileno())
            os.close(null)
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            pass


def _reopen_closed_descriptors() -> None:
    """Standard descriptors 0-2 that are closed (``>&-``) get the null device, so a file the
    command opens cannot take descriptor 1 and receive what is printed."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def prepare_process() -> None:
    """Make the process's standard streams safe to write to; call first in the entry point."""
    _reopen_closed_descriptors()
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the process
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the process
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors=ESCAPE)  # e.g. PYTHONIOENCODING=ascii
