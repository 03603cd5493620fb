"""The audit trail is a hash chain per invoice: any edit or deletion by SQL is found and named."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import threading

import pytest
from sqlalchemy import text

import cli
from domain.status import InvoiceStatus
from storage.audit import GENESIS, append_event, events_of, verify_chains
from storage.db import session_scope
from storage.documents import FileSystemDocumentStore
from storage.invoices import set_status
from tests.db import database  # noqa: F401
from tests.storage.helpers import make_invoice


@pytest.fixture
def trail(database, tmp_path):
    """Two invoices with a few events each; returns (database, [invoice ids])."""
    store = FileSystemDocumentStore(tmp_path / "docs")
    ids = []
    with session_scope(database.engine) as session:
        for n in range(2):
            invoice = make_invoice(session, store, f"<Invoice>{n}</Invoice>".encode())
            set_status(session, invoice.id, InvoiceStatus.IN_FACTUAL_REVIEW, actor="system")
            append_event(session, invoice.id, "ett.sach1", "factual_review.confirmed",
                         before={"amount": Decimal("100.00")}, after={"amount": Decimal("100.00"), "note": "geliefert ✓"})
            set_status(session, invoice.id, InvoiceStatus.IN_ARITHMETIC_REVIEW, actor="ett.sach1")
            ids.append(invoice.id)
    return database, ids


def test_events_are_chained(trail):
    database, ids = trail
    with session_scope(database.engine) as session:
        events = events_of(session, ids[0])
        assert [e.seq for e in events] == [1, 2, 3, 4]
        assert events[0].prev_hash == GENESIS
        assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:]))
        assert events[2].after == {"amount": "100.00", "note": "geliefert ✓"}  # Decimal as string
        assert events[1].before == {"status": "received"} and events[1].after == {"status": "in_factual_review"}
        assert verify_chains(session) == []


def _run_sql(database, sql, **params):
    with database.engine.begin() as connection:
        return connection.execute(text(sql), params).rowcount


def _broken(database):
    with session_scope(database.engine) as session:
        return verify_chains(session)


def test_edited_event_is_named(trail):
    database, ids = trail
    assert _run_sql(database, "UPDATE audit_event SET actor = 'mallory' WHERE invoice_id = :i AND seq = 3", i=ids[1]) == 1
    [link] = _broken(database)
    assert (link.chain, link.seq, link.code) == (f"invoice:{ids[1]}", 3, "audit.hash")
    assert "verändert" in link.message and link.event_id is not None


def test_edited_before_after_json_is_named(trail):
    database, ids = trail
    with session_scope(database.engine) as session:
        event = events_of(session, ids[0])[2]
    _run_sql(database, "UPDATE audit_event SET after = :v WHERE id = :id",
             v='{"amount": "10000.00", "note": "geliefert ✓"}', id=event.id)
    [link] = _broken(database)
    assert (link.seq, link.event_id, link.code) == (3, event.id, "audit.hash")


def test_rehashed_forgery_breaks_the_next_link(trail):
    """Someone who edits an event and recomputes its hash still breaks its successor."""
    database, ids = trail
    from storage.audit import event_hash

    with session_scope(database.engine) as session:
        event = events_of(session, ids[0])[1]
        session.expunge(event)
        event.actor = "mallory"
        forged = event_hash(event)
    _run_sql(database, "UPDATE audit_event SET actor = 'mallory', hash = :h WHERE id = :id", h=forged, id=event.id)
    [link] = _broken(database)
    assert (link.seq, link.code) == (3, "audit.prev_hash")


def test_deleted_event_is_named(trail):
    database, ids = trail
    _run_sql(database, "DELETE FROM audit_event WHERE invoice_id = :i AND seq = 2", i=ids[0])
    [link] = _broken(database)
    assert (link.chain, link.seq, link.code) == (f"invoice:{ids[0]}", 2, "audit.missing")


def test_cut_off_end_is_named(trail):
    database, ids = trail
    _run_sql(database, "DELETE FROM audit_event WHERE invoice_id = :i AND seq = 4", i=ids[0])
    [link] = _broken(database)
    assert (link.seq, link.code) == (4, "audit.truncated")


def test_deleted_chain_is_named(trail):
    database, ids = trail
    _run_sql(database, "DELETE FROM audit_event WHERE invoice_id = :i", i=ids[1])
    [link] = _broken(database)
    assert (link.chain, link.code) == (f"invoice:{ids[1]}", "audit.chain_deleted")


def test_only_the_first_broken_link_of_each_chain_is_reported(trail):
    database, ids = trail
    _run_sql(database, "UPDATE audit_event SET action = 'x' WHERE seq >= 2")
    links = _broken(database)
    assert sorted((l.chain, l.seq) for l in links) == sorted((f"invoice:{i}", 2) for i in ids)


def test_system_chain_and_explicit_time(database):
    with session_scope(database.engine) as session:
        at = datetime(2026, 11, 21, 23, 5, 7, 123456)
        event = append_event(session, None, "config", "config.loaded", after={"n": 1}, at=at)
        assert event.chain == "system" and event.seq == 1
    with session_scope(database.engine) as session:
        berlin = append_event(session, None, "config", "config.loaded",
                              at=datetime(2026, 11, 22, 0, 30, tzinfo=timezone(timedelta(hours=1))))
        assert berlin.at == datetime(2026, 11, 21, 23, 30)  # stored as naive UTC
    with session_scope(database.engine) as session:
        assert events_of(session, None)[0].at == at
        assert verify_chains(session) == []


def test_cli_audit_verify(trail, monkeypatch, capsys):
    database, ids = trail
    monkeypatch.setenv("DATABASE_URL", database.url)
    assert cli.main(["audit", "verify"]) == 0
    assert "in Ordnung" in capsys.readouterr().out
    _run_sql(database, "UPDATE audit_event SET actor = 'mallory' WHERE invoice_id = :i AND seq = 2", i=ids[0])
    assert cli.main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"invoice:{ids[0]}, Ereignis 2" in err and "audit.hash" in err


def test_concurrent_appends_do_not_fork_a_chain(trail):
    database, ids = trail
    workers, each = 6, 5
    barrier = threading.Barrier(workers)
    errors = []

    def append(n):
        try:
            barrier.wait(timeout=30)
            for k in range(each):
                with session_scope(database.engine) as session:
                    append_event(session, ids[0], f"clerk{n}", "note.added", after={"k": k})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with session_scope(database.engine) as session:
        events = events_of(session, ids[0])
        assert [e.seq for e in events] == list(range(1, 4 + workers * each + 1))
        assert verify_chains(session) == []
