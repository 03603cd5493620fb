"""Engine and sessions for SQLite (default, file under var/) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

REPO = Path(__file__).resolve().parent.parent
SQLITE_BUSY_TIMEOUT_MS = 30_000


def database_url() -> str:
    """DATABASE_URL, or the SQLite file var/rechnungslauf.db (var/ is created)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return normalise_url(url)
    var = Path(os.environ.get("RECHNUNGSLAUF_VAR", "var"))
    var.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{var / 'rechnungslauf.db'}"


def normalise_url(url: str) -> str:
    """Plain postgres:// URLs get the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


READ_ONLY = "rechnungslauf_read_only"


def make_engine(url: str | None = None, **kwargs) -> Engine:
    url = normalise_url(url or database_url())
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url, **kwargs)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_engine(url: str, **kwargs) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("check_same_thread", False)
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so that
        # SAVEPOINTs (used for idempotent inserts) work
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # IMMEDIATE: take the write lock at the start, waiting up to the busy timeout. A
        # deferred transaction that read first and writes later fails at once with "database
        # is locked" when another writer committed meanwhile; this one waits its turn instead.
        # A read-only transaction (read_scope) stays deferred: under WAL it never waits for
        # writers, and writers never wait for it.
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def is_sqlite(engine_or_session) -> bool:
    bind = getattr(engine_or_session, "bind", None) or engine_or_session
    return bind.dialect.name == "sqlite"


def _refuse_writes(session, flush_context, instances):
    raise RuntimeError("read_scope is for reading only; a write here would be rolled back and lost")


@contextmanager
def read_scope(engine: Engine) -> Iterator[Session]:
    """A transaction that only reads (pages, lists, status): never takes SQLite's write lock.
    Writing in it is refused."""
    with Session(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False) as session:
        event.listen(session, "before_flush", _refuse_writes)
        # closing ends the transaction and detaches the rows with their loaded values (a
        # rollback would expire them, and they are used after the block)
        yield session


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: commit when the block ends normally, roll back on an exception."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
