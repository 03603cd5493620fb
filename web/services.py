"""The long-lived things a request works with: database engine, document store, Temporal client.

Built once per app. Temporal is connected on first use, so the portal and the clerk pages
work (read-only) while Temporal is still starting or down; actions then answer 503.
"""

from __future__ import annotations

import asyncio
import logging
from functools import cached_property

from fastapi import Request
from sqlalchemy.engine import Engine

from web.problems import Problem
from web.settings import WebSettings

log = logging.getLogger(__name__)


class Services:
    def __init__(self, settings: WebSettings, *, engine: Engine | None = None):
        self.settings = settings
        self._engine = engine
        self._client = None
        self._lock = asyncio.Lock()

    @cached_property
    def engine(self) -> Engine:
        if self._engine is not None:
            return self._engine
        from storage.db import make_engine

        return make_engine(self.settings.database_url)

    @cached_property
    def store(self):
        from storage.documents import FileSystemDocumentStore

        return FileSystemDocumentStore(self.settings.documents_root)

    async def temporal(self):
        if self._client is not None:
            return self._client
        async with self._lock:
            if self._client is None:
                from workflows.client import connect

                try:
                    self._client = await connect(
                        self.settings.temporal_address, namespace=self.settings.temporal_namespace
                    )
                except Exception as exc:  # connection refused, timeout, TLS …
                    log.warning("Temporal at %s unreachable: %s", self.settings.temporal_address, exc)
                    raise Problem(
                        503,
                        "temporal.unavailable",
                        "Der Freigabe-Dienst ist gerade nicht erreichbar. Bitte in einigen Minuten erneut versuchen.",
                    ) from exc
        return self._client

    def close(self) -> None:
        if "engine" in self.__dict__ and self._engine is None:
            self.engine.dispose()


def services(request: Request) -> Services:
    return request.app.state.services
