"""What a supplier may see of an invoice: the coarse status, the reason of a rejection, the
validation report; never the internal steps, clerks or account assignment."""

from __future__ import annotations

from typing import Any

from domain.status import InvoiceStatus
from storage.models import Invoice

# stable API values of the supplier's view; the German labels come from domain.status
SUPPLIER_STATES = {
    InvoiceStatus.RECEIVED: "received",
    InvoiceStatus.REJECTED: "rejected",
    InvoiceStatus.IN_FACTUAL_REVIEW: "in_review",
    InvoiceStatus.IN_ARITHMETIC_REVIEW: "in_review",
    InvoiceStatus.AWAITING_PAYMENT_ORDER: "in_review",
    InvoiceStatus.APPROVED: "approved",
    InvoiceStatus.EXPORTED: "exported",
    InvoiceStatus.ARCHIVED: "exported",
    InvoiceStatus.WITHDRAWN: "withdrawn",
}


def supplier_state(status: str) -> tuple[str, str]:
    value = InvoiceStatus(status)
    return SUPPLIER_STATES[value], value.supplier_label


def rejection_reason(row: Invoice) -> str | None:
    if row.status != InvoiceStatus.REJECTED:
        return None
    if row.rejection_reason:
        return row.rejection_reason
    return "Die Rechnung hat die Prüfung nicht bestanden; Einzelheiten im Prüfbericht."


def _text(value) -> str | None:
    return None if value is None else str(value)


def supplier_invoice(row: Invoice, *, with_report: bool = True) -> dict[str, Any]:
    state, label = supplier_state(row.status)
    # a rejected invoice has no mapped key fields: the validator's reading of the document stands in
    written = (row.validation_report or {}).get("fields") or {}
    data: dict[str, Any] = {
        "id": row.id,
        "number": row.number or written.get("invoice_number") or None,
        "issue_date": _text(row.issue_date) or written.get("issue_date") or None,
        "seller_name": row.seller_name or written.get("seller_name") or None,
        "buyer_reference": row.buyer_reference or written.get("buyer_reference") or None,
        "currency": row.currency or written.get("currency") or None,
        "amount_due": _text(row.amount_due) or written.get("amount_due") or None,
        "received_at": row.created_at.isoformat() + "Z",
        "status": state,
        "status_label": label,
        "accepted": bool(row.accepted),
        "reason": rejection_reason(row),
    }
    if row.duplicate_of_id is not None:
        data["duplicate_of"] = row.duplicate_of_id
    if with_report:
        data["report"] = row.validation_report
    return data
