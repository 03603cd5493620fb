"""SAP IDoc INVOIC02 as XML, one file per invoice, for SAP's inbound invoice processing.

Segments in the order of the basic type: EDI_DC40 control record, E1EDK01 header, E1EDK14
organisational data (QUALF 011 company code), E1EDKA1 partners, E1EDK02 references, E1EDK03 dates, E1EDK04 taxes, E1EDK18 payment terms,
E1EDKT1 texts, E1EDP01 items (E1EDP19, E1EDP26, E1EDP04), E1EDS01 totals.

Qualifiers used (SAP's standard values):
- E1EDK01 BSART: INVO invoice, CRME credit memo. Amounts stay positive as in the invoice;
  the credit memo is told by BSART (as SAP's inbound processing expects).
- E1EDKA1 PARVW: RS invoicing party (the seller; PARTN = creditor number), RE bill-to party
  (the city). VAT ids travel in E1EDK01: EIGENUINR (seller), KUNDEUINR (buyer).
- E1EDK02 QUALF: 009 invoice number, 001 purchase order number (BT-13), 004 contract (BT-12).
- E1EDK03 IDDAT: 012 document date (BT-2), 028 due date (approval or BT-9), 011 date of
  delivery/service (BT-72). Configurable with `date_qualifiers`.
- E1EDK18 QUALF: 001, 002 … one per Skonto (TAGE, PRZNT), 003 net payment term (TAGE to the due date).
- E1EDP19 QUALF: 002 seller's item id (BT-155) with KTEXT = item name, 001 buyer's item id, 003 EAN/GTIN.
- E1EDP26 QUALF: 003 net line amount (BT-131).
- E1EDS01 SUMID: 010 total without VAT (BT-109), 005 VAT total (BT-110), 011 total with VAT (BT-112),
  012 amount due (BT-115).
- E1EDKT1 TDID `assignment_text_id` (default ZKON): the account assignment, one line per booking,
  "Sachkonto;Kostenstelle;Produkt;Steuersatz;Netto;USt;Brutto", and who ordered payment.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field

from exporters.allocation import allocate, postings, vat_groups, vat_key
from exporters.base import ExportFile, ExportItem, load_params
from exporters.payment import due_date, skonto_offers
from exporters.text import amount, file_part, local_time, one_line, stamp

FORMAT = "sap_idoc"


class IdocParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sender_port: str = Field("REDI", max_length=10)  # SNDPOR
    sender_partner_type: str = Field("LS", max_length=2)  # SNDPRT
    sender_partner: str = Field("RECHNLAUF", max_length=10)  # SNDPRN
    receiver_port: str = Field("SAP", max_length=10)  # RCVPOR, e.g. SAPPRD
    receiver_partner_type: str = Field("LS", max_length=2)  # RCVPRT
    receiver_partner: str = Field(max_length=10)  # RCVPRN, the logical system of the city's SAP
    client: str = Field("", pattern=r"^([0-9]{3})?$")  # MANDT
    company_code: str = Field("", max_length=4)  # Buchungskreis, E1EDK14 QUALF 011
    message_code: str = Field("", max_length=3)  # MESCOD, e.g. MM or FI
    tax_code: str = Field("VAT", max_length=7)  # MWSKZ
    assignment_text_id: str = Field("ZKON", max_length=4)
    doc_date_qualifier: str = Field("012", pattern=r"^[0-9]{3}$")
    due_date_qualifier: str = Field("028", pattern=r"^[0-9]{3}$")
    delivery_date_qualifier: str = Field("011", pattern=r"^[0-9]{3}$")
    file_prefix: str = Field("INVOIC02", pattern=r"^[A-Za-z0-9_-]{1,40}$")


def _sub(parent: etree._Element, tag: str, fields: list[tuple[str, str | None]]) -> etree._Element:
    segment = etree.SubElement(parent, tag, SEGMENT="1")
    for name, value in fields:
        if value not in (None, ""):
            etree.SubElement(segment, name).text = value
    return segment


def _date(value: date | None) -> str | None:
    return value.strftime("%Y%m%d") if value else None


def _rate(value) -> str:
    return f"{value:f}"


def _control(idoc: etree._Element, item: ExportItem, p: IdocParams, created_at: datetime) -> None:
    local = local_time(created_at)
    dc = etree.SubElement(idoc, "EDI_DC40", SEGMENT="1")
    for name, value in [
        ("TABNAM", "EDI_DC40"), ("MANDT", p.client), ("DOCNUM", f"{item.invoice_id:016d}"),
        ("DIRECT", "2"), ("IDOCTYP", "INVOIC02"), ("MESTYP", "INVOIC"), ("MESCOD", p.message_code),
        ("SNDPOR", p.sender_port), ("SNDPRT", p.sender_partner_type), ("SNDPRN", p.sender_partner),
        ("RCVPOR", p.receiver_port), ("RCVPRT", p.receiver_partner_type), ("RCVPRN", p.receiver_partner),
        ("CREDAT", local.strftime("%Y%m%d")), ("CRETIM", local.strftime("%H%M%S")),
        ("SERIAL", local.strftime("%Y%m%d%H%M%S")),
    ]:
        if value:
            etree.SubElement(dc, name).text = value


def _partner(idoc, role: str, number: str | None, party, address) -> None:
    name = party.name or ""
    _sub(idoc, "E1EDKA1", [
        ("PARVW", role), ("PARTN", number),
        ("NAME1", name[:35]), ("NAME2", name[35:70]),
        ("STRAS", address.line1 if address else None), ("STRS2", address.line2 if address else None),
        ("ORT01", address.city if address else None), ("PSTLZ", address.postal_code if address else None),
        ("LAND1", address.country_code if address else None),
    ])


def _header(idoc, item: ExportItem, p: IdocParams) -> None:
    inv, approval = item.invoice, item.approval
    _sub(idoc, "E1EDK01", [
        ("CURCY", inv.currency), ("KUNDEUINR", inv.buyer.vat_id), ("EIGENUINR", inv.seller.vat_id),
        ("BSART", "CRME" if inv.is_credit_note else "INVO"), ("BELNR", inv.number),
    ])
    if p.company_code:
        _sub(idoc, "E1EDK14", [("QUALF", "011"), ("ORGID", p.company_code)])
    _partner(idoc, "RS", approval.creditor_number, inv.seller, inv.seller.address)
    _partner(idoc, "RE", inv.buyer_reference, inv.buyer, inv.buyer.address)
    _sub(idoc, "E1EDK02", [("QUALF", "009"), ("BELNR", inv.number), ("DATUM", _date(inv.issue_date))])
    if inv.purchase_order_reference:
        _sub(idoc, "E1EDK02", [("QUALF", "001"), ("BELNR", inv.purchase_order_reference)])
    if inv.contract_reference:
        _sub(idoc, "E1EDK02", [("QUALF", "004"), ("BELNR", inv.contract_reference)])
    _sub(idoc, "E1EDK03", [("IDDAT", p.doc_date_qualifier), ("DATUM", _date(inv.issue_date))])
    due = due_date(item)
    if due:
        _sub(idoc, "E1EDK03", [("IDDAT", p.due_date_qualifier), ("DATUM", _date(due))])
    if inv.delivery and inv.delivery.actual_delivery_date:
        _sub(idoc, "E1EDK03", [("IDDAT", p.delivery_date_qualifier), ("DATUM", _date(inv.delivery.actual_delivery_date))])
    for (category, rate), (taxable, tax) in vat_groups(inv).items():
        _sub(idoc, "E1EDK04", [("MWSKZ", p.tax_code), ("MSATZ", _rate(rate)), ("MWSBT", amount(tax)),
                               ("KTEXT", f"USt {category} {_rate(rate)} %"), ("SKBTR", amount(taxable))])
    for n, offer in enumerate(skonto_offers(item)[:2], start=1):
        _sub(idoc, "E1EDK18", [("QUALF", f"{n:03d}"), ("TAGE", str(offer.days) if offer.days is not None else None),
                               ("PRZNT", _rate(offer.percent) if offer.percent is not None else None),
                               ("ZTERM_TXT", f"Skonto {amount(offer.amount)} bis {offer.deadline:%d.%m.%Y}")])
    if due:
        _sub(idoc, "E1EDK18", [("QUALF", "003"), ("TAGE", str(max(0, (due - inv.issue_date).days))),
                               ("ZTERM_TXT", f"netto bis {due:%d.%m.%Y}")])


def _texts(idoc, item: ExportItem, p: IdocParams) -> None:
    text = _sub(idoc, "E1EDKT1", [("TDID", p.assignment_text_id), ("TSSPRAS", "D"), ("TSSPRAS_ISO", "DE")])
    for part in postings(item):
        a = part.assignment
        line = ";".join([a.gl_account, a.cost_center or "", a.product or "", _rate(part.vat_rate),
                         amount(part.net), amount(part.vat), amount(part.gross)])
        _sub(text, "E1EDKT2", [("TDLINE", line[:70]), ("TDFORMAT", "*")])
    order = item.approval.payment_order
    if order is not None:
        who = one_line(f"Angeordnet von {order.display_name or order.user} am {order.at:%d.%m.%Y}")
        _sub(text, "E1EDKT2", [("TDLINE", who[:70]), ("TDFORMAT", "*")])


def _items(idoc, item: ExportItem, p: IdocParams) -> None:
    inv = item.invoice
    # each VAT group's tax shared over its lines, so the items' taxes add up to the header's
    line_tax: dict[str, str] = {}
    for key, (_taxable, tax) in vat_groups(inv).items():
        members = [line for line in inv.lines if vat_key(line.vat.category_code, line.vat.rate) == key]
        if members:
            for line, part in zip(members, allocate(tax, [line.net_amount for line in members])):
                line_tax[line.id] = amount(part)
    for line in inv.lines:
        name = one_line(line.item.name or line.item.description)
        price = line.price
        segment = _sub(idoc, "E1EDP01", [
            ("POSEX", line.id[:6]), ("MENGE", f"{line.quantity:f}"), ("MENEE", line.unit_code),
            ("VPREI", f"{price.net_price:f}"), ("PEINH", f"{price.base_quantity:f}" if price.base_quantity else None),
            ("NETWR", amount(line.net_amount)),
        ])
        _sub(segment, "E1EDP19", [("QUALF", "002"), ("IDTNR", line.item.seller_id), ("KTEXT", name[:70])])
        if line.item.buyer_id:
            _sub(segment, "E1EDP19", [("QUALF", "001"), ("IDTNR", line.item.buyer_id)])
        if line.item.standard_id:
            _sub(segment, "E1EDP19", [("QUALF", "003"), ("IDTNR", line.item.standard_id.value)])
        _sub(segment, "E1EDP26", [("QUALF", "003"), ("BETRG", amount(line.net_amount))])
        _sub(segment, "E1EDP04", [("MWSKZ", p.tax_code), ("MSATZ", _rate((line.vat.rate or 0))),
                                  ("MWSBT", line_tax.get(line.id))])


def _totals(idoc, item: ExportItem) -> None:
    t, currency = item.invoice.totals, item.invoice.currency
    for sumid, value in [("010", t.tax_exclusive), ("005", t.tax_total or 0), ("011", t.tax_inclusive),
                         ("012", t.amount_due)]:
        _sub(idoc, "E1EDS01", [("SUMID", sumid), ("SUMME", amount(value)), ("SUNIT", currency)])


def render_idoc(item: ExportItem, p: IdocParams, created_at: datetime) -> bytes:
    root = etree.Element("INVOIC02")
    idoc = etree.SubElement(root, "IDOC", BEGIN="1")
    _control(idoc, item, p, created_at)
    _header(idoc, item, p)
    _texts(idoc, item, p)
    _items(idoc, item, p)
    _totals(idoc, item)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class IdocExporter:
    format = FORMAT

    def render(self, items: list[ExportItem], params: Mapping[str, Any], *, created_at: datetime) -> list[ExportFile]:
        p = load_params(IdocParams, params, "SAP IDoc")
        return [
            ExportFile(
                name=f"{p.file_prefix}_{file_part(item.approval.city)}_{stamp(created_at)}_{item.invoice_id}.xml",
                content=render_idoc(item, p, created_at),
                invoice_ids=(item.invoice_id,),
            )
            for item in items
        ]
