"""Write a demo invoice as XRechnung UBL 2.1.

Covers the business terms the demo generator fills (parties, references, SEPA credit transfer,
payment terms, VAT breakdown, totals, lines); it is not a general UBL writer.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from domain.invoice import Address, Invoice

NS = {
    None: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CAC = "{%s}" % NS["cac"]
CBC = "{%s}" % NS["cbc"]


def _add(parent: etree._Element, tag: str, text: object | None = None, **attrs: str) -> etree._Element:
    prefix = CBC if text is not None else CAC
    element = etree.SubElement(parent, prefix + tag, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = str(text)
    return element


def _amount(parent: etree._Element, tag: str, value: Decimal, currency: str) -> None:
    _add(parent, tag, f"{value:.2f}", currencyID=currency)


def _address(parent: etree._Element, address: Address) -> None:
    postal = _add(parent, "PostalAddress")
    if address.line1:
        _add(postal, "StreetName", address.line1)
    _add(postal, "CityName", address.city)
    _add(postal, "PostalZone", address.postal_code)
    _add(_add(postal, "Country"), "IdentificationCode", address.country_code)


def _tax_scheme(parent: etree._Element) -> None:
    _add(_add(parent, "TaxScheme"), "ID", "VAT")


def to_ubl(invoice: Invoice) -> bytes:
    cur = invoice.currency
    root = etree.Element("Invoice", nsmap=NS)
    _add(root, "CustomizationID", invoice.specification_id)
    _add(root, "ProfileID", invoice.business_process)
    _add(root, "ID", invoice.number)
    _add(root, "IssueDate", invoice.issue_date.isoformat())
    if invoice.due_date:
        _add(root, "DueDate", invoice.due_date.isoformat())
    _add(root, "InvoiceTypeCode", invoice.type_code)
    _add(root, "DocumentCurrencyCode", cur)
    _add(root, "BuyerReference", invoice.buyer_reference)
    if invoice.purchase_order_reference:
        _add(_add(root, "OrderReference"), "ID", invoice.purchase_order_reference)

    seller = _add(_add(root, "AccountingSupplierParty"), "Party")
    _add(seller, "EndpointID", invoice.seller.electronic_address.value,
         schemeID=invoice.seller.electronic_address.scheme_id)
    _address(seller, invoice.seller.address)
    tax = _add(seller, "PartyTaxScheme")
    _add(tax, "CompanyID", invoice.seller.vat_id)
    _tax_scheme(tax)
    _add(_add(seller, "PartyLegalEntity"), "RegistrationName", invoice.seller.name)
    contact = _add(seller, "Contact")
    _add(contact, "Name", invoice.seller.contact.name)
    _add(contact, "Telephone", invoice.seller.contact.telephone)
    _add(contact, "ElectronicMail", invoice.seller.contact.email)

    buyer = _add(_add(root, "AccountingCustomerParty"), "Party")
    _add(buyer, "EndpointID", invoice.buyer.electronic_address.value,
         schemeID=invoice.buyer.electronic_address.scheme_id)
    _address(buyer, invoice.buyer.address)
    _add(_add(buyer, "PartyLegalEntity"), "RegistrationName", invoice.buyer.name)

    if invoice.delivery and invoice.delivery.actual_delivery_date:
        _add(_add(root, "Delivery"), "ActualDeliveryDate", invoice.delivery.actual_delivery_date.isoformat())
    means = _add(root, "PaymentMeans")
    _add(means, "PaymentMeansCode", invoice.payment.means_code)
    _add(means, "PaymentID", invoice.payment.remittance_information)
    for transfer in invoice.payment.credit_transfers:
        account = _add(means, "PayeeFinancialAccount")
        _add(account, "ID", transfer.account_id)
        _add(account, "Name", transfer.account_name)
    _add(_add(root, "PaymentTerms"), "Note", invoice.payment_terms)

    tax_total = _add(root, "TaxTotal")
    _amount(tax_total, "TaxAmount", invoice.totals.tax_total, cur)
    for vat in invoice.vat_breakdown:
        sub = _add(tax_total, "TaxSubtotal")
        _amount(sub, "TaxableAmount", vat.taxable_amount, cur)
        _amount(sub, "TaxAmount", vat.tax_amount, cur)
        category = _add(sub, "TaxCategory")
        _add(category, "ID", vat.category_code)
        _add(category, "Percent", vat.rate)
        _tax_scheme(category)

    totals = _add(root, "LegalMonetaryTotal")
    _amount(totals, "LineExtensionAmount", invoice.totals.line_net_total, cur)
    _amount(totals, "TaxExclusiveAmount", invoice.totals.tax_exclusive, cur)
    _amount(totals, "TaxInclusiveAmount", invoice.totals.tax_inclusive, cur)
    _amount(totals, "PayableAmount", invoice.totals.amount_due, cur)

    for line in invoice.lines:
        element = _add(root, "InvoiceLine")
        _add(element, "ID", line.id)
        _add(element, "InvoicedQuantity", line.quantity, unitCode=line.unit_code)
        _amount(element, "LineExtensionAmount", line.net_amount, cur)
        item = _add(element, "Item")
        _add(item, "Name", line.item.name)
        category = _add(item, "ClassifiedTaxCategory")
        _add(category, "ID", line.vat.category_code)
        _add(category, "Percent", line.vat.rate)
        _tax_scheme(category)
        _amount(_add(element, "Price"), "PriceAmount", line.price.net_price, cur)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
