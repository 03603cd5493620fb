"""The clerk decision API against the real workflow: four eyes, refusals with their codes,
city isolation, and the supplier's view of the outcome. Invoices are stored and their
approval started as the intake does it."""

from __future__ import annotations

import asyncio
import re
import time

import httpx
import pytest

from storage.db import session_scope
from storage.models import Department, Invoice
from tests.e2e.invoices import xrechnung
from tests.web.helpers import csrf_of, store_invoice
from tests.web.tenants import ETTLINGEN_CITY, PASSWORD, SUPPLIER_TOKENS
from workflows.client import connect, start_approval

pytestmark = [pytest.mark.temporal, pytest.mark.slow]

ASSIGNMENT = [{"gl_account": "4240", "cost_center": "6000", "product": "51.10.01"}]
BAUER = {"Authorization": f"Bearer {SUPPLIER_TOKENS['bauer']}"}


def personal_token(base_url: str, login: str) -> dict[str, str]:
    """Log in through the form and have the key page issue a personal API token."""
    with httpx.Client(base_url=base_url, timeout=30) as browser:
        token = csrf_of(browser.get("/kaemmerei/anmelden").text)
        browser.post("/kaemmerei/anmelden", data={"login": login, "password": PASSWORD, "csrf_token": token})
        token = csrf_of(browser.get("/kaemmerei/schluessel").text)
        page = browser.post("/kaemmerei/schluessel", data={"csrf_token": token}).text
    return {"Authorization": "Bearer " + re.search(r'<code id="api-token">([^<]+)</code>', page).group(1)}


@pytest.fixture(scope="module")
def tokens(stack):
    return {login: personal_token(stack.base_url, login) for login in ("anna", "bernd", "clara", "rolf")}


def approval_started(stack, data: bytes) -> int:
    invoice_id = store_invoice(stack.engine, stack.documents, data, supplier="bauer", status="received", validate=True)

    async def start():
        client = await connect(stack.settings.temporal_address)
        await start_approval(client, invoice_id)

    asyncio.run(start())
    return invoice_id


def wait_for(http, invoice_id: int, headers, status: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = http.get(f"/api/v1/invoices/{invoice_id}", headers=headers).json()
        if body.get("status") == status or time.monotonic() > deadline:
            assert body.get("status") == status, body
            return body
        time.sleep(0.3)


def department_of(stack, invoice_id: int) -> str | None:
    with session_scope(stack.engine) as session:
        row = session.get(Invoice, invoice_id)
        department = session.get(Department, row.department_id) if row.department_id else None
        return department.key if department else None


def decide(http, invoice_id: int, headers, step: str, action: str = "approve", **extra):
    return http.post(f"/api/v1/invoices/{invoice_id}/decisions", json={"step": step, "action": action, **extra}, headers=headers)


def test_four_eyes_approval_through_the_api(stack, http, tokens):
    invoice_id = approval_started(stack, xrechnung())
    wait_for(http, invoice_id, tokens["anna"], "in_factual_review")

    missing = decide(http, invoice_id, tokens["anna"], "factual_review")
    assert missing.status_code == 422 and missing.json()["code"] == "decision.assignment_missing"
    assert "Kontierung" in missing.json()["detail"]
    assert decide(http, invoice_id, tokens["rolf"], "factual_review", account_assignment=ASSIGNMENT).status_code == 404

    done = decide(http, invoice_id, tokens["anna"], "factual_review", account_assignment=ASSIGNMENT[0])
    assert done.status_code == 200, done.text
    assert done.json()["step"] == "factual_review" and done.json()["message"]

    wait_for(http, invoice_id, tokens["bernd"], "in_arithmetic_review")
    early = decide(http, invoice_id, tokens["clara"], "payment_order")
    assert early.status_code == 409 and early.json()["code"] == "decision.step_passed"
    assert decide(http, invoice_id, tokens["bernd"], "arithmetic_review").status_code == 200

    wait_for(http, invoice_id, tokens["clara"], "awaiting_payment_order")
    refused = decide(http, invoice_id, tokens["anna"], "payment_order")
    assert refused.status_code == 403 and refused.json()["code"] == "decision.four_eyes"
    assert "Vier-Augen" in refused.json()["detail"]
    assert decide(http, invoice_id, tokens["clara"], "payment_order").status_code == 200

    deadline = time.monotonic() + 60
    while (body := http.get(f"/api/v1/invoices/{invoice_id}", headers=BAUER).json())["status"] not in ("approved", "exported"):
        assert time.monotonic() < deadline, body
        time.sleep(0.3)
    assert body["status_label"] in ("angeordnet", "exportiert")
    clerk_view = http.get(f"/api/v1/invoices/{invoice_id}", headers=tokens["clara"]).json()
    assert clerk_view["account_assignment"][0]["gl_account"] == "4240"


def test_rejection_reaches_the_supplier_with_its_reason(stack, http, tokens):
    invoice_id = approval_started(stack, xrechnung())
    wait_for(http, invoice_id, tokens["anna"], "in_factual_review")
    no_reason = decide(http, invoice_id, tokens["anna"], "factual_review", "reject")
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "decision.reason_missing"
    reason = "Die Leistung wurde nicht erbracht."
    assert decide(http, invoice_id, tokens["anna"], "factual_review", "reject", comment=reason).status_code == 200
    body = wait_for(http, invoice_id, BAUER, "rejected")
    assert body["reason"] == reason and body["status_label"] == "zurückgewiesen"


def test_comments_and_unknown_actions(stack, http, tokens):
    invoice_id = approval_started(stack, xrechnung())
    wait_for(http, invoice_id, tokens["anna"], "in_factual_review")
    assert decide(http, invoice_id, tokens["clara"], "factual_review", "comment", comment="Bitte zügig prüfen").status_code == 200
    bad = decide(http, invoice_id, tokens["anna"], "factual_review", "feiern")
    assert bad.status_code == 422 and bad.json()["code"] == "request.invalid"
    elsewhere = decide(http, invoice_id, tokens["anna"], "factual_review", "forward", target_department="gibt-es-nicht")
    assert elsewhere.status_code == 422 and elsewhere.json()["code"] == "decision.unknown_department"


def test_intake_assigns_a_department_then_forwarding_moves_it(stack, http, tokens):
    tokens.setdefault("eva", personal_token(stack.base_url, "eva"))
    invoice_id = approval_started(stack, xrechnung(ETTLINGEN_CITY))  # no Feinadressierung: Rechnungseingang
    wait_for(http, invoice_id, tokens["eva"], "received")
    deadline = time.monotonic() + 60
    while (answer := decide(http, invoice_id, tokens["eva"], "intake", "assign", target_department="bauamt")).status_code != 200:
        assert answer.json()["code"] in ("decision.busy", "decision.step_passed") and time.monotonic() < deadline, answer.text
        time.sleep(0.3)
    wait_for(http, invoice_id, tokens["anna"], "in_factual_review")
    moved = decide(http, invoice_id, tokens["anna"], "factual_review", "forward", target_department="schulen", comment="Schulsache")
    assert moved.status_code == 200, moved.text
    deadline = time.monotonic() + 60
    while department_of(stack, invoice_id) != "schulen":
        assert time.monotonic() < deadline, "the invoice did not move to the Schulamt"
        time.sleep(0.3)


def test_a_decision_sent_before_its_step_opens_waits_for_it(stack, http, tokens):
    invoice_id = approval_started(stack, xrechnung())  # no waiting for "in sachlicher Prüfung"
    answer = decide(http, invoice_id, tokens["anna"], "factual_review", "approve", account_assignment=ASSIGNMENT)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "in_arithmetic_review"


def test_a_decision_two_steps_ahead_is_refused_at_once(stack, http, tokens):
    invoice_id = approval_started(stack, xrechnung())
    wait_for(http, invoice_id, tokens["anna"], "in_factual_review")
    started = time.monotonic()
    answer = decide(http, invoice_id, tokens["clara"], "payment_order", "approve")
    assert answer.status_code == 409 and answer.json()["code"] == "decision.step_passed"
    assert time.monotonic() - started < 5  # not after the wait for a step that is about to open


def test_a_decision_nobody_confirms_is_reported_pending_not_failed(stack, http, tokens, monkeypatch):
    import web.decisions

    monkeypatch.setattr(web.decisions, "DECISION_TIMEOUT", 2.0)
    invoice_id = store_invoice(stack.engine, stack.documents, xrechnung(), supplier="bauer", status="received")

    async def start_without_worker():
        client = await connect(stack.settings.temporal_address)
        await start_approval(client, invoice_id, queue="ohne-worker")

    asyncio.run(start_without_worker())
    answer = decide(http, invoice_id, tokens["anna"], "factual_review", "comment", comment="Hallo?")
    assert answer.status_code == 503 and answer.json()["code"] == "decision.pending"
    assert "noch nicht bestätigt" in answer.json()["detail"]


def test_a_rejected_invoice_has_no_workflow_to_decide_in(stack, http, tokens):
    invoice_id = store_invoice(stack.engine, stack.documents, xrechnung(), supplier="bauer", status="rejected")
    answer = decide(http, invoice_id, tokens["anna"], "factual_review", "comment", comment="Hallo?")
    assert answer.status_code == 409 and answer.json()["code"] == "decision.no_workflow"
