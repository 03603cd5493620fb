"""Look at uploaded bytes: size, PDF or XML, which invoice syntax, which profile (BT-24)."""

from __future__ import annotations

import os

from lxml import etree

from parsers.document import Detected, Syntax
from parsers.errors import ParseError
from parsers.namespaces import (
    CII,
    CII_ROOT,
    UBL,
    UBL_CREDIT_NOTE_ROOT,
    UBL_INVOICE_ROOT,
    ZUGFERD1,
    ZUGFERD1_ROOT,
)
from parsers.pdf import extract_invoice_xml, is_pdf
from parsers.secure_xml import parse_xml

DEFAULT_MAX_SIZE = 20 * 1024 * 1024
MAX_SIZE_ENV = "RECHNUNGSLAUF_MAX_UPLOAD_BYTES"

_ROOTS = {
    UBL_INVOICE_ROOT: Syntax.UBL_INVOICE,
    UBL_CREDIT_NOTE_ROOT: Syntax.UBL_CREDIT_NOTE,
    CII_ROOT: Syntax.CII,
    ZUGFERD1_ROOT: Syntax.ZUGFERD1,
}

_PROFILE_PATHS = {
    Syntax.UBL_INVOICE: etree.XPath(
        "string(cbc:CustomizationID)",
        namespaces=UBL,
    ),
    Syntax.CII: etree.XPath(
        "string(rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID)",
        namespaces=CII,
    ),
    Syntax.ZUGFERD1: etree.XPath(
        "string(rsm:SpecifiedExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID)",
        namespaces=ZUGFERD1,
    ),
}
_PROFILE_PATHS[Syntax.UBL_CREDIT_NOTE] = _PROFILE_PATHS[Syntax.UBL_INVOICE]


def configured_max_size() -> int:
    """The upload limit in bytes: RECHNUNGSLAUF_MAX_UPLOAD_BYTES, else 20 MB."""
    raw = os.environ.get(MAX_SIZE_ENV, "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    return DEFAULT_MAX_SIZE


def check_size(data: bytes, max_size: int | None = None) -> None:
    limit = configured_max_size() if max_size is None else max_size
    if len(data) > limit:
        raise ParseError(
            "parse.too_large",
            f"Die Datei ist zu groß ({len(data)} Bytes); erlaubt sind höchstens {limit} Bytes.",
        )


def syntax_of(root: etree._Element) -> Syntax:
    syntax = _ROOTS.get(root.tag) if isinstance(root.tag, str) else None
    if syntax is None:
        qname = etree.QName(root) if isinstance(root.tag, str) else None
        shown = f"{{{qname.namespace}}}{qname.localname}" if qname and qname.namespace else str(root.tag)
        raise ParseError(
            "parse.unsupported_root",
            "Das XML-Dokument ist keine Rechnung in einem unterstützten Format "
            f"(UBL Invoice/CreditNote, CII, ZUGFeRD, Factur-X); Wurzelelement: {shown}.",
        )
    return syntax


def profile_of(syntax: Syntax, root: etree._Element) -> str | None:
    path = _PROFILE_PATHS.get(syntax)
    value = path(root).strip() if path is not None else ""
    return value or None


def detect(data: bytes, *, max_size: int | None = None) -> Detected:
    """Classify `data` (XML or PDF/A-3 with embedded invoice) without mapping it to the model."""
    check_size(data, max_size)
    if not data or data.isspace():
        raise ParseError("parse.empty", "Die Datei ist leer.")
    pdf: bytes | None = None
    embedded: str | None = None
    xml = data
    if is_pdf(data):
        pdf = data
        embedded, xml = extract_invoice_xml(data)
        check_size(xml, max_size)
    try:
        root = parse_xml(xml)
    except ParseError as exc:
        if pdf is None or exc.code == "parse.doctype_forbidden":
            raise
        raise ParseError(
            "parse.embedded_xml_malformed",
            f"Die in die PDF-Datei eingebettete Rechnung '{embedded}' ist fehlerhaft: {exc.message}",
            detail=exc.detail or exc.code,
        ) from exc
    syntax = syntax_of(root)
    return Detected(
        syntax=syntax,
        profile=profile_of(syntax, root),
        xml=xml,
        root=root,
        pdf=pdf,
        embedded_filename=embedded,
    )
