"""Recorded workflow histories must replay on the current code: a change that would break
running workflows fails here. Guard real changes with `workflow.patched(...)`.

Re-record (after a deliberate, patched change) with
`RECHNUNGSLAUF_RECORD_HISTORIES=1 .venv/bin/python -m pytest tests/workflows/test_replay.py`.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from domain.status import Step
from workflows.activities import ApprovalActivities
from workflows.approval import InvoiceApproval
from workflows.decisions import Action, Withdrawal, withdraw
from workflows.model import ApprovalInput, ApprovalOutcome

from wf_support import ASSIGNMENT

HISTORIES = Path(__file__).parent / "histories"
RECORD = bool(os.environ.get("RECHNUNGSLAUF_RECORD_HISTORIES"))


@workflow.defn(name="InvoiceApproval", sandboxed=False)
class LoadsStaffFirst(InvoiceApproval):
    """An incompatible change: a new activity before routing."""

    @workflow.run
    async def run(self, inp: ApprovalInput) -> ApprovalOutcome:
        await workflow.execute_activity_method(
            ApprovalActivities.load_staff, "ettlingen", start_to_close_timeout=timedelta(seconds=10)
        )
        return await InvoiceApproval.run(self, inp)


@workflow.defn(name="InvoiceApproval", sandboxed=False)
class LoadsStaffFirstPatched(InvoiceApproval):
    """The same change, guarded: old histories take the old path."""

    @workflow.run
    async def run(self, inp: ApprovalInput) -> ApprovalOutcome:
        if workflow.patched("load-staff-before-route"):
            await workflow.execute_activity_method(
                ApprovalActivities.load_staff, "ettlingen", start_to_close_timeout=timedelta(seconds=10)
            )
        return await InvoiceApproval.run(self, inp)


HISTORY_FILES = sorted(HISTORIES.glob("*.json"))


def load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(f"replay-{path.stem}", path.read_text())


def recorded() -> list[WorkflowHistory]:
    assert HISTORY_FILES, f"no recorded histories in {HISTORIES}"
    return [load(f) for f in HISTORY_FILES]


async def replay(workflow_class, history: WorkflowHistory) -> None:
    replayer = Replayer(workflows=[workflow_class], data_converter=pydantic_data_converter)
    await replayer.replay_workflow(history)


async def test_recorded_histories_replay_on_current_code():
    histories = recorded()
    # *_v1: recorded before the "open-step" patch; replaying both proves the patch guards old runs
    assert {h.workflow_id for h in histories} >= {
        "replay-happy_path", "replay-withdrawn", "replay-happy_path_v1", "replay-withdrawn_v1",
    }
    for history in histories:
        await replay(InvoiceApproval, history)


@pytest.mark.parametrize("path", HISTORY_FILES, ids=lambda p: p.stem)
async def test_incompatible_change_fails_replay(path):
    with pytest.raises(NondeterminismError):
        await replay(LoadsStaffFirst, load(path))


@pytest.mark.parametrize("path", HISTORY_FILES, ids=lambda p: p.stem)
async def test_patched_change_replays(path):
    await replay(LoadsStaffFirstPatched, load(path))


@pytest.mark.temporal
async def test_live_histories_replay_and_can_be_recorded(wf):
    """Run the paths whose histories are kept, replay them at once, and write them when asked."""
    happy = wf.invoice()
    handle = await wf.start(happy)
    await wf.wait_step(happy, Step.FACTUAL_REVIEW)
    await wf.decide(happy, Step.FACTUAL_REVIEW, Action.COMMENT, "ett.rech", comment="Bitte Lieferschein prüfen")
    await wf.decide(happy, Step.FACTUAL_REVIEW, Action.FORWARD, "ett.sach2", target_department="bau")
    await wf.wait_step(happy, Step.FACTUAL_REVIEW)
    await wf.decide(happy, Step.FACTUAL_REVIEW, Action.APPROVE, "ett.bau", account_assignment=ASSIGNMENT)
    await wf.wait_step(happy, Step.ARITHMETIC_REVIEW)
    await wf.decide(happy, Step.ARITHMETIC_REVIEW, Action.APPROVE, "ett.rech")
    await wf.wait_step(happy, Step.PAYMENT_ORDER)
    await wf.decide(happy, Step.PAYMENT_ORDER, Action.APPROVE, "ett.anordnung5")
    await handle.result()

    withdrawn = wf.invoice()
    other = await wf.start(withdrawn)
    await wf.wait_step(withdrawn, Step.FACTUAL_REVIEW)
    await withdraw(wf.client, withdrawn, Withdrawal(actor="supplier:lieferant", reason="Gutschrift"))
    await other.result()

    for name, h in (("happy_path", handle), ("withdrawn", other)):
        history = await h.fetch_history()
        await replay(InvoiceApproval, history)
        if RECORD:
            HISTORIES.mkdir(exist_ok=True)
            (HISTORIES / f"{name}.json").write_text(history.to_json())
