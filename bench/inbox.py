"""Inbox query speed with a full database: fills SQLite and/or PostgreSQL with N invoices
(default 200 000) and their tasks, then prints the p95 of one clerk's inbox query.

    .venv/bin/python bench/inbox.py                       # both databases, 200 000 invoices
    .venv/bin/python bench/inbox.py --backend sqlite --invoices 20000

Goal: p95 < 50 ms on both. The databases are throw-away (a temp file, a temp schema).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, select  # noqa: E402

from domain.status import InvoiceStatus, Step  # noqa: E402
from storage.config_loader import load_config  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import City, Document, Group, Invoice, Supplier, Task, TaskState, User  # noqa: E402
from storage.tasks import InboxQuery, inbox  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CLERK = "ett.sach2"  # two department groups' worth of tasks, plus a colleague's as substitute
NOW = datetime(2026, 11, 21, 12, 0)
CHUNK = 10_000
STEPS = [Step.FACTUAL_REVIEW, Step.ARITHMETIC_REVIEW, Step.PAYMENT_ORDER]
OPEN_STATUS = {
    Step.FACTUAL_REVIEW: InvoiceStatus.IN_FACTUAL_REVIEW,
    Step.ARITHMETIC_REVIEW: InvoiceStatus.IN_ARITHMETIC_REVIEW,
    Step.PAYMENT_ORDER: InvoiceStatus.AWAITING_PAYMENT_ORDER,
}


def fill(engine, count: int, open_share: float, seed: int = 4) -> dict[str, int]:
    rng = random.Random(seed)
    with session_scope(engine) as session:
        load_config(session, REPO / "config" / "demo.toml")
    with session_scope(engine) as session:
        cities = list(session.scalars(select(City)))
        groups = list(session.scalars(select(Group)))
        users = list(session.scalars(select(User)))
        suppliers = [s.id for s in session.scalars(select(Supplier))]
    by_city: dict[int, dict[str, list]] = {c.id: {"department": [], "rech": [], "anordnung": [], "users": []} for c in cities}
    for g in groups:
        kind = "department" if g.department_id else ("rech" if g.key == "rechnerische-pruefung" else "anordnung" if g.key == "anordnung" else None)
        if kind:
            by_city[g.city_id][kind].append(g)
    city_prefix = {c.id: c.key[:3] for c in cities}
    for u in users:
        for c in cities:
            if u.login.startswith(city_prefix[c.id]):
                by_city[c.id]["users"].append(u.id)

    documents, invoices, tasks = [], [], []
    task_id = 0
    totals = {"invoices": 0, "tasks": 0, "open_tasks": 0}
    start = time.perf_counter()

    def flush() -> None:
        with engine.begin() as connection:
            if documents:
                connection.execute(insert(Document), documents)
                connection.execute(insert(Invoice), invoices)
                if tasks:
                    connection.execute(insert(Task), tasks)
        totals["invoices"] += len(invoices)
        totals["tasks"] += len(tasks)
        documents.clear(), invoices.clear(), tasks.clear()

    for n in range(1, count + 1):
        city = rng.choice(cities)
        pool = by_city[city.id]
        department_group = rng.choice(pool["department"])
        received = NOW - timedelta(days=rng.randint(0, 900), minutes=rng.randint(0, 1440))
        amount = Decimal(rng.randint(500, 8_000_000)) / 100
        supplier = rng.choice(suppliers)
        is_open = rng.random() < open_share
        open_step = rng.choice(STEPS) if is_open else None
        status = OPEN_STATUS[open_step] if is_open else InvoiceStatus.ARCHIVED
        documents.append({
            "id": n, "sha256": uuid.UUID(int=rng.getrandbits(128)).hex + uuid.UUID(int=n).hex[:32],
            "size": 9000, "media_type": "application/xml", "filename": f"r{n}.xml",
            "storage_key": f"bench/{n}", "received_at": received, "retain_until": date(received.year + 10, 12, 31),
        })
        invoices.append({
            "id": n, "document_id": n, "supplier_id": supplier, "city_id": city.id,
            "department_id": department_group.department_id, "syntax": "ubl", "number": f"R-{n}",
            "issue_date": received.date(), "seller_name": f"Lieferant {supplier}", "currency": "EUR",
            "net_total": amount, "gross_total": amount, "amount_due": amount, "status": status.value,
            "accepted": True, "created_at": received, "updated_at": received, "version": 1,
            "due_date": (received + timedelta(days=30)).date(),
            "skonto_date": (received + timedelta(days=14)).date() if n % 3 == 0 else None,
        })
        for step in STEPS:
            task_id += 1
            open_now = step == open_step
            group = {Step.FACTUAL_REVIEW: department_group, Step.ARITHMETIC_REVIEW: pool["rech"][0],
                     Step.PAYMENT_ORDER: pool["anordnung"][0]}[step]
            personal = rng.random() < 0.2  # some tasks go to one person, not the team
            tasks.append({
                "id": task_id, "key": f"invoice-{n}-{step.value}-1", "invoice_id": n, "step": step.value,
                "city_id": city.id, "department_id": department_group.department_id,
                "assignee_user_id": rng.choice(pool["users"]) if personal else None,
                "assignee_group_id": None if personal else group.id,
                "supplier_id": supplier, "amount": amount, "due_at": received + timedelta(days=10),
                "skonto_date": invoices[-1]["skonto_date"],
                "state": TaskState.OPEN.value if open_now else TaskState.DONE.value,
                "reminded": False, "escalated": False, "created_at": received,
                "done_at": None if open_now else received + timedelta(days=2),
            })
            totals["open_tasks"] += open_now
            if open_now:
                break
        if len(invoices) >= CHUNK:
            flush()
    flush()
    settle(engine)
    totals["fill_seconds"] = round(time.perf_counter() - start, 1)
    return totals


def settle(engine) -> None:
    """What a running database does by itself after a bulk load: statistics, and the WAL
    checkpointed (SQLite: the last connection closing does it) or the visibility map set by
    (auto)vacuum (PostgreSQL)."""
    if engine.dialect.name == "sqlite":
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
        engine.dispose()
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


def measure(engine, runs: int) -> dict[str, float]:
    figures = {}
    with session_scope(engine) as session:
        clerk = session.scalars(select(User).where(User.login == CLERK)).one()
        queries = {
            "due": InboxQuery(),
            "amount": InboxQuery(sort="amount"),
            "overdue": InboxQuery(overdue=True, sort="skonto"),
            "page 5": InboxQuery(page=5),
        }
        for name, query in queries.items():
            inbox(session, clerk.id, query, now=NOW)  # warm up
            timings = []
            for _ in range(runs):
                t0 = time.perf_counter()
                page = inbox(session, clerk.id, query, now=NOW)
                timings.append((time.perf_counter() - t0) * 1000)
            figures[name] = statistics.quantiles(timings, n=20)[18]
            figures[f"{name} median"] = statistics.median(timings)
            figures[f"{name} size"] = page.total
    return figures


def run_backend(kind: str, count: int, runs: int, open_share: float) -> dict:
    if kind == "sqlite":
        folder = tempfile.TemporaryDirectory(prefix="bench-inbox-")
        engine = make_engine(f"sqlite:///{folder.name}/bench.db")
        cleanup = folder.cleanup
    else:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        engine = make_engine(f"{PG_SERVER}?options=-csearch_path%3D{schema}")

        def cleanup():
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()
    try:
        upgrade(engine=engine)
        totals = fill(engine, count, open_share)
        figures = measure(engine, runs)
    finally:
        engine.dispose()
        cleanup()
    return totals | figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--invoices", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--open-share", type=float, default=0.15, help="share of invoices still in approval")
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    worst = 0.0
    for kind in kinds:
        r = run_backend(kind, args.invoices, args.runs, args.open_share)
        print(f"{kind}: {r['invoices']} invoices, {r['tasks']} tasks ({r['open_tasks']} open), filled in {r['fill_seconds']} s")
        for name in ("due", "amount", "overdue", "page 5"):
            print(f"  inbox of {CLERK} sorted/filtered by {name:8s} ({r[name + ' size']:5d} tasks): "
                  f"p95 {r[name]:6.2f} ms, median {r[name + ' median']:6.2f} ms")
        worst = max(worst, *(r[n] for n in ("due", "amount", "overdue", "page 5")))
    print(f"inbox p95 (worst of all): {worst:.2f} ms (goal < 50 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
