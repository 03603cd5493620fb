"""What the web app needs to know to start: database, document store, Temporal, cookies, limits."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import BaseModel, Field

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024


# environment variable -> setting (pydantic converts the text)
ENVIRONMENT = {
    "DATABASE_URL": "database_url",
    "RECHNUNGSLAUF_DOCUMENTS": "documents_root",
    "TEMPORAL_ADDRESS": "temporal_address",
    "TEMPORAL_NAMESPACE": "temporal_namespace",
    "RECHNUNGSLAUF_SESSION_SECRET": "session_secret",
    "RECHNUNGSLAUF_MAX_UPLOAD_BYTES": "max_upload_bytes",
}


def var_dir() -> Path:
    return Path(os.environ.get("RECHNUNGSLAUF_VAR", "var"))


def persistent_secret() -> str:
    """The signing key of sessions and clerk tokens, kept in var/ so that a restart logs
    nobody out; RECHNUNGSLAUF_SESSION_SECRET overrides it (several web processes need one key)."""
    path = var_dir() / "web-secret"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    secret = secrets.token_urlsafe(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process was first: use its key
        return path.read_text(encoding="ascii").strip()
    except OSError:  # read-only deployment: a key for this process only
        return secret
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secret)
    return secret


class WebSettings(BaseModel):
    database_url: str | None = None  # None: storage's default (env DATABASE_URL or var/rechnungslauf.db)
    documents_root: Path = Field(default_factory=lambda: var_dir() / "documents")
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    session_secret: str = Field(default_factory=persistent_secret)
    # True: cookies only over https; False: also over plain http (tests);
    # None: Secure exactly when the request came over https (e.g. `make run` on localhost)
    secure_cookies: bool | None = None
    session_max_age: int = 8 * 3600
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    page_size: int = 50

    @classmethod
    def from_env(cls, **overrides) -> WebSettings:
        """Settings from RECHNUNGSLAUF_* variables; keyword arguments win."""
        values: dict = {field: os.environ[name] for name, field in ENVIRONMENT.items() if name in os.environ}
        secure = os.environ.get("RECHNUNGSLAUF_SECURE_COOKIES")
        if secure is not None:
            values["secure_cookies"] = secure.strip().lower() in ("1", "true", "yes", "ja", "on")
        values.update(overrides)
        return cls(**values)
