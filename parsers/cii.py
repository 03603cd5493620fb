"""Map UN/CEFACT CII to `domain.Invoice`: XRechnung CII, ZUGFeRD 2.x / Factur-X (every
profile) and ZUGFeRD 1.0.

ZUGFeRD 1.0 is the older CII vocabulary (D13B era): the same tree with other names for a
handful of containers. One mapper serves both; a `Vocabulary` names what differs.
Profiles without lines (MINIMUM, BASIC WL) map to an invoice without lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from domain.invoice import (
    Address,
    Buyer,
    Contact,
    CreditTransfer,
    Delivery,
    DirectDebit,
    DocumentTotals,
    Identifier,
    Invoice,
    InvoiceLine,
    LineVat,
    Note,
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
from parsers.build import joined, nest_by_parent, optional
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
from parsers.namespaces import CII, ZUGFERD1
from parsers.reader import Reader, missing, node_text

_EMPTY = etree.Element("empty")


@dataclass(frozen=True)
class Vocabulary:
    document: str
    context: str
    transaction: str
    agreement: str
    delivery: str
    settlement: str
    monetary: str
    rate: str
    line_agreement: str
    line_delivery: str
    line_settlement: str
    line_monetary: str
    reference_id: str  # id of a referenced document
    reference_date: str  # issue date of a referenced document (BT-26)
    despatch_advice: str


CII_D16B = Vocabulary(
    document="rsm:ExchangedDocument",
    context="rsm:ExchangedDocumentContext",
    transaction="rsm:SupplyChainTradeTransaction",
    agreement="ram:ApplicableHeaderTradeAgreement",
    delivery="ram:ApplicableHeaderTradeDelivery",
    settlement="ram:ApplicableHeaderTradeSettlement",
    monetary="ram:SpecifiedTradeSettlementHeaderMonetarySummation",
    rate="ram:RateApplicablePercent",
    line_agreement="ram:SpecifiedLineTradeAgreement",
    line_delivery="ram:SpecifiedLineTradeDelivery",
    line_settlement="ram:SpecifiedLineTradeSettlement",
    line_monetary="ram:SpecifiedTradeSettlementLineMonetarySummation",
    reference_id="ram:IssuerAssignedID",
    reference_date="ram:FormattedIssueDateTime/qdt:DateTimeString",
    despatch_advice="ram:DespatchAdviceReferencedDocument",
)

ZUGFERD_1 = Vocabulary(
    document="rsm:HeaderExchangedDocument",
    context="rsm:SpecifiedExchangedDocumentContext",
    transaction="rsm:SpecifiedSupplyChainTradeTransaction",
    agreement="ram:ApplicableSupplyChainTradeAgreement",
    delivery="ram:ApplicableSupplyChainTradeDelivery",
    settlement="ram:ApplicableSupplyChainTradeSettlement",
    monetary="ram:SpecifiedTradeSettlementMonetarySummation",
    rate="ram:ApplicablePercent",
    line_agreement="ram:SpecifiedSupplyChainTradeAgreement",
    line_delivery="ram:SpecifiedSupplyChainTradeDelivery",
    line_settlement="ram:SpecifiedSupplyChainTradeSettlement",
    line_monetary="ram:SpecifiedTradeSettlementMonetarySummation",
    reference_id="ram:ID",
    reference_date="ram:IssueDateTime",
    despatch_advice="ram:DeliveryNoteReferencedDocument",
)

HEADER = {
    "number": text("ram:ID", "BT-1", "Rechnungsnummer", required=True),
    "issue_date": day("ram:IssueDateTime/udt:DateTimeString", "BT-2", "Rechnungsdatum", required=True),
    "type_code": text("ram:TypeCode", "BT-3", "Rechnungsart", required=True),
}
CONTEXT = {
    "business_process": text("ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"),
    "specification_id": text("ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"),
}
ADDRESS = {
    "line1": text("ram:LineOne"),
    "line2": text("ram:LineTwo"),
    "line3": text("ram:LineThree"),
    "city": text("ram:CityName"),
    "postal_code": text("ram:PostcodeCode"),
    "subdivision": text("ram:CountrySubDivisionName"),
    "country_code": text("ram:CountryID"),
}
CONTACT = {
    "name": text("ram:PersonName"),
    "telephone": text("ram:TelephoneUniversalCommunication/ram:CompleteNumber"),
    "email": text("ram:EmailURIUniversalCommunication/ram:URIID"),
}
PERIOD = {
    "start_date": day("ram:StartDateTime/udt:DateTimeString", "BT-73/BT-134", "Beginn des Zeitraums"),
    "end_date": day("ram:EndDateTime/udt:DateTimeString", "BT-74/BT-135", "Ende des Zeitraums"),
}
PARTY_IDS = "ram:ID | ram:GlobalID"  # without scheme / with scheme (BT-29, BT-46, BT-60, BT-71)
PARTY = {
    "name": text("ram:Name"),
    "trading_name": text("ram:SpecifiedLegalOrganization/ram:TradingBusinessName"),
    "legal_registration_id": ident("ram:SpecifiedLegalOrganization/ram:ID"),
    "vat_id": text("ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"),
    "electronic_address": ident("ram:URIUniversalCommunication/ram:URIID"),
}
SELLER = {
    **PARTY,
    "tax_registration_id": text("ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']"),
    "additional_legal_info": text("ram:Description"),
}
PAYEE = {"name": text("ram:Name"), "legal_registration_id": ident("ram:SpecifiedLegalOrganization/ram:ID")}
TAX_REPRESENTATIVE = {"name": text("ram:Name"), "vat_id": text("ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']")}
TOTALS = {
    "line_net_total": amount("ram:LineTotalAmount", "BT-106", "Summe der Nettobeträge"),
    "allowance_total": amount("ram:AllowanceTotalAmount", "BT-107", "Summe der Abschläge"),
    "charge_total": amount("ram:ChargeTotalAmount", "BT-108", "Summe der Zuschläge"),
    "tax_exclusive": amount("ram:TaxBasisTotalAmount", "BT-109", "Gesamtbetrag ohne Umsatzsteuer", required=True),
    "tax_inclusive": amount("ram:GrandTotalAmount", "BT-112", "Gesamtbetrag mit Umsatzsteuer", required=True),
    "prepaid": amount("ram:TotalPrepaidAmount", "BT-113", "Vorauszahlungsbetrag"),
    "rounding": amount("ram:RoundingAmount", "BT-114", "Rundungsbetrag"),
    "amount_due": amount("ram:DuePayableAmount", "BT-115", "Fälliger Zahlungsbetrag", required=True),
}
GROSS_PRICE = {
    "discount": amount(
        "ram:AppliedTradeAllowanceCharge[ram:ChargeIndicator/udt:Indicator='false']/ram:ActualAmount",
        "BT-147",
        "Preisnachlass",
    ),
    "gross_price": amount("ram:ChargeAmount", "BT-148", "Bruttopreis"),
}
ITEM = ItemPaths(
    fields={
        "name": text("ram:Name"),
        "description": text("ram:Description"),
        "seller_id": text("ram:SellerAssignedID"),
        "buyer_id": text("ram:BuyerAssignedID"),
        "standard_id": ident("ram:GlobalID"),
        "origin_country": text("ram:OriginTradeCountry/ram:ID"),
    },
    classification="ram:DesignatedProductClassification/ram:ClassCode",
    attribute="ram:ApplicableProductCharacteristic",
    attribute_name="ram:Description",
    attribute_value="ram:Value",
)

# BT-8 is a UNTDID 2005 code in the model (and in UBL); CII writes UNTDID 2475 event codes.
_TAX_POINT_CODE_2475_TO_2005 = {"5": "3", "29": "35", "72": "432"}

# ram:AdditionalReferencedDocument type codes (UNTDID 1001)
_ATTACHMENT = "916"
_TENDER = "50"
_OBJECT_ID = "130"


class CiiMapper:
    """One CII vocabulary's field tables and the mapping that uses them."""

    def __init__(self, namespaces: dict[str, str], vocabulary: Vocabulary):
        self.r = Reader(namespaces)
        self.v = v = vocabulary
        ref = v.reference_id
        self.agreement = {
            "buyer_reference": text("ram:BuyerReference"),
            "project_reference": text("ram:SpecifiedProcuringProject/ram:ID"),
            "contract_reference": text(f"ram:ContractReferencedDocument/{ref}"),
            "purchase_order_reference": text(f"ram:BuyerOrderReferencedDocument/{ref}"),
            "sales_order_reference": text(f"ram:SellerOrderReferencedDocument/{ref}"),
            "tender_or_lot_reference": text(f"ram:AdditionalReferencedDocument[ram:TypeCode='{_TENDER}']/{ref}"),
        }
        self.settlement = {
            "tax_point_date": day(
                "ram:ApplicableTradeTax/ram:TaxPointDate/udt:DateString", "BT-7", "Steuerfälligkeitsdatum"
            ),
            "due_date": day(
                "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString", "BT-9", "Fälligkeitsdatum"
            ),
            "buyer_accounting_reference": text("ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID"),
        }
        self.delivery = {
            "receiving_advice_reference": text(f"ram:ReceivingAdviceReferencedDocument/{ref}"),
            "despatch_advice_reference": text(f"{v.despatch_advice}/{ref}"),
        }
        self.allowance_charge = AllowanceChargePaths(
            indicator="ram:ChargeIndicator/udt:Indicator",
            fields={
                "amount": amount("ram:ActualAmount", "BT-92/BT-99", "Betrag des Zu- oder Abschlags", required=True),
                "base_amount": amount("ram:BasisAmount", "BT-93/BT-100", "Grundbetrag"),
                "percentage": amount("ram:CalculationPercent", "BT-94/BT-101", "Prozentsatz"),
                "reason": text("ram:Reason"),
                "reason_code": text("ram:ReasonCode"),
            },
            document_fields={
                "tax_category_code": text("ram:CategoryTradeTax/ram:CategoryCode"),
                "tax_rate": amount(f"ram:CategoryTradeTax/{v.rate}", "BT-96/BT-103", "Umsatzsteuersatz"),
            },
        )
        self.vat = {
            "taxable_amount": amount("ram:BasisAmount", "BT-116", "Steuerbasisbetrag", required=True),
            "tax_amount": amount("ram:CalculatedAmount", "BT-117", "Steuerbetrag", required=True),
            "category_code": text("ram:CategoryCode", "BT-118", "Umsatzsteuerkategorie", required=True),
            "rate": amount(v.rate, "BT-119", "Umsatzsteuersatz"),
            "exemption_reason": text("ram:ExemptionReason"),
            "exemption_reason_code": text("ram:ExemptionReasonCode"),
        }
        self.attachment = {
            "id": text(ref, "BT-122", "Kennung der Anlage", required=True),
            "description": text("ram:Name"),
            "external_uri": text("ram:URIID"),
        }
        self.line_vat = {
            "category_code": text("ram:ApplicableTradeTax/ram:CategoryCode"),
            "rate": amount(f"ram:ApplicableTradeTax/{v.rate}", "BT-152", "Umsatzsteuersatz der Position"),
        }

    def _part(self, node, path: str):
        found = self.r.first(node, path)
        return _EMPTY if found is None else found

    def map(self, root: etree._Element, warnings: list[str] | None = None) -> Invoice:
        r, v = self.r, self.v
        doc = self._part(root, v.document)
        context = self._part(root, v.context)
        tx = self._part(root, v.transaction)
        agreement = self._part(tx, v.agreement)
        delivery = self._part(tx, v.delivery)
        settlement = self._part(tx, v.settlement)
        currency = r.required_text(settlement, "ram:InvoiceCurrencyCode", "BT-5", "Rechnungswährung")
        tax_currency = r.text(settlement, "ram:TaxCurrencyCode")
        payment_terms = joined(r.texts(settlement, "ram:SpecifiedTradePaymentTerms/ram:Description"))
        lines = r.all(tx, "ram:IncludedSupplyChainTradeLineItem")
        return Invoice(
            **read_fields(r, doc, HEADER),
            **read_fields(r, agreement, self.agreement),
            **read_fields(r, settlement, self.settlement),
            **read_fields(r, delivery, self.delivery),
            **read_fields(r, context, CONTEXT),
            currency=currency,
            tax_currency=tax_currency,
            tax_point_date_code=_tax_point_code(r.text(settlement, "ram:ApplicableTradeTax/ram:DueDateTypeCode")),
            invoiced_object_id=self._object_id(agreement),
            payment_terms=payment_terms,
            payment_terms_detail=parse_payment_terms(payment_terms),
            notes=self._notes(doc),
            preceding_invoices=[
                PrecedingInvoice(
                    number=r.required_text(ref, v.reference_id, "BT-25", "Nummer der vorausgegangenen Rechnung"),
                    issue_date=r.date(ref, v.reference_date, "BT-26", "Datum der vorausgegangenen Rechnung"),
                )
                for ref in r.all(settlement, "ram:InvoiceReferencedDocument")
            ],
            seller=self._seller(self._part(agreement, "ram:SellerTradeParty")),
            buyer=self._buyer(self._part(agreement, "ram:BuyerTradeParty")),
            payee=self._payee(r.first(settlement, "ram:PayeeTradeParty")),
            tax_representative=self._tax_representative(r.first(agreement, "ram:SellerTaxRepresentativeTradeParty")),
            delivery=self._delivery(delivery),
            invoicing_period=group(Period, r, r.first(settlement, "ram:BillingSpecifiedPeriod"), PERIOD),
            payment=self._payment(settlement),
            allowances_charges=[
                allowance_charge(r, node, self.allowance_charge, document_level=True)
                for node in r.all(settlement, "ram:SpecifiedTradeAllowanceCharge")
            ],
            totals=self._totals(self._part(settlement, v.monetary), currency, tax_currency, bool(lines), warnings),
            vat_breakdown=[VatBreakdown(**read_fields(r, node, self.vat)) for node in r.all(settlement, "ram:ApplicableTradeTax")],
            attachments=[
                attachment(r, node, self.attachment, "ram:AttachmentBinaryObject")
                for node in r.all(agreement, f"ram:AdditionalReferencedDocument[ram:TypeCode='{_ATTACHMENT}']")
            ],
            lines=nest_by_parent(self._line(node) for node in lines),
        )

    def _notes(self, doc) -> list[Note]:
        notes = []
        for node in self.r.all(doc, "ram:IncludedNote"):
            content = joined(self.r.texts(node, "ram:Content"))
            if content:
                notes.append(Note(text=content, subject_code=self.r.text(node, "ram:SubjectCode")))
        return notes

    def _object_id(self, container) -> Identifier | None:
        """BT-18 / BT-128: the id, with its scheme in the sibling ram:ReferenceTypeCode."""
        node = self.r.first(container, f"ram:AdditionalReferencedDocument[ram:TypeCode='{_OBJECT_ID}']")
        if node is None:
            return None
        value = self.r.text(node, self.v.reference_id)
        if value is None:
            return None
        return Identifier(value=value, scheme_id=self.r.text(node, "ram:ReferenceTypeCode"))

    def _address(self, party) -> Address | None:
        return group(Address, self.r, self.r.first(party, "ram:PostalTradeAddress"), ADDRESS)

    def _first_id(self, party) -> Identifier | None:
        ids = self.r.identifiers(party, PARTY_IDS)
        return ids[0] if ids else None

    def _seller(self, party) -> Seller:
        return Seller(
            **read_fields(self.r, party, SELLER),
            identifiers=self.r.identifiers(party, PARTY_IDS),
            address=self._address(party),
            contact=self._contact(party),
        )

    def _buyer(self, party) -> Buyer:
        return Buyer(
            **read_fields(self.r, party, PARTY),
            identifier=self._first_id(party),
            address=self._address(party),
            contact=self._contact(party),
        )

    def _contact(self, party) -> Contact | None:
        node = self.r.first(party, "ram:DefinedTradeContact")
        if node is None:
            return None
        values = read_fields(self.r, node, CONTACT)
        # BT-41 is the person, or the department where no person is named
        values["name"] = values["name"] or self.r.text(node, "ram:DepartmentName")
        return optional(Contact, **values)

    def _payee(self, party) -> Payee | None:
        if party is None:
            return None
        return optional(Payee, **read_fields(self.r, party, PAYEE), identifier=self._first_id(party))

    def _tax_representative(self, party) -> TaxRepresentative | None:
        if party is None:
            return None
        return optional(
            TaxRepresentative, **read_fields(self.r, party, TAX_REPRESENTATIVE), address=self._address(party)
        )

    def _delivery(self, delivery) -> Delivery | None:
        ship_to = self._part(delivery, "ram:ShipToTradeParty")
        return optional(
            Delivery,
            party_name=self.r.text(ship_to, "ram:Name"),
            location_id=self._first_id(ship_to),
            actual_delivery_date=self.r.date(
                delivery,
                "ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/udt:DateTimeString",
                "BT-72",
                "Lieferdatum",
            ),
            address=self._address(ship_to),
        )

    def _payment(self, settlement) -> PaymentInstructions | None:
        r = self.r
        means = r.all(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        first = means[0] if means else _EMPTY
        transfers = []
        for node in means:
            account = r.first(node, "ram:PayeePartyCreditorFinancialAccount")
            if account is None:
                continue
            transfers.append(
                CreditTransfer(
                    account_id=r.text(account, "ram:IBANID")
                    or r.required_text(account, "ram:ProprietaryID", "BT-84", "Kennung des Zahlungskontos"),
                    account_name=r.text(account, "ram:AccountName"),
                    service_provider_id=r.text(node, "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"),
                )
            )
        card_node = r.first(settlement, "ram:SpecifiedTradeSettlementPaymentMeans/ram:ApplicableTradeSettlementFinancialCard")
        card = None
        if card_node is not None:
            card = PaymentCard(
                primary_account_number=r.required_text(card_node, "ram:ID", "BT-87", "Kartennummer"),
                holder_name=r.text(card_node, "ram:CardholderName"),
            )
        direct_debit = optional(
            DirectDebit,
            mandate_reference=r.text(settlement, "ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID"),
            creditor_id=r.text(settlement, "ram:CreditorReferenceID"),
            debited_account_id=r.text(
                settlement, "ram:SpecifiedTradeSettlementPaymentMeans/ram:PayerPartyDebtorFinancialAccount/ram:IBANID"
            ),
        )
        return optional(
            PaymentInstructions,
            means_code=r.text(first, "ram:TypeCode"),
            means_text=r.text(first, "ram:Information"),
            remittance_information=r.text(settlement, "ram:PaymentReference"),
            credit_transfers=transfers,
            card=card,
            direct_debit=direct_debit,
        )

    def _totals(
        self, monetary, currency: str, tax_currency: str | None, has_lines: bool, warnings: list[str] | None
    ) -> DocumentTotals:
        r = self.r
        values = read_fields(r, monetary, TOTALS)
        values["tax_total"], values["tax_total_in_tax_currency"] = tax_totals(
            r, r.all(monetary, "ram:TaxTotalAmount"), currency, tax_currency
        )
        if values["line_net_total"] is None:
            if has_lines:
                raise missing("BT-106", "Summe der Nettobeträge aller Positionen")
            # Factur-X MINIMUM carries no lines and no BT-106; BR-CO-13 gives it from BT-109.
            values["line_net_total"] = (
                values["tax_exclusive"] + (values["allowance_total"] or 0) - (values["charge_total"] or 0)
            )
            if warnings is not None:
                warnings.append("BT-106 fehlt (Profil ohne Positionen); aus BT-109, BT-107 und BT-108 abgeleitet.")
        return DocumentTotals(**values)

    def _price(self, agreement, line_id: str, required: bool) -> Price | None:
        r = self.r
        net = r.first(agreement, "ram:NetPriceProductTradePrice")
        if net is None:
            if required:
                raise missing("BT-146", f"Nettopreis der Position {line_id}")
            return None
        gross = self._part(agreement, "ram:GrossPriceProductTradePrice")
        base_quantity = r.first(net, "ram:BasisQuantity")
        if base_quantity is None:
            base_quantity = r.first(gross, "ram:BasisQuantity")
        return Price(
            net_price=r.required_decimal(net, "ram:ChargeAmount", "BT-146", f"Nettopreis der Position {line_id}"),
            **read_fields(r, gross, GROSS_PRICE),
            base_quantity=r.decimal(base_quantity, ".", "BT-149", "Basismenge zum Preis")
            if base_quantity is not None
            else None,
            base_quantity_unit=node_text(base_quantity.get("unitCode")) if base_quantity is not None else None,
        )

    def _line(self, node) -> tuple[InvoiceLine, str | None]:
        """A line and the id of its parent line (XRechnung sub-line, BG-DEX-01) if it has one."""
        r, v = self.r, self.v
        document = self._part(node, "ram:AssociatedDocumentLineDocument")
        agreement = self._part(node, v.line_agreement)
        settlement = self._part(node, v.line_settlement)
        line_id = r.required_text(document, "ram:LineID", "BT-126", "Positionsnummer")
        parent_id = r.text(document, "ram:ParentLineID")
        sub = parent_id is not None
        quantity, unit = quantity_and_unit(r, node, f"{v.line_delivery}/ram:BilledQuantity", line_id, required=not sub)
        line = (SubInvoiceLine if sub else InvoiceLine)(
            id=line_id,
            note=joined(r.texts(document, "ram:IncludedNote/ram:Content")),
            object_id=self._object_id(settlement),
            quantity=quantity,
            unit_code=unit,
            net_amount=r.required_decimal(
                settlement, f"{v.line_monetary}/ram:LineTotalAmount", "BT-131", f"Nettobetrag der Position {line_id}"
            ),
            order_line_reference=r.text(agreement, "ram:BuyerOrderReferencedDocument/ram:LineID"),
            buyer_accounting_reference=r.text(settlement, "ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID"),
            period=group(Period, r, r.first(settlement, "ram:BillingSpecifiedPeriod"), PERIOD),
            allowances_charges=[
                allowance_charge(r, ac, self.allowance_charge, document_level=False)
                for ac in r.all(settlement, "ram:SpecifiedTradeAllowanceCharge")
            ],
            price=self._price(agreement, line_id, required=not sub),
            vat=LineVat(**read_fields(r, settlement, self.line_vat)),
            item=item(r, r.first(node, "ram:SpecifiedTradeProduct"), ITEM),
        )
        return line, parent_id


def _tax_point_code(code: str | None) -> str | None:
    return _TAX_POINT_CODE_2475_TO_2005.get(code, code) if code is not None else None


_CII = CiiMapper(CII, CII_D16B)
_ZUGFERD1 = CiiMapper(ZUGFERD1, ZUGFERD_1)


def map_cii(root: etree._Element, warnings: list[str] | None = None) -> Invoice:
    return _CII.map(root, warnings)


def map_zugferd1(root: etree._Element, warnings: list[str] | None = None) -> Invoice:
    return _ZUGFERD1.map(root, warnings)
