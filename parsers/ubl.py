"""Map a UBL 2.1 Invoice or CreditNote (EN 16931-3-2, XRechnung UBL) to `domain.Invoice`."""

from __future__ import annotations

from lxml import etree

from domain.invoice import (
    Address,
    AllowanceCharge,
    Attachment,
    Buyer,
    Classification,
    Contact,
    CreditTransfer,
    Delivery,
    DirectDebit,
    DocumentTotals,
    Invoice,
    InvoiceLine,
    Item,
    ItemAttribute,
    LineVat,
    Payee,
    PaymentCard,
    PaymentInstructions,
    Period,
    PrecedingInvoice,
    Price,
    Seller,
    SubInvoiceLine,
    TaxRepresentative,
    VatBreakdown,
)
from domain.terms import parse_payment_terms
from parsers.build import optional, ubl_note
from parsers.namespaces import UBL, UBL_CREDIT_NOTE_ROOT
from parsers.reader import Reader, missing, node_text, to_bytes

r = Reader(UBL)

# Document types of cac:AdditionalDocumentReference that are references, not attachments (BG-24):
# 130 = invoiced object identifier (BT-18), 50 = tender or lot in a CreditNote (BT-17/BT-11 workaround).
_OBJECT_ID = "130"


class _Kind:
    """The element names that differ between Invoice and CreditNote."""

    def __init__(self, credit_note: bool):
        prefix = "CreditNote" if credit_note else "Invoice"
        self.credit_note = credit_note
        self.type_code = f"cbc:{prefix}TypeCode"
        self.line = f"cac:{prefix}Line"
        self.quantity = "cbc:CreditedQuantity" if credit_note else "cbc:InvoicedQuantity"
        self.sub_line = f"cac:Sub{prefix}Line"


_INVOICE = _Kind(False)
_CREDIT_NOTE = _Kind(True)


def map_ubl(root: etree._Element, warnings: list[str] | None = None) -> Invoice:
    kind = _CREDIT_NOTE if root.tag == UBL_CREDIT_NOTE_ROOT else _INVOICE
    currency = r.required_text(root, "cbc:DocumentCurrencyCode", "BT-5", "Rechnungswährung")
    tax_currency = r.text(root, "cbc:TaxCurrencyCode")
    payment_terms = _joined(r.texts(root, "cac:PaymentTerms/cbc:Note"))
    return Invoice(
        number=r.required_text(root, "cbc:ID", "BT-1", "Rechnungsnummer"),
        issue_date=r.required_date(root, "cbc:IssueDate", "BT-2", "Rechnungsdatum"),
        type_code=r.required_text(root, kind.type_code, "BT-3", "Rechnungsart"),
        currency=currency,
        tax_currency=tax_currency,
        tax_point_date=r.date(root, "cbc:TaxPointDate", "BT-7", "Steuerfälligkeitsdatum"),
        tax_point_date_code=r.text(root, "cac:InvoicePeriod/cbc:DescriptionCode"),
        due_date=r.date(root, "cbc:DueDate", "BT-9", "Fälligkeitsdatum")
        or r.date(root, "cac:PaymentMeans/cbc:PaymentDueDate", "BT-9", "Fälligkeitsdatum"),
        buyer_reference=r.text(root, "cbc:BuyerReference"),
        project_reference=r.text(root, "cac:ProjectReference/cbc:ID")
        or r.text(root, "cac:AdditionalDocumentReference[cbc:DocumentTypeCode='50']/cbc:ID"),
        contract_reference=r.text(root, "cac:ContractDocumentReference/cbc:ID"),
        purchase_order_reference=r.text(root, "cac:OrderReference/cbc:ID"),
        sales_order_reference=r.text(root, "cac:OrderReference/cbc:SalesOrderID"),
        receiving_advice_reference=r.text(root, "cac:ReceiptDocumentReference/cbc:ID"),
        despatch_advice_reference=r.text(root, "cac:DespatchDocumentReference/cbc:ID"),
        tender_or_lot_reference=r.text(root, "cac:OriginatorDocumentReference/cbc:ID"),
        invoiced_object_id=r.identifier(
            root, f"cac:AdditionalDocumentReference[cbc:DocumentTypeCode='{_OBJECT_ID}']/cbc:ID"
        ),
        buyer_accounting_reference=r.text(root, "cbc:AccountingCost"),
        payment_terms=payment_terms,
        payment_terms_detail=parse_payment_terms(payment_terms),
        notes=[ubl_note(text) for text in r.texts(root, "cbc:Note")],
        business_process=r.text(root, "cbc:ProfileID"),
        specification_id=r.text(root, "cbc:CustomizationID"),
        preceding_invoices=[
            PrecedingInvoice(
                number=r.required_text(ref, "cbc:ID", "BT-25", "Nummer der vorausgegangenen Rechnung"),
                issue_date=r.date(ref, "cbc:IssueDate", "BT-26", "Datum der vorausgegangenen Rechnung"),
            )
            for ref in r.all(root, "cac:BillingReference/cac:InvoiceDocumentReference")
        ],
        seller=_seller(r.first(root, "cac:AccountingSupplierParty/cac:Party")),
        buyer=_buyer(r.first(root, "cac:AccountingCustomerParty/cac:Party")),
        payee=_payee(r.first(root, "cac:PayeeParty")),
        tax_representative=_tax_representative(r.first(root, "cac:TaxRepresentativeParty")),
        delivery=_delivery(r.first(root, "cac:Delivery")),
        invoicing_period=_period(r.first(root, "cac:InvoicePeriod")),
        payment=_payment(root),
        allowances_charges=[_allowance_charge(node) for node in r.all(root, "cac:AllowanceCharge")],
        totals=_totals(root, currency, tax_currency),
        vat_breakdown=[_vat(node) for node in r.all(root, "cac:TaxTotal/cac:TaxSubtotal")],
        attachments=[
            _attachment(node)
            for node in r.all(
                root,
                "cac:AdditionalDocumentReference[not(cbc:DocumentTypeCode='130') and not(cbc:DocumentTypeCode='50')]",
            )
        ],
        lines=[_line(node, kind) for node in r.all(root, kind.line)],
    )


def _joined(texts: list[str]) -> str | None:
    return "\n".join(texts) or None


def _address(node) -> Address | None:
    if node is None:
        return None
    return optional(
        Address,
        line1=r.text(node, "cbc:StreetName"),
        line2=r.text(node, "cbc:AdditionalStreetName"),
        line3=r.text(node, "cac:AddressLine/cbc:Line"),
        city=r.text(node, "cbc:CityName"),
        postal_code=r.text(node, "cbc:PostalZone"),
        subdivision=r.text(node, "cbc:CountrySubentity"),
        country_code=r.text(node, "cac:Country/cbc:IdentificationCode"),
    )


def _contact(node) -> Contact | None:
    if node is None:
        return None
    return optional(
        Contact,
        name=r.text(node, "cbc:Name"),
        telephone=r.text(node, "cbc:Telephone"),
        email=r.text(node, "cbc:ElectronicMail"),
    )


# A party identifier with scheme "SEPA" is the bank-assigned creditor id (BT-90), not BT-29/BT-60.
_PARTY_IDS = "cac:PartyIdentification/cbc:ID[not(@schemeID='SEPA')]"
_VAT_ID = "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID"


def _seller(party) -> Seller:
    if party is None:
        return Seller()
    return Seller(
        name=r.text(party, "cac:PartyLegalEntity/cbc:RegistrationName"),
        trading_name=r.text(party, "cac:PartyName/cbc:Name"),
        identifiers=r.identifiers(party, _PARTY_IDS),
        legal_registration_id=r.identifier(party, "cac:PartyLegalEntity/cbc:CompanyID"),
        vat_id=r.text(party, _VAT_ID),
        tax_registration_id=r.text(party, "cac:PartyTaxScheme[not(cac:TaxScheme/cbc:ID='VAT')]/cbc:CompanyID"),
        additional_legal_info=r.text(party, "cac:PartyLegalEntity/cbc:CompanyLegalForm"),
        electronic_address=r.identifier(party, "cbc:EndpointID"),
        address=_address(r.first(party, "cac:PostalAddress")),
        contact=_contact(r.first(party, "cac:Contact")),
    )


def _buyer(party) -> Buyer:
    if party is None:
        return Buyer()
    return Buyer(
        name=r.text(party, "cac:PartyLegalEntity/cbc:RegistrationName"),
        trading_name=r.text(party, "cac:PartyName/cbc:Name"),
        identifier=r.identifier(party, _PARTY_IDS),
        legal_registration_id=r.identifier(party, "cac:PartyLegalEntity/cbc:CompanyID"),
        vat_id=r.text(party, _VAT_ID),
        electronic_address=r.identifier(party, "cbc:EndpointID"),
        address=_address(r.first(party, "cac:PostalAddress")),
        contact=_contact(r.first(party, "cac:Contact")),
    )


def _payee(party) -> Payee | None:
    if party is None:
        return None
    return optional(
        Payee,
        name=r.text(party, "cac:PartyName/cbc:Name"),
        identifier=r.identifier(party, _PARTY_IDS),
        legal_registration_id=r.identifier(party, "cac:PartyLegalEntity/cbc:CompanyID"),
    )


def _tax_representative(party) -> TaxRepresentative | None:
    if party is None:
        return None
    return optional(
        TaxRepresentative,
        name=r.text(party, "cac:PartyName/cbc:Name"),
        vat_id=r.text(party, _VAT_ID),
        address=_address(r.first(party, "cac:PostalAddress")),
    )


def _period(node) -> Period | None:
    if node is None:
        return None
    return optional(
        Period,
        start_date=r.date(node, "cbc:StartDate", "BT-73", "Beginn des Abrechnungszeitraums"),
        end_date=r.date(node, "cbc:EndDate", "BT-74", "Ende des Abrechnungszeitraums"),
    )


def _delivery(node) -> Delivery | None:
    if node is None:
        return None
    return optional(
        Delivery,
        party_name=r.text(node, "cac:DeliveryParty/cac:PartyName/cbc:Name"),
        location_id=r.identifier(node, "cac:DeliveryLocation/cbc:ID"),
        actual_delivery_date=r.date(node, "cbc:ActualDeliveryDate", "BT-72", "Lieferdatum"),
        address=_address(r.first(node, "cac:DeliveryLocation/cac:Address")),
    )


def _payment(root) -> PaymentInstructions | None:
    means = r.all(root, "cac:PaymentMeans")
    first = means[0] if means else None
    transfers = [
        CreditTransfer(
            account_id=r.required_text(account, "cbc:ID", "BT-84", "Kennung des Zahlungskontos"),
            account_name=r.text(account, "cbc:Name"),
            service_provider_id=r.text(account, "cac:FinancialInstitutionBranch/cbc:ID"),
        )
        for account in r.all(root, "cac:PaymentMeans/cac:PayeeFinancialAccount")
    ]
    card_node = r.first(root, "cac:PaymentMeans/cac:CardAccount")
    card = None
    if card_node is not None:
        card = PaymentCard(
            primary_account_number=r.required_text(
                card_node, "cbc:PrimaryAccountNumberID", "BT-87", "Kartennummer"
            ),
            holder_name=r.text(card_node, "cbc:HolderName"),
        )
    creditor_id = r.text(
        root, "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID[@schemeID='SEPA']"
    ) or r.text(root, "cac:PayeeParty/cac:PartyIdentification/cbc:ID[@schemeID='SEPA']")
    direct_debit = optional(
        DirectDebit,
        mandate_reference=r.text(root, "cac:PaymentMeans/cac:PaymentMandate/cbc:ID"),
        creditor_id=creditor_id,
        debited_account_id=r.text(root, "cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID"),
    )
    return optional(
        PaymentInstructions,
        means_code=r.text(first, "cbc:PaymentMeansCode") if first is not None else None,
        means_text=r.text(first, "cbc:PaymentMeansCode/@name") if first is not None else None,
        remittance_information=r.text(root, "cac:PaymentMeans/cbc:PaymentID"),
        credit_transfers=transfers,
        card=card,
        direct_debit=direct_debit,
    )


def _allowance_charge(node, *, document_level: bool = True) -> AllowanceCharge:
    indicator = r.required_text(node, "cbc:ChargeIndicator", "BG-20/BG-21", "Kennzeichen Zu- oder Abschlag")
    return AllowanceCharge(
        is_charge=indicator.lower() == "true",
        amount=r.required_decimal(node, "cbc:Amount", "BT-92/BT-99", "Betrag des Zu- oder Abschlags"),
        base_amount=r.decimal(node, "cbc:BaseAmount", "BT-93/BT-100", "Grundbetrag"),
        percentage=r.decimal(node, "cbc:MultiplierFactorNumeric", "BT-94/BT-101", "Prozentsatz"),
        tax_category_code=r.text(node, "cac:TaxCategory/cbc:ID") if document_level else None,
        tax_rate=r.decimal(node, "cac:TaxCategory/cbc:Percent", "BT-96/BT-103", "Umsatzsteuersatz")
        if document_level
        else None,
        reason=r.text(node, "cbc:AllowanceChargeReason"),
        reason_code=r.text(node, "cbc:AllowanceChargeReasonCode"),
    )


def _totals(root, currency: str, tax_currency: str | None) -> DocumentTotals:
    totals = r.first(root, "cac:LegalMonetaryTotal")
    if totals is None:
        totals = etree.Element("empty")
    tax_total = tax_total_tc = None
    for node in r.all(root, "cac:TaxTotal/cbc:TaxAmount"):
        amount = r.decimal(node, ".", "BT-110/BT-111", "Umsatzsteuergesamtbetrag")
        currency_id = node.get("currencyID")
        if tax_currency and currency_id == tax_currency and tax_currency != currency:
            tax_total_tc = amount
        elif tax_total is None:
            tax_total = amount
    return DocumentTotals(
        line_net_total=r.required_decimal(totals, "cbc:LineExtensionAmount", "BT-106", "Summe der Nettobeträge"),
        allowance_total=r.decimal(totals, "cbc:AllowanceTotalAmount", "BT-107", "Summe der Abschläge"),
        charge_total=r.decimal(totals, "cbc:ChargeTotalAmount", "BT-108", "Summe der Zuschläge"),
        tax_exclusive=r.required_decimal(
            totals, "cbc:TaxExclusiveAmount", "BT-109", "Gesamtbetrag ohne Umsatzsteuer"
        ),
        tax_total=tax_total,
        tax_total_in_tax_currency=tax_total_tc,
        tax_inclusive=r.required_decimal(totals, "cbc:TaxInclusiveAmount", "BT-112", "Gesamtbetrag mit Umsatzsteuer"),
        prepaid=r.decimal(totals, "cbc:PrepaidAmount", "BT-113", "Vorauszahlungsbetrag"),
        rounding=r.decimal(totals, "cbc:PayableRoundingAmount", "BT-114", "Rundungsbetrag"),
        amount_due=r.required_decimal(totals, "cbc:PayableAmount", "BT-115", "Fälliger Zahlungsbetrag"),
    )


def _vat(node) -> VatBreakdown:
    return VatBreakdown(
        taxable_amount=r.required_decimal(node, "cbc:TaxableAmount", "BT-116", "Steuerbasisbetrag"),
        tax_amount=r.required_decimal(node, "cbc:TaxAmount", "BT-117", "Steuerbetrag"),
        category_code=r.required_text(node, "cac:TaxCategory/cbc:ID", "BT-118", "Umsatzsteuerkategorie"),
        rate=r.decimal(node, "cac:TaxCategory/cbc:Percent", "BT-119", "Umsatzsteuersatz"),
        exemption_reason=r.text(node, "cac:TaxCategory/cbc:TaxExemptionReason"),
        exemption_reason_code=r.text(node, "cac:TaxCategory/cbc:TaxExemptionReasonCode"),
    )


def _attachment(node) -> Attachment:
    binary = r.first(node, "cac:Attachment/cbc:EmbeddedDocumentBinaryObject")
    return Attachment(
        id=r.required_text(node, "cbc:ID", "BT-122", "Kennung der Anlage"),
        description=r.text(node, "cbc:DocumentDescription"),
        external_uri=r.text(node, "cac:Attachment/cac:ExternalReference/cbc:URI"),
        content=to_bytes(node_text(binary), "BT-125") if binary is not None else None,
        mime_code=node_text(binary.get("mimeCode")) if binary is not None else None,
        filename=node_text(binary.get("filename")) if binary is not None else None,
    )


def _price(price, line_id: str, required: bool) -> Price | None:
    if price is None:
        if required:
            raise missing("BT-146", f"Nettopreis der Position {line_id}")
        return None
    base_quantity = r.first(price, "cbc:BaseQuantity")
    return Price(
        net_price=r.required_decimal(price, "cbc:PriceAmount", "BT-146", f"Nettopreis der Position {line_id}"),
        discount=r.decimal(
            price, "cac:AllowanceCharge[cbc:ChargeIndicator='false']/cbc:Amount", "BT-147", "Preisnachlass"
        ),
        gross_price=r.decimal(
            price, "cac:AllowanceCharge[cbc:ChargeIndicator='false']/cbc:BaseAmount", "BT-148", "Bruttopreis"
        ),
        base_quantity=r.decimal(price, "cbc:BaseQuantity", "BT-149", "Basismenge zum Preis"),
        base_quantity_unit=node_text(base_quantity.get("unitCode")) if base_quantity is not None else None,
    )


def _item(item) -> Item:
    if item is None:
        return Item()
    return Item(
        name=r.text(item, "cbc:Name"),
        description=r.text(item, "cbc:Description"),
        seller_id=r.text(item, "cac:SellersItemIdentification/cbc:ID"),
        buyer_id=r.text(item, "cac:BuyersItemIdentification/cbc:ID"),
        standard_id=r.identifier(item, "cac:StandardItemIdentification/cbc:ID"),
        classifications=[
            Classification(
                code=node_text(code),
                list_id=node_text(code.get("listID")),
                list_version=node_text(code.get("listVersionID")),
            )
            for code in r.all(item, "cac:CommodityClassification/cbc:ItemClassificationCode")
            if node_text(code) is not None
        ],
        origin_country=r.text(item, "cac:OriginCountry/cbc:IdentificationCode"),
        attributes=[
            ItemAttribute(
                name=r.required_text(prop, "cbc:Name", "BT-160", "Name der Artikeleigenschaft"),
                value=r.required_text(prop, "cbc:Value", "BT-161", "Wert der Artikeleigenschaft"),
            )
            for prop in r.all(item, "cac:AdditionalItemProperty")
        ],
    )


def _line(node, kind: _Kind, *, sub: bool = False) -> InvoiceLine:
    """A line (BG-25); with `sub`, an XRechnung sub-line (BG-DEX-01) whose quantity and price are optional."""
    line_id = r.required_text(node, "cbc:ID", "BT-126", "Positionsnummer")
    quantity_node = r.first(node, kind.quantity)
    quantity_what = f"Menge der Position {line_id}"
    if sub:
        quantity = r.decimal(node, kind.quantity, "BT-129", quantity_what)
    else:
        quantity = r.required_decimal(node, kind.quantity, "BT-129", quantity_what)
    item = r.first(node, "cac:Item")
    return (SubInvoiceLine if sub else InvoiceLine)(
        id=line_id,
        note=_joined(r.texts(node, "cbc:Note")),
        object_id=r.identifier(node, f"cac:DocumentReference[cbc:DocumentTypeCode='{_OBJECT_ID}']/cbc:ID"),
        quantity=quantity,
        unit_code=node_text(quantity_node.get("unitCode")) if quantity_node is not None else None,
        net_amount=r.required_decimal(
            node, "cbc:LineExtensionAmount", "BT-131", f"Nettobetrag der Position {line_id}"
        ),
        order_line_reference=r.text(node, "cac:OrderLineReference/cbc:LineID"),
        buyer_accounting_reference=r.text(node, "cbc:AccountingCost"),
        period=_period(r.first(node, "cac:InvoicePeriod")),
        allowances_charges=[
            _allowance_charge(ac, document_level=False) for ac in r.all(node, "cac:AllowanceCharge")
        ],
        price=_price(r.first(node, "cac:Price"), line_id, required=not sub),
        vat=LineVat(
            category_code=r.text(item, "cac:ClassifiedTaxCategory/cbc:ID") if item is not None else None,
            rate=r.decimal(item, "cac:ClassifiedTaxCategory/cbc:Percent", "BT-152", "Umsatzsteuersatz der Position")
            if item is not None
            else None,
        ),
        item=_item(item),
        sub_lines=[_line(child, kind, sub=True) for child in r.all(node, kind.sub_line)],
    )
