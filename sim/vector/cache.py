"""Where the compiled engine keeps its machine code, chosen before the kernel is compiled.

Why: the kernel (:mod:`sim.vector.kernel`, ``cache=True``) is cached by numba in the
``__pycache__`` folder next to it, else in the user's cache folder. On a shared install that
users cannot write to, with a home folder they cannot write to either, numba finds neither and
refuses to import the kernel ("cannot cache function ...: no locator available"). So the folder
is chosen here, in this order:

1. ``NUMBA_CACHE_DIR`` when it is set and writable (the user's own choice);
2. the package's ``__pycache__`` when writable (numba's default, where the install step's
   warm-up, ``python -m sim.vector.warm``, puts the cache);
3. ``mmn-sim/numba`` in the user's cache folder (``$XDG_CACHE_HOME``, else ``~/.cache``);
4. a folder of this user's own in the system's temporary folder (``mmn-sim-numba-<uid>``,
   used only if this user owns it and nobody else can write to it: numba's cache files are
   pickles, so a folder another user can write to could run their code);
5. none: the engine is compiled in every process, and one warning line says so.

In cases 3 and 4 the folder is seeded with the cache the install step built in the package's
``__pycache__`` (a copy of its files: numba keys them on the source's content, not on where
they are kept), so even a read-only install compiles nothing at a user's first cohort.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["configure", "caching_disabled", "writable", "user_cache_folder", "private_temp_folder",
           "WARNING"]

WARNING = ("mmn-sim: warning: no writable folder for the compiled engine's cache (the package, "
           "the home folder and the temporary folder are read-only); the engine is compiled "
           "again in every run (tens of seconds). Set NUMBA_CACHE_DIR to a writable folder to "
           "avoid it.\n")


def writable(folder: Path) -> bool:
    """True when ``folder`` exists or can be made, and a file can be created in it (numba's own
    test of a cache folder)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:
        return False
    return True


def user_cache_folder() -> Path | None:
    """``$XDG_CACHE_HOME/mmn-sim/numba``, else ``~/.cache/mmn-sim/numba`` (None without a home)."""
    root = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(root):
        home = os.path.expanduser("~")
        if home == "~" or not os.path.isabs(home):
            return None
        root = os.path.join(home, ".cache")
    return Path(root) / "mmn-sim" / "numba"


def private_temp_folder() -> Path | None:
    """This user's folder in the temporary folder, made if missing; None if it cannot be made
    or is not safely ours (a symlink, another owner, or writable by others)."""
    try:
        base = tempfile.gettempdir()
    except OSError:  # no writable temporary folder at all
        return None
    owner = os.getuid() if hasattr(os, "getuid") else None
    folder = Path(base) / f"mmn-sim-numba-{owner if owner is not None else 'user'}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        st = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or st.st_mode & 0o022:
        return None
    if owner is not None and st.st_uid != owner:
        return None
    return folder if writable(folder) else None


def _choose(package: Path) -> tuple[Path | None, bool]:
    """(folder for NUMBA_CACHE_DIR or None for numba's default, whether caching is possible)."""
    given = os.environ.get("NUMBA_CACHE_DIR", "")
    if given and writable(Path(given)):
        return Path(given), True
    if writable(package / "__pycache__"):
        return None, True
    user = user_cache_folder()
    if user is not None and writable(user):
        return user, True
    temp = private_temp_folder()
    return temp, temp is not None


def _seed(package: Path, folder: Path) -> None:
    """Copy the install's cache files (``package/__pycache__``) that ``folder`` lacks, or has
    older, into the sub-folder numba uses there for the package's sources. Best effort: a
    failure only costs a compile."""
    try:
        from numba.core.caching import _CacheLocator

        sub = folder / _CacheLocator.get_suitable_cache_subpath(str(package / "kernel.py"))
        files = [f for f in (package / "__pycache__").iterdir() if f.suffix in (".nbi", ".nbc")]
        for src in sorted(files, key=lambda f: f.suffix == ".nbi"):  # data before index
            dest = sub / src.name
            if dest.exists() and dest.stat().st_mtime >= src.stat().st_mtime:
                continue  # copied before, or compiled here since: keep it
            sub.mkdir(parents=True, exist_ok=True)
            part = dest.with_name(f".{dest.name}.{os.getpid()}.part")
            shutil.copy2(src, part)  # with its time: a newer install cache is copied again
            os.replace(part, dest)  # atomic: another process sees the whole file or none
    except (OSError, ImportError, AttributeError, TypeError):
        return


def configure(package: Path) -> str | None:
    """Choose the cache folder for the kernel in ``package`` (see the module's docstring), set
    ``NUMBA_CACHE_DIR`` if needed, and return where the cache is kept, or None (no cache; the
    warning line has been written)."""
    folder, possible = _choose(package)
    if not possible:
        if sys.stderr is not None:
            sys.stderr.write(WARNING)
        return None
    if folder is None:
        return str(package / "__pycache__")
    if os.environ.get("NUMBA_CACHE_DIR") != str(folder):
        os.environ["NUMBA_CACHE_DIR"] = str(folder)
    import numba.core.config

    numba.core.config.reload_config()  # numba may have been imported before this module
    _seed(package, folder)
    return str(folder)


@contextlib.contextmanager
def caching_disabled(disabled: bool) -> Iterator[None]:
    """While active (and ``disabled``), ``@njit(cache=True)`` compiles without a cache instead
    of raising "no locator available": the decorated dispatchers keep numba's null cache."""
    if not disabled:
        yield
        return
    from numba.core.dispatcher import Dispatcher

    saved = Dispatcher.enable_caching

    def no_cache(self) -> None:
        return None

    Dispatcher.enable_caching = no_cache
    try:
        yield
    finally:
        Dispatcher.enable_caching = saved
