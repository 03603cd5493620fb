"""Original documents: content-addressed by SHA-256, immutable, kept until their retention date.

`DocumentStore` is the small interface a store implements (an S3-compatible one could later);
`FileSystemDocumentStore` keeps files under var/documents/ab/cd/<sha256>.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.errors import NotFound, RetentionError, StorageError
from storage.models import Document, utcnow

DEFAULT_RETENTION_YEARS = 10  # GoBD / HGB § 257: ten years for invoices


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def retention_date(received: date | datetime, years: int = DEFAULT_RETENTION_YEARS) -> date:
    """End of the calendar year `years` after receipt (the retention period starts at year end)."""
    return date(received.year + years, 12, 31)


class DocumentStore(Protocol):
    def put(self, data: bytes) -> str:
        """Store the bytes (no-op when present); return the SHA-256, which is the key."""

    def get(self, sha256: str) -> bytes: ...

    def exists(self, sha256: str) -> bool: ...

    def delete(self, sha256: str, retain_until: date, today: date | None = None) -> None:
        """Remove the bytes; refused with RetentionError before `retain_until`."""


class FileSystemDocumentStore:
    def __init__(self, root: str | os.PathLike = "var/documents", retention_years: int = DEFAULT_RETENTION_YEARS):
        self.root = Path(root)
        self.retention_years = retention_years

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise NotFound(f"„{sha256}“ ist keine SHA-256-Prüfsumme.", "document.bad_key")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        digest = sha256_hex(data)
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o444)
            # link() fails if the target exists: a concurrent writer of the same bytes wins,
            # and nothing is ever overwritten
            try:
                os.link(tmp, target)
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
        return digest

    def get(self, sha256: str) -> bytes:
        try:
            data = self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise NotFound(f"Das Dokument {sha256} liegt nicht im Dokumentenspeicher.", "document.missing") from None
        if sha256_hex(data) != sha256:
            raise StorageError(f"Das Dokument {sha256} wurde verändert.", "document.corrupt")
        return data

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def delete(self, sha256: str, retain_until: date, today: date | None = None) -> None:
        today = today or date.today()
        if today <= retain_until:
            raise RetentionError(
                f"Das Dokument {sha256} ist bis {retain_until:%d.%m.%Y} aufzubewahren und darf nicht gelöscht werden."
            )
        self.path(sha256).unlink(missing_ok=True)


def store_document(
    session: Session,
    store: DocumentStore,
    data: bytes,
    filename: str | None,
    media_type: str,
    received_at: datetime | None = None,
    retention_years: int | None = None,
) -> tuple[Document, bool]:
    """The Document for these bytes and whether it is new. The same bytes twice, even at the
    same moment from two sessions, end as one row: the unique sha256 decides."""
    digest = store.put(data)
    existing = session.exec(select(Document).where(Document.sha256 == digest)).first()
    if existing is not None:
        return existing, False
    received_at = received_at or utcnow()
    years = retention_years or getattr(store, "retention_years", DEFAULT_RETENTION_YEARS)
    document = Document(
        sha256=digest,
        size=len(data),
        media_type=media_type,
        filename=filename,
        storage_key=digest,
        received_at=received_at,
        retain_until=retention_date(received_at, years),
    )
    try:
        with session.begin_nested():
            session.add(document)
    except IntegrityError:
        # another session stored the same bytes between our SELECT and INSERT
        winner = session.exec(select(Document).where(Document.sha256 == digest)).one()
        return winner, False
    return document, True


def delete_document(session: Session, store: DocumentStore, document: Document, today: date | None = None) -> None:
    """Delete an original after its retention date (refused before), bytes and row."""
    store.delete(document.sha256, document.retain_until, today)
    session.delete(document)
