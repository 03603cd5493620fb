"""The floor under bench/e2e.py: how many approval-shaped workflows per second Temporal alone
carries on this machine, with no database, no documents, no web and no validation.

Each run has the shape of InvoiceApproval: a local activity to route, then three steps that
each open with a local activity and wait for a decision Update (whose handler records it with
another local activity), then export and finish; 3 timers started and cancelled on the way.
Every activity does nothing. The same `temporal` dev server (history in a file) and Python SDK
as the real stack, the pydantic data converter, sandboxed workflows, local activities.

    .venv/bin/python bench/temporal_floor.py --count 200

Prints completed workflows per second and the CPU per workflow of the server and of this
process (client + worker): what is left of two cores for everything else.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from pydantic import BaseModel
from temporalio import activity, workflow
from temporalio.client import WorkflowUpdateFailedError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

STEPS = 3


class Note(BaseModel):
    invoice_id: int
    what: str


@activity.defn
def touch(note: Note) -> Note:
    return note


@workflow.defn(name="ApprovalShape")
class ApprovalShape:
    def __init__(self) -> None:
        self.step = 0
        self.open = False
        self.decided = False

    async def _local(self, invoice_id: int, what: str) -> None:
        await workflow.execute_local_activity(
            touch, Note(invoice_id=invoice_id, what=what), start_to_close_timeout=timedelta(seconds=30)
        )

    @workflow.run
    async def run(self, invoice_id: int) -> int:
        await self._local(invoice_id, "route")
        for step in range(1, STEPS + 1):
            await self._local(invoice_id, f"open {step}")
            self.step, self.open, self.decided = step, True, False
            try:
                await workflow.wait_condition(lambda: self.decided, timeout=timedelta(days=5))
            except asyncio.TimeoutError:
                pass
        await self._local(invoice_id, "export")
        await self._local(invoice_id, "finish")
        return invoice_id

    @workflow.update
    async def decide(self, step: int) -> int:
        self.open = False
        await self._local(0, f"record {step}")
        self.decided = True
        return step

    @decide.validator
    def check(self, step: int) -> None:
        if not self.open or step != self.step:
            raise ApplicationError("not open", type="busy", non_retryable=True)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def drive(client, invoice_id: int, queue: str) -> None:
    handle = await client.start_workflow("ApprovalShape", invoice_id, id=f"floor-{invoice_id}", task_queue=queue)
    for step in range(1, STEPS + 1):
        while True:
            try:
                await handle.execute_update("decide", step)
                break
            except WorkflowUpdateFailedError:  # the step is not open yet
                await asyncio.sleep(0.05)
    await handle.result()


async def main(count: int, concurrency: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import temporal_floor as shape  # the workflow from an importable module, not __main__
    from web.stack import temporal_binary
    from worker import workflow_runner

    temporal = temporal_binary()
    folder = tempfile.mkdtemp(prefix="temporal-floor-")
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal, data_converter=pydantic_data_converter,
        dev_server_log_level="warn",
        # its history in a file, as `rechnungslauf serve` and bench/e2e.py run it
        dev_server_extra_args=["--db-filename", str(Path(folder) / "temporal.db")],
    )
    async with env:
        server_pid = next(
            int(p.name) for p in Path("/proc").iterdir()
            if p.name.isdigit() and temporal in (p / "cmdline").read_bytes().decode(errors="ignore")
        )
        with ThreadPoolExecutor(8) as executor:
            async with Worker(env.client, task_queue="floor", workflows=[shape.ApprovalShape], activities=[shape.touch],
                              activity_executor=executor, workflow_runner=workflow_runner()):
                await drive(env.client, 0, "floor")  # warm up
                semaphore = asyncio.Semaphore(concurrency)

                async def one(n: int) -> None:
                    async with semaphore:
                        await drive(env.client, n, "floor")

                server_cpu, own_cpu, started = cpu_seconds(server_pid), time.process_time(), time.perf_counter()
                await asyncio.gather(*(one(n) for n in range(1, count + 1)))
                seconds = time.perf_counter() - started
                server_cpu, own_cpu = cpu_seconds(server_pid) - server_cpu, time.process_time() - own_cpu
    shutil.rmtree(folder, ignore_errors=True)
    print(f"{count} Läufe in Form des Freigabeverfahrens (leere Aktivitäten), {concurrency} gleichzeitig")
    print(f"Durchsatz: {count / seconds:.1f} Läufe/s")
    print(f"CPU je Lauf: Temporal-Server {server_cpu / count * 1000:.0f} ms, "
          f"Client + Worker {own_cpu / count * 1000:.0f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(main(args.count, args.concurrency))
    sys.stdout.flush()
    os._exit(0)  # temporalio's runtime may abort at interpreter exit (sdk-python#300)
