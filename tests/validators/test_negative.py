"""Documents built by mutating official test files are rejected with the intended rule id."""

from __future__ import annotations

import pytest

from tests.conftest import XML_RECHNUNG
from tests.validators.mutate import (
    CII,
    STANDARD,
    CII_EN16931,
    CVD_UBL,
    FX_PDF_EN16931,
    FX_PDF_XRECHNUNG_21,
    UBL,
    UBL_EXTENSION,
    XRECHNUNG_30,
    replace,
    with_profile,
)
from validators import validate


def fired(report) -> dict[str, str]:
    return {f.rule_id: f.severity for f in report.findings}


CASES = [
    # (name, document, rule id that must fire as error)
    ("BR-CO-10 UBL", lambda: replace(UBL, 'LineExtensionAmount currencyID="EUR">288.79<', 'LineExtensionAmount currencyID="EUR">288.80<'), "BR-CO-10"),
    ("BR-CO-10 CII", lambda: replace(CII, "<ram:LineTotalAmount>288.79<", "<ram:LineTotalAmount>288.80<"), "BR-CO-10"),
    ("BR-CO-15 UBL", lambda: replace(UBL, 'TaxInclusiveAmount currencyID="EUR">336.9<', 'TaxInclusiveAmount currencyID="EUR">336.0<'), "BR-CO-15"),
    ("BR-CO-15 CII", lambda: replace(CII, "<ram:GrandTotalAmount>336.9<", "<ram:GrandTotalAmount>336.0<"), "BR-CO-15"),
    ("BR-CL-04 UBL", lambda: replace(UBL, "<cbc:DocumentCurrencyCode>EUR<", "<cbc:DocumentCurrencyCode>ABC<"), "BR-CL-04"),
    ("BR-CL-04 CII", lambda: replace(CII, "<ram:InvoiceCurrencyCode>EUR<", "<ram:InvoiceCurrencyCode>ABC<"), "BR-CL-04"),
    ("BR-06 UBL", lambda: replace(UBL, "<cbc:RegistrationName>[Seller name]</cbc:RegistrationName>", ""), "BR-06"),
    ("BR-06 CII", lambda: replace(CII, "<ram:Name>[Seller name]</ram:Name>", ""), "BR-06"),
    ("BR-DEC-12 UBL", lambda: replace(UBL, 'TaxExclusiveAmount currencyID="EUR">314.86<', 'TaxExclusiveAmount currencyID="EUR">314.860<'), "BR-DEC-12"),
    ("BR-DEC-12 CII", lambda: replace(CII, "<ram:TaxBasisTotalAmount>314.86<", "<ram:TaxBasisTotalAmount>314.860<"), "BR-DEC-12"),
    ("BR-CL-24 CII", lambda: replace(STANDARD / "01.15a-INVOICE_uncefact.xml", 'mimeCode="application/pdf"', 'mimeCode="application/zip"'), "BR-CL-24"),
    ("BR-CL-10 CII", lambda: replace(STANDARD / "02.01a-INVOICE_uncefact.xml", 'GlobalID schemeID="0088"', 'GlobalID schemeID="9999"'), "BR-CL-10"),
    ("UBL-CR-646 sub-lines outside the extension", lambda: replace(UBL_EXTENSION, XRECHNUNG_30 + "#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0<", XRECHNUNG_30 + "<"), "UBL-CR-646"),
    ("BR-CL-13 CVD scheme outside the CVD scenario", lambda: replace(CVD_UBL, XRECHNUNG_30 + "#compliant#urn:xeinkauf.de:kosit:xrechnung:cvd_0.9<", XRECHNUNG_30 + "<"), "BR-CL-13"),
]


@pytest.mark.parametrize(("name", "build", "rule_id"), CASES, ids=[c[0] for c in CASES])
def test_mutation_is_rejected_with_the_intended_rule(name, build, rule_id):
    report = validate(build(), business=False)
    assert not report.accepted
    assert fired(report).get(rule_id) == "error", fired(report)
    assert {"id": rule_id, "flag": "fatal"} in report.fired()


@pytest.mark.parametrize(
    ("path", "anchor"),
    [(UBL, "<cbc:DocumentCurrencyCode>"), (CII, "<ram:InvoiceCurrencyCode>")],
    ids=["UBL", "CII"],
)
def test_xsd_violation_rejects_and_skips_the_rule_layers(path, anchor):
    prefix = anchor[1:4]
    broken = replace(path, anchor, f"<{prefix}:Unbekannt>x</{prefix}:Unbekannt>{anchor}")
    # also break the arithmetic: the rule layers must not even look at it
    report = validate(broken.replace(b">336.9<", b">1.00<"), business=False)
    assert not report.accepted
    assert {f.layer for f in report.findings} == {"xsd"}
    assert "Unbekannt" in report.findings[0].text
    assert report.fired() == []
    assert [layer.status for layer in report.layers][1:] == ["übersprungen (XSD-Fehler)"] * (len(report.layers) - 1)


@pytest.mark.parametrize("path", [UBL, CII], ids=["UBL", "CII"])
def test_br_cl_23_is_a_warning_in_xrechnung_and_an_error_in_plain_en16931(path):
    xrechnung = replace(path, 'unitCode="XPP"', 'unitCode="QQQ"')
    report = validate(xrechnung, business=False)
    assert fired(report)["BR-CL-23"] == "warning"
    assert report.accepted, "warnings alone never reject"
    assert {"id": "BR-CL-23", "flag": "warning"} in report.fired()

    plain = xrechnung.replace(f">{XRECHNUNG_30}<".encode(), b">urn:cen.eu:en16931:2017<")
    report = validate(plain, business=False)
    assert report.scenario.id.startswith("en16931-")
    assert fired(report)["BR-CL-23"] == "error"
    assert not report.accepted


def test_extension_scenario_lowers_sub_line_and_prepaid_rules():
    report = validate(UBL_EXTENSION.read_bytes(), business=False)
    assert report.scenario.id == "xrechnung-3.0-extension-ubl-invoice"
    assert fired(report)["UBL-CR-646"] == "information"
    assert report.accepted


def test_cvd_scenario_lowers_br_cl_13_to_information():
    report = validate(CVD_UBL.read_bytes(), business=False)
    assert report.scenario.id == "xrechnung-3.0-cvd-ubl-invoice"
    assert fired(report)["BR-CL-13"] == "information"
    assert report.accepted


@pytest.mark.parametrize(
    ("profile", "code"),
    [
        ("urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_2.3", "scenario.outdated_xrechnung"),
        ("urn:cen.eu:en16931:2017#compliant#urn:xoev-de:kosit:standard:xrechnung_1.2", "scenario.outdated_xrechnung"),
        ("urn:example:unbekannt", "scenario.none"),
        (XRECHNUNG_30 + " ", "scenario.none"),  # KoSIT compares BT-24 exactly
    ],
)
@pytest.mark.parametrize("path", [UBL, CII], ids=["UBL", "CII"])
def test_outdated_or_unknown_bt24_has_no_scenario(path, profile, code):
    report = validate(with_profile(path, profile), business=False)
    assert not report.accepted
    assert report.scenario is None
    assert report.reason_code == code
    assert "kein passendes Prüfszenario" in report.reason
    assert profile in report.reason
    assert report.findings == []
    assert report.fields.invoice_number == "123456XX"


def test_factur_x_pdf_with_xrechnung_2_1_is_outdated():
    report = validate(FX_PDF_XRECHNUNG_21.read_bytes(), business=False)
    assert not report.accepted
    assert report.reason_code == "scenario.outdated_xrechnung"
    assert "xrechnung_2.1" in report.reason


def test_factur_x_en16931_pdf_is_checked_as_en16931_cii():
    report = validate(FX_PDF_EN16931.read_bytes(), business=False)
    assert report.syntax == "cii"
    assert report.scenario.id == "en16931-cii"
    assert report.accepted
    assert report.embedded_filename


@pytest.mark.parametrize(
    "profile",
    ["urn:factur-x.eu:1p0:minimum", "urn:factur-x.eu:1p0:basicwl", "urn:zugferd.de:2p0:minimum", "urn:zugferd.de:2p0:basicwl"],
)
def test_minimum_and_basic_wl_are_not_invoices(profile):
    report = validate(with_profile(CII_EN16931, profile), business=False)
    assert not report.accepted
    assert report.scenario.id == "facturx-not-an-invoice"
    assert report.reason_code == "scenario.not_an_invoice"
    assert "EN 16931" in report.reason


def test_extended_profile_runs_the_factur_x_extended_layers():
    report = validate(with_profile(CII_EN16931, "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended"), business=False)
    assert report.scenario.id == "facturx-extended"
    assert [layer.name for layer in report.layers] == ["XML Schema Factur-X EXTENDED", "Factur-X EXTENDED Schematron"]
    assert report.accepted


def test_basic_profile_is_checked_against_the_basic_schema():
    # an EN16931 document carries elements BASIC does not have
    report = validate(with_profile(CII_EN16931, "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic"), business=False)
    assert report.scenario.id == "facturx-basic"
    assert not report.accepted
    assert report.findings[0].layer == "xsd"


ZUGFERD1 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">
 <rsm:SpecifiedExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>
  <ram:ID>urn:ferd:CrossIndustryDocument:invoice:1p0:comfort</ram:ID>
 </ram:GuidelineSpecifiedDocumentContextParameter></rsm:SpecifiedExchangedDocumentContext>
 <rsm:HeaderExchangedDocument><ram:ID>ZF1-1</ram:ID><ram:Name>RECHNUNG</ram:Name><ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">20240101</udt:DateTimeString></ram:IssueDateTime>
 </rsm:HeaderExchangedDocument>
 <rsm:SpecifiedSupplyChainTradeTransaction/>
</rsm:CrossIndustryDocument>"""


def test_zugferd_1_is_outdated_by_default():
    report = validate(ZUGFERD1, business=False)
    assert report.syntax == "zugferd1"
    assert not report.accepted
    assert report.reason_code == "scenario.outdated_zugferd1"
    assert "veraltet" in report.reason


def test_zugferd_1_is_checked_against_its_schema_when_allowed():
    report = validate(ZUGFERD1, business=False, allow_zugferd1=True)
    assert report.scenario.id == "zugferd-1.0"
    assert report.reason_code is None
    assert [layer.kind for layer in report.layers] == ["xsd"]
    assert report.fields.invoice_number == "ZF1-1"
    assert report.fields.issue_date == "2024-01-01"


def test_credit_notes_have_their_own_scenarios():
    credit_note = XML_RECHNUNG / "UBL" / "ubl-tc434-creditnote1.xml"
    report = validate(credit_note.read_bytes(), business=False)
    assert report.syntax == "ubl-creditnote"
    assert report.scenario.id == "en16931-ubl-creditnote"
    assert report.accepted
    as_xrechnung = replace(credit_note, "CustomizationID>urn:cen.eu:en16931:2017<", f"CustomizationID>{XRECHNUNG_30}<")
    report = validate(as_xrechnung, business=False)
    assert report.scenario.id == "xrechnung-3.0-ubl-creditnote"
    assert [layer.name for layer in report.layers][0] == "XML Schema UBL 2.1 CreditNote"
    # the CIUS applies: this CEN example lacks the seller contact XRechnung demands
    assert fired(report)["BR-DE-5"] == "error"
    assert not report.accepted


def test_cii_sr_452_is_raised_to_an_error_in_xrechnung_only():
    terms = (
        "<ram:SpecifiedTradePaymentTerms>\n                <ram:Description>Zahlbar sofort ohne Abzug.</ram:Description>\n"
        "            </ram:SpecifiedTradePaymentTerms>"
    )
    twice = replace(CII, terms, terms + terms)
    report = validate(twice, business=False)
    assert fired(report)["CII-SR-452"] == "error"
    assert not report.accepted
    plain = validate(twice.replace(f">{XRECHNUNG_30}<".encode(), b">urn:cen.eu:en16931:2017<"), business=False)
    assert fired(plain)["CII-SR-452"] == "warning"
    assert plain.accepted


def test_cii_schema_accepts_what_kosits_accepts_and_cen_reports_it():
    # two payment-terms descriptions are valid UN/CEFACT CII; CEN's CII-SR-453 flags them
    # and XRechnung raises that to an error
    data = replace(
        CII,
        "<ram:Description>Zahlbar sofort ohne Abzug.</ram:Description>",
        "<ram:Description>Zahlbar sofort</ram:Description><ram:Description>ohne Abzug.</ram:Description>",
    )
    report = validate(data, business=False)
    assert [f for f in report.findings if f.layer == "xsd"] == []
    assert fired(report)["CII-SR-453"] == "error"


def test_cen_cii_syntax_rules_carry_their_cen_ids():
    # the package's CII binding names this rule CII-SR-04; CEN (and KoSIT's report) say CII-SR-005
    data = replace(
        CII,
        "xrechnung_3.0</ram:ID>\n        </ram:GuidelineSpecifiedDocumentContextParameter>",
        "xrechnung_3.0</ram:ID><ram:SpecifiedDocumentVersion><ram:ID>1</ram:ID></ram:SpecifiedDocumentVersion>"
        "</ram:GuidelineSpecifiedDocumentContextParameter>",
    )
    report = validate(data, business=False)
    ids = fired(report)
    assert [f for f in report.findings if f.layer == "xsd"] == []
    assert ids.get("CII-SR-005") == "warning", ids
    assert "CII-SR-05" not in ids
    assert report.accepted
