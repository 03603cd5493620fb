"""Connecting to Temporal and starting the approval of an invoice."""

from __future__ import annotations

import os

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import WorkflowAlreadyStartedError

from workflows.decisions import workflow_id
from workflows.model import ApprovalInput, ApprovalOutcome

DEFAULT_ADDRESS = "127.0.0.1:7233"
DEFAULT_TASK_QUEUE = "rechnungslauf"


def temporal_address() -> str:
    return os.environ.get("TEMPORAL_ADDRESS") or DEFAULT_ADDRESS


def task_queue() -> str:
    return os.environ.get("RECHNUNGSLAUF_TASK_QUEUE") or DEFAULT_TASK_QUEUE


async def connect(address: str | None = None, namespace: str | None = None) -> Client:
    """A client with the pydantic data converter (Decimal, date, our models)."""
    return await Client.connect(
        address or temporal_address(),
        namespace=namespace or os.environ.get("TEMPORAL_NAMESPACE") or "default",
        data_converter=pydantic_data_converter,
    )


async def start_approval(client: Client, invoice_id: int, *, queue: str | None = None) -> WorkflowHandle:
    """Start `InvoiceApproval` for the invoice; a second start, while it runs or after it
    ended, returns the existing workflow instead of starting another."""
    try:
        return await client.start_workflow(
            "InvoiceApproval",
            ApprovalInput(invoice_id=invoice_id),
            id=workflow_id(invoice_id),
            result_type=ApprovalOutcome,
            task_queue=queue or task_queue(),
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    except WorkflowAlreadyStartedError:
        return client.get_workflow_handle(workflow_id(invoice_id), result_type=ApprovalOutcome)
