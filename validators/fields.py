"""Key fields read straight from the XML, amounts exactly as written (they go into every report)."""

from __future__ import annotations

from lxml import etree
from pydantic import BaseModel

from parsers.document import Detected, Syntax

_UBL = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}
_CII = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
_ZF1 = {
    "rsm": "urn:ferd:CrossIndustryDocument:invoice:1p0",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15",
}


class KeyFields(BaseModel):
    invoice_number: str | None = None  # BT-1
    issue_date: str | None = None  # BT-2, ISO 8601
    seller_name: str | None = None  # BT-27
    buyer_reference: str | None = None  # BT-10
    currency: str | None = None  # BT-5
    total_net: str | None = None  # BT-109
    total_tax: str | None = None  # BT-110
    total_gross: str | None = None  # BT-112
    amount_due: str | None = None  # BT-115
    line_count: int | None = None


def _paths(ns: dict[str, str], **exprs: str) -> dict[str, etree.XPath]:
    return {name: etree.XPath(expr, namespaces=ns) for name, expr in exprs.items()}


_UBL_PATHS = _paths(
    _UBL,
    invoice_number="string(cbc:ID)",
    issue_date="string(cbc:IssueDate)",
    seller_name="string(cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName)",
    buyer_reference="string(cbc:BuyerReference)",
    currency="string(cbc:DocumentCurrencyCode)",
    total_net="string(cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount)",
    total_tax="string(cac:TaxTotal/cbc:TaxAmount[@currencyID = ../../cbc:DocumentCurrencyCode][1])",
    total_gross="string(cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount)",
    amount_due="string(cac:LegalMonetaryTotal/cbc:PayableAmount)",
    line_count="count(cac:InvoiceLine | cac:CreditNoteLine)",
)


def _cii_paths(
    ns: dict[str, str], document: str, trade: str, agreement: str, settlement: str, summation: str
) -> dict[str, etree.XPath]:
    """CII and ZUGFeRD 1.0 share the structure; only the element names differ."""
    agreement = f"{trade}/{agreement}"
    settlement = f"{trade}/{settlement}"
    sums = f"{settlement}/{summation}"
    return _paths(
        ns,
        invoice_number=f"string({document}/ram:ID)",
        issue_date=f"string({document}/ram:IssueDateTime/udt:DateTimeString)",
        seller_name=f"string({agreement}/ram:SellerTradeParty/ram:Name)",
        buyer_reference=f"string({agreement}/ram:BuyerReference)",
        currency=f"string({settlement}/ram:InvoiceCurrencyCode)",
        total_net=f"string({sums}/ram:TaxBasisTotalAmount)",
        total_tax=f"string(({sums}/ram:TaxTotalAmount[not(@currencyID) or @currencyID = "
        f"../../ram:InvoiceCurrencyCode])[1])",
        total_gross=f"string({sums}/ram:GrandTotalAmount)",
        amount_due=f"string({sums}/ram:DuePayableAmount)",
        line_count=f"count({trade}/ram:IncludedSupplyChainTradeLineItem)",
    )


_CII_PATHS = _cii_paths(
    _CII,
    "rsm:ExchangedDocument",
    "rsm:SupplyChainTradeTransaction",
    "ram:ApplicableHeaderTradeAgreement",
    "ram:ApplicableHeaderTradeSettlement",
    "ram:SpecifiedTradeSettlementHeaderMonetarySummation",
)
_ZF1_PATHS = _cii_paths(
    _ZF1,
    "rsm:HeaderExchangedDocument",
    "rsm:SpecifiedSupplyChainTradeTransaction",
    "ram:ApplicableSupplyChainTradeAgreement",
    "ram:ApplicableSupplyChainTradeSettlement",
    "ram:SpecifiedTradeSettlementMonetarySummation",
)

_BY_SYNTAX = {
    Syntax.UBL_INVOICE: _UBL_PATHS,
    Syntax.UBL_CREDIT_NOTE: _UBL_PATHS,
    Syntax.CII: _CII_PATHS,
    Syntax.ZUGFERD1: _ZF1_PATHS,
}


def _iso_date(text: str) -> str:
    # CII date format 102 (YYYYMMDD)
    if len(text) == 8 and text.isdigit():
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return text


def extract(detected: Detected) -> KeyFields:
    paths = _BY_SYNTAX.get(detected.syntax)
    if paths is None:
        return KeyFields()
    values: dict[str, object] = {}
    for name, path in paths.items():
        value = path(detected.root)
        if name == "line_count":
            values[name] = int(value)
        else:
            text = str(value).strip()
            values[name] = text or None
    if values.get("issue_date"):
        values["issue_date"] = _iso_date(str(values["issue_date"]))
    return KeyFields(**values)
