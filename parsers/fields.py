"""Declarative field tables: which XPath fills which model field, read the same way for every syntax.

A mapper describes a group (address, contact, VAT breakdown …) as `{field: Read}` and lets
`read_fields` fill it; the shared group builders in `parsers.groups` take such tables, so the
UBL and CII mappers differ only in their paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parsers.reader import Reader


@dataclass(frozen=True)
class Read:
    kind: str  # "text", "decimal", "date" or "identifier"
    path: str
    term: str = ""  # the business term for error messages, e.g. "BT-116"
    what: str = ""  # its German name
    required: bool = False


def text(path: str, term: str = "", what: str = "", *, required: bool = False) -> Read:
    return Read("text", path, term, what, required)


def amount(path: str, term: str, what: str, *, required: bool = False) -> Read:
    return Read("decimal", path, term, what, required)


def day(path: str, term: str, what: str, *, required: bool = False) -> Read:
    return Read("date", path, term, what, required)


def ident(path: str) -> Read:
    return Read("identifier", path)


def read_fields(r: Reader, node, table: dict[str, Read]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, spec in table.items():
        if spec.kind == "identifier":
            values[name] = r.identifier(node, spec.path)
        elif spec.kind == "text":
            values[name] = (
                r.required_text(node, spec.path, spec.term, spec.what) if spec.required else r.text(node, spec.path)
            )
        elif spec.kind == "decimal":
            reader = r.required_decimal if spec.required else r.decimal
            values[name] = reader(node, spec.path, spec.term, spec.what)
        else:
            reader = r.required_date if spec.required else r.date
            values[name] = reader(node, spec.path, spec.term, spec.what)
    return values
