"""A finding of one rule on one document, as every validation layer reports it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    # KoSIT/schematron flags: "fatal" is an error that rejects the document
    FATAL = "fatal"
    ERROR = "error"
    WARNING = "warning"
    INFORMATION = "information"

    @property
    def rejects(self) -> bool:
        return self in (Severity.FATAL, Severity.ERROR)


@dataclass(frozen=True)
class Finding:
    rule_id: str  # official id, e.g. BR-DE-15, BR-CO-10, UBL-CR-646, or "XSD" for schema errors
    severity: Severity  # after the scenario's severity overrides
    message: str  # the official rule text (or the XSD parser message)
    location: str | None = None  # XPath of the offending node
    layer: str | None = None  # "xsd", "cen", "xrechnung", ...
