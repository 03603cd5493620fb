"""A real app on a fresh, migrated SQLite database with the test tenants loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storage.config_loader import load_config
from storage.db import make_engine, session_scope
from tests.db import TestDatabase, fresh_database
from tests.web.tenants import config
from web.app import create_app
from web.settings import WebSettings


@pytest.fixture(scope="session")
def tenant_template(tmp_path_factory) -> Path:
    """Migrating and loading once per run; each test gets its own copy of the file."""
    folder = tmp_path_factory.mktemp("tenant-template")
    with fresh_database("sqlite", folder) as database:
        with session_scope(database.engine) as session:
            load_config(session, config())
        path = Path(database.engine.url.database)
    return path


@pytest.fixture
def tenant_db(tenant_template, tmp_path):
    path = tmp_path / "web.db"
    shutil.copyfile(tenant_template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    yield TestDatabase("sqlite", url, engine)
    engine.dispose()


@pytest.fixture
def settings(tenant_db, tmp_path) -> WebSettings:
    return WebSettings(
        database_url=tenant_db.url,
        documents_root=tmp_path / "documents",
        secure_cookies=False,
        session_secret="test-secret-web",
        temporal_address="127.0.0.1:1",  # nothing listens: these tests never reach Temporal
    )


@pytest.fixture
def client(settings):
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client
