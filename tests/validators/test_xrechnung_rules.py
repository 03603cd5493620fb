"""Each XRechnung CIUS rule fires, alone and with its official flag, on an official test invoice
mutated to break exactly that rule — in UBL and in CII where the rule exists in both."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.validators.test_xrechnung_mutations import (
    Mutation,
    append,
    attribute,
    duplicate,
    edit,
    load,
    mutated,
    remove,
    text,
)
from validators.findings import Severity
from validators.xrechnung import check

FATAL, WARNING, INFORMATION = Severity.FATAL, Severity.WARNING, Severity.INFORMATION

STD = "business-cases/standard/01.05a-INVOICE_{}.xml"
DIRECT_DEBIT = "business-cases/standard/03.01a-INVOICE_{}.xml"
CARD = "business-cases/standard/03.02a-INVOICE_{}.xml"
ATTACHMENT = "business-cases/standard/02.01a-INVOICE_{}.xml"
EXTERNAL = "business-cases/standard/03.03a-INVOICE_{}.xml"
PRICES = "business-cases/standard/01.20a-INVOICE_{}.xml"
EXT_UBL = "business-cases/extension/04.01a-INVOICE_ubl.xml"
EXT_CII = "business-cases/extension/04.05a-INVOICE_uncefact.xml"
THIRD_PARTY = "business-cases/extension/05.01a-INVOICE_ubl.xml"
CVD = "technical-cases/cvd/02.01a-cvd_INVOICE_{}.xml"

U = "/ubl:Invoice"
TX = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
AG = f"{TX}/ram:ApplicableHeaderTradeAgreement"
SE = f"{TX}/ram:ApplicableHeaderTradeSettlement"
MEANS = f"{SE}/ram:SpecifiedTradeSettlementPaymentMeans"
SELLER_U = f"{U}/cac:AccountingSupplierParty/cac:Party"
SELLER_C = f"{AG}/ram:SellerTradeParty"
BT24_C = "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
CVD_CODE_U = "//cbc:ItemClassificationCode[@listID = 'CVD']"
CVD_CODE_C = "//ram:ClassCode[@listID = 'CVD']"
CVA_U = "//cac:AdditionalItemProperty[cbc:Name = 'cva']"
CVA_C = "//ram:ApplicableProductCharacteristic[ram:Description = 'cva']"
IBAN = "DE79000000001234567890"


@dataclass(frozen=True)
class Case:
    rule: str
    flag: Severity
    base: str  # "{}" becomes ubl / uncefact
    ubl: tuple[Mutation, ...] | None
    cii: tuple[Mutation, ...] | None
    also: frozenset[str] = frozenset()  # rules the same mutation necessarily breaks too


def case(rule, flag, base, ubl=None, cii=None, also=()):
    as_tuple = lambda m: None if m is None else (m if isinstance(m, tuple) else (m,))  # noqa: E731
    return Case(rule, flag, base, as_tuple(ubl), as_tuple(cii), frozenset(also))


CASES = [
    # --- BR-DE: every XRechnung ---
    case("BR-DE-1", FATAL, STD, remove(f"{U}/cac:PaymentMeans"), remove(MEANS)),
    case("BR-DE-15", FATAL, STD, text(f"{U}/cbc:BuyerReference", " "), text(f"{AG}/ram:BuyerReference", " ")),
    case(
        "BR-DE-16",
        FATAL,
        STD,
        remove(f"{SELLER_U}/cac:PartyTaxScheme"),
        remove(f"{SELLER_C}/ram:SpecifiedTaxRegistration"),
    ),
    case("BR-DE-17", WARNING, STD, text(f"{U}/cbc:InvoiceTypeCode", "386"), text("//rsm:ExchangedDocument/ram:TypeCode", "386")),
    case(
        "BR-DE-18",
        FATAL,
        STD,
        text(f"{U}/cac:PaymentTerms/cbc:Note", "#SKONTO#TAGE=14#PROZENT=2,00#\n"),
        text(f"{SE}/ram:SpecifiedTradePaymentTerms/ram:Description", "#SKONTO#TAGE=14#PROZENT=2,00#\n"),
    ),
    case("BR-DE-21", WARNING, STD, text(f"{U}/cbc:CustomizationID", "urn:cen.eu:en16931:2017"), text(BT24_C, "urn:cen.eu:en16931:2017")),
    case(
        "BR-DE-22",
        FATAL,
        ATTACHMENT,
        duplicate(f"{U}/cac:AdditionalDocumentReference[cac:Attachment/cbc:EmbeddedDocumentBinaryObject]"),
        duplicate(f"{AG}/ram:AdditionalReferencedDocument[ram:AttachmentBinaryObject]"),
    ),
    case("BR-DE-26", WARNING, STD, text(f"{U}/cbc:InvoiceTypeCode", "384"), text("//rsm:ExchangedDocument/ram:TypeCode", "384")),
    case("BR-DE-30", FATAL, DIRECT_DEBIT, remove("//cac:PartyIdentification/cbc:ID[@schemeID = 'SEPA']"), remove(f"{SE}/ram:CreditorReferenceID")),
    case(
        "BR-DE-31",
        FATAL,
        DIRECT_DEBIT,
        remove(f"{U}/cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount"),
        remove(f"{MEANS}/ram:PayerPartyDebtorFinancialAccount"),
        also={"BR-DE-20"},
    ),
    case("BR-DE-TMP-32", INFORMATION, STD, remove(f"{U}/cac:InvoicePeriod"), remove(f"{SE}/ram:BillingSpecifiedPeriod")),
    case("BR-DE-2", FATAL, STD, remove(f"{SELLER_U}/cac:Contact"), remove(f"{SELLER_C}/ram:DefinedTradeContact")),
    case("BR-DE-3", FATAL, STD, remove(f"{SELLER_U}/cac:PostalAddress/cbc:CityName"), remove(f"{SELLER_C}/ram:PostalTradeAddress/ram:CityName")),
    case("BR-DE-4", FATAL, STD, remove(f"{SELLER_U}/cac:PostalAddress/cbc:PostalZone"), remove(f"{SELLER_C}/ram:PostalTradeAddress/ram:PostcodeCode")),
    case(
        "BR-DE-5",
        FATAL,
        STD,
        remove(f"{SELLER_U}/cac:Contact/cbc:Name"),
        remove(f"{SELLER_C}/ram:DefinedTradeContact/ram:PersonName | {SELLER_C}/ram:DefinedTradeContact/ram:DepartmentName"),
    ),
    case(
        "BR-DE-6",
        FATAL,
        STD,
        remove(f"{SELLER_U}/cac:Contact/cbc:Telephone"),
        remove(f"{SELLER_C}/ram:DefinedTradeContact/ram:TelephoneUniversalCommunication"),
        also={"BR-DE-27"},
    ),
    case(
        "BR-DE-7",
        FATAL,
        STD,
        remove(f"{SELLER_U}/cac:Contact/cbc:ElectronicMail"),
        remove(f"{SELLER_C}/ram:DefinedTradeContact/ram:EmailURIUniversalCommunication"),
        also={"BR-DE-28"},
    ),
    case(
        "BR-DE-27",
        WARNING,
        STD,
        text(f"{SELLER_U}/cac:Contact/cbc:Telephone", "Tel. 12"),
        text(f"{SELLER_C}/ram:DefinedTradeContact/ram:TelephoneUniversalCommunication/ram:CompleteNumber", "Tel. 12"),
    ),
    case(
        "BR-DE-28",
        WARNING,
        STD,
        text(f"{SELLER_U}/cac:Contact/cbc:ElectronicMail", "rechnung@localhost"),
        text(f"{SELLER_C}/ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:URIID", "rechnung@localhost"),
    ),
    case(
        "BR-DE-8",
        FATAL,
        STD,
        remove(f"{U}/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:CityName"),
        remove(f"{AG}/ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CityName"),
    ),
    case(
        "BR-DE-9",
        FATAL,
        STD,
        text(f"{U}/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:PostalZone", "  "),
        text(f"{AG}/ram:BuyerTradeParty/ram:PostalTradeAddress/ram:PostcodeCode", "  "),
    ),
    case(
        "BR-DE-10",
        FATAL,
        STD,
        remove(f"{U}/cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:CityName"),
        remove(f"{TX}/ram:ApplicableHeaderTradeDelivery/ram:ShipToTradeParty/ram:PostalTradeAddress/ram:CityName"),
    ),
    case(
        "BR-DE-11",
        FATAL,
        STD,
        remove(f"{U}/cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:PostalZone"),
        remove(f"{TX}/ram:ApplicableHeaderTradeDelivery/ram:ShipToTradeParty/ram:PostalTradeAddress/ram:PostcodeCode"),
    ),
    case(
        "BR-DE-14",
        FATAL,
        STD,
        remove(f"{U}/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent"),
        remove(f"{SE}/ram:ApplicableTradeTax/ram:RateApplicablePercent"),
    ),
    case(
        "BR-DE-19",
        WARNING,
        STD,
        text(f"{U}/cac:PaymentMeans[1]/cac:PayeeFinancialAccount/cbc:ID", "DE79000000001234567891"),
        text(f"{MEANS}[1]/ram:PayeePartyCreditorFinancialAccount/ram:IBANID", "DE79000000001234567891"),
    ),
    case(
        "BR-DE-23-a",
        FATAL,
        STD,
        remove(f"{U}/cac:PaymentMeans[1]/cac:PayeeFinancialAccount"),
        remove(f"{MEANS}[1]/ram:PayeePartyCreditorFinancialAccount"),
        also={"BR-DE-19"},
    ),
    case(
        "BR-DE-23-b",
        FATAL,
        STD,
        append(f"{U}/cac:PaymentMeans[1]", "<cac:CardAccount><cbc:PrimaryAccountNumberID>1234</cbc:PrimaryAccountNumberID><cbc:NetworkID>VISA</cbc:NetworkID></cac:CardAccount>"),
        append(f"{MEANS}[1]", "<ram:ApplicableTradeSettlementFinancialCard><ram:ID>1234</ram:ID></ram:ApplicableTradeSettlementFinancialCard>"),
    ),
    case(
        "BR-DE-24-a",
        FATAL,
        CARD,
        remove(f"{U}/cac:PaymentMeans/cac:CardAccount"),
        remove(f"{MEANS}/ram:ApplicableTradeSettlementFinancialCard"),
    ),
    case(
        "BR-DE-24-b",
        FATAL,
        CARD,
        append(f"{U}/cac:PaymentMeans", f"<cac:PayeeFinancialAccount><cbc:ID>{IBAN}</cbc:ID></cac:PayeeFinancialAccount>"),
        append(MEANS, f"<ram:PayeePartyCreditorFinancialAccount><ram:IBANID>{IBAN}</ram:IBANID></ram:PayeePartyCreditorFinancialAccount>"),
    ),
    case(
        "BR-DE-20",
        WARNING,
        DIRECT_DEBIT,
        text(f"{U}/cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID", "DE00000000001234567890"),
        text(f"{MEANS}/ram:PayerPartyDebtorFinancialAccount/ram:IBANID", "DE00000000001234567890"),
    ),
    case(
        "BR-DE-25-a",
        FATAL,
        DIRECT_DEBIT,
        remove(f"{U}/cac:PaymentMeans/cac:PaymentMandate"),
        (
            remove(f"{SE}/ram:CreditorReferenceID"),
            remove(f"{SE}/ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID"),
            remove(f"{MEANS}/ram:PayerPartyDebtorFinancialAccount"),
        ),
        also={"BR-DE-20"},
    ),
    case(
        "BR-DE-25-b",
        FATAL,
        DIRECT_DEBIT,
        append(f"{U}/cac:PaymentMeans", f"<cac:PayeeFinancialAccount><cbc:ID>{IBAN}</cbc:ID></cac:PayeeFinancialAccount>"),
        append(MEANS, "<ram:PayeeSpecifiedCreditorFinancialInstitution><ram:BICID>COBADEFFXXX</ram:BICID></ram:PayeeSpecifiedCreditorFinancialInstitution>"),
    ),
    # --- BR-TMP ---
    case(
        "BR-TMP-2",
        WARNING,
        EXTERNAL,
        text(f"({U}/cac:AdditionalDocumentReference/cac:Attachment/cac:ExternalReference/cbc:URI)[1]", "www.example.org/lieferschein.pdf"),
        text(f"({AG}/ram:AdditionalReferencedDocument[ram:TypeCode = '916']/ram:URIID)[1]", "www.example.org/lieferschein.pdf"),
    ),
    case("BR-TMP-3", FATAL, PRICES, None, text("(//ram:GrossPriceProductTradePrice/ram:BasisQuantity)[1]", "7")),
    # --- BR-DEX: XRechnung Extension ---
    case(
        "BR-DEX-01",
        FATAL,
        "extension",
        append(
            U,
            '<cac:AdditionalDocumentReference><cbc:ID>A1</cbc:ID><cac:Attachment><cbc:EmbeddedDocumentBinaryObject'
            ' mimeCode="application/zip" filename="a.zip">UEs=</cbc:EmbeddedDocumentBinaryObject></cac:Attachment>'
            "</cac:AdditionalDocumentReference>",
        ),
        append(
            AG,
            "<ram:AdditionalReferencedDocument><ram:IssuerAssignedID>A1</ram:IssuerAssignedID><ram:TypeCode>916</ram:TypeCode>"
            '<ram:AttachmentBinaryObject mimeCode="application/zip" filename="a.zip">UEs=</ram:AttachmentBinaryObject>'
            "</ram:AdditionalReferencedDocument>",
        ),
    ),
    case("BR-DEX-02", WARNING, "extension", text("(//cac:SubInvoiceLine/cbc:LineExtensionAmount)[1]", "99999.99"), None),
    case("BR-DEX-03", FATAL, "extension", remove("(//cac:SubInvoiceLine/cac:Item/cac:ClassifiedTaxCategory)[1]"), None),
    case(
        "BR-DEX-04",
        FATAL,
        "extension",
        append(f"{U}/cac:AccountingCustomerParty/cac:Party", '<cac:PartyIdentification><cbc:ID schemeID="9999">X</cbc:ID></cac:PartyIdentification>'),
        attribute(f"{AG}/ram:BuyerTradeParty/ram:GlobalID", "schemeID", "9999"),
    ),
    case(
        "BR-DEX-05",
        FATAL,
        "extension",
        attribute(f"{SELLER_U}/cac:PartyLegalEntity/cbc:CompanyID", "schemeID", "9999"),
        attribute(f"{SELLER_C}/ram:ID", "schemeID", "9999"),
    ),
    case(
        "BR-DEX-06",
        FATAL,
        "extension",
        append("(//cac:InvoiceLine/cac:Item)[1]", '<cac:StandardItemIdentification><cbc:ID schemeID="9999">1</cbc:ID></cac:StandardItemIdentification>'),
        attribute("(//ram:SpecifiedTradeProduct/ram:GlobalID)[1]", "schemeID", "9999"),
    ),
    case(
        "BR-DEX-07",
        FATAL,
        "extension",
        attribute("//cbc:EndpointID", "schemeID", "XX"),
        attribute("//ram:URIUniversalCommunication/ram:URIID", "schemeID", "XX"),
    ),
    case(
        "BR-DEX-08",
        FATAL,
        "extension",
        append(U, '<cac:Delivery><cac:DeliveryLocation><cbc:ID schemeID="9999">L1</cbc:ID></cac:DeliveryLocation></cac:Delivery>'),
        append(f"{TX}/ram:ApplicableHeaderTradeDelivery", '<ram:ShipToTradeParty><ram:GlobalID schemeID="9999">L1</ram:GlobalID></ram:ShipToTradeParty>'),
    ),
    case("BR-DEX-09", FATAL, THIRD_PARTY, text(f"{U}/cac:LegalMonetaryTotal/cbc:PayableAmount", "1.00"), None),
    case("BR-DEX-10", FATAL, THIRD_PARTY, remove(f"{U}/cac:PrepaidPayment[1]/cbc:ID"), None),
    case(
        "BR-DEX-11",
        FATAL,
        THIRD_PARTY,
        remove(f"{U}/cac:PrepaidPayment[1]/cbc:PaidAmount"),
        None,
        also={"BR-DEX-09", "BR-DEX-14"},
    ),
    case("BR-DEX-12", FATAL, THIRD_PARTY, remove(f"{U}/cac:PrepaidPayment[1]/cbc:InstructionID"), None),
    case("BR-DEX-13", FATAL, THIRD_PARTY, edit(f"{U}/cac:PrepaidPayment[1]/cbc:PaidAmount", lambda amount: amount + "0"), None),
    case("BR-DEX-14", FATAL, THIRD_PARTY, attribute(f"{U}/cac:PrepaidPayment[1]/cbc:PaidAmount", "currencyID", "USD"), None),
    case("BR-DEX-15", WARNING, "extension", None, append("(//ram:AssociatedDocumentLineDocument)[1]", "<ram:ParentLineID>1</ram:ParentLineID>")),
    # --- CVD ---
    case("BR-DE-CVD-01", FATAL, CVD, remove(f"{U}/cac:ContractDocumentReference"), remove(f"{AG}/ram:ContractReferencedDocument")),
    case(
        "BR-DE-CVD-02",
        FATAL,
        CVD,
        remove(f"{U}/cac:OriginatorDocumentReference"),
        remove(f"{AG}/ram:AdditionalReferencedDocument[ram:TypeCode = '50']"),
    ),
    case(
        "BR-DE-CVD-03",
        FATAL,
        CVD,
        (text(f"{CVA_U}/cbc:Name", "Antrieb"), attribute(CVD_CODE_U, "listID", "STI")),
        (text(f"{CVA_C}/ram:Description", "Antrieb"), attribute(CVD_CODE_C, "listID", "STI")),
    ),
    case("BR-DE-CVD-04", FATAL, CVD, text(CVD_CODE_U, "X9"), text(CVD_CODE_C, "X9")),
    case("BR-DE-CVD-05", FATAL, CVD, text(f"{CVA_U}/cbc:Value", "dirty"), text(f"{CVA_C}/ram:Value", "dirty")),
    case("BR-DE-CVD-06-a", FATAL, CVD, duplicate(CVA_U), duplicate(CVA_C)),
    case(
        "BR-DE-CVD-06-b",
        FATAL,
        CVD,
        duplicate("//cac:CommodityClassification[cbc:ItemClassificationCode/@listID = 'CVD']"),
        duplicate("//ram:DesignatedProductClassification[ram:ClassCode/@listID = 'CVD']"),
    ),
    case(
        "BR-TMP-CVD-01",
        FATAL,
        CVD,
        (
            duplicate("//cac:CommodityClassification[cbc:ItemClassificationCode/@listID = 'CVD']"),
            attribute("(//cbc:ItemClassificationCode[@listID = 'CVD'])[2]", "listID", "XYZ"),
        ),
        (
            duplicate("//ram:DesignatedProductClassification[ram:ClassCode/@listID = 'CVD']"),
            attribute("(//ram:ClassCode[@listID = 'CVD'])[2]", "listID", "XYZ"),
        ),
    ),
]


def _base(case_: Case, syntax: str) -> str:
    if case_.base == "extension":
        return EXT_UBL if syntax == "ubl" else EXT_CII
    return case_.base.format(syntax)


def _params():
    for c in CASES:
        for syntax, mutations in (("ubl", c.ubl), ("uncefact", c.cii)):
            if mutations is not None:
                yield pytest.param(c, syntax, mutations, id=f"{c.rule}-{'ubl' if syntax == 'ubl' else 'cii'}")


def own_rule_ids(findings) -> set[str]:
    """The CIUS rules of this layer; the merged Peppol assertions have their own tests."""
    return {f.rule_id for f in findings if not f.rule_id.startswith("PEPPOL-")}


@pytest.mark.parametrize(("case_", "syntax", "mutations"), list(_params()))
def test_mutation_fires_exactly_the_rule(case_: Case, syntax: str, mutations):
    base = _base(case_, syntax)
    before = own_rule_ids(check(load(base)))
    assert case_.rule not in before
    findings = check(mutated(base, *mutations))
    fired = own_rule_ids(findings) - before
    assert fired == {case_.rule} | case_.also
    mine = [f for f in findings if f.rule_id == case_.rule]
    assert {f.severity for f in mine} == {case_.flag}
    for finding in mine:
        assert finding.layer == "xrechnung"
        assert finding.message.startswith(f"[{case_.rule}] ")
        assert finding.location.startswith("/Q{")


def test_every_rule_has_a_negative_case():
    from validators.xrechnung import RULES

    covered = {c.rule for c in CASES}
    assert {rule.id for rule in RULES} == covered


def test_every_rule_shared_by_both_syntaxes_is_tested_in_both():
    only_one_syntax = {"BR-TMP-3", "BR-DEX-02", "BR-DEX-03", "BR-DEX-09", "BR-DEX-10", "BR-DEX-11",
                       "BR-DEX-12", "BR-DEX-13", "BR-DEX-14", "BR-DEX-15"}
    for c in CASES:
        if c.rule not in only_one_syntax:
            assert c.ubl is not None and c.cii is not None, c.rule
