"""A ZUGFeRD / Factur-X demo PDF: a one-page visual invoice with the CII XML embedded (factur-x)."""

from __future__ import annotations

import facturx

from domain.invoice import Invoice


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _page_text(invoice: Invoice) -> list[str]:
    lines = [
        invoice.seller.name or "",
        f"{invoice.seller.address.line1}, {invoice.seller.address.postal_code} {invoice.seller.address.city}",
        "",
        invoice.buyer.name or "",
        f"Leitweg-ID: {invoice.buyer_reference}",
        "",
        f"Rechnung {invoice.number} vom {invoice.issue_date:%d.%m.%Y}",
        "",
    ]
    for line in invoice.lines:
        lines.append(f"{line.id}  {line.item.name}  {line.quantity} x {line.price.net_price} = {line.net_amount} EUR")
    lines += [
        "",
        f"Summe netto: {invoice.totals.tax_exclusive} EUR",
        f"Umsatzsteuer: {invoice.totals.tax_total} EUR",
        f"Gesamtbetrag: {invoice.totals.tax_inclusive} EUR",
        "",
        f"Zahlbar bis {invoice.due_date:%d.%m.%Y} auf IBAN {invoice.payment.credit_transfers[0].account_id}",
    ]
    return lines


def _plain_pdf(lines: list[str]) -> bytes:
    """A minimal one-page PDF with Helvetica text (WinAnsi, so German umlauts print)."""
    stream = ["BT", "/F1 10 Tf", "50 790 Td", "14 TL"]
    stream += [f"({_escape(text)}) '" for text in lines]
    stream.append("ET")
    content = "\n".join(stream).encode("cp1252", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def to_zugferd_pdf(invoice: Invoice, cii_xml: bytes) -> bytes:
    return facturx.generate_from_binary(
        _plain_pdf(_page_text(invoice)), cii_xml, flavor="factur-x", level="en16931", check_xsd=False,
    )
