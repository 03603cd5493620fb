"""Parsers: bytes in, EN 16931 model out.

`parse(data)` detects the syntax (UBL, CII, ZUGFeRD 1, PDF/A-3 with embedded XML), parses the
XML securely and maps it to `domain.Invoice`. `detect` and `map_invoice` are the two halves,
for callers (the validator) that look at the XML between them.
"""

from parsers.detect import DEFAULT_MAX_SIZE, detect
from parsers.document import Detected, ParsedDocument, Syntax
from parsers.errors import ParseError
from parsers.mapping import map_invoice
from parsers.secure_xml import parse_xml


def parse(data: bytes, *, max_size: int | None = None) -> ParsedDocument:
    """Detect and map `data`; raises ParseError with a stable code and a German message."""
    detected = detect(data, max_size=max_size)
    warnings: list[str] = []
    invoice = map_invoice(detected, warnings)
    return ParsedDocument(detected=detected, invoice=invoice, warnings=warnings)


__all__ = [
    "DEFAULT_MAX_SIZE",
    "Detected",
    "ParseError",
    "ParsedDocument",
    "Syntax",
    "detect",
    "map_invoice",
    "parse",
    "parse_xml",
]
