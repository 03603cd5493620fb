"""Write a demo invoice as XRechnung / Factur-X CII with drafthorse.

Covers the business terms the demo generator fills; it is not a general CII writer.
"""

from __future__ import annotations

from drafthorse.models.accounting import ApplicableTradeTax
from drafthorse.models.document import Document
from drafthorse.models.party import TaxRegistration
from drafthorse.models.payment import PaymentMeans, PaymentTerms
from drafthorse.models.tradelines import LineItem

from domain.invoice import Address, Invoice

FACTURX_EN16931 = "urn:cen.eu:en16931:2017"


def _address(target, address: Address) -> None:
    target.line_one = address.line1
    target.postcode = address.postal_code
    target.city_name = address.city
    target.country_id = address.country_code


def to_cii(invoice: Invoice, *, guideline: str | None = None) -> bytes:
    """CII bytes; `guideline` overrides BT-24 (e.g. the Factur-X EN16931 profile for a ZUGFeRD PDF)."""
    doc = Document()
    doc.context.business_parameter.id = invoice.business_process
    doc.context.guideline_parameter.id = guideline or invoice.specification_id
    doc.header.id = invoice.number
    doc.header.type_code = invoice.type_code
    doc.header.issue_date_time = invoice.issue_date

    agreement = doc.trade.agreement
    agreement.buyer_reference = invoice.buyer_reference
    seller = agreement.seller
    seller.name = invoice.seller.name
    seller.contact.person_name = invoice.seller.contact.name
    seller.contact.telephone.number = invoice.seller.contact.telephone
    seller.contact.email.address = invoice.seller.contact.email
    _address(seller.address, invoice.seller.address)
    seller.electronic_address.uri_ID = (invoice.seller.electronic_address.scheme_id,
                                        invoice.seller.electronic_address.value)
    seller.tax_registrations.add(TaxRegistration(id=("VA", invoice.seller.vat_id)))
    buyer = agreement.buyer
    buyer.name = invoice.buyer.name
    _address(buyer.address, invoice.buyer.address)
    buyer.electronic_address.uri_ID = (invoice.buyer.electronic_address.scheme_id,
                                       invoice.buyer.electronic_address.value)
    if invoice.purchase_order_reference:
        agreement.buyer_order.issuer_assigned_id = invoice.purchase_order_reference

    for line in invoice.lines:
        item = LineItem()
        item.document.line_id = line.id
        item.product.name = line.item.name
        item.agreement.net.amount = line.price.net_price
        item.delivery.billed_quantity = (line.quantity, line.unit_code)
        item.settlement.trade_tax.type_code = "VAT"
        item.settlement.trade_tax.category_code = line.vat.category_code
        item.settlement.trade_tax.rate_applicable_percent = line.vat.rate
        item.settlement.monetary_summation.total_amount = line.net_amount
        doc.trade.items.add(item)

    if invoice.delivery and invoice.delivery.actual_delivery_date:
        doc.trade.delivery.event.occurrence = invoice.delivery.actual_delivery_date
    settlement = doc.trade.settlement
    settlement.payment_reference = invoice.payment.remittance_information
    settlement.currency_code = invoice.currency
    for transfer in invoice.payment.credit_transfers:
        means = PaymentMeans()
        means.type_code = invoice.payment.means_code
        means.payee_account.iban = transfer.account_id
        means.payee_account.account_name = transfer.account_name
        settlement.payment_means.add(means)
    for vat in invoice.vat_breakdown:
        tax = ApplicableTradeTax()
        tax.calculated_amount = vat.tax_amount
        tax.type_code = "VAT"
        tax.basis_amount = vat.taxable_amount
        tax.category_code = vat.category_code
        tax.rate_applicable_percent = vat.rate
        settlement.trade_tax.add(tax)
    terms = PaymentTerms()
    terms.description = invoice.payment_terms
    terms.due = invoice.due_date
    settlement.terms.add(terms)

    totals = settlement.monetary_summation
    totals.line_total = invoice.totals.line_net_total
    totals.tax_basis_total = invoice.totals.tax_exclusive
    totals.tax_total = (invoice.totals.tax_total, invoice.currency)
    totals.grand_total = invoice.totals.tax_inclusive
    totals.due_amount = invoice.totals.amount_due
    return doc.serialize(schema="FACTUR-X_EXTENDED")
