"""End-to-end benchmark: upload → sachliche → rechnerische Prüfung → Anordnung → export.

Starts its own stack in a temporary folder (Temporal dev server, worker(s), web app on SQLite,
or PostgreSQL with --database-url), uploads N demo invoices over HTTP with concurrent clients,
drives every approval step over the clerk API as the demo users of each city, waits until
every invoice is exported and prints:

  invoices per second upload→export, p50/p95 upload latency, p95 decision latency,
  peak memory (VmHWM) of each process.

`--kill-worker` kills the worker with SIGKILL and starts a new one every few seconds; at the
end every invoice must be exported exactly once, none lost, every audit chain intact.

    .venv/bin/python bench/e2e.py --count 150
    .venv/bin/python bench/e2e.py --count 60 --kill-worker
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import socket
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from domain.status import STEP_STATUS, InvoiceStatus, Role, Step  # noqa: E402
from domain.tenants import TenantConfig  # noqa: E402
from web import stack  # noqa: E402
from web.demo import DemoFile, demo_files, load_tenants  # noqa: E402

FINAL = {"exported", "archived"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """pid and all its descendants (uvicorn workers, the worker's children)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    result, todo = [], [pid]
    while todo:
        current = todo.pop()
        result.append(current)
        todo.extend(children.get(current, []))
    return result


class Clerks:
    """One logged-in HTTP session per demo user; picks who decides which step of which city."""

    def __init__(self, base_url: str, config: TenantConfig):
        self.base_url = base_url
        self.config = config
        self.sessions: dict[str, tuple[httpx.AsyncClient, str]] = {}
        self.lock = asyncio.Lock()

    def pick(self, city: str, role: Role, amount: Decimal, exclude: str | None = None) -> str:
        candidates = []
        for user in self.config.users:
            if len({r.city for r in user.roles}) > 1:
                continue  # works for several cities: its session would first show another one
            for assignment in user.roles:
                if assignment.city == city and assignment.role == role and user.login != exclude:
                    limit = assignment.approval_limit
                    if role == Role.PAYMENT_ORDERER and limit is not None and limit < amount:
                        continue
                    candidates.append((limit is None, limit or Decimal(0), user.login))
        if not candidates:
            raise LookupError(f"keine Person mit Rolle {role} in {city}")
        return sorted(candidates)[0][2]

    async def session(self, login: str) -> tuple[httpx.AsyncClient, str]:
        async with self.lock:
            if login not in self.sessions:
                client = httpx.AsyncClient(base_url=self.base_url, timeout=60)
                page = await client.get("/kaemmerei/anmelden")
                token = CSRF.search(page.text).group(1)
                response = await client.post("/kaemmerei/anmelden", data={
                    "login": login, "password": "demo", "csrf_token": token})
                if response.status_code >= 400:
                    raise RuntimeError(f"Anmeldung {login} fehlgeschlagen: HTTP {response.status_code}")
                page = await client.get("/kaemmerei/eingang")
                self.sessions[login] = (client, CSRF.search(page.text).group(1))
            return self.sessions[login]

    async def login_all(self, cities: set[str]) -> None:
        """Every clerk who will decide logs in before the clock starts: a working day begins
        with a login, not every invoice."""
        logins = {user.login for user in self.config.users
                  if len({r.city for r in user.roles}) == 1 and user.roles[0].city in cities}
        await asyncio.gather(*(self.session(login) for login in sorted(logins)))

    async def close(self) -> None:
        for client, _ in self.sessions.values():
            await client.aclose()


async def upload(client: httpx.AsyncClient, item: DemoFile, latencies: list[float]) -> int:
    started = time.perf_counter()
    response = await client.post("/api/v1/invoices", content=item.content, headers={
        "Authorization": f"Bearer {item.token}", "Content-Type": item.media_type})
    latencies.append(time.perf_counter() - started)
    if response.status_code not in (201, 409):
        raise RuntimeError(f"{item.filename}: HTTP {response.status_code} {response.text[:300]}")
    return response.json()["id"]


async def status_of(client: httpx.AsyncClient, csrf: str, invoice_id: int) -> str:
    response = await client.get(f"/api/v1/invoices/{invoice_id}", headers={"X-CSRF-Token": csrf})
    response.raise_for_status()
    return response.json()["status"]


# the statuses a run passes, in order: the steps' own, then what follows the Anordnung
PROGRESS = [s.value for s in STEP_STATUS.values()] + [
    InvoiceStatus.APPROVED.value, InvoiceStatus.EXPORTED.value, InvoiceStatus.ARCHIVED.value]


def past(status: str, step: str) -> bool:
    """Whether an invoice in `status` has left `step` behind (so an earlier request decided it)."""
    return status in PROGRESS and PROGRESS.index(status) > PROGRESS.index(STEP_STATUS[Step(step)].value)


async def decide(clerks: Clerks, login: str, invoice_id: int, body: dict, latencies: list[float],
                 deadline: float) -> None:
    client, csrf = await clerks.session(login)
    sent = False  # a request that timed out may still have been recorded
    while True:
        started = time.perf_counter()
        try:
            response = await client.post(f"/api/v1/invoices/{invoice_id}/decisions", json=body,
                                         headers={"X-CSRF-Token": csrf})
        except httpx.TransportError:  # timed out or dropped while a worker restarts
            sent = True
            await asyncio.sleep(0.5)
            continue
        if response.status_code < 300:
            latencies.append(time.perf_counter() - started)
            return
        sent = sent or response.status_code == 503  # "pending": it may still be recorded
        if sent and response.status_code == 409 and past(await status_of(client, csrf, invoice_id), body["step"]):
            return  # the earlier, timed-out request did it
        # 409: the workflow has not reached this step yet; 503: a worker is restarting – try again
        if response.status_code not in (409, 503) or time.monotonic() > deadline:
            raise RuntimeError(f"Entscheidung {body['step']} für {invoice_id} durch {login}: "
                               f"HTTP {response.status_code} {response.text[:300]}")
        await asyncio.sleep(0.2)


async def approve(clerks: Clerks, city: str, invoice_id: int, item: DemoFile, latencies: list[float],
                  deadline: float) -> None:
    gross = item.invoice.totals.tax_inclusive
    factual = clerks.pick(city, Role.FACTUAL_REVIEWER, gross)
    assignment = {"gl_account": "443100", "cost_center": "1100", "product": "11.10.01"}
    await decide(clerks, factual, invoice_id, {"step": "factual_review", "action": "approve",
                                                "account_assignment": [assignment]}, latencies, deadline)
    await decide(clerks, clerks.pick(city, Role.ARITHMETIC_REVIEWER, gross), invoice_id,
                 {"step": "arithmetic_review", "action": "approve"}, latencies, deadline)
    try:
        orderer = clerks.pick(city, Role.PAYMENT_ORDERER, gross, exclude=factual)
    except LookupError:
        orderer = clerks.pick(city, Role.TREASURY_ADMIN, gross, exclude=factual)
    await decide(clerks, orderer, invoice_id, {"step": "payment_order", "action": "approve"}, latencies, deadline)


async def wait_exported(clerks: Clerks, city_login: dict[int, str], deadline: float) -> float:
    pending = set(city_login)
    while pending:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(pending)} Rechnungen nach Ablauf der Frist nicht exportiert: {sorted(pending)[:10]}")
        for invoice_id in list(pending):
            client, csrf = await clerks.session(city_login[invoice_id])
            if await status_of(client, csrf, invoice_id) in FINAL:
                pending.discard(invoice_id)
        if pending:
            await asyncio.sleep(0.5)
    return time.perf_counter()


async def drive(base_url: str, files: list[DemoFile], config: TenantConfig, concurrency: int,
                timeout: float, on_start=lambda: None, rate: float | None = None) -> dict:
    """Upload every file (at most `concurrency` at once; with `rate`, one every 1/rate seconds
    as suppliers would send them, instead of all as fast as possible) and approve each."""
    city_of_leitweg = {d.leitweg_id: c.key for c in config.cities for d in c.departments}
    clerks = Clerks(base_url, config)
    upload_latencies: list[float] = []
    decision_latencies: list[float] = []
    semaphore = asyncio.Semaphore(concurrency)
    deadline = time.monotonic() + timeout
    city_login: dict[int, str] = {}
    await clerks.login_all({city_of_leitweg[item.invoice.buyer_reference] for item in files})
    on_start()

    async with httpx.AsyncClient(base_url=base_url, timeout=60,
                                 limits=httpx.Limits(max_connections=concurrency)) as client:
        async def one(number: int, item: DemoFile) -> None:
            if rate:
                await asyncio.sleep(max(0.0, started + number / rate - time.perf_counter()))
            async with semaphore:
                invoice_id = await upload(client, item, upload_latencies)
            city = city_of_leitweg[item.invoice.buyer_reference]
            city_login[invoice_id] = clerks.pick(city, Role.ARITHMETIC_REVIEWER, Decimal(0))
            await approve(clerks, city, invoice_id, item, decision_latencies, deadline)

        started = time.perf_counter()
        await asyncio.gather(*(one(number, item) for number, item in enumerate(files)))
        finished = await wait_exported(clerks, city_login, deadline)
    await clerks.close()
    return {
        "seconds": finished - started,
        "invoices": len(city_login),
        "upload": upload_latencies,
        "decision": decision_latencies,
        "ids": sorted(city_login),
    }


async def kill_worker_loop(env: dict[str, str], workers: list, interval: float, stop: asyncio.Event) -> int:
    kills = 0
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
            break
        except asyncio.TimeoutError:
            pass
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait()
        kills += 1
        workers[0] = stack.start_worker(env)
    return kills


def verify_exactly_once(database_url: str, ids: list[int]) -> list[str]:
    from sqlmodel import func, select

    from storage.audit import verify_chains
    from storage.db import make_engine, session_scope
    from storage.models import ExportRecord

    problems = []
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            rows = session.exec(select(ExportRecord.invoice_id, func.count())
                                .group_by(ExportRecord.invoice_id)).all()
            counts = dict(rows)
            for invoice_id in ids:
                if counts.get(invoice_id, 0) != 1:
                    problems.append(f"Rechnung {invoice_id}: {counts.get(invoice_id, 0)}× exportiert")
            problems += [f"Prüfpfad {link.chain}: {link.message}" for link in verify_chains(session)]
    finally:
        engine.dispose()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=150)
    parser.add_argument("--concurrency", type=int, default=20, help="uploads in flight at most")
    parser.add_argument("--rate", type=float, default=None,
                        help="uploads per second (open loop); default: as fast as the concurrency allows")
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--web-workers", type=int, default=2, help="uvicorn processes")
    parser.add_argument("--database-url", default=None, help="default: SQLite in the temporary folder")
    parser.add_argument("--kill-worker", action="store_true")
    parser.add_argument("--kill-interval", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--temporal-in-memory", action="store_true",
                        help="dev server without its SQLite file (closer to a cluster's write path)")
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="rechnungslauf-e2e-"))
    env = dict(os.environ, RECHNUNGSLAUF_VAR=str(var), PYTHONUNBUFFERED="1")
    env["DATABASE_URL"] = args.database_url or f"sqlite:///{var / 'rechnungslauf.db'}"
    os.environ.update(RECHNUNGSLAUF_VAR=str(var), DATABASE_URL=env["DATABASE_URL"])
    config = load_tenants()
    stack.prepare_database(stack.DEMO_CONFIG, env["DATABASE_URL"])

    temporal_port, web_port = free_port(), free_port()
    processes: dict[str, object] = {}
    children: list = []
    workers: list = []
    try:
        children.append(stack.start_temporal(var, temporal_port, free_port(), persist=not args.temporal_in_memory))
        processes["temporal"] = children[-1]
        env["TEMPORAL_ADDRESS"] = f"127.0.0.1:{temporal_port}"
        workers = [stack.start_worker(env) for _ in range(args.workers)]  # --kill-worker replaces workers[0]
        children.append(stack.start_web(env, "127.0.0.1", web_port, args.web_workers))
        processes["web"] = children[-1]
        seed = args.seed if args.seed is not None else int(time.time())
        files = demo_files(args.count, config, seed=seed)
        pace = f"{args.rate:g} Uploads/s, höchstens " if args.rate else ""
        print(f"{len(files)} Rechnungen, {pace}{args.concurrency} parallele Uploads, {args.workers} Worker, "
              f"{args.web_workers} Web-Prozesse, Datenbank {env['DATABASE_URL'].split(':')[0]}", flush=True)

        peaks: dict[str, float] = {}
        cpu: dict[int, tuple[str, float]] = {}  # pid -> (role, CPU seconds at the last sample)
        cpu_start: dict[int, float] = {}
        bench_cpu_start = [0.0]

        def mark_start() -> None:
            """CPU is counted from here: after start-up and the clerks' logins."""
            cpu_start.update({pid: cpu_seconds(pid) for w in children + workers for pid in process_tree(w.pid)})
            bench_cpu_start[0] = time.process_time()

        def sample() -> None:
            groups = [("temporal", processes["temporal"]), ("web", processes["web"])]
            groups += [("worker", w) for w in workers]
            for name, proc in groups:
                for pid in process_tree(proc.pid):
                    peaks[name] = max(peaks.get(name, 0.0), peak_rss_mb(pid) or 0.0)
                    used = cpu_seconds(pid)
                    if used:
                        cpu[pid] = (name, used - cpu_start.get(pid, 0.0))


        async def run_all() -> tuple[dict, int]:
            stop = asyncio.Event()
            killer = asyncio.create_task(kill_worker_loop(env, workers, args.kill_interval, stop)) \
                if args.kill_worker else None

            async def sampler() -> None:
                while not stop.is_set():
                    sample()
                    await asyncio.sleep(0.5)

            sampling = asyncio.create_task(sampler())
            try:
                result = await drive(f"http://127.0.0.1:{web_port}", files, config, args.concurrency, args.timeout,
                                     on_start=mark_start, rate=args.rate)
            finally:
                stop.set()
                kills = await killer if killer else 0
                await sampling
            return result, kills

        result, kills = asyncio.run(run_all())
        sample()
        rate = result["invoices"] / result["seconds"]
        print(f"Durchsatz Upload→Export:     {rate:.1f} Rechnungen/s ({result['invoices']} in {result['seconds']:.1f} s)")
        print(f"Upload-Latenz p50 / p95:     {percentile(result['upload'], .5) * 1000:.0f} ms / "
              f"{percentile(result['upload'], .95) * 1000:.0f} ms")
        print(f"Entscheidungs-Latenz p95:    {percentile(result['decision'], .95) * 1000:.0f} ms "
              f"(p50 {statistics.median(result['decision']) * 1000:.0f} ms, {len(result['decision'])} Entscheidungen)")
        for name in ("temporal", "worker", "web"):
            print(f"Spitzen-Speicher {name:<9}   {peaks.get(name, 0):.0f} MB")
        cpu_by_role = {"bench": time.process_time() - bench_cpu_start[0]}
        for name, used in cpu.values():
            cpu_by_role[name] = cpu_by_role.get(name, 0.0) + used
        print("CPU je Rechnung:             " + ", ".join(
            f"{name} {used / result['invoices'] * 1000:.0f} ms" for name, used in cpu_by_role.items()))
        if args.kill_worker:
            print(f"Worker {kills}× mit SIGKILL beendet und neu gestartet.")
        problems = verify_exactly_once(env["DATABASE_URL"], result["ids"])
        if problems:
            print("FEHLER:\n  " + "\n  ".join(problems[:20]))
            return 1
        print(f"Alle {result['invoices']} Rechnungen genau einmal exportiert, alle Prüfpfade intakt.")
        return 0
    finally:
        stack.stop_all(children + workers)


if __name__ == "__main__":
    sys.exit(main())
