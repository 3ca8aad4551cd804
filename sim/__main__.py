"""``python -m sim`` and the ``mmn-sim`` console script: the process's entry point.

Why a separate entry: the command line imports the model (numpy, pandas, simpy, Dask: seconds
on a slow machine), and Ctrl-C during that time must end with one sentence and exit status
130, not a traceback. So the standard streams are made safe (:mod:`sim.cli_streams`) and the
interrupt is caught here, before anything heavy is imported; ``import sim`` itself imports
nothing heavy. The command line proper is :func:`sim.cli.main`.
"""

from __future__ import annotations

__all__ = ["main"]

_EXIT_INTERRUPTED = 130  # as sim.cli_commands.EXIT_INTERRUPTED, which is not imported yet
_INTERRUPTED = "mmn-sim: interrupted; nothing was written.\n"


def main() -> int:
    """Run ``mmn-sim`` with the process's arguments; returns the exit status."""
    import signal
    import sys

    seen: list[int] = []

    def interrupt(signum: int, frame: object) -> None:
        seen.append(signum)  # kept even if an imported library swallows the exception
        raise KeyboardInterrupt

    previous = signal.getsignal(signal.SIGINT)
    ours = previous is not signal.SIG_IGN  # started with Ctrl-C ignored (e.g. '&'): keep that
    if ours:
        signal.signal(signal.SIGINT, interrupt)
    try:
        from .cli_streams import prepare_process

        prepare_process()
        from .cli import main as run
    except KeyboardInterrupt:
        seen.append(signal.SIGINT)
    finally:
        if ours:
            signal.signal(signal.SIGINT, previous or signal.default_int_handler)
    if seen:  # during the imports (sim.cli.main handles it after them)
        try:
            sys.stderr.write(_INTERRUPTED)
            sys.stderr.flush()
        except (OSError, ValueError, AttributeError):
            pass
        return _EXIT_INTERRUPTED
    return run()


if __name__ == "__main__":
    raise SystemExit(main())
