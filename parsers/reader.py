"""Typed reads from an lxml tree, shared by every syntax mapper.

Each XPath is compiled once per namespace map and reused. Values are stripped of the
surrounding whitespace; empty elements count as absent. A value that is there but cannot be
read (a date or amount in the wrong form) is a ParseError naming the business term.
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from domain.invoice import Identifier
from parsers.errors import ParseError

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def missing(term: str, what: str) -> ParseError:
    return ParseError(
        "parse.missing_field",
        f"Pflichtangabe fehlt: {term} ({what}).",
    )


def invalid(term: str, what: str, value: str) -> ParseError:
    return ParseError(
        "parse.invalid_value",
        f"Ungültiger Wert für {term} ({what}): '{value[:80]}'.",
    )


def node_text(node) -> str | None:
    """Text of an element or an attribute/string XPath result, stripped; None when empty."""
    if node is None:
        return None
    if isinstance(node, str):
        value = str(node)
    elif len(node):
        value = "".join(node.itertext())
    else:
        value = node.text or ""
    value = value.strip()
    return value or None


def to_decimal(value: str | None, term: str, what: str) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise invalid(term, what, value) from None
    if not number.is_finite():
        raise invalid(term, what, value)
    return number


def to_date(value: str | None, term: str, what: str) -> date | None:
    """ISO `YYYY-MM-DD` (UBL) or format 102 `YYYYMMDD` (CII, ZUGFeRD)."""
    if value is None:
        return None
    match = _COMPACT_DATE.match(value) or _ISO_DATE.match(value)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    raise invalid(term, what, value)


def to_bytes(value: str | None, term: str) -> bytes | None:
    if value is None:
        return None
    try:
        return base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        raise invalid(term, "Base64-kodierter Anhang", value) from None


class Reader:
    """XPath reads relative to a context node, with one compiled expression per path."""

    def __init__(self, namespaces: dict[str, str]):
        self._namespaces = namespaces
        # compiled expressions per thread: an lxml XPath object is not meant for concurrent calls
        self._local = threading.local()

    def _xpath(self, path: str) -> etree.XPath:
        compiled_paths = getattr(self._local, "paths", None)
        if compiled_paths is None:
            compiled_paths = self._local.paths = {}
        compiled = compiled_paths.get(path)
        if compiled is None:
            compiled = compiled_paths[path] = etree.XPath(path, namespaces=self._namespaces)
        return compiled

    def all(self, node, path: str) -> list:
        return self._xpath(path)(node)

    def first(self, node, path: str):
        found = self._xpath(path)(node)
        return found[0] if found else None

    def text(self, node, path: str) -> str | None:
        for found in self._xpath(path)(node):
            value = node_text(found)
            if value is not None:
                return value
        return None

    def texts(self, node, path: str) -> list[str]:
        return [value for value in map(node_text, self._xpath(path)(node)) if value is not None]

    def required_text(self, node, path: str, term: str, what: str) -> str:
        value = self.text(node, path)
        if value is None:
            raise missing(term, what)
        return value

    def decimal(self, node, path: str, term: str, what: str) -> Decimal | None:
        return to_decimal(self.text(node, path), term, what)

    def required_decimal(self, node, path: str, term: str, what: str) -> Decimal:
        return to_decimal(self.required_text(node, path, term, what), term, what)

    def date(self, node, path: str, term: str, what: str) -> date | None:
        return to_date(self.text(node, path), term, what)

    def required_date(self, node, path: str, term: str, what: str) -> date:
        return to_date(self.required_text(node, path, term, what), term, what)

    def identifier(self, node, path: str, scheme: str = "@schemeID") -> Identifier | None:
        """An identifier with its scheme attribute (the BT-x-1 of BT-x)."""
        for found in self._xpath(path)(node):
            value = node_text(found)
            if value is not None:
                return Identifier(value=value, scheme_id=node_text(found.get(scheme.lstrip("@"))))
        return None

    def identifiers(self, node, path: str, scheme: str = "@schemeID") -> list[Identifier]:
        result = []
        for found in self._xpath(path)(node):
            value = node_text(found)
            if value is not None:
                result.append(Identifier(value=value, scheme_id=node_text(found.get(scheme.lstrip("@")))))
        return result
