"""Human decisions on an invoice and the client helpers the web calls to send them.

A decision is a Temporal Update on the workflow `invoice-<id>`; its validator refuses
(recording nothing) when the user may not decide. A refusal reaches the caller as
`DecisionRefused` with a stable `code` and a German `message`.
"""

from __future__ import annotations

import asyncio
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from temporalio.client import Client, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from domain.approval import AccountAssignment
from domain.status import InvoiceStatus, Step


class Action(StrEnum):
    APPROVE = "approve"  # sachlich / rechnerisch richtig, anordnen
    REJECT = "reject"  # zurückweisen (reason required)
    FORWARD = "forward"  # an ein anderes Amt weiterleiten
    COMMENT = "comment"  # kommentieren, ohne den Schritt abzuschließen
    ASSIGN = "assign"  # Rechnungseingang: einem Amt zuordnen

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.APPROVE: "freigeben",
    Action.REJECT: "zurückweisen",
    Action.FORWARD: "weiterleiten",
    Action.COMMENT: "kommentieren",
    Action.ASSIGN: "zuordnen",
}


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    step: Step  # the step the user saw: a decision for a step that has passed is refused
    action: Action
    user: str  # login, authenticated by the web
    comment: str | None = None  # the reason when rejecting: the supplier reads it
    account_assignment: list[AccountAssignment] = Field(default_factory=list)
    target_department: str | None = None  # forward / assign


class DecisionResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    invoice_id: int
    step: Step
    action: Action
    status: InvoiceStatus  # the invoice's status after the decision
    message: str  # German confirmation


class Withdrawal(BaseModel):
    """The supplier withdraws the invoice, or a credit note cancels it."""

    model_config = ConfigDict(extra="forbid")

    actor: str  # "supplier:<key>", "system", or a login
    reason: str


class Refusal(StrEnum):
    """Stable codes of refused decisions."""

    FINISHED = "decision.finished"
    STEP_PASSED = "decision.step_passed"
    BUSY = "decision.busy"
    OTHER_CITY = "decision.other_city"
    MISSING_ROLE = "decision.missing_role"
    NOT_ASSIGNEE = "decision.not_assignee"
    FOUR_EYES = "decision.four_eyes"
    LIMIT = "decision.limit_exceeded"
    ACTION_NOT_ALLOWED = "decision.action_not_allowed"
    REASON_MISSING = "decision.reason_missing"
    ASSIGNMENT_MISSING = "decision.assignment_missing"
    ASSIGNMENT_INVALID = "decision.assignment_invalid"
    UNKNOWN_DEPARTMENT = "decision.unknown_department"
    TOO_LATE = "decision.too_late"
    NO_WORKFLOW = "decision.no_workflow"
    PENDING = "decision.pending"  # sent, but not confirmed in time: it may still be recorded


class DecisionRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def refuse(code: Refusal, message: str) -> ApplicationError:
    """The error a validator raises; its type carries the code to the client."""
    return ApplicationError(message, type=code.value, non_retryable=True)


def workflow_id(invoice_id: int) -> str:
    return f"invoice-{invoice_id}"


def _refusal_from(err: BaseException) -> DecisionRefused:
    cause = err.cause if isinstance(err, WorkflowUpdateFailedError) else err
    if isinstance(cause, ApplicationError) and (cause.type or "").startswith("decision."):
        return DecisionRefused(cause.type, cause.message)
    if isinstance(err, RPCError) and err.status == RPCStatusCode.NOT_FOUND:
        return DecisionRefused(
            Refusal.NO_WORKFLOW, "Zu dieser Rechnung läuft kein Freigabeverfahren (mehr)."
        )
    raise err


async def _update(client: Client, invoice_id: int, name: str, arg: BaseModel, result_type: type, timeout: float):
    handle = client.get_workflow_handle(workflow_id(invoice_id))
    try:
        return await asyncio.wait_for(handle.execute_update(name, arg, result_type=result_type), timeout)
    except (WorkflowUpdateFailedError, RPCError) as err:
        raise _refusal_from(err) from err
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as err:  # no worker confirmed it in time
        raise DecisionRefused(
            Refusal.PENDING,
            "Die Entscheidung ist übermittelt, aber noch nicht bestätigt, weil der Freigabe-Dienst gerade "
            "nicht antwortet. Bitte prüfen Sie den Verlauf der Rechnung in einigen Minuten, bevor Sie erneut entscheiden.",
        ) from err


async def decide(client: Client, invoice_id: int, decision: Decision, *, timeout: float = 60) -> DecisionResult:
    """Send a decision; returns once it is recorded, raises `DecisionRefused` otherwise."""
    return await _update(client, invoice_id, "decide", decision, DecisionResult, timeout)


async def withdraw(client: Client, invoice_id: int, withdrawal: Withdrawal, *, timeout: float = 60) -> InvoiceStatus:
    """Withdraw the invoice (supplier, credit note); returns the final status."""
    return await _update(client, invoice_id, "withdraw", withdrawal, InvoiceStatus, timeout)


__all__ = [
    "Action", "Decision", "DecisionRefused", "DecisionResult", "Refusal", "Withdrawal", "decide",
    "refuse", "withdraw", "workflow_id",
]
