"""Nobody sees what is not theirs: a clerk only the own city's invoices (404 on every route
otherwise), a supplier only its own."""

from __future__ import annotations

import pytest

from tests.conftest import TESTSUITE
from tests.web.helpers import csrf_of, login_clerk, login_supplier, retarget, store_invoice
from tests.web.tenants import ETTLINGEN_BAUAMT, RASTATT_BAUAMT, SUPPLIER_TOKENS

WITH_ATTACHMENT = TESTSUITE / "business-cases" / "standard" / "02.03a-INVOICE_ubl.xml"
PLAIN = TESTSUITE / "business-cases" / "standard" / "01.01a-INVOICE_ubl.xml"

CLERK_GET_ROUTES = [
    "/kaemmerei/rechnungen/{id}",
    "/kaemmerei/rechnungen/{id}/original",
    "/kaemmerei/rechnungen/{id}/anhaenge/0",
    "/kaemmerei/rechnungen/{id}/pruefbericht",
    "/api/v1/invoices/{id}",
]


@pytest.fixture
def invoices(tenant_db, settings):
    ettlingen = store_invoice(
        tenant_db.engine, settings.documents_root, retarget(WITH_ATTACHMENT.read_bytes(), ETTLINGEN_BAUAMT), supplier="bauer"
    )
    rastatt = store_invoice(
        tenant_db.engine, settings.documents_root, retarget(PLAIN.read_bytes(), RASTATT_BAUAMT), supplier="mueller"
    )
    return {"ettlingen": ettlingen, "rastatt": rastatt}


def _decide_by_form(client, invoice_id):
    token = csrf_of(client.get("/kaemmerei/eingang").text)
    return client.post(
        f"/kaemmerei/rechnungen/{invoice_id}/entscheidung",
        data={"csrf_token": token, "step": "factual_review", "action": "comment", "comment": "Hallo"},
        follow_redirects=False,
    )


def _decide_by_api(client, invoice_id):
    token = csrf_of(client.get("/kaemmerei/eingang").text)
    return client.post(
        f"/api/v1/invoices/{invoice_id}/decisions",
        json={"step": "factual_review", "action": "comment", "comment": "Hallo"},
        headers={"X-CSRF-Token": token},
    )


@pytest.mark.parametrize("route", CLERK_GET_ROUTES)
def test_clerk_of_another_city_gets_404(client, invoices, route):
    login_clerk(client, "rolf")  # Rastatt
    response = client.get(route.format(id=invoices["ettlingen"]))
    assert response.status_code == 404, response.text
    assert "Stadtbauamt" not in response.text and "Ettlingen" not in response.text
    # the same route works for the own city (so the 404 above is about the city, not the route)
    login_clerk(client, "anna")
    assert client.get(route.format(id=invoices["ettlingen"])).status_code == 200


def test_clerk_of_another_city_cannot_decide(client, invoices):
    login_clerk(client, "rolf")
    assert _decide_by_form(client, invoices["ettlingen"]).status_code == 404
    assert _decide_by_api(client, invoices["ettlingen"]).status_code == 404
    # the own city's invoice gets past the city check (to the workflow, unreachable here: 503)
    assert _decide_by_api(client, invoices["rastatt"]).status_code == 503


def test_an_unknown_invoice_looks_like_a_foreign_one(client, invoices):
    login_clerk(client, "rolf")
    foreign = client.get(f"/api/v1/invoices/{invoices['ettlingen']}").json()
    missing = client.get("/api/v1/invoices/999999").json()
    assert foreign["code"] == missing["code"] == "not_found"
    assert foreign["detail"] == missing["detail"]


def test_lists_and_search_show_only_the_own_city(client, invoices):
    login_clerk(client, "rolf")
    api = client.get("/api/v1/invoices").json()
    assert [item["id"] for item in api["items"]] == [invoices["rastatt"]]
    search = client.get("/kaemmerei/suche").text
    assert f'data-invoice-id="{invoices["rastatt"]}"' in search
    assert f'data-invoice-id="{invoices["ettlingen"]}"' not in search


def test_supplier_sees_only_its_own_invoices(client, invoices):
    other = {"Authorization": f"Bearer {SUPPLIER_TOKENS['mueller']}"}
    owner = {"Authorization": f"Bearer {SUPPLIER_TOKENS['bauer']}"}
    assert client.get(f"/api/v1/invoices/{invoices['ettlingen']}", headers=other).status_code == 404
    assert client.get(f"/api/v1/invoices/{invoices['ettlingen']}", headers=owner).status_code == 200
    listing = client.get("/api/v1/invoices", headers=other).json()
    assert [item["id"] for item in listing["items"]] == [invoices["rastatt"]]

    login_supplier(client, SUPPLIER_TOKENS["mueller"])
    for route in ("/portal/rechnungen/{id}", "/portal/rechnungen/{id}/pruefbericht"):
        assert client.get(route.format(id=invoices["ettlingen"])).status_code == 404
        assert client.get(route.format(id=invoices["rastatt"])).status_code == 200
    page = client.get("/portal/rechnungen").text
    assert f'data-invoice-id="{invoices["ettlingen"]}"' not in page
    assert f'data-invoice-id="{invoices["rastatt"]}"' in page


def test_supplier_view_hides_the_internals(client, invoices):
    owner = {"Authorization": f"Bearer {SUPPLIER_TOKENS['bauer']}"}
    body = client.get(f"/api/v1/invoices/{invoices['ettlingen']}", headers=owner).json()
    assert body["status"] == "in_review" and body["status_label"] == "in Prüfung"
    assert "account_assignment" not in body and "approval" not in body


def test_a_clerk_of_two_cities_sees_one_at_a_time(client, invoices):
    login_clerk(client, "mia")
    inbox = client.get("/kaemmerei/eingang").text
    assert "Ettlingen" in inbox and 'name="city_id"' in inbox
    assert client.get(f"/kaemmerei/rechnungen/{invoices['ettlingen']}").status_code == 200
    assert client.get(f"/kaemmerei/rechnungen/{invoices['rastatt']}").status_code == 404

    rastatt_id = inbox.split('>Rastatt<')[0].rsplit('value="', 1)[1].split('"')[0]
    client.post("/kaemmerei/stadt", data={"city_id": rastatt_id, "csrf_token": csrf_of(inbox)})
    assert client.get(f"/kaemmerei/rechnungen/{invoices['rastatt']}").status_code == 200
    assert client.get(f"/kaemmerei/rechnungen/{invoices['ettlingen']}").status_code == 404


def test_switching_to_a_city_without_a_role_is_refused(client, invoices):
    login_clerk(client, "rolf")  # Rastatt only
    page = client.get("/kaemmerei/eingang").text
    response = client.post("/kaemmerei/stadt", data={"city_id": "1", "csrf_token": csrf_of(page)})
    assert "keine Rolle" in response.text
    assert client.get(f"/kaemmerei/rechnungen/{invoices['ettlingen']}").status_code == 404
