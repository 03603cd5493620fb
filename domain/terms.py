"""Payment terms (BT-20) and the XRechnung Skonto syntax.

XRechnung lets BT-20 carry machine-readable terms, one per line:
`#SKONTO#TAGE=14#PROZENT=2.00#` (optionally `BASISBETRAG=…#`) for an early-payment
discount, `#VERZUG#TAGE=…#PROZENT=…#` for late-payment interest. Anything else is free text.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pydantic import BaseModel, ConfigDict, Field

_TERM = re.compile(r"^#(SKONTO|VERZUG)#(.*)$")
_VALUE = re.compile(r"^(TAGE|PROZENT|BASISBETRAG)=([^#]*)$")


class DiscountTerm(BaseModel):
    """One `#SKONTO#` or `#VERZUG#` line."""

    model_config = ConfigDict(extra="forbid")

    kind: str  # "SKONTO" (discount) or "VERZUG" (late-payment interest)
    days: int
    percent: Decimal
    base_amount: Decimal | None = None

    def deadline(self, issue_date: date) -> date:
        return issue_date + timedelta(days=self.days)

    def discount_amount(self, base: Decimal) -> Decimal:
        amount = (self.base_amount if self.base_amount is not None else base) * self.percent / 100
        return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class PaymentTermsDetail(BaseModel):
    model_config = ConfigDict(extra="forbid")

    skonto: list[DiscountTerm] = Field(default_factory=list)
    late_payment: list[DiscountTerm] = Field(default_factory=list)
    malformed: list[str] = Field(default_factory=list)  # lines starting with '#' that do not follow the syntax
    text: str | None = None  # the free-text rest

    def best_skonto_before(self, issue_date: date, paid_on: date) -> DiscountTerm | None:
        """The highest discount still open when paying on `paid_on`."""
        open_terms = [t for t in self.skonto if t.deadline(issue_date) >= paid_on]
        return max(open_terms, key=lambda t: t.percent, default=None)

    def earliest_skonto_deadline(self, issue_date: date) -> date | None:
        return min((t.deadline(issue_date) for t in self.skonto), default=None)


def _parse_term(kind: str, rest: str) -> DiscountTerm | None:
    if not rest.endswith("#"):
        return None
    values: dict[str, str] = {}
    for part in rest[:-1].split("#"):
        match = _VALUE.match(part)
        if not match or match.group(1) in values:
            return None
        values[match.group(1)] = match.group(2)
    if "TAGE" not in values or "PROZENT" not in values:
        return None
    try:
        if not values["TAGE"].isdigit():
            return None
        base = values.get("BASISBETRAG")
        return DiscountTerm(
            kind=kind,
            days=int(values["TAGE"]),
            percent=Decimal(values["PROZENT"]),
            base_amount=Decimal(base) if base is not None else None,
        )
    except InvalidOperation:
        return None


def parse_payment_terms(text: str | None) -> PaymentTermsDetail | None:
    if text is None:
        return None
    detail = PaymentTermsDetail()
    free: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        match = _TERM.match(line)
        if match:
            term = _parse_term(match.group(1), match.group(2))
            if term is None:
                detail.malformed.append(line)
            elif term.kind == "SKONTO":
                detail.skonto.append(term)
            else:
                detail.late_payment.append(term)
        elif line.startswith("#"):
            detail.malformed.append(line)
        elif line:
            free.append(line)
    detail.text = "\n".join(free) or None
    return detail
