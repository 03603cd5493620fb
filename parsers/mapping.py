"""Choose the mapper for a detected document's syntax."""

from __future__ import annotations

from pydantic import ValidationError

from domain.invoice import Invoice
from parsers.cii import map_cii, map_zugferd1
from parsers.document import Detected, Syntax
from parsers.errors import ParseError
from parsers.ubl import map_ubl

_MAPPERS = {
    Syntax.UBL_INVOICE: map_ubl,
    Syntax.UBL_CREDIT_NOTE: map_ubl,
    Syntax.CII: map_cii,
    Syntax.ZUGFERD1: map_zugferd1,
}


def map_invoice(detected: Detected, warnings: list[str] | None = None) -> Invoice:
    """The EN 16931 model of an already detected document (no second parse).

    Notes on values the mapper had to derive are appended to `warnings` when given.
    """
    mapper = _MAPPERS.get(detected.syntax)
    if mapper is None:
        raise ParseError("parse.unsupported_root", "Das Dokument ist in keinem unterstützten Rechnungsformat.")
    try:
        return mapper(detected.root, warnings)
    except ValidationError as exc:
        raise ParseError(
            "parse.invalid_value",
            "Die Rechnung enthält Angaben, die nicht in das Rechnungsmodell passen.",
            detail=str(exc),
        ) from exc
