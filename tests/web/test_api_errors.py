"""Every error is a problem (RFC 9457) with a stable code and German text; nothing a client
sends ends in a 500. These uploads are refused before the intake is reached."""

from __future__ import annotations

import pytest

from tests.conftest import TESTSUITE
from tests.web.tenants import SUPPLIER_TOKENS

PROBLEM = "application/problem+json"
AUTH = {"Authorization": f"Bearer {SUPPLIER_TOKENS['bauer']}"}
XML_FILE = next(TESTSUITE.rglob("*_ubl.xml"))


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["code"] == code
    assert body["detail"] and body["title"]
    return body


def test_unknown_route_and_method_are_problems(client):
    assert_problem(client.get("/api/v1/gibt-es-nicht"), 404, "not_found")
    assert_problem(client.put("/api/v1/invoices", headers=AUTH), 405, "method_not_allowed")


def test_html_clients_get_a_german_error_page(client):
    response = client.get("/gibt-es-nicht", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "Nicht gefunden" in response.text and "not_found" in response.text


def test_fastapi_validation_errors_are_problems_too(client):
    body = assert_problem(client.get("/api/v1/invoices/keine-zahl", headers=AUTH), 422, "request.invalid")
    assert body["errors"][0]["field"] == "path.invoice_id"
    assert_problem(client.get("/api/v1/invoices?page=0", headers=AUTH), 422, "request.invalid")


def test_upload_needs_a_supplier_token(client):
    response = client.post("/api/v1/invoices", content=XML_FILE.read_bytes(), headers={"Content-Type": "application/xml"})
    assert_problem(response, 401, "auth.required")
    assert response.headers["www-authenticate"].startswith("Bearer")
    response = client.post(
        "/api/v1/invoices",
        content=XML_FILE.read_bytes(),
        headers={"Content-Type": "application/xml", "Authorization": "Bearer falsch"},
    )
    assert_problem(response, 401, "auth.required")
    assert "ungültig" in response.json()["detail"]


@pytest.mark.parametrize(
    ("content_type", "data", "code"),
    [
        ("text/plain", b"<Invoice/>", "upload.unsupported_media_type"),
        ("image/png", b"\x89PNG\r\n\x1a\n", "upload.unsupported_media_type"),
        ("", b"<Invoice/>", "upload.unsupported_media_type"),
        ("application/pdf", b"<?xml version='1.0'?><Invoice/>", "upload.content_type_mismatch"),
        ("application/xml", b"%PDF-1.7\n%broken", "upload.content_type_mismatch"),
        ("application/xml", b"\x89PNG\r\n\x1a\nnot an invoice", "upload.not_an_invoice_format"),
    ],
)
def test_wrong_content_types_get_415(client, content_type, data, code):
    headers = dict(AUTH)
    if content_type:
        headers["Content-Type"] = content_type
    assert_problem(client.post("/api/v1/invoices", content=data, headers=headers), 415, code)


def test_empty_upload_is_refused(client):
    assert_problem(
        client.post("/api/v1/invoices", content=b"", headers={**AUTH, "Content-Type": "application/xml"}), 422, "upload.empty"
    )


def test_multipart_without_file_field(client):
    response = client.post("/api/v1/invoices", data={"anderes": "feld"}, files={"datei": ("x.xml", b"<a/>")}, headers=AUTH)
    assert_problem(response, 422, "upload.file_missing")


def test_multipart_with_a_picture(client):
    response = client.post("/api/v1/invoices", files={"file": ("bild.png", b"\x89PNG\r\n", "image/png")}, headers=AUTH)
    assert_problem(response, 415, "upload.unsupported_media_type")


def test_broken_multipart_body(client):
    response = client.post(
        "/api/v1/invoices",
        content=b"--grenze\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nkein Ende",
        headers={**AUTH, "Content-Type": "multipart/form-data; boundary=grenze"},
    )
    assert response.status_code in (400, 422)
    assert response.headers["content-type"].startswith(PROBLEM)


def test_oversized_upload_is_413_by_declared_length(client, settings):
    settings.max_upload_bytes = 1000
    body = assert_problem(
        client.post("/api/v1/invoices", content=b"<a>" + b" " * 2000 + b"</a>", headers={**AUTH, "Content-Type": "application/xml"}),
        413,
        "upload.too_large",
    )
    assert body["max_bytes"] == 1000


def test_oversized_upload_is_413_when_streamed_without_length(client, settings):
    settings.max_upload_bytes = 1000

    def chunks():
        for _ in range(50):
            yield b"<a>" + b" " * 100

    response = client.post("/api/v1/invoices", content=chunks(), headers={**AUTH, "Content-Type": "application/xml"})
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert_problem(response, 413, "upload.too_large")


def test_oversized_multipart_is_413(client, settings):
    settings.max_upload_bytes = 1000
    response = client.post("/api/v1/invoices", files={"file": ("x.xml", b"<a>" + b" " * 5000 + b"</a>", "application/xml")}, headers=AUTH)
    assert_problem(response, 413, "upload.too_large")


def test_openapi_documents_the_api(client):
    schema = client.get("/openapi.json").json()
    assert {"/api/v1/invoices", "/api/v1/invoices/{invoice_id}", "/api/v1/invoices/{invoice_id}/decisions"} <= set(schema["paths"])
    upload = schema["paths"]["/api/v1/invoices"]["post"]
    assert {"201", "409", "413", "415", "422"} <= set(upload["responses"])
    assert "multipart/form-data" in upload["requestBody"]["content"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "POST /api/v1/invoices" in docs.text and "Rechnung einreichen" in docs.text
    assert "cdn" not in docs.text.lower()


HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/invoices/{HUGE}",
        f"/api/v1/invoices?page={HUGE}",
        "/api/v1/invoices/-1",
        f"/kaemmerei/rechnungen/{HUGE}",
        f"/kaemmerei/rechnungen/1/anhaenge/{HUGE}",
        f"/kaemmerei/eingang?seite={HUGE}",
        f"/kaemmerei/eingang?amt={HUGE}&lieferant={HUGE}&schritt=unsinn&sortierung=unsinn",
        f"/kaemmerei/suche?seite={HUGE}",
        "/kaemmerei/suche?betrag_von=1e999999&datum_von=gestern",
        f"/portal/rechnungen?seite={HUGE}",
        f"/portal/rechnungen/{HUGE}",
    ],
)
def test_absurd_numbers_never_reach_the_database(client, path):
    from tests.web.helpers import login_clerk, login_supplier

    login_clerk(client, "anna")
    if path.startswith("/portal"):
        login_supplier(client, SUPPLIER_TOKENS["bauer"])
    response = client.get(path, headers=AUTH if path.startswith("/api") else {})
    assert 200 <= response.status_code < 500, (path, response.status_code, response.text[:300])


def test_upload_while_temporal_is_down_is_503_not_500(client):
    response = client.post("/api/v1/invoices", content=XML_FILE.read_bytes(), headers={**AUTH, "Content-Type": "application/xml"})
    assert_problem(response, 503, "temporal.unavailable")
