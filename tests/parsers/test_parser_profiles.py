"""Factur-X / ZUGFeRD 2 in every profile, ZUGFeRD 1.0, and PDF/A-3 built with the factur-x library."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from parsers import Syntax, detect, map_invoice, parse
from tests.parsers.samples import PROFILES, WITHOUT_LINES, ZUGFERD1_COMFORT, factur_x, factur_x_pdf


@pytest.mark.parametrize("profile", list(PROFILES))
def test_every_factur_x_profile_is_detected_and_mapped(profile: str):
    parsed = parse(factur_x(profile))
    assert parsed.syntax is Syntax.CII
    assert parsed.profile == profile
    invoice = parsed.invoice
    assert invoice.number == "RE-2024-0815"
    assert invoice.issue_date == date(2024, 11, 15)
    assert invoice.buyer_reference == "08115028-A8700-46"
    assert invoice.seller.name == "Lieferant GmbH" and invoice.seller.vat_id == "DE123456789"
    assert invoice.totals.tax_exclusive == Decimal("300.00")
    assert invoice.totals.tax_total == Decimal("57.00")
    assert invoice.totals.amount_due == Decimal("357.00")
    if profile in WITHOUT_LINES:
        assert invoice.lines == []
    else:
        assert [line.id for line in invoice.lines] == ["1", "2"]
        assert invoice.lines[0].quantity == Decimal("2.0000") and invoice.lines[0].unit_code == "HUR"
        assert invoice.lines[0].price.net_price == Decimal("100.00")
        assert sum(line.net_amount for line in invoice.lines) == invoice.totals.line_net_total


def test_minimum_profile_derives_the_missing_line_total_and_says_so():
    parsed = parse(factur_x("urn:factur-x.eu:1p0:minimum"))
    assert parsed.invoice.totals.line_net_total == Decimal("300.00")
    assert any("BT-106" in warning for warning in parsed.warnings)
    assert parse(factur_x("urn:factur-x.eu:1p0:basicwl")).warnings == []


def test_basic_wl_carries_header_data_without_lines():
    invoice = parse(factur_x("urn:factur-x.eu:1p0:basicwl")).invoice
    assert invoice.notes[0].text == "Vielen Dank für Ihren Auftrag." and invoice.notes[0].subject_code == "AAI"
    assert invoice.vat_breakdown[0].rate == Decimal("19.00")
    assert invoice.due_date == date(2024, 12, 15)
    assert invoice.payment_terms_detail.skonto[0].days == 14
    assert invoice.payment_terms_detail.skonto[0].percent == Decimal("2.00")
    assert invoice.payment_terms_detail.text == "Zahlbar binnen 30 Tagen."


def test_cii_credit_note_by_type_code():
    invoice = parse(factur_x("urn:cen.eu:en16931:2017", type_code="381")).invoice
    assert invoice.type_code == "381" and invoice.is_credit_note


def test_factur_x_pdf_keeps_the_pdf_and_the_xml():
    xml = factur_x("urn:cen.eu:en16931:2017")
    pdf = factur_x_pdf(xml)
    parsed = parse(pdf)
    assert parsed.detected.pdf == pdf
    assert parsed.detected.xml == xml
    assert parsed.detected.embedded_filename == "factur-x.xml"
    assert parsed.invoice == parse(xml).invoice


def test_map_invoice_reuses_the_detected_tree():
    detected = detect(factur_x("urn:cen.eu:en16931:2017"))
    assert map_invoice(detected) == parse(detected.xml).invoice


def test_zugferd1_is_detected_with_its_profile():
    parsed = parse(ZUGFERD1_COMFORT)
    assert parsed.syntax is Syntax.ZUGFERD1
    assert parsed.profile == "urn:ferd:CrossIndustryDocument:invoice:1p0:comfort"


def test_zugferd1_maps_every_term_it_carries():
    invoice = parse(ZUGFERD1_COMFORT).invoice
    assert invoice.number == "ZF1-4711" and invoice.type_code == "380"
    assert invoice.issue_date == date(2013, 3, 5)
    assert invoice.due_date == date(2013, 4, 4)
    assert invoice.notes[0].text == "Rechnung gemäß Bestellung vom 01.03.2013."
    assert invoice.purchase_order_reference == "B-2013-17"
    assert invoice.despatch_advice_reference == "LS-0815"
    seller = invoice.seller
    assert seller.identifiers[0].value == "4000001123452" and seller.identifiers[0].scheme_id == "0088"
    assert seller.vat_id == "DE123456789" and seller.tax_registration_id == "201/113/40209"
    assert seller.address.city == "München" and seller.address.postal_code == "80333"
    assert invoice.buyer.identifier.value == "GE2020211"
    assert invoice.delivery.actual_delivery_date == date(2013, 3, 5)
    transfer = invoice.payment.credit_transfers[0]
    assert (transfer.account_id, transfer.service_provider_id) == ("DE08700901001234567890", "GENODEF1M04")
    assert invoice.payment.means_code == "58" and invoice.payment.remittance_information == "ZF1-4711"
    allowance = invoice.allowances_charges[0]
    assert not allowance.is_charge and allowance.amount == Decimal("2.00") and allowance.tax_rate == Decimal("19.00")
    assert invoice.vat_breakdown[0].rate == Decimal("19.00")
    assert invoice.vat_breakdown[0].tax_amount == Decimal("37.62")
    totals = invoice.totals
    assert (totals.line_net_total, totals.allowance_total, totals.tax_exclusive) == (
        Decimal("200.00"),
        Decimal("2.00"),
        Decimal("198.00"),
    )
    assert (totals.tax_total, totals.tax_inclusive, totals.amount_due) == (
        Decimal("37.62"),
        Decimal("235.62"),
        Decimal("235.62"),
    )
    line = invoice.lines[0]
    assert (line.quantity, line.unit_code, line.net_amount) == (Decimal("20.0000"), "C62", Decimal("200.00"))
    assert line.price.net_price == Decimal("10.0000") and line.price.base_quantity == Decimal("1.0000")
    assert line.vat.rate == Decimal("19.00") and line.vat.category_code == "S"
    assert line.item.name == "Trennblätter A4" and line.item.standard_id.scheme_id == "0160"


def test_parsing_in_threads_gives_the_same_models():
    from concurrent.futures import ThreadPoolExecutor

    from tests.conftest import XML_RECHNUNG

    files = sorted((XML_RECHNUNG / "CII").glob("*.xml")) + sorted((XML_RECHNUNG / "UBL").glob("*.xml"))
    documents = [path.read_bytes() for path in files] * 3
    expected = [parse(data).invoice for data in documents]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(lambda data: parse(data).invoice, documents)) == expected
