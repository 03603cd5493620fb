"""Hostile or broken input gives a rejected report with a stable code, never an exception."""

from __future__ import annotations

import pytest

from tests.validators.mutate import UBL
from validators import validate

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&xxe;</Invoice>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>"""


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "parse.empty"),
        (b"   \n", "parse.empty"),
        (b"\x00\x01\x02binary", "parse.not_xml"),
        (XXE, "parse.doctype_forbidden"),
        (LAUGHS, "parse.doctype_forbidden"),
        (b"<Invoice><unclosed></Invoice>", "parse.not_well_formed"),
        (b"<html><body>keine Rechnung</body></html>", "parse.unsupported_root"),
        (b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", None),
    ],
    ids=["empty", "blank", "binary", "xxe", "billion-laughs", "malformed", "not-an-invoice", "pdf-without-xml"],
)
def test_bad_input_is_rejected_with_a_stable_code(data, code):
    report = validate(data)
    assert not report.accepted
    assert report.syntax == "unknown"
    assert report.reason
    assert report.reason_code.startswith("parse.")
    if code:
        assert report.reason_code == code
    assert report.fired() == []
    assert "/etc/passwd" not in report.to_json()


def test_truncated_invoice_is_rejected():
    data = UBL.read_bytes()
    report = validate(data[: len(data) // 2])
    assert not report.accepted
    assert report.reason_code == "parse.not_well_formed"


def test_utf8_bom_document_is_validated():
    report = validate(b"\xef\xbb\xbf" + UBL.read_bytes(), business=False)
    assert report.accepted, report.reason
    assert report.scenario.id == "xrechnung-3.0-ubl-invoice"


def test_latin1_encoded_document_is_validated_as_received():
    text = UBL.read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    text = text.replace("[Seller name]", "Müller &amp; Söhne")
    report = validate(text.encode("latin-1", errors="xmlcharrefreplace"), business=False)
    assert report.accepted, (report.reason, [f.text for f in report.errors])
    assert report.fields.seller_name == "Müller & Söhne"
