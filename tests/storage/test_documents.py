"""Originals: content-addressed, one row per content even under concurrency, immutable,
kept until their retention date."""

import os
import stat
import threading
from datetime import date, datetime

import pytest
from sqlmodel import Session, func, select

from storage.db import session_scope
from storage.documents import FileSystemDocumentStore, delete_document, retention_date, sha256_hex, store_document
from storage.errors import NotFound, RetentionError, StorageError
from storage.models import Document
from tests.db import database, postgres_database  # noqa: F401
from tests.conftest import XML_RECHNUNG


@pytest.fixture
def store(tmp_path):
    return FileSystemDocumentStore(tmp_path / "documents")


def _an_official_invoice() -> bytes:
    files = sorted((XML_RECHNUNG / "UBL").glob("*.xml"))
    assert files, f"no test invoices under {XML_RECHNUNG}"
    return files[0].read_bytes()


def test_same_bytes_twice_is_one_document(database, store):
    data = _an_official_invoice()
    with session_scope(database.engine) as session:
        first, created = store_document(session, store, data, "a.xml", "application/xml")
        assert created
    with session_scope(database.engine) as session:
        again, created_again = store_document(session, store, data, "b.xml", "application/xml")
        assert not created_again
        assert again.id == first.id and again.filename == "a.xml"
        assert session.exec(select(func.count()).select_from(Document)).one() == 1
    assert first.sha256 == sha256_hex(data) and first.size == len(data)
    assert store.get(first.sha256) == data


def test_layout_is_content_addressed_and_read_only(store):
    digest = store.put(b"<Invoice/>")
    path = store.root / digest[:2] / digest[2:4] / digest
    assert path.read_bytes() == b"<Invoice/>"
    assert not os.stat(path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert store.put(b"<Invoice/>") == digest  # idempotent
    assert [p.name for p in path.parent.iterdir()] == [digest]  # no temporary files left behind


def test_a_changed_file_is_detected_not_served(store):
    digest = store.put(b"original")
    path = store.path(digest)
    os.chmod(path, 0o644)
    path.write_bytes(b"forged")
    with pytest.raises(StorageError) as error:
        store.get(digest)
    assert error.value.code == "document.corrupt"


def test_missing_and_malformed_keys_are_clear_errors(store):
    with pytest.raises(NotFound) as missing:
        store.get("a" * 64)
    assert missing.value.code == "document.missing"
    with pytest.raises(NotFound):
        store.get("../../etc/passwd")


def test_retention_refuses_delete(database, store):
    received = datetime(2026, 3, 1, 10, 0)
    with session_scope(database.engine) as session:
        document, _ = store_document(session, store, b"keep me", "k.xml", "application/xml", received_at=received)
    assert document.retain_until == date(2036, 12, 31)
    with session_scope(database.engine) as session:
        document = session.get(Document, document.id)
        with pytest.raises(RetentionError) as error:
            delete_document(session, store, document, today=date(2036, 12, 31))
        assert "31.12.2036" in error.value.message
    assert store.exists(document.sha256)
    with session_scope(database.engine) as session:
        assert session.get(Document, document.id) is not None
        delete_document(session, store, session.get(Document, document.id), today=date(2037, 1, 1))
    assert not store.exists(document.sha256)


def test_retention_is_configurable():
    assert retention_date(date(2026, 5, 5)) == date(2036, 12, 31)
    assert retention_date(date(2026, 5, 5), years=6) == date(2032, 12, 31)


def test_store_refuses_delete_before_retention_directly(store):
    digest = store.put(b"x")
    with pytest.raises(RetentionError):
        store.delete(digest, retain_until=date.today())
    assert store.exists(digest)


@pytest.mark.postgres
def test_losing_inserter_gets_the_winners_row(postgres_database, store):
    """Deterministic race on PostgreSQL: the second session's INSERT waits for the first's
    uncommitted row, then hits the unique constraint and returns the committed winner."""
    data = b"<Invoice>race</Invoice>"
    engine = postgres_database.engine
    result = {}
    with Session(engine) as first:
        winner, created = store_document(first, store, data, "first.xml", "application/xml")
        assert created
        winner_id = winner.id

        def second():
            with session_scope(engine) as session:
                doc, was_created = store_document(session, store, data, "second.xml", "application/xml")
                result["row"] = (doc.id, was_created)

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(timeout=1)
        assert thread.is_alive()  # blocked on the unique index
        first.commit()
        thread.join(timeout=30)
    assert result["row"] == (winner_id, False)


@pytest.mark.slow
def test_concurrent_upload_of_the_same_bytes_is_one_row(database, store):
    data = _an_official_invoice()
    workers = 8
    barrier = threading.Barrier(workers)
    results, errors = [], []

    def upload():
        try:
            barrier.wait(timeout=30)
            with session_scope(database.engine) as session:
                doc, created = store_document(session, store, data, "same.xml", "application/xml")
                results.append((doc.id, created))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=upload) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(results) == workers
    assert len({doc_id for doc_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    with session_scope(database.engine) as session:
        assert session.exec(select(func.count()).select_from(Document)).one() == 1
