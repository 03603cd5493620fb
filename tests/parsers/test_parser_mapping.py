"""Single business terms read from the official files: the ones a pair comparison cannot prove
on its own (both mappers could share one mistake) and the XRechnung extensions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.invoice import InvoiceLine, SubInvoiceLine
from parsers import ParseError, Syntax, parse
from tests.conftest import TESTSUITE, XML_RECHNUNG

CIUS = TESTSUITE / "technical-cases" / "cius"
STANDARD = TESTSUITE / "business-cases" / "standard"
EXTENSION = TESTSUITE / "business-cases" / "extension"


def invoice_of(path):
    return parse(path.read_bytes()).invoice


@pytest.fixture(scope="module", params=["ubl", "uncefact"])
def comprehensive(request):
    return invoice_of(CIUS / f"01.01_comprehensive_test_{request.param}.xml")


def test_header_terms(comprehensive):
    inv = comprehensive
    assert (inv.number, inv.issue_date, inv.type_code) == ("1234567", date(2018, 4, 13), "380")
    assert (inv.currency, inv.tax_currency) == ("EUR", "GBP")
    assert inv.tax_point_date == date(2018, 4, 13)
    assert inv.buyer_reference == "90000000-03083-72"
    assert inv.project_reference == "PR12345678"
    assert inv.contract_reference == "0000000752"
    assert inv.purchase_order_reference == "65002278"
    assert inv.sales_order_reference == "ABC123456789"
    assert inv.receiving_advice_reference == "RAR123456789"
    assert inv.despatch_advice_reference == "DAR123456789"
    assert inv.tender_or_lot_reference == "ANG987654321"
    assert inv.invoiced_object_id.value == "OK987654321"
    assert inv.buyer_accounting_reference == "Buchungscode1"
    assert [n.text for n in inv.notes] == ["Invoice Note Description", "Invoice Note Description 2"]
    assert {n.subject_code for n in inv.notes} == {"AAC"}
    assert inv.preceding_invoices[0].number == "PIR1234567890"
    assert inv.preceding_invoices[0].issue_date == date(2018, 2, 4)
    assert inv.specification_id == "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"


def test_parties(comprehensive):
    seller = comprehensive.seller
    assert seller.name == "[Seller name]" and seller.trading_name == "[Seller trading name]"
    assert seller.vat_id == "ATU123456789" and seller.tax_registration_id == "123/456/789"
    assert seller.legal_registration_id.value == "123456789" and seller.legal_registration_id.scheme_id == "0088"
    assert seller.electronic_address.value == "rechnungsausgang@test.com"
    assert seller.electronic_address.scheme_id == "EM"
    assert seller.additional_legal_info.startswith("Amtsgericht")
    assert seller.address.line3 == "[Seller address line 3]" and seller.address.subdivision == "Bayern"
    assert seller.contact.telephone == "012 3456789" and seller.contact.email == "tim.tester@test.com"
    buyer = comprehensive.buyer
    assert buyer.vat_id == "DE12345ABC" and buyer.identifier.value == "138"
    assert buyer.legal_registration_id.scheme_id == "0204"
    assert buyer.contact.name == "Tina Tester"
    assert comprehensive.payee.name == "[Payee name]" and comprehensive.payee.identifier.value == "74"
    rep = comprehensive.tax_representative
    assert rep.name == "[Seller tax representative name]" and rep.vat_id == "DE124567"
    assert rep.address.line2 == "[Seller tax representative address line 2]"
    delivery = comprehensive.delivery
    assert delivery.party_name == "[Deliver to party name]" and delivery.location_id.value == "68"
    assert delivery.actual_delivery_date == date(2018, 4, 13)
    assert delivery.address.line2 == "4. OG" and delivery.address.line3 == "More Details"


def test_payment_allowances_totals(comprehensive):
    payment = comprehensive.payment
    assert payment.means_code == "58" and payment.means_text == "[Payment means text]"
    assert payment.remittance_information == "Deb. 12345 / Fact. 9876543"
    assert [t.account_id for t in payment.credit_transfers] == ["DE79000000001234567890", "DE16000000002345678901"]
    assert payment.credit_transfers[0].account_name == "[Payment account name]"
    assert payment.credit_transfers[0].service_provider_id == "[BIC]"
    charges, allowances = comprehensive.charges, comprehensive.allowances
    assert [c.reason for c in charges] == ["Testing", "Testing 2"]
    assert [a.reason_code for a in allowances] == ["102", "102"]
    assert charges[0].percentage == 10 and charges[0].base_amount == 100 and charges[0].tax_category_code == "E"
    totals = comprehensive.totals
    assert totals.line_net_total == Decimal("10781.25")
    assert (totals.allowance_total, totals.charge_total) == (Decimal("20"), Decimal("20"))
    assert totals.tax_total == Decimal("2048.44") and totals.tax_total_in_tax_currency == Decimal("2048.44")
    assert totals.tax_inclusive == Decimal("12829.69") and totals.amount_due == Decimal("12829.69")
    exempt = comprehensive.vat_breakdown[1]
    assert exempt.category_code == "E" and exempt.exemption_reason_code == "VATEX-EU-132-1A"
    assert exempt.exemption_reason == "[VAT exemption reason text]"


def test_lines(comprehensive):
    line = comprehensive.lines[0]
    assert line.id == "1" and line.quantity == 30 and line.unit_code == "XPP"
    assert line.net_amount == Decimal("4743.75")
    assert line.note.startswith("Die letzte Lieferung")
    assert line.object_id.value == "ANG987654321" and line.object_id.scheme_id == "ABZ"
    assert line.order_line_reference == "6171175.1" and line.buyer_accounting_reference == "Konto 1"
    assert line.period.start_date == date(2018, 4, 13)
    assert [ac.is_charge for ac in line.allowances_charges] == [True, True, False, False]
    assert line.allowances_charges[0].tax_category_code is None  # not carried at line level
    assert line.price.net_price == Decimal("158.125")
    assert line.price.discount == 10 and line.price.gross_price == Decimal("168.125")
    assert line.price.base_quantity == 1 and line.price.base_quantity_unit == "XPP"
    assert line.vat.category_code == "S" and line.vat.rate == 19
    item = line.item
    assert (item.name, item.description) == ("Beratung", "Anforderungsmanagement")
    assert (item.seller_id, item.buyer_id) == ("1034", "5034")
    assert item.standard_id.value == "123456789" and item.standard_id.scheme_id == "0088"
    assert [c.code for c in item.classifications] == ["0721-880X", "0721-880XYZ"]
    assert item.classifications[0].list_id == "IB" and item.classifications[0].list_version == "88"
    assert item.origin_country == "DE"
    assert [(a.name, a.value) for a in item.attributes] == [("[Description]", "[Value]"), ("[Description 2]", "[Value 2]")]


def test_attachments_are_decoded(comprehensive):
    attachment = comprehensive.attachments[0]
    assert attachment.id == "01_15_Anhang_01.pdf" and attachment.filename == "01_15_Anhang_01.pdf"
    assert attachment.mime_code == "application/pdf"
    assert attachment.description == "Aufschlüsselung der einzelnen Leistungspositionen"
    assert attachment.external_uri == "https://xeinkauf.de/xrechnung/"
    assert attachment.content.startswith(b"%PDF-") and attachment.content.rstrip().endswith(b"%%EOF")


@pytest.mark.parametrize("syntax", ["ubl", "uncefact"])
def test_skonto_terms_are_parsed(syntax: str):
    invoice = invoice_of(STANDARD / f"01.10a-INVOICE_{syntax}.xml")
    terms = invoice.payment_terms_detail
    assert [(t.days, t.percent) for t in terms.skonto] == [(7, Decimal("2.00")), (14, Decimal("1.00")), (30, Decimal("0.00"))]
    assert terms.malformed == [] and terms.text is None


def test_direct_debit_and_sepa_creditor_id():
    payment = invoice_of(CIUS / "01.04_comprehensive_test_ubl.xml").payment
    assert payment.means_code == "59"
    assert payment.direct_debit.mandate_reference == "[Mandate Reference Identifier]"
    assert payment.direct_debit.creditor_id == "[Bank assigned creditor identifier]"
    assert payment.direct_debit.debited_account_id == "DE79000000001234567890"
    cii = invoice_of(CIUS / "01.04_comprehensive_test_uncefact.xml").payment
    assert cii.direct_debit == payment.direct_debit


def test_payment_card():
    for syntax in ("ubl", "uncefact"):
        card = invoice_of(CIUS / f"01.03_comprehensive_test_{syntax}.xml").payment.card
        assert card.primary_account_number == "6789" and card.holder_name == "[Name Cardholder]"


def test_tax_point_date_code_is_untdid_2005_in_both_syntaxes():
    # CII writes UNTDID 2475 (5 = invoice date ... 29 = delivery); the model holds UNTDID 2005 (3, 35, 432)
    ubl = invoice_of(CIUS / "01.02_comprehensive_test_ubl.xml")
    cii = invoice_of(CIUS / "01.02_comprehensive_test_uncefact.xml")
    assert ubl.tax_point_date_code == cii.tax_point_date_code == "3"


def test_ubl_credit_note():
    parsed = parse((XML_RECHNUNG / "UBL" / "ubl-tc434-creditnote1.xml").read_bytes())
    assert parsed.syntax is Syntax.UBL_CREDIT_NOTE
    invoice = parsed.invoice
    assert invoice.type_code == "381" and invoice.is_credit_note
    assert invoice.number == "018304 / 28865"
    assert len(invoice.lines) == 1 and invoice.lines[0].quantity == Decimal("1.00")
    assert invoice.totals.amount_due == Decimal("100.11")


def test_cii_credit_note_pair():
    ubl = invoice_of(XML_RECHNUNG / "UBL" / "EN16931_Gutschrift.ubl.xml")
    cii = invoice_of(XML_RECHNUNG / "CII" / "EN16931_Gutschrift.cii.xml")
    assert ubl.type_code == cii.type_code and ubl.is_credit_note == cii.is_credit_note


def _tree(lines, depth=0):
    rows = []
    for line in lines:
        rows.append((depth, line.id, type(line).__name__))
        rows.extend(_tree(line.sub_lines, depth + 1))
    return rows


def test_ubl_sub_lines_nest():
    invoice = invoice_of(EXTENSION / "04.01a-INVOICE_ubl.xml")
    rows = _tree(invoice.lines)
    assert [row[:2] for row in rows if row[0] == 0] == [(0, "1"), (0, "2")]
    assert (1, "1 1", "SubInvoiceLine") in rows and (2, "1 1 1", "SubInvoiceLine") in rows
    assert all(isinstance(line, InvoiceLine) and not isinstance(line, SubInvoiceLine) for line in invoice.lines)
    first = invoice.lines[0]
    # the group's amount is the sum of its sub-lines
    assert sum(sub.net_amount for sub in first.sub_lines) == first.net_amount


def _all_sub_lines(lines):
    for line in lines:
        yield from line.sub_lines
        yield from _all_sub_lines(line.sub_lines)


def test_ubl_grouping_sub_line_without_quantity_and_price():
    subs = {sub.id: sub for sub in _all_sub_lines(invoice_of(EXTENSION / "04.03a-INVOICE_ubl.xml").lines)}
    group = subs["3."]
    assert group.quantity is None and group.price.net_price == Decimal("20741863.06")
    assert subs["3.1.10."].quantity == 210
    subs = {sub.id: sub for sub in _all_sub_lines(invoice_of(EXTENSION / "04.04a-INVOICE_ubl.xml").lines)}
    assert subs["1.02"].price is None


CII_SOURCE = CIUS / "01.01_comprehensive_test_uncefact.xml"


def _with_parent(parent: bytes) -> bytes:
    data = CII_SOURCE.read_bytes()
    marker = b"<ram:LineID>2</ram:LineID>"
    assert data.count(marker) == 1
    return data.replace(marker, marker + b"<ram:ParentLineID>" + parent + b"</ram:ParentLineID>")


def test_cii_parent_line_id_nests_like_ubl():
    invoice = parse(_with_parent(b"1")).invoice
    assert [line.id for line in invoice.lines] == ["1"]
    sub = invoice.lines[0].sub_lines[0]
    assert isinstance(sub, SubInvoiceLine) and sub.id == "2" and sub.net_amount == Decimal("6037.50")


def test_cii_parent_line_id_that_names_no_line():
    with pytest.raises(ParseError) as caught:
        parse(_with_parent(b"99"))
    assert caught.value.code == "parse.missing_field" and "99" in caught.value.message


def test_json_dump_carries_amounts_as_strings():
    dump = invoice_of(XML_RECHNUNG / "CII" / "EN16931_Einfach.cii.xml").model_dump(mode="json")
    assert dump["totals"]["amount_due"] == "529.87"
    assert dump["lines"][0]["quantity"] == "20.0000"


def test_third_party_payments_of_the_extension():
    invoice = invoice_of(EXTENSION / "05.01a-INVOICE_ubl.xml")
    payments = invoice.third_party_payments
    assert [(p.type_id, p.amount, p.currency) for p in payments] == [
        ("MobilesBezahlen", Decimal("19.96"), "EUR"),
        ("MobilesBezahlen", Decimal("10.00"), "EUR"),
    ]
    assert payments[0].description.startswith("Mobiles Bezahlen (Brutto-Forderung")
    totals = invoice.totals
    # BR-DEX-09 holds with the mapped values
    assert totals.amount_due == totals.tax_inclusive - (totals.prepaid or 0) + (totals.rounding or 0) + sum(
        p.amount for p in payments
    )
