"""XML namespaces and root element names of the invoice syntaxes we read."""

from __future__ import annotations

UBL_INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CII_NS = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
ZUGFERD1_NS = "urn:ferd:CrossIndustryDocument:invoice:1p0"

UBL_INVOICE_ROOT = f"{{{UBL_INVOICE_NS}}}Invoice"
UBL_CREDIT_NOTE_ROOT = f"{{{UBL_CREDIT_NOTE_NS}}}CreditNote"
CII_ROOT = f"{{{CII_NS}}}CrossIndustryInvoice"
ZUGFERD1_ROOT = f"{{{ZUGFERD1_NS}}}CrossIndustryDocument"

UBL = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CII = {
    "rsm": CII_NS,
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
ZUGFERD1 = {
    "rsm": ZUGFERD1_NS,
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15",
}
