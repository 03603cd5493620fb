"""Due date and Skonto of an approved invoice: what the approval decided, else the invoice's terms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from exporters.base import ExportItem


@dataclass(frozen=True)
class SkontoOffer:
    deadline: date
    amount: Decimal
    percent: Decimal | None = None  # None when the approval set an amount
    days: int | None = None  # from the issue date


def due_date(item: ExportItem) -> date | None:
    return item.approval.due_date or item.invoice.due_date


def skonto_offers(item: ExportItem) -> list[SkontoOffer]:
    """Early-payment discounts: the one the approval settled on first, then the invoice's other
    `#SKONTO#` terms (BT-20) by deadline.

    A term's discount is taken from the amount due (BT-115) unless it names a BASISBETRAG;
    terms of 0 % are no offer. When the approval's Skonto date is one of the terms' deadlines,
    that term keeps its days and percentage and takes the approval's amount.
    """
    invoice, approval = item.invoice, item.approval
    detail = invoice.payment_terms_detail
    offers = sorted(
        (SkontoOffer(deadline=term.deadline(invoice.issue_date),
                     amount=term.discount_amount(invoice.totals.amount_due),
                     percent=term.percent, days=term.days)
         for term in (detail.skonto if detail else []) if term.percent > 0),
        key=lambda o: o.deadline,
    )
    if approval.skonto_amount is None or approval.skonto_date is None:
        return offers
    settled = next((o for o in offers if o.deadline == approval.skonto_date), None)
    chosen = SkontoOffer(
        deadline=approval.skonto_date, amount=approval.skonto_amount,
        percent=settled.percent if settled else None, days=(approval.skonto_date - invoice.issue_date).days,
    )
    return [chosen, *(o for o in offers if o is not settled)]


def first_skonto(item: ExportItem) -> SkontoOffer | None:
    offers = skonto_offers(item)
    return offers[0] if offers else None
