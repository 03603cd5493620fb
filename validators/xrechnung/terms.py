"""Where each business term lies in UBL and in CII.

A rule names terms; this table binds every term to an XPath 1.0 expression per syntax family,
compiled once at import. Context terms are absolute (the nodes a rule is asked at, as the
Schematron rule's `context`); the others are relative to such a node. A term missing for a
family (None) means the official rule does not exist in that syntax.
"""

from __future__ import annotations

from enum import StrEnum

from lxml import etree

from parsers.document import Syntax


class Family(StrEnum):
    UBL = "ubl"
    CII = "cii"


FAMILY_OF = {Syntax.UBL_INVOICE: Family.UBL, Syntax.UBL_CREDIT_NOTE: Family.UBL, Syntax.CII: Family.CII}

NAMESPACES = {
    "ubl": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}


def _both(path: str) -> str:
    """A UBL path below the root, for Invoice and CreditNote alike."""
    return f"/ubl:Invoice/{path} | /cn:CreditNote/{path}"


_ROOT = "/ubl:Invoice | /cn:CreditNote"
_CII = "/rsm:CrossIndustryInvoice"
_TX = f"{_CII}/rsm:SupplyChainTradeTransaction"
_AGREEMENT = f"{_TX}/ram:ApplicableHeaderTradeAgreement"
_SETTLEMENT = f"{_TX}/ram:ApplicableHeaderTradeSettlement"
_LINE = f"{_TX}/ram:IncludedSupplyChainTradeLineItem"
_REL_TX = "rsm:SupplyChainTradeTransaction"
_REL_SETTLEMENT = f"{_REL_TX}/ram:ApplicableHeaderTradeSettlement"
_BT89 = f"{_REL_SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID"
_BT90 = f"{_REL_SETTLEMENT}/ram:CreditorReferenceID"
_BT91 = f"{_REL_SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans/ram:PayerPartyDebtorFinancialAccount/ram:IBANID"
_DE16_CODES = " or ".join(f". = '{code}'" for code in ("S", "Z", "E", "AE", "K", "G", "L", "M"))


def _means(codes: tuple[str, ...], base: str, code: str) -> str:
    test = " or ".join(f"normalize-space({code}) = '{c}'" for c in codes)
    return f"({base})[{test}]"


_UBL_MEANS = _both("cac:PaymentMeans")
_CII_MEANS = f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans"

# term: (UBL, CII)
TERMS: dict[str, tuple[str | None, str | None]] = {
    # --- contexts ---
    "invoice": (_ROOT, _CII),
    "ubl_invoice": ("/ubl:Invoice", None),
    "specification_holder": (_ROOT, f"{_CII}/rsm:ExchangedDocumentContext"),
    "delivery_date_holder": (_ROOT, _TX),
    "seller": (_both("cac:AccountingSupplierParty"), f"{_AGREEMENT}/ram:SellerTradeParty"),
    "seller_address": (
        _both("cac:AccountingSupplierParty/cac:Party/cac:PostalAddress"),
        f"{_AGREEMENT}/ram:SellerTradeParty/ram:PostalTradeAddress",
    ),
    "seller_contact": (
        _both("cac:AccountingSupplierParty/cac:Party/cac:Contact"),
        f"{_AGREEMENT}/ram:SellerTradeParty/ram:DefinedTradeContact",
    ),
    "buyer_address": (
        _both("cac:AccountingCustomerParty/cac:Party/cac:PostalAddress"),
        f"{_AGREEMENT}/ram:BuyerTradeParty/ram:PostalTradeAddress",
    ),
    "deliver_to_address": (
        _both("cac:Delivery/cac:DeliveryLocation/cac:Address"),
        f"{_TX}/ram:ApplicableHeaderTradeDelivery/ram:ShipToTradeParty/ram:PostalTradeAddress",
    ),
    "vat_breakdown": (_both("cac:TaxTotal/cac:TaxSubtotal"), f"{_SETTLEMENT}/ram:ApplicableTradeTax"),
    "credit_transfer_means": (
        _means(("30", "58"), _UBL_MEANS, "cbc:PaymentMeansCode"),
        _means(("30", "58"), _CII_MEANS, "ram:TypeCode"),
    ),
    "card_means": (
        _means(("48", "54", "55"), _UBL_MEANS, "cbc:PaymentMeansCode"),
        _means(("48", "54", "55"), _CII_MEANS, "ram:TypeCode"),
    ),
    "direct_debit_means": (
        _means(("59",), _UBL_MEANS, "cbc:PaymentMeansCode"),
        _means(("59",), _CII_MEANS, "ram:TypeCode"),
    ),
    "external_document": (
        _both("cac:AdditionalDocumentReference/cac:Attachment/cac:ExternalReference"),
        f"{_AGREEMENT}/ram:AdditionalReferencedDocument[ram:TypeCode = '916']",
    ),
    "cii_line": (None, _LINE),
    # --- document level ---
    "payment_instructions": ("cac:PaymentMeans", f"{_REL_SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans"),
    "buyer_reference": (
        "cbc:BuyerReference[normalize-space(.)]",
        f"{_REL_TX}/ram:ApplicableHeaderTradeAgreement/ram:BuyerReference[normalize-space(.)]",
    ),
    "de16_vat_category_used": (
        "boolean(cac:AllowanceCharge[cbc:ChargeIndicator = 'false' or cbc:ChargeIndicator = 'true']"
        f"/cac:TaxCategory/cbc:ID[{_DE16_CODES}]"
        f" | (cac:InvoiceLine | cac:CreditNoteLine)/cac:Item/cac:ClassifiedTaxCategory/cbc:ID[{_DE16_CODES}])",
        f"({_REL_TX}/ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax"
        "/ram:TypeCode = 'VAT'"
        f" and {_REL_TX}/ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeSettlement"
        f"/ram:ApplicableTradeTax/ram:CategoryCode[{_DE16_CODES}])"
        f" or ({_REL_SETTLEMENT}/ram:SpecifiedTradeAllowanceCharge/ram:CategoryTradeTax = 'VAT'"
        f" and {_REL_SETTLEMENT}/ram:SpecifiedTradeAllowanceCharge/ram:CategoryTradeTax/ram:CategoryCode[{_DE16_CODES}])",
    ),
    "seller_tax_identification": (
        "cac:TaxRepresentativeParty"
        " | cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID[normalize-space(.)]",
        f"{_REL_TX}/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID"
        "[normalize-space(@schemeID) = 'VA' or normalize-space(@schemeID) = 'FC'][normalize-space(.)]"
        f" | {_REL_TX}/ram:ApplicableHeaderTradeAgreement/ram:SellerTaxRepresentativeTradeParty",
    ),
    "invoice_type_code": ("cbc:InvoiceTypeCode | cbc:CreditNoteTypeCode", "rsm:ExchangedDocument/ram:TypeCode"),
    "payment_terms": (
        "cac:PaymentTerms/cbc:Note[1]",
        f"{_REL_SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:Description[1]",
    ),
    "duplicate_attachment_filename": (
        "cac:AdditionalDocumentReference[cac:Attachment/cbc:EmbeddedDocumentBinaryObject/@filename"
        " = preceding-sibling::cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject/@filename]",
        "//ram:AdditionalReferencedDocument[ram:AttachmentBinaryObject/@filename"
        " = preceding-sibling::ram:AdditionalReferencedDocument/ram:AttachmentBinaryObject/@filename]",
    ),
    "preceding_invoice": (
        "cac:BillingReference/cac:InvoiceDocumentReference",
        f"{_REL_SETTLEMENT}/ram:InvoiceReferencedDocument",
    ),
    "direct_debit_present": ("boolean(cac:PaymentMeans/cac:PaymentMandate)", f"boolean({_BT89} | {_BT90} | {_BT91})"),
    "creditor_identifier_given": (
        "boolean(cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID[@schemeID = 'SEPA']"
        " | cac:PayeeParty/cac:PartyIdentification/cbc:ID[@schemeID = 'SEPA'])",
        f"boolean(({_BT89} or {_BT91}) and {_BT90})",
    ),
    "debited_account_given": (
        "boolean(cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID)",
        f"boolean(({_BT89} or {_BT90}) and {_BT91})",
    ),
    "specification_identifier": ("cbc:CustomizationID", "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"),
    "actual_delivery_date": (
        "cac:Delivery/cbc:ActualDeliveryDate",
        "ram:ApplicableHeaderTradeDelivery/ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime",
    ),
    "invoicing_period": ("cac:InvoicePeriod", "ram:ApplicableHeaderTradeSettlement/ram:BillingSpecifiedPeriod"),
    "line_without_period": (
        "(cac:InvoiceLine | cac:CreditNoteLine)[not(cac:InvoicePeriod)]",
        "ram:IncludedSupplyChainTradeLineItem[not(ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod)]",
    ),
    # --- parties, addresses, contact ---
    "contact_group": ("cac:Party/cac:Contact", "ram:DefinedTradeContact"),
    "city": ("cbc:CityName[normalize-space(.)]", "ram:CityName[normalize-space(.)]"),
    "post_code": ("cbc:PostalZone[normalize-space(.)]", "ram:PostcodeCode[normalize-space(.)]"),
    "contact_point": ("cbc:Name[normalize-space(.)]", "(ram:PersonName | ram:DepartmentName)[normalize-space(.)]"),
    "contact_telephone": ("cbc:Telephone", "ram:TelephoneUniversalCommunication/ram:CompleteNumber"),
    "contact_email": ("cbc:ElectronicMail", "ram:EmailURIUniversalCommunication/ram:URIID"),
    "vat_rate": ("cac:TaxCategory/cbc:Percent[normalize-space(.)]", "ram:RateApplicablePercent[normalize-space(.)]"),
    # --- payment means (relative to one payment means) ---
    "payment_means_code": ("cbc:PaymentMeansCode", "ram:TypeCode"),
    "credit_transfer": ("cac:PayeeFinancialAccount", "ram:PayeePartyCreditorFinancialAccount"),
    "payment_account": ("cac:PayeeFinancialAccount/cbc:ID", "ram:PayeePartyCreditorFinancialAccount/ram:IBANID"),
    "payment_card": ("cac:CardAccount", "ram:ApplicableTradeSettlementFinancialCard"),
    "direct_debit": (
        "cac:PaymentMandate",
        f"{_SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID"
        f" | {_SETTLEMENT}/ram:CreditorReferenceID | ram:PayerPartyDebtorFinancialAccount/ram:IBANID",
    ),
    "debited_account": ("cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID", "ram:PayerPartyDebtorFinancialAccount/ram:IBANID"),
    "not_with_direct_debit": (
        "cac:PayeeFinancialAccount | cac:CardAccount",
        "ram:PayeePartyCreditorFinancialAccount | ram:PayeeSpecifiedCreditorFinancialInstitution"
        " | ram:PayerSpecifiedDebtorFinancialInstitution | ram:ApplicableTradeSettlementFinancialCard",
    ),
    # --- attachments ---
    "external_document_location": ("cbc:URI", "ram:URIID"),
    # --- CII line prices (BR-TMP-3) ---
    "gross_price_base_quantity": (None, "ram:SpecifiedLineTradeAgreement/ram:GrossPriceProductTradePrice/ram:BasisQuantity"),
    "net_price_base_quantity": (None, "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:BasisQuantity"),
    # --- extension ---
    "extension_document": (
        "/ubl:Invoice/cbc:CustomizationID[text() = $spec] | /cn:CreditNote/cbc:CustomizationID[text() = $spec]",
        f"{_CII}/rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID[text() = $spec]",
    ),
    "attached_document": ("//cbc:EmbeddedDocumentBinaryObject", "//ram:AttachmentBinaryObject"),
    "party_identifier": (
        "//cac:PartyIdentification/cbc:ID[@schemeID]",
        "//ram:GlobalID[@schemeID][not(ancestor::ram:SpecifiedTradeProduct) and not(ancestor::ram:ShipToTradeParty)]",
    ),
    "sepa_creditor_party": ("boolean(ancestor::cac:AccountingSupplierParty or ancestor::cac:PayeeParty)", "false()"),
    "legal_registration_identifier": (
        "//cac:PartyLegalEntity/cbc:CompanyID[@schemeID]",
        "//ram:ID[@schemeID][not(ancestor::ram:SpecifiedTaxRegistration)]",
    ),
    "item_standard_identifier": (
        "//cac:StandardItemIdentification/cbc:ID[@schemeID]",
        "//ram:SpecifiedTradeProduct/ram:GlobalID[@schemeID]",
    ),
    "electronic_address": ("//cbc:EndpointID[@schemeID]", "//ram:URIUniversalCommunication/ram:URIID[@schemeID]"),
    "delivery_location_identifier": (
        "//cac:DeliveryLocation/cbc:ID[@schemeID]",
        "//ram:ApplicableHeaderTradeDelivery/ram:ShipToTradeParty/ram:GlobalID[@schemeID]",
    ),
    "line_document": (None, f"{_LINE}/ram:AssociatedDocumentLineDocument"),
    "sub_line_reference": (None, "//ram:ParentLineID"),
    "monetary_total": ("//cac:LegalMonetaryTotal", None),
    "third_party_payment": ("/ubl:Invoice/cac:PrepaidPayment", None),
    # --- CVD ---
    "cvd_document": (
        "(/ubl:Invoice | /cn:CreditNote)/cbc:CustomizationID/text() = $spec",
        f"{_CII}/rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID/text() = $spec",
    ),
    "cvd_vehicle_holder": (_ROOT, _TX),
    "cvd_reference_holder": (_ROOT, _AGREEMENT),
    "cvd_item": (
        "/ubl:Invoice/cac:InvoiceLine/cac:Item | /cn:CreditNote/cac:CreditNoteLine/cac:Item",
        f"{_LINE}/ram:SpecifiedTradeProduct",
    ),
    "cvd_classification": (
        "/ubl:Invoice/cac:InvoiceLine/cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode"
        " | /cn:CreditNote/cac:CreditNoteLine/cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode",
        f"{_LINE}/ram:SpecifiedTradeProduct/ram:DesignatedProductClassification/ram:ClassCode",
    ),
    "cvd_attribute": (
        "/ubl:Invoice/cac:InvoiceLine/cac:Item/cac:AdditionalItemProperty[cbc:Name = 'cva']"
        " | /cn:CreditNote/cac:CreditNoteLine/cac:Item/cac:AdditionalItemProperty[cbc:Name = 'cva']",
        f"{_LINE}/ram:SpecifiedTradeProduct/ram:ApplicableProductCharacteristic[ram:Description = 'cva']",
    ),
    "contract_reference": (
        "cac:ContractDocumentReference/cbc:ID[normalize-space(.)]",
        "ram:ContractReferencedDocument/ram:IssuerAssignedID[normalize-space(.)]",
    ),
    "tender_reference": (
        "cac:OriginatorDocumentReference/cbc:ID[normalize-space(.)]",
        "ram:AdditionalReferencedDocument[normalize-space(ram:TypeCode) = '50' and normalize-space(ram:IssuerAssignedID)]",
    ),
    "cvd_vehicle_line": (
        "(cac:InvoiceLine/cac:Item | cac:CreditNoteLine/cac:Item)"
        "[cac:CommodityClassification/cbc:ItemClassificationCode/@listID = 'CVD' and cac:AdditionalItemProperty/cbc:Name = 'cva']",
        "ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedTradeProduct"
        "[ram:DesignatedProductClassification/ram:ClassCode/@listID = 'CVD'"
        " and ram:ApplicableProductCharacteristic/ram:Description = 'cva']",
    ),
    "item_cvd_classification": (
        "cac:CommodityClassification/cbc:ItemClassificationCode[@listID = 'CVD']",
        "ram:DesignatedProductClassification/ram:ClassCode[@listID = 'CVD']",
    ),
    "item_cva_attribute": ("cac:AdditionalItemProperty[cbc:Name = 'cva']", "ram:ApplicableProductCharacteristic[ram:Description = 'cva']"),
    "attribute_value": ("cbc:Value", "ram:Value"),
}


def _compile(expression: str | None) -> etree.XPath | None:
    return None if expression is None else etree.XPath(expression, namespaces=NAMESPACES)


COMPILED: dict[Family, dict[str, etree.XPath | None]] = {
    Family.UBL: {name: _compile(ubl) for name, (ubl, _) in TERMS.items()},
    Family.CII: {name: _compile(cii) for name, (_, cii) in TERMS.items()},
}
