"""The compiled engine's cache: built at install, found on a read-only install, never a crash.

A shared lab install: the package folder and the home folder are read-only, NUMBA_CACHE_DIR is
unset. numba alone then refused to import the kernel ("cannot cache function ...: no locator
available"); :mod:`sim.vector.cache` falls back to a private temporary folder, seeded from the
cache the install step built, or compiles without a cache with one warning line.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim.vector import cache

ROOT = Path(__file__).resolve().parent.parent


def _as_unprivileged():
    """Root ignores file permissions; drop that power (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH)
    from the child process, as an ordinary user has it."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP: gone from the program it runs
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _installed_cache_files() -> list[Path]:
    """The kernel's cache files as this test process has them (built if missing)."""
    from numba.core.caching import _CacheLocator

    from sim import vector
    from sim.vector import kernel, warm

    warm.warm(["untreated"])
    here = Path(vector.CACHE)
    if here.name != "__pycache__":  # a NUMBA_CACHE_DIR: numba's sub-folder for sim/vector
        here = here / _CacheLocator.get_suitable_cache_subpath(kernel.__file__)
    return [f for f in here.iterdir() if f.name.startswith("kernel.")
            and f.suffix in (".nbi", ".nbc")]


def _read_only_install(tmp_path: Path, seed_cache: bool) -> tuple[Path, dict[str, str]]:
    """A copy of the package (presets included, as the wheel has them) in a read-only folder, a
    read-only home, and the environment of a user of it; returns (install folder, env)."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "sim", site / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "scenarios", site / "sim" / "_presets")
    if seed_cache:  # what the install step (python -m sim.vector.warm) left
        (site / "sim" / "vector" / "__pycache__").mkdir()
        for f in _installed_cache_files():
            shutil.copy2(f, site / "sim" / "vector" / "__pycache__" / f.name)
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "tmp").mkdir()
    for folder, _dirs, _files in os.walk(site):
        os.chmod(folder, 0o555)
    home.chmod(0o555)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("NUMBA_") and k not in ("XDG_CACHE_HOME", "PYTHONPATH")}
    env.update(HOME=str(home), TMPDIR=str(tmp_path / "tmp"), PYTHONPATH=str(site))
    return site, env


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=cwd, capture_output=True, text=True,
        timeout=600, check=False, preexec_fn=_as_unprivileged if os.geteuid() == 0 else None)


def _unlock(tmp_path: Path) -> None:
    """Writable again, so that pytest can remove them."""
    for top in (tmp_path / "site", tmp_path / "home"):
        for folder, _dirs, _files in os.walk(top):
            os.chmod(folder, 0o755)


def test_the_child_really_cannot_write_the_install_or_the_home(tmp_path):
    site, env = _read_only_install(tmp_path, seed_cache=False)
    try:
        probe = ("import sys\nfor d in sys.argv[1:]:\n    try:\n        open(d + '/probe', 'w')\n"
                 "    except PermissionError:\n        print('denied', d)\n")
        res = _run(["-c", probe, str(site / "sim" / "vector"), env["HOME"]], env, tmp_path)
    finally:
        _unlock(tmp_path)
    assert res.stdout.split("\n")[:2] == [f"denied {site / 'sim' / 'vector'}",
                                          f"denied {env['HOME']}"], res.stderr


@pytest.mark.slow
def test_a_cohort_from_a_read_only_install_uses_the_installed_cache_from_a_private_folder(
        tmp_path):
    site, env = _read_only_install(tmp_path, seed_cache=True)
    env["NUMBA_DEBUG_CACHE"] = "1"  # numba says where it loads or saves each function
    out = tmp_path / "tmp" / "out"
    try:
        res = _run(["-m", "sim", "cohort", "untreated", "--n", "3", "--years", "1", "--quiet",
                    "--out", str(out)], env, tmp_path)
    finally:
        _unlock(tmp_path)
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr and "no locator" not in res.stderr
    assert (out / "manifest.json").is_file()
    private = tmp_path / "tmp" / f"mmn-sim-numba-{os.getuid()}"
    assert (private.stat().st_mode & 0o777) == 0o700
    assert f"data loaded from '{private}" in res.stdout  # the install's cache, copied
    assert "data saved" not in res.stdout  # nothing compiled
    assert not (site / "sim" / "vector" / "__pycache__" / "probe").exists()


def test_with_no_safe_folder_the_kernel_compiles_uncached_after_one_warning(tmp_path):
    site, env = _read_only_install(tmp_path, seed_cache=False)
    squatted = tmp_path / "tmp" / f"mmn-sim-numba-{os.getuid()}"
    squatted.mkdir()
    squatted.chmod(0o777)  # anyone could plant pickles here: must not be used
    check = ("import sim.vector as v, sim.vector.kernel as k\n"
             "print(v.CACHE, type(k.simulate_many._cache).__name__)\n")
    try:
        res = _run(["-c", check], env, tmp_path)
    finally:
        _unlock(tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout == "None NullCache\n"
    assert res.stderr == cache.WARNING
    assert list(squatted.iterdir()) == []


def test_a_private_temporary_folder_must_be_ours_alone(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    made = cache.private_temp_folder()
    assert made == tmp_path / f"mmn-sim-numba-{os.getuid()}"
    assert (made.stat().st_mode & 0o777) == 0o700
    made.chmod(0o775)  # group-writable
    assert cache.private_temp_folder() is None
    made.rmdir()
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    made.symlink_to(tmp_path / "elsewhere")
    assert cache.private_temp_folder() is None


def test_an_unwritable_numba_cache_dir_is_passed_over(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "file" / "sub"))
    (tmp_path / "file").write_text("not a folder")
    package = tmp_path / "pkg"
    package.mkdir()
    assert cache._choose(package) == (None, True)  # the package's own __pycache__


def test_the_user_cache_folder_follows_xdg_then_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.user_cache_folder() == tmp_path / "xdg" / "mmn-sim" / "numba"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")  # ignored, as the XDG rules say
    monkeypatch.setenv("HOME", str(tmp_path / "h"))
    assert cache.user_cache_folder() == tmp_path / "h" / ".cache" / "mmn-sim" / "numba"


def test_the_warm_up_covers_what_the_command_line_compiles(tmp_path):
    from sim.cli import main
    from sim.vector import kernel, warm

    warm.warm(["untreated"])
    before = (list(kernel.simulate_many.signatures), warm._counts()[1])
    for args in (["ivig-maintenance", "--population"], ["plasma-exchange", "--detail", "full"]):
        out = tmp_path / args[0]
        assert main(["cohort", *args, "--n", "2", "--years", "1", "--quiet",
                     "--out", str(out)]) == 0
    assert (list(kernel.simulate_many.signatures), warm._counts()[1]) == before


def test_the_warm_up_covers_what_the_mechanism_page_compiles():
    from sim.electro.fibre import FibreSpec, NodeDamage, Pulse, kernel, safety_factor, sweep
    from sim.electro.fibre.population import segment_fibres
    from sim.vector import warm

    warm.warm(["untreated"])
    before = {name: list(f.signatures) for name, f in vars(kernel).items()
              if hasattr(f, "signatures")}
    assert before["run"]  # the fibre kernel itself was compiled (or loaded) by the warm-up
    segment_fibres(0.5, 0.3, 0.1, n=10, seed=0, temperature_c=30.0)
    damaged = FibreSpec(damage=NodeDamage.from_severity(0.6), hold_na=-0.03)
    sweep(damaged, (Pulse(0.2), Pulse(1.2)))
    safety_factor(damaged)
    after = {name: list(f.signatures) for name, f in vars(kernel).items()
             if hasattr(f, "signatures")}
    assert after == before


def test_seeding_copies_the_install_cache_once_and_again_when_the_install_is_newer(tmp_path):
    from numba.core.caching import _CacheLocator

    package = tmp_path / "pkg"
    (package / "__pycache__").mkdir(parents=True)
    src = package / "__pycache__" / "kernel.f-1.py311.nbi"
    src.write_bytes(b"install v1")
    folder = tmp_path / "cache"
    dest = folder / _CacheLocator.get_suitable_cache_subpath(str(package / "kernel.py")) / src.name
    cache._seed(package, folder)
    assert dest.read_bytes() == b"install v1"
    dest.write_bytes(b"compiled here")  # newer than the install's: kept
    cache._seed(package, folder)
    assert dest.read_bytes() == b"compiled here"
    src.write_bytes(b"install v2")
    os.utime(src, (dest.stat().st_mtime + 10, dest.stat().st_mtime + 10))
    cache._seed(package, folder)
    assert dest.read_bytes() == b"install v2"
