"""An invoice as the clerk API shows it: internal status and step, amounts as strings."""

from __future__ import annotations

from typing import Any

from domain.status import InvoiceStatus
from storage.models import Invoice


def _text(value) -> str | None:
    return None if value is None else str(value)


def clerk_invoice(row: Invoice, *, with_report: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": row.id,
        "number": row.number,
        "issue_date": _text(row.issue_date),
        "seller_name": row.seller_name,
        "buyer_reference": row.buyer_reference,
        "currency": row.currency,
        "gross_total": _text(row.gross_total),
        "amount_due": _text(row.amount_due),
        "due_date": _text(row.due_date),
        "skonto_date": _text(row.skonto_date),
        "skonto_amount": _text(row.skonto_amount),
        "status": row.status,
        "status_label": InvoiceStatus(row.status).label,
        "accepted": row.accepted,
        "rejection_reason": row.rejection_reason,
        "account_assignment": row.account_assignment or [],
    }
    if with_report:
        data["report"] = row.validation_report
    return data
