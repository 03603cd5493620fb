"""The intake: store, validate once, create the row, start the approval; duplicates, broken
uploads and credit notes. Official test invoices, BT-10 pointed at a configured city."""

from __future__ import annotations

import re
from argparse import Namespace
from datetime import timedelta

import pytest
from sqlmodel import select

from domain.status import InvoiceStatus, Step
from storage.db import session_scope
from storage.models import Document, Invoice, Supplier
from workflows.model import ApprovalOutcome
from workflows.intake import invoice_files, run_import, submit

from wf_support import ETT_HAUPTAMT, SAMPLE_INVOICE, TESTSUITE

pytestmark = [pytest.mark.temporal]


def addressed(path, leitweg=ETT_HAUPTAMT) -> bytes:
    text = path.read_text(encoding="utf-8")
    return re.sub(r"(BuyerReference>)[^<]*(<)", rf"\g<1>{leitweg}\g<2>", text, count=1).encode()


def credit_note_for(number: str) -> bytes:
    """The CII sample turned into a credit note (381) that names invoice `number` (BG-3)."""
    text = addressed(TESTSUITE / "business-cases" / "standard" / "01.01a-INVOICE_uncefact.xml").decode()
    text = text.replace("<ram:ID>123456XX</ram:ID>", "<ram:ID>GS-4711</ram:ID>", 1)
    text = text.replace("<ram:TypeCode>380</ram:TypeCode>", "<ram:TypeCode>381</ram:TypeCode>", 1)
    end = "</ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
    reference = f"<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>{number}</ram:IssuerAssignedID></ram:InvoiceReferencedDocument>"
    return text.replace(end, end + reference, 1).encode()


@pytest.fixture
def supplier(wf) -> int:
    wf.reserve_ids()
    with session_scope(wf.engine) as session:
        return session.exec(select(Supplier.id).where(Supplier.key == "lieferant")).one()


async def hand_in(wf, data: bytes, supplier: int | None, filename="rechnung.xml", media_type="application/xml"):
    return await submit(
        data, filename=filename, media_type=media_type, supplier_id=supplier, engine=wf.engine, store=wf.store,
        temporal_client=wf.client, task_queue=wf.queue,
    )


async def test_accepted_invoice_starts_its_approval_and_a_second_upload_is_the_same(wf, supplier):
    data = addressed(TESTSUITE / "business-cases" / "standard" / "01.01a-INVOICE_uncefact.xml")
    result = await hand_in(wf, data, supplier)
    assert result.accepted and not result.duplicate, result.message
    assert result.workflow_id == f"invoice-{result.invoice_id}"
    assert result.report["accepted"] is True
    state = await wf.wait_step(result.invoice_id, Step.FACTUAL_REVIEW)
    assert (state.city, state.department) == ("ettlingen", "hauptamt")
    with session_scope(wf.engine) as session:
        row = session.get(Invoice, result.invoice_id)
    assert (row.number, row.buyer_reference, row.syntax) == ("123456XX", str(ETT_HAUPTAMT), "cii")
    assert row.gross_total is not None and row.supplier_id == supplier

    again = await hand_in(wf, data, supplier)
    assert again.duplicate and again.invoice_id == result.invoice_id
    assert "bereits eingereicht" in again.message
    assert len(wf.tasks(result.invoice_id)) == 1  # no second workflow, no second task
    with session_scope(wf.engine) as session:
        assert len(session.exec(select(Invoice).where(Invoice.number == "123456XX")).all()) == 1

    # the same invoice in other bytes: a new intake, flagged as a suspected duplicate
    resent = await hand_in(wf, data.replace(b"<rsm:ExchangedDocument>", b"<rsm:ExchangedDocument> "), supplier)
    assert not resent.duplicate and resent.invoice_id != result.invoice_id
    checks = {c["code"]: c for c in resent.report["business"]}
    assert checks["duplicate.suspected"]["ok"] is False
    with session_scope(wf.engine) as session:
        assert session.get(Invoice, resent.invoice_id).duplicate_of_id == result.invoice_id


async def test_unreadable_upload_is_stored_and_rejected_with_a_report(wf, supplier):
    result = await hand_in(wf, b"%PDF-1.7 kaputt", supplier, filename="rechnung.pdf", media_type="application/pdf")
    assert not result.accepted and result.status is InvoiceStatus.REJECTED
    assert result.report["reason_code"].startswith("parse.")
    assert result.workflow_id is None
    with session_scope(wf.engine) as session:
        row = session.get(Invoice, result.invoice_id)
        document = session.get(Document, row.document_id)
    assert row.rejection_reason and wf.store.exists(document.sha256)
    assert result.message.startswith("Die Rechnung wurde zurückgewiesen")


async def test_invalid_invoice_is_rejected_with_its_findings(wf, supplier):
    data = addressed(SAMPLE_INVOICE).replace(b"<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>", b"")
    result = await hand_in(wf, data, supplier)
    assert not result.accepted
    assert result.report["findings"], result.report
    assert result.workflow_id is None


async def test_credit_note_withdraws_the_invoice_it_credits(wf, supplier):
    invoice = await hand_in(wf, addressed(SAMPLE_INVOICE), supplier)
    assert invoice.accepted, invoice.message
    await wf.wait_step(invoice.invoice_id, Step.FACTUAL_REVIEW)
    credit = await hand_in(wf, credit_note_for("123456XX"), supplier)
    assert credit.accepted, credit.message
    outcome = await wf.client.get_workflow_handle(invoice.workflow_id, result_type=ApprovalOutcome).result()
    assert outcome.status is InvoiceStatus.WITHDRAWN
    with session_scope(wf.engine) as session:
        row = session.get(Invoice, invoice.invoice_id)
    assert row.status == InvoiceStatus.WITHDRAWN and "GS-4711" in row.rejection_reason


def test_import_finds_invoice_files_in_folders(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/1.xml", "a/b/2.PDF", "a/notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    files, missing = invoice_files([str(tmp_path / "a"), str(tmp_path / "nope")])
    assert [f.name for f in files] == ["1.xml", "2.PDF"]
    assert missing == [str(tmp_path / "nope")]
    assert run_import(Namespace(paths=[str(tmp_path / "nope")], supplier=None)) == 2


async def test_unreachable_server_keeps_the_invoice_and_a_later_start_makes_up(wf, supplier):
    from temporalio.client import Client
    from temporalio.contrib.pydantic import pydantic_data_converter

    from workflows.intake import start_pending

    nowhere = await Client.connect("127.0.0.1:9", lazy=True, data_converter=pydantic_data_converter)
    result = await submit(addressed(SAMPLE_INVOICE), filename="r.xml", media_type="application/xml",
                          supplier_id=supplier, engine=wf.engine, store=wf.store, temporal_client=nowhere,
                          task_queue=wf.queue)
    assert result.accepted and result.workflow_id is None  # stored and checked, not lost
    assert "eingegangen" in result.message

    assert await start_pending(wf.engine, wf.client, wf.queue) == 0  # too young: its start may be under way
    assert await start_pending(wf.engine, nowhere, wf.queue, min_age=timedelta(0)) == 0  # still unreachable
    assert await start_pending(wf.engine, wf.client, wf.queue, min_age=timedelta(0)) == 1  # what the workers do
    state = await wf.wait_step(result.invoice_id, Step.FACTUAL_REVIEW)
    assert state.city == "ettlingen"
    with session_scope(wf.engine) as session:
        assert session.get(Invoice, result.invoice_id).workflow_id == f"invoice-{result.invoice_id}"
    assert await start_pending(wf.engine, wf.client, wf.queue, min_age=timedelta(0)) == 0


async def test_import_command_hands_in_a_folder(wf, supplier, tmp_path):
    import asyncio
    import subprocess
    import sys

    from wf_support import REPO, worker_env

    folder = tmp_path / "eingang" / "november"
    folder.mkdir(parents=True)
    (folder / "gut.xml").write_bytes(addressed(SAMPLE_INVOICE))
    (folder / "kaputt.xml").write_bytes(b"<kein>Rechnung</kein>")
    env = dict(worker_env(wf), PYTHONPATH=str(REPO))
    done = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "cli", "import", str(tmp_path / "eingang"), "--supplier", "lieferant"],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 1, done.stderr  # one file was rejected
    assert "kaputt.xml: Die Rechnung wurde zurückgewiesen" in done.stdout
    assert "1 angenommen, 1 zurückgewiesen, 0 bereits eingereicht" in done.stdout
    with session_scope(wf.engine) as session:
        good = session.exec(select(Invoice).where(Invoice.number == "123456XX")).one()
    assert good.supplier_id == supplier
    await wf.wait_step(good.id, Step.FACTUAL_REVIEW)  # its approval runs
