"""What the web app needs to know to start: database, document store, Temporal, cookies, limits."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import BaseModel, Field

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "ja", "on")


class WebSettings(BaseModel):
    database_url: str | None = None  # None: storage's default (env DATABASE_URL or var/rechnungslauf.db)
    documents_root: Path = Field(default_factory=lambda: Path(os.environ.get("RECHNUNGSLAUF_VAR", "var")) / "documents")
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    session_secret: str = Field(default_factory=lambda: secrets.token_urlsafe(32))
    # True: cookies only over https; False: also over plain http (tests);
    # None: Secure exactly when the request came over https (e.g. `make run` on localhost)
    secure_cookies: bool | None = None
    session_max_age: int = 8 * 3600
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    page_size: int = 50

    @classmethod
    def from_env(cls, **overrides) -> WebSettings:
        """Settings from RECHNUNGSLAUF_* variables; keyword arguments win."""
        values: dict = {}
        env = os.environ
        if "DATABASE_URL" in env:
            values["database_url"] = env["DATABASE_URL"]
        if "RECHNUNGSLAUF_DOCUMENTS" in env:
            values["documents_root"] = Path(env["RECHNUNGSLAUF_DOCUMENTS"])
        if "TEMPORAL_ADDRESS" in env:
            values["temporal_address"] = env["TEMPORAL_ADDRESS"]
        if "TEMPORAL_NAMESPACE" in env:
            values["temporal_namespace"] = env["TEMPORAL_NAMESPACE"]
        if "RECHNUNGSLAUF_SESSION_SECRET" in env:
            values["session_secret"] = env["RECHNUNGSLAUF_SESSION_SECRET"]
        if "RECHNUNGSLAUF_MAX_UPLOAD_BYTES" in env:
            values["max_upload_bytes"] = int(env["RECHNUNGSLAUF_MAX_UPLOAD_BYTES"])
        if "RECHNUNGSLAUF_SECURE_COOKIES" in env:
            values["secure_cookies"] = _env_bool("RECHNUNGSLAUF_SECURE_COOKIES", True)
        values.update(overrides)
        return cls(**values)
