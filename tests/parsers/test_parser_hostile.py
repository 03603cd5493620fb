"""Hostile and broken input: every case ends in a ParseError with its stable code, quickly."""

from __future__ import annotations

import pytest

from parsers import ParseError, detect, parse, parse_xml
from tests.conftest import XML_RECHNUNG
from tests.parsers.samples import ZUGFERD1_COMFORT, blank_pdf, factur_x, pdf_with_attachments

pytestmark = pytest.mark.timeout(20)

EINFACH_UBL = XML_RECHNUNG / "UBL" / "EN16931_Einfach.ubl.xml"
EINFACH_PDF = XML_RECHNUNG / "FX" / "EN16931_Einfach.pdf"

XXE_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&xxe;</Invoice>"""

XXE_NETWORK = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice SYSTEM "http://127.0.0.1:9/evil.dtd">
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>"""


def code_of(data: bytes, **kwargs) -> str:
    with pytest.raises(ParseError) as caught:
        parse(data, **kwargs)
    error = caught.value
    assert error.message and error.message[0].isupper()  # a German sentence for people, not a traceback
    return error.code


@pytest.mark.parametrize(
    "data,code",
    [
        (b"", "parse.empty"),
        (b"  \n\t ", "parse.empty"),
        (b"Rechnung Nr. 4711 \xc3\xbcber 100 EUR", "parse.not_xml"),
        (b'{"invoice": 1}', "parse.not_xml"),
        (XXE_FILE, "parse.doctype_forbidden"),
        (XXE_NETWORK, "parse.doctype_forbidden"),
        (BILLION_LAUGHS, "parse.doctype_forbidden"),
        (b"<Invoice><cbc:ID>1</cbc:ID>", "parse.not_well_formed"),
        (b'<?xml version="1.0" encoding="UTF-8"?><a>Gr\xfc\xdfe</a>', "parse.encoding"),
        (b'<?xml version="1.0" encoding="x-unknown-42"?><a/>', "parse.encoding"),
        ('<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-8"), "parse.encoding"),
        (b"<html><body>Rechnung</body></html>", "parse.unsupported_root"),
        (b'<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>', "parse.unsupported_root"),
    ],
    ids=[
        "empty",
        "whitespace",
        "text",
        "json",
        "xxe-file",
        "xxe-network-dtd",
        "billion-laughs",
        "unclosed",
        "latin1-declared-utf8",
        "unknown-encoding",
        "utf16-declared-utf8-bytes",
        "html",
        "ubl-order",
    ],
)
def test_bad_xml_gets_its_code(data: bytes, code: str):
    assert code_of(data) == code


def test_the_xxe_payload_is_never_read():
    with pytest.raises(ParseError) as caught:
        parse_xml(XXE_FILE)
    assert "root:" not in str(caught.value) and "root:" not in (caught.value.detail or "")


def test_a_doctype_past_the_prolog_window_is_refused_too():
    padding = b"<!--" + b"x" * 70_000 + b"-->"
    data = b'<?xml version="1.0"?>' + padding + b"<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>"
    assert code_of(data) == "parse.doctype_forbidden"


@pytest.mark.parametrize("cut", [0.2, 0.5, 0.9, 0.999])
def test_truncated_invoice_is_not_well_formed(cut: float):
    data = EINFACH_UBL.read_bytes()
    assert code_of(data[: int(len(data) * cut)]) == "parse.not_well_formed"


def test_utf16_with_bom_is_read():
    xml = EINFACH_UBL.read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    invoice = parse(xml.encode("utf-16")).invoice
    assert invoice.number == parse(EINFACH_UBL.read_bytes()).invoice.number


def test_size_limit_argument(monkeypatch):
    data = EINFACH_UBL.read_bytes()
    assert code_of(data, max_size=len(data) - 1) == "parse.too_large"
    assert parse(data, max_size=len(data)).invoice.number


def test_size_limit_from_environment(monkeypatch):
    data = EINFACH_UBL.read_bytes()
    monkeypatch.setenv("RECHNUNGSLAUF_MAX_UPLOAD_BYTES", str(len(data) // 2))
    assert code_of(data) == "parse.too_large"
    monkeypatch.setenv("RECHNUNGSLAUF_MAX_UPLOAD_BYTES", str(len(data)))
    assert parse(data).invoice.number


def test_default_limit_is_20_mb():
    from parsers import DEFAULT_MAX_SIZE

    assert DEFAULT_MAX_SIZE == 20 * 1024 * 1024
    # a 21 MB document is refused before anyone parses it
    assert code_of(b"<a>" + b" " * (21 * 1024 * 1024) + b"</a>") == "parse.too_large"


def test_pdf_without_invoice():
    assert code_of(blank_pdf()) == "parse.pdf_without_invoice"


def test_pdf_with_only_other_attachments():
    assert code_of(pdf_with_attachments(("anlage.xml", b"<a/>"), ("bild.png", b"\x89PNG"))) == "parse.pdf_without_invoice"


@pytest.mark.parametrize("name", ["factur-x.xml", "ZUGFeRD-invoice.xml", "zugferd-invoice.xml", "xrechnung.xml"])
def test_pdf_with_broken_embedded_xml(name: str):
    broken = factur_x("urn:cen.eu:en16931:2017")[:-40]
    with pytest.raises(ParseError) as caught:
        parse(pdf_with_attachments((name, broken)))
    assert caught.value.code == "parse.embedded_xml_malformed"
    assert name in caught.value.message


def test_pdf_with_empty_embedded_xml():
    assert code_of(pdf_with_attachments(("factur-x.xml", b""))) == "parse.embedded_xml_malformed"


def test_pdf_with_xxe_in_embedded_xml():
    assert code_of(pdf_with_attachments(("factur-x.xml", XXE_FILE))) == "parse.doctype_forbidden"


def test_pdf_with_a_non_invoice_root_embedded():
    assert code_of(pdf_with_attachments(("factur-x.xml", b"<html/>"))) == "parse.unsupported_root"


@pytest.mark.parametrize("cut", [0.1, 0.5])
def test_broken_pdf(cut: float):
    data = EINFACH_PDF.read_bytes()
    assert code_of(data[: int(len(data) * cut)]) in ("parse.pdf_broken", "parse.pdf_without_invoice")


def test_pdf_header_with_garbage_body():
    assert code_of(b"%PDF-1.7\n" + b"\x00garbage" * 100) == "parse.pdf_broken"


def test_embedded_xml_over_the_limit_is_too_large():
    big = b"<a>" + b" " * (21 * 1024 * 1024) + b"</a>"
    pdf = pdf_with_attachments(("factur-x.xml", big), compress=True)
    assert len(pdf) < 1024 * 1024  # the upload itself is small
    assert code_of(pdf) == "parse.too_large"


def test_embedded_decompression_bomb_is_too_large():
    bomb = pdf_with_attachments(("factur-x.xml", b"<a>" + b" " * 80_000_000 + b"</a>"), compress=True)
    assert code_of(bomb, max_size=200 * 1024 * 1024) == "parse.too_large"


def test_embedded_zugferd1_is_found_by_its_name_in_any_case():
    parsed = parse(pdf_with_attachments(("ZUGFeRD-invoice.xml", ZUGFERD1_COMFORT)))
    assert parsed.detected.embedded_filename == "ZUGFeRD-invoice.xml"
    assert parsed.invoice.number == "ZF1-4711"


def test_factur_x_preferred_over_other_invoice_names():
    good = factur_x("urn:cen.eu:en16931:2017")
    parsed = parse(pdf_with_attachments(("xrechnung.xml", ZUGFERD1_COMFORT), ("factur-x.xml", good)))
    assert parsed.detected.embedded_filename == "factur-x.xml"
    assert parsed.invoice.number == "RE-2024-0815"


def test_missing_mandatory_value_names_the_business_term():
    data = EINFACH_UBL.read_bytes().replace(b"<cbc:ID>471102</cbc:ID>", b"", 1)
    with pytest.raises(ParseError) as caught:
        parse(data)
    assert caught.value.code == "parse.missing_field"
    assert "BT-1" in caught.value.message


def test_missing_line_amount_names_the_line():
    data = EINFACH_UBL.read_bytes()
    start = data.index(b"<cbc:LineExtensionAmount", data.index(b"<cac:InvoiceLine>"))
    end = data.index(b"</cbc:LineExtensionAmount>", start) + len(b"</cbc:LineExtensionAmount>")
    with pytest.raises(ParseError) as caught:
        parse(data[:start] + data[end:])
    assert caught.value.code == "parse.missing_field"
    assert "BT-131" in caught.value.message and "Position 1" in caught.value.message


@pytest.mark.parametrize(
    "old,new,term",
    [
        (b'<cbc:PayableAmount currencyID="EUR">529.87<', b'<cbc:PayableAmount currencyID="EUR">529,87<', "BT-115"),
        (b"<cbc:IssueDate>2018-03-05<", b"<cbc:IssueDate>05.03.2018<", "BT-2"),
        (b'<cbc:PayableAmount currencyID="EUR">529.87<', b'<cbc:PayableAmount currencyID="EUR">NaN<', "BT-115"),
    ],
)
def test_unreadable_value_names_the_business_term(old: bytes, new: bytes, term: str):
    data = EINFACH_UBL.read_bytes()
    assert old in data
    with pytest.raises(ParseError) as caught:
        parse(data.replace(old, new))
    assert caught.value.code == "parse.invalid_value"
    assert term in caught.value.message


def test_detect_alone_does_not_map():
    # a document without number still detects: the validator reports it with its rules
    data = EINFACH_UBL.read_bytes().replace(b"<cbc:ID>471102</cbc:ID>", b"", 1)
    assert detect(data).syntax.value == "ubl-invoice"


def test_doctype_text_inside_the_document_is_just_text():
    data = EINFACH_UBL.read_bytes().replace(
        b"<cbc:Note>", b"<cbc:Note><![CDATA[<!DOCTYPE html> bitte beachten]]>", 1
    )
    assert b"CDATA" in data
    assert parse(data).invoice.notes[0].text.startswith("<!DOCTYPE html> bitte beachten")
