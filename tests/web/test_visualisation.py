"""The invoice visualisation: every official test invoice renders, and shows what it says."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest

from parsers import parse
from tests.conftest import TESTSUITE, XML_RECHNUNG
from web.formatting import money, number
from web.templating import make_templates

TESTSUITE_FILES = sorted(TESTSUITE.rglob("*.xml"))
TEMPLATES = make_templates()


def render(invoice) -> str:
    text = TEMPLATES.env.get_template("invoice/visualisation.html").render(inv=invoice, attachment_url=lambda i: f"/a/{i}")
    return flat(html.unescape(text))


def test_german_number_formatting():
    assert money(Decimal("1234.5"), "EUR") == "1.234,50 EUR"
    assert money(Decimal("-0.5")) == "-0,50"
    assert number(Decimal("1234567.125")) == "1.234.567,125"  # unit prices keep their places
    assert number(Decimal("3")) == "3"
    with pytest.raises(TypeError):
        money(1.5)  # floats are never money


def test_there_are_official_invoices():
    assert len(TESTSUITE_FILES) >= 80


def flat(value: str) -> str:
    return re.sub(r"\s+", " ", value)


def assert_shows(invoice, text: str) -> None:
    cur = invoice.currency
    assert f"Rechnung {invoice.number}" in text or f"Gutschrift {invoice.number}" in text
    assert flat(invoice.seller.name) in text and flat(invoice.buyer.name) in text
    assert money(invoice.totals.amount_due, cur) in text
    assert money(invoice.totals.tax_inclusive, cur) in text
    for line in invoice.lines:
        assert money(line.net_amount, cur) in text, f"line {line.id}"
        if line.item.name:
            assert line.item.name.split()[0] in text
    for vat in invoice.vat_breakdown:
        assert money(vat.tax_amount, cur) in text
    for transfer in invoice.payment.credit_transfers if invoice.payment else []:
        assert transfer.account_id in text
    for note in invoice.notes:
        assert note.text.split()[0] in text
    if invoice.buyer_reference:
        assert invoice.buyer_reference in text
    for index, attachment in enumerate(invoice.attachments):
        assert attachment.id in text
        if attachment.content is not None:
            assert f"/a/{index}" in text  # downloadable


@pytest.mark.parametrize("path", TESTSUITE_FILES, ids=lambda p: p.name)
def test_every_testsuite_invoice_is_shown_in_full(path):
    invoice = parse(path.read_bytes()).invoice
    assert_shows(invoice, render(invoice))


def test_skonto_terms_are_explained():
    path = next(p for p in TESTSUITE_FILES if b"#SKONTO#" in p.read_bytes())
    invoice = parse(path.read_bytes()).invoice
    text = render(invoice)
    term = invoice.payment_terms_detail.skonto[0]
    assert f"innerhalb von {term.days} Tagen" in text


@pytest.mark.parametrize("path", sorted((XML_RECHNUNG / "FX").glob("EN16931_*.pdf")), ids=lambda p: p.name)
def test_zugferd_invoices_are_shown_in_full(path):
    invoice = parse(path.read_bytes()).invoice
    assert_shows(invoice, render(invoice))


def test_amounts_as_people_type_them():
    from web.formatting import parse_amount

    assert parse_amount("1.234,56") == Decimal("1234.56")
    assert parse_amount(" 1234.5 ") == Decimal("1234.5")
    assert parse_amount("") is None
    for bad in ("zwölf", "NaN", "Infinity", "1,2,3", "1e999999"):
        with pytest.raises(ValueError):
            parse_amount(bad)


def test_what_the_supplier_wrote_is_escaped():
    invoice = parse((TESTSUITE / "business-cases" / "standard" / "01.01a-INVOICE_ubl.xml").read_bytes()).invoice
    invoice.seller.name = "<script>alert('x')</script>"
    text = TEMPLATES.env.get_template("invoice/visualisation.html").render(inv=invoice)
    assert "<script>" not in text and "&lt;script&gt;" in text
