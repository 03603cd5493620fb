"""A real app on a fresh, migrated SQLite database with the test tenants loaded."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from storage.config_loader import load_config
from storage.db import session_scope
from tests.db import fresh_database
from tests.web.tenants import config
from web.app import create_app
from web.settings import WebSettings


@pytest.fixture
def tenant_db(tmp_path):
    with fresh_database("sqlite", tmp_path) as database:
        with session_scope(database.engine) as session:
            load_config(session, config())
        yield database


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
