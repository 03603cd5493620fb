"""The approval workflow on a real Temporal dev server: the paths an invoice can take."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from domain.approval import ApprovalRecord
from domain.leitweg import LeitwegId
from domain.status import InvoiceStatus, Step
from storage.db import session_scope
from storage.models import ExportRecord, Invoice, TaskState, User
from workflows.decisions import Action, Decision, DecisionRefused, Refusal, Withdrawal, decide, withdraw

from wf_support import ASSIGNMENT, ETT, RAS_HAUPTAMT

pytestmark = [pytest.mark.temporal]


def row(wf, invoice_id: int) -> Invoice:
    with session_scope(wf.engine) as session:
        return session.get(Invoice, invoice_id)


async def refused(coro, code: Refusal) -> DecisionRefused:
    with pytest.raises(DecisionRefused) as info:
        await coro
    assert info.value.code == code.value, info.value.message
    assert info.value.message  # German text for the clerk
    return info.value


@pytest.mark.parametrize("db_kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_happy_path_exports_once_and_archives(wf):
    invoice = wf.invoice(skonto_date=date.today() + timedelta(days=20))
    handle = await wf.start(invoice)
    state = await wf.wait_step(invoice, Step.FACTUAL_REVIEW)
    assert (state.city, state.department, state.status) == ("ettlingen", "hauptamt", InvoiceStatus.IN_FACTUAL_REVIEW)
    [task] = wf.tasks(invoice)
    assert (task.step, task.state, task.skonto_date) == (Step.FACTUAL_REVIEW, TaskState.OPEN, date.today() + timedelta(days=20))
    assert row(wf, invoice).status == InvoiceStatus.IN_FACTUAL_REVIEW

    await wf.approve_all(invoice)
    outcome = await handle.result()
    assert outcome.status is InvoiceStatus.ARCHIVED
    assert outcome.skonto_kept is True  # ordered well before the Skonto date
    assert outcome.exported

    tasks = wf.tasks(invoice)
    assert [t.step for t in tasks] == [Step.FACTUAL_REVIEW, Step.ARITHMETIC_REVIEW, Step.PAYMENT_ORDER]
    assert all(t.state == TaskState.DONE for t in tasks)
    with session_scope(wf.engine) as session:
        users = {u.id: u.login for u in session.exec(select(User))}
        exports = session.exec(select(ExportRecord).where(ExportRecord.invoice_id == invoice)).all()
    assert [users[t.done_by_id] for t in tasks] == ["ett.sach2", "ett.rech", "ett.anordnung5"]
    assert len(exports) == 1

    final = row(wf, invoice)
    assert final.status == InvoiceStatus.ARCHIVED
    approval = ApprovalRecord.model_validate(final.approval)
    assert approval.factual_review.user == "ett.sach2"
    assert approval.arithmetic_review.user == "ett.rech"
    assert approval.payment_order.user == "ett.anordnung5"
    assert approval.account_assignments == ASSIGNMENT
    actions = [a for _, a in wf.events(invoice)]
    for once in ("decision.factual_review.approve", "decision.arithmetic_review.approve",
                 "decision.payment_order.approve", "export.recorded", "workflow.archived"):
        assert actions.count(once) == 1, once
    assert actions.index("decision.payment_order.approve") < actions.index("export.recorded")
    assert ("ett.rech", "decision.arithmetic_review.approve") in wf.events(invoice)
    # the recomputation of the official sample invoice is shown and finds nothing
    assert "arithmetic.recomputed" in actions


async def test_starting_twice_is_one_workflow(wf):
    invoice = wf.invoice()
    first = await wf.start(invoice)
    second = await wf.start(invoice)
    assert first.result_run_id == second.result_run_id
    await wf.wait_step(invoice, Step.FACTUAL_REVIEW)
    assert len(wf.tasks(invoice)) == 1


@pytest.mark.parametrize("step", [Step.INTAKE, Step.FACTUAL_REVIEW, Step.ARITHMETIC_REVIEW, Step.PAYMENT_ORDER])
async def test_rejection_at_each_step_ends_with_the_reason(wf, step):
    invoice = wf.invoice(leitweg=ETT) if step is Step.INTAKE else wf.invoice()
    handle = await wf.start(invoice)
    user = {
        Step.INTAKE: "ett.eingang", Step.FACTUAL_REVIEW: "ett.sach2", Step.ARITHMETIC_REVIEW: "ett.rech",
        Step.PAYMENT_ORDER: "ett.anordnung50",
    }[step]
    if step is not Step.INTAKE:
        await wf.wait_step(invoice, Step.FACTUAL_REVIEW)
        if step is not Step.FACTUAL_REVIEW:
            await wf.decide(invoice, Step.FACTUAL_REVIEW, Action.APPROVE, "ett.sach2", account_assignment=ASSIGNMENT)
            await wf.wait_step(invoice, Step.ARITHMETIC_REVIEW)
            if step is Step.PAYMENT_ORDER:
                await wf.decide(invoice, Step.ARITHMETIC_REVIEW, Action.APPROVE, "ett.rech")
    await wf.wait_step(invoice, step)
    # a rejection needs a reason the supplier can read
    await refused(wf.decide(invoice, step, Action.REJECT, user), Refusal.REASON_MISSING)
    reason = "Die Leistung wurde nicht erbracht."
    result = await wf.decide(invoice, step, Action.REJECT, user, comment=reason)
    assert result.status is InvoiceStatus.REJECTED
    outcome = await handle.result()
    assert (outcome.status, outcome.reason) == (InvoiceStatus.REJECTED, reason)
    final = row(wf, invoice)
    assert (final.status, final.rejection_reason) == (InvoiceStatus.REJECTED, reason)
    assert all(t.state != TaskState.OPEN for t in wf.tasks(invoice))
    assert not final.approval or ApprovalRecord.model_validate(final.approval).payment_order is None
    await refused(wf.decide(invoice, step, Action.APPROVE, user), Refusal.NO_WORKFLOW)


async def only_the_bauamt_reviews(wf, invoice):
    """The Bauamt's reviewer decides the factual review, not the Hauptamt's."""
    await refused(wf.decide(invoice, Step.FACTUAL_REVIEW, Action.APPROVE, "ett.sach2", account_assignment=ASSIGNMENT),
                  Refusal.NOT_ASSIGNEE)
    await wf.decide(invoice, Step.FACTUAL_REVIEW, Action.APPROVE, "ett.bau", account_assignment=ASSIGNMENT)
    await wf.wait_step(invoice, Step.ARITHMETIC_REVIEW)


async def test_unknown_department_goes_to_intake_which_assigns(wf):
    invoice = wf.invoice(leitweg=ETT)  # the city's Leitweg-ID without Feinadressierung
    await wf.start(invoice)
    state = await wf.wait_step(invoice, Step.INTAKE)
    assert state.department is None
    await refused(wf.decide(invoice, Step.INTAKE, Action.ASSIGN, "ett.sach1", target_department="hauptamt"),
                  Refusal.MISSING_ROLE)
    await refused(wf.decide(invoice, Step.INTAKE, Action.ASSIGN, "ett.eingang", target_department="gibtsnicht"),
                  Refusal.UNKNOWN_DEPARTMENT)
    await wf.decide(invoice, Step.INTAKE, Action.ASSIGN, "ett.eingang", target_department="bau")
    state = await wf.wait_step(invoice, Step.FACTUAL_REVIEW)
    assert state.department == "bau"
    await only_the_bauamt_reviews(wf, invoice)


async def test_forwarding_moves_the_task_to_the_other_department(wf):
    invoice = wf.invoice()
    await wf.start(invoice)
    await wf.wait_step(invoice, Step.FACTUAL_REVIEW)
    await wf.decide(invoice, Step.FACTUAL_REVIEW, Action.FORWARD, "ett.sach2", target_department="bau",
                    comment="Das hat das Bauamt bestellt.")
    state = await wf.wait_step(invoice, Step.FACTUAL_REVIEW)
    assert state.department == "bau"
    first, second = wf.tasks(invoice)
    assert (first.state, second.state) == (TaskState.DONE, TaskState.OPEN)
    assert second.department_id != first.department_id
    assert row(wf, invoice).department_id == second.department_id
    await only_the_bauamt_reviews(wf, invoice)


async def test_four_eyes_payment_order_refused_for_the_factual_reviewer(wf):
    invoice = wf.invoice()
    handle = await wf.start(invoice)
    await wf.wait_step(invoice, Step.FACTUAL_REVIEW)
    await wf.decide(invoice, Step.FACTUAL_REVIEW, Action.APPROVE, "ett.allround", account_assignment=ASSIGNMENT)
    await wf.wait_step(invoice, Step.ARITHMETIC_REVIEW)
    # the city allows one person for both checks (the default)
    await wf.decide(invoice, Step.ARITHMETIC_REVIEW, Action.APPROVE, "ett.allround")
    await wf.wait_step(invoice, Step.PAYMENT_ORDER)
    before = wf.events(invoice)
    err = await refused(wf.decide(invoice, Step.PAYMENT_ORDER, Action.APPROVE, "ett.allround"), Refusal.FOUR_EYES)
    assert "Vier-Augen" in err.message
    assert wf.events(invoice) == before  # a refused decision records nothing
    await wf.decide(invoice, Step.PAYMENT_ORDER, Action.APPROVE, "ett.anordnung5")
    assert (await handle.result()).status is InvoiceStatus.ARCHIVED


@pytest.mark.parametrize("city_settings", [{"same_person_factual_and_arithmetic_allowed": False}])
async def test_city_may_forbid_one_person_for_both_checks(wf):
    invoice = wf.invoice()
    await wf.start(invoice)
    await wf.wait_step(invoice, Step.FACTUAL_REVIEW)
    await wf.decide(invoice, Step.FACTUAL_REVIEW, Action.APPROVE, "ett.allround", account_assignment=ASSIGNMENT)
    await wf.wait_step(invoice, Step.ARITHMETIC_REVIEW)
    await refused(wf.decide(invoice, Step.ARITHMETIC_REVIEW, Action.APPROVE, "ett.allround"), Refusal.FOUR_EYES)
    await wf.decide(invoice, Step.ARITHMETIC_REVIEW, Action.APPROVE, "ett.rech")
    await wf.wait_step(invoice, Step.PAYMENT_ORDER)


async def _to_payment_order(wf, invoice):
    await wf.wait_step(invoice, Step.FACTUAL_REVIEW)
    await wf.decide(invoice, Step.FACTUAL_REVIEW, Action.APPROVE, "ett.sach2", account_assignment=ASSIGNMENT)
    await wf.wait_step(invoice, Step.ARITHMETIC_REVIEW)
    await wf.decide(invoice, Step.ARITHMETIC_REVIEW, Action.APPROVE, "ett.rech")
    return await wf.wait_step(invoice, Step.PAYMENT_ORDER)


async def test_approval_limit_decides_who_may_order(wf):
    # 5 000 EUR paid in advance: the Wertgrenze still counts the gross amount
    invoice = wf.invoice(gross=Decimal("7500.00"), amount_due=Decimal("2500.00"))
    handle = await wf.start(invoice)
    state = await _to_payment_order(wf, invoice)
    assert not state.treasury  # 50 000 EUR orderers exist in the department
    err = await refused(wf.decide(invoice, Step.PAYMENT_ORDER, Action.APPROVE, "ett.anordnung5"), Refusal.LIMIT)
    assert "5.000,00 EUR" in err.message and "7.500,00 EUR" in err.message
    await refused(wf.decide(invoice, Step.PAYMENT_ORDER, Action.APPROVE, "ett.rech"), Refusal.MISSING_ROLE)
    await wf.decide(invoice, Step.PAYMENT_ORDER, Action.APPROVE, "ett.anordnung50")
    assert (await handle.result()).status is InvoiceStatus.ARCHIVED


async def test_above_every_departmental_limit_escalates_to_the_treasury(wf):
    invoice = wf.invoice(gross=Decimal("75000.00"))
    handle = await wf.start(invoice)
    state = await _to_payment_order(wf, invoice)
    assert state.treasury
    task = wf.tasks(invoice)[-1]
    with session_scope(wf.engine) as session:
        from storage.models import Group

        group = session.get(Group, task.assignee_group_id)
    assert group.key == "kasse"
    assert "task.escalated_to_treasury" in [a for _, a in wf.events(invoice)]
    await refused(wf.decide(invoice, Step.PAYMENT_ORDER, Action.APPROVE, "ett.anordnung50"), Refusal.LIMIT)
    await wf.decide(invoice, Step.PAYMENT_ORDER, Action.APPROVE, "ett.kasse")
    assert (await handle.result()).status is InvoiceStatus.ARCHIVED


async def test_substitute_acts_for_the_absent_reviewer(wf):
    invoice = wf.invoice()
    await wf.start(invoice)
    await wf.wait_step(invoice, Step.FACTUAL_REVIEW)
    # the task is offered to the Vertretung: it is in ett.aushilfe's inbox
    with session_scope(wf.engine) as session:
        from storage.tasks import inbox

        aushilfe = session.exec(select(User.id).where(User.login == "ett.aushilfe")).one()
        sach2 = session.exec(select(User.id).where(User.login == "ett.sach2")).one()
        assert [r.task.invoice_id for r in inbox(session, aushilfe).rows] == [invoice]
        assert [r.task.invoice_id for r in inbox(session, sach2).rows] == [invoice]  # through the group
    # ett.aushilfe holds no review role, but substitutes the absent ett.sach1
    await wf.decide(invoice, Step.FACTUAL_REVIEW, Action.APPROVE, "ett.aushilfe", account_assignment=ASSIGNMENT)
    state = await wf.wait_step(invoice, Step.ARITHMETIC_REVIEW)
    assert state.factual_reviewer == "ett.aushilfe"
    with session_scope(wf.engine) as session:
        from storage.audit import events_of

        decision = next(e for e in events_of(session, invoice) if e.action == "decision.factual_review.approve")
    assert (decision.actor, decision.after["on_behalf_of"]) == ("ett.aushilfe", "ett.sach1")


async def test_refusals_other_city_step_passed_and_concurrent_decisions(wf):
    invoice = wf.invoice()
    await wf.start(invoice)
    await wf.wait_step(invoice, Step.FACTUAL_REVIEW)
    await refused(wf.decide(invoice, Step.FACTUAL_REVIEW, Action.APPROVE, "ras.sach", account_assignment=ASSIGNMENT),
                  Refusal.OTHER_CITY)
    await refused(wf.decide(invoice, Step.FACTUAL_REVIEW, Action.APPROVE, "ett.sach2"), Refusal.ASSIGNMENT_MISSING)
    await refused(wf.decide(invoice, Step.PAYMENT_ORDER, Action.APPROVE, "ett.anordnung5"), Refusal.STEP_PASSED)
    # two reviewers at the same moment: exactly one decision is recorded
    results = await asyncio.gather(
        wf.decide(invoice, Step.FACTUAL_REVIEW, Action.APPROVE, "ett.sach2", account_assignment=ASSIGNMENT),
        wf.decide(invoice, Step.FACTUAL_REVIEW, Action.REJECT, "ett.allround", comment="falsch"),
        return_exceptions=True,
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], DecisionRefused), results
    assert errors[0].code in (Refusal.BUSY, Refusal.STEP_PASSED, Refusal.FINISHED)
    decisions = [a for _, a in wf.events(invoice) if a.startswith("decision.factual_review")]
    assert len(decisions) == 1
    # a decision for the step that just passed
    if decisions == ["decision.factual_review.approve"]:
        await wf.wait_step(invoice, Step.ARITHMETIC_REVIEW)
        await refused(wf.decide(invoice, Step.FACTUAL_REVIEW, Action.APPROVE, "ett.sach1", account_assignment=ASSIGNMENT),
                      Refusal.STEP_PASSED)


async def test_comment_keeps_the_step_open(wf):
    invoice = wf.invoice()
    await wf.start(invoice)
    await wf.wait_step(invoice, Step.FACTUAL_REVIEW)
    result = await wf.decide(invoice, Step.FACTUAL_REVIEW, Action.COMMENT, "ett.rech", comment="Lieferschein fehlt?")
    assert result.status is InvoiceStatus.IN_FACTUAL_REVIEW
    state = await wf.wait_step(invoice, Step.FACTUAL_REVIEW)
    assert [t.state for t in wf.tasks(invoice)] == [TaskState.OPEN]
    assert ("ett.rech", "decision.factual_review.comment") in wf.events(invoice)
    assert state.step is Step.FACTUAL_REVIEW


async def test_withdrawal_cancels_cleanly(wf):
    invoice = wf.invoice()
    handle = await wf.start(invoice)
    await wf.wait_step(invoice, Step.FACTUAL_REVIEW)
    status = await withdraw(wf.client, invoice, Withdrawal(actor="supplier:lieferant", reason="Gutschrift erteilt"))
    assert status is InvoiceStatus.WITHDRAWN
    outcome = await handle.result()
    assert (outcome.status, outcome.reason) == (InvoiceStatus.WITHDRAWN, "Gutschrift erteilt")
    assert [t.state for t in wf.tasks(invoice)] == [TaskState.CANCELLED]
    assert row(wf, invoice).status == InvoiceStatus.WITHDRAWN
    assert ("supplier:lieferant", "workflow.withdrawn") in wf.events(invoice)


async def test_withdrawal_after_the_payment_order_is_too_late(wf):
    invoice = wf.invoice()
    handle = await wf.start(invoice)
    await wf.approve_all(invoice)
    await handle.result()
    with pytest.raises(DecisionRefused) as info:
        await withdraw(wf.client, invoice, Withdrawal(actor="system", reason="zu spät"))
    assert info.value.code in (Refusal.NO_WORKFLOW, Refusal.FINISHED, Refusal.TOO_LATE)
    assert row(wf, invoice).status == InvoiceStatus.ARCHIVED


async def test_leitweg_id_of_no_city_is_rejected_with_a_reason(wf):
    invoice = wf.invoice(leitweg=LeitwegId.build("08212000"))  # Karlsruhe: not in the network
    handle = await wf.start(invoice)
    outcome = await handle.result()
    assert outcome.status is InvoiceStatus.REJECTED
    assert "Leitweg-ID" in outcome.reason
    assert row(wf, invoice).rejection_reason == outcome.reason


async def test_other_city_cannot_decide_even_with_the_role(wf):
    invoice = wf.invoice(leitweg=RAS_HAUPTAMT)
    await wf.start(invoice)
    state = await wf.wait_step(invoice, Step.FACTUAL_REVIEW)
    assert state.city == "rastatt"
    await refused(wf.decide(invoice, Step.FACTUAL_REVIEW, Action.APPROVE, "ett.sach2", account_assignment=ASSIGNMENT),
                  Refusal.OTHER_CITY)
    await wf.decide(invoice, Step.FACTUAL_REVIEW, Action.APPROVE, "ras.sach", account_assignment=ASSIGNMENT)


async def test_decision_without_a_running_worker_times_out_with_a_clear_answer(wf_without_worker):
    ctx = wf_without_worker
    invoice = ctx.invoice()
    await ctx.start(invoice)  # nobody serves this queue
    with pytest.raises(DecisionRefused) as info:
        await decide(ctx.client, invoice, Decision(step=Step.FACTUAL_REVIEW, action=Action.APPROVE, user="ett.sach2",
                                                   account_assignment=ASSIGNMENT), timeout=2)
    assert info.value.code == Refusal.PENDING
    await ctx.client.get_workflow_handle(f"invoice-{invoice}").terminate("Test beendet")


@pytest.mark.slow
async def test_export_that_cannot_run_says_why_and_goes_through_once_fixed(wf):
    invoice = wf.invoice(supplier=None)  # no supplier: no Kreditorennummer for the DATEV file
    handle = await wf.start(invoice)
    await wf.approve_all(invoice)
    deadline = asyncio.get_running_loop().time() + 30
    while "export.failed" not in [a for _, a in wf.events(invoice)]:
        assert asyncio.get_running_loop().time() < deadline, wf.events(invoice)
        await asyncio.sleep(0.2)
    assert row(wf, invoice).status == InvoiceStatus.APPROVED  # waiting, not lost
    with session_scope(wf.engine) as session:
        from storage.models import Supplier

        fixed = session.get(Invoice, invoice)
        fixed.supplier_id = session.exec(select(Supplier.id).where(Supplier.key == "lieferant")).one()
        session.add(fixed)
    outcome = await asyncio.wait_for(handle.result(), timeout=90)  # the retry now succeeds
    assert outcome.status is InvoiceStatus.ARCHIVED
    actions = [a for _, a in wf.events(invoice)]
    assert actions.count("export.failed") == 1 and actions.count("export.recorded") == 1
