"""The clerk's pages over invoices stored through storage: inbox, invoice page, search,
dashboard, downloads."""

from __future__ import annotations

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from domain.status import Step
from storage.db import session_scope
from storage.invoices import update_invoice
from storage.models import Group, Invoice, User, utcnow
from storage.tasks import create_task
from tests.conftest import TESTSUITE
from tests.e2e.invoices import zugferd
from tests.web.helpers import csrf_of, login_clerk, retarget, store_invoice
from tests.web.tenants import ETTLINGEN_BAUAMT

STANDARD = TESTSUITE / "business-cases" / "standard"


def _task(engine, invoice_id: int, step: Step, group_key: str, due_in_days: int) -> None:
    with session_scope(engine) as session:
        group = session.exec(select(Group).where(Group.key == group_key)).one()
        create_task(session, invoice_id, step, assignee_group_id=group.id, due_at=utcnow() + timedelta(days=due_in_days))


@pytest.fixture
def three_invoices(tenant_db, settings):
    """Three Ettlingen invoices in Anna's group inbox, with different amounts and deadlines."""
    ids = []
    for name, due in (("01.01a-INVOICE_ubl.xml", 5), ("01.02a-INVOICE_ubl.xml", -2), ("01.03a-INVOICE_ubl.xml", 10)):
        data = retarget((STANDARD / name).read_bytes(), ETTLINGEN_BAUAMT)
        invoice_id = store_invoice(tenant_db.engine, settings.documents_root, data, supplier="bauer")
        _task(tenant_db.engine, invoice_id, Step.FACTUAL_REVIEW, "bauamt-sachlich", due)
        ids.append(invoice_id)
    return ids


def _rows(text: str) -> list[int]:
    return [int(part.split('"')[0]) for part in text.split('<tr data-invoice-id="')[1:]]


def test_inbox_shows_the_groups_tasks_sorted_and_filtered(client, three_invoices, tenant_db):
    login_clerk(client, "anna")
    by_due = _rows(client.get("/kaemmerei/eingang").text)
    assert by_due == [three_invoices[1], three_invoices[0], three_invoices[2]]
    with session_scope(tenant_db.engine) as session:
        amounts = {i: session.get(Invoice, i).amount_due for i in three_invoices}
    by_amount = _rows(client.get("/kaemmerei/eingang?sortierung=amount").text)
    assert by_amount == sorted(three_invoices, key=lambda i: amounts[i], reverse=True)
    overdue = client.get("/kaemmerei/eingang?ueberfaellig=1").text
    assert _rows(overdue) == [three_invoices[1]] and 'class="overdue"' in overdue
    assert _rows(client.get("/kaemmerei/eingang?schritt=payment_order").text) == []
    assert "Bauamt sachliche Prüfung" in client.get("/kaemmerei/eingang").text  # the group holding the tasks
    # Bernd is not in the group: his inbox is empty
    login_clerk(client, "bernd")
    assert _rows(client.get("/kaemmerei/eingang").text) == []


def test_inbox_pagination(client, three_invoices, settings):
    settings.page_size = 2
    login_clerk(client, "anna")
    first = client.get("/kaemmerei/eingang").text
    assert len(_rows(first)) == 2 and "Seite 1 von 2" in first and "seite=2" in first
    assert len(_rows(client.get("/kaemmerei/eingang?seite=2").text)) == 1


def test_invoice_page_shows_everything_and_the_actions_of_the_step(client, three_invoices):
    login_clerk(client, "anna")
    page = html.unescape(client.get(f"/kaemmerei/rechnungen/{three_invoices[0]}").text)
    for section in ("uebersicht", "verkaeufer", "kaeufer", "positionen", "umsatzsteuer", "summen", "zahlung", "nachrechnung", "verlauf"):
        assert f'id="{section}"' in page, section
    assert "Alle Beträge stimmen mit der Nachrechnung überein." in page
    assert 'id="form-approve"' in page and "sachlich richtig" in page and 'id="gl_account"' in page
    assert 'id="form-reject"' in page and 'id="form-forward"' in page and 'id="form-comment"' in page
    assert "Rechnung eingegangen" in page  # the history from the audit trail
    # Clara (payment orderer) may look and comment, but the step's actions are not hers
    login_clerk(client, "clara")
    page = client.get(f"/kaemmerei/rechnungen/{three_invoices[0]}").text
    assert 'id="form-approve"' not in page and 'id="form-comment"' in page


def test_recomputation_shows_a_wrong_total(client, tenant_db, settings):
    data = retarget((STANDARD / "01.01a-INVOICE_ubl.xml").read_bytes(), ETTLINGEN_BAUAMT)
    data = data.replace(b"<cbc:LineExtensionAmount currencyID=\"EUR\">", b"<cbc:LineExtensionAmount currencyID=\"EUR\">1", 1)
    invoice_id = store_invoice(tenant_db.engine, settings.documents_root, data, supplier="bauer")
    login_clerk(client, "anna")
    page = html.unescape(client.get(f"/kaemmerei/rechnungen/{invoice_id}").text)
    assert "Abweichung(en)" in page


def test_decision_form_reports_an_unreachable_workflow_in_german(client, three_invoices):
    login_clerk(client, "anna")
    token = csrf_of(client.get(f"/kaemmerei/rechnungen/{three_invoices[0]}").text)
    response = client.post(
        f"/kaemmerei/rechnungen/{three_invoices[0]}/entscheidung",
        data={"csrf_token": token, "step": "factual_review", "action": "approve", "gl_account": "4240"},
    )
    assert response.status_code == 200
    assert "Abgelehnt: Der Freigabe-Dienst ist gerade nicht erreichbar" in html.unescape(response.text)


def test_decision_form_refuses_nonsense(client, three_invoices):
    login_clerk(client, "anna")
    token = csrf_of(client.get(f"/kaemmerei/rechnungen/{three_invoices[0]}").text)
    response = client.post(
        f"/kaemmerei/rechnungen/{three_invoices[0]}/entscheidung",
        data={"csrf_token": token, "step": "kaffeepause", "action": "approve"},
    )
    assert response.status_code == 422 and response.json()["code"] == "decision.invalid"
    response = client.post(
        f"/kaemmerei/rechnungen/{three_invoices[0]}/entscheidung",
        data={"csrf_token": token, "step": "factual_review", "action": "approve", "gl_account": "4240", "net_amount": "zwölf"},
    )
    assert response.status_code == 422 and response.json()["code"] == "decision.invalid_amount"


def test_zugferd_page_shows_the_pdf_and_attachments_download(client, tenant_db, settings):
    pdf_id = store_invoice(tenant_db.engine, settings.documents_root, zugferd(), supplier="bauer",
                           filename="rechnung.pdf", media_type="application/pdf")
    attached = store_invoice(tenant_db.engine, settings.documents_root,
                             retarget((STANDARD / "02.03a-INVOICE_ubl.xml").read_bytes(), ETTLINGEN_BAUAMT), supplier="bauer")
    login_clerk(client, "anna")
    page = client.get(f"/kaemmerei/rechnungen/{pdf_id}").text
    assert 'id="pdf-original"' in page and f'src="/kaemmerei/rechnungen/{pdf_id}/original"' in page
    original = client.get(f"/kaemmerei/rechnungen/{pdf_id}/original")
    assert original.headers["content-type"] == "application/pdf" and original.content.startswith(b"%PDF")
    assert original.headers["content-disposition"].startswith("inline")

    page = client.get(f"/kaemmerei/rechnungen/{attached}").text
    assert 'id="pdf-original"' not in page and f"/kaemmerei/rechnungen/{attached}/anhaenge/0" in page
    download = client.get(f"/kaemmerei/rechnungen/{attached}/anhaenge/0")
    assert download.status_code == 200 and download.content
    assert download.headers["content-disposition"].startswith("attachment")
    assert client.get(f"/kaemmerei/rechnungen/{attached}/anhaenge/99").status_code == 404


def test_search_by_number_amount_date_and_status(client, three_invoices, tenant_db):
    login_clerk(client, "anna")
    with session_scope(tenant_db.engine) as session:
        rows = {i: session.get(Invoice, i) for i in three_invoices}
        update_invoice(session, three_invoices[2], actor="test", action="test", status="approved")
    target = rows[three_invoices[0]]
    assert _rows(client.get(f"/kaemmerei/suche?nummer={target.number}").text) == [three_invoices[0]]
    gross = target.gross_total
    found = _rows(client.get(f"/kaemmerei/suche?betrag_von={gross}&betrag_bis={gross}").text)
    assert three_invoices[0] in found and all(rows[i].gross_total == gross for i in found)
    german = str(gross).replace(".", ",")
    assert three_invoices[0] in _rows(client.get(f"/kaemmerei/suche?betrag_von={german}&betrag_bis={german}").text)
    day = target.issue_date.isoformat()
    assert three_invoices[0] in _rows(client.get(f"/kaemmerei/suche?datum_von={day}&datum_bis={day}").text)
    assert _rows(client.get("/kaemmerei/suche?status=approved").text) == [three_invoices[2]]
    assert client.get("/kaemmerei/suche?betrag_von=viel").status_code == 422


def test_dashboard_counts(client, three_invoices, tenant_db):
    with session_scope(tenant_db.engine) as session:
        update_invoice(session, three_invoices[0], actor="test", action="test",
                       skonto_date=utcnow().date() + timedelta(days=1), skonto_amount=Decimal("12.50"))
    login_clerk(client, "anna")
    page = client.get("/kaemmerei/uebersicht").text
    assert "Übersicht Ettlingen" in page
    metric = lambda name: page.split(f'id="metric-{name}"')[1].split("<strong")[1].split(">")[1].split("<")[0]  # noqa: E731
    assert metric("open") == "3"
    assert metric("overdue") == "1"
    assert metric("skonto-risk") == "1"


def test_dashboard_skonto_kept_and_lost_and_lead_time(tenant_db, three_invoices):
    from web.dashboard import city_dashboard

    now = utcnow()
    with session_scope(tenant_db.engine) as session:
        rows = [session.get(Invoice, i) for i in three_invoices]
        city_id = rows[0].city_id
        for row, (ordered_days_ago, skonto_in_days) in zip(rows, ((1, 3), (1, -5), (2, None)), strict=True):
            ordered = now - timedelta(days=ordered_days_ago)
            update_invoice(
                session, row.id, actor="test", action="test", status="approved",
                skonto_date=(now + timedelta(days=skonto_in_days)).date() if skonto_in_days is not None else None,
                skonto_amount=Decimal("10.00"),
                approval={"payment_order": {"user": "clara", "at": ordered.isoformat()}},
            )
        # received four days before the order
        session.execute(Invoice.__table__.update().values(created_at=now - timedelta(days=5)))
    with session_scope(tenant_db.engine) as session:
        board = city_dashboard(session, city_id, now=now)
    assert (board.skonto_kept, board.skonto_lost) == (1, 1)
    assert board.skonto_kept_amount == Decimal("10.00") and board.skonto_lost_amount == Decimal("10.00")
    assert board.median_lead_days == Decimal("4.0") and board.lead_sample == 3
    assert board.open_total == 0 and dict(board.per_status)["approved"] == 3


def test_a_substitute_sees_the_absent_colleagues_tasks(client, tenant_db, settings):
    data = retarget((STANDARD / "01.04a-INVOICE_ubl.xml").read_bytes(), ETTLINGEN_BAUAMT)
    invoice_id = store_invoice(tenant_db.engine, settings.documents_root, data, supplier="bauer")
    with session_scope(tenant_db.engine) as session:
        anna = session.exec(select(User).where(User.login == "anna")).one()
        create_task(session, invoice_id, Step.FACTUAL_REVIEW, assignee_user_id=anna.id, due_at=utcnow())
    login_clerk(client, "eva")
    page = client.get("/kaemmerei/eingang").text
    assert _rows(page) == [invoice_id] and "Anna Acker" in page and "(Vertretung)" in page
    login_clerk(client, "anna")
    assert ">ich<" in client.get("/kaemmerei/eingang").text


def test_clerks_see_the_business_checks_suppliers_do_not(client, tenant_db, settings):
    from tests.web.helpers import login_supplier
    from tests.web.tenants import SUPPLIER_TOKENS

    data = retarget((STANDARD / "01.01a-INVOICE_ubl.xml").read_bytes(), ETTLINGEN_BAUAMT)
    invoice_id = store_invoice(tenant_db.engine, settings.documents_root, data, supplier="bauer", validate=True)
    login_clerk(client, "anna")
    page = html.unescape(client.get(f"/kaemmerei/rechnungen/{invoice_id}").text)
    assert "Fachliche Prüfungen" in page and "Leitweg-ID 08215017-AMT60-04 ist gültig." in page
    login_supplier(client, SUPPLIER_TOKENS["bauer"])
    assert "Fachliche Prüfungen" not in client.get(f"/portal/rechnungen/{invoice_id}").text


def test_the_intake_clerk_assigns_a_department(client, tenant_db, settings):
    from tests.web.tenants import ETTLINGEN_CITY

    data = retarget((STANDARD / "01.05a-INVOICE_ubl.xml").read_bytes(), ETTLINGEN_CITY)
    invoice_id = store_invoice(tenant_db.engine, settings.documents_root, data, supplier="bauer", status="received")
    with session_scope(tenant_db.engine) as session:
        eva = session.exec(select(User).where(User.login == "eva")).one()
        create_task(session, invoice_id, Step.INTAKE, assignee_user_id=eva.id, due_at=utcnow())
    login_clerk(client, "eva")
    page = html.unescape(client.get(f"/kaemmerei/rechnungen/{invoice_id}").text)
    assert 'id="form-assign"' in page and 'value="bauamt"' in page and 'value="schulen"' in page
    assert "noch nicht zugeordnet" in page and 'id="form-approve"' not in page
