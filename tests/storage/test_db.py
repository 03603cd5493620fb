"""Engine set-up: the default URL, driver normalisation and SQLite's safety pragmas."""

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage.db import database_url, make_engine, normalise_url, session_scope
from storage.models import Invoice
from tests.db import database, sqlite_database  # noqa: F401


def test_default_url_is_a_sqlite_file_under_var(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert database_url() == "sqlite:///var/rechnungslauf.db"
    assert (tmp_path / "var").is_dir()


def test_postgres_urls_get_the_psycopg_driver(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert database_url() == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_sqlite_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'p.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000
    assert Path(tmp_path / "sub").is_dir()
    engine.dispose()


def test_foreign_keys_are_enforced(database):
    with pytest.raises(IntegrityError):
        with session_scope(database.engine) as session:
            session.add(Invoice(document_id=987654))


def test_savepoint_rollback_keeps_the_outer_transaction(database):
    with session_scope(database.engine) as session:
        session.execute(text("INSERT INTO supplier (key, name) VALUES ('a', 'A')"))
        with pytest.raises(IntegrityError):
            with session.begin_nested():
                session.execute(text("INSERT INTO supplier (key, name) VALUES ('a', 'A again')"))
        session.execute(text("INSERT INTO supplier (key, name) VALUES ('b', 'B')"))
    with session_scope(database.engine) as session:
        assert session.execute(text("SELECT key FROM supplier ORDER BY key")).scalars().all() == ["a", "b"]


def test_a_reader_does_not_queue_behind_an_open_write_transaction(database):
    """Pages and status reads use read_scope; on SQLite a writer holds the write lock for its
    whole transaction, and a reader must still answer at once (from the last commit)."""
    import threading
    import time

    from sqlmodel import func, select

    from storage.db import read_scope, session_scope
    from storage.models import City

    with read_scope(database.engine) as session:
        before = session.exec(select(func.count()).select_from(City)).one()
    writing, release = threading.Event(), threading.Event()

    def writer():
        with session_scope(database.engine) as session:
            session.add(City(key="lesetest", name="Lesetest", ags="08999999", leitweg_id="08999999-12",
                             leitweg_coarse="08999999"))
            session.flush()
            writing.set()
            release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert writing.wait(10)
        started = time.monotonic()
        with read_scope(database.engine) as session:
            assert session.exec(select(func.count()).select_from(City)).one() == before
        assert time.monotonic() - started < 2
    finally:
        release.set()
        thread.join()
    with read_scope(database.engine) as session:
        assert session.exec(select(func.count()).select_from(City)).one() == before + 1


def test_a_write_in_a_read_scope_is_refused_not_lost(sqlite_database):
    from storage.db import read_scope
    from storage.models import City

    with pytest.raises(RuntimeError):
        with read_scope(sqlite_database.engine) as session:
            session.add(City(key="x", name="X", ags="08999999", leitweg_id="08999999-12", leitweg_coarse="08999999"))
            session.flush()
