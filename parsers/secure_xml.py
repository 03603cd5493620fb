"""Parse untrusted XML bytes with lxml, hardened against XXE and entity expansion.

No DTD is loaded, no entity is resolved, nothing is fetched from the network, and a
document type declaration is refused outright: an invoice never needs one, and refusing
it closes the door on XXE and "billion laughs" before libxml2 looks at the DTD.
"""

from __future__ import annotations

import codecs
import re
import threading

from lxml import etree

from parsers.errors import ParseError

# Byte-order marks, longest first so UTF-32 is not mistaken for UTF-16.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DOCTYPE = re.compile(r"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_FIRST_ELEMENT = re.compile(r"<[^?!]")
# Only the prolog can hold a DOCTYPE; a generous window keeps the scan cheap for large files.
_PROLOG_WINDOW = 64 * 1024


def _make_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        collect_ids=False,
    )


# lxml parser objects must not be used by two threads at once (web workers, Temporal activities)
_local = threading.local()


def _parser() -> etree.XMLParser:
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = _make_parser()
    return parser


def _doctype_forbidden(detail: str | None = None) -> ParseError:
    return ParseError(
        "parse.doctype_forbidden",
        "Das XML-Dokument enthält eine DOCTYPE-Deklaration; diese ist aus Sicherheitsgründen nicht erlaubt.",
        detail=detail,
    )


def _head_text(data: bytes) -> str:
    """The start of the document as text, good enough to look for '<' and '<!DOCTYPE'."""
    head = data[:_PROLOG_WINDOW]
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="ignore")
    # UTF-16 without BOM starts with "<\0" or "\0<"
    if head[:2] == b"<\x00":
        return head.decode("utf-16-le", errors="ignore")
    if head[:2] == b"\x00<":
        return head.decode("utf-16-be", errors="ignore")
    return head.decode("latin-1")


def parse_xml(data: bytes) -> etree._Element:
    """The root element of `data`, or a ParseError with a stable code and a German message."""
    if not data or data.isspace():
        raise ParseError("parse.empty", "Die Datei ist leer.")
    head = _head_text(data)
    if not head.lstrip().startswith("<"):
        raise ParseError("parse.not_xml", "Die Datei ist kein XML-Dokument.")
    first_element = _FIRST_ELEMENT.search(head)
    prolog = head[: first_element.start()] if first_element else head
    if _DOCTYPE.search(prolog):
        raise _doctype_forbidden()
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, data) from exc
    except (ValueError, LookupError) as exc:  # e.g. an encoding name Python does not know
        raise ParseError(
            "parse.encoding", "Die Zeichenkodierung des XML-Dokuments ist ungültig.", detail=str(exc)
        ) from exc
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise _doctype_forbidden()
    return root


_DECLARED_WIDE = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"'](utf-?16|utf-?32|ucs-?[24])", re.IGNORECASE)


def _declares_wide_encoding(data: bytes) -> bool:
    """An XML declaration in single-byte text that claims UTF-16/32: the bytes contradict it."""
    return bool(_DECLARED_WIDE.match(data[:200]))


def _syntax_error(exc: etree.XMLSyntaxError, data: bytes) -> ParseError:
    text = str(exc)
    lowered = text.lower()
    if "doctype" in lowered or "dtd" in lowered:
        return _doctype_forbidden(text)
    if "encoding" in lowered or "utf-8" in lowered or _declares_wide_encoding(data):
        return ParseError(
            "parse.encoding",
            "Die Zeichenkodierung des XML-Dokuments ist ungültig oder passt nicht zur Deklaration.",
            detail=text,
        )
    line = getattr(exc, "lineno", None)
    where = f" (Zeile {line})" if line else ""
    return ParseError(
        "parse.not_well_formed",
        f"Das XML-Dokument ist nicht wohlgeformt{where}.",
        detail=text,
    )
