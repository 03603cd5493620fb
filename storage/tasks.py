"""Tasks (the inbox): create and close them idempotently, and the clerk's inbox query."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, literal_column, union, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from domain.status import Step
from storage.errors import NotFound
from storage.models import GroupMember, Invoice, Substitute, Task, TaskState, utcnow


def task_key(invoice_id: int, step: Step | str, round_: int = 1) -> str:
    """The default idempotency key: one task per invoice, step and round (a step sent back
    for rework gets round 2, …)."""
    return f"invoice-{invoice_id}-{Step(step).value}-{round_}"


def create_task(
    session: Session,
    invoice_id: int,
    step: Step,
    *,
    key: str | None = None,
    city_id: int | None = None,
    department_id: int | None = None,
    assignee_user_id: int | None = None,
    assignee_group_id: int | None = None,
    due_at: datetime | None = None,
    skonto_date: date | None = None,
) -> tuple[Task, bool]:
    """The task for `key` and whether it was created now; a retried activity gets the
    existing one. City, department, amount, supplier and Skonto date default to the invoice's."""
    key = key or task_key(invoice_id, step)
    existing = session.exec(select(Task).where(Task.key == key)).first()
    if existing is not None:
        return existing, False
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFound(f"Rechnung {invoice_id} gibt es nicht.", "invoice.not_found")
    task = Task(
        key=key,
        invoice_id=invoice_id,
        step=Step(step),
        city_id=city_id if city_id is not None else invoice.city_id,
        department_id=department_id if department_id is not None else invoice.department_id,
        assignee_user_id=assignee_user_id,
        assignee_group_id=assignee_group_id,
        supplier_id=invoice.supplier_id,
        amount=invoice.amount_due if invoice.amount_due is not None else invoice.gross_total,
        due_at=due_at,
        skonto_date=skonto_date if skonto_date is not None else invoice.skonto_date,
    )
    try:
        with session.begin_nested():
            session.add(task)
    except IntegrityError:
        return session.exec(select(Task).where(Task.key == key)).one(), False
    return task, True


def close_task(
    session: Session,
    task_id: int,
    *,
    by: int | None,
    expected_state: TaskState | str = TaskState.OPEN,
    state: TaskState | str = TaskState.DONE,
) -> bool:
    """Move the task from `expected_state` to `state` in one atomic UPDATE. Two clerks
    deciding at once: exactly one gets True, the other False (and must not record anything)."""
    result = session.execute(
        update(Task)
        .where(Task.id == task_id, Task.state == TaskState(expected_state).value)
        .values(state=TaskState(state).value, done_at=utcnow(), done_by_id=by)
        .execution_options(synchronize_session=False)
    )
    won = result.rowcount == 1
    if won:
        task = session.get(Task, task_id)
        if task is not None:
            session.refresh(task)
    return won


def cancel_open_tasks(session: Session, invoice_id: int, by: int | None = None) -> int:
    """Cancel every open task of an invoice (withdrawn, rejected): how many were open."""
    result = session.execute(
        update(Task)
        .where(Task.invoice_id == invoice_id, Task.state == TaskState.OPEN.value)
        .values(state=TaskState.CANCELLED.value, done_at=utcnow(), done_by_id=by)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount


def reassign_task(session: Session, task_id: int, *, user_id: int | None = None, group_id: int | None = None) -> bool:
    result = session.execute(
        update(Task)
        .where(Task.id == task_id, Task.state == TaskState.OPEN.value)
        .values(assignee_user_id=user_id, assignee_group_id=group_id)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount == 1


def flag_task(session: Session, task_id: int, *, reminded: bool | None = None, escalated: bool | None = None) -> bool:
    """Set the reminder/escalation flags of an open task; False when the flag was already set."""
    values: dict = {}
    condition = [Task.id == task_id, Task.state == TaskState.OPEN.value]
    if reminded:
        values["reminded"] = True
        condition.append(Task.reminded.is_(False))
    if escalated:
        values["escalated"] = True
        condition.append(Task.escalated.is_(False))
    if not values:
        return False
    result = session.execute(update(Task).where(*condition).values(**values).execution_options(synchronize_session="fetch"))
    return result.rowcount == 1


def open_tasks(session: Session, invoice_id: int) -> list[Task]:
    return list(session.exec(select(Task).where(Task.invoice_id == invoice_id, Task.state == TaskState.OPEN.value)))


def overdue_tasks(session: Session, now: datetime | None = None, limit: int = 1000) -> list[Task]:
    now = now or utcnow()
    query = (
        select(Task)
        .where(Task.state == TaskState.OPEN.value, Task.due_at < now)
        .order_by(Task.due_at)
        .limit(limit)
    )
    return list(session.exec(query))


# ---------------------------------------------------------------- the inbox

# sort name -> (column, direction) …; NULLs last on both databases, always ending in the id
# so that pages are stable
SORT_ORDER = {
    "due": (("due_at", "asc"), ("id", "asc")),
    "skonto": (("skonto_date", "asc"), ("due_at", "asc"), ("id", "asc")),
    "amount": (("amount", "desc"), ("id", "asc")),
    "created": (("created_at", "desc"), ("id", "desc")),
}
SORTS = set(SORT_ORDER)


@dataclass(frozen=True)
class Inbox:
    """Whose tasks a user sees: their own, their groups', and those of users they substitute."""

    user_ids: tuple[int, ...]
    group_ids: tuple[int, ...]


def inbox_scope(session: Session, user_id: int, today: date | None = None) -> Inbox:
    today = today or utcnow().date()
    substituted = session.exec(
        select(Substitute.user_id).where(
            Substitute.substitute_id == user_id, Substitute.valid_from <= today, Substitute.valid_to >= today
        )
    ).all()
    user_ids = tuple(sorted({user_id, *substituted}))
    groups = session.exec(select(GroupMember.group_id).where(GroupMember.user_id == user_id)).all()
    return Inbox(user_ids=user_ids, group_ids=tuple(sorted(set(groups))))


@dataclass
class InboxQuery:
    step: Step | None = None
    city_id: int | None = None
    department_id: int | None = None
    supplier_id: int | None = None
    overdue: bool = False
    sort: str = "due"
    page: int = 1
    page_size: int = 50


@dataclass
class InboxRow:
    task: Task
    invoice_number: str | None
    seller_name: str | None
    status: str
    currency: str | None


@dataclass
class InboxPage:
    rows: list[InboxRow] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = 50


def _order_by(sort: str, columns) -> list:
    """ORDER BY for a sort name over `columns` (the task table's or a subquery's)."""
    keys = []
    for name, direction in SORT_ORDER[sort]:
        key = getattr(getattr(columns, name), direction)()
        # the id is never NULL, and a NULLS LAST on it would cost SQLite its index order
        keys.append(key if name == "id" else key.nulls_last())
    return keys


def inbox(session: Session, user_id: int, query: InboxQuery | None = None, now: datetime | None = None) -> InboxPage:
    """One page of the user's inbox and the total count.

    The page is merged from one branch per assignee (the user, each substituted colleague,
    each group), each reading at most page × size rows in index order from the partial
    indexes over open tasks, so the cost follows the page, not the size of the inbox.
    """
    query = query or InboxQuery()
    if query.sort not in SORTS:
        raise ValueError(f"Unbekannte Sortierung „{query.sort}“ (erlaubt: {', '.join(sorted(SORTS))}).")
    now = now or utcnow()
    scope = inbox_scope(session, user_id, now.date())
    # a literal, not a parameter: a generic (prepared) plan could not prove it matches the
    # partial indexes' predicate
    filters = [Task.state == literal_column("'open'")]
    if query.step is not None:
        filters.append(Task.step == Step(query.step).value)
    if query.city_id is not None:
        filters.append(Task.city_id == query.city_id)
    if query.department_id is not None:
        filters.append(Task.department_id == query.department_id)
    if query.supplier_id is not None:
        filters.append(Task.supplier_id == query.supplier_id)
    if query.overdue:
        filters.append(Task.due_at < now)
    page = max(1, query.page)
    size = max(1, min(query.page_size, 500))
    assignees = [Task.assignee_user_id == u for u in scope.user_ids] + [Task.assignee_group_id == g for g in scope.group_ids]

    # only the columns the sort needs: for "due" the branch is then covered by the index
    keys = [Task.id] + [getattr(Task, name) for name, _ in SORT_ORDER[query.sort] if name != "id"]
    branches = []
    for assignee in assignees:
        inner = select(*keys).where(assignee, *filters).order_by(*_order_by(query.sort, Task.__table__.c)).limit(page * size)
        branches.append(select(inner.subquery()))  # wrapped: SQLite allows no ORDER BY in a UNION member
    merged = union(*branches).subquery()  # UNION: a task of both the user and a group counts once
    page_ids = [
        row[0]
        for row in session.execute(
            select(merged.c.id).order_by(*_order_by(query.sort, merged.c)).offset((page - 1) * size).limit(size)
        )
    ]
    rows = session.exec(
        select(Task, Invoice.number, Invoice.seller_name, Invoice.status, Invoice.currency)
        .join(Invoice, Invoice.id == Task.invoice_id)
        .where(Task.id.in_(page_ids))
    ).all() if page_ids else []
    position = {task_id: n for n, task_id in enumerate(page_ids)}
    rows = sorted(rows, key=lambda row: position[row[0].id])
    # counted per branch too (UNION drops a task both assigned to the user and a group):
    # one OR over both assignee columns makes SQLite walk every open task
    counted = union(*(select(Task.id).where(assignee, *filters) for assignee in assignees)).subquery()
    total = session.execute(select(func.count()).select_from(counted)).scalar_one()
    return InboxPage(
        rows=[InboxRow(task=t, invoice_number=n, seller_name=s, status=st, currency=c) for t, n, s, st, c in rows],
        total=total,
        page=page,
        page_size=size,
    )
