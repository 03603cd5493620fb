"""Invoices the shared test data lacks, built here: Factur-X in every profile (with drafthorse),
ZUGFeRD 1.0, and PDFs with good, broken or no embedded XML (with factur-x and pypdf)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

from drafthorse.models.accounting import ApplicableTradeTax
from drafthorse.models.document import Document
from drafthorse.models.note import IncludedNote
from drafthorse.models.party import TaxRegistration
from drafthorse.models.payment import PaymentTerms
from drafthorse.models.tradelines import LineItem
from facturx import generate_from_binary
from pypdf import PdfWriter
from pypdf.generic import StreamObject

# guideline id (BT-24) -> drafthorse schema name
PROFILES = {
    "urn:factur-x.eu:1p0:minimum": "FACTUR-X_MINIMUM",
    "urn:factur-x.eu:1p0:basicwl": "FACTUR-X_BASIC-WL",
    "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic": "FACTUR-X_BASIC",
    "urn:cen.eu:en16931:2017": "FACTUR-X_EN16931",
    "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended": "FACTUR-X_EXTENDED",
    "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0": "FACTUR-X_EN16931",
}
WITHOUT_LINES = {"urn:factur-x.eu:1p0:minimum", "urn:factur-x.eu:1p0:basicwl"}


def factur_x(profile: str, *, type_code: str = "380") -> bytes:
    """A small valid CII invoice (two lines unless the profile has none) in the given profile."""
    with_lines = profile not in WITHOUT_LINES
    doc = Document()
    doc.context.guideline_parameter.id = profile
    doc.header.id = "RE-2024-0815"
    doc.header.type_code = type_code
    doc.header.issue_date_time = date(2024, 11, 15)
    if profile not in ("urn:factur-x.eu:1p0:minimum",):
        note = IncludedNote()
        note.content = "Vielen Dank für Ihren Auftrag."
        note.subject_code = "AAI"
        doc.header.notes.add(note)
    agreement = doc.trade.agreement
    agreement.buyer_reference = "08115028-A8700-46"
    agreement.seller.name = "Lieferant GmbH"
    agreement.seller.address.country_id = "DE"
    agreement.seller.tax_registrations.add(TaxRegistration(id=("VA", "DE123456789")))
    agreement.buyer.name = "Stadt Rastatt"
    settlement = doc.trade.settlement
    settlement.currency_code = "EUR"
    if profile not in ("urn:factur-x.eu:1p0:minimum",):
        agreement.seller.address.city_name = "Karlsruhe"
        agreement.seller.address.postcode = "76131"
        agreement.seller.address.line_one = "Kaiserstraße 1"
        agreement.buyer.address.country_id = "DE"
        agreement.buyer.address.city_name = "Rastatt"
        terms = PaymentTerms()
        terms.description = "#SKONTO#TAGE=14#PROZENT=2.00#\nZahlbar binnen 30 Tagen."
        terms.due = date(2024, 12, 15)
        settlement.terms.add(terms)
        tax = ApplicableTradeTax()
        tax.calculated_amount = Decimal("57.00")
        tax.basis_amount = Decimal("300.00")
        tax.type_code = "VAT"
        tax.category_code = "S"
        tax.rate_applicable_percent = Decimal("19.00")
        settlement.trade_tax.add(tax)
        settlement.monetary_summation.line_total = Decimal("300.00")
        settlement.monetary_summation.charge_total = Decimal("0.00")
        settlement.monetary_summation.allowance_total = Decimal("0.00")
    if with_lines:
        for line_id, name, quantity, price in (("1", "Beratung", "2.0000", "100.00"), ("2", "Reisezeit", "1.0000", "100.00")):
            item = LineItem()
            item.document.line_id = line_id
            item.product.name = name
            item.agreement.net.amount = Decimal(price)
            item.delivery.billed_quantity = (Decimal(quantity), "HUR")
            item.settlement.trade_tax.type_code = "VAT"
            item.settlement.trade_tax.category_code = "S"
            item.settlement.trade_tax.rate_applicable_percent = Decimal("19.00")
            item.settlement.monetary_summation.total_amount = Decimal(quantity) * Decimal(price)
            doc.trade.items.add(item)
    settlement.monetary_summation.tax_basis_total = Decimal("300.00")
    settlement.monetary_summation.tax_total = (Decimal("57.00"), "EUR")
    settlement.monetary_summation.grand_total = Decimal("357.00")
    settlement.monetary_summation.due_amount = Decimal("357.00")
    return doc.serialize(schema=PROFILES[profile])


ZUGFERD1_COMFORT = """<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
    xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">
  <rsm:SpecifiedExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter>
      <ram:ID>urn:ferd:CrossIndustryDocument:invoice:1p0:comfort</ram:ID>
    </ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:SpecifiedExchangedDocumentContext>
  <rsm:HeaderExchangedDocument>
    <ram:ID>ZF1-4711</ram:ID>
    <ram:Name>RECHNUNG</ram:Name>
    <ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20130305</udt:DateTimeString></ram:IssueDateTime>
    <ram:IncludedNote><ram:Content>Rechnung gemäß Bestellung vom 01.03.2013.</ram:Content></ram:IncludedNote>
  </rsm:HeaderExchangedDocument>
  <rsm:SpecifiedSupplyChainTradeTransaction>
    <ram:ApplicableSupplyChainTradeAgreement>
      <ram:BuyerReference>08115028-A8700-46</ram:BuyerReference>
      <ram:SellerTradeParty>
        <ram:GlobalID schemeID="0088">4000001123452</ram:GlobalID>
        <ram:Name>Lieferant GmbH</ram:Name>
        <ram:PostalTradeAddress>
          <ram:PostcodeCode>80333</ram:PostcodeCode>
          <ram:LineOne>Lieferantenstraße 20</ram:LineOne>
          <ram:CityName>München</ram:CityName>
          <ram:CountryID>DE</ram:CountryID>
        </ram:PostalTradeAddress>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">201/113/40209</ram:ID></ram:SpecifiedTaxRegistration>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE123456789</ram:ID></ram:SpecifiedTaxRegistration>
      </ram:SellerTradeParty>
      <ram:BuyerTradeParty>
        <ram:ID>GE2020211</ram:ID>
        <ram:Name>Kunden AG Mitte</ram:Name>
        <ram:PostalTradeAddress>
          <ram:PostcodeCode>69876</ram:PostcodeCode>
          <ram:LineOne>Hans Muster</ram:LineOne>
          <ram:CityName>Frankfurt</ram:CityName>
          <ram:CountryID>DE</ram:CountryID>
        </ram:PostalTradeAddress>
      </ram:BuyerTradeParty>
      <ram:BuyerOrderReferencedDocument><ram:ID>B-2013-17</ram:ID></ram:BuyerOrderReferencedDocument>
    </ram:ApplicableSupplyChainTradeAgreement>
    <ram:ApplicableSupplyChainTradeDelivery>
      <ram:ActualDeliverySupplyChainEvent>
        <ram:OccurrenceDateTime><udt:DateTimeString format="102">20130305</udt:DateTimeString></ram:OccurrenceDateTime>
      </ram:ActualDeliverySupplyChainEvent>
      <ram:DeliveryNoteReferencedDocument><ram:ID>LS-0815</ram:ID></ram:DeliveryNoteReferencedDocument>
    </ram:ApplicableSupplyChainTradeDelivery>
    <ram:ApplicableSupplyChainTradeSettlement>
      <ram:PaymentReference>ZF1-4711</ram:PaymentReference>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementPaymentMeans>
        <ram:TypeCode>58</ram:TypeCode>
        <ram:Information>Überweisung</ram:Information>
        <ram:PayeePartyCreditorFinancialAccount>
          <ram:IBANID>DE08700901001234567890</ram:IBANID>
          <ram:AccountName>Lieferant GmbH</ram:AccountName>
        </ram:PayeePartyCreditorFinancialAccount>
        <ram:PayeeSpecifiedCreditorFinancialInstitution><ram:BICID>GENODEF1M04</ram:BICID></ram:PayeeSpecifiedCreditorFinancialInstitution>
      </ram:SpecifiedTradeSettlementPaymentMeans>
      <ram:ApplicableTradeTax>
        <ram:CalculatedAmount currencyID="EUR">37.62</ram:CalculatedAmount>
        <ram:TypeCode>VAT</ram:TypeCode>
        <ram:BasisAmount currencyID="EUR">198.00</ram:BasisAmount>
        <ram:CategoryCode>S</ram:CategoryCode>
        <ram:ApplicablePercent>19.00</ram:ApplicablePercent>
      </ram:ApplicableTradeTax>
      <ram:SpecifiedTradeAllowanceCharge>
        <ram:ChargeIndicator><udt:Indicator>false</udt:Indicator></ram:ChargeIndicator>
        <ram:BasisAmount currencyID="EUR">200.00</ram:BasisAmount>
        <ram:ActualAmount currencyID="EUR">2.00</ram:ActualAmount>
        <ram:Reason>Sondernachlass</ram:Reason>
        <ram:CategoryTradeTax>
          <ram:TypeCode>VAT</ram:TypeCode>
          <ram:CategoryCode>S</ram:CategoryCode>
          <ram:ApplicablePercent>19.00</ram:ApplicablePercent>
        </ram:CategoryTradeTax>
      </ram:SpecifiedTradeAllowanceCharge>
      <ram:SpecifiedTradePaymentTerms>
        <ram:Description>Zahlbar innerhalb 30 Tagen netto bis 04.04.2013</ram:Description>
        <ram:DueDateDateTime><udt:DateTimeString format="102">20130404</udt:DateTimeString></ram:DueDateDateTime>
      </ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradeSettlementMonetarySummation>
        <ram:LineTotalAmount currencyID="EUR">200.00</ram:LineTotalAmount>
        <ram:ChargeTotalAmount currencyID="EUR">0.00</ram:ChargeTotalAmount>
        <ram:AllowanceTotalAmount currencyID="EUR">2.00</ram:AllowanceTotalAmount>
        <ram:TaxBasisTotalAmount currencyID="EUR">198.00</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">37.62</ram:TaxTotalAmount>
        <ram:GrandTotalAmount currencyID="EUR">235.62</ram:GrandTotalAmount>
        <ram:TotalPrepaidAmount currencyID="EUR">0.00</ram:TotalPrepaidAmount>
        <ram:DuePayableAmount currencyID="EUR">235.62</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementMonetarySummation>
    </ram:ApplicableSupplyChainTradeSettlement>
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
      <ram:SpecifiedSupplyChainTradeAgreement>
        <ram:GrossPriceProductTradePrice>
          <ram:ChargeAmount currencyID="EUR">10.0000</ram:ChargeAmount>
        </ram:GrossPriceProductTradePrice>
        <ram:NetPriceProductTradePrice>
          <ram:ChargeAmount currencyID="EUR">10.0000</ram:ChargeAmount>
          <ram:BasisQuantity unitCode="C62">1.0000</ram:BasisQuantity>
        </ram:NetPriceProductTradePrice>
      </ram:SpecifiedSupplyChainTradeAgreement>
      <ram:SpecifiedSupplyChainTradeDelivery>
        <ram:BilledQuantity unitCode="C62">20.0000</ram:BilledQuantity>
      </ram:SpecifiedSupplyChainTradeDelivery>
      <ram:SpecifiedSupplyChainTradeSettlement>
        <ram:ApplicableTradeTax>
          <ram:TypeCode>VAT</ram:TypeCode>
          <ram:CategoryCode>S</ram:CategoryCode>
          <ram:ApplicablePercent>19.00</ram:ApplicablePercent>
        </ram:ApplicableTradeTax>
        <ram:SpecifiedTradeSettlementMonetarySummation>
          <ram:LineTotalAmount currencyID="EUR">200.00</ram:LineTotalAmount>
        </ram:SpecifiedTradeSettlementMonetarySummation>
      </ram:SpecifiedSupplyChainTradeSettlement>
      <ram:SpecifiedTradeProduct>
        <ram:GlobalID schemeID="0160">4012345001235</ram:GlobalID>
        <ram:SellerAssignedID>TB100A4</ram:SellerAssignedID>
        <ram:Name>Trennblätter A4</ram:Name>
      </ram:SpecifiedTradeProduct>
    </ram:IncludedSupplyChainTradeLineItem>
  </rsm:SpecifiedSupplyChainTradeTransaction>
</rsm:CrossIndustryDocument>
""".encode()


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_attachments(*attachments: tuple[str, bytes], compress: bool = False) -> bytes:
    """A one-page PDF carrying the given embedded files as they are (no checks), optionally deflated."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    for name, content in attachments:
        writer.add_attachment(name, content)
    if compress:
        for index, obj in enumerate(writer._objects):
            if isinstance(obj, StreamObject) and obj.get("/Type") == "/EmbeddedFile":
                writer._objects[index] = obj.flate_encode()
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def factur_x_pdf(xml: bytes) -> bytes:
    """A PDF/A-3 Factur-X built by the factur-x library (which checks the XML against its XSD)."""
    return generate_from_binary(blank_pdf(), xml, check_xsd=True)
