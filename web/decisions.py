"""A clerk's decision from the web (form or API) to the workflow Update, and its refusal back
as a problem with the workflow's stable code and German message."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlmodel import select
from starlette.concurrency import run_in_threadpool
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError

from domain.approval import AccountAssignment
from domain.status import STEP_STATUS, InvoiceStatus, Step
from storage.db import read_scope
from storage.models import Invoice, Task, TaskState
from web.formatting import MAX_AMOUNT_DIGITS
from web.identity import Clerk
from web.problems import Problem, not_found
from web.services import Services
from workflows.decisions import Action, Decision, DecisionRefused, DecisionResult, Refusal, decide

DECISION_TIMEOUT = 30.0  # seconds until the clerk hears that the decision is still pending
BUSY_RETRIES = 40
BUSY_PAUSE = 0.25  # seconds
STEP_WAIT = 10.0  # seconds a decision waits for its step's task to open before the workflow answers
STEP_POLL_FIRST, STEP_POLL_MAX = 0.05, 1.0  # seconds between looks at the database while it waits
FORBIDDEN = {Refusal.FOUR_EYES, Refusal.MISSING_ROLE, Refusal.NOT_ASSIGNEE, Refusal.LIMIT, Refusal.OTHER_CITY}
UNPROCESSABLE = {Refusal.REASON_MISSING, Refusal.ASSIGNMENT_MISSING, Refusal.ASSIGNMENT_INVALID,
                 Refusal.UNKNOWN_DEPARTMENT, Refusal.ACTION_NOT_ALLOWED}
UNAVAILABLE = {Refusal.PENDING}


class DecisionRequest(BaseModel):
    """Body of POST /api/v1/invoices/{id}/decisions."""

    model_config = ConfigDict(extra="forbid")

    step: Step
    action: Action
    comment: str | None = Field(default=None, max_length=4000)
    account_assignment: list[AccountAssignment] = Field(default_factory=list)
    target_department: str | None = Field(default=None, max_length=64)

    @field_validator("account_assignment", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value

    @field_validator("account_assignment")
    @classmethod
    def _sane_amounts(cls, value: list[AccountAssignment]) -> list[AccountAssignment]:
        for assignment in value:
            amount = assignment.net_amount
            if amount is not None and (not amount.is_finite() or amount.adjusted() > MAX_AMOUNT_DIGITS):
                raise ValueError("Der Nettobetrag der Kontierung ist kein sinnvoller Betrag.")
        return value


def refusal_status(code: str) -> int:
    if code in FORBIDDEN:
        return 403
    if code in UNPROCESSABLE:
        return 422
    if code in UNAVAILABLE:
        return 503
    return 409


def _step_state(svc: Services, clerk: Clerk, invoice_id: int, step: Step) -> bool | None:
    """True when the step's task is open, None while it is about to open, False when waiting
    makes no sense: the workflow gives the answer.
    Polled while a decision waits: reads two columns and an index, not the invoice row."""
    with read_scope(svc.engine) as session:
        row = session.exec(
            select(Invoice.city_id, Invoice.status).where(Invoice.id == invoice_id)
        ).first()
        if row is None or row[0] != clerk.city_id:
            raise not_found()
        open_task = session.exec(
            select(Task.id).where(Task.invoice_id == invoice_id, Task.step == step, Task.state == TaskState.OPEN)
        ).first()
    if open_task is not None:
        return True
    status = InvoiceStatus(row[1])
    # the invoice moved on to the step and its task is being opened, or the run is starting
    # (routing, then the first step opens): worth a moment's wait
    opening = status is STEP_STATUS[step] or (status is InvoiceStatus.RECEIVED and step is Step.FACTUAL_REVIEW)
    return None if opening else False


async def _step_open(svc: Services, clerk: Clerk, invoice_id: int, step: Step) -> None:
    """Wait, on the database, until the step's task is open: a decision sent a moment too
    early (the previous step is still being recorded) needs no second click, and the
    workflow is asked once instead of over and over."""
    deadline = asyncio.get_running_loop().time() + STEP_WAIT
    pause = STEP_POLL_FIRST
    while await run_in_threadpool(_step_state, svc, clerk, invoice_id, step) is None:
        if asyncio.get_running_loop().time() >= deadline:
            return
        await asyncio.sleep(pause)
        # quick when the step is a moment away; under load, many waiting decisions must not
        # turn into a flood of polls
        pause = min(pause * 1.5, STEP_POLL_MAX)


async def send_decision(svc: Services, clerk: Clerk, invoice_id: int, request: DecisionRequest) -> DecisionResult:
    await _step_open(svc, clerk, invoice_id, request.step)
    decision = Decision(
        step=request.step,
        action=request.action,
        user=clerk.login,
        comment=(request.comment or "").strip() or None,
        account_assignment=request.account_assignment,
        target_department=request.target_department or None,
    )
    client = await svc.temporal()
    # "busy" is the moment between two steps (the next task is being opened): wait it out
    # rather than make the clerk click again
    attempt = 0
    while True:
        try:
            return await _decide_in_time(client, invoice_id, decision)
        except DecisionRefused as refused:
            if refused.code != Refusal.BUSY or attempt >= BUSY_RETRIES:
                raise Problem(refusal_status(refused.code), refused.code, refused.message) from refused
        attempt += 1
        await asyncio.sleep(BUSY_PAUSE)


async def _decide_in_time(client, invoice_id: int, decision: Decision) -> DecisionResult:
    """The Update, with Temporal's own failures as problems rather than 500s; a decision not
    confirmed within DECISION_TIMEOUT is refused as "pending" (it may still be recorded)."""
    try:
        return await decide(client, invoice_id, decision, timeout=DECISION_TIMEOUT)
    except RPCError as error:
        raise Problem(
            503, "temporal.unavailable", "Der Freigabe-Dienst ist gerade nicht erreichbar. Bitte später erneut versuchen."
        ) from error
    except WorkflowUpdateFailedError as error:
        raise Problem(
            409, "decision.failed", "Die Entscheidung konnte nicht gespeichert werden; bitte die Seite neu laden."
        ) from error
