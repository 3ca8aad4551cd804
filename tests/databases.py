"""Real databases for the class-mode tests: a SQLite file, and a PostgreSQL server started
from Debian's ``postgresql`` package in a temporary folder (``.ci/run`` installs it).

The server runs as the ``postgres`` user when the tests run as root (PostgreSQL refuses to run
as root), listens on 127.0.0.1 on a free port with trust authentication, and is stopped when
the test session ends. Each test gets a database of its own.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from functools import cache
from pathlib import Path

__all__ = ["postgres_url", "sqlite_url", "new_database", "KINDS"]

KINDS = ("sqlite", "postgresql")
_counter = itertools.count()


def _bin_dir() -> Path:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                  key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0)
    if dirs and (Path(dirs[-1]) / "initdb").exists():
        return Path(dirs[-1])
    raise RuntimeError("The class-mode tests need a PostgreSQL server: install Debian's "
                       "postgresql package (.ci/run does), then run the tests again.")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@cache
def postgres_url() -> str:
    """A running server for this test session (started on first use)."""
    bindir = _bin_dir()
    root = Path(tempfile.mkdtemp(prefix="mmn-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    port = _free_port()
    subprocess.run(_as_server_user([str(bindir / "initdb"), "-D", str(data), "-A", "trust",
                                    "-U", "postgres", "-E", "UTF8", "--no-locale",
                                    "--no-sync"]),
                   check=True, capture_output=True)
    opts = (f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
    subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts,
                                    "-l", str(root / "log"), "-w", "-t", "60", "start"]),
                   check=True, capture_output=True)

    def stop() -> None:
        subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m",
                                        "immediate", "stop"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)

    atexit.register(stop)
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / f'classes-{next(_counter)}.sqlite3'}"


def new_database(kind: str, folder: Path) -> str:
    """The URL of a new, empty database of ``kind``."""
    if kind == "sqlite":
        return sqlite_url(folder)
    import psycopg

    base = postgres_url()
    name = f"t{os.getpid()}_{next(_counter)}"
    with psycopg.connect(base.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + f"/{name}"
