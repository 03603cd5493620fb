"""Alembic creates the schema from empty and removes it again, on both databases, and the
migrations describe exactly the tables the models declare."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from storage.migrate import current_revision, downgrade, upgrade
from storage.models import metadata
from tests.db import database, fresh_database  # noqa: F401  (fixture)


def test_upgrade_head_then_downgrade_base_round_trips(database):
    tables = set(metadata.tables)
    assert tables <= set(inspect(database.engine).get_table_names())
    assert current_revision(database.engine) is not None

    downgrade(engine=database.engine)
    assert set(inspect(database.engine).get_table_names()) - {"alembic_version"} == set()
    assert current_revision(database.engine) is None

    upgrade(engine=database.engine)
    assert tables <= set(inspect(database.engine).get_table_names())


def test_migrations_match_the_models(database):
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        diff = compare_metadata(context, metadata)
    assert diff == []


def test_upgrade_from_empty_through_url(tmp_path):
    with fresh_database("sqlite", tmp_path, migrate=False) as db:
        assert inspect(db.engine).get_table_names() == []
        upgrade(db.url)
        upgrade(db.url)  # already at head: nothing to do, no error
        assert "invoice" in inspect(db.engine).get_table_names()
