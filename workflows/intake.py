"""Rechnungseingang: one upload in, one stored original, one verdict, one workflow.

`submit` stores the original (the same bytes twice are one document: the second upload
answers with the first invoice), parses and validates it once, creates the invoice row and,
when the invoice is accepted, starts `InvoiceApproval`. A rejected invoice is kept with its
report and never routed. A credit note that names a running invoice (BG-3) withdraws it.
`run_import` is `rechnungslauf import PATH…`.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.client import Client
from temporalio.service import RPCError

from domain.invoice import Invoice as DomainInvoice
from domain.status import FINAL_STATUSES, InvoiceStatus
from parsers import ParseError, detect, map_invoice
from storage.db import read_scope, session_scope
from storage.documents import DocumentStore, sha256_hex, store_document
from storage.invoices import create_invoice, key_fields
from storage.models import City, Document, Invoice, Supplier, utcnow
from storage.tenants import route
from validators import ValidationReport, validate, validate_detected
from workflows.client import start_approval
from workflows.decisions import DecisionRefused, Withdrawal, withdraw

log = logging.getLogger("rechnungslauf.intake")

MEDIA_TYPES = {".xml": "application/xml", ".pdf": "application/pdf"}
PENDING_AGE = timedelta(minutes=1)


class IntakeResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    invoice_id: int
    document_id: int
    duplicate: bool  # these bytes were handed in before: the earlier invoice is answered
    accepted: bool
    status: InvoiceStatus
    number: str | None = None
    workflow_id: str | None = None
    message: str  # German, for the supplier
    report: dict[str, Any] | None = None  # ValidationReport as JSON

    @property
    def rejected(self) -> bool:
        return not self.accepted


def _check(data: bytes, prefixes: list[str], duplicate_hook) -> tuple[ValidationReport, DomainInvoice | None, str | None]:
    """Validate once; the model when the invoice is accepted and maps, else the reason."""
    try:
        detected = detect(data)
    except ParseError:
        report = validate(data)  # the parse error as a rejected report
        return report, None, report.reason
    report = validate_detected(detected, known_leitweg_prefixes=prefixes, duplicate_hook=duplicate_hook)
    if not report.accepted:
        reason = report.reason or "; ".join(f"{f.rule_id}: {f.explanation or f.text}" for f in report.errors[:5])
        return report, None, reason or "Die Rechnung entspricht nicht den Vorgaben."
    try:
        return report, map_invoice(detected), None
    except ParseError as err:
        report.accepted, report.reason_code, report.reason = False, err.code, err.message
        return report, None, err.message


def _duplicate_hook(engine: Engine, supplier_id: int | None):
    def earlier_invoice(invoice: DomainInvoice) -> str | None:
        with read_scope(engine) as session:
            earlier = _earlier(session, invoice, supplier_id)
            if earlier is None:
                return None
            label = InvoiceStatus(earlier.status).label
            return f"Rechnung {earlier.number} (Eingang Nr. {earlier.id}, {label})"

    return earlier_invoice


def _earlier(session: Session, invoice: DomainInvoice, supplier_id: int | None) -> Invoice | None:
    query = select(Invoice).where(Invoice.number == invoice.number, Invoice.status != InvoiceStatus.REJECTED.value)
    if supplier_id is not None:
        query = query.where(Invoice.supplier_id == supplier_id)
    elif invoice.seller.vat_id:
        query = query.where(Invoice.seller_vat_id == invoice.seller.vat_id)
    else:
        return None
    return session.exec(query.order_by(Invoice.id)).first()


def _invoice_of_bytes(session: Session, data: bytes) -> Invoice | None:
    query = select(Invoice).join(Document, Document.id == Invoice.document_id).where(Document.sha256 == sha256_hex(data))
    return session.exec(query).first()


def _message(row: Invoice, duplicate: bool) -> str:
    if duplicate:
        return f"Diese Datei wurde bereits eingereicht (Rechnung {row.number or row.id}, Status: {InvoiceStatus(row.status).supplier_label})."
    if row.accepted:
        return f"Die Rechnung {row.number or ''} ist eingegangen und wird geprüft.".replace("  ", " ")
    return f"Die Rechnung wurde zurückgewiesen: {row.rejection_reason}"


def _result(row: Invoice, duplicate: bool, workflow_id: str | None) -> IntakeResult:
    return IntakeResult(
        invoice_id=row.id, document_id=row.document_id, duplicate=duplicate, accepted=bool(row.accepted),
        status=InvoiceStatus(row.status), number=row.number, workflow_id=workflow_id or row.workflow_id,
        message=_message(row, duplicate), report=row.validation_report,
    )


def _new_row(
    session: Session, document_id: int, report: ValidationReport, invoice: DomainInvoice | None,
    reason: str | None, supplier_id: int | None, actor: str,
) -> Invoice:
    fields: dict[str, Any] = {
        "supplier_id": supplier_id,
        "syntax": report.syntax,
        "profile": report.profile,
        "accepted": invoice is not None,
        "validation_report": report.model_dump(mode="json"),
    }
    if invoice is None:
        fields.update(status=InvoiceStatus.REJECTED.value, rejection_reason=reason)
    else:
        fields.update(key_fields(invoice))
        target = route(session, invoice.buyer_reference)
        fields["city_id"] = target.city.id if target.city else None
        fields["department_id"] = target.department.id if target.department else None
        earlier = _earlier(session, invoice, supplier_id)
        fields["duplicate_of_id"] = earlier.id if earlier else None
    row, _ = create_invoice(session, document_id, actor=actor, **fields)
    return row


def _record(
    engine: Engine, store: DocumentStore, data: bytes, filename: str | None, media_type: str,
    report: ValidationReport, invoice: DomainInvoice | None, reason: str | None, supplier_id: int | None, actor: str,
) -> tuple[Invoice, bool]:
    """Store the original and create the invoice row: (row, duplicate)."""
    with session_scope(engine) as session:
        document, created = store_document(session, store, data, filename, media_type)
        row = None if created else _invoice_of_bytes(session, data)
        if row is not None:  # the same bytes arrived at the same moment
            return row, True
        return _new_row(session, document.id, report, invoice, reason, supplier_id, actor), False


async def submit(
    data: bytes,
    *,
    filename: str | None,
    media_type: str,
    supplier_id: int | None,
    engine: Engine,
    store: DocumentStore,
    temporal_client: Client,
    task_queue: str | None = None,
) -> IntakeResult:
    """Hand in one invoice. Never raises for bad input: a rejected result carries the report."""
    actor = f"supplier:{supplier_id}" if supplier_id is not None else "intake"
    with read_scope(engine) as session:
        row = _invoice_of_bytes(session, data)
        prefixes = list(session.exec(select(City.leitweg_coarse)))
    invoice = None
    duplicate = row is not None
    if row is None:
        # validation runs outside any write transaction: it takes a while
        report, invoice, reason = await asyncio.to_thread(_check, data, prefixes, _duplicate_hook(engine, supplier_id))
        # a thread, not the event loop, waits for the database's write lock
        row, duplicate = await asyncio.to_thread(
            _record, engine, store, data, filename, media_type, report, invoice, reason, supplier_id, actor)
    if row.accepted and InvoiceStatus(row.status) not in FINAL_STATUSES:
        # also for a duplicate: a start lost to a crash is made up; a second start is a no-op
        workflow_id = await _start(temporal_client, row.id, task_queue)
    else:
        workflow_id = None
    if invoice is not None and not duplicate and invoice.is_credit_note:
        await _withdraw_credited(engine, temporal_client, row, invoice)
    return _result(row, duplicate, workflow_id)


async def _start(client: Client, invoice_id: int, queue: str | None) -> str | None:
    """Start the approval (its route activity notes the workflow id on the invoice row). When
    Temporal cannot be reached the invoice stays stored and accepted, and the workers'
    `start_pending` starts it later."""
    try:
        return (await start_approval(client, invoice_id, queue=queue)).id
    except (RPCError, RuntimeError) as err:  # RuntimeError: the client could not connect at all
        log.warning("Freigabe für Rechnung %s noch nicht gestartet: %s", invoice_id, err)
        return None


async def start_pending(
    engine: Engine, client: Client, queue: str | None = None, *, min_age: timedelta = PENDING_AGE
) -> int:
    """Start the approval of accepted invoices that have none yet (a start lost to an outage
    or a crash); the workers call this when they start and then every minute. How many.
    An invoice younger than `min_age` is left alone: its start is normally under way, and its
    run notes the workflow id only once it routes the invoice."""
    with read_scope(engine) as session:
        rows = list(session.exec(
            select(Invoice).where(Invoice.accepted.is_(True), Invoice.workflow_id.is_(None),
                                  Invoice.status.not_in([s.value for s in FINAL_STATUSES]),
                                  Invoice.created_at <= utcnow() - min_age)
        ))
    started = [await _start(client, row.id, queue) for row in rows]
    return sum(1 for workflow_id in started if workflow_id)


async def _withdraw_credited(engine: Engine, client: Client, credit: Invoice, note: DomainInvoice) -> None:
    """A credit note naming an invoice still in approval withdraws that invoice."""
    numbers = [p.number for p in note.preceding_invoices]
    if not numbers:
        return
    with session_scope(engine) as session:
        query = select(Invoice.id).where(
            Invoice.number.in_(numbers), Invoice.id != credit.id, Invoice.workflow_id.is_not(None),
            Invoice.status.not_in([s.value for s in FINAL_STATUSES]),
        )
        if credit.supplier_id is not None:
            query = query.where(Invoice.supplier_id == credit.supplier_id)
        else:
            query = query.where(Invoice.seller_vat_id == credit.seller_vat_id)
        targets = list(session.exec(query))
    reason = f"Durch die Gutschrift {note.number} vom {note.issue_date:%d.%m.%Y} aufgehoben."
    for invoice_id in targets:
        try:
            await withdraw(client, invoice_id, Withdrawal(actor="system", reason=reason))
        except DecisionRefused as refusal:  # already ordered or finished: the clerks settle it
            log.info("Gutschrift %s: Rechnung %s nicht zurückgezogen: %s", note.number, invoice_id, refusal.message)


# ------------------------------------------------------------ rechnungslauf import


def invoice_files(paths: list[str]) -> tuple[list[Path], list[str]]:
    """The invoice files under the paths (folders recursively) and the paths that do not exist."""
    files: list[Path] = []
    missing: list[str] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in MEDIA_TYPES)
        elif path.is_file():
            files.append(path)
        else:
            missing.append(name)
    return files, missing


async def _import(files: list[Path], supplier_key: str | None) -> int:
    from tqdm import tqdm

    from storage.db import make_engine
    from storage.documents import FileSystemDocumentStore
    from workflows.exporting import default_root
    from workflows.client import connect

    engine = make_engine()
    store = FileSystemDocumentStore(default_root("RECHNUNGSLAUF_DOCUMENTS", "documents"))
    supplier_id = None
    if supplier_key:
        with session_scope(engine) as session:
            supplier_id = session.exec(select(Supplier.id).where(Supplier.key == supplier_key)).first()
        if supplier_id is None:
            print(f"Unbekannter Lieferant „{supplier_key}“.", file=sys.stderr)
            return 2
    client = await connect()
    counts = {"angenommen": 0, "zurückgewiesen": 0, "bereits eingereicht": 0}
    rejected: list[str] = []
    for path in tqdm(files, desc="Rechnungen", unit="Datei"):
        media_type = MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
        result = await submit(
            path.read_bytes(), filename=path.name, media_type=media_type, supplier_id=supplier_id,
            engine=engine, store=store, temporal_client=client,
        )
        if result.duplicate:
            counts["bereits eingereicht"] += 1
        elif result.accepted:
            counts["angenommen"] += 1
        else:
            counts["zurückgewiesen"] += 1
            rejected.append(f"{path}: {result.message}")
    engine.dispose()
    for line in rejected:
        print(line)
    print(", ".join(f"{n} {label}" for label, n in counts.items()))
    return 1 if rejected else 0


def run_import(args) -> int:
    files, missing = invoice_files(list(args.paths))
    for name in missing:
        print(f"Nicht gefunden: {name}", file=sys.stderr)
    if missing:
        return 2
    if not files:
        print("Keine Rechnungsdateien (.xml, .pdf) gefunden.", file=sys.stderr)
        return 2
    return asyncio.run(_import(files, getattr(args, "supplier", None)))

