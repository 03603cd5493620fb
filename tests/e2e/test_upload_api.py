"""The supplier API against the live engine: accepted, duplicate, rejected, hostile."""

from __future__ import annotations

import time

import pytest

from tests.e2e.invoices import with_wrong_total, xrechnung, zugferd
from tests.web.tenants import SUPPLIER_TOKENS

pytestmark = [pytest.mark.temporal, pytest.mark.slow]

BAUER = {"Authorization": f"Bearer {SUPPLIER_TOKENS['bauer']}"}
PROBLEM = "application/problem+json"


def upload(http, data: bytes, content_type: str = "application/xml", headers=BAUER):
    return http.post("/api/v1/invoices", content=data, headers={**headers, "Content-Type": content_type})


def wait_for_status(http, invoice_id: int, wanted: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = http.get(f"/api/v1/invoices/{invoice_id}", headers=BAUER).json()
        if body["status"] == wanted or time.monotonic() > deadline:
            return body
        time.sleep(0.3)


def test_accepted_xrechnung_goes_into_review(http):
    response = upload(http, xrechnung())
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["accepted"] is True and body["report"]["accepted"] is True
    assert response.headers["location"] == f"/api/v1/invoices/{body['id']}"
    assert wait_for_status(http, body["id"], "in_review")["status_label"] == "in Prüfung"


def test_zugferd_pdf_as_multipart(http):
    response = http.post("/api/v1/invoices", files={"file": ("rechnung.pdf", zugferd(), "application/pdf")}, headers=BAUER)
    assert response.status_code == 201, response.text
    assert wait_for_status(http, response.json()["id"], "in_review")["status"] == "in_review"


def test_the_same_invoice_twice_is_409_with_the_first_id(http):
    data = xrechnung()
    first = upload(http, data)
    assert first.status_code == 201
    again = upload(http, data)
    assert again.status_code == 409 and again.headers["content-type"].startswith(PROBLEM)
    assert again.json()["code"] == "upload.duplicate" and again.json()["id"] == first.json()["id"]


def test_rejected_invoice_is_422_stored_and_visible(http):
    response = upload(http, with_wrong_total(xrechnung()))
    assert response.status_code == 422 and response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["code"] == "invoice.rejected" and body["accepted"] is False
    assert body["status"] == 422 and body["invoice_status"] == "rejected"
    assert "BR-CO-15" in {f["rule_id"] for f in body["report"]["findings"]}
    stored = http.get(f"/api/v1/invoices/{body['id']}", headers=BAUER).json()
    assert stored["status"] == "rejected" and stored["status_label"] == "zurückgewiesen" and stored["reason"]
    assert stored["number"] and stored["number"].startswith("XR-")  # as the document says, though it is rejected
    assert body["id"] in [item["id"] for item in http.get("/api/v1/invoices", headers=BAUER).json()["items"]]


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&xxe;</ID></Invoice>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>"""


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("xxe", XXE, "application/xml"),
        ("billion-laughs", LAUGHS, "application/xml"),
        ("truncated", b"<?xml version='1.0'?><Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'><ID>1", "application/xml"),
        ("html", b"<html><body>Rechnung</body></html>", "application/xml"),
        ("broken-pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%kaputt", "application/pdf"),
        ("latin1-declared-utf8", "<?xml version='1.0' encoding='UTF-8'?><a>Grüße</a>".encode("latin-1"), "application/xml"),
    ],
)
def test_hostile_uploads_get_4xx_never_500(http, name, data, content_type):
    response = upload(http, data, content_type)
    assert 400 <= response.status_code < 500, (name, response.status_code, response.text)
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["code"] and body["detail"]
    assert b"root:" not in response.content  # nothing of /etc/passwd came back


def test_pdf_without_invoice_is_415(http):
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = BytesIO()
    writer.write(buffer)
    response = upload(http, buffer.getvalue(), "application/pdf")
    assert response.status_code == 415 and response.json()["code"] == "upload.not_an_invoice"


def test_oversized_uploads_get_a_readable_413_over_a_real_socket(http, stack):
    limit = stack.settings.max_upload_bytes
    body = b"<Invoice>" + b" " * limit + b"</Invoice>"
    declared = upload(http, body)
    assert declared.status_code == 413 and declared.json()["code"] == "upload.too_large"
    assert "20 MB" in declared.json()["detail"]

    def chunks():
        for start in range(0, len(body), 1 << 20):
            yield body[start:start + (1 << 20)]

    streamed = http.post("/api/v1/invoices", content=chunks(), headers={**BAUER, "Content-Type": "application/xml"})
    assert streamed.status_code == 413 and streamed.json()["code"] == "upload.too_large"
