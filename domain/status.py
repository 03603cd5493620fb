"""Statuses of an invoice, steps of the approval, roles of the people doing them.

The values are stable identifiers (stored in the database, sent over the API); the German
labels are what people read.
"""

from __future__ import annotations

from enum import StrEnum


class InvoiceStatus(StrEnum):
    RECEIVED = "received"
    REJECTED = "rejected"
    IN_FACTUAL_REVIEW = "in_factual_review"
    IN_ARITHMETIC_REVIEW = "in_arithmetic_review"
    AWAITING_PAYMENT_ORDER = "awaiting_payment_order"
    APPROVED = "approved"
    EXPORTED = "exported"
    ARCHIVED = "archived"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def supplier_label(self) -> str:
        """What a supplier sees: the coarse state, not our internal steps."""
        return SUPPLIER_LABELS[self]


STATUS_LABELS = {
    InvoiceStatus.RECEIVED: "eingegangen",
    InvoiceStatus.REJECTED: "zurückgewiesen",
    InvoiceStatus.IN_FACTUAL_REVIEW: "in sachlicher Prüfung",
    InvoiceStatus.IN_ARITHMETIC_REVIEW: "in rechnerischer Prüfung",
    InvoiceStatus.AWAITING_PAYMENT_ORDER: "wartet auf Anordnung",
    InvoiceStatus.APPROVED: "angeordnet",
    InvoiceStatus.EXPORTED: "exportiert",
    InvoiceStatus.ARCHIVED: "archiviert",
    InvoiceStatus.WITHDRAWN: "zurückgezogen",
}

SUPPLIER_LABELS = {
    InvoiceStatus.RECEIVED: "eingegangen",
    InvoiceStatus.REJECTED: "zurückgewiesen",
    InvoiceStatus.IN_FACTUAL_REVIEW: "in Prüfung",
    InvoiceStatus.IN_ARITHMETIC_REVIEW: "in Prüfung",
    InvoiceStatus.AWAITING_PAYMENT_ORDER: "in Prüfung",
    InvoiceStatus.APPROVED: "angeordnet",
    InvoiceStatus.EXPORTED: "exportiert",
    InvoiceStatus.ARCHIVED: "exportiert",
    InvoiceStatus.WITHDRAWN: "zurückgezogen",
}

FINAL_STATUSES = frozenset({InvoiceStatus.REJECTED, InvoiceStatus.ARCHIVED, InvoiceStatus.WITHDRAWN})


class Step(StrEnum):
    """A human step of the approval workflow."""

    INTAKE = "intake"  # Rechnungseingang: assign a department when the Leitweg-ID does not say
    FACTUAL_REVIEW = "factual_review"  # sachliche Prüfung
    ARITHMETIC_REVIEW = "arithmetic_review"  # rechnerische Prüfung
    PAYMENT_ORDER = "payment_order"  # Anordnung

    @property
    def label(self) -> str:
        return STEP_LABELS[self]


STEP_LABELS = {
    Step.INTAKE: "Rechnungseingang",
    Step.FACTUAL_REVIEW: "sachliche Prüfung",
    Step.ARITHMETIC_REVIEW: "rechnerische Prüfung",
    Step.PAYMENT_ORDER: "Anordnung",
}

STEP_STATUS = {
    Step.INTAKE: InvoiceStatus.RECEIVED,
    Step.FACTUAL_REVIEW: InvoiceStatus.IN_FACTUAL_REVIEW,
    Step.ARITHMETIC_REVIEW: InvoiceStatus.IN_ARITHMETIC_REVIEW,
    Step.PAYMENT_ORDER: InvoiceStatus.AWAITING_PAYMENT_ORDER,
}


class Role(StrEnum):
    INTAKE_CLERK = "intake_clerk"
    FACTUAL_REVIEWER = "factual_reviewer"
    ARITHMETIC_REVIEWER = "arithmetic_reviewer"
    PAYMENT_ORDERER = "payment_orderer"
    TREASURY_ADMIN = "treasury_admin"
    DEPARTMENT_HEAD = "department_head"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.INTAKE_CLERK: "Rechnungseingang",
    Role.FACTUAL_REVIEWER: "sachliche Prüfung",
    Role.ARITHMETIC_REVIEWER: "rechnerische Prüfung",
    Role.PAYMENT_ORDERER: "Anordnungsbefugte/r",
    Role.TREASURY_ADMIN: "Kämmerei / Stadtkasse",
    Role.DEPARTMENT_HEAD: "Amtsleitung",
}

STEP_ROLE = {
    Step.INTAKE: Role.INTAKE_CLERK,
    Step.FACTUAL_REVIEW: Role.FACTUAL_REVIEWER,
    Step.ARITHMETIC_REVIEW: Role.ARITHMETIC_REVIEWER,
    Step.PAYMENT_ORDER: Role.PAYMENT_ORDERER,
}
