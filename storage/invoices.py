"""Invoice rows: create idempotently from a document, change them with optimistic locking
(every change writes an audit event), find duplicates, record exports exactly once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from domain.invoice import Invoice as DomainInvoice
from domain.status import InvoiceStatus
from storage.audit import append_event, to_json_value
from storage.errors import ConcurrentUpdate, NotFound
from storage.models import ExportRecord, Invoice, utcnow

# columns a caller may not set through update_invoice
_PROTECTED = {"id", "document_id", "version", "created_at", "updated_at"}


def key_fields(invoice: DomainInvoice) -> dict[str, Any]:
    """The columns an Invoice row keeps from the parsed EN 16931 invoice."""
    totals = invoice.totals
    skonto_date = skonto_amount = None
    detail = invoice.payment_terms_detail
    if detail and detail.skonto:
        best = min(detail.skonto, key=lambda t: t.days)
        skonto_date = best.deadline(invoice.issue_date)
        skonto_amount = best.discount_amount(totals.amount_due)
    return {
        "type_code": invoice.type_code,
        "profile": invoice.specification_id,
        "number": invoice.number,
        "issue_date": invoice.issue_date,
        "seller_name": invoice.seller.name,
        "seller_vat_id": invoice.seller.vat_id,
        "buyer_reference": invoice.buyer_reference,
        "currency": invoice.currency,
        "net_total": totals.tax_exclusive,
        "tax_total": totals.tax_total,
        "gross_total": totals.tax_inclusive,
        "amount_due": totals.amount_due,
        "due_date": invoice.due_date,
        "skonto_date": skonto_date,
        "skonto_amount": skonto_amount,
    }


def create_invoice(session: Session, document_id: int, *, actor: str = "system", **fields: Any) -> tuple[Invoice, bool]:
    """The invoice row of a document, created once; the second call returns the first row."""
    existing = session.exec(select(Invoice).where(Invoice.document_id == document_id)).first()
    if existing is not None:
        return existing, False
    invoice = Invoice(document_id=document_id, **fields)
    try:
        with session.begin_nested():
            session.add(invoice)
            session.flush()
            append_event(session, invoice.id, actor, "invoice.created", after=_snapshot(invoice, fields.keys()))
    except IntegrityError:
        return session.exec(select(Invoice).where(Invoice.document_id == document_id)).one(), False
    return invoice, True


def get_invoice(session: Session, invoice_id: int) -> Invoice:
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFound(f"Rechnung {invoice_id} gibt es nicht.", "invoice.not_found")
    return invoice


def update_invoice(
    session: Session,
    invoice_id: int,
    *,
    actor: str,
    action: str,
    expected_version: int | None = None,
    **changes: Any,
) -> Invoice:
    """Change columns of an invoice in one atomic UPDATE … WHERE version = expected, bump the
    version, and append an audit event with the old and new values. Raises ConcurrentUpdate
    when someone else changed the invoice since `expected_version` was read."""
    bad = _PROTECTED.intersection(changes) | {k for k in changes if k not in Invoice.model_fields}
    if bad:
        raise ValueError(f"not changeable through update_invoice: {sorted(bad)}")
    invoice = get_invoice(session, invoice_id)
    if expected_version is None:
        expected_version = invoice.version
    before = _snapshot(invoice, changes.keys())
    result = session.execute(
        update(Invoice)
        .where(Invoice.id == invoice_id, Invoice.version == expected_version)
        .values(**changes, version=expected_version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ConcurrentUpdate(
            f"Die Rechnung {invoice_id} wurde inzwischen von jemand anderem geändert; bitte neu laden.",
        )
    session.refresh(invoice)
    append_event(session, invoice_id, actor, action, before=before, after=_snapshot(invoice, changes.keys()))
    return invoice


def set_status(
    session: Session,
    invoice_id: int,
    status: InvoiceStatus,
    *,
    actor: str,
    expected_version: int | None = None,
    action: str | None = None,
    **changes: Any,
) -> Invoice:
    return update_invoice(
        session,
        invoice_id,
        actor=actor,
        action=action or f"status.{InvoiceStatus(status).value}",
        expected_version=expected_version,
        status=InvoiceStatus(status).value,
        **changes,
    )


def find_duplicate(session: Session, invoice: Invoice) -> Invoice | None:
    """An earlier, not rejected invoice with the same number from the same seller
    (same supplier account or same VAT id)."""
    if not invoice.number:
        return None
    query = select(Invoice).where(
        Invoice.number == invoice.number,
        Invoice.id != invoice.id,
        Invoice.status != InvoiceStatus.REJECTED.value,
    )
    if invoice.supplier_id is not None:
        query = query.where(Invoice.supplier_id == invoice.supplier_id)
    elif invoice.seller_vat_id:
        query = query.where(Invoice.seller_vat_id == invoice.seller_vat_id)
    else:
        return None
    if invoice.id is not None:
        query = query.where(Invoice.id < invoice.id)
    return session.exec(query.order_by(Invoice.id)).first()


def record_export(
    session: Session,
    invoice_id: int,
    format: str,
    file_name: str,
    sha256: str,
    *,
    city_id: int | None = None,
    exported_at: datetime | None = None,
) -> tuple[ExportRecord, bool]:
    """Note that the invoice went into `file_name`; once per format. The second call returns
    the first record and False, so an exporter never puts an invoice into two files."""
    existing = _export_of(session, invoice_id, format)
    if existing is not None:
        return existing, False
    record = ExportRecord(
        invoice_id=invoice_id,
        city_id=city_id,
        format=format,
        file_name=file_name,
        sha256=sha256,
        exported_at=exported_at or utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(record)
    except IntegrityError:
        return _export_of(session, invoice_id, format), False
    return record, True


def _export_of(session: Session, invoice_id: int, format: str) -> ExportRecord | None:
    return session.exec(
        select(ExportRecord).where(ExportRecord.invoice_id == invoice_id, ExportRecord.format == format)
    ).first()


def _snapshot(invoice: Invoice, names) -> dict[str, Any]:
    return to_json_value({name: getattr(invoice, name) for name in names})
