"""The approval workflow on a real Temporal dev server: the paths an invoice can take."""

from __future__ import annotations

import pytest

from domain.status import InvoiceStatus, Step
from storage.models import TaskState
from workflows.decisions import Action

from conftest import ASSIGNMENT

pytestmark = [pytest.mark.temporal]


async def test_happy_path(wf):
    invoice = wf.invoice()
    handle = await wf.start(invoice)
    state = await wf.wait_step(invoice, Step.FACTUAL_REVIEW)
    assert (state.city, state.department, state.status) == ("ettlingen", "hauptamt", InvoiceStatus.IN_FACTUAL_REVIEW)
    [task] = wf.tasks(invoice)
    assert (task.step, task.state) == (Step.FACTUAL_REVIEW, TaskState.OPEN)
    await wf.approve_all(invoice)
    outcome = await handle.result()
    assert outcome.status is InvoiceStatus.ARCHIVED
    actions = [a for _, a in wf.events(invoice)]
    print(actions)
    assert actions.count("decision.payment_order.approve") == 1
