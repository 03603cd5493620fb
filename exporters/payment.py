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
    """Early-payment discounts, earliest deadline first.

    An amount or date set during the approval wins over the invoice's `#SKONTO#` terms
    (BT-20); a term's discount is taken from the amount due (BT-115) unless it names a
    BASISBETRAG. Terms of 0 % are no offer.
    """
    invoice, approval = item.invoice, item.approval
    if approval.skonto_amount is not None and approval.skonto_date is not None:
        return [SkontoOffer(deadline=approval.skonto_date, amount=approval.skonto_amount,
                            days=(approval.skonto_date - invoice.issue_date).days)]
    detail = invoice.payment_terms_detail
    if detail is None:
        return []
    offers = [
        SkontoOffer(deadline=term.deadline(invoice.issue_date),
                    amount=term.discount_amount(invoice.totals.amount_due),
                    percent=term.percent, days=term.days)
        for term in detail.skonto
        if term.percent > 0
    ]
    return sorted(offers, key=lambda o: o.deadline)


def first_skonto(item: ExportItem) -> SkontoOffer | None:
    offers = skonto_offers(item)
    return offers[0] if offers else None
