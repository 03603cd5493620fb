"""Which rules speak to which document (BT-24 gates extension and CVD rules, as the official
Schematron does), the interface, and the Schematron quirks the verdict must reproduce."""

from __future__ import annotations

from decimal import Decimal

import pytest

from parsers import detect
from parsers.document import Detected, Syntax
from tests.conftest import TESTSUITE
from tests.validators.test_xrechnung_mutations import append, load, mutated, remove, text
from validators.xrechnung import RULES, VARIANTS, check
from validators.xrechnung.checks import decimal, fraction_digits, iban_ok, skonto_ok, xpath_round_cents
from validators.xrechnung.codelists import (
    CIUS_ID,
    CVD_ID,
    EXTENSION_ID,
    ISO_6523_ICD_EXT_CODES,
    UNTDID_7143_CVD_CODES,
    in_code_list,
    normalize_space,
)

STD_UBL = "business-cases/standard/01.05a-INVOICE_ubl.xml"
EXT_UBL = "business-cases/extension/04.01a-INVOICE_ubl.xml"
CVD_UBL = "technical-cases/cvd/02.01a-cvd_INVOICE_ubl.xml"
CVD_CII = "technical-cases/cvd/02.01a-cvd_INVOICE_uncefact.xml"
ZIP_ATTACHMENT = (
    '<cac:AdditionalDocumentReference><cbc:ID>A1</cbc:ID><cac:Attachment><cbc:EmbeddedDocumentBinaryObject'
    ' mimeCode="application/zip" filename="a.zip">UEs=</cbc:EmbeddedDocumentBinaryObject></cac:Attachment>'
    "</cac:AdditionalDocumentReference>"
)


def ids(detected, variant="standard") -> set[str]:
    return {f.rule_id for f in check(detected, variant) if not f.rule_id.startswith("PEPPOL-")}


def test_extension_rules_do_not_speak_to_a_standard_document():
    assert "BR-DEX-01" not in ids(mutated(STD_UBL, append("/ubl:Invoice", ZIP_ATTACHMENT)))


def test_extension_rules_need_the_exact_extension_identifier():
    assert "BR-DEX-01" in ids(mutated(EXT_UBL, append("/ubl:Invoice", ZIP_ATTACHMENT)), "extension")
    padded = mutated(EXT_UBL, append("/ubl:Invoice", ZIP_ATTACHMENT), text("/ubl:Invoice/cbc:CustomizationID", f" {EXTENSION_ID}"))
    # the Schematron compares text() exactly, and BR-DE-21 does not normalize either
    assert ids(padded, "extension") == {"BR-DE-21"}


def test_cvd_rules_do_not_speak_to_a_plain_xrechnung():
    plain = mutated(CVD_UBL, text("/ubl:Invoice/cbc:CustomizationID", CIUS_ID), remove("/ubl:Invoice/cac:ContractDocumentReference"))
    assert ids(plain) == set()
    assert "BR-DE-CVD-01" in ids(mutated(CVD_UBL, remove("/ubl:Invoice/cac:ContractDocumentReference")), "cvd")


def test_cvd_document_is_recognised_in_cii():
    root = load(CVD_CII).root
    assert root.xpath("string(//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID)", namespaces={
        "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}) == CVD_ID
    assert "BR-DE-CVD-04" in ids(mutated(CVD_CII, text("//ram:ClassCode[@listID = 'CVD']", "Q7")), "cvd")


def test_sepa_is_a_party_scheme_only_for_seller_and_payee():
    sepa = '<cac:PartyIdentification><cbc:ID schemeID="SEPA">DE98ZZZ09999999999</cbc:ID></cac:PartyIdentification>'
    at_seller = mutated(EXT_UBL, append("/ubl:Invoice/cac:AccountingSupplierParty/cac:Party", sepa))
    at_buyer = mutated(EXT_UBL, append("/ubl:Invoice/cac:AccountingCustomerParty/cac:Party", sepa))
    assert "BR-DEX-04" not in ids(at_seller, "extension")
    assert "BR-DEX-04" in ids(at_buyer, "extension")


def test_every_finding_is_asked_once_per_context_node():
    both_means_broken = mutated(STD_UBL, text("/ubl:Invoice/cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID", "DE00"))
    locations = [f.location for f in check(both_means_broken) if f.rule_id == "BR-DE-19"]
    assert len(locations) == 2
    assert locations[0].endswith("PaymentMeans[1]") and locations[1].endswith("PaymentMeans[2]")


def test_unknown_variant_is_refused():
    with pytest.raises(ValueError, match="unknown XRechnung variant"):
        check(load(STD_UBL), "peppol")
    assert VARIANTS == {"standard", "extension", "cvd"}


def test_a_syntax_without_xrechnung_rules_gets_none():
    detected = load(STD_UBL)
    zugferd1 = Detected(syntax=Syntax.ZUGFERD1, profile=None, xml=detected.xml, root=detected.root)
    assert check(zugferd1) == []


def test_rule_ids_are_unique_and_flags_official():
    assert len({rule.id for rule in RULES}) == len(RULES)
    warnings = {r.id for r in RULES if r.flag == "warning"}
    assert warnings == {"BR-DE-17", "BR-DE-19", "BR-DE-20", "BR-DE-21", "BR-DE-26", "BR-DE-27", "BR-DE-28",
                        "BR-TMP-2", "BR-DEX-02", "BR-DEX-15"}
    assert {r.id for r in RULES if r.flag == "information"} == {"BR-DE-TMP-32"}


def test_message_names_the_context_node_as_written():
    finding = next(f for f in check(mutated(CVD_UBL, remove("/ubl:Invoice/cac:ContractDocumentReference"))) if f.rule_id == "BR-DE-CVD-01")
    assert finding.message == '[BR-DE-CVD-01] Das Element Invoice "Contract reference" (BT-12) muss übermittelt werden.'


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ("DE79000000001234567890", True),
        ("DE79 0000 0000 1234 5678 90", True),
        ("DE79000000001234567891", False),
        ("de79000000001234567890", False),  # the shape wants capitals
        ("", False),
        (None, False),
    ],
)
def test_iban_check(raw, ok):
    assert iban_ok(raw) is ok


@pytest.mark.parametrize(
    ("note", "ok"),
    [
        ("#SKONTO#TAGE=14#PROZENT=2.00#\n", True),
        ("#SKONTO#TAGE=7#PROZENT=3.00#\n#SKONTO#TAGE=14#PROZENT=2.00#BASISBETRAG=-10.00#\nText", True),
        ("Zahlbar sofort", True),
        ("#SKONTO#TAGE=14#PROZENT=2.00#", False),  # a line break must follow
        ("#SKONTO#TAGE=14#PROZENT=2.0#\n", False),
        ("#skonto#TAGE=14#PROZENT=2.00#\n", False),
        ("#VERZUG#TAGE=14#PROZENT=5.00#\n", False),  # only Skonto lines may start with '#'
        ("#SKONTO# TAGE=14#PROZENT=2.00#\n", False),
    ],
)
def test_skonto_syntax(note, ok):
    assert skonto_ok([note]) is ok


def test_code_list_membership_reproduces_the_schematron_substring_test():
    assert in_code_list("0088", ISO_6523_ICD_EXT_CODES)
    assert in_code_list("XR01", ISO_6523_ICD_EXT_CODES)
    assert not in_code_list("9999", ISO_6523_ICD_EXT_CODES)
    assert not in_code_list("0088 0060", ISO_6523_ICD_EXT_CODES)
    # the two joined lists meet with a double space, so an empty scheme "is in" the list
    assert in_code_list("", ISO_6523_ICD_EXT_CODES)
    assert in_code_list(" CVD ", UNTDID_7143_CVD_CODES)


def test_xpath_value_helpers():
    assert normalize_space(" a \t\n b ") == "a b"
    assert decimal(" 12.50 ") == Decimal("12.50") and decimal("1e3") is None and decimal(None) is None
    assert xpath_round_cents(Decimal("2.005")) == Decimal("2.01")
    assert xpath_round_cents(Decimal("-2.005")) == Decimal("-2.00")  # halves towards +infinity
    assert fraction_digits("10.000") == 3 and fraction_digits("10") == 0


def _as_credit_note(relative: str) -> bytes:
    """An official UBL invoice rewritten as a UBL CreditNote (the test suite has none)."""
    xml = (TESTSUITE / relative).read_bytes()
    for old, new in (
        (b"ubl:Invoice", b"ubl:CreditNote"),
        (b"xsd:Invoice-2", b"xsd:CreditNote-2"),
        (b"<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>", b"<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"),
        (b"cac:InvoiceLine>", b"cac:CreditNoteLine>"),
        (b"cbc:InvoicedQuantity", b"cbc:CreditedQuantity"),
    ):
        xml = xml.replace(old, new)
    return xml


def test_credit_note_is_asked_the_same_rules():
    credit_note = detect(_as_credit_note(STD_UBL))
    assert credit_note.syntax is Syntax.UBL_CREDIT_NOTE
    assert ids(credit_note) == set()
    corrected = detect(_as_credit_note(STD_UBL).replace(b">381<", b">384<"))
    assert ids(corrected) == {"BR-DE-26"}
    without_contact = detect(_as_credit_note(STD_UBL))
    remove("/cn:CreditNote/cac:AccountingSupplierParty/cac:Party/cac:Contact")(without_contact.root)
    assert ids(without_contact) == {"BR-DE-2"}
    no_line_vat_id = detect(_as_credit_note(STD_UBL))
    remove("/cn:CreditNote/cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme")(no_line_vat_id.root)
    assert ids(no_line_vat_id) == {"BR-DE-16"}  # found through cac:CreditNoteLine
