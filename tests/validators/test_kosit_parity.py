"""Cases where our verdict once differed from KoSIT's (found against the expected results of
KoSIT's own unit tests and the CEN CII schematron), rebuilt by mutating official test files."""

from __future__ import annotations

import pytest

from tests.validators.mutate import CII, STANDARD, UBL, replace
from validators import validate

PAYEE_AFTER = "<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>"


def rule_ids(data: bytes) -> set[str]:
    return {f.rule_id for f in validate(data).findings}


def cii_with_payee(name: str) -> bytes:
    return replace(CII, PAYEE_AFTER, f"{PAYEE_AFTER}<ram:PayeeTradeParty><ram:Name>{name}</ram:Name></ram:PayeeTradeParty>")


def ubl_with_payee(name: str) -> bytes:
    return replace(
        UBL,
        "</cac:AccountingCustomerParty>",
        f"</cac:AccountingCustomerParty><cac:PayeeParty><cac:PartyName><cbc:Name>{name}</cbc:Name></cac:PartyName></cac:PayeeParty>",
    )


@pytest.mark.parametrize(
    ("build", "seller_name"),
    [(cii_with_payee, "[Seller name]"), (ubl_with_payee, "[Seller trading name]")],
    ids=["CII", "UBL"],
)
def test_br_17_a_payee_that_is_the_seller_is_rejected(build, seller_name):
    # CEN compares the payee (BG-10) with the seller; Factur-X's CII binding compared it with a
    # path that never exists and so let it pass.
    report = validate(build(seller_name))
    assert not report.accepted
    assert "BR-17" in {f.rule_id for f in report.findings if f.severity == "error"}
    assert "BR-17" not in rule_ids(build("Factoring AG"))
    assert validate(build("Factoring AG")).accepted


@pytest.mark.parametrize(
    ("document", "name_element"),
    [(CII, "<ram:Name>[Seller name]</ram:Name>"), (UBL, "<cbc:RegistrationName>[Seller name]</cbc:RegistrationName>")],
    ids=["CII", "UBL"],
)
def test_br_06_a_seller_name_of_blanks_is_missing(document, name_element):
    # CEN tests mandatory texts with normalize-space(); Factur-X's CII binding let blanks pass.
    blank = name_element.replace("[Seller name]", "   ")
    report = validate(replace(document, name_element, blank))
    assert not report.accepted
    assert "BR-06" in {f.rule_id for f in report.findings if f.severity == "error"}


SELLER_TAX = """<ram:ApplicableTradeTax>
                <ram:CalculatedAmount>22.04</ram:CalculatedAmount>"""


def _tax_point_date(day: str) -> str:
    return f'<ram:TaxPointDate><udt:DateString format="102">{day}</udt:DateString></ram:TaxPointDate>'


def test_br_co_03_bt_7_and_bt_8_exclude_each_other_across_vat_breakdowns():
    # CEN tests BT-7 against BT-8 anywhere in the invoice; Factur-X's CII binding only within
    # one VAT breakdown.
    text = CII.read_text(encoding="utf-8")
    start = text.index(SELLER_TAX)
    end = text.index("</ram:ApplicableTradeTax>", start) + len("</ram:ApplicableTradeTax>")
    breakdown = text[start:end]
    with_bt7 = breakdown.replace("<ram:RateApplicablePercent>", _tax_point_date("20160404") + "<ram:RateApplicablePercent>")
    zero_rated_with_bt8 = (
        breakdown.replace("22.04", "0")
        .replace("314.86", "0")
        .replace("<ram:CategoryCode>S<", "<ram:CategoryCode>Z<")
        .replace(">7</ram:RateApplicablePercent>", ">0</ram:RateApplicablePercent>")
        .replace("<ram:RateApplicablePercent>", "<ram:DueDateTypeCode>5</ram:DueDateTypeCode><ram:RateApplicablePercent>")
    )
    only_bt7 = text.replace(breakdown, with_bt7, 1).encode("utf-8")
    both = text.replace(breakdown, with_bt7 + zero_rated_with_bt8, 1).encode("utf-8")

    assert "BR-CO-03" not in rule_ids(only_bt7)
    assert validate(only_bt7).accepted
    report = validate(both)
    assert "BR-CO-03" in {f.rule_id for f in report.findings if f.severity == "error"}
    assert not report.accepted


SELLER_CONTACT_NAME = "<ram:PersonName>nicht vorhanden</ram:PersonName>"
BUYER_ADDRESS = "<ram:BuyerTradeParty>"


def test_cii_sr_465_two_seller_contact_points_reject():
    # KoSIT raises CII-SR-465/466 (one contact point per party) from CEN's warning to an error.
    both = replace(CII, SELLER_CONTACT_NAME, SELLER_CONTACT_NAME + "<ram:DepartmentName>Einkauf</ram:DepartmentName>")
    report = validate(both)
    assert {f.rule_id: f.severity for f in report.findings}.get("CII-SR-465") == "error"
    assert not report.accepted


def test_cii_sr_475_two_attachment_descriptions_are_information_only():
    # ... and lowers CII-SR-475/476 (one BT-123/BT-125 per attachment) to information.
    document = replace(
        CII,
        "</ram:BuyerTradeParty>",
        "</ram:BuyerTradeParty><ram:AdditionalReferencedDocument><ram:IssuerAssignedID>DOC-001</ram:IssuerAssignedID>"
        "<ram:TypeCode>916</ram:TypeCode><ram:Name>Anlage 1</ram:Name><ram:Name>Anlage 2</ram:Name>"
        "</ram:AdditionalReferencedDocument>",
    )
    report = validate(document)
    assert {f.rule_id: f.severity for f in report.findings}.get("CII-SR-475") == "information"
    assert report.accepted


CLASSIFICATION = '<ram:ClassCode listID="IB">0721-880X</ram:ClassCode>\n                </ram:DesignatedProductClassification>'


@pytest.mark.parametrize(("class_code", "fires"), [('listID="MN"', False), ("", True)], ids=["with-list-id", "without"])
def test_br_65_every_item_classification_needs_its_list_id(class_code, fires):
    # As KoSIT's unit test cii-br-65-test: a second classification without listID fails even
    # when the first has one (Factur-X's binding looked at the line, so the first one sufficed).
    second = f"<ram:DesignatedProductClassification><ram:ClassCode {class_code}>ABCDEF123</ram:ClassCode></ram:DesignatedProductClassification>"
    report = validate(replace(CII, CLASSIFICATION, CLASSIFICATION + second))
    assert ("BR-65" in {f.rule_id for f in report.findings if f.severity == "error"}) is fires
    assert report.accepted is not fires


def test_br_co_15_a_vat_total_without_the_invoice_currency_does_not_pass_as_missing():
    # As KoSIT's unit test cii-br-co-15-negative-test (on the same not-subject-to-VAT invoice):
    # grand total = net total excuses only an invoice without any BT-110.
    exempt = STANDARD / "01.04a-INVOICE_uncefact.xml"
    report = validate(replace(exempt, '<ram:TaxTotalAmount currencyID="EUR">0</ram:TaxTotalAmount>', "<ram:TaxTotalAmount>2</ram:TaxTotalAmount>"))
    assert "BR-CO-15" in {f.rule_id for f in report.findings if f.severity == "error"}
    assert not report.accepted
    without_bt110 = validate(replace(exempt, '<ram:TaxTotalAmount currencyID="EUR">0</ram:TaxTotalAmount>', ""))
    assert "BR-CO-15" not in {f.rule_id for f in without_bt110.findings}



@pytest.mark.parametrize(("tax_currency", "fires"), [("EUR", False), ("USD", True)])
def test_br_53_a_vat_accounting_currency_needs_a_vat_total_in_it(tax_currency, fires):
    # As KoSIT's unit test cii-br-53-test-bt-5-and-bt-111-with-bt-6: BT-6 equal to BT-5 with a
    # BT-111 in it passes BR-53 (Factur-X's binding still rejected it; PEPPOL-EN16931-R005 does).
    document = replace(CII, "<ram:InvoiceCurrencyCode>", f"<ram:TaxCurrencyCode>{tax_currency}</ram:TaxCurrencyCode><ram:InvoiceCurrencyCode>")
    assert ("BR-53" in rule_ids(document)) is fires


def test_br_47_48_count_only_vat_breakdowns():
    # CEN asks BT-118/BT-119 of a breakdown whose type code is VAT; a breakdown of another tax
    # has neither in EN 16931's sense (Factur-X's binding took any type code).
    header_tax = "<ram:TypeCode>VAT</ram:TypeCode>\n                <ram:BasisAmount>314.86</ram:BasisAmount>"
    fired = rule_ids(replace(CII, header_tax, header_tax.replace(">VAT<", ">GST<")))
    assert {"BR-47", "BR-48"} <= fired
    assert not {"BR-47", "BR-48"} & rule_ids(replace(CII, header_tax, header_tax.replace(">VAT<", ">vat<")))
