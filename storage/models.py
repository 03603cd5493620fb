"""The tables. Timestamps are naive UTC (`utcnow()`); money is `Money` (Decimal); statuses,
steps and roles store the stable string values of the enums in `domain.status`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, Index, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from domain.status import InvoiceStatus, Role, Step
from storage.types import Money

metadata = SQLModel.metadata
# stable constraint names: Alembic can drop what it created, on both databases
metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _timestamp(**kw) -> Any:
    # naive UTC on both databases, so values (and audit hashes) read back exactly as written
    return Field(sa_type=DateTime(timezone=False), **kw)


class TaskState(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


# ---------------------------------------------------------------- tenants


class City(SQLModel, table=True):
    __tablename__ = "city"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_type=String(64), unique=True)
    name: str
    ags: str = Field(sa_type=String(8))
    leitweg_id: str = Field(sa_type=String(50), unique=True)
    leitweg_coarse: str = Field(sa_type=String(12), index=True)
    same_person_factual_and_arithmetic_allowed: bool = True
    reminder_days: int = 5
    escalation_days: int = 10


class Department(SQLModel, table=True):
    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("city_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    city_id: int = Field(foreign_key="city.id", index=True)
    key: str = Field(sa_type=String(64))
    name: str
    leitweg_id: str = Field(sa_type=String(50), unique=True)
    head_user_id: int | None = Field(default=None, foreign_key="app_user.id")


class User(SQLModel, table=True):
    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(sa_type=String(64), unique=True)
    display_name: str
    email: str | None = None
    password_hash: str | None = None  # argon2, see storage.passwords
    active: bool = True


class UserRole(SQLModel, table=True):
    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "city_id", "role", "department_key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    city_id: int = Field(foreign_key="city.id", index=True)
    role: Role = Field(sa_type=String(40))  # enum values as plain strings: new values need no migration
    department_id: int | None = Field(default=None, foreign_key="department.id")
    # "" for a city-wide role: NULLs would not be unique in the constraint above
    department_key: str = Field(default="", sa_type=String(64))
    approval_limit: Decimal | None = Field(default=None, sa_type=Money)  # None = unlimited


class Group(SQLModel, table=True):
    __tablename__ = "user_group"
    __table_args__ = (UniqueConstraint("city_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    city_id: int = Field(foreign_key="city.id", index=True)
    key: str = Field(sa_type=String(64))
    name: str
    department_id: int | None = Field(default=None, foreign_key="department.id")


class GroupMember(SQLModel, table=True):
    __tablename__ = "group_member"

    group_id: int = Field(foreign_key="user_group.id", primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", primary_key=True, index=True)


class Substitute(SQLModel, table=True):
    """Vertretung: `substitute_id` works the inbox of `user_id` from valid_from to valid_to."""

    __tablename__ = "substitute"
    __table_args__ = (UniqueConstraint("user_id", "substitute_id", "valid_from"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    substitute_id: int = Field(foreign_key="app_user.id", index=True)
    valid_from: date
    valid_to: date


class Supplier(SQLModel, table=True):
    __tablename__ = "supplier"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_type=String(64), unique=True)
    name: str
    vat_id: str | None = Field(default=None, sa_type=String(32), index=True)
    email: str | None = None


class SupplierCreditor(SQLModel, table=True):
    """The supplier's Kreditorennummer in one city's finance system."""

    __tablename__ = "supplier_creditor"

    supplier_id: int = Field(foreign_key="supplier.id", primary_key=True)
    city_id: int = Field(foreign_key="city.id", primary_key=True)
    creditor_number: str = Field(sa_type=String(32))


class SupplierToken(SQLModel, table=True):
    __tablename__ = "supplier_token"

    id: int | None = Field(default=None, primary_key=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    token_sha256: str = Field(sa_type=String(64), unique=True)
    label: str | None = None
    created_at: datetime = _timestamp(default_factory=utcnow)
    revoked_at: datetime | None = _timestamp(default=None)


class ExportSetting(SQLModel, table=True):
    __tablename__ = "export_setting"

    city_id: int = Field(foreign_key="city.id", primary_key=True)
    format: str = Field(sa_type=String(40))
    outbox: str
    params: dict = Field(default_factory=dict, sa_type=JSON)


# ---------------------------------------------------------------- documents and invoices


class Document(SQLModel, table=True):
    """An original as received: immutable, content-addressed."""

    __tablename__ = "document"

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(sa_type=String(64), unique=True)
    size: int
    media_type: str = Field(sa_type=String(100))
    filename: str | None = None
    storage_key: str
    received_at: datetime = _timestamp(default_factory=utcnow)
    retain_until: date


class Invoice(SQLModel, table=True):
    __tablename__ = "invoice"
    __table_args__ = (
        Index("ix_invoice_city_status", "city_id", "status"),
        Index("ix_invoice_supplier_number", "supplier_id", "number"),
        Index("ix_invoice_seller_number", "seller_vat_id", "number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", unique=True)
    supplier_id: int | None = Field(default=None, foreign_key="supplier.id")
    city_id: int | None = Field(default=None, foreign_key="city.id")
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    syntax: str | None = Field(default=None, sa_type=String(20))  # ubl, cii, zugferd1, ...
    profile: str | None = None  # BT-24
    type_code: str | None = Field(default=None, sa_type=String(5))  # BT-3
    number: str | None = None  # BT-1
    issue_date: date | None = None  # BT-2
    seller_name: str | None = None  # BT-27
    seller_vat_id: str | None = Field(default=None, sa_type=String(32))  # BT-31
    buyer_reference: str | None = Field(default=None, sa_type=String(60), index=True)  # BT-10
    currency: str | None = Field(default=None, sa_type=String(3))  # BT-5
    net_total: Decimal | None = Field(default=None, sa_type=Money)  # BT-109
    tax_total: Decimal | None = Field(default=None, sa_type=Money)  # BT-110
    gross_total: Decimal | None = Field(default=None, sa_type=Money)  # BT-112
    amount_due: Decimal | None = Field(default=None, sa_type=Money)  # BT-115
    due_date: date | None = None  # BT-9 or from the payment terms
    skonto_date: date | None = None
    skonto_amount: Decimal | None = Field(default=None, sa_type=Money)
    status: InvoiceStatus = Field(default=InvoiceStatus.RECEIVED, sa_type=String(40), index=True)
    accepted: bool | None = None  # the validator's verdict; None = not validated yet
    validation_report: dict | None = Field(default=None, sa_type=JSON)
    rejection_reason: str | None = None
    duplicate_of_id: int | None = Field(default=None, foreign_key="invoice.id")
    creditor_number: str | None = Field(default=None, sa_type=String(32))
    account_assignment: list | None = Field(default=None, sa_type=JSON)  # [domain.approval.AccountAssignment]
    approval: dict | None = Field(default=None, sa_type=JSON)  # domain.approval.ApprovalRecord
    workflow_id: str | None = Field(default=None, sa_type=String(100))
    created_at: datetime = _timestamp(default_factory=utcnow)
    updated_at: datetime = _timestamp(default_factory=utcnow)
    version: int = Field(default=1, sa_column_kwargs={"server_default": text("1")})


class Task(SQLModel, table=True):
    """One human step waiting for someone: the inbox."""

    __tablename__ = "task"
    __table_args__ = (
        # the inbox: open tasks of one user / one group in due order (partial: done tasks,
        # the vast majority, are not in these indexes)
        Index("ix_task_open_user_due", "assignee_user_id", "due_at", "id",
              postgresql_where=text("state = 'open'"), sqlite_where=text("state = 'open'")),
        Index("ix_task_open_group_due", "assignee_group_id", "due_at", "id",
              postgresql_where=text("state = 'open'"), sqlite_where=text("state = 'open'")),
        Index("ix_task_city_state", "city_id", "state", "step", "due_at"),
        Index("ix_task_department_state", "department_id", "state", "due_at"),
        Index("ix_task_state_due", "state", "due_at"),
        Index("ix_task_supplier_state", "supplier_id", "state"),
        Index("ix_task_state_amount", "state", "amount"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_type=String(120), unique=True)  # idempotency: one task per key
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    step: Step = Field(sa_type=String(40))
    city_id: int | None = Field(default=None, foreign_key="city.id")
    department_id: int | None = Field(default=None, foreign_key="department.id")
    assignee_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    assignee_group_id: int | None = Field(default=None, foreign_key="user_group.id")
    # copied from the invoice so the inbox filters and sorts without a join
    supplier_id: int | None = Field(default=None, foreign_key="supplier.id")
    amount: Decimal | None = Field(default=None, sa_type=Money)
    due_at: datetime | None = _timestamp(default=None)
    skonto_date: date | None = None
    state: TaskState = Field(default=TaskState.OPEN, sa_type=String(20))
    reminded: bool = False
    escalated: bool = False
    created_at: datetime = _timestamp(default_factory=utcnow)
    done_at: datetime | None = _timestamp(default=None)
    done_by_id: int | None = Field(default=None, foreign_key="app_user.id")


class AuditEvent(SQLModel, table=True):
    """Append-only. `hash` = SHA-256 over the canonical form of the event incl. `prev_hash`;
    one chain per invoice (`chain` = "invoice:<id>") plus the "system" chain."""

    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("chain", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    chain: str = Field(sa_type=String(40))
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id", index=True)
    seq: int
    at: datetime = _timestamp(default_factory=utcnow)
    actor: str
    action: str = Field(sa_type=String(60))
    before: Any | None = Field(default=None, sa_type=JSON)
    after: Any | None = Field(default=None, sa_type=JSON)
    prev_hash: str = Field(sa_type=String(64))
    hash: str = Field(sa_type=String(64))


class AuditHead(SQLModel, table=True):
    """The last event of each chain, so cutting off the end of a chain is detectable too."""

    __tablename__ = "audit_head"

    chain: str = Field(sa_type=String(40), primary_key=True)
    seq: int
    hash: str = Field(sa_type=String(64))


class ExportRecord(SQLModel, table=True):
    """Invoice X went into export file Y, exactly once per format."""

    __tablename__ = "export_record"
    __table_args__ = (UniqueConstraint("invoice_id", "format"),)

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id")
    city_id: int | None = Field(default=None, foreign_key="city.id", index=True)
    format: str = Field(sa_type=String(40))
    file_name: str = Field(index=True)
    sha256: str = Field(sa_type=String(64))
    exported_at: datetime = _timestamp(default_factory=utcnow)
