"""Builders for the model groups both syntaxes share in shape; each takes the syntax's field table."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.invoice import AllowanceCharge, Attachment, Classification, Element, Item, ItemAttribute
from parsers.build import optional
from parsers.fields import Read, read_fields
from parsers.reader import Reader, invalid, node_text, to_bytes


def group(cls: type[Element], r: Reader, node, table: dict[str, Read]) -> Element | None:
    """An optional group (address, contact, period …): None when the node or all its values are absent."""
    if node is None:
        return None
    return optional(cls, **read_fields(r, node, table))


@dataclass(frozen=True)
class ItemPaths:
    fields: dict[str, Read]  # BT-153 … BT-159
    classification: str  # BT-158 code element (attributes listID, listVersionID)
    attribute: str  # BG-32 element
    attribute_name: str  # BT-160 inside it
    attribute_value: str  # BT-161 inside it


def item(r: Reader, node, paths: ItemPaths) -> Item:
    if node is None:
        return Item()
    return Item(
        **read_fields(r, node, paths.fields),
        classifications=[
            Classification(
                code=node_text(code),
                list_id=node_text(code.get("listID")),
                list_version=node_text(code.get("listVersionID")),
            )
            for code in r.all(node, paths.classification)
            if node_text(code) is not None
        ],
        attributes=[
            ItemAttribute(
                name=r.required_text(prop, paths.attribute_name, "BT-160", "Name der Artikeleigenschaft"),
                value=r.required_text(prop, paths.attribute_value, "BT-161", "Wert der Artikeleigenschaft"),
            )
            for prop in r.all(node, paths.attribute)
        ],
    )


_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}  # xsd:boolean


@dataclass(frozen=True)
class AllowanceChargePaths:
    indicator: str  # "true" for a charge
    fields: dict[str, Read]  # amount, base amount, percentage, reason, reason code
    document_fields: dict[str, Read]  # BT-95/BT-96, BT-102/BT-103: VAT category, only on document level


def allowance_charge(r: Reader, node, paths: AllowanceChargePaths, *, document_level: bool) -> AllowanceCharge:
    indicator = r.required_text(node, paths.indicator, "BG-20/BG-21", "Kennzeichen Zu- oder Abschlag")
    is_charge = _BOOLEANS.get(indicator.lower())
    if is_charge is None:
        raise invalid("BG-20/BG-21", "Kennzeichen Zu- oder Abschlag, true oder false", indicator)
    values = read_fields(r, node, paths.fields)
    if document_level:
        values.update(read_fields(r, node, paths.document_fields))
    return AllowanceCharge(is_charge=is_charge, **values)


def attachment(r: Reader, node, fields: dict[str, Read], binary_path: str) -> Attachment:
    """BG-24 with its embedded file decoded from base64 (BT-125)."""
    binary = r.first(node, binary_path)
    return Attachment(
        **read_fields(r, node, fields),
        content=to_bytes(node_text(binary), "BT-125") if binary is not None else None,
        mime_code=node_text(binary.get("mimeCode")) if binary is not None else None,
        filename=node_text(binary.get("filename")) if binary is not None else None,
    )


def tax_totals(r: Reader, nodes: list, currency: str, tax_currency: str | None) -> tuple[Decimal | None, Decimal | None]:
    """(BT-110, BT-111): the VAT total in invoice currency and, when BT-6 differs, in tax currency."""
    in_invoice_currency = in_tax_currency = None
    for node in nodes:
        value = r.decimal(node, ".", "BT-110/BT-111", "Umsatzsteuergesamtbetrag")
        if tax_currency and tax_currency != currency and node.get("currencyID") == tax_currency:
            in_tax_currency = value
        elif in_invoice_currency is None:
            in_invoice_currency = value
    return in_invoice_currency, in_tax_currency


def quantity_and_unit(r: Reader, node, path: str, line_id: str, *, required: bool) -> tuple[Decimal | None, str | None]:
    """BT-129 and BT-130 of a line; optional on sub-lines (BG-DEX-01)."""
    what = f"Menge der Position {line_id}"
    value = r.required_decimal(node, path, "BT-129", what) if required else r.decimal(node, path, "BT-129", what)
    element = r.first(node, path)
    return value, node_text(element.get("unitCode")) if element is not None else None
