"""The approval workflow's activities: every piece of I/O (database, documents, export).

Each activity is idempotent: it carries a key and writes its audit event only once, so a
retry after a lost worker, a timeout or a crash between commit and reply changes nothing.
One database transaction per activity: the status, the task and the audit event change
together or not at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain.approval import ApprovalRecord, Certification
from domain.leitweg import LeitwegId, LeitwegIdError
from domain.status import STEP_STATUS, InvoiceStatus, Role, Step
from storage.audit import append_event, chain_of
from storage.db import read_scope, session_scope
from storage.documents import DocumentStore
from storage.invoices import get_invoice, update_invoice
from storage.models import (
    AuditEvent, City, Department, Document, Group, GroupMember, Invoice, Substitute, Task, User, UserRole, utcnow,
)
from storage.tenants import route as tenant_route
from storage.tasks import cancel_open_tasks, close_task, create_task, flag_task, reassign_task
from workflows.decisions import Action
from workflows.model import (
    CityStaff,
    DecisionRecord,
    ExportSummary,
    Finish,
    OpenedStep,
    RecomputeSummary,
    RoleGrant,
    Route,
    StaffMember,
    Substitution,
    TaskMark,
    TaskSpec,
)
from workflows.rules import departmental_orderer_covers, grants_for_step

SYSTEM = "system"


def already_done(session: Session, invoice_id: int, key: str) -> bool:
    """Whether an event with this idempotency key is in the invoice's audit chain."""
    afters = session.exec(select(AuditEvent.after).where(AuditEvent.chain == chain_of(invoice_id)))
    return any(isinstance(after, dict) and after.get("key") == key for after in afters)


def append_once(session: Session, invoice_id: int, key: str, actor: str, action: str, **after: Any) -> bool:
    if already_done(session, invoice_id, key):
        return False
    append_event(session, invoice_id, actor, action, after={"key": key, **after})
    return True


def _user_id(session: Session, login: str | None) -> int | None:
    if not login:
        return None
    return session.exec(select(User.id).where(User.login == login)).first()


def _city(session: Session, key: str) -> City:
    city = session.exec(select(City).where(City.key == key)).first()
    if city is None:
        raise ApplicationError(f"Die Stadt „{key}“ ist nicht konfiguriert.", type="config.city", non_retryable=True)
    return city


def _department(session: Session, city: City, key: str | None) -> Department | None:
    if key is None:
        return None
    return session.exec(select(Department).where(Department.city_id == city.id, Department.key == key)).first()


def _unroutable(buyer_reference: str | None) -> str:
    """The supplier-readable reason why an invoice reaches no city."""
    try:
        leitweg = LeitwegId.parse(buyer_reference or "")
    except LeitwegIdError as err:
        return f"Die Rechnung ist keiner Stadt zuzuordnen: {err.message}"
    return (
        f"Die Leitweg-ID „{leitweg}“ gehört zu keiner Stadt des re@di-Verbunds; "
        "bitte senden Sie die Rechnung an den richtigen Empfänger."
    )


class ApprovalActivities:
    """Bound to an engine, a document store and the export outbox; registered on the worker."""

    def __init__(self, engine: Engine, store: DocumentStore | None = None, outbox_root: str | Path | None = None):
        self.engine = engine
        self.store = store
        self.outbox_root = Path(outbox_root) if outbox_root is not None else None

    # ------------------------------------------------------------ routing and people

    @activity.defn(name="route_invoice")
    def route_invoice(self, invoice_id: int) -> Route:
        """Leitweg-ID (BT-10) -> city and department, from the tenant configuration."""
        with session_scope(self.engine) as session:
            invoice = session.get(Invoice, invoice_id)
            if invoice is None:  # nothing to route, now or after any retry
                raise ApplicationError(f"Rechnung {invoice_id} gibt es nicht.", type="invoice.not_found", non_retryable=True)
            city = session.get(City, invoice.city_id) if invoice.city_id else None
            department = session.get(Department, invoice.department_id) if invoice.department_id else None
            problem = None
            if city is None:
                found = tenant_route(session, invoice.buyer_reference)
                city, department = found.city, found.department
                if city is None:
                    problem = _unroutable(invoice.buyer_reference)
            route = Route(
                invoice_id=invoice_id,
                city=city.key if city else None,
                city_name=city.name if city else None,
                department=department.key if department else None,
                problem=problem,
                gross_amount=invoice.gross_total if invoice.gross_total is not None else invoice.amount_due or 0,
                currency=invoice.currency or "EUR",
                due_date=invoice.due_date,
                skonto_date=invoice.skonto_date,
            )
            changes: dict[str, Any] = {}
            if invoice.workflow_id != activity.info().workflow_id:
                changes["workflow_id"] = activity.info().workflow_id
            if city is not None:
                route.same_person_factual_and_arithmetic_allowed = city.same_person_factual_and_arithmetic_allowed
                route.reminder_days, route.escalation_days = city.reminder_days, city.escalation_days
                if invoice.city_id != city.id:
                    changes["city_id"] = city.id
                if department is not None and invoice.department_id != department.id:
                    changes["department_id"] = department.id
            if changes:
                update_invoice(session, invoice_id, actor=SYSTEM, action="workflow.routed", **changes)
            append_once(
                session, invoice_id, f"invoice-{invoice_id}:route", SYSTEM, "workflow.route",
                city=route.city, department=route.department, problem=problem,
            )
            return route

    @activity.defn(name="load_staff")
    def load_staff(self, city_key: str) -> CityStaff:
        with read_scope(self.engine) as session:
            return city_staff(session, city_key)

    # ------------------------------------------------------------ tasks

    @activity.defn(name="open_task")
    def open_task(self, spec: TaskSpec) -> None:
        """The inbox entry for a step (histories before the `open_step` patch)."""
        with session_scope(self.engine) as session:
            city = _city(session, spec.city)
            self._open(session, spec, city, city_staff(session, city))

    @activity.defn(name="open_step")
    def open_step(self, spec: TaskSpec) -> OpenedStep:
        """Load the staff snapshot, decide whether the Anordnung is the treasury's, and open
        the task: one activity, one transaction."""
        with session_scope(self.engine) as session:
            city = _city(session, spec.city)
            staff = city_staff(session, city)
            if spec.step is Step.PAYMENT_ORDER and spec.amount is not None:
                spec = spec.model_copy(
                    update={"treasury": not departmental_orderer_covers(staff, spec.department, spec.amount)}
                )
            self._open(session, spec, city, staff)
            return OpenedStep(staff=staff, treasury=spec.treasury)

    def _open(self, session: Session, spec: TaskSpec, city: City, staff: CityStaff) -> None:
        """The department's group whose members hold the role gets the task, else the one
        person who does; the invoice's status moves with it."""
        department = _department(session, city, spec.department)
        group_id, user_id = self._assignee(session, city, department, spec, staff)
        task, created = create_task(
            session, spec.invoice_id, spec.step, key=spec.key, city_id=city.id,
            department_id=department.id if department else None,
            assignee_user_id=user_id, assignee_group_id=group_id,
            due_at=spec.due_at.replace(tzinfo=None), skonto_date=spec.skonto_date,
        )
        if not created:
            return  # a retry: the task, the status and its events are there since the first try
        status = STEP_STATUS[spec.step]
        invoice = get_invoice(session, spec.invoice_id)
        if invoice.status != status.value:
            update_invoice(session, spec.invoice_id, actor=SYSTEM, action=f"status.{status.value}", status=status.value)
        append_event(
            session, spec.invoice_id, SYSTEM, "task.opened",
            after={"key": spec.key, "step": spec.step.value, "department": spec.department,
                   "due_at": spec.due_at.isoformat(), "skonto_near": spec.skonto_near, "treasury": spec.treasury,
                   "group_id": group_id, "user_id": user_id},
        )
        if spec.treasury:
            append_event(
                session, spec.invoice_id, SYSTEM, "task.escalated_to_treasury",
                after={"key": f"{spec.key}:treasury",
                       "detail": "Der Betrag liegt über jeder Wertgrenze des Amtes: die Anordnung obliegt der Kämmerei."},
            )

    def _assignee(
        self, session: Session, city: City, department: Department | None, spec: TaskSpec, staff: CityStaff
    ) -> tuple[int | None, int | None]:
        dept_key = department.key if department else None
        role = Role.TREASURY_ADMIN if spec.treasury else spec.group_role
        eligible = sorted(
            login
            for login, member in staff.members.items()
            if any(g.role is role for g in grants_for_step(member, spec.step, dept_key))
        )
        if not eligible:
            return None, None
        ids = dict(session.exec(select(User.login, User.id).where(User.login.in_(eligible))).all())
        eligible_ids = set(ids.values())
        members_of: dict[int, set[int]] = {}
        for group_id, member_id in session.exec(
            select(GroupMember.group_id, GroupMember.user_id)
            .join(Group, Group.id == GroupMember.group_id)
            .where(Group.city_id == city.id)
        ):
            members_of.setdefault(group_id, set()).add(member_id)
        groups = [
            (group, members_of.get(group.id, set()))
            for group in session.exec(select(Group).where(Group.city_id == city.id).order_by(Group.id))
        ]
        wanted = None if spec.treasury else (department.id if department else None)
        # the department's group of exactly such people; else the city's; else a group with some of them
        preferences = (
            lambda g, m: g.department_id == wanted and m <= eligible_ids,
            lambda g, m: m <= eligible_ids,
            lambda g, m: g.department_id == wanted and m & eligible_ids,
            lambda g, m: m & eligible_ids,
        )
        chosen = next(((g, m) for prefer in preferences for g, m in groups if m and prefer(g, m)), None)
        if chosen is None:
            return None, ids.get(eligible[0])
        group, members = chosen
        # an absent member's Vertretung outside the group sees the task through the absent
        # member (the inbox shows the tasks of the users one substitutes)
        today = utcnow().date()
        for sub in staff.substitutions:
            if sub.valid_from <= today <= sub.valid_to and ids.get(sub.absent) in members:
                substitute_id = _user_id(session, sub.substitute)
                if substitute_id not in members:
                    return group.id, ids[sub.absent]
        return group.id, None

    @activity.defn(name="mark_task")
    def mark_task(self, mark: TaskMark) -> None:
        """Reminder, escalation to the department head, or the Skonto mark."""
        with session_scope(self.engine) as session:
            task = session.exec(select(Task).where(Task.key == mark.key)).first()
            if task is None or not append_once(
                session, mark.invoice_id, f"{mark.key}:{mark.action}", SYSTEM, f"task.{mark.action}",
                detail=mark.detail, assignee=mark.assignee,
            ):
                return
            if mark.action == "reminded":
                flag_task(session, task.id, reminded=True)
            elif mark.action == "escalated":
                flag_task(session, task.id, escalated=True)
                head = _user_id(session, mark.assignee)
                if head is not None:
                    reassign_task(session, task.id, user_id=head, group_id=task.assignee_group_id)

    # ------------------------------------------------------------ decisions

    @activity.defn(name="record_decision")
    def record_decision(self, record: DecisionRecord) -> None:
        """Close the task (when the decision ends the step), note the decision in the audit
        trail, and move the invoice's status and approval record, in one transaction."""
        with session_scope(self.engine) as session:
            if already_done(session, record.invoice_id, record.key):
                return
            invoice = get_invoice(session, record.invoice_id)
            actor_id = _user_id(session, record.user)
            if record.closes_task and record.task_key:
                task = session.exec(select(Task).where(Task.key == record.task_key)).first()
                if task is not None:
                    close_task(session, task.id, by=actor_id)
            append_event(
                session, record.invoice_id, record.user, f"decision.{record.step.value}.{record.action}",
                after={
                    "key": record.key,
                    "step": record.step.value,
                    "action": record.action,
                    "on_behalf_of": record.on_behalf_of,
                    "comment": record.comment,
                    "account_assignment": [a.model_dump(mode="json") for a in record.account_assignment],
                    "target_department": record.target_department,
                    "skonto_kept": record.skonto_kept,
                },
            )
            if record.new_status is None:
                return
            changes: dict[str, Any] = {"status": record.new_status.value}
            if record.action == Action.REJECT:
                changes["rejection_reason"] = record.comment
            if record.target_department:
                city = session.get(City, invoice.city_id)
                department = _department(session, city, record.target_department) if city else None
                if department is not None:
                    changes["department_id"] = department.id
            if record.action == Action.APPROVE:
                changes.update(self._certify(session, invoice, record))
            update_invoice(
                session, record.invoice_id, actor=record.user, action=f"status.{record.new_status.value}", **changes
            )

    def _certify(self, session: Session, invoice, record: DecisionRecord) -> dict[str, Any]:
        city = session.get(City, invoice.city_id)
        department = session.get(Department, invoice.department_id) if invoice.department_id else None
        approval = (
            ApprovalRecord.model_validate(invoice.approval)
            if invoice.approval
            else ApprovalRecord(invoice_id=invoice.id, city=city.key if city else "")
        )
        approval.department = department.key if department else None
        approval.creditor_number = invoice.creditor_number
        approval.due_date, approval.skonto_date, approval.skonto_amount = (
            invoice.due_date, invoice.skonto_date, invoice.skonto_amount
        )
        user = session.exec(select(User).where(User.login == record.user)).first()
        signature = Certification(
            user=record.user, display_name=user.display_name if user else None, at=record.at, comment=record.comment
        )
        changes: dict[str, Any] = {}
        if record.step is Step.FACTUAL_REVIEW:
            approval.factual_review = signature
            approval.account_assignments = list(record.account_assignment)
            changes["account_assignment"] = [a.model_dump(mode="json") for a in record.account_assignment]
        elif record.step is Step.ARITHMETIC_REVIEW:
            approval.arithmetic_review = signature
        elif record.step is Step.PAYMENT_ORDER:
            approval.payment_order = signature
        changes["approval"] = approval.model_dump(mode="json")
        return changes

    @activity.defn(name="finish")
    def finish(self, finish: Finish) -> None:
        """End the invoice: rejected, withdrawn or archived; open tasks are cancelled."""
        with session_scope(self.engine) as session:
            if already_done(session, finish.invoice_id, finish.key):
                return
            cancel_open_tasks(session, finish.invoice_id, by=_user_id(session, finish.actor))
            invoice = get_invoice(session, finish.invoice_id)
            changes: dict[str, Any] = {}
            if invoice.status != finish.status.value:
                changes["status"] = finish.status.value
            if finish.reason and finish.status in (InvoiceStatus.REJECTED, InvoiceStatus.WITHDRAWN):
                changes["rejection_reason"] = finish.reason
            if changes:
                update_invoice(session, finish.invoice_id, actor=finish.actor, action=f"status.{finish.status.value}", **changes)
            append_event(
                session, finish.invoice_id, finish.actor, f"workflow.{finish.status.value}",
                after={"key": finish.key, "reason": finish.reason},
            )

    # ------------------------------------------------------------ arithmetic and export

    @activity.defn(name="recompute")
    def recompute(self, invoice_id: int) -> RecomputeSummary | None:
        """The rechnerische Prüfung's recomputation from the stored original (None when the
        original cannot be read here: the clerk then checks by hand)."""
        from domain.arithmetic import recompute
        from parsers import ParseError, parse

        with read_scope(self.engine) as session:
            document = session.get(Document, get_invoice(session, invoice_id).document_id)
        if self.store is None or document is None or not self.store.exists(document.sha256):
            return None
        try:
            model = parse(self.store.get(document.sha256)).invoice
        except ParseError:
            return None
        result = recompute(model)
        summary = RecomputeSummary(ok=result.ok, differences=len(result.differences), summary=result.summary_de())
        # parsing and recomputing above ran without holding the write lock
        with session_scope(self.engine) as session:
            append_once(
                session, invoice_id, f"invoice-{invoice_id}:recompute", SYSTEM, "arithmetic.recomputed",
                ok=summary.ok, differences=summary.differences, summary=summary.summary,
            )
        return summary

    @activity.defn(name="export_invoice")
    def export_invoice(self, invoice_id: int) -> ExportSummary:
        """Hand the approved invoice to its city's exporter, exactly once (the exporter keeps
        an ExportRecord per invoice and format, so a retry writes nothing)."""
        from exporters import ExportError
        from workflows import exporting  # the exporters' orchestration (workflows/exporting.py)

        try:
            result = exporting.export_invoice(
                invoice_id, engine=self.engine, store=self.store, outbox_root=self.outbox_root
            )
        except ExportError as err:
            # retried until someone fixes the cause (e.g. a missing Kreditorennummer); the
            # trail says why the invoice waits
            with session_scope(self.engine) as session:
                append_once(
                    session, invoice_id, f"invoice-{invoice_id}:export-failed:{err.code}", SYSTEM, "export.failed",
                    code=err.code, message=err.message,
                )
            raise
        with session_scope(self.engine) as session:
            detail = str(result) if result is not None else None
            append_once(session, invoice_id, f"invoice-{invoice_id}:export", SYSTEM, "workflow.exported", detail=detail)
        return ExportSummary(invoice_id=invoice_id, exported=True, detail=detail)

    def all(self) -> list:
        return [
            self.route_invoice, self.load_staff, self.open_task, self.open_step, self.mark_task, self.record_decision,
            self.finish, self.recompute, self.export_invoice,
        ]


def city_staff(session: Session, city: City | str) -> CityStaff:
    """Everyone with a role in the city, their limits, departments and Vertretungen."""
    if isinstance(city, str):
        city = _city(session, city)
    departments = {d.id: d for d in session.exec(select(Department).where(Department.city_id == city.id))}
    users = {u.id: u for u in session.exec(select(User).where(User.active.is_(True)))}
    staff = CityStaff(city=city.key, departments=sorted(d.key for d in departments.values()))
    for grant in session.exec(select(UserRole).where(UserRole.city_id == city.id).order_by(UserRole.id)):
        user = users.get(grant.user_id)
        if user is None:
            continue
        member = staff.members.setdefault(user.login, StaffMember(login=user.login, display_name=user.display_name))
        dept = departments.get(grant.department_id) if grant.department_id else None
        member.grants.append(
            RoleGrant(role=Role(grant.role), department=dept.key if dept else None, approval_limit=grant.approval_limit)
        )
    for dept in departments.values():
        head = users.get(dept.head_user_id) if dept.head_user_id else None
        if head is not None:
            staff.department_heads[dept.key] = head.login
    member_ids = [uid for uid, u in users.items() if u.login in staff.members]
    for sub in session.exec(select(Substitute).where(Substitute.user_id.in_(member_ids)).order_by(Substitute.id)):
        if sub.substitute_id in users:
            staff.substitutions.append(
                Substitution(
                    absent=users[sub.user_id].login,
                    substitute=users[sub.substitute_id].login,
                    valid_from=sub.valid_from,
                    valid_to=sub.valid_to,
                )
            )
    return staff
