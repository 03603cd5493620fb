"""Export items built from the shared test invoices, with an approval record."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import parsers
from domain.approval import AccountAssignment, ApprovalRecord, Certification
from exporters import ExportItem
from tests.conftest import TESTSUITE, XML_RECHNUNG

EINFACH = XML_RECHNUNG / "UBL" / "EN16931_Einfach.ubl.xml"  # 7 % and 19 %, 529.87
EINFACH_CII = XML_RECHNUNG / "CII" / "EN16931_Einfach.cii.xml"
RABATTE = XML_RECHNUNG / "UBL" / "EN16931_Rabatte.ubl.xml"  # document-level allowances and charges
KORREKTUR = XML_RECHNUNG / "UBL" / "EN16931_Rechnungskorrektur.ubl.xml"  # 384, negative amounts
CREDIT_NOTE = XML_RECHNUNG / "UBL" / "ubl-tc434-creditnote1.xml"  # 381, VAT exempt
SKONTO = TESTSUITE / "business-cases" / "standard" / "01.10a-INVOICE_ubl.xml"  # #SKONTO# terms, 2594.20
FACTURX = XML_RECHNUNG / "FX" / "EN16931_Einfach.pdf"

CREATED_AT = datetime(2025, 3, 14, 9, 26, 53, 589000, tzinfo=UTC)


def certification(user: str, day: int) -> Certification:
    return Certification(user=user, display_name=user.title(), at=datetime(2025, 3, day, 10, 0, tzinfo=UTC))


def make_item(path: Path, *, invoice_id: int = 1, assignments: list[AccountAssignment] | None = None,
              city: str = "ettlingen", creditor: str | None = "70001", **approval) -> ExportItem:
    data = path.read_bytes()
    invoice = parsers.parse(data).invoice
    record = ApprovalRecord(
        invoice_id=invoice_id, city=city, department="tiefbau", creditor_number=creditor,
        account_assignments=assignments if assignments is not None
        else [AccountAssignment(gl_account="4711", cost_center="KST100", product="1.1.1")],
        factual_review=certification("mueller", 10), arithmetic_review=certification("schmidt", 11),
        payment_order=certification("weber", 12), **approval,
    )
    return ExportItem(invoice=invoice, original=data, original_filename=path.name, approval=record)


DUE = date(2025, 4, 30)
