"""Take the invoice XML out of a PDF/A-3 (ZUGFeRD, Factur-X, XRechnung in PDF).

We read the attachments with pypdf ourselves instead of `facturx.get_xml_from_pdf`, because
that function skips an embedded file that is not well-formed; the supplier must hear about it.
"""

from __future__ import annotations

import logging
from io import BytesIO

from facturx.facturx import FACTURX_FILENAME, ZUGFERD_FILENAME
from pypdf import PdfReader
from pypdf.errors import LimitReachedError

from parsers.errors import ParseError

# Embedded invoice names in order of preference, compared case-insensitively:
# Factur-X / ZUGFeRD 2.1+, ZUGFeRD 1.0 / 2.0, XRechnung attached to a PDF.
INVOICE_FILENAMES = (FACTURX_FILENAME.lower(), ZUGFERD_FILENAME.lower(), "xrechnung.xml")

_PDF_MAGIC = b"%PDF-"
# The PDF header may follow a little garbage (ISO 32000 tolerates up to 1024 bytes).
_HEADER_WINDOW = 1024


def is_pdf(data: bytes) -> bool:
    return _PDF_MAGIC in data[:_HEADER_WINDOW]


def _broken(exc: Exception) -> ParseError:
    return ParseError(
        "parse.pdf_broken",
        "Die PDF-Datei ist beschädigt oder kann nicht gelesen werden.",
        detail=f"{type(exc).__name__}: {exc}",
    )


def extract_invoice_xml(data: bytes) -> tuple[str, bytes]:
    """(file name, XML bytes) of the embedded invoice; ParseError when there is none or it is unreadable."""
    # pypdf logs every repaired cross-reference table as a warning; a broken PDF is reported by us.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        attachments = {}
        for attachment in reader.attachment_list:
            key = attachment.name.lower()
            if key in INVOICE_FILENAMES and key not in attachments:
                attachments[key] = attachment
        for key in INVOICE_FILENAMES:
            if key in attachments:
                attachment = attachments[key]
                return attachment.name, attachment.content or b""
    except LimitReachedError as exc:  # a decompression bomb: pypdf stops at its output limit
        raise ParseError(
            "parse.too_large",
            "Die in die PDF-Datei eingebettete Rechnung ist zu groß.",
            detail=str(exc),
        ) from exc
    except Exception as exc:  # pypdf raises many unrelated types for damaged files
        raise _broken(exc) from exc
    raise ParseError(
        "parse.pdf_without_invoice",
        "Die PDF-Datei enthält keine elektronische Rechnung (keine eingebettete Datei factur-x.xml, "
        "zugferd-invoice.xml oder xrechnung.xml). Eine reine PDF-Rechnung ist keine E-Rechnung.",
    )
