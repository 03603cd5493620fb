"""The supplier portal pages (uploads that reach the intake are tested end to end)."""

from __future__ import annotations

import html

import pytest

from tests.conftest import TESTSUITE
from tests.e2e.invoices import with_wrong_total
from tests.web.helpers import csrf_of, login_supplier, retarget, store_invoice
from tests.web.tenants import ETTLINGEN_BAUAMT, SUPPLIER_TOKENS

INVOICE = TESTSUITE / "business-cases" / "standard" / "01.01a-INVOICE_ubl.xml"


@pytest.fixture
def logged_in(client):
    login_supplier(client, SUPPLIER_TOKENS["bauer"])
    return client


def test_upload_page_needs_login_and_offers_drag_and_drop(client):
    assert client.get("/portal/hochladen", follow_redirects=False).headers["location"].startswith("/portal/anmelden")
    login_supplier(client, SUPPLIER_TOKENS["bauer"])
    page = client.get("/portal/hochladen").text
    assert 'id="dropzone"' in page and 'multiple' in page and "/static/upload.js" in page
    assert client.get("/static/upload.js").status_code == 200


def test_upload_without_csrf_is_refused(logged_in):
    response = logged_in.post("/portal/hochladen", files={"file": ("a.xml", b"<a/>", "application/xml")})
    assert response.status_code == 403 and response.json()["code"] == "csrf.invalid"


def test_bad_files_are_answered_one_by_one(logged_in):
    token = csrf_of(logged_in.get("/portal/hochladen").text)
    response = logged_in.post(
        "/portal/hochladen",
        files=[("file", ("bild.png", b"\x89PNG\r\n", "image/png")), ("file", ("leer.xml", b"", "application/xml"))],
        headers={"X-CSRF-Token": token, "Accept": "application/json"},
    )
    results = response.json()["results"]
    assert [(r["filename"], r["ok"], r["code"]) for r in results] == [
        ("bild.png", False, "upload.unsupported_media_type"),
        ("leer.xml", False, "upload.empty"),
    ]
    # without JavaScript: the same answers as a page
    page = logged_in.post(
        "/portal/hochladen", data={"csrf_token": token}, files={"file": ("bild.png", b"\x89PNG\r\n", "image/png")}
    )
    assert "bild.png" in page.text and "Inhaltstyp" in html.unescape(page.text)


def test_rejected_invoice_page_shows_the_german_report(logged_in, tenant_db, settings):
    data = with_wrong_total(retarget(INVOICE.read_bytes(), ETTLINGEN_BAUAMT))
    invoice_id = store_invoice(tenant_db.engine, settings.documents_root, data, supplier="bauer", status="rejected", validate=True)
    page = html.unescape(logged_in.get(f"/portal/rechnungen/{invoice_id}").text)
    assert "zurückgewiesen" in page and "BR-CO-15" in page and "abgelehnt" in page
    report = logged_in.get(f"/portal/rechnungen/{invoice_id}/pruefbericht")
    assert "Prüfbericht" in report.text and "default-src 'none'" in report.headers["content-security-policy"]
    listing = html.unescape(logged_in.get("/portal/rechnungen").text)
    assert f'data-invoice-id="{invoice_id}"' in listing and "zurückgewiesen" in listing


def test_several_files_together_have_a_ceiling(logged_in, monkeypatch):
    import web.upload

    monkeypatch.setattr(web.upload, "DRAIN_LIMIT", 10_000)
    token = csrf_of(logged_in.get("/portal/hochladen").text)
    files = [("file", (f"r{i}.xml", b"<a>" + b" " * 4000 + b"</a>", "application/xml")) for i in range(3)]
    response = logged_in.post("/portal/hochladen", files=files, headers={"X-CSRF-Token": token, "Accept": "application/json"})
    assert response.status_code == 413 and response.json()["code"] == "upload.too_large"


def test_the_portal_address_leads_to_the_invoices(logged_in):
    for path in ("/portal", "/portal/"):
        assert logged_in.get(path, follow_redirects=False).headers["location"] == "/portal/rechnungen"
