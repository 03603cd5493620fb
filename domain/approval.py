"""What the approval adds to an invoice: account assignment and who certified what, when.

The workflow records it; exporters and the web read it. Kommunale Doppik: Sachkonto
(general-ledger account), Kostenstelle (cost centre), Produkt (product).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class AccountAssignment(BaseModel):
    """One Kontierung: for the whole invoice (`line_id` None) or for one line (BT-126)."""

    model_config = ConfigDict(extra="forbid")

    gl_account: str  # Sachkonto
    cost_center: str | None = None  # Kostenstelle
    product: str | None = None  # Produkt
    line_id: str | None = None  # BT-126 when assigned per line
    net_amount: Decimal | None = None  # share of the net amount; None = all of it (or the line's)


class Certification(BaseModel):
    """A signature: sachlich richtig, rechnerisch richtig, or the Anordnung."""

    model_config = ConfigDict(extra="forbid")

    user: str  # login name
    display_name: str | None = None
    at: datetime
    comment: str | None = None


class ApprovalRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    invoice_id: int
    city: str  # city key from the configuration, e.g. "ettlingen"
    department: str | None = None
    creditor_number: str | None = None  # Kreditor in the city's finance system
    account_assignments: list[AccountAssignment] = Field(default_factory=list)
    factual_review: Certification | None = None  # sachlich richtig
    arithmetic_review: Certification | None = None  # rechnerisch richtig
    payment_order: Certification | None = None  # Anordnung
    due_date: date | None = None
    skonto_date: date | None = None
    skonto_amount: Decimal | None = None
