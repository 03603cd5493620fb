"""Rechnerische Prüfung: recompute an invoice's amounts from its own data.

Every computed value stands next to the value the document states, with the difference,
so a clerk sees at a glance where the supplier's arithmetic goes wrong. The formulas are
those of EN 16931-1 (section 6.4 and the BR-CO / BR-<category>-08/09 rules):

- line net amount (BT-131) = quantity x net price / base quantity - line allowances + line charges
- net price (BT-146) = gross price (BT-148) - price discount (BT-147)
- allowance/charge amount = base amount x percentage / 100
- BT-106 = sum BT-131; BT-107 / BT-108 = sum of document allowances / charges
- BT-109 = BT-106 - BT-107 + BT-108; BT-110 = sum BT-117; BT-112 = BT-109 + BT-110
- BT-115 = BT-112 - BT-113 + BT-114 (+ third-party payments, XRechnung BR-DEX-09)
- per VAT category and rate: BT-116 = its lines + its charges - its allowances, BT-117 = BT-116 x BT-119 / 100

Amounts are rounded to the cent, half up, as EN 16931 prescribes for every amount it states.
Values that depend on a rounding step the standard leaves to the seller (line net amounts
and VAT per category) may differ by one cent; sums must match exactly. The line formula is
informative in EN 16931 (no validator enforces it), which is why the clerk must see it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.invoice import AllowanceCharge, Invoice, InvoiceLine

CENT = Decimal("0.01")
ZERO = Decimal("0")
ROUNDING_TOLERANCE = CENT  # for values whose intermediate rounding the standard leaves open


def to_cent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class Term(StrEnum):
    LINE_NET_AMOUNT = "BT-131"
    NET_PRICE = "BT-146"
    ALLOWANCE_CHARGE_AMOUNT = "BT-92"
    LINE_NET_TOTAL = "BT-106"
    ALLOWANCE_TOTAL = "BT-107"
    CHARGE_TOTAL = "BT-108"
    TAX_EXCLUSIVE = "BT-109"
    TAX_TOTAL = "BT-110"
    TAX_INCLUSIVE = "BT-112"
    AMOUNT_DUE = "BT-115"
    VAT_TAXABLE = "BT-116"
    VAT_AMOUNT = "BT-117"

    @property
    def label(self) -> str:
        return TERM_LABELS[self]


TERM_LABELS = {
    Term.LINE_NET_AMOUNT: "Nettobetrag der Position",
    Term.NET_PRICE: "Nettopreis",
    Term.ALLOWANCE_CHARGE_AMOUNT: "Betrag des Nachlasses / Zuschlags",
    Term.LINE_NET_TOTAL: "Summe der Positionen",
    Term.ALLOWANCE_TOTAL: "Summe der Nachlässe",
    Term.CHARGE_TOTAL: "Summe der Zuschläge",
    Term.TAX_EXCLUSIVE: "Gesamtbetrag ohne Umsatzsteuer",
    Term.TAX_TOTAL: "Umsatzsteuer gesamt",
    Term.TAX_INCLUSIVE: "Gesamtbetrag mit Umsatzsteuer",
    Term.AMOUNT_DUE: "Zahlbetrag",
    Term.VAT_TAXABLE: "Bemessungsgrundlage",
    Term.VAT_AMOUNT: "Umsatzsteuerbetrag",
}


class Check(BaseModel):
    """One recomputed value beside the stated one."""

    model_config = ConfigDict(extra="forbid")

    term: Term
    scope: str | None = None  # line id (BT-126), "Kategorie S 19 %", or None for the document
    computed: Decimal
    stated: Decimal | None  # None: the document does not state it
    tolerance: Decimal = ZERO

    @property
    def difference(self) -> Decimal | None:
        """Stated minus computed; positive when the supplier asks for more."""
        return None if self.stated is None else self.stated - self.computed

    @property
    def ok(self) -> bool:
        return self.stated is None or abs(self.stated - self.computed) <= self.tolerance

    @property
    def label(self) -> str:
        return self.term.label if self.scope is None else f"{self.term.label} ({self.scope})"


class VatGroup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category_code: str
    rate: Decimal | None
    taxable_amount: Decimal
    tax_amount: Decimal


class Recomputation(BaseModel):
    """The result of the rechnerische Prüfung for one invoice."""

    model_config = ConfigDict(extra="forbid")

    checks: list[Check] = Field(default_factory=list)
    vat_groups: list[VatGroup] = Field(default_factory=list)
    line_net_total: Decimal
    allowance_total: Decimal
    charge_total: Decimal
    tax_exclusive: Decimal
    tax_total: Decimal
    tax_inclusive: Decimal
    amount_due: Decimal

    @property
    def differences(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    @property
    def ok(self) -> bool:
        return not self.differences

    def summary_de(self) -> str:
        if self.ok:
            return "Alle Beträge stimmen mit der Nachrechnung überein."
        parts = [f"{c.label}: angegeben {c.stated}, berechnet {c.computed}" for c in self.differences]
        return f"{len(parts)} Abweichung(en): " + "; ".join(parts)


def _allowance_charge_amount(ac: AllowanceCharge) -> Decimal | None:
    if ac.base_amount is None or ac.percentage is None:
        return None
    return to_cent(ac.base_amount * ac.percentage / 100)


def _signed_sum(items: list[AllowanceCharge]) -> Decimal:
    """Charges minus allowances."""
    return sum((ac.amount if ac.is_charge else -ac.amount for ac in items), ZERO)


def _allowance_charge_checks(items: list[AllowanceCharge], scope: str) -> list[Check]:
    """Amount = base x percentage / 100, where both are given."""
    return [
        Check(term=Term.ALLOWANCE_CHARGE_AMOUNT, scope=scope, computed=expected, stated=ac.amount, tolerance=ROUNDING_TOLERANCE)
        for ac in items
        if (expected := _allowance_charge_amount(ac)) is not None
    ]


def _line_checks(line: InvoiceLine) -> list[Check]:
    scope = f"Position {line.id}"
    price = line.price
    checks: list[Check] = []
    if price.gross_price is not None and price.discount is not None:
        checks.append(Check(term=Term.NET_PRICE, scope=scope, computed=price.gross_price - price.discount, stated=price.net_price))
    checks += _allowance_charge_checks(line.allowances_charges, scope)
    base_quantity = price.base_quantity or Decimal(1)
    computed = to_cent(line.quantity * price.net_price / base_quantity + _signed_sum(line.allowances_charges))
    checks.append(
        Check(term=Term.LINE_NET_AMOUNT, scope=scope, computed=computed, stated=line.net_amount, tolerance=ROUNDING_TOLERANCE)
    )
    return checks


def _vat_key(code: str | None, rate: Decimal | None) -> tuple[str, Decimal]:
    # rates are compared by value: "19", "19.0" and "19.00" are one group; a category
    # without rate (O, often E) is taxed at zero
    return (code or "", (rate or ZERO).normalize())


def _scope(code: str, rate: Decimal) -> str:
    return f"Kategorie {code} {rate:f} %"


def _amount_due(invoice: Invoice, tax_inclusive: Decimal) -> Decimal:
    """BT-115 = BT-112 - BT-113 + BT-114, plus third-party payments (XRechnung BR-DEX-09)."""
    totals = invoice.totals
    third_party = sum((p.amount for p in invoice.third_party_payments), ZERO)
    return tax_inclusive - (totals.prepaid or ZERO) + (totals.rounding or ZERO) + third_party


def recompute(invoice: Invoice) -> Recomputation:
    checks: list[Check] = []
    for line in invoice.lines:
        checks.extend(_line_checks(line))
    checks += _allowance_charge_checks(invoice.allowances_charges, "Beleg")
    stated = invoice.totals
    line_net_total = sum((line.net_amount for line in invoice.lines), ZERO)
    allowance_total = sum((ac.amount for ac in invoice.allowances), ZERO)
    charge_total = sum((ac.amount for ac in invoice.charges), ZERO)
    tax_exclusive = line_net_total - allowance_total + charge_total

    # VAT groups from the lines and the document-level allowances/charges
    taxable: dict[tuple[str, Decimal], Decimal] = {}
    for line in invoice.lines:
        key = _vat_key(line.vat.category_code, line.vat.rate)
        taxable[key] = taxable.get(key, ZERO) + line.net_amount
    for ac in invoice.allowances_charges:
        key = _vat_key(ac.tax_category_code, ac.tax_rate)
        taxable[key] = taxable.get(key, ZERO) + (ac.amount if ac.is_charge else -ac.amount)
    stated_groups = {_vat_key(v.category_code, v.rate): v for v in invoice.vat_breakdown}
    vat_groups: list[VatGroup] = []
    for key in list(taxable) + [k for k in stated_groups if k not in taxable]:
        code, rate = key
        amount = taxable.get(key, ZERO)
        tax = to_cent(amount * rate / 100)
        vat_groups.append(VatGroup(category_code=code, rate=rate, taxable_amount=amount, tax_amount=tax))
        breakdown = stated_groups.get(key)
        scope = _scope(code, rate)
        checks.append(
            Check(term=Term.VAT_TAXABLE, scope=scope, computed=amount, stated=breakdown.taxable_amount if breakdown else ZERO)
        )
        # BT-117 is checked against the stated base: a wrong base is already reported above
        base = breakdown.taxable_amount if breakdown else amount
        checks.append(
            Check(
                term=Term.VAT_AMOUNT,
                scope=scope,
                computed=to_cent(base * rate / 100),
                stated=breakdown.tax_amount if breakdown else ZERO,
                tolerance=ROUNDING_TOLERANCE,
            )
        )
    # each sum is checked against the document's own parts (as BR-CO-10 ... BR-CO-16 do), so
    # one wrong figure shows as one difference instead of a cascade
    stated_tax_total = sum((v.tax_amount for v in invoice.vat_breakdown), ZERO)
    checks += [
        Check(term=Term.LINE_NET_TOTAL, computed=line_net_total, stated=stated.line_net_total),
        Check(term=Term.ALLOWANCE_TOTAL, computed=allowance_total, stated=stated.allowance_total or ZERO),
        Check(term=Term.CHARGE_TOTAL, computed=charge_total, stated=stated.charge_total or ZERO),
        Check(
            term=Term.TAX_EXCLUSIVE,
            computed=stated.line_net_total - (stated.allowance_total or ZERO) + (stated.charge_total or ZERO),
            stated=stated.tax_exclusive,
        ),
        Check(term=Term.TAX_TOTAL, computed=stated_tax_total, stated=stated.tax_total or ZERO),
        Check(
            term=Term.TAX_INCLUSIVE,
            computed=stated.tax_exclusive + (stated.tax_total or ZERO),
            stated=stated.tax_inclusive,
        ),
        Check(term=Term.AMOUNT_DUE, computed=_amount_due(invoice, stated.tax_inclusive), stated=stated.amount_due),
    ]
    # the engine's own figures, from the stated line amounts upwards
    tax_total = sum((v.tax_amount for v in vat_groups), ZERO)
    tax_inclusive = tax_exclusive + tax_total
    amount_due = _amount_due(invoice, tax_inclusive)
    return Recomputation(
        checks=checks,
        vat_groups=vat_groups,
        line_net_total=line_net_total,
        allowance_total=allowance_total,
        charge_total=charge_total,
        tax_exclusive=tax_exclusive,
        tax_total=tax_total,
        tax_inclusive=tax_inclusive,
        amount_due=amount_due,
    )
