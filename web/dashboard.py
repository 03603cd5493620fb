"""Figures of the city dashboard: invoices per status, overdue, Skonto at risk / kept / lost,
median lead time from receipt to Anordnung."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from statistics import median

from sqlalchemy import func
from sqlmodel import Session, select

from domain.status import InvoiceStatus
from storage.models import Invoice, Task, TaskState, utcnow

OPEN_STATUSES = [
    InvoiceStatus.RECEIVED.value,
    InvoiceStatus.IN_FACTUAL_REVIEW.value,
    InvoiceStatus.IN_ARITHMETIC_REVIEW.value,
    InvoiceStatus.AWAITING_PAYMENT_ORDER.value,
]
ORDERED_STATUSES = [InvoiceStatus.APPROVED.value, InvoiceStatus.EXPORTED.value, InvoiceStatus.ARCHIVED.value]
SKONTO_WARNING_DAYS = 3
LEAD_TIME_SAMPLE = 1000
ZERO = Decimal("0.00")  # the median over the most recent ordered invoices


@dataclass
class Dashboard:
    per_status: list[tuple[str, int]] = field(default_factory=list)
    open_total: int = 0
    overdue_tasks: int = 0
    overdue_invoices: int = 0
    skonto_at_risk: int = 0
    skonto_at_risk_amount: Decimal = ZERO
    skonto_kept: int = 0
    skonto_kept_amount: Decimal = ZERO
    skonto_lost: int = 0
    skonto_lost_amount: Decimal = ZERO
    median_lead_days: Decimal | None = None
    lead_sample: int = 0


def _ordered_at(row_approval: dict | None, fallback: datetime) -> datetime:
    order = (row_approval or {}).get("payment_order") or {}
    at = order.get("at")
    if isinstance(at, str):
        try:
            return datetime.fromisoformat(at.replace("Z", "+00:00")).replace(tzinfo=None)
        except ValueError:
            pass
    return fallback


def city_dashboard(session: Session, city_id: int, now: datetime | None = None) -> Dashboard:
    now = now or utcnow()
    today = now.date()
    board = Dashboard()
    counts = dict(
        session.exec(
            select(Invoice.status, func.count()).where(Invoice.city_id == city_id).group_by(Invoice.status)
        ).all()
    )
    board.per_status = [(s.value, counts.get(s.value, 0)) for s in InvoiceStatus if counts.get(s.value)]
    board.open_total = sum(counts.get(s, 0) for s in OPEN_STATUSES)
    board.overdue_tasks = session.exec(
        select(func.count()).select_from(Task).where(
            Task.city_id == city_id, Task.state == TaskState.OPEN.value, Task.due_at < now
        )
    ).one()
    board.overdue_invoices = session.exec(
        select(func.count()).select_from(Invoice).where(
            Invoice.city_id == city_id, Invoice.status.in_(OPEN_STATUSES), Invoice.due_date < today
        )
    ).one()

    # Skonto still open: at risk when its deadline is close, lost when it has passed
    open_skonto = [Invoice.city_id == city_id, Invoice.status.in_(OPEN_STATUSES), Invoice.skonto_date.is_not(None)]
    for condition, target in (
        (Invoice.skonto_date < today, "lost"),
        (Invoice.skonto_date.between(today, today + timedelta(days=SKONTO_WARNING_DAYS)), "at_risk"),
    ):
        # summed here, not by SQL: SQLite's SUM over NUMERIC would go through float
        amounts = session.exec(select(Invoice.skonto_amount).where(*open_skonto, condition)).all()
        setattr(board, f"skonto_{target}", len(amounts))
        setattr(board, f"skonto_{target}_amount", sum((a or ZERO for a in amounts), ZERO))

    ordered = session.exec(
        select(Invoice.created_at, Invoice.updated_at, Invoice.approval, Invoice.skonto_date, Invoice.skonto_amount)
        .where(Invoice.city_id == city_id, Invoice.status.in_(ORDERED_STATUSES))
        .order_by(Invoice.id.desc())
        .limit(LEAD_TIME_SAMPLE)
    ).all()
    lead_days: list[Decimal] = []
    for created, updated, approval, deadline, amount in ordered:
        at = _ordered_at(approval, updated)
        lead = at - created
        lead_days.append(Decimal(lead.days) + Decimal(lead.seconds) / Decimal(86400))
        if deadline is not None:
            if at.date() <= deadline:
                board.skonto_kept += 1
                board.skonto_kept_amount += amount or ZERO
            else:
                board.skonto_lost += 1
                board.skonto_lost_amount += amount or ZERO
    if lead_days:
        board.median_lead_days = Decimal(median(lead_days)).quantize(Decimal("0.1"))
        board.lead_sample = len(lead_days)
    return board

