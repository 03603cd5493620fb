"""Engine set-up: the default URL, driver normalisation and SQLite's safety pragmas."""

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage.db import database_url, make_engine, normalise_url, session_scope
from storage.models import Invoice
from tests.db import database  # noqa: F401


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
