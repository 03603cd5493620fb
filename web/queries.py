"""Read-only queries of the web: a supplier's invoices, a city's invoices (search), one invoice
within the caller's reach. Anything out of reach is "not found", never "forbidden"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_
from sqlmodel import Session, select

from domain.status import InvoiceStatus
from storage.models import Invoice, Supplier
from web.problems import not_found

STATUS_VALUES = {s.value for s in InvoiceStatus}


def supplier_invoices(session: Session, supplier_id: int, *, page: int = 1, page_size: int = 50) -> tuple[list[Invoice], int]:
    condition = Invoice.supplier_id == supplier_id
    rows = session.exec(
        select(Invoice).where(condition).order_by(Invoice.id.desc()).offset((page - 1) * page_size).limit(page_size)
    ).all()
    total = session.exec(select(func.count()).select_from(Invoice).where(condition)).one()
    return list(rows), total


def supplier_invoice_row(session: Session, supplier_id: int, invoice_id: int) -> Invoice:
    row = session.get(Invoice, invoice_id)
    if row is None or row.supplier_id != supplier_id:
        raise not_found()
    return row


def city_invoice_row(session: Session, city_id: int, invoice_id: int) -> Invoice:
    row = session.get(Invoice, invoice_id)
    if row is None or row.city_id != city_id:
        raise not_found()
    return row


@dataclass
class SearchQuery:
    number: str | None = None
    supplier: str | None = None  # seller name or supplier key, contained
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    date_from: date | None = None
    date_to: date | None = None
    statuses: list[str] = field(default_factory=list)


def _contains(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_invoices(
    session: Session, city_id: int, query: SearchQuery, *, page: int = 1, page_size: int = 50
) -> tuple[list[Invoice], int]:
    conditions = [Invoice.city_id == city_id]
    if query.number:
        conditions.append(Invoice.number.ilike(_contains(query.number.strip()), escape="\\"))
    if query.supplier:
        pattern = _contains(query.supplier.strip())
        supplier_ids = select(Supplier.id).where(or_(Supplier.name.ilike(pattern, escape="\\"), Supplier.key.ilike(pattern, escape="\\")))
        conditions.append(or_(Invoice.seller_name.ilike(pattern, escape="\\"), Invoice.supplier_id.in_(supplier_ids)))
    if query.amount_min is not None:
        conditions.append(Invoice.gross_total >= query.amount_min)
    if query.amount_max is not None:
        conditions.append(Invoice.gross_total <= query.amount_max)
    if query.date_from is not None:
        conditions.append(Invoice.issue_date >= query.date_from)
    if query.date_to is not None:
        conditions.append(Invoice.issue_date <= query.date_to)
    statuses = [s for s in query.statuses if s in STATUS_VALUES]
    if statuses:
        conditions.append(Invoice.status.in_(statuses))
    rows = session.exec(
        select(Invoice).where(*conditions).order_by(Invoice.id.desc()).offset((page - 1) * page_size).limit(page_size)
    ).all()
    total = session.exec(select(func.count()).select_from(Invoice).where(*conditions)).one()
    return list(rows), total
