"""Official test invoices, addressed to the test cities and numbered per test run."""

from __future__ import annotations

import uuid

import facturx

from tests.conftest import TESTSUITE, XML_RECHNUNG
from tests.web.helpers import retarget
from tests.web.tenants import ETTLINGEN_BAUAMT

XRECHNUNG_UBL = TESTSUITE / "business-cases" / "standard" / "01.01a-INVOICE_ubl.xml"
XRECHNUNG_CII = TESTSUITE / "business-cases" / "standard" / "01.01a-INVOICE_uncefact.xml"
ZUGFERD_PDF = XML_RECHNUNG / "FX" / "EN16931_Einfach.pdf"


def unique_number(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def xrechnung(leitweg_id: str = ETTLINGEN_BAUAMT, *, source=XRECHNUNG_UBL, number: str | None = None) -> bytes:
    return retarget(source.read_bytes(), leitweg_id, number or unique_number("XR"))


def zugferd(leitweg_id: str = ETTLINGEN_BAUAMT, *, number: str | None = None) -> bytes:
    """The official ZUGFeRD PDF with its embedded XML addressed to `leitweg_id`."""
    pdf = ZUGFERD_PDF.read_bytes()
    _, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    return facturx.generate_from_binary(pdf, retarget(xml, leitweg_id, number or unique_number("ZF")), check_xsd=False)


def with_wrong_total(xml: bytes) -> bytes:
    """Breaks BR-CO-15 (total with VAT = total without VAT + VAT) by raising BT-112."""
    marker = b"TaxInclusiveAmount"
    start = xml.index(marker)
    value_start = xml.index(b">", start) + 1
    value_end = xml.index(b"<", value_start)
    return xml[:value_start] + b"999999.99" + xml[value_end:]
