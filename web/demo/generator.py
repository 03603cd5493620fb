"""Realistic demo invoices for the nine cities, as domain models.

Deterministic for a given seed, so a demo run and a benchmark can be repeated. Each invoice
is a valid XRechnung 3.0: seller with contact and VAT id, the city department's Leitweg-ID
as BT-10, SEPA credit transfer, Skonto terms in the XRechnung syntax, 19 % and 7 % lines.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from domain.invoice import (
    Address,
    Buyer,
    Contact,
    CreditTransfer,
    Delivery,
    DocumentTotals,
    Identifier,
    Invoice,
    InvoiceLine,
    Item,
    LineVat,
    PaymentInstructions,
    Price,
    Seller,
    VatBreakdown,
)
from domain.terms import parse_payment_terms

CENT = Decimal("0.01")
XRECHNUNG_3 = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
PEPPOL_PROCESS = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"


@dataclass(frozen=True)
class Recipient:
    """A city department that receives invoices."""

    city: str
    name: str  # e.g. "Stadt Ettlingen – Hochbauamt"
    leitweg_id: str
    street: str
    postal_code: str


@dataclass(frozen=True)
class DemoSupplier:
    key: str
    name: str
    vat_id: str
    iban: str
    street: str
    postal_code: str
    city: str
    email: str
    phone: str


# Address and bank data for the demo suppliers of the configuration, by position.
_SUPPLIER_PROFILES = [
    ("Kaiserstraße 12", "76133", "Karlsruhe", "DE02120300000000202051", "+49 721 555010"),
    ("Rheinstraße 40", "76437", "Rastatt", "DE02500105170137075030", "+49 7222 40400"),
    ("Lange Straße 3", "76530", "Baden-Baden", "DE88100900001234567892", "+49 7221 30300"),
    ("Pforzheimer Straße 88", "76275", "Ettlingen", "DE89370400440532013000", "+49 7243 10100"),
]


def demo_supplier(key: str, name: str, vat_id: str | None, email: str | None, index: int) -> DemoSupplier:
    street, postal_code, city, iban, phone = _SUPPLIER_PROFILES[index % len(_SUPPLIER_PROFILES)]
    return DemoSupplier(key=key, name=name, vat_id=vat_id or "DE811569869", iban=iban, street=street,
                        postal_code=postal_code, city=city, email=email or f"rechnung@{key}.example", phone=phone)


CATALOGUE = [
    ("Kopierpapier A4, 80 g/m², 500 Blatt", "XPK", Decimal("4.35"), Decimal("19")),
    ("Toner schwarz für Multifunktionsgerät", "H87", Decimal("89.90"), Decimal("19")),
    ("Streusalz, Sack 25 kg", "H87", Decimal("7.80"), Decimal("19")),
    ("Unterhaltsreinigung Rathaus, Monatspauschale", "MON", Decimal("1850.00"), Decimal("19")),
    ("Wartung Netzwerkinfrastruktur", "HUR", Decimal("96.00"), Decimal("19")),
    ("Fachbuch Kommunales Haushaltsrecht BW", "H87", Decimal("48.00"), Decimal("7")),
    ("Zeitschriften-Abonnement Verwaltungspraxis", "H87", Decimal("132.00"), Decimal("7")),
    ("Pflasterarbeiten Gehweg, je m²", "MTK", Decimal("64.50"), Decimal("19")),
    ("Grünpflege Stadtpark, Stunde", "HUR", Decimal("52.00"), Decimal("19")),
]


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def build_invoice(rng: random.Random, number: str, recipient: Recipient, supplier: DemoSupplier,
                  issue_date: date) -> Invoice:
    lines: list[InvoiceLine] = []
    for index, (name, unit, price, rate) in enumerate(rng.sample(CATALOGUE, rng.randint(1, 4)), start=1):
        quantity = Decimal(rng.randint(1, 40))
        lines.append(InvoiceLine(
            id=str(index), quantity=quantity, unit_code=unit, net_amount=_money(quantity * price),
            price=Price(net_price=price), vat=LineVat(category_code="S", rate=rate), item=Item(name=name),
        ))
    breakdown: list[VatBreakdown] = []
    for rate in sorted({line.vat.rate for line in lines}):
        taxable = sum((line.net_amount for line in lines if line.vat.rate == rate), Decimal("0"))
        breakdown.append(VatBreakdown(taxable_amount=taxable, tax_amount=_money(taxable * rate / 100),
                                      category_code="S", rate=rate))
    net = sum((line.net_amount for line in lines), Decimal("0"))
    tax = sum((b.tax_amount for b in breakdown), Decimal("0"))
    skonto_days = rng.choice([7, 10, 14])
    terms = f"#SKONTO#TAGE={skonto_days}#PROZENT=2.00#\nZahlbar innerhalb von 30 Tagen ohne Abzug.\n"
    return Invoice(
        number=number, issue_date=issue_date, type_code="380", currency="EUR",
        due_date=issue_date + timedelta(days=30), buyer_reference=recipient.leitweg_id,
        purchase_order_reference=f"BE-{rng.randint(10000, 99999)}",
        payment_terms=terms, payment_terms_detail=parse_payment_terms(terms),
        delivery=Delivery(actual_delivery_date=issue_date - timedelta(days=rng.randint(1, 10))),
        business_process=PEPPOL_PROCESS, specification_id=XRECHNUNG_3,
        seller=Seller(
            name=supplier.name, vat_id=supplier.vat_id,
            electronic_address=Identifier(value=supplier.email, scheme_id="EM"),
            address=Address(line1=supplier.street, city=supplier.city, postal_code=supplier.postal_code,
                            country_code="DE"),
            contact=Contact(name="Debitorenbuchhaltung", telephone=supplier.phone, email=supplier.email),
        ),
        buyer=Buyer(
            name=recipient.name,
            electronic_address=Identifier(value=recipient.leitweg_id, scheme_id="0204"),
            address=Address(line1=recipient.street, city=recipient.city, postal_code=recipient.postal_code,
                            country_code="DE"),
        ),
        payment=PaymentInstructions(
            means_code="58", remittance_information=number,
            credit_transfers=[CreditTransfer(account_id=supplier.iban, account_name=supplier.name)],
        ),
        totals=DocumentTotals(line_net_total=net, tax_exclusive=net, tax_total=tax, tax_inclusive=net + tax,
                              amount_due=net + tax),
        vat_breakdown=breakdown, lines=lines,
    )


def build_invoices(count: int, recipients: list[Recipient], suppliers: list[DemoSupplier], *,
                   seed: int = 2026, today: date | None = None) -> list[tuple[DemoSupplier, Invoice]]:
    rng = random.Random(seed)
    today = today or date.today()
    result = []
    for n in range(count):
        supplier = suppliers[n % len(suppliers)]
        recipient = recipients[n % len(recipients)]
        issue = today - timedelta(days=rng.randint(0, 20))
        number = f"RE-{issue:%Y}-{seed % 1000:03d}{n + 1:05d}"
        result.append((supplier, build_invoice(rng, number, recipient, supplier, issue)))
    return result
