"""Typed storage errors: a stable `code` for programs, a German `message` for people."""

from __future__ import annotations


class StorageError(Exception):
    code = "storage.error"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class RetentionError(StorageError):
    code = "storage.retention"


class NotFound(StorageError):
    code = "storage.not_found"


class ConcurrentUpdate(StorageError):
    """Someone else changed the row first (optimistic locking lost)."""

    code = "storage.concurrent_update"


class ConfigError(StorageError):
    code = "config.invalid"
