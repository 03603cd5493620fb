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
    AllowanceCharge,
    Attachment,
    Buyer,
    Classification,
    Contact,
    CreditTransfer,
    Delivery,
    DirectDebit,
    DocumentTotals,
    Identifier,
    Invoice,
    InvoiceLine,
    Item,
    ItemAttribute,
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
from parsers.build import nest_by_parent, optional
from parsers.namespaces import CII, ZUGFERD1
from parsers.reader import Reader, missing, node_text, to_bytes

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

# BT-8 is a UNTDID 2005 code in the model (and in UBL); CII writes UNTDID 2475 event codes.
_TAX_POINT_CODE_2475_TO_2005 = {"5": "3", "29": "35", "72": "432"}

# ram:AdditionalReferencedDocument type codes (UNTDID 1001)
_ATTACHMENT = "916"
_TENDER = "50"
_OBJECT_ID = "130"


class CiiMapper:
    def __init__(self, namespaces: dict[str, str], vocabulary: Vocabulary):
        self.r = Reader(namespaces)
        self.v = vocabulary

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
        payment_terms = "\n".join(r.texts(settlement, "ram:SpecifiedTradePaymentTerms/ram:Description")) or None
        lines = r.all(tx, "ram:IncludedSupplyChainTradeLineItem")
        return Invoice(
            number=r.required_text(doc, "ram:ID", "BT-1", "Rechnungsnummer"),
            issue_date=r.required_date(doc, "ram:IssueDateTime/udt:DateTimeString", "BT-2", "Rechnungsdatum"),
            type_code=r.required_text(doc, "ram:TypeCode", "BT-3", "Rechnungsart"),
            currency=currency,
            tax_currency=tax_currency,
            tax_point_date=r.date(
                settlement, "ram:ApplicableTradeTax/ram:TaxPointDate/udt:DateString", "BT-7", "Steuerfälligkeitsdatum"
            ),
            tax_point_date_code=_tax_point_code(r.text(settlement, "ram:ApplicableTradeTax/ram:DueDateTypeCode")),
            due_date=r.date(
                settlement,
                "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString",
                "BT-9",
                "Fälligkeitsdatum",
            ),
            buyer_reference=r.text(agreement, "ram:BuyerReference"),
            project_reference=r.text(agreement, "ram:SpecifiedProcuringProject/ram:ID"),
            contract_reference=r.text(agreement, f"ram:ContractReferencedDocument/{v.reference_id}"),
            purchase_order_reference=r.text(agreement, f"ram:BuyerOrderReferencedDocument/{v.reference_id}"),
            sales_order_reference=r.text(agreement, f"ram:SellerOrderReferencedDocument/{v.reference_id}"),
            receiving_advice_reference=r.text(delivery, f"ram:ReceivingAdviceReferencedDocument/{v.reference_id}"),
            despatch_advice_reference=r.text(delivery, f"{v.despatch_advice}/{v.reference_id}"),
            tender_or_lot_reference=r.text(
                agreement, f"ram:AdditionalReferencedDocument[ram:TypeCode='{_TENDER}']/{v.reference_id}"
            ),
            invoiced_object_id=self._object_id(agreement),
            buyer_accounting_reference=r.text(settlement, "ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID"),
            payment_terms=payment_terms,
            payment_terms_detail=parse_payment_terms(payment_terms),
            notes=self._notes(doc),
            business_process=r.text(context, "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"),
            specification_id=r.text(context, "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"),
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
            invoicing_period=self._period(r.first(settlement, "ram:BillingSpecifiedPeriod"), "BT-73", "BT-74"),
            payment=self._payment(settlement),
            allowances_charges=[
                self._allowance_charge(node) for node in r.all(settlement, "ram:SpecifiedTradeAllowanceCharge")
            ],
            totals=self._totals(self._part(settlement, v.monetary), currency, tax_currency, bool(lines), warnings),
            vat_breakdown=[self._vat(node) for node in r.all(settlement, "ram:ApplicableTradeTax")],
            attachments=[
                self._attachment(node)
                for node in r.all(agreement, f"ram:AdditionalReferencedDocument[ram:TypeCode='{_ATTACHMENT}']")
            ],
            lines=nest_by_parent(self._line(node) for node in lines),
        )

    def _notes(self, doc) -> list[Note]:
        notes = []
        for node in self.r.all(doc, "ram:IncludedNote"):
            text = "\n".join(self.r.texts(node, "ram:Content"))
            if text:
                notes.append(Note(text=text, subject_code=self.r.text(node, "ram:SubjectCode")))
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

    def _address(self, node) -> Address | None:
        if node is None:
            return None
        r = self.r
        return optional(
            Address,
            line1=r.text(node, "ram:LineOne"),
            line2=r.text(node, "ram:LineTwo"),
            line3=r.text(node, "ram:LineThree"),
            city=r.text(node, "ram:CityName"),
            postal_code=r.text(node, "ram:PostcodeCode"),
            subdivision=r.text(node, "ram:CountrySubDivisionName"),
            country_code=r.text(node, "ram:CountryID"),
        )

    def _contact(self, node) -> Contact | None:
        if node is None:
            return None
        r = self.r
        return optional(
            Contact,
            name=r.text(node, "ram:PersonName") or r.text(node, "ram:DepartmentName"),
            telephone=r.text(node, "ram:TelephoneUniversalCommunication/ram:CompleteNumber"),
            email=r.text(node, "ram:EmailURIUniversalCommunication/ram:URIID"),
        )

    def _party_ids(self, party) -> list[Identifier]:
        return self.r.identifiers(party, "ram:ID | ram:GlobalID")

    def _tax_id(self, party, scheme: str) -> str | None:
        return self.r.text(party, f"ram:SpecifiedTaxRegistration/ram:ID[@schemeID='{scheme}']")

    def _seller(self, party) -> Seller:
        r = self.r
        return Seller(
            name=r.text(party, "ram:Name"),
            trading_name=r.text(party, "ram:SpecifiedLegalOrganization/ram:TradingBusinessName"),
            identifiers=self._party_ids(party),
            legal_registration_id=r.identifier(party, "ram:SpecifiedLegalOrganization/ram:ID"),
            vat_id=self._tax_id(party, "VA"),
            tax_registration_id=self._tax_id(party, "FC"),
            additional_legal_info=r.text(party, "ram:Description"),
            electronic_address=r.identifier(party, "ram:URIUniversalCommunication/ram:URIID"),
            address=self._address(r.first(party, "ram:PostalTradeAddress")),
            contact=self._contact(r.first(party, "ram:DefinedTradeContact")),
        )

    def _buyer(self, party) -> Buyer:
        r = self.r
        ids = self._party_ids(party)
        return Buyer(
            name=r.text(party, "ram:Name"),
            trading_name=r.text(party, "ram:SpecifiedLegalOrganization/ram:TradingBusinessName"),
            identifier=ids[0] if ids else None,
            legal_registration_id=r.identifier(party, "ram:SpecifiedLegalOrganization/ram:ID"),
            vat_id=self._tax_id(party, "VA"),
            electronic_address=r.identifier(party, "ram:URIUniversalCommunication/ram:URIID"),
            address=self._address(r.first(party, "ram:PostalTradeAddress")),
            contact=self._contact(r.first(party, "ram:DefinedTradeContact")),
        )

    def _payee(self, party) -> Payee | None:
        if party is None:
            return None
        ids = self._party_ids(party)
        return optional(
            Payee,
            name=self.r.text(party, "ram:Name"),
            identifier=ids[0] if ids else None,
            legal_registration_id=self.r.identifier(party, "ram:SpecifiedLegalOrganization/ram:ID"),
        )

    def _tax_representative(self, party) -> TaxRepresentative | None:
        if party is None:
            return None
        return optional(
            TaxRepresentative,
            name=self.r.text(party, "ram:Name"),
            vat_id=self._tax_id(party, "VA"),
            address=self._address(self.r.first(party, "ram:PostalTradeAddress")),
        )

    def _delivery(self, delivery) -> Delivery | None:
        r = self.r
        ship_to = r.first(delivery, "ram:ShipToTradeParty")
        if ship_to is None:
            ship_to = _EMPTY
        ids = self._party_ids(ship_to)
        return optional(
            Delivery,
            party_name=r.text(ship_to, "ram:Name"),
            location_id=ids[0] if ids else None,
            actual_delivery_date=r.date(
                delivery,
                "ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/udt:DateTimeString",
                "BT-72",
                "Lieferdatum",
            ),
            address=self._address(r.first(ship_to, "ram:PostalTradeAddress")),
        )

    def _period(self, node, start_term: str, end_term: str) -> Period | None:
        if node is None:
            return None
        return optional(
            Period,
            start_date=self.r.date(node, "ram:StartDateTime/udt:DateTimeString", start_term, "Beginn des Zeitraums"),
            end_date=self.r.date(node, "ram:EndDateTime/udt:DateTimeString", end_term, "Ende des Zeitraums"),
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

    def _allowance_charge(self, node, *, document_level: bool = True) -> AllowanceCharge:
        r = self.r
        indicator = r.required_text(
            node, "ram:ChargeIndicator/udt:Indicator", "BG-20/BG-21", "Kennzeichen Zu- oder Abschlag"
        )
        return AllowanceCharge(
            is_charge=indicator.lower() == "true",
            amount=r.required_decimal(node, "ram:ActualAmount", "BT-92/BT-99", "Betrag des Zu- oder Abschlags"),
            base_amount=r.decimal(node, "ram:BasisAmount", "BT-93/BT-100", "Grundbetrag"),
            percentage=r.decimal(node, "ram:CalculationPercent", "BT-94/BT-101", "Prozentsatz"),
            tax_category_code=r.text(node, "ram:CategoryTradeTax/ram:CategoryCode") if document_level else None,
            tax_rate=r.decimal(node, f"ram:CategoryTradeTax/{self.v.rate}", "BT-96/BT-103", "Umsatzsteuersatz")
            if document_level
            else None,
            reason=r.text(node, "ram:Reason"),
            reason_code=r.text(node, "ram:ReasonCode"),
        )

    def _totals(
        self, monetary, currency: str, tax_currency: str | None, has_lines: bool, warnings: list[str] | None
    ) -> DocumentTotals:
        r = self.r
        tax_total = tax_total_tc = None
        for node in r.all(monetary, "ram:TaxTotalAmount"):
            amount = r.decimal(node, ".", "BT-110/BT-111", "Umsatzsteuergesamtbetrag")
            if tax_currency and tax_currency != currency and node.get("currencyID") == tax_currency:
                tax_total_tc = amount
            elif tax_total is None:
                tax_total = amount
        allowance_total = r.decimal(monetary, "ram:AllowanceTotalAmount", "BT-107", "Summe der Abschläge")
        charge_total = r.decimal(monetary, "ram:ChargeTotalAmount", "BT-108", "Summe der Zuschläge")
        tax_exclusive = r.required_decimal(
            monetary, "ram:TaxBasisTotalAmount", "BT-109", "Gesamtbetrag ohne Umsatzsteuer"
        )
        line_net_total = r.decimal(monetary, "ram:LineTotalAmount", "BT-106", "Summe der Nettobeträge")
        if line_net_total is None:
            if has_lines:
                raise missing("BT-106", "Summe der Nettobeträge aller Positionen")
            # Factur-X MINIMUM carries no lines and no BT-106; BR-CO-13 gives it from BT-109.
            line_net_total = tax_exclusive + (allowance_total or 0) - (charge_total or 0)
            if warnings is not None:
                warnings.append("BT-106 fehlt (Profil ohne Positionen); aus BT-109, BT-107 und BT-108 abgeleitet.")
        return DocumentTotals(
            line_net_total=line_net_total,
            allowance_total=allowance_total,
            charge_total=charge_total,
            tax_exclusive=tax_exclusive,
            tax_total=tax_total,
            tax_total_in_tax_currency=tax_total_tc,
            tax_inclusive=r.required_decimal(monetary, "ram:GrandTotalAmount", "BT-112", "Gesamtbetrag mit Umsatzsteuer"),
            prepaid=r.decimal(monetary, "ram:TotalPrepaidAmount", "BT-113", "Vorauszahlungsbetrag"),
            rounding=r.decimal(monetary, "ram:RoundingAmount", "BT-114", "Rundungsbetrag"),
            amount_due=r.required_decimal(monetary, "ram:DuePayableAmount", "BT-115", "Fälliger Zahlungsbetrag"),
        )

    def _vat(self, node) -> VatBreakdown:
        r = self.r
        return VatBreakdown(
            taxable_amount=r.required_decimal(node, "ram:BasisAmount", "BT-116", "Steuerbasisbetrag"),
            tax_amount=r.required_decimal(node, "ram:CalculatedAmount", "BT-117", "Steuerbetrag"),
            category_code=r.required_text(node, "ram:CategoryCode", "BT-118", "Umsatzsteuerkategorie"),
            rate=r.decimal(node, self.v.rate, "BT-119", "Umsatzsteuersatz"),
            exemption_reason=r.text(node, "ram:ExemptionReason"),
            exemption_reason_code=r.text(node, "ram:ExemptionReasonCode"),
        )

    def _attachment(self, node) -> Attachment:
        r = self.r
        binary = r.first(node, "ram:AttachmentBinaryObject")
        return Attachment(
            id=r.required_text(node, self.v.reference_id, "BT-122", "Kennung der Anlage"),
            description=r.text(node, "ram:Name"),
            external_uri=r.text(node, "ram:URIID"),
            content=to_bytes(node_text(binary), "BT-125") if binary is not None else None,
            mime_code=node_text(binary.get("mimeCode")) if binary is not None else None,
            filename=node_text(binary.get("filename")) if binary is not None else None,
        )

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
            discount=r.decimal(
                gross,
                "ram:AppliedTradeAllowanceCharge[ram:ChargeIndicator/udt:Indicator='false']/ram:ActualAmount",
                "BT-147",
                "Preisnachlass",
            ),
            gross_price=r.decimal(gross, "ram:ChargeAmount", "BT-148", "Bruttopreis"),
            base_quantity=r.decimal(base_quantity, ".", "BT-149", "Basismenge zum Preis")
            if base_quantity is not None
            else None,
            base_quantity_unit=node_text(base_quantity.get("unitCode")) if base_quantity is not None else None,
        )

    def _item(self, product) -> Item:
        r = self.r
        return Item(
            name=r.text(product, "ram:Name"),
            description=r.text(product, "ram:Description"),
            seller_id=r.text(product, "ram:SellerAssignedID"),
            buyer_id=r.text(product, "ram:BuyerAssignedID"),
            standard_id=r.identifier(product, "ram:GlobalID"),
            classifications=[
                Classification(
                    code=node_text(code),
                    list_id=node_text(code.get("listID")),
                    list_version=node_text(code.get("listVersionID")),
                )
                for code in r.all(product, "ram:DesignatedProductClassification/ram:ClassCode")
                if node_text(code) is not None
            ],
            origin_country=r.text(product, "ram:OriginTradeCountry/ram:ID"),
            attributes=[
                ItemAttribute(
                    name=r.required_text(prop, "ram:Description", "BT-160", "Name der Artikeleigenschaft"),
                    value=r.required_text(prop, "ram:Value", "BT-161", "Wert der Artikeleigenschaft"),
                )
                for prop in r.all(product, "ram:ApplicableProductCharacteristic")
            ],
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
        quantity_path = f"{v.line_delivery}/ram:BilledQuantity"
        quantity_node = r.first(node, quantity_path)
        quantity_what = f"Menge der Position {line_id}"
        if sub:
            quantity = r.decimal(node, quantity_path, "BT-129", quantity_what)
        else:
            quantity = r.required_decimal(node, quantity_path, "BT-129", quantity_what)
        line = (SubInvoiceLine if sub else InvoiceLine)(
            id=line_id,
            note="\n".join(r.texts(document, "ram:IncludedNote/ram:Content")) or None,
            object_id=self._object_id(settlement),
            quantity=quantity,
            unit_code=node_text(quantity_node.get("unitCode")) if quantity_node is not None else None,
            net_amount=r.required_decimal(
                settlement, f"{v.line_monetary}/ram:LineTotalAmount", "BT-131", f"Nettobetrag der Position {line_id}"
            ),
            order_line_reference=r.text(agreement, "ram:BuyerOrderReferencedDocument/ram:LineID"),
            buyer_accounting_reference=r.text(settlement, "ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID"),
            period=self._period(r.first(settlement, "ram:BillingSpecifiedPeriod"), "BT-134", "BT-135"),
            allowances_charges=[
                self._allowance_charge(ac, document_level=False)
                for ac in r.all(settlement, "ram:SpecifiedTradeAllowanceCharge")
            ],
            price=self._price(agreement, line_id, required=not sub),
            vat=LineVat(
                category_code=r.text(settlement, "ram:ApplicableTradeTax/ram:CategoryCode"),
                rate=r.decimal(settlement, f"ram:ApplicableTradeTax/{v.rate}", "BT-152", "Umsatzsteuersatz der Position"),
            ),
            item=self._item(self._part(node, "ram:SpecifiedTradeProduct")),
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
