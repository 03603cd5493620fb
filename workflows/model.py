"""What the approval workflow and its activities hand each other (pydantic, over Temporal's
pydantic data converter: Decimal and date survive the trip). Ids travel, documents never."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from domain.approval import AccountAssignment
from domain.status import InvoiceStatus, Role, Step


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ApprovalInput(_Model):
    invoice_id: int


class Route(_Model):
    """Where an invoice goes, and the figures its deadlines and limits depend on."""

    invoice_id: int
    city: str | None  # None: the Leitweg-ID belongs to no configured city
    city_name: str | None = None
    department: str | None = None  # None: unknown or missing Feinadressierung -> Rechnungseingang
    problem: str | None = None  # German reason when the invoice cannot be routed at all
    gross_amount: Decimal = Decimal("0")
    currency: str = "EUR"
    due_date: date | None = None
    skonto_date: date | None = None
    same_person_factual_and_arithmetic_allowed: bool = True
    reminder_days: int = 5
    escalation_days: int = 10


class RoleGrant(_Model):
    role: Role
    department: str | None = None  # None: city-wide
    approval_limit: Decimal | None = None  # None: unlimited


class StaffMember(_Model):
    login: str
    display_name: str
    grants: list[RoleGrant] = Field(default_factory=list)


class Substitution(_Model):
    absent: str  # login of the absent user
    substitute: str
    valid_from: date
    valid_to: date


class CityStaff(_Model):
    """Everyone holding a role in one city: the snapshot the Update validators decide with
    (they must not do I/O), loaded by an activity whenever a step starts."""

    city: str
    members: dict[str, StaffMember] = Field(default_factory=dict)  # by login
    substitutions: list[Substitution] = Field(default_factory=list)
    departments: list[str] = Field(default_factory=list)
    department_heads: dict[str, str] = Field(default_factory=dict)  # department key -> login


class TaskSpec(_Model):
    key: str  # one task per key, however often the activity runs
    invoice_id: int
    step: Step
    city: str
    department: str | None
    group_role: Role  # the role whose holders in the department share the task
    due_at: datetime
    skonto_date: date | None = None
    skonto_near: bool = False
    treasury: bool = False  # Anordnung above every departmental limit: the treasury's task
    amount: Decimal | None = None  # the gross amount, for open_step to decide `treasury`


class OpenedStep(_Model):
    staff: CityStaff
    treasury: bool


class TaskMark(_Model):
    key: str
    invoice_id: int
    action: str  # "reminded", "escalated", "skonto_near"
    assignee: str | None = None  # the department head on escalation
    detail: str  # German, for the audit trail


class DecisionRecord(_Model):
    key: str  # the Update's id: recording twice writes once
    invoice_id: int
    task_key: str | None
    step: Step
    action: str
    user: str
    at: datetime  # when the workflow accepted it
    on_behalf_of: str | None = None  # the absent user when a substitute acts
    comment: str | None = None
    account_assignment: list[AccountAssignment] = Field(default_factory=list)
    target_department: str | None = None
    new_status: InvoiceStatus | None = None
    closes_task: bool = True
    skonto_kept: bool | None = None


class Finish(_Model):
    key: str
    invoice_id: int
    status: InvoiceStatus
    actor: str
    reason: str | None = None  # supplier-readable, German


class ExportSummary(_Model):
    invoice_id: int
    exported: bool
    detail: str | None = None


class RecomputeSummary(_Model):
    ok: bool
    differences: int
    summary: str


class ApprovalState(_Model):
    """The workflow's state as the `state` query shows it."""

    invoice_id: int
    status: InvoiceStatus = InvoiceStatus.RECEIVED
    step: Step | None = None
    city: str | None = None
    department: str | None = None
    gross_amount: Decimal = Decimal("0")
    currency: str = "EUR"
    due_date: date | None = None
    skonto_date: date | None = None
    same_person_factual_and_arithmetic_allowed: bool = True
    task_key: str | None = None
    task_opened_at: datetime | None = None
    treasury: bool = False
    reminded: bool = False
    escalated: bool = False
    skonto_near: bool = False
    skonto_kept: bool | None = None
    factual_reviewer: str | None = None
    arithmetic_reviewer: str | None = None
    payment_orderer: str | None = None
    account_assignment: list[AccountAssignment] = Field(default_factory=list)
    recomputation: RecomputeSummary | None = None
    rejection_reason: str | None = None
    exported: bool = False
    busy: bool = True  # no step open for decisions: one is being recorded, or the next opens
    staff: CityStaff | None = None


class ApprovalOutcome(_Model):
    invoice_id: int
    status: InvoiceStatus
    reason: str | None = None
    skonto_kept: bool | None = None
    exported: bool = False
