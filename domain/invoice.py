"""The EN 16931 semantic invoice model.

One model for every syntax (UBL, CII, ZUGFeRD 1, Factur-X): parsers fill it, validators,
exporters and the web read it. Field comments name the business term (BT) or group (BG) of
EN 16931-1; XRechnung extensions carry their BT-DEX/BG-DEX numbers. Amounts, rates and
quantities are `Decimal` exactly as written in the document; JSON carries them as strings.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from domain.terms import PaymentTermsDetail

CREDIT_NOTE_TYPE_CODES = frozenset({"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"})


class Element(BaseModel):
    model_config = ConfigDict(extra="forbid", ser_json_bytes="base64", val_json_bytes="base64")


class Identifier(Element):
    value: str
    scheme_id: str | None = None  # the "-1" scheme identifier of the term, e.g. BT-29-1, BT-34-1


class Address(Element):
    """BG-5 / BG-8 / BG-12 / BG-15 postal address."""

    line1: str | None = None  # BT-35 / BT-50 / BT-64 / BT-75
    line2: str | None = None  # BT-36 / BT-51 / BT-65 / BT-76
    line3: str | None = None  # BT-162 / BT-163 / BT-164 / BT-165
    city: str | None = None  # BT-37 / BT-52 / BT-66 / BT-77
    postal_code: str | None = None  # BT-38 / BT-53 / BT-67 / BT-78
    subdivision: str | None = None  # BT-39 / BT-54 / BT-68 / BT-79
    country_code: str | None = None  # BT-40 / BT-55 / BT-69 / BT-80


class Contact(Element):
    """BG-6 seller contact / BG-9 buyer contact."""

    name: str | None = None  # BT-41 / BT-56
    telephone: str | None = None  # BT-42 / BT-57
    email: str | None = None  # BT-43 / BT-58


class Seller(Element):
    """BG-4."""

    name: str | None = None  # BT-27
    trading_name: str | None = None  # BT-28
    identifiers: list[Identifier] = Field(default_factory=list)  # BT-29 (+ BT-29-1)
    legal_registration_id: Identifier | None = None  # BT-30 (+ BT-30-1)
    vat_id: str | None = None  # BT-31
    tax_registration_id: str | None = None  # BT-32 (Steuernummer)
    additional_legal_info: str | None = None  # BT-33
    electronic_address: Identifier | None = None  # BT-34 (+ BT-34-1)
    address: Address | None = None  # BG-5
    contact: Contact | None = None  # BG-6


class Buyer(Element):
    """BG-7."""

    name: str | None = None  # BT-44
    trading_name: str | None = None  # BT-45
    identifier: Identifier | None = None  # BT-46 (+ BT-46-1)
    legal_registration_id: Identifier | None = None  # BT-47 (+ BT-47-1)
    vat_id: str | None = None  # BT-48
    electronic_address: Identifier | None = None  # BT-49 (+ BT-49-1)
    address: Address | None = None  # BG-8
    contact: Contact | None = None  # BG-9


class Payee(Element):
    """BG-10, a payee other than the seller."""

    name: str | None = None  # BT-59
    identifier: Identifier | None = None  # BT-60 (+ BT-60-1)
    legal_registration_id: Identifier | None = None  # BT-61 (+ BT-61-1)


class TaxRepresentative(Element):
    """BG-11."""

    name: str | None = None  # BT-62
    vat_id: str | None = None  # BT-63
    address: Address | None = None  # BG-12


class Period(Element):
    """BG-14 invoicing period / BG-26 line period."""

    start_date: date | None = None  # BT-73 / BT-134
    end_date: date | None = None  # BT-74 / BT-135


class Delivery(Element):
    """BG-13."""

    party_name: str | None = None  # BT-70
    location_id: Identifier | None = None  # BT-71 (+ BT-71-1)
    actual_delivery_date: date | None = None  # BT-72
    address: Address | None = None  # BG-15


class CreditTransfer(Element):
    """BG-17."""

    account_id: str  # BT-84 (IBAN or proprietary id)
    account_name: str | None = None  # BT-85
    service_provider_id: str | None = None  # BT-86 (BIC)


class PaymentCard(Element):
    """BG-18."""

    primary_account_number: str  # BT-87 (at most the last 4-6 digits)
    holder_name: str | None = None  # BT-88


class DirectDebit(Element):
    """BG-19."""

    mandate_reference: str | None = None  # BT-89
    creditor_id: str | None = None  # BT-90 (bank assigned creditor identifier)
    debited_account_id: str | None = None  # BT-91


class PaymentInstructions(Element):
    """BG-16."""

    means_code: str | None = None  # BT-81 (UNTDID 4461)
    means_text: str | None = None  # BT-82
    remittance_information: str | None = None  # BT-83
    credit_transfers: list[CreditTransfer] = Field(default_factory=list)  # BG-17
    card: PaymentCard | None = None  # BG-18
    direct_debit: DirectDebit | None = None  # BG-19


class AllowanceCharge(Element):
    """BG-20 / BG-21 document level, BG-27 / BG-28 line level."""

    is_charge: bool  # ChargeIndicator: False = allowance (BG-20/27), True = charge (BG-21/28)
    amount: Decimal  # BT-92 / BT-99 / BT-136 / BT-141
    base_amount: Decimal | None = None  # BT-93 / BT-100 / BT-137 / BT-142
    percentage: Decimal | None = None  # BT-94 / BT-101 / BT-138 / BT-143
    tax_category_code: str | None = None  # BT-95 / BT-102 (document level only)
    tax_rate: Decimal | None = None  # BT-96 / BT-103 (document level only)
    reason: str | None = None  # BT-97 / BT-104 / BT-139 / BT-144
    reason_code: str | None = None  # BT-98 / BT-105 / BT-140 / BT-145


class DocumentTotals(Element):
    """BG-22."""

    line_net_total: Decimal  # BT-106
    allowance_total: Decimal | None = None  # BT-107
    charge_total: Decimal | None = None  # BT-108
    tax_exclusive: Decimal  # BT-109 (total without VAT)
    tax_total: Decimal | None = None  # BT-110 (in invoice currency)
    tax_total_in_tax_currency: Decimal | None = None  # BT-111
    tax_inclusive: Decimal  # BT-112 (total with VAT)
    prepaid: Decimal | None = None  # BT-113
    rounding: Decimal | None = None  # BT-114
    amount_due: Decimal  # BT-115


class VatBreakdown(Element):
    """BG-23."""

    taxable_amount: Decimal  # BT-116
    tax_amount: Decimal  # BT-117
    category_code: str  # BT-118 (UNCL 5305)
    rate: Decimal | None = None  # BT-119
    exemption_reason: str | None = None  # BT-120
    exemption_reason_code: str | None = None  # BT-121 (VATEX)


class ThirdPartyPayment(Element):
    """BG-DEX-09 third party payment (XRechnung extension): an amount collected for a third party,
    added to the amount due (BR-DEX-09: BT-115 = BT-112 - BT-113 + BT-114 + sum of BT-DEX-002)."""

    type_id: str | None = None  # BT-DEX-001
    amount: Decimal  # BT-DEX-002
    currency: str | None = None  # BT-DEX-002 currency (BR-DEX-14: must be BT-5)
    description: str | None = None  # BT-DEX-003


class PrecedingInvoice(Element):
    """BG-3."""

    number: str  # BT-25
    issue_date: date | None = None  # BT-26


class Note(Element):
    """BG-1."""

    text: str  # BT-22
    subject_code: str | None = None  # BT-21 (UNTDID 4451)


class Attachment(Element):
    """BG-24 additional supporting document."""

    id: str  # BT-122
    description: str | None = None  # BT-123
    external_uri: str | None = None  # BT-124
    content: bytes | None = None  # BT-125 (decoded from base64)
    mime_code: str | None = None  # BT-125-1
    filename: str | None = None  # BT-125-2


class Classification(Element):
    code: str  # BT-158
    list_id: str | None = None  # BT-158-1
    list_version: str | None = None  # BT-158-2


class ItemAttribute(Element):
    """BG-32."""

    name: str  # BT-160
    value: str  # BT-161


class Item(Element):
    """BG-31."""

    name: str | None = None  # BT-153
    description: str | None = None  # BT-154
    seller_id: str | None = None  # BT-155
    buyer_id: str | None = None  # BT-156
    standard_id: Identifier | None = None  # BT-157 (+ BT-157-1)
    classifications: list[Classification] = Field(default_factory=list)  # BT-158
    origin_country: str | None = None  # BT-159
    attributes: list[ItemAttribute] = Field(default_factory=list)  # BG-32


class Price(Element):
    """BG-29."""

    net_price: Decimal  # BT-146
    discount: Decimal | None = None  # BT-147 (gross minus net)
    gross_price: Decimal | None = None  # BT-148
    base_quantity: Decimal | None = None  # BT-149
    base_quantity_unit: str | None = None  # BT-150


class LineVat(Element):
    """BG-30."""

    category_code: str | None = None  # BT-151
    rate: Decimal | None = None  # BT-152


class InvoiceLine(Element):
    """BG-25 (and the XRechnung sub-line BG-DEX-01 in `sub_lines`)."""

    id: str  # BT-126
    note: str | None = None  # BT-127
    object_id: Identifier | None = None  # BT-128 (+ BT-128-1)
    quantity: Decimal  # BT-129
    unit_code: str | None = None  # BT-130 (UN/ECE Rec 20)
    net_amount: Decimal  # BT-131
    order_line_reference: str | None = None  # BT-132
    buyer_accounting_reference: str | None = None  # BT-133
    period: Period | None = None  # BG-26
    allowances_charges: list[AllowanceCharge] = Field(default_factory=list)  # BG-27 / BG-28
    price: Price  # BG-29
    vat: LineVat = Field(default_factory=LineVat)  # BG-30
    item: Item = Field(default_factory=Item)  # BG-31
    sub_lines: list[SubInvoiceLine] = Field(default_factory=list)  # BG-DEX-01


class SubInvoiceLine(InvoiceLine):
    """XRechnung sub-line (BG-DEX-01): a grouping sub-line may carry neither quantity nor price."""

    quantity: Decimal | None = None  # BT-129 (optional on sub-lines)
    price: Price | None = None  # BG-29 (optional on sub-lines)


InvoiceLine.model_rebuild()


class Invoice(Element):
    """The whole invoice (EN 16931-1, BT-1 … BT-165)."""

    number: str  # BT-1
    issue_date: date  # BT-2
    type_code: str  # BT-3 (UNTDID 1001: 380 invoice, 381 credit note, 384 corrected, 326 partial …)
    currency: str  # BT-5
    tax_currency: str | None = None  # BT-6
    tax_point_date: date | None = None  # BT-7
    tax_point_date_code: str | None = None  # BT-8 (UNTDID 2005)
    due_date: date | None = None  # BT-9
    buyer_reference: str | None = None  # BT-10 (Leitweg-ID in XRechnung)
    project_reference: str | None = None  # BT-11
    contract_reference: str | None = None  # BT-12
    purchase_order_reference: str | None = None  # BT-13
    sales_order_reference: str | None = None  # BT-14
    receiving_advice_reference: str | None = None  # BT-15
    despatch_advice_reference: str | None = None  # BT-16
    tender_or_lot_reference: str | None = None  # BT-17
    invoiced_object_id: Identifier | None = None  # BT-18 (+ BT-18-1)
    buyer_accounting_reference: str | None = None  # BT-19
    payment_terms: str | None = None  # BT-20, as written
    payment_terms_detail: PaymentTermsDetail | None = None  # BT-20 parsed (XRechnung Skonto syntax)
    notes: list[Note] = Field(default_factory=list)  # BG-1
    business_process: str | None = None  # BT-23
    specification_id: str | None = None  # BT-24
    preceding_invoices: list[PrecedingInvoice] = Field(default_factory=list)  # BG-3
    seller: Seller = Field(default_factory=Seller)  # BG-4
    buyer: Buyer = Field(default_factory=Buyer)  # BG-7
    payee: Payee | None = None  # BG-10
    tax_representative: TaxRepresentative | None = None  # BG-11
    delivery: Delivery | None = None  # BG-13
    invoicing_period: Period | None = None  # BG-14 (part of BG-13 in the semantic model; both syntaxes carry it apart)
    payment: PaymentInstructions | None = None  # BG-16
    allowances_charges: list[AllowanceCharge] = Field(default_factory=list)  # BG-20 / BG-21
    totals: DocumentTotals  # BG-22
    vat_breakdown: list[VatBreakdown] = Field(default_factory=list)  # BG-23
    attachments: list[Attachment] = Field(default_factory=list)  # BG-24
    third_party_payments: list[ThirdPartyPayment] = Field(default_factory=list)  # BG-DEX-09
    lines: list[InvoiceLine] = Field(default_factory=list)  # BG-25

    @property
    def is_credit_note(self) -> bool:
        return self.type_code in CREDIT_NOTE_TYPE_CODES

    @property
    def allowances(self) -> list[AllowanceCharge]:
        return [ac for ac in self.allowances_charges if not ac.is_charge]

    @property
    def charges(self) -> list[AllowanceCharge]:
        return [ac for ac in self.allowances_charges if ac.is_charge]
