"""worker.py as a real process: killed in the middle of a workflow, a new one finishes it and
nothing happens twice; SIGTERM stops it cleanly."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys

import pytest
from sqlmodel import select

from domain.status import InvoiceStatus, Step
from storage.audit import verify_chains
from storage.db import session_scope
from storage.models import ExportRecord
from workflows.decisions import Action

from wf_support import ASSIGNMENT, REPO, worker_env

pytestmark = [pytest.mark.temporal, pytest.mark.slow]


def start_worker(ctx, log_path, command=("worker.py",)) -> subprocess.Popen:
    log = open(log_path, "ab")
    env = worker_env(ctx)
    env["PYTHONPATH"] = str(REPO)
    return subprocess.Popen([sys.executable, *command], env=env, cwd=REPO, stdout=log, stderr=log)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.wait(timeout=30)


@pytest.mark.parametrize("db_kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_killed_worker_is_replaced_and_nothing_runs_twice(wf_without_worker):
    ctx = wf_without_worker
    log = ctx.tmp / "worker.log"
    first = start_worker(ctx, log)
    second = None
    try:
        invoices = [ctx.invoice(), ctx.invoice()]
        handles = [await ctx.start(i) for i in invoices]
        for invoice in invoices:
            await ctx.wait_step(invoice, Step.FACTUAL_REVIEW, timeout=60)
            await ctx.decide(invoice, Step.FACTUAL_REVIEW, Action.APPROVE, "ett.sach2", account_assignment=ASSIGNMENT)
            await ctx.wait_step(invoice, Step.ARITHMETIC_REVIEW)
            await ctx.decide(invoice, Step.ARITHMETIC_REVIEW, Action.APPROVE, "ett.rech")
            await ctx.wait_step(invoice, Step.PAYMENT_ORDER)

        first.send_signal(signal.SIGKILL)  # a crash, not a clean stop
        assert first.wait(timeout=30) == -signal.SIGKILL
        second = start_worker(ctx, log)

        for invoice in invoices:
            await ctx.decide(invoice, Step.PAYMENT_ORDER, Action.APPROVE, "ett.anordnung5")
        outcomes = await asyncio.wait_for(asyncio.gather(*(h.result() for h in handles)), timeout=120)
        assert [o.status for o in outcomes] == [InvoiceStatus.ARCHIVED] * 2

        with session_scope(ctx.engine) as session:
            assert verify_chains(session) == []
            records = session.exec(select(ExportRecord).where(ExportRecord.invoice_id.in_(invoices))).all()
        assert sorted(r.invoice_id for r in records) == sorted(invoices)  # once each
        for invoice in invoices:
            actions = [a for _, a in ctx.events(invoice)]
            assert actions.count("task.opened") == 3
            for step in ("factual_review", "arithmetic_review", "payment_order"):
                assert actions.count(f"decision.{step}.approve") == 1
            assert actions.count("export.recorded") == 1
            assert actions.count("workflow.archived") == 1
    finally:
        stop(first)
        if second is not None:
            second.send_signal(signal.SIGTERM)
            try:
                assert second.wait(timeout=30) == 0, log.read_text(errors="replace")[-3000:]
            finally:
                stop(second)


async def test_sigterm_stops_the_worker_cleanly(wf_without_worker):
    """`rechnungslauf worker` (through the CLI dispatcher) works the queue and stops on SIGTERM."""
    ctx = wf_without_worker
    log = ctx.tmp / "worker.log"
    process = start_worker(ctx, log, command=("-m", "cli", "worker"))
    try:
        invoice = ctx.invoice()
        await ctx.start(invoice)
        await ctx.wait_step(invoice, Step.FACTUAL_REVIEW, timeout=60)  # it really works the queue
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, log.read_text(errors="replace")[-3000:]
        assert "Worker wird beendet" in log.read_text(errors="replace")
    finally:
        stop(process)
