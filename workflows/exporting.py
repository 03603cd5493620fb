"""Exactly-once export of approved invoices into each city's outbox.

The workflow's export activity calls `export_invoice`; `rechnungslauf export --city X` calls
`export_city`, and `--again FILE` calls `export_again`.

How a run keeps "each invoice in at most one file per format" and "files appear whole":
1. Under the outbox's lock (one run per outbox at a time, across processes), finish or
   clear what a crashed run left (see `recover_pending`).
2. Select the city's approved invoices without an ExportRecord for the city's format, load
   each original from the document store, parse it, and build its ApprovalRecord.
3. Render with the city's exporter; the creation time in the files is the run's recorded
   time (`exported_at`), so a lost file can be rendered again byte for byte.
4. Write every file (or bundle folder) under a hidden temporary name `.pending-<name>.part`.
5. In one transaction record an ExportRecord per invoice (unique per invoice and format),
   set the status to exported and write the audit events. If another run claimed one of the
   invoices first, everything is rolled back and the temporary files removed.
6. Rename the temporary files to their names, the run's manifest (`MANIFEST_….sha256`, in
   `sha256sum` format) last. A crash between 5 and 6 is finished by the next run's step 1.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.approval import AccountAssignment, ApprovalRecord
from domain.status import InvoiceStatus
from exporters import ExportError, ExportFile, ExportItem, Exporter, exporter_for
from exporters.text import file_part, stamp
from parsers import ParseError, parse
from storage.audit import append_event
from storage.db import session_scope
from storage.documents import DocumentStore
from storage.errors import StorageError
from storage.invoices import record_export, set_status
from storage.models import City, Department, Document, ExportRecord, ExportSetting, Invoice, utcnow
from storage.tenants import city_by_key, creditor_number

ACTOR = "export"
PENDING_PREFIX = ".pending-"
PENDING_SUFFIX = ".part"
LOCK_NAME = ".export.lock"


@dataclass
class ExportResult:
    city: str
    format: str
    outbox: Path
    files: list[str] = field(default_factory=list)  # names in the outbox: files or bundle folders
    invoice_ids: list[int] = field(default_factory=list)
    manifest: str | None = None
    skipped: dict[int, str] = field(default_factory=dict)  # invoice id -> German reason

    def __str__(self) -> str:
        text = (f"{len(self.invoice_ids)} Rechnung(en) in {len(self.files)} Datei(en) "
                f"({self.format}) nach {self.outbox}")
        return text + "".join(f"\n  {name}" for name in self.files)


@dataclass(frozen=True)
class _Target:
    city: City
    setting: ExportSetting
    outbox: Path

    @property
    def exporter(self) -> Exporter:
        return exporter_for(self.setting.format)


class _Claimed(Exception):
    """Another run recorded one of our invoices first."""


# ------------------------------------------------------------------ public entry points


def export_invoice(invoice_id: int, *, engine: Engine, store: DocumentStore,
                   outbox_root: str | os.PathLike | None = None) -> ExportResult | None:
    """Export one approved invoice into its city's outbox; None when it already was (a retry
    of the workflow's activity writes nothing)."""
    with session_scope(engine) as session:
        row = session.get(Invoice, invoice_id)
        if row is None:
            raise ExportError("export.invoice_unknown", f"Rechnung {invoice_id} gibt es nicht.", invoice_id=invoice_id)
        city = session.get(City, row.city_id) if row.city_id else None
        if city is None:
            raise ExportError("export.no_city", f"Rechnung {invoice_id} ist keiner Stadt zugeordnet.", invoice_id=invoice_id)
        city_key = city.key
    result = _export(engine, store, outbox_root, city_key, only=invoice_id)
    if result is not None and result.skipped:
        raise ExportError("export.invoice_failed", result.skipped[invoice_id], invoice_id=invoice_id)
    return result


def export_city(city: str, *, engine: Engine, store: DocumentStore,
                outbox_root: str | os.PathLike | None = None) -> ExportResult:
    """Export all approved, not yet exported invoices of the city. Invoices that cannot be
    exported (no account assignment, unreadable original …) are left out and reported in
    `skipped`; the others are exported."""
    result = _export(engine, store, outbox_root, city)
    assert result is not None
    return result


def export_again(city: str, file_name: str, *, engine: Engine, store: DocumentStore,
                 outbox_root: str | os.PathLike | None = None) -> ExportResult:
    """Render a file of an earlier run again, byte for byte, and put it back into the outbox.

    The whole run is rendered again (a DATEV batch depends on its neighbours) with the run's
    recorded time; the result must have the SHA-256 recorded then, else nothing is written.
    """
    name = Path(file_name).name
    with session_scope(engine) as session:
        target = _target(session, city, outbox_root)
        first = session.exec(select(ExportRecord).where(
            ExportRecord.city_id == target.city.id, ExportRecord.file_name == name)).first()
        if first is None:
            raise ExportError("export.file_unknown",
                              f"Eine Exportdatei „{name}“ gibt es für {target.city.name} nicht.")
        fmt = first.format
        run = list(session.exec(select(ExportRecord).where(
            ExportRecord.city_id == target.city.id, ExportRecord.format == fmt,
            ExportRecord.exported_at == first.exported_at).order_by(ExportRecord.invoice_id)))
        items = [_item(session, store, session.get(Invoice, r.invoice_id), target.city) for r in run]
    if fmt != target.setting.format:
        raise ExportError("export.format_changed",
                          f"„{name}“ wurde als {fmt} erzeugt; {target.city.name} exportiert inzwischen "
                          f"als {target.setting.format}. Die Datei kann nicht gleich wieder erzeugt werden.")
    units = _units(exporter_for(fmt).render(items, target.setting.params, created_at=first.exported_at))
    unit = units.get(name)
    if unit is None or unit.sha256 != first.sha256:
        raise ExportError("export.not_reproducible",
                          f"„{name}“ lässt sich nicht gleich wieder erzeugen (Exportparameter geändert?); "
                          "es wurde nichts geschrieben.")
    result = ExportResult(city=city, format=fmt, outbox=target.outbox, invoice_ids=list(unit.invoice_ids))
    with _locked(target.outbox):
        if not (target.outbox / name).exists():
            _write_pending(target.outbox, unit)
            _publish(target.outbox, name)
            result.files.append(name)
        manifest_name, manifest = _manifest(fmt, city, first.exported_at, units)
        if not (target.outbox / manifest_name).exists():
            _write_pending(target.outbox, _Unit(manifest_name, [(manifest_name, manifest)], ()))
            _publish(target.outbox, manifest_name)
            result.manifest = manifest_name
    return result


# ------------------------------------------------------------------ the run


def _export(engine: Engine, store: DocumentStore, outbox_root, city_key: str, only: int | None = None) -> ExportResult | None:
    if store is None:
        raise ExportError("export.no_document_store",
                          "Ohne Dokumentenspeicher sind die Originale nicht lesbar; es wurde nichts exportiert.")
    with session_scope(engine) as session:
        target = _target(session, city_key, outbox_root)
    fmt = target.setting.format
    result = ExportResult(city=city_key, format=fmt, outbox=target.outbox)
    with _locked(target.outbox):
        with session_scope(engine) as session:
            recover_pending(session, target.outbox)
            rows = _candidates(session, target, only)
            if only is not None and not rows:
                if _export_of(session, only, fmt) is not None:
                    return None
                status = session.get(Invoice, only).status
                raise ExportError("export.not_approved",
                                  f"Rechnung {only} ist nicht angeordnet (Status „{InvoiceStatus(status).label}“) "
                                  "und wird nicht exportiert.", invoice_id=only)
            items = []
            for row in rows:
                try:
                    items.append(_item(session, store, row, target.city))
                except ExportError as err:
                    result.skipped[row.id] = err.message
        created_at = _run_time(engine, target)
        while True:
            files = _render(target, items, created_at, result.skipped)
            if not files:
                return result
            units = _units(files)
            manifest_name, manifest = _manifest(fmt, city_key, created_at, units)
            if not any((target.outbox / name).exists() for name in [*units, manifest_name]):
                break
            # a file of that name is there (the clock went back?): never overwrite, take a later time
            created_at += timedelta(milliseconds=1)
        for unit in units.values():
            _write_pending(target.outbox, unit)
        _write_pending(target.outbox, _Unit(manifest_name, [(manifest_name, manifest)], ()))
        try:
            with session_scope(engine) as session:
                for unit in units.values():
                    for invoice_id in unit.invoice_ids:
                        _record(session, target, unit, invoice_id, created_at)
        except BaseException as err:
            for name in [*units, manifest_name]:
                _remove(_pending_path(target.outbox, name))
            if not isinstance(err, _Claimed):
                raise
            if only is not None:
                return None  # exported by a run elsewhere in the meantime
            raise ExportError("export.concurrent",
                              f"Ein anderer Export für {target.city.name} lief gleichzeitig; bitte erneut starten.") from None
        for name in units:
            _publish(target.outbox, name)
        _publish(target.outbox, manifest_name)
    result.files = list(units)
    result.invoice_ids = [i for unit in units.values() for i in unit.invoice_ids]
    result.manifest = manifest_name
    return result


def _run_time(engine: Engine, target: _Target) -> datetime:
    """Now, to the millisecond (DATEV shows milliseconds), and after the city's last run, so
    two runs never share the time in their file names."""
    now = utcnow()
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)
    with session_scope(engine) as session:
        last = session.exec(select(func.max(ExportRecord.exported_at)).where(
            ExportRecord.city_id == target.city.id, ExportRecord.format == target.setting.format)).first()
    return max(now, last + timedelta(milliseconds=1)) if last else now


def _render(target: _Target, items: list[ExportItem], created_at: datetime, skipped: dict[int, str]) -> list[ExportFile]:
    """Render all items; an invoice the exporter refuses is left out (and reported), the rest
    rendered again without it. A refusal not tied to an invoice (bad parameters) stops the run."""
    while items:
        try:
            return target.exporter.render(items, target.setting.params, created_at=created_at)
        except ExportError as err:
            if err.invoice_id is None or err.invoice_id not in {i.invoice_id for i in items}:
                raise
            skipped[err.invoice_id] = err.message
            items = [i for i in items if i.invoice_id != err.invoice_id]
    return []


def _record(session: Session, target: _Target, unit: _Unit, invoice_id: int, created_at: datetime) -> None:
    fmt = target.setting.format
    _, created = record_export(session, invoice_id, fmt, unit.name, unit.sha256,
                               city_id=target.city.id, exported_at=created_at)
    if not created:
        raise _Claimed(invoice_id)
    row = session.get(Invoice, invoice_id)
    if row.status == InvoiceStatus.APPROVED.value:
        set_status(session, invoice_id, InvoiceStatus.EXPORTED, actor=ACTOR)
    append_event(session, invoice_id, ACTOR, "export.recorded",
                 after={"format": fmt, "file": unit.name, "sha256": unit.sha256, "outbox": str(target.outbox)})


# ------------------------------------------------------------------ reading storage


def _target(session: Session, city_key: str, outbox_root) -> _Target:
    city = city_by_key(session, city_key)
    if city is None:
        raise ExportError("export.city_unknown", f"Die Stadt „{city_key}“ ist nicht konfiguriert.")
    setting = session.get(ExportSetting, city.id)
    if setting is None:
        raise ExportError("export.not_configured", f"Für {city.name} ist kein Exportformat eingerichtet.")
    exporter_for(setting.format)  # an unknown format is an error before anything is selected
    return _Target(city=city, setting=setting, outbox=outbox_path(city.key, setting.outbox, outbox_root))


def outbox_path(city_key: str, configured: str | None, outbox_root) -> Path:
    """An absolute outbox in the configuration wins (a share of the finance system); else
    `<outbox_root>/<city>` when a root is given (worker, tests), else the configured folder,
    else var/outbox/<city>."""
    if configured and Path(configured).is_absolute():
        return Path(configured)
    if outbox_root is not None:
        return Path(outbox_root) / file_part(city_key)
    return Path(configured) if configured else default_root("RECHNUNGSLAUF_OUTBOX", "outbox") / file_part(city_key)


def default_root(variable: str, folder: str) -> Path:
    return Path(os.environ.get(variable) or Path(os.environ.get("RECHNUNGSLAUF_VAR", "var")) / folder)


def _export_of(session: Session, invoice_id: int, fmt: str) -> ExportRecord | None:
    return session.exec(select(ExportRecord).where(
        ExportRecord.invoice_id == invoice_id, ExportRecord.format == fmt)).first()


def _candidates(session: Session, target: _Target, only: int | None) -> list[Invoice]:
    exported = select(ExportRecord.invoice_id).where(ExportRecord.format == target.setting.format)
    query = select(Invoice).where(
        Invoice.city_id == target.city.id,
        Invoice.status == InvoiceStatus.APPROVED.value,
        Invoice.id.not_in(exported),
    )
    if only is not None:
        query = query.where(Invoice.id == only)
    return list(session.exec(query.order_by(Invoice.id)))


def _item(session: Session, store: DocumentStore, row: Invoice, city: City) -> ExportItem:
    document = session.get(Document, row.document_id)
    try:
        data = store.get(document.sha256)
        parsed = parse(data)
    except (StorageError, ParseError) as err:
        raise ExportError("export.original_unreadable",
                          f"Rechnung {row.id}: das Original ist nicht lesbar ({err.message}).", invoice_id=row.id) from None
    return ExportItem(
        invoice=parsed.invoice,
        original=data,
        original_filename=document.filename or f"rechnung-{row.id}.{'pdf' if parsed.detected.pdf else 'xml'}",
        approval=approval_record(session, row, city),
        xml=parsed.detected.xml if parsed.detected.pdf is not None else None,
    )


def approval_record(session: Session, row: Invoice, city: City) -> ApprovalRecord:
    """The invoice's ApprovalRecord as the workflow stored it, completed from the row's columns
    (account assignment, creditor, due date, Skonto) and the supplier's creditor number."""
    record = ApprovalRecord.model_validate({**(row.approval or {}), "invoice_id": row.id, "city": city.key})
    updates: dict = {}
    if record.department is None and row.department_id is not None:
        department = session.get(Department, row.department_id)
        updates["department"] = department.key if department else None
    if not record.account_assignments and row.account_assignment:
        updates["account_assignments"] = [AccountAssignment.model_validate(a) for a in row.account_assignment]
    creditor = record.creditor_number or row.creditor_number
    if creditor is None and row.supplier_id is not None:
        creditor = creditor_number(session, row.supplier_id, city.id)
    updates["creditor_number"] = creditor
    for name in ("due_date", "skonto_date", "skonto_amount"):
        if getattr(record, name) is None:
            updates[name] = getattr(row, name)
    return record.model_copy(update=updates)


# ------------------------------------------------------------------ files


@dataclass(frozen=True)
class _Unit:
    """What appears in the outbox at once: one file, or one bundle folder with its files."""

    name: str
    files: list[tuple[str, bytes]]  # path relative to the outbox, content
    invoice_ids: tuple[int, ...]

    @property
    def sha256(self) -> str:
        """Of the file; of a folder, of its manifest lines."""
        if len(self.files) == 1 and self.files[0][0] == self.name:
            return hashlib.sha256(self.files[0][1]).hexdigest()
        return hashlib.sha256(_manifest_lines(self.files).encode()).hexdigest()


def _units(files: list[ExportFile]) -> dict[str, _Unit]:
    units: dict[str, _Unit] = {}
    for f in files:
        top = f.name.split("/", 1)[0]
        if top.startswith(".") or ".." in f.name.split("/"):
            raise ExportError("export.bad_file_name", f"Unzulässiger Dateiname „{f.name}“.")
        unit = units.get(top)
        ids = tuple(dict.fromkeys((*(unit.invoice_ids if unit else ()), *f.invoice_ids)))
        units[top] = _Unit(top, [*(unit.files if unit else []), (f.name, f.content)], ids)
    return units


def _manifest_lines(files: list[tuple[str, bytes]]) -> str:
    return "".join(f"{hashlib.sha256(content).hexdigest()}  {name}\n" for name, content in files)


def _manifest(fmt: str, city: str, created_at: datetime, units: dict[str, _Unit]) -> tuple[str, bytes]:
    name = f"MANIFEST_{fmt}_{file_part(city)}_{stamp(created_at)}.sha256"
    return name, _manifest_lines([f for unit in units.values() for f in unit.files]).encode()


def _pending_path(outbox: Path, name: str) -> Path:
    return outbox / f"{PENDING_PREFIX}{name}{PENDING_SUFFIX}"


def _write_pending(outbox: Path, unit: _Unit) -> None:
    pending = _pending_path(outbox, unit.name)
    _remove(pending)
    for relative, content in unit.files:
        path = pending.joinpath(*relative.split("/")[1:]) if "/" in relative else pending
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())


def _publish(outbox: Path, name: str) -> None:
    os.replace(_pending_path(outbox, name), outbox / name)
    _fsync_dir(outbox)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _locked(outbox: Path) -> Iterator[None]:
    """One export run per outbox at a time, across threads and processes of this machine."""
    outbox.mkdir(parents=True, exist_ok=True)
    with open(outbox / LOCK_NAME, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def recover_pending(session: Session, outbox: Path) -> list[str]:
    """Leftovers of a run that stopped between writing and renaming: a file whose invoices
    were recorded is put in place (the run had committed); any other is removed. A manifest
    is put in place when the files it lists were recorded. Returns the names put in place."""
    finished = []
    for pending in sorted(outbox.glob(f"{PENDING_PREFIX}*{PENDING_SUFFIX}")):
        name = pending.name[len(PENDING_PREFIX):-len(PENDING_SUFFIX)]
        listed = [name]
        if name.startswith("MANIFEST_") and pending.is_file():
            listed = [line.split("  ", 1)[1].split("/", 1)[0] for line in pending.read_text().splitlines() if "  " in line]
        recorded = bool(listed) and session.exec(
            select(ExportRecord.id).where(ExportRecord.file_name.in_(listed))).first() is not None
        if recorded and not (outbox / name).exists():
            _publish(outbox, name)
            finished.append(name)
        else:
            _remove(pending)
    return finished


# ------------------------------------------------------------------ command line


def run(args) -> int:
    """`rechnungslauf export --city X [--again FILE]`."""
    from storage.db import make_engine
    from storage.documents import FileSystemDocumentStore

    engine = make_engine()
    store = FileSystemDocumentStore(default_root("RECHNUNGSLAUF_DOCUMENTS", "documents"))
    root = os.environ.get("RECHNUNGSLAUF_OUTBOX")
    try:
        if args.again:
            result = export_again(args.city, args.again, engine=engine, store=store, outbox_root=root)
            if result.files:
                print(f"{result.files[0]} neu erzeugt in {result.outbox} (gleiche SHA-256 wie beim ersten Export).")
            else:
                print(f"{Path(args.again).name} liegt unverändert in {result.outbox}; nichts geschrieben.")
            return 0
        result = export_city(args.city, engine=engine, store=store, outbox_root=root)
    except (ExportError, StorageError) as err:
        print(f"Fehler [{err.code}]: {err.message}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    if result.invoice_ids:
        print(result)
    else:
        print(f"Keine neuen angeordneten Rechnungen für {args.city}.")
    for invoice_id, reason in result.skipped.items():
        print(f"Nicht exportiert: Rechnung {invoice_id}: {reason}", file=sys.stderr)
    return 1 if result.skipped else 0
