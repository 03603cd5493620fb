"""Build negative test documents by changing official test files (read from ../shared, never copied)."""

from __future__ import annotations

from tests.conftest import TESTSUITE, XML_RECHNUNG

STANDARD = TESTSUITE / "business-cases" / "standard"
UBL = STANDARD / "01.01a-INVOICE_ubl.xml"
CII = STANDARD / "01.01a-INVOICE_uncefact.xml"
UBL_EXTENSION = TESTSUITE / "business-cases" / "extension" / "04.01a-INVOICE_ubl.xml"
CVD_UBL = TESTSUITE / "technical-cases" / "cvd" / "02.01a-cvd_INVOICE_ubl.xml"
CVD_CII = TESTSUITE / "technical-cases" / "cvd" / "02.01a-cvd_INVOICE_uncefact.xml"
FX_PDF_EN16931 = XML_RECHNUNG / "FX" / "EN16931_Einfach.pdf"
FX_PDF_XRECHNUNG_21 = XML_RECHNUNG / "FX" / "XRECHNUNG_Einfach.pdf"
CII_EN16931 = XML_RECHNUNG / "CII" / "EN16931_Einfach.cii.xml"

XRECHNUNG_30 = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"


def replace(path, old: str, new: str, count: int = 1) -> bytes:
    """The file's bytes with `old` replaced by `new` (which must occur)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    return text.replace(old, new, count).encode("utf-8")


def with_profile(path, profile: str) -> bytes:
    text = path.read_text(encoding="utf-8")
    for current in (XRECHNUNG_30, "urn:cen.eu:en16931:2017"):
        for tag in ("cbc:CustomizationID>", "<ram:ID>"):
            marker = f"{tag}{current}<" if tag.startswith("cbc") else f"{tag}{current}<"
            if marker in text:
                return text.replace(marker, marker.replace(current, profile), 1).encode("utf-8")
    raise AssertionError(f"no known BT-24 in {path.name}")
