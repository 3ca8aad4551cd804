"""Where class mode keeps its data: the database URL, the engine, and the migrations.

SQLite by default, a file in a data directory created on first start (``MMN_SIM_DATA_DIR``,
else ``~/.local/share/mmn-sim``), in WAL mode with a busy timeout so that many students can
submit at once. Every SQLite transaction starts with ``BEGIN IMMEDIATE``: a transaction that
reads and then writes would otherwise fail at once, without waiting, when another holds the
write lock. A department points ``MMN_SIM_DATABASE_URL`` at PostgreSQL
(``postgresql+psycopg://user:password@host/db``); several server processes can then share it.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text

__all__ = ["DATABASE_URL_ENV", "DATA_DIR_ENV", "BUSY_TIMEOUT_MS", "database_url", "make_engine",
           "migrate", "describe"]

DATABASE_URL_ENV = "MMN_SIM_DATABASE_URL"
DATA_DIR_ENV = "MMN_SIM_DATA_DIR"
BUSY_TIMEOUT_MS = 10_000
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_PG_LOCK = 740_312_021  # advisory lock id: one process migrates at a time


def database_url() -> str:
    """``MMN_SIM_DATABASE_URL``, else the SQLite file in the data directory (created)."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        return url
    folder = Path(os.environ.get(DATA_DIR_ENV) or Path.home() / ".local" / "share" / "mmn-sim")
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'classes.sqlite3'}"


def describe(url: str) -> str:
    """The URL without its password, for messages and logs."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default :func:`database_url`), its schema migrated."""
    url = url or database_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000,
                                                  "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn, _record) -> None:  # noqa: ANN001 - DB-API objects
            dbapi_conn.isolation_level = None  # transactions are begun below, IMMEDIATE
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:  # noqa: ANN001
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=20, max_overflow=40)
    migrate(engine)
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (Alembic); safe to call from many processes."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK})
            conn.commit()
        try:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
        finally:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK})
                conn.commit()
