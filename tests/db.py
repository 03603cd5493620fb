"""Fresh, migrated databases for tests: `fresh_database(kind, tmp_path)`.

SQLite: a file in tmp_path. PostgreSQL: a new schema in the database `test` on
127.0.0.1:5432, named per run, reached through a URL whose search_path points at it (so a
worker or web process given that URL sees the same schema); dropped afterwards.

    from tests.db import database  # fixture, parametrised over sqlite and postgres

    def test_something(database):
        with session_scope(database.engine) as session: ...

or `with fresh_database("postgres", tmp_path) as db: ...` for one backend.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from storage.db import make_engine
from storage.migrate import upgrade

PG_SERVER = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgres")


@dataclass
class TestDatabase:
    __test__ = False  # not a pytest test class

    kind: str
    url: str
    engine: Engine
    schema: str | None = None


@contextmanager
def fresh_database(kind: str, tmp_path: Path, migrate: bool = True) -> Iterator[TestDatabase]:
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / f'test-{uuid.uuid4().hex[:8]}.db'}"
        engine = make_engine(url)
        try:
            if migrate:
                upgrade(engine=engine)
            yield TestDatabase(kind, url, engine)
        finally:
            engine.dispose()
        return
    if kind != "postgres":
        raise ValueError(kind)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in PG_SERVER else "?"
    url = f"{PG_SERVER}{separator}options={quote(f'-csearch_path={schema}')}"
    engine = make_engine(url)
    try:
        if migrate:
            upgrade(engine=engine)
        yield TestDatabase(kind, url, engine, schema)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def _param(kind: str):
    return pytest.param(kind, marks=[pytest.mark.postgres] if kind == "postgres" else [], id=kind)


@pytest.fixture(params=[_param(kind) for kind in BACKENDS])
def database(request, tmp_path) -> Iterator[TestDatabase]:
    """A fresh migrated database, once on SQLite and once on PostgreSQL."""
    with fresh_database(request.param, tmp_path) as db:
        yield db


@pytest.fixture
def sqlite_database(tmp_path) -> Iterator[TestDatabase]:
    with fresh_database("sqlite", tmp_path) as db:
        yield db


@pytest.fixture
def postgres_database(tmp_path) -> Iterator[TestDatabase]:
    with fresh_database("postgres", tmp_path) as db:
        yield db
