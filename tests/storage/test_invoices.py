"""Invoice rows: exact money, optimistic locking with an audit event per change, duplicates,
exports exactly once."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text

from domain.invoice import DocumentTotals, Invoice as DomainInvoice, Seller
from domain.status import InvoiceStatus
from domain.terms import parse_payment_terms
from storage.audit import events_of, verify_chains
from storage.db import session_scope
from storage.documents import FileSystemDocumentStore
from storage.errors import ConcurrentUpdate, NotFound
from storage.invoices import (
    create_invoice,
    find_duplicate,
    get_invoice,
    key_fields,
    record_export,
    set_status,
    update_invoice,
)
from storage.models import Invoice
from tests.db import database  # noqa: F401
from tests.storage.helpers import make_invoice


@pytest.fixture
def store(tmp_path):
    return FileSystemDocumentStore(tmp_path / "docs")


@pytest.mark.parametrize("amount", ["0.01", "1234567890123.45", "-0.10", "100.00", "19.999"])
def test_money_is_stored_exactly(database, store, amount):
    with session_scope(database.engine) as session:
        invoice = make_invoice(session, store, amount.encode(), amount_due=Decimal(amount))
    with session_scope(database.engine) as session:
        value = session.get(Invoice, invoice.id).amount_due
        assert isinstance(value, Decimal) and value == Decimal(amount)
        assert str(value) == amount


def test_float_amounts_are_refused(database, store):
    with pytest.raises(Exception, match="nie float"):
        with session_scope(database.engine) as session:
            make_invoice(session, store, b"<float/>", amount_due=0.1)


def test_create_invoice_is_idempotent_per_document(database, store):
    with session_scope(database.engine) as session:
        first = make_invoice(session, store, b"<a/>", number="A-1")
        again, created = create_invoice(session, first.document_id, number="other")
        assert (again.id, created, again.number) == (first.id, False, "A-1")
        assert [e.action for e in events_of(session, first.id)] == ["invoice.created"]


def test_key_fields_from_the_domain_model():
    invoice = DomainInvoice(
        number="RE-2026-17",
        issue_date=date(2026, 11, 2),
        type_code="380",
        currency="EUR",
        buyer_reference="08215017-AMT20-38",
        payment_terms="#SKONTO#TAGE=14#PROZENT=2.00#\n#SKONTO#TAGE=7#PROZENT=3.00#",
        payment_terms_detail=parse_payment_terms("#SKONTO#TAGE=14#PROZENT=2.00#\n#SKONTO#TAGE=7#PROZENT=3.00#"),
        seller=Seller(name="Bürobedarf Müller GmbH", vat_id="DE812345673"),
        totals=DocumentTotals(line_net_total=Decimal("1000.00"), tax_exclusive=Decimal("1000.00"),
                              tax_total=Decimal("190.00"), tax_inclusive=Decimal("1190.00"), amount_due=Decimal("1190.00")),
    )
    fields = key_fields(invoice)
    assert fields["gross_total"] == Decimal("1190.00") and fields["tax_total"] == Decimal("190.00")
    assert fields["skonto_date"] == date(2026, 11, 9)  # the earliest Skonto deadline
    assert fields["skonto_amount"] == Decimal("35.70")
    assert fields["seller_vat_id"] == "DE812345673"
    assert set(fields) <= set(Invoice.model_fields)


def test_update_with_a_stale_version_is_refused(database, store):
    with session_scope(database.engine) as session:
        invoice = make_invoice(session, store, b"<b/>")
        read_version = invoice.version
        set_status(session, invoice.id, InvoiceStatus.IN_FACTUAL_REVIEW, actor="a", expected_version=read_version)
        with pytest.raises(ConcurrentUpdate) as error:
            set_status(session, invoice.id, InvoiceStatus.WITHDRAWN, actor="b", expected_version=read_version)
        assert error.value.code == "storage.concurrent_update" and "geändert" in error.value.message
        current = get_invoice(session, invoice.id)
        assert (current.status, current.version) == (InvoiceStatus.IN_FACTUAL_REVIEW, read_version + 1)
        assert [e.action for e in events_of(session, invoice.id)] == ["invoice.created", "status.in_factual_review"]


def test_update_writes_before_and_after(database, store):
    with session_scope(database.engine) as session:
        invoice = make_invoice(session, store, b"<c/>")
        assignment = [{"gl_account": "443100", "cost_center": "2010", "product": "11.10.01", "net_amount": "84.03"}]
        update_invoice(session, invoice.id, actor="ett.sach1", action="account_assignment.set",
                       account_assignment=assignment, creditor_number="70001")
        event = events_of(session, invoice.id)[-1]
        assert event.before == {"account_assignment": None, "creditor_number": None}
        assert event.after == {"account_assignment": assignment, "creditor_number": "70001"}
        with pytest.raises(ValueError):
            update_invoice(session, invoice.id, actor="x", action="x", version=7)
        with pytest.raises(ValueError):
            update_invoice(session, invoice.id, actor="x", action="x", no_such_column=1)
        with pytest.raises(NotFound):
            update_invoice(session, 424242, actor="x", action="x", number="1")


def test_concurrent_decisions_on_one_invoice_one_wins(database, store):
    with session_scope(database.engine) as session:
        invoice = make_invoice(session, store, b"<d/>")
    barrier = threading.Barrier(2)
    outcome = []

    def decide(status):
        barrier.wait(timeout=30)
        try:
            with session_scope(database.engine) as session:
                set_status(session, invoice.id, status, actor=status, expected_version=1)
            outcome.append("won")
        except ConcurrentUpdate:
            outcome.append("lost")

    threads = [threading.Thread(target=decide, args=(s,)) for s in (InvoiceStatus.APPROVED, InvoiceStatus.WITHDRAWN)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcome) == ["lost", "won"]
    with session_scope(database.engine) as session:
        assert get_invoice(session, invoice.id).version == 2
        assert len(events_of(session, invoice.id)) == 2
        assert verify_chains(session) == []


def test_duplicates_by_supplier_or_vat_id(database, store):
    with session_scope(database.engine) as session:
        first = make_invoice(session, store, b"<1/>", number="R-9", seller_vat_id="DE812345673")
        second = make_invoice(session, store, b"<2/>", number="R-9", seller_vat_id="DE812345673")
        other_seller = make_invoice(session, store, b"<3/>", number="R-9", seller_vat_id="DE298712340")
        assert find_duplicate(session, second).id == first.id
        assert find_duplicate(session, first) is None  # the earlier one is the original
        assert find_duplicate(session, other_seller) is None
        set_status(session, first.id, InvoiceStatus.REJECTED, actor="system")
        assert find_duplicate(session, second) is None  # a rejected invoice may be sent again


def test_export_is_recorded_exactly_once(database, store):
    with session_scope(database.engine) as session:
        invoice = make_invoice(session, store, b"<e/>")
        record, created = record_export(session, invoice.id, "datev", "EXTF_1.csv", "a" * 64)
        again, created_again = record_export(session, invoice.id, "datev", "EXTF_2.csv", "b" * 64)
        assert created and not created_again
        assert (again.id, again.file_name) == (record.id, "EXTF_1.csv")
        assert record_export(session, invoice.id, "xrechnung_bundle", "b.zip", "c" * 64)[1]
    with pytest.raises(Exception):
        with database.engine.begin() as connection:
            connection.execute(text("INSERT INTO export_record (invoice_id, format, file_name, sha256, exported_at) "
                                    "VALUES (:i, 'datev', 'x', 'y', '2026-01-01')"), {"i": invoice.id})
