"""Put a folder in place so that a kill at any moment leaves the old folder or the complete new one.

Why: an export can be killed (SIGKILL, a power cut, a full disk) at any moment, also while
``--force`` replaces an earlier export. So nothing is ever deleted before its replacement is
complete: files are written into a hidden *work* folder beside the target, holding a marker
file; when they are all written, the new folder and the old target trade places in one step
(Linux ``renameat2`` with ``RENAME_EXCHANGE``; elsewhere two renames: the old one into the work
folder, the new one into place), and the work folder is removed, marker last. Folders the
target needs that do not exist yet are built inside the work folder too, so they appear
together with the export.

A kill leaves a work folder behind. The next export into the same parent folder (and
``mmn-sim verify``) recognises it (its name pattern and marker, the process that wrote it gone),
puts back an old target that was moved aside but not replaced, and removes the rest.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import json
import os
import re
import secrets
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["MARKER", "is_work_folder", "recover", "staged"]

FRESH_SECONDS = 60.0  # a work folder without its marker younger than this is being made
MARKER = "mmn-sim-unfinished-export.json"  # in every work folder while it exists
_NEW, _OLD = "new", "old"  # the folder being written; the target it replaces
_WORK = re.compile(r"^\.(?P<target>.+)\.mmn-sim-(?P<token>[0-9a-f]{12})$")


def is_work_folder(name: str) -> bool:
    """Whether ``name`` has the pattern of a work folder (its marker decides whether it is one)."""
    return _WORK.match(name) is not None


@contextlib.contextmanager
def staged(target: str | Path, replace: bool = False) -> Iterator[Path]:
    """Yield an empty folder to fill; when the block ends without an exception it becomes
    ``target`` (replacing an existing one if ``replace``); on an exception nothing changes.

    Raises FileExistsError if ``target`` exists, is not an empty folder and ``replace`` is off.
    """
    target = Path(os.path.abspath(target))
    top = _topmost_missing(target)  # what appears: the target itself or its first new parent
    recover(top.parent)
    work = _make_work(top)
    folder = work / _NEW / target.relative_to(top)
    try:
        folder.mkdir(parents=True)
        yield folder
        _swap(work, top, replace)
    except BaseException:
        _undo(work, top)
        raise
    with contextlib.suppress(OSError):  # the export is in place; a leftover is cleaned later
        _remove_work(work)


def recover(parent: str | Path) -> list[str]:
    """Finish what killed exports left in ``parent``: put back a target moved aside but never
    replaced, remove work folders. Only folders with our name pattern *and* marker, written by
    a process that is gone, are touched. Returns one line per folder dealt with."""
    parent = Path(parent)
    done: list[str] = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return done
    for entry in entries:
        m = _WORK.match(entry.name)
        if m is None or not entry.is_dir(follow_symlinks=False):
            continue
        work = Path(entry.path)
        if not (work / MARKER).exists():
            # Another process creates its work folder, then writes the marker: a fresh folder
            # without one is that moment, not a leftover (removing it failed a sibling save).
            with contextlib.suppress(OSError):  # an old empty one is harmless to remove
                if time.time() - entry.stat(follow_symlinks=False).st_mtime > FRESH_SECONDS:
                    work.rmdir()
                    done.append(f"removed the empty folder {work}")
            continue
        owner = _read_marker(work)
        if owner is None or owner.get("target") != m["target"] or _alive(owner):
            continue
        target = parent / m["target"]
        try:
            if (work / _OLD).exists() and not os.path.lexists(target):
                os.rename(work / _OLD, target)
                done.append(f"restored {target} from an interrupted replacement")
            _remove_work(work)
            done.append(f"removed the unfinished export {work}")
        except OSError:
            continue
    return done


# --- the steps -------------------------------------------------------------------------------
def _topmost_missing(target: Path) -> Path:
    """``target`` if its parent exists, else its topmost ancestor that does not exist."""
    top = target
    while not top.parent.exists() and top.parent != top:
        top = top.parent
    return top


def _make_work(top: Path) -> Path:
    work = top.parent / f".{top.name}.mmn-sim-{secrets.token_hex(6)}"
    work.mkdir()
    try:
        _write_marker(work, top.name)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return work


def _swap(work: Path, top: Path, replace: bool) -> None:
    """New folder in, old target out (into the work folder): nothing is deleted before."""
    new = work / _NEW
    _fsync(new)
    if os.path.lexists(top):
        if not replace and not (top.is_dir() and not any(top.iterdir())):
            raise FileExistsError(17, "exists and is not empty", str(top))
        if _exchange(new, top):  # one step: the old target is now the work folder's "new"
            _fsync(top.parent)
            return
        os.rename(top, work / _OLD)
    os.rename(new, top)
    _fsync(top.parent)


@functools.cache
def _renameat2() -> Any:
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    except (OSError, TypeError):  # no C library to ask (e.g. Windows)
        return None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths atomically (Linux); False where the system cannot."""
    fn = _renameat2()
    if fn is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM):
        return False  # not supported here: fall back to two renames
    raise OSError(err, os.strerror(err), str(b))


def _undo(work: Path, top: Path) -> None:
    """After a failure: the old target back if it was moved aside, the work folder gone."""
    with contextlib.suppress(OSError):
        if (work / _OLD).exists() and not os.path.lexists(top):
            os.rename(work / _OLD, top)
    with contextlib.suppress(OSError):
        _remove_work(work)


def _remove_work(work: Path) -> None:
    """Everything but the marker first, then the marker, then the folder: until the very end
    the folder is recognisably ours, so a kill half-way is still cleaned up next time."""
    for child in work.iterdir():
        if child.name == MARKER:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    (work / MARKER).unlink(missing_ok=True)
    work.rmdir()


# --- the marker ------------------------------------------------------------------------------
def _write_marker(work: Path, target: str) -> None:
    """Who writes this work folder: one small write, so a kill leaves it whole or absent."""
    info = {"target": target, "pid": os.getpid(), "host": socket.gethostname(),
            "started": _start_time(os.getpid())}
    fd = os.open(work / MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, json.dumps(info).encode("utf-8"))
    finally:
        os.close(fd)


def _read_marker(work: Path) -> dict | None:
    try:
        info = json.loads((work / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def _alive(owner: dict) -> bool:
    """Whether the process that wrote a marker may still be writing (if unsure: yes)."""
    pid = owner.get("pid")
    if owner.get("host") != socket.gethostname() or not isinstance(pid, int) or pid <= 0:
        return True  # another machine's (a shared disk) or unreadable: leave it alone
    if os.name == "nt":  # os.kill would end the process there, not test it
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    started = owner.get("started")
    # A live process with that number but another start time is a new process: ours is gone.
    return started is None or _start_time(pid) in (None, started)


def _start_time(pid: int) -> str | None:
    """A process's start time in clock ticks since boot (Linux), to tell a reused pid apart."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[19]


def _fsync(path: Path) -> None:
    """Flush a folder's entries to disk (so a power cut after a rename keeps it); best effort."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
