"""Logins, the session cookie, CSRF, and personal clerk tokens."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from storage.db import session_scope
from storage.models import User
from storage.passwords import hash_password
from tests.web.helpers import csrf_of, login_clerk, login_supplier
from tests.web.tenants import SUPPLIER_TOKENS
from web.app import create_app


def test_clerk_pages_need_a_login(client):
    response = client.get("/kaemmerei/eingang", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/kaemmerei/anmelden?weiter=/kaemmerei/eingang"


def test_wrong_password_is_refused_in_german(client):
    response = login_clerk(client, "anna", "falsch")
    assert response.status_code == 401
    assert "Benutzername oder Passwort ist falsch" in response.text
    assert login_clerk(client, "niemand", "egal").status_code == 401


def test_login_sets_a_protected_session_cookie(client):
    response = login_clerk(client, "anna")
    assert response.status_code == 303 and response.headers["location"] == "/kaemmerei/eingang"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # switched off for these plain-http tests
    page = client.get("/kaemmerei/eingang")
    assert page.status_code == 200 and "Anna Acker" in page.text and "Ettlingen" in page.text


def test_cookie_is_secure_when_configured(settings):
    settings.secure_cookies = True
    with TestClient(create_app(settings), base_url="https://testserver") as https_client:
        response = login_clerk(https_client, "anna")
        assert "secure" in response.headers["set-cookie"].lower()


def test_cookie_follows_the_scheme_by_default(settings):
    settings.secure_cookies = None
    with TestClient(create_app(settings), base_url="https://testserver") as https_client:
        assert "secure" in login_clerk(https_client, "anna").headers["set-cookie"].lower()
    with TestClient(create_app(settings)) as http_client:
        response = login_clerk(http_client, "anna")
        assert response.status_code == 303 and "secure" not in response.headers["set-cookie"].lower()


def test_forms_without_csrf_token_are_refused(client):
    response = client.post("/kaemmerei/anmelden", data={"login": "anna", "password": "geheim-123"})
    assert response.status_code == 403 and response.json()["code"] == "csrf.invalid"
    login_clerk(client, "anna")
    response = client.post("/kaemmerei/abmelden", data={"csrf_token": "gefälscht"})
    assert response.status_code == 403
    assert client.get("/kaemmerei/eingang", follow_redirects=False).status_code == 200  # still logged in


def test_logout(client):
    login_clerk(client, "anna")
    token = csrf_of(client.get("/kaemmerei/eingang").text)
    assert client.post("/kaemmerei/abmelden", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/kaemmerei/eingang", follow_redirects=False).status_code == 303


def test_login_never_redirects_elsewhere(client):
    token = csrf_of(client.get("/kaemmerei/anmelden").text)
    response = client.post(
        "/kaemmerei/anmelden",
        data={"login": "anna", "password": "geheim-123", "csrf_token": token, "weiter": "//evil.example/kaemmerei/"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/kaemmerei/eingang"


def test_supplier_portal_login_with_token(client):
    assert login_supplier(client, "falsch").status_code == 401
    response = login_supplier(client, SUPPLIER_TOKENS["bauer"])
    assert response.status_code == 303
    page = client.get("/portal/rechnungen")
    assert "Bauer Hoch- und Tiefbau GmbH" in page.text and "noch keine Rechnungen" in page.text
    # a supplier's session is no clerk's
    assert client.get("/kaemmerei/eingang", follow_redirects=False).status_code == 303


def test_clerk_token_authenticates_the_api_and_dies_with_the_password(client, tenant_db):
    login_clerk(client, "anna")
    page = client.get("/kaemmerei/schluessel")
    issued = client.post("/kaemmerei/schluessel", data={"csrf_token": csrf_of(page.text)})
    token = issued.text.split('<code id="api-token">')[1].split("</code>")[0]
    assert token.startswith("rlc_")

    anonymous = TestClient(client.app)
    listing = anonymous.get("/api/v1/invoices", headers={"Authorization": f"Bearer {token}"})
    assert listing.status_code == 200 and listing.json()["total"] == 0
    assert anonymous.get("/api/v1/invoices", headers={"Authorization": "Bearer rlc_gefaelscht"}).status_code == 401
    # a clerk's token cannot hand in invoices
    refused = anonymous.post("/api/v1/invoices", content=b"<a/>", headers={"Authorization": f"Bearer {token}", "Content-Type": "application/xml"})
    assert refused.status_code == 403 and refused.json()["code"] == "auth.not_a_supplier"

    with session_scope(tenant_db.engine) as session:
        user = session.exec(select(User).where(User.login == "anna")).one()
        user.password_hash = hash_password("neues-passwort")
        session.add(user)
    assert anonymous.get("/api/v1/invoices", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_supplier_token_cannot_decide(client):
    response = client.post(
        "/api/v1/invoices/1/decisions",
        json={"step": "factual_review", "action": "approve"},
        headers={"Authorization": f"Bearer {SUPPLIER_TOKENS['bauer']}"},
    )
    assert response.status_code == 403 and response.json()["code"] == "auth.not_a_clerk"


def test_session_api_calls_need_the_csrf_header(client):
    login_clerk(client, "anna")
    response = client.post("/api/v1/invoices/1/decisions", json={"step": "factual_review", "action": "approve"})
    assert response.status_code == 403 and response.json()["code"] == "csrf.invalid"


def test_pages_carry_security_headers(client):
    response = client.get("/kaemmerei/anmelden")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


def test_decision_bodies_are_checked_before_anything_is_sent(client):
    login_clerk(client, "anna")
    token = csrf_of(client.get("/kaemmerei/eingang").text)
    for body in (
        {"step": "factual_review", "action": "approve", "account_assignment": {"gl_account": "4240", "net_amount": "1e999999"}},
        {"step": "factual_review", "action": "approve", "account_assignment": [{"gl_account": "4240", "net_amount": "NaN"}]},
        {"step": "factual_review", "action": "approve", "unbekannt": 1},
        {"step": "factual_review", "action": "forward", "target_department": "x" * 100},
    ):
        response = client.post("/api/v1/invoices/1/decisions", json=body, headers={"X-CSRF-Token": token})
        assert response.status_code == 422 and response.json()["code"] == "request.invalid", body


def test_password_guessing_is_slowed_down(client):
    for _ in range(5):
        assert login_clerk(client, "bernd", "falsch").status_code == 401
    blocked = login_clerk(client, "bernd")  # even the right password, for a while
    assert blocked.status_code == 429 and blocked.json()["code"] == "auth.throttled"
    assert "retry-after" in blocked.headers
    assert login_clerk(client, "anna").status_code == 303  # other people are not affected


def test_token_guessing_is_slowed_down(client):
    for _ in range(5):
        assert login_supplier(client, "geraten").status_code == 401
    assert login_supplier(client, SUPPLIER_TOKENS["bauer"]).status_code == 429
