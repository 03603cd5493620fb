"""Map a UBL 2.1 Invoice or CreditNote (EN 16931-3-2, XRechnung UBL) to `domain.Invoice`."""

from __future__ import annotations

from lxml import etree

from domain.invoice import (
    Address,
    Buyer,
    Contact,
    CreditTransfer,
    Delivery,
    DirectDebit,
    DocumentTotals,
    Invoice,
    InvoiceLine,
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
    ThirdPartyPayment,
    VatBreakdown,
)
from domain.terms import parse_payment_terms
from parsers.build import joined, optional, ubl_note
from parsers.fields import amount, day, ident, read_fields, text
from parsers.groups import (
    AllowanceChargePaths,
    ItemPaths,
    allowance_charge,
    attachment,
    group,
    item,
    quantity_and_unit,
    tax_totals,
)
from parsers.namespaces import UBL, UBL_CREDIT_NOTE_ROOT
from parsers.reader import Reader, missing, node_text

r = Reader(UBL)

# cac:AdditionalDocumentReference types that are references, not attachments (BG-24):
# 130 = invoiced object identifier (BT-18); 50 = project reference in a CreditNote (BT-11).
_OBJECT_ID = "130"
_PROJECT = "50"


class _Kind:
    """The element names that differ between Invoice and CreditNote."""

    def __init__(self, credit_note: bool):
        prefix = "CreditNote" if credit_note else "Invoice"
        self.type_code = f"cbc:{prefix}TypeCode"
        self.line = f"cac:{prefix}Line"
        self.quantity = "cbc:CreditedQuantity" if credit_note else "cbc:InvoicedQuantity"
        self.sub_line = f"cac:Sub{prefix}Line"
        # BT-11: a CreditNote has no cac:ProjectReference and carries it as a document reference of type 50
        project = f"cac:AdditionalDocumentReference[cbc:DocumentTypeCode='{_PROJECT}']"
        self.project = f"{project}/cbc:ID" if credit_note else "cac:ProjectReference/cbc:ID"
        not_project = f" and not(cbc:DocumentTypeCode='{_PROJECT}')" if credit_note else ""
        self.attachments = f"cac:AdditionalDocumentReference[not(cbc:DocumentTypeCode='{_OBJECT_ID}'){not_project}]"


_INVOICE = _Kind(False)
_CREDIT_NOTE = _Kind(True)

HEADER = {
    "number": text("cbc:ID", "BT-1", "Rechnungsnummer", required=True),
    "issue_date": day("cbc:IssueDate", "BT-2", "Rechnungsdatum", required=True),
    "tax_point_date": day("cbc:TaxPointDate", "BT-7", "Steuerfälligkeitsdatum"),
    "tax_point_date_code": text("cac:InvoicePeriod/cbc:DescriptionCode"),
    "buyer_reference": text("cbc:BuyerReference"),
    "contract_reference": text("cac:ContractDocumentReference/cbc:ID"),
    "purchase_order_reference": text("cac:OrderReference/cbc:ID"),
    "sales_order_reference": text("cac:OrderReference/cbc:SalesOrderID"),
    "receiving_advice_reference": text("cac:ReceiptDocumentReference/cbc:ID"),
    "despatch_advice_reference": text("cac:DespatchDocumentReference/cbc:ID"),
    "tender_or_lot_reference": text("cac:OriginatorDocumentReference/cbc:ID"),
    "invoiced_object_id": ident(f"cac:AdditionalDocumentReference[cbc:DocumentTypeCode='{_OBJECT_ID}']/cbc:ID"),
    "buyer_accounting_reference": text("cbc:AccountingCost"),
    "business_process": text("cbc:ProfileID"),
    "specification_id": text("cbc:CustomizationID"),
}
ADDRESS = {
    "line1": text("cbc:StreetName"),
    "line2": text("cbc:AdditionalStreetName"),
    "line3": text("cac:AddressLine/cbc:Line"),
    "city": text("cbc:CityName"),
    "postal_code": text("cbc:PostalZone"),
    "subdivision": text("cbc:CountrySubentity"),
    "country_code": text("cac:Country/cbc:IdentificationCode"),
}
CONTACT = {"name": text("cbc:Name"), "telephone": text("cbc:Telephone"), "email": text("cbc:ElectronicMail")}
PERIOD = {
    "start_date": day("cbc:StartDate", "BT-73/BT-134", "Beginn des Zeitraums"),
    "end_date": day("cbc:EndDate", "BT-74/BT-135", "Ende des Zeitraums"),
}
# A party identifier with scheme "SEPA" is the bank-assigned creditor id (BT-90), not BT-29/BT-60.
_PARTY_IDS = "cac:PartyIdentification/cbc:ID[not(@schemeID='SEPA')]"
_VAT_ID = "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID"
PARTY = {
    "name": text("cac:PartyLegalEntity/cbc:RegistrationName"),
    "trading_name": text("cac:PartyName/cbc:Name"),
    "legal_registration_id": ident("cac:PartyLegalEntity/cbc:CompanyID"),
    "vat_id": text(_VAT_ID),
    "electronic_address": ident("cbc:EndpointID"),
}
SELLER = {
    **PARTY,
    "tax_registration_id": text("cac:PartyTaxScheme[not(cac:TaxScheme/cbc:ID='VAT')]/cbc:CompanyID"),
    "additional_legal_info": text("cac:PartyLegalEntity/cbc:CompanyLegalForm"),
}
BUYER = {**PARTY, "identifier": ident(_PARTY_IDS)}
PAYEE = {
    "name": text("cac:PartyName/cbc:Name"),
    "identifier": ident(_PARTY_IDS),
    "legal_registration_id": ident("cac:PartyLegalEntity/cbc:CompanyID"),
}
TAX_REPRESENTATIVE = {"name": text("cac:PartyName/cbc:Name"), "vat_id": text(_VAT_ID)}
DELIVERY = {
    "party_name": text("cac:DeliveryParty/cac:PartyName/cbc:Name"),
    "location_id": ident("cac:DeliveryLocation/cbc:ID"),
    "actual_delivery_date": day("cbc:ActualDeliveryDate", "BT-72", "Lieferdatum"),
}
ALLOWANCE_CHARGE = AllowanceChargePaths(
    indicator="cbc:ChargeIndicator",
    fields={
        "amount": amount("cbc:Amount", "BT-92/BT-99", "Betrag des Zu- oder Abschlags", required=True),
        "base_amount": amount("cbc:BaseAmount", "BT-93/BT-100", "Grundbetrag"),
        "percentage": amount("cbc:MultiplierFactorNumeric", "BT-94/BT-101", "Prozentsatz"),
        "reason": text("cbc:AllowanceChargeReason"),
        "reason_code": text("cbc:AllowanceChargeReasonCode"),
    },
    document_fields={
        "tax_category_code": text("cac:TaxCategory/cbc:ID"),
        "tax_rate": amount("cac:TaxCategory/cbc:Percent", "BT-96/BT-103", "Umsatzsteuersatz"),
    },
)
TOTALS = {
    "line_net_total": amount("cbc:LineExtensionAmount", "BT-106", "Summe der Nettobeträge", required=True),
    "allowance_total": amount("cbc:AllowanceTotalAmount", "BT-107", "Summe der Abschläge"),
    "charge_total": amount("cbc:ChargeTotalAmount", "BT-108", "Summe der Zuschläge"),
    "tax_exclusive": amount("cbc:TaxExclusiveAmount", "BT-109", "Gesamtbetrag ohne Umsatzsteuer", required=True),
    "tax_inclusive": amount("cbc:TaxInclusiveAmount", "BT-112", "Gesamtbetrag mit Umsatzsteuer", required=True),
    "prepaid": amount("cbc:PrepaidAmount", "BT-113", "Vorauszahlungsbetrag"),
    "rounding": amount("cbc:PayableRoundingAmount", "BT-114", "Rundungsbetrag"),
    "amount_due": amount("cbc:PayableAmount", "BT-115", "Fälliger Zahlungsbetrag", required=True),
}
VAT = {
    "taxable_amount": amount("cbc:TaxableAmount", "BT-116", "Steuerbasisbetrag", required=True),
    "tax_amount": amount("cbc:TaxAmount", "BT-117", "Steuerbetrag", required=True),
    "category_code": text("cac:TaxCategory/cbc:ID", "BT-118", "Umsatzsteuerkategorie", required=True),
    "rate": amount("cac:TaxCategory/cbc:Percent", "BT-119", "Umsatzsteuersatz"),
    "exemption_reason": text("cac:TaxCategory/cbc:TaxExemptionReason"),
    "exemption_reason_code": text("cac:TaxCategory/cbc:TaxExemptionReasonCode"),
}
ATTACHMENT = {
    "id": text("cbc:ID", "BT-122", "Kennung der Anlage", required=True),
    "description": text("cbc:DocumentDescription"),
    "external_uri": text("cac:Attachment/cac:ExternalReference/cbc:URI"),
}
ITEM = ItemPaths(
    fields={
        "name": text("cbc:Name"),
        "description": text("cbc:Description"),
        "seller_id": text("cac:SellersItemIdentification/cbc:ID"),
        "buyer_id": text("cac:BuyersItemIdentification/cbc:ID"),
        "standard_id": ident("cac:StandardItemIdentification/cbc:ID"),
        "origin_country": text("cac:OriginCountry/cbc:IdentificationCode"),
    },
    classification="cac:CommodityClassification/cbc:ItemClassificationCode",
    attribute="cac:AdditionalItemProperty",
    attribute_name="cbc:Name",
    attribute_value="cbc:Value",
)
LINE = {
    "object_id": ident(f"cac:DocumentReference[cbc:DocumentTypeCode='{_OBJECT_ID}']/cbc:ID"),
    "order_line_reference": text("cac:OrderLineReference/cbc:LineID"),
    "buyer_accounting_reference": text("cbc:AccountingCost"),
}
LINE_VAT = {
    "category_code": text("cac:ClassifiedTaxCategory/cbc:ID"),
    "rate": amount("cac:ClassifiedTaxCategory/cbc:Percent", "BT-152", "Umsatzsteuersatz der Position"),
}
THIRD_PARTY_PAYMENT = {
    "type_id": text("cbc:ID"),
    "amount": amount("cbc:PaidAmount", "BT-DEX-002", "Betrag der Zahlung an Dritte", required=True),
    "currency": text("cbc:PaidAmount/@currencyID"),
    "description": text("cbc:InstructionID"),
}
PRICE_DISCOUNT = "cac:AllowanceCharge[cbc:ChargeIndicator='false']"
PRICE = {
    "discount": amount(f"{PRICE_DISCOUNT}/cbc:Amount", "BT-147", "Preisnachlass"),
    "gross_price": amount(f"{PRICE_DISCOUNT}/cbc:BaseAmount", "BT-148", "Bruttopreis"),
    "base_quantity": amount("cbc:BaseQuantity", "BT-149", "Basismenge zum Preis"),
}


def map_ubl(root: etree._Element, warnings: list[str] | None = None) -> Invoice:
    kind = _CREDIT_NOTE if root.tag == UBL_CREDIT_NOTE_ROOT else _INVOICE
    currency = r.required_text(root, "cbc:DocumentCurrencyCode", "BT-5", "Rechnungswährung")
    tax_currency = r.text(root, "cbc:TaxCurrencyCode")
    payment_terms = joined(r.texts(root, "cac:PaymentTerms/cbc:Note"))
    return Invoice(
        **read_fields(r, root, HEADER),
        type_code=r.required_text(root, kind.type_code, "BT-3", "Rechnungsart"),
        currency=currency,
        tax_currency=tax_currency,
        # BT-9 sits in cac:PaymentMeans in a CreditNote
        due_date=r.date(root, "cbc:DueDate | cac:PaymentMeans/cbc:PaymentDueDate", "BT-9", "Fälligkeitsdatum"),
        project_reference=r.text(root, kind.project),
        payment_terms=payment_terms,
        payment_terms_detail=parse_payment_terms(payment_terms),
        notes=[ubl_note(note) for note in r.texts(root, "cbc:Note")],
        preceding_invoices=[
            PrecedingInvoice(
                number=r.required_text(ref, "cbc:ID", "BT-25", "Nummer der vorausgegangenen Rechnung"),
                issue_date=r.date(ref, "cbc:IssueDate", "BT-26", "Datum der vorausgegangenen Rechnung"),
            )
            for ref in r.all(root, "cac:BillingReference/cac:InvoiceDocumentReference")
        ],
        seller=_seller(r.first(root, "cac:AccountingSupplierParty/cac:Party")),
        buyer=_buyer(r.first(root, "cac:AccountingCustomerParty/cac:Party")),
        payee=group(Payee, r, r.first(root, "cac:PayeeParty"), PAYEE),
        tax_representative=_tax_representative(r.first(root, "cac:TaxRepresentativeParty")),
        delivery=_delivery(r.first(root, "cac:Delivery")),
        invoicing_period=group(Period, r, r.first(root, "cac:InvoicePeriod"), PERIOD),
        payment=_payment(root),
        allowances_charges=[
            allowance_charge(r, node, ALLOWANCE_CHARGE, document_level=True)
            for node in r.all(root, "cac:AllowanceCharge")
        ],
        totals=_totals(root, currency, tax_currency),
        vat_breakdown=[VatBreakdown(**read_fields(r, node, VAT)) for node in r.all(root, "cac:TaxTotal/cac:TaxSubtotal")],
        attachments=[
            attachment(r, node, ATTACHMENT, "cac:Attachment/cbc:EmbeddedDocumentBinaryObject")
            for node in r.all(root, kind.attachments)
        ],
        third_party_payments=[
            ThirdPartyPayment(**read_fields(r, node, THIRD_PARTY_PAYMENT)) for node in r.all(root, "cac:PrepaidPayment")
        ],
        lines=[_line(node, kind) for node in r.all(root, kind.line)],
    )


def _address(party) -> Address | None:
    return group(Address, r, r.first(party, "cac:PostalAddress"), ADDRESS)


def _contact(party) -> Contact | None:
    return group(Contact, r, r.first(party, "cac:Contact"), CONTACT)


def _seller(party) -> Seller:
    if party is None:
        return Seller()
    return Seller(
        **read_fields(r, party, SELLER),
        identifiers=r.identifiers(party, _PARTY_IDS),
        address=_address(party),
        contact=_contact(party),
    )


def _buyer(party) -> Buyer:
    if party is None:
        return Buyer()
    return Buyer(**read_fields(r, party, BUYER), address=_address(party), contact=_contact(party))


def _tax_representative(party) -> TaxRepresentative | None:
    if party is None:
        return None
    return optional(TaxRepresentative, **read_fields(r, party, TAX_REPRESENTATIVE), address=_address(party))


def _delivery(node) -> Delivery | None:
    if node is None:
        return None
    address = group(Address, r, r.first(node, "cac:DeliveryLocation/cac:Address"), ADDRESS)
    return optional(Delivery, **read_fields(r, node, DELIVERY), address=address)


def _payment(root) -> PaymentInstructions | None:
    first = r.first(root, "cac:PaymentMeans")
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
            primary_account_number=r.required_text(card_node, "cbc:PrimaryAccountNumberID", "BT-87", "Kartennummer"),
            holder_name=r.text(card_node, "cbc:HolderName"),
        )
    direct_debit = optional(
        DirectDebit,
        mandate_reference=r.text(root, "cac:PaymentMeans/cac:PaymentMandate/cbc:ID"),
        creditor_id=r.text(
            root,
            "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID[@schemeID='SEPA']"
            " | cac:PayeeParty/cac:PartyIdentification/cbc:ID[@schemeID='SEPA']",
        ),
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


def _totals(root, currency: str, tax_currency: str | None) -> DocumentTotals:
    monetary = r.first(root, "cac:LegalMonetaryTotal")
    if monetary is None:
        raise missing("BG-22", "Gesamtbeträge der Rechnung")
    tax_total, tax_total_tc = tax_totals(r, r.all(root, "cac:TaxTotal/cbc:TaxAmount"), currency, tax_currency)
    return DocumentTotals(
        **read_fields(r, monetary, TOTALS), tax_total=tax_total, tax_total_in_tax_currency=tax_total_tc
    )


def _price(node, line_id: str, *, required: bool) -> Price | None:
    price = r.first(node, "cac:Price")
    if price is None:
        if required:
            raise missing("BT-146", f"Nettopreis der Position {line_id}")
        return None
    base_quantity = r.first(price, "cbc:BaseQuantity")
    return Price(
        net_price=r.required_decimal(price, "cbc:PriceAmount", "BT-146", f"Nettopreis der Position {line_id}"),
        **read_fields(r, price, PRICE),
        base_quantity_unit=node_text(base_quantity.get("unitCode")) if base_quantity is not None else None,
    )


def _line(node, kind: _Kind, *, sub: bool = False) -> InvoiceLine:
    """A line (BG-25); with `sub`, an XRechnung sub-line (BG-DEX-01) whose quantity and price are optional."""
    line_id = r.required_text(node, "cbc:ID", "BT-126", "Positionsnummer")
    quantity, unit = quantity_and_unit(r, node, kind.quantity, line_id, required=not sub)
    item_node = r.first(node, "cac:Item")
    return (SubInvoiceLine if sub else InvoiceLine)(
        id=line_id,
        **read_fields(r, node, LINE),
        note=joined(r.texts(node, "cbc:Note")),
        quantity=quantity,
        unit_code=unit,
        net_amount=r.required_decimal(node, "cbc:LineExtensionAmount", "BT-131", f"Nettobetrag der Position {line_id}"),
        period=group(Period, r, r.first(node, "cac:InvoicePeriod"), PERIOD),
        allowances_charges=[
            allowance_charge(r, ac, ALLOWANCE_CHARGE, document_level=False) for ac in r.all(node, "cac:AllowanceCharge")
        ],
        price=_price(node, line_id, required=not sub),
        vat=LineVat(**read_fields(r, item_node, LINE_VAT)) if item_node is not None else LineVat(),
        item=item(r, item_node, ITEM),
        sub_lines=[_line(child, kind, sub=True) for child in r.all(node, kind.sub_line)],
    )
