"""The rechnerische Prüfung recomputes what EN 16931 defines and reports each difference."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from decimal import Decimal as D

import pytest

from domain.arithmetic import Term, recompute, to_cent
from domain.invoice import AllowanceCharge, DocumentTotals, Invoice, InvoiceLine, LineVat, Price, VatBreakdown
from tests.conftest import TESTSUITE, XML_RECHNUNG


def make_invoice(**overrides) -> Invoice:
    """Two lines at 19 % and 7 %, a 10 % document allowance on the 19 % part, a 5.00 charge at 7 %."""
    lines = [
        InvoiceLine(
            id="1", quantity=D("3"), net_amount=D("30.00"),
            price=Price(net_price=D("10.00"), gross_price=D("12.00"), discount=D("2.00")),
            vat=LineVat(category_code="S", rate=D("19")),
        ),
        InvoiceLine(
            id="2", quantity=D("250"), net_amount=D("12.38"),
            price=Price(net_price=D("4.95"), base_quantity=D("100")),
            vat=LineVat(category_code="S", rate=D("7.00")),
        ),
    ]
    allowances = [
        AllowanceCharge(is_charge=False, amount=D("3.00"), base_amount=D("30.00"), percentage=D("10"),
                        tax_category_code="S", tax_rate=D("19.00")),
        AllowanceCharge(is_charge=True, amount=D("5.00"), tax_category_code="S", tax_rate=D("7")),
    ]
    vat = [
        VatBreakdown(category_code="S", rate=D("19.00"), taxable_amount=D("27.00"), tax_amount=D("5.13")),
        VatBreakdown(category_code="S", rate=D("7.00"), taxable_amount=D("17.38"), tax_amount=D("1.22")),
    ]
    totals = DocumentTotals(
        line_net_total=D("42.38"), allowance_total=D("3.00"), charge_total=D("5.00"), tax_exclusive=D("44.38"),
        tax_total=D("6.35"), tax_inclusive=D("50.73"), prepaid=D("10.00"), amount_due=D("40.73"),
    )
    data = dict(number="R-1", issue_date=date(2026, 11, 2), type_code="380", currency="EUR",
                lines=lines, allowances_charges=allowances, vat_breakdown=vat, totals=totals)
    data.update(overrides)
    return Invoice(**data)


def test_correct_invoice_has_no_difference():
    result = recompute(make_invoice())
    assert result.ok, result.summary_de()
    assert result.line_net_total == D("42.38")
    assert result.tax_exclusive == D("44.38")
    assert result.tax_total == D("6.35")
    assert result.tax_inclusive == D("50.73")
    assert result.amount_due == D("40.73")
    groups = {(g.category_code, g.rate): g for g in result.vat_groups}
    # 19 and 19.00 are one group, as are 7 and 7.00
    assert set(groups) == {("S", D("19")), ("S", D("7"))}
    assert groups["S", D("7")].taxable_amount == D("17.38")
    assert result.summary_de() == "Alle Beträge stimmen mit der Nachrechnung überein."


def test_wrong_line_amount_is_reported_with_its_difference():
    invoice = make_invoice()
    invoice.lines[0].net_amount = D("33.00")
    result = recompute(invoice)
    line = next(c for c in result.differences if c.term is Term.LINE_NET_AMOUNT)
    assert line.scope == "Position 1"
    assert (line.computed, line.stated, line.difference) == (D("30.00"), D("33.00"), D("3.00"))
    # the sum of lines now disagrees with the stated BT-106 as well
    assert Term.LINE_NET_TOTAL in {c.term for c in result.differences}
    assert "Nettobetrag der Position (Position 1): angegeben 33.00, berechnet 30.00" in result.summary_de()


def test_one_cent_rounding_of_a_line_is_tolerated_but_two_are_not():
    invoice = make_invoice()
    invoice.lines[1].net_amount = D("12.37")  # 250 x 4.95 / 100 = 12.375
    assert not [c for c in recompute(invoice).differences if c.term is Term.LINE_NET_AMOUNT]
    invoice.lines[1].net_amount = D("12.36")
    assert [c.scope for c in recompute(invoice).differences if c.term is Term.LINE_NET_AMOUNT] == ["Position 2"]


def test_sums_must_match_exactly():
    totals = make_invoice().totals.model_copy(update={"tax_inclusive": D("50.74"), "amount_due": D("40.74")})
    result = recompute(make_invoice(totals=totals))
    assert [c.term for c in result.differences] == [Term.TAX_INCLUSIVE]
    assert result.differences[0].difference == D("0.01")


def test_wrong_vat_amount_and_missing_breakdown_group():
    invoice = make_invoice()
    invoice.vat_breakdown[0].tax_amount = D("5.70")  # 19 % of 30.00 instead of 27.00
    result = recompute(invoice)
    wrong = [c for c in result.differences if c.term is Term.VAT_AMOUNT]
    assert [(c.scope, c.computed, c.stated) for c in wrong] == [("Kategorie S 19 %", D("5.13"), D("5.70"))]

    invoice = make_invoice(vat_breakdown=make_invoice().vat_breakdown[:1])
    missing = [c for c in recompute(invoice).differences if c.term is Term.VAT_TAXABLE]
    assert [(c.scope, c.computed, c.stated) for c in missing] == [("Kategorie S 7 %", D("17.38"), D("0"))]


def test_net_price_and_percentage_allowance():
    invoice = make_invoice()
    invoice.lines[0].price.discount = D("1.00")
    invoice.allowances_charges[0].amount = D("3.30")
    terms = {c.term for c in recompute(invoice).differences}
    assert Term.NET_PRICE in terms
    assert Term.ALLOWANCE_CHARGE_AMOUNT in terms


def test_line_allowances_and_charges_enter_the_line_amount():
    invoice = make_invoice()
    line = invoice.lines[0]
    line.allowances_charges = [
        AllowanceCharge(is_charge=False, amount=D("1.50"), base_amount=D("30.00"), percentage=D("5")),
        AllowanceCharge(is_charge=True, amount=D("0.50")),
    ]
    result = recompute(invoice)
    check = next(c for c in result.checks if c.term is Term.LINE_NET_AMOUNT and c.scope == "Position 1")
    assert check.computed == D("29.00")
    assert not check.ok


def test_cent_rounding_is_half_up():
    assert to_cent(D("0.125")) == D("0.13")
    assert to_cent(D("-0.125")) == D("-0.13")
    assert to_cent(D("2.674999")) == D("2.67")


DOCUMENT_TERMS = {
    Term.LINE_NET_TOTAL, Term.ALLOWANCE_TOTAL, Term.CHARGE_TOTAL, Term.TAX_EXCLUSIVE, Term.TAX_TOTAL,
    Term.TAX_INCLUSIVE, Term.AMOUNT_DUE, Term.VAT_TAXABLE, Term.VAT_AMOUNT,
}


def _official_invoices():
    files = sorted(TESTSUITE.glob("business-cases/**/*.xml")) + sorted(XML_RECHNUNG.glob("**/*.xml"))
    return [f for f in files if not f.name.startswith("not_validating")]


@pytest.mark.slow
def test_official_test_invoices_sum_up_as_en16931_requires():
    """Every valid official invoice meets BR-CO-10 ... BR-CO-17 (and BR-DEX-09): the
    document-level recomputation finds no difference. Third-party payments, rate-less
    categories and "19" vs "19.00" are all in there."""
    from parsers import ParseError, parse

    checked, failures = 0, []
    for path in _official_invoices():
        try:
            invoice = parse(path.read_bytes()).invoice
        except ParseError:
            continue
        checked += 1
        wrong = [c for c in recompute(invoice).differences if c.term in DOCUMENT_TERMS]
        if wrong:
            failures.append(f"{path.name}: {[(c.label, c.stated, c.computed) for c in wrong]}")
    assert checked >= 100
    assert not failures, "\n".join(failures)


def test_line_discrepancy_in_an_official_example_is_shown():
    """EN16931_1_Teilrechnung bills 20 x 2.77 EUR as 55.46 EUR: valid (the line formula is
    informative), but exactly what the rechnerische Prüfung must put in front of the clerk."""
    from parsers import parse

    invoice = parse((XML_RECHNUNG / "UBL" / "EN16931_1_Teilrechnung.ubl.xml").read_bytes()).invoice
    result = recompute(invoice)
    [line] = [c for c in result.differences]
    assert (line.term, line.scope, line.stated, line.computed, line.difference) == (
        Term.LINE_NET_AMOUNT, "Position 4", Decimal("55.46"), Decimal("55.40"), Decimal("0.06"))
