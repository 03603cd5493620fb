"""Small model-building steps every syntax mapper needs."""

from __future__ import annotations

import re
from collections.abc import Iterable

from domain.invoice import Element, InvoiceLine, Note
from parsers.reader import missing

# UBL carries the note subject code (BT-21) inside the text: "#AAI#Text" (EN 16931-3-2).
_UBL_NOTE = re.compile(r"^#([A-Za-z0-9]{1,3})#(.*)$", re.DOTALL)


def optional(cls: type[Element], **values) -> Element | None:
    """An instance of `cls`, or None when not one value is present (keeps empty groups out of the model)."""
    if all(value is None or value == [] for value in values.values()):
        return None
    return cls(**values)


def joined(texts: list[str]) -> str | None:
    """Repeated text elements (notes, payment terms) as one text, one per line."""
    return "\n".join(texts) or None


def ubl_note(text: str) -> Note:
    match = _UBL_NOTE.match(text)
    if match:
        body = match.group(2).strip()
        if body:
            return Note(text=body, subject_code=match.group(1))
    return Note(text=text)


def nest_by_parent(lines: Iterable[tuple[InvoiceLine, str | None]]) -> list[InvoiceLine]:
    """Hang sub-lines (XRechnung BG-DEX-01) under the line whose id their parent id names.

    CII writes sub-lines flat with `ParentLineID`; the model nests them like UBL's
    `SubInvoiceLine`. A parent id that names no line is a document error we report.
    """
    pairs = list(lines)
    by_id = {line.id: line for line, _ in pairs}
    top: list[InvoiceLine] = []
    for line, parent_id in pairs:
        if parent_id is None:
            top.append(line)
            continue
        parent = by_id.get(parent_id)
        if parent is None or parent is line:
            raise missing("BT-DEX-01", f"übergeordnete Position '{parent_id}' der Position '{line.id}'")
        parent.sub_lines.append(line)
    return top
