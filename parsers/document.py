"""What a parser hands on: the detected syntax and profile, the XML as received, and the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from lxml import etree

from domain.invoice import Invoice


class Syntax(StrEnum):
    UBL_INVOICE = "ubl-invoice"
    UBL_CREDIT_NOTE = "ubl-creditnote"
    CII = "cii"
    ZUGFERD1 = "zugferd1"
    UNKNOWN = "unknown"


@dataclass
class Detected:
    """Result of looking at the bytes, before any mapping to the model."""

    syntax: Syntax
    profile: str | None  # BT-24 / guideline id as written, e.g. urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0
    xml: bytes  # the invoice XML exactly as received (extracted from the PDF for ZUGFeRD / Factur-X)
    root: etree._Element  # parsed once, securely; validators and mappers share it
    pdf: bytes | None = None  # the visual original when the invoice came as PDF/A-3
    embedded_filename: str | None = None  # name of the XML attachment inside the PDF


@dataclass
class ParsedDocument:
    detected: Detected
    invoice: Invoice
    warnings: list[str] = field(default_factory=list)

    @property
    def syntax(self) -> Syntax:
        return self.detected.syntax

    @property
    def profile(self) -> str | None:
        return self.detected.profile
