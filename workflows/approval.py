"""The Temporal workflow `InvoiceApproval`: one durable run per accepted invoice.

route -> [intake] -> factual_review -> arithmetic_review -> payment_order -> export -> archive

Humans decide through the `decide` Update; its validator (workflows.rules) refuses before
anything is recorded. The handler records the decision through an activity and only then
lets the run move on, so the audit trail reads in the order things happened. `withdraw`
(the supplier, or a credit note) ends the run cleanly. The workflow holds ids and a staff
snapshot, never documents. Incompatible changes to this code must be guarded with
`workflow.patched(...)`; tests/workflows/test_replay.py replays recorded histories.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from domain.status import FINAL_STATUSES, STEP_STATUS, InvoiceStatus, Step
    from workflows.activities import ApprovalActivities
    from workflows.deadlines import add_working_days, skonto_kept, skonto_mark_at, skonto_near, task_due
    from workflows.decisions import Action, Decision, DecisionResult, Refusal, Withdrawal, refuse
    from workflows.model import (
        ApprovalInput,
        ApprovalOutcome,
        ApprovalState,
        DecisionRecord,
        ExportSummary,
        Finish,
        Route,
        TaskMark,
        TaskSpec,
    )
    from workflows.rules import STEP_ROLES, check_decision, departmental_orderer_covers

ACTIVITY_TIMEOUT = timedelta(seconds=60)
OPEN_STEP_PATCH = "open-step"
# since "local-activities" every activity runs as a local activity: they are millisecond
# database transactions, and a round trip through the server's task queues for each cost
# more than the work itself; a lost worker is noticed by the workflow task timeout (10 s)
# instead of an activity timeout. Older runs replay with ordinary activities.
LOCAL_ACTIVITIES_PATCH = "local-activities"
LOCAL_TIMEOUT = timedelta(seconds=45)  # above SQLite's busy timeout (30 s)
EXPORT_TIMEOUT = timedelta(minutes=5)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))

NEXT_STATUS = {
    (Step.INTAKE, Action.ASSIGN): InvoiceStatus.IN_FACTUAL_REVIEW,
    (Step.INTAKE, Action.FORWARD): InvoiceStatus.IN_FACTUAL_REVIEW,
    (Step.FACTUAL_REVIEW, Action.FORWARD): InvoiceStatus.IN_FACTUAL_REVIEW,
    (Step.FACTUAL_REVIEW, Action.APPROVE): InvoiceStatus.IN_ARITHMETIC_REVIEW,
    (Step.ARITHMETIC_REVIEW, Action.APPROVE): InvoiceStatus.AWAITING_PAYMENT_ORDER,
    (Step.PAYMENT_ORDER, Action.APPROVE): InvoiceStatus.APPROVED,
}

CONFIRMATIONS = {
    Action.APPROVE: "Ihre Freigabe ({step}) ist gespeichert.",
    Action.REJECT: "Die Rechnung ist zurückgewiesen; der Lieferant erhält Ihre Begründung.",
    Action.FORWARD: "Die Rechnung ist an das Amt „{target}“ weitergeleitet.",
    Action.ASSIGN: "Die Rechnung ist dem Amt „{target}“ zugeordnet.",
    Action.COMMENT: "Ihr Kommentar ist gespeichert.",
}


@workflow.defn(name="InvoiceApproval")
class InvoiceApproval:
    @workflow.init
    def __init__(self, inp: ApprovalInput) -> None:
        self._state = ApprovalState(invoice_id=inp.invoice_id)
        self._decided: tuple[Decision, str | None] | None = None
        self._withdrawal: Withdrawal | None = None
        self._rounds = 0
        self._route: Route | None = None
        self._local = workflow.patched(LOCAL_ACTIVITIES_PATCH)

    # ------------------------------------------------------------ the run

    @workflow.run
    async def run(self, inp: ApprovalInput) -> ApprovalOutcome:
        s = self._state
        route = await self._activity(ApprovalActivities.route_invoice, inp.invoice_id)
        self._route = route
        s.city, s.department = route.city, route.department
        s.gross_amount, s.currency = route.gross_amount, route.currency
        s.due_date, s.skonto_date = route.due_date, route.skonto_date
        s.same_person_factual_and_arithmetic_allowed = route.same_person_factual_and_arithmetic_allowed
        if route.city is None:
            return await self._end(InvoiceStatus.REJECTED, route.problem, "system")

        step = Step.FACTUAL_REVIEW if route.department else Step.INTAKE
        while True:
            if self._withdrawal is not None:
                return await self._end_withdrawn()
            decided = await self._human_step(step)
            if decided is None:
                return await self._end_withdrawn()
            decision, _ = decided
            if decision.action is Action.REJECT:
                return await self._end(InvoiceStatus.REJECTED, decision.comment, decision.user)
            if decision.action in (Action.ASSIGN, Action.FORWARD):
                s.department = decision.target_department
                step = Step.FACTUAL_REVIEW
            elif step is Step.FACTUAL_REVIEW:
                step = Step.ARITHMETIC_REVIEW
            elif step is Step.ARITHMETIC_REVIEW:
                step = Step.PAYMENT_ORDER
            else:
                break

        s.step, s.task_key = None, None
        exported: ExportSummary = await self._activity(
            ApprovalActivities.export_invoice, inp.invoice_id, timeout=EXPORT_TIMEOUT
        )
        s.exported = exported.exported
        s.status = InvoiceStatus.EXPORTED
        return await self._end(InvoiceStatus.ARCHIVED, None, "system")

    async def _human_step(self, step: Step) -> tuple[Decision, str | None] | None:
        """Open the step's task and wait for its decision, reminding and escalating on the
        way; None when the invoice is withdrawn meanwhile."""
        s, route = self._state, self._route
        assert route is not None and s.city is not None
        s.busy = True
        # one activity instead of load_staff + open_task since "open-step"; older runs replay the old way
        combined = workflow.patched(OPEN_STEP_PATCH)
        if not combined:
            s.staff = await self._activity(ApprovalActivities.load_staff, s.city)
        if step is Step.ARITHMETIC_REVIEW:
            s.recomputation = await self._activity(ApprovalActivities.recompute, s.invoice_id)
        now = workflow.now()
        self._rounds += 1
        s.step, s.status = step, STEP_STATUS[step]
        s.task_key = f"{workflow.info().workflow_id}:{self._rounds}:{step.value}"
        s.task_opened_at = now
        s.reminded = s.escalated = False
        s.skonto_near = skonto_near(s.skonto_date, now.date())
        remind_at = add_working_days(now, route.reminder_days)
        escalate_at = add_working_days(now, route.escalation_days)
        spec = TaskSpec(
            key=s.task_key, invoice_id=s.invoice_id, step=step, city=s.city, department=s.department,
            group_role=STEP_ROLES[step][0], due_at=task_due(remind_at, s.due_date, s.skonto_date),
            skonto_date=s.skonto_date, skonto_near=s.skonto_near,
        )
        if combined:
            opened = await self._activity(ApprovalActivities.open_step, spec.model_copy(update={"amount": s.gross_amount}))
            s.staff, s.treasury = opened.staff, opened.treasury
        else:
            s.treasury = step is Step.PAYMENT_ORDER and not departmental_orderer_covers(
                s.staff, s.department, s.gross_amount
            )
            await self._activity(ApprovalActivities.open_task, spec.model_copy(update={"treasury": s.treasury}))
        s.busy = False  # the step is open for decisions
        mark_skonto_at = None if s.skonto_near else skonto_mark_at(s.skonto_date, now)
        while True:
            pending = [t for t in (
                None if s.reminded else remind_at,
                None if s.escalated else escalate_at,
                None if s.skonto_near else mark_skonto_at,
            ) if t is not None]
            timeout = max(min(pending) - workflow.now(), timedelta(seconds=1)) if pending else None
            try:
                await workflow.wait_condition(
                    lambda: self._decided is not None or self._withdrawal is not None, timeout=timeout
                )
            except asyncio.TimeoutError:
                await self._deadline_passed(workflow.now(), remind_at, escalate_at, mark_skonto_at)
                continue
            if self._withdrawal is not None:
                return None
            decided, self._decided = self._decided, None
            return decided

    async def _deadline_passed(
        self, now: datetime, remind_at: datetime, escalate_at: datetime, mark_skonto_at: datetime | None
    ) -> None:
        s = self._state
        assert s.step is not None and s.task_key is not None
        if not s.reminded and now >= remind_at:
            s.reminded = True
            await self._mark("reminded", f"Erinnerung: die {s.step.label} ist seit {self._route.reminder_days} Arbeitstagen offen.")
        if not s.escalated and now >= escalate_at:
            s.escalated = True
            head = s.staff.department_heads.get(s.department or "") if s.staff else None
            await self._mark(
                "escalated",
                f"Eskalation an die Amtsleitung: die {s.step.label} ist seit {self._route.escalation_days} Arbeitstagen offen.",
                assignee=head,
            )
        if not s.skonto_near and mark_skonto_at is not None and now >= mark_skonto_at:
            s.skonto_near = True
            await self._mark("skonto_near", f"Skonto-Frist am {s.skonto_date:%d.%m.%Y}: bitte vorrangig bearbeiten.")

    async def _mark(self, action: str, detail: str, assignee: str | None = None) -> None:
        s = self._state
        await self._activity(
            ApprovalActivities.mark_task,
            TaskMark(key=s.task_key, invoice_id=s.invoice_id, action=action, detail=detail, assignee=assignee),
        )

    async def _end(self, status: InvoiceStatus, reason: str | None, actor: str) -> ApprovalOutcome:
        s = self._state
        s.busy = True
        await self._activity(
            ApprovalActivities.finish,
            Finish(key=f"{workflow.info().workflow_id}:end", invoice_id=s.invoice_id, status=status, actor=actor, reason=reason),
        )
        s.status, s.step, s.task_key = status, None, None
        if status is InvoiceStatus.REJECTED:
            s.rejection_reason = reason
        await workflow.wait_condition(workflow.all_handlers_finished)
        return ApprovalOutcome(
            invoice_id=s.invoice_id, status=status, reason=reason, skonto_kept=s.skonto_kept, exported=s.exported
        )

    async def _end_withdrawn(self) -> ApprovalOutcome:
        w = self._withdrawal
        assert w is not None
        return await self._end(InvoiceStatus.WITHDRAWN, w.reason, w.actor)

    async def _activity(self, fn: Any, arg: Any, *, timeout: timedelta | None = None) -> Any:
        if self._local:
            return await workflow.execute_local_activity_method(
                fn, arg, start_to_close_timeout=timeout or LOCAL_TIMEOUT, retry_policy=RETRY
            )
        return await workflow.execute_activity_method(
            fn, arg, start_to_close_timeout=timeout or ACTIVITY_TIMEOUT, retry_policy=RETRY
        )

    # ------------------------------------------------------------ decisions

    @workflow.update(name="decide")
    async def decide(self, decision: Decision) -> DecisionResult:
        s = self._state
        # checked again: another decision may have been accepted since the validator ran
        principal = check_decision(s, decision, workflow.now().date())
        assert s.step is not None
        step = s.step
        new_status = NEXT_STATUS.get((step, decision.action))
        if decision.action is Action.REJECT:
            new_status = InvoiceStatus.REJECTED
        kept = skonto_kept(s.skonto_date, workflow.now().date()) if new_status is InvoiceStatus.APPROVED else None
        ends_step = decision.action is not Action.COMMENT
        if ends_step:
            s.busy = True
        record = DecisionRecord(
            key=f"{workflow.info().workflow_id}:update:{workflow.current_update_info().id}",
            invoice_id=s.invoice_id, task_key=s.task_key, step=step, action=decision.action.value,
            user=decision.user, at=workflow.now(), on_behalf_of=principal, comment=decision.comment,
            account_assignment=decision.account_assignment, target_department=decision.target_department,
            new_status=new_status, closes_task=ends_step, skonto_kept=kept,
        )
        try:
            await self._activity(ApprovalActivities.record_decision, record)
        except BaseException:
            s.busy = False
            raise
        if ends_step:
            self._apply(decision, step, new_status, kept)
            self._decided = (decision, principal)
        message = CONFIRMATIONS[decision.action].format(step=step.label, target=decision.target_department or "")
        return DecisionResult(
            invoice_id=s.invoice_id, step=step, action=decision.action, status=s.status, message=message
        )

    @decide.validator
    def validate_decide(self, decision: Decision) -> None:
        check_decision(self._state, decision, workflow.now().date())

    def _apply(self, decision: Decision, step: Step, new_status: InvoiceStatus | None, kept: bool | None) -> None:
        s = self._state
        if new_status is not None:
            s.status = new_status
        if decision.action is Action.APPROVE:
            if step is Step.FACTUAL_REVIEW:
                s.factual_reviewer = decision.user
                s.account_assignment = list(decision.account_assignment)
            elif step is Step.ARITHMETIC_REVIEW:
                s.arithmetic_reviewer = decision.user
            elif step is Step.PAYMENT_ORDER:
                s.payment_orderer = decision.user
                s.skonto_kept = kept

    @workflow.update(name="withdraw")
    async def withdraw(self, withdrawal: Withdrawal) -> InvoiceStatus:
        self._check_withdrawal()
        self._withdrawal = withdrawal
        self._state.busy = True
        # the run ends the invoice: withdrawn, or rejected when it could not even be routed
        await workflow.wait_condition(lambda: self._state.status in FINAL_STATUSES)
        return self._state.status

    @withdraw.validator
    def validate_withdraw(self, withdrawal: Withdrawal) -> None:
        self._check_withdrawal()

    def _check_withdrawal(self) -> None:
        s = self._state
        if s.status in FINAL_STATUSES or self._withdrawal is not None:
            raise refuse(Refusal.FINISHED, "Das Freigabeverfahren dieser Rechnung ist abgeschlossen oder wird beendet.")
        if s.status in (InvoiceStatus.APPROVED, InvoiceStatus.EXPORTED):
            raise refuse(Refusal.TOO_LATE, "Die Rechnung ist bereits angeordnet und kann nicht mehr zurückgezogen werden.")
        if s.busy and s.step is not None:
            raise refuse(Refusal.BUSY, "Zu dieser Rechnung wird gerade eine Entscheidung gespeichert.")

    @workflow.query(name="state")
    def state(self) -> ApprovalState:
        return self._state

