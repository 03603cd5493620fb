"""Tasks and the inbox: idempotent creation, exactly one winner per decision, and the
inbox shows one's own, one's groups' and one's substituted colleagues' open tasks."""

import threading
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from domain.status import Step
from storage.config_loader import load_config
from storage.db import session_scope
from storage.documents import FileSystemDocumentStore
from storage.errors import NotFound
from storage.models import City, Supplier, Task, TaskState
from storage.tasks import (
    InboxQuery,
    cancel_open_tasks,
    close_task,
    create_task,
    flag_task,
    inbox,
    overdue_tasks,
    reassign_task,
    task_key,
)
from storage.tenants import group_by_key, user_by_login
from tests.db import database  # noqa: F401
from tests.storage.helpers import DEMO_CONFIG, make_invoice

NOW = datetime(2026, 11, 21, 12, 0)


@pytest.fixture
def world(database, tmp_path):
    """Demo tenants plus invoices of Ettlingen with tasks in various inboxes."""
    store = FileSystemDocumentStore(tmp_path / "docs")
    with session_scope(database.engine) as session:
        load_config(session, DEMO_CONFIG)
    with session_scope(database.engine) as session:
        ids = {}
        city = session.exec(select(City).where(City.key == "ettlingen")).one()
        suppliers = {s.key: s.id for s in session.exec(select(Supplier))}
        people = {login: user_by_login(session, login).id for login in ("ett.sach1", "ett.sach2", "ett.rech", "ett.eingang")}
        group = group_by_key(session, city.id, "sachpruefung-kaemmerei").id

        def add(name, amount, due_days, supplier, **assignee):
            invoice = make_invoice(session, store, name.encode(), city_id=city.id, amount_due=Decimal(amount),
                                   supplier_id=suppliers[supplier], number=name,
                                   skonto_date=(NOW + timedelta(days=due_days - 3)).date())
            task, _ = create_task(session, invoice.id, Step.FACTUAL_REVIEW, due_at=NOW + timedelta(days=due_days), **assignee)
            ids[name] = task.id

        add("own", "250.00", 3, "buero-mueller", assignee_user_id=people["ett.sach2"])
        add("group", "12000.00", 1, "bau-schneider", assignee_group_id=group)
        add("colleague", "99.99", -2, "buero-mueller", assignee_user_id=people["ett.sach1"])  # overdue
        add("other", "5.00", 1, "buero-mueller", assignee_user_id=people["ett.rech"])
    return database, ids, people, suppliers


def _numbers(page):
    return [row.invoice_number for row in page.rows]


def test_inbox_shows_own_group_and_substituted_tasks(world):
    database, ids, people, suppliers = world
    with session_scope(database.engine) as session:
        page = inbox(session, people["ett.sach2"], now=NOW)  # substitutes ett.sach1 in 2026
        assert _numbers(page) == ["colleague", "group", "own"]  # by due date
        assert page.total == 3
        assert _numbers(inbox(session, people["ett.sach1"], now=NOW)) == ["colleague", "group"]
        assert _numbers(inbox(session, people["ett.rech"], now=NOW)) == ["other"]
        assert _numbers(inbox(session, people["ett.eingang"], now=NOW)) == []
        # the substitution ends with 2030
        assert _numbers(inbox(session, people["ett.sach2"], now=datetime(2031, 1, 1))) == ["group", "own"]


def test_a_task_of_both_me_and_my_group_is_listed_once(world):
    database, ids, people, _ = world
    with session_scope(database.engine) as session:
        session.get(Task, ids["group"]).assignee_user_id = people["ett.sach2"]
    with session_scope(database.engine) as session:
        page = inbox(session, people["ett.sach2"], now=NOW)
        assert _numbers(page) == ["colleague", "group", "own"] and page.total == 3


def test_inbox_filters_sorts_and_pages(world):
    database, ids, people, suppliers = world
    me = people["ett.sach2"]
    with session_scope(database.engine) as session:
        assert _numbers(inbox(session, me, InboxQuery(sort="amount"), now=NOW)) == ["group", "own", "colleague"]
        assert _numbers(inbox(session, me, InboxQuery(sort="skonto"), now=NOW)) == ["colleague", "group", "own"]
        assert _numbers(inbox(session, me, InboxQuery(overdue=True), now=NOW)) == ["colleague"]
        assert _numbers(inbox(session, me, InboxQuery(supplier_id=suppliers["bau-schneider"]), now=NOW)) == ["group"]
        assert _numbers(inbox(session, me, InboxQuery(step=Step.PAYMENT_ORDER), now=NOW)) == []
        second = inbox(session, me, InboxQuery(page=2, page_size=2), now=NOW)
        assert _numbers(second) == ["own"] and second.total == 3
        assert inbox(session, me, now=NOW).rows[0].task.amount == Decimal("99.99")
        with pytest.raises(ValueError, match="Sortierung"):
            inbox(session, me, InboxQuery(sort="name"), now=NOW)


def test_closed_tasks_leave_the_inbox(world):
    database, ids, people, _ = world
    with session_scope(database.engine) as session:
        assert close_task(session, ids["own"], by=people["ett.sach2"])
        assert not close_task(session, ids["own"], by=people["ett.sach2"])
        task = session.get(Task, ids["own"])
        assert task.state == TaskState.DONE and task.done_by_id == people["ett.sach2"] and task.done_at is not None
        assert _numbers(inbox(session, people["ett.sach2"], now=NOW)) == ["colleague", "group"]


def test_create_task_is_idempotent(world):
    database, ids, people, _ = world
    with session_scope(database.engine) as session:
        task = session.get(Task, ids["own"])
        again, created = create_task(session, task.invoice_id, Step.FACTUAL_REVIEW, assignee_user_id=people["ett.rech"])
        assert (again.id, created) == (task.id, False)
        assert again.assignee_user_id == people["ett.sach2"]
        rework, created = create_task(session, task.invoice_id, Step.FACTUAL_REVIEW,
                                      key=task_key(task.invoice_id, Step.FACTUAL_REVIEW, 2))
        assert created and rework.id != task.id
        assert rework.amount == Decimal("250.00")  # copied from the invoice
        with pytest.raises(NotFound):
            create_task(session, 999_999, Step.INTAKE)


def test_reassign_flag_cancel_and_overdue(world):
    database, ids, people, _ = world
    with session_scope(database.engine) as session:
        assert [t.id for t in overdue_tasks(session, NOW)] == [ids["colleague"]]
        assert flag_task(session, ids["colleague"], reminded=True)
        assert not flag_task(session, ids["colleague"], reminded=True)  # reminded once
        assert flag_task(session, ids["colleague"], escalated=True)
        assert reassign_task(session, ids["colleague"], user_id=people["ett.rech"])
        assert "colleague" in _numbers(inbox(session, people["ett.rech"], now=NOW))
        invoice_id = session.get(Task, ids["colleague"]).invoice_id
        assert cancel_open_tasks(session, invoice_id) == 1
        assert session.get(Task, ids["colleague"]).state == TaskState.CANCELLED
        assert not reassign_task(session, ids["colleague"], user_id=people["ett.sach1"])
        assert overdue_tasks(session, NOW) == []


def test_two_clerks_closing_at_once_exactly_one_wins(world):
    database, ids, people, _ = world
    task_id = ids["group"]
    for _round in range(3):
        with session_scope(database.engine) as session:
            session.get(Task, task_id).state = TaskState.OPEN
        barrier = threading.Barrier(2)
        results = {}

        def decide(login):
            barrier.wait(timeout=30)
            with session_scope(database.engine) as session:
                results[login] = close_task(session, task_id, by=people[login])

        threads = [threading.Thread(target=decide, args=(login,)) for login in ("ett.sach1", "ett.sach2")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(results.values()) == [False, True]
        winner = next(login for login, won in results.items() if won)
        with session_scope(database.engine) as session:
            assert session.get(Task, task_id).done_by_id == people[winner]
