"""Run the Alembic migrations in storage/migrations programmatically."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from storage.db import make_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # hand over the engine itself: a URL in the ini mechanism would need '%' escaped
    config.attributes["engine"] = engine
    return config


def upgrade(url: str | None = None, revision: str = "head", engine: Engine | None = None) -> None:
    engine = engine or make_engine(url)
    command.upgrade(alembic_config(engine), revision)


def downgrade(url: str | None = None, revision: str = "base", engine: Engine | None = None) -> None:
    engine = engine or make_engine(url)
    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def new_revision(message: str, url: str | None = None) -> None:
    """For developers after changing models.py: write the next migration from the difference
    between the models and a database at head (review it before committing)."""
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "head")
    command.revision(alembic_config(engine), message=message, autogenerate=True)
