"""The one error a parser raises: a stable `code` for machines, a German `message` for people."""

from __future__ import annotations


class ParseError(Exception):
    """Input that cannot be read as an invoice.

    Codes (stable, used by the API and the validation report):
    `parse.empty`, `parse.too_large`, `parse.not_xml`, `parse.not_well_formed`,
    `parse.doctype_forbidden`, `parse.unsupported_root`, `parse.pdf_without_invoice`,
    `parse.pdf_broken`, `parse.embedded_xml_malformed`, `parse.encoding`, `parse.missing_field`,
    `parse.invalid_value` (a date or amount that cannot be read), `parse.unreadable_file` (CLI only).
    `detail` carries the technical cause (e.g. the libxml2 message) for logs, never for the supplier.
    """

    def __init__(self, code: str, message: str, *, detail: str | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.detail = detail
