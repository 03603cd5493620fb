"""The Temporal worker process: `rechnungslauf worker` or `python worker.py`.

Runs the approval workflow and its activities on the task queue RECHNUNGSLAUF_TASK_QUEUE
(default "rechnungslauf") of the server at TEMPORAL_ADDRESS (default 127.0.0.1:7233).
Start as many as the load needs: they share the queue. SIGTERM / SIGINT stop it cleanly
(running activities finish, then the process exits 0).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from storage.db import make_engine
from storage.documents import FileSystemDocumentStore
from workflows.activities import ApprovalActivities
from workflows.approval import InvoiceApproval
from workflows.client import connect, task_queue
from workflows.exporting import default_root
from workflows.intake import start_pending

log = logging.getLogger("rechnungslauf.worker")
ACTIVITY_THREADS = 8
PENDING_INTERVAL = 60
STICKY_TIMEOUT = timedelta(seconds=3)


def build_worker(
    client: Client, activities: ApprovalActivities, *, queue: str | None = None, executor: ThreadPoolExecutor
) -> Worker:
    return Worker(
        client,
        task_queue=queue or task_queue(),
        workflows=[InvoiceApproval],
        activities=activities.all(),
        activity_executor=executor,
        max_concurrent_activities=ACTIVITY_THREADS,
        max_concurrent_local_activities=ACTIVITY_THREADS,
        # a run whose worker died moves on to another worker after this, not after 10 s
        sticky_queue_schedule_to_start_timeout=STICKY_TIMEOUT,
        workflow_runner=workflow_runner(),
    )


def workflow_runner() -> SandboxedWorkflowRunner:
    """The workflow module is still loaded afresh per run and its calls restricted; the
    modules it uses (domain, workflows.*, pydantic, …) hold no state and are shared instead
    of being re-imported for every new run."""
    return SandboxedWorkflowRunner(restrictions=SandboxRestrictions.default.with_passthrough_all_modules())


async def start_pending_regularly(engine, client: Client, queue: str | None, stop: asyncio.Event) -> None:
    """Approvals whose start was lost (Temporal unreachable at upload) start here: at once,
    then every PENDING_INTERVAL seconds. Several workers doing it at once is harmless."""
    while not stop.is_set():
        try:
            started = await start_pending(engine, client, queue)
        except Exception:  # the worker serves on; the next round tries again
            log.exception("Liegengebliebene Freigabeverfahren nicht gestartet")
        else:
            if started:
                log.info("%d liegengebliebene Freigabeverfahren gestartet", started)
        try:
            await asyncio.wait_for(stop.wait(), PENDING_INTERVAL)
        except TimeoutError:
            pass


async def serve(queue: str | None = None, stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    client = await connect()
    activities = ApprovalActivities(
        make_engine(),
        FileSystemDocumentStore(default_root("RECHNUNGSLAUF_DOCUMENTS", "documents")),
        default_root("RECHNUNGSLAUF_OUTBOX", "outbox"),
    )
    with ThreadPoolExecutor(max_workers=ACTIVITY_THREADS) as executor:
        worker = build_worker(client, activities, queue=queue, executor=executor)
        log.info("Worker läuft auf Task-Queue %s", queue or task_queue())
        async with worker:
            pending = asyncio.create_task(start_pending_regularly(activities.engine, client, queue, stop))
            await stop.wait()
            log.info("Worker wird beendet")
            await pending
    activities.engine.dispose()


def run(args) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(serve(getattr(args, "task_queue", None)))
    return 0


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Temporal-Worker für den re@di Rechnungslauf")
    parser.add_argument("--task-queue", default=None)
    return run(parser.parse_args())


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # temporalio's runtime may abort at interpreter exit (sdk-python#300)
