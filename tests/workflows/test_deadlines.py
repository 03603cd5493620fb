"""Reminders, escalation and the Skonto mark after virtual days (per-workflow time skipping
on the real dev server), and the working-day arithmetic behind them."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.status import InvoiceStatus, Step
from storage.db import session_scope
from storage.models import Task, User
from workflows.decisions import Action
from workflows.deadlines import add_working_days, skonto_kept, skonto_near, task_due

from wf_support import ASSIGNMENT


def test_working_days_skip_the_weekend():
    friday = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    assert add_working_days(friday, 1) == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # Monday
    assert add_working_days(friday, 5) == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    saturday = friday + timedelta(days=1)
    assert add_working_days(saturday, 1) == datetime(2026, 11, 24, 9, 30, tzinfo=UTC)  # Tuesday
    monday = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    assert add_working_days(monday, 10) == datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def test_skonto_near_and_kept():
    deadline = date(2026, 12, 10)
    assert not skonto_near(deadline, date(2026, 12, 6))
    assert skonto_near(deadline, date(2026, 12, 7))
    assert not skonto_near(None, date(2026, 12, 7))
    assert skonto_kept(deadline, date(2026, 12, 10)) is True
    assert skonto_kept(deadline, date(2026, 12, 11)) is False
    assert skonto_kept(None, date(2026, 12, 11)) is None


def test_task_due_is_the_earliest_deadline():
    remind = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    assert task_due(remind, None, None) == remind
    assert task_due(remind, date(2026, 12, 15), date(2026, 11, 25)) == datetime(2026, 11, 25, tzinfo=UTC)
    assert task_due(remind, date(2026, 11, 26), None) == datetime(2026, 11, 26, tzinfo=UTC)


async def _wait_for(predicate, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        await __import__("asyncio").sleep(0.1)


@pytest.mark.temporal
async def test_reminder_escalation_and_skonto_mark_after_virtual_days(wf):
    skonto = date.today() + timedelta(days=7)
    invoice = wf.invoice(skonto_date=skonto)
    handle = await wf.start(invoice)
    state = await wf.wait_step(invoice, Step.FACTUAL_REVIEW)
    assert not (state.reminded or state.escalated or state.skonto_near)
    [task] = wf.tasks(invoice)
    assert task.due_at.date() == skonto  # the Skonto deadline comes before the reminder
    assert not task.reminded

    # ten days later (at least five working days, whatever today is): reminded, and Skonto
    # near (three days before its deadline); not yet escalated (ten working days)
    assert await wf.env.fast_forward(handle, timedelta(days=10))
    await _wait_for(lambda: "task.reminded" in [a for _, a in wf.events(invoice)])
    await _wait_for(lambda: "task.skonto_near" in [a for _, a in wf.events(invoice)])
    state = await wf.state(invoice)
    assert state.reminded and state.skonto_near and not state.escalated
    [task] = wf.tasks(invoice)
    assert task.reminded and not task.escalated

    # a week more: ten working days have passed, the department head gets the task
    assert await wf.env.fast_forward(handle, timedelta(days=7))
    await _wait_for(lambda: "task.escalated" in [a for _, a in wf.events(invoice)])
    with session_scope(wf.engine) as session:
        task = session.get(Task, task.id)
        head = session.get(User, task.assignee_user_id)
    assert task.escalated and head.login == "ett.leitung"
    assert task.assignee_group_id is not None  # the reviewers still see it
    actions = [a for _, a in wf.events(invoice)]
    assert actions.count("task.reminded") == actions.count("task.escalated") == actions.count("task.skonto_near") == 1

    # the head may now decide the factual review himself
    await wf.decide(invoice, Step.FACTUAL_REVIEW, Action.APPROVE, "ett.leitung", account_assignment=ASSIGNMENT)
    await wf.wait_step(invoice, Step.ARITHMETIC_REVIEW)
    await wf.decide(invoice, Step.ARITHMETIC_REVIEW, Action.APPROVE, "ett.rech")
    await wf.wait_step(invoice, Step.PAYMENT_ORDER)
    await wf.decide(invoice, Step.PAYMENT_ORDER, Action.APPROVE, "ett.anordnung5")
    outcome = await handle.result()
    # the Anordnung came seventeen virtual days after receipt: the Skonto deadline had passed
    assert (outcome.status, outcome.skonto_kept) == (InvoiceStatus.ARCHIVED, False)


@pytest.mark.temporal
async def test_task_opened_close_to_the_skonto_date_is_marked_at_once(wf):
    invoice = wf.invoice(skonto_date=date.today() + timedelta(days=2))
    await wf.start(invoice)
    state = await wf.wait_step(invoice, Step.FACTUAL_REVIEW)
    assert state.skonto_near
    with session_scope(wf.engine) as session:
        from storage.audit import events_of

        opened = next(e for e in events_of(session, invoice) if e.action == "task.opened")
    assert opened.after["skonto_near"] is True
