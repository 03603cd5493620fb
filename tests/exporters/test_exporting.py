"""workflows/exporting.py against real databases (SQLite and PostgreSQL) and a real outbox."""

from __future__ import annotations

import csv
import hashlib
import io
import threading
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select

import cli
from domain.approval import AccountAssignment
from domain.status import InvoiceStatus
from exporters import ExportError
from parsers import parse
from storage.audit import events_of
from storage.config_loader import load_config
from storage.db import session_scope
from storage.documents import FileSystemDocumentStore, store_document
from storage.invoices import create_invoice, key_fields
from storage.models import ExportRecord, ExportSetting, Invoice
from storage.tenants import city_by_key
from tests.conftest import REPO
from tests.db import database  # noqa: F401  (fixture: SQLite and PostgreSQL)
from tests.exporters.items import CREDIT_NOTE, EINFACH, FACTURX, SKONTO, make_item
from workflows import exporting
from workflows.exporting import export_again, export_city, export_invoice

CITIES = ("ettlingen", "buehl", "bretten")  # datev, sap_idoc, xrechnung_bundle


def tenant_config() -> dict:
    demo = tomllib.loads((REPO / "config" / "demo.toml").read_text("utf-8"))
    cities = [{**c, "departments": []} for c in demo["cities"] if c["key"] in CITIES]
    return {"cities": cities}


@dataclass
class Env:
    engine: object
    store: FileSystemDocumentStore
    root: Path
    copies: int = 0

    def outbox(self, city: str) -> Path:
        return self.root / city

    def listing(self, city: str) -> dict[str, bytes]:
        box = self.outbox(city)
        return {str(p.relative_to(box)): p.read_bytes() for p in sorted(box.rglob("*")) if p.is_file()}

    def add(self, path: Path, city: str = "ettlingen", status: InvoiceStatus = InvoiceStatus.APPROVED,
            assignments: list[AccountAssignment] | None = None) -> int:
        data = path.read_bytes()
        if path.suffix == ".xml":  # the same test invoice again is a new document, not a duplicate upload
            self.copies += 1
            data += f"\n<!-- {self.copies} -->\n".encode()
        with session_scope(self.engine) as session:
            document, _ = store_document(session, self.store, data, path.name, "application/octet-stream")
            approval = make_item(path, city=city, assignments=assignments).approval
            row, _ = create_invoice(
                session, document.id, city_id=city_by_key(session, city).id, status=status.value,
                creditor_number="70001", approval=approval.model_dump(mode="json"),
                **key_fields(parse(data).invoice),
            )
            return row.id

    def export(self, city: str = "ettlingen"):
        return export_city(city, engine=self.engine, store=self.store, outbox_root=self.root)


@pytest.fixture
def env(database, tmp_path) -> Env:  # noqa: F811
    with session_scope(database.engine) as session:
        load_config(session, tenant_config())
    return Env(database.engine, FileSystemDocumentStore(tmp_path / "documents"), tmp_path / "outbox")


def records(env: Env) -> list[ExportRecord]:
    with session_scope(env.engine) as session:
        return list(session.exec(select(ExportRecord).order_by(ExportRecord.invoice_id)))


def manifest_ok(outbox: Path, name: str) -> list[str]:
    """Check a manifest the way `sha256sum -c` does; return the paths it lists."""
    paths = []
    for line in (outbox / name).read_text().splitlines():
        digest, path = line.split("  ", 1)
        assert hashlib.sha256((outbox / path).read_bytes()).hexdigest() == digest, path
        paths.append(path)
    return paths


def test_city_run_exports_each_approved_invoice_once(env):
    ids = [env.add(EINFACH), env.add(SKONTO), env.add(CREDIT_NOTE)]
    waiting = env.add(EINFACH, status=InvoiceStatus.AWAITING_PAYMENT_ORDER)
    elsewhere = env.add(EINFACH, city="buehl")

    result = env.export()
    assert result.invoice_ids == ids and not result.skipped
    names = result.files  # one DATEV batch per fiscal year: 2018, 2016, 2019
    assert len(names) == 3
    files = env.listing("ettlingen")
    assert set(files) == {*names, result.manifest, ".export.lock"}
    assert manifest_ok(env.outbox("ettlingen"), result.manifest) == names

    for invoice_id, name, count in zip(ids, names, (2, 1, 1)):  # EINFACH has 7 % and 19 %
        bookings = list(csv.reader(io.StringIO(files[name].decode("cp1252"), newline=""), delimiter=";"))[2:]
        assert [b[21] for b in bookings] == [str(invoice_id)] * count  # Beleginfo - Inhalt 1

    recs = records(env)
    assert [(r.invoice_id, r.format, r.file_name) for r in recs] == [(i, "datev", n) for i, n in zip(ids, names)]
    assert recs[0].sha256 == hashlib.sha256(files[names[0]]).hexdigest()
    with session_scope(env.engine) as session:
        assert session.get(Invoice, ids[0]).status == InvoiceStatus.EXPORTED.value
        assert session.get(Invoice, waiting).status == InvoiceStatus.AWAITING_PAYMENT_ORDER.value
        assert session.get(Invoice, elsewhere).status == InvoiceStatus.APPROVED.value
        assert [e.action for e in events_of(session, ids[0])][-2:] == ["status.exported", "export.recorded"]

    again = env.export()  # nothing new: nothing written
    assert again.files == [] and again.invoice_ids == []
    assert env.listing("ettlingen") == files
    assert len(records(env)) == 3


def test_workflow_export_of_one_invoice_is_idempotent(env):
    first, second = env.add(SKONTO, city="buehl"), env.add(EINFACH, city="buehl")
    result = export_invoice(first, engine=env.engine, store=env.store, outbox_root=env.root)
    stamp = exporting.stamp(records(env)[0].exported_at)
    assert result.invoice_ids == [first] and result.files == [f"INVOIC02_buehl_{stamp}_{first}.xml"]
    assert result.manifest == f"MANIFEST_sap_idoc_buehl_{stamp}.sha256"
    files = env.listing("buehl")
    assert export_invoice(first, engine=env.engine, store=env.store, outbox_root=env.root) is None
    assert env.listing("buehl") == files
    assert [r.invoice_id for r in records(env)] == [first]  # the other approved invoice waits for its own call
    assert env.export("buehl").invoice_ids == [second]


def test_again_regenerates_a_lost_file_byte_for_byte(env):
    for _ in range(3):
        env.add(EINFACH)
    result = env.export()
    [name] = result.files
    original = (env.outbox("ettlingen") / name).read_bytes()
    (env.outbox("ettlingen") / name).unlink()
    (env.outbox("ettlingen") / result.manifest).unlink()

    again = export_again("ettlingen", name, engine=env.engine, store=env.store, outbox_root=env.root)
    assert again.files == [name] and again.manifest == result.manifest
    assert (env.outbox("ettlingen") / name).read_bytes() == original
    manifest_ok(env.outbox("ettlingen"), result.manifest)
    # the header's creation time is the recorded export time, not the time of --again
    header = original.split(b"\r\n", 1)[0].decode("cp1252").split(";")
    exported_at = records(env)[0].exported_at
    assert header[5] == exporting.stamp(exported_at).replace("-", "")

    untouched = export_again("ettlingen", name, engine=env.engine, store=env.store, outbox_root=env.root)
    assert untouched.files == []  # present and intact: nothing written


def test_again_for_a_bundle_folder(env):
    invoice_id = env.add(FACTURX, city="bretten")
    result = env.export("bretten")
    [folder] = result.files
    before = env.listing("bretten")
    assert before[f"{folder}/EN16931_Einfach.pdf"] == FACTURX.read_bytes()
    for path in (env.outbox("bretten") / folder).iterdir():
        path.unlink()
    (env.outbox("bretten") / folder).rmdir()
    export_again("bretten", folder, engine=env.engine, store=env.store, outbox_root=env.root)
    assert env.listing("bretten") == before
    assert records(env)[0].invoice_id == invoice_id


def test_again_refuses_unknown_files_and_changed_parameters(env):
    env.add(EINFACH)
    [name] = env.export().files
    with pytest.raises(ExportError) as err:
        export_again("ettlingen", "EXTF_nichts.csv", engine=env.engine, store=env.store, outbox_root=env.root)
    assert err.value.code == "export.file_unknown"
    with session_scope(env.engine) as session:
        setting = session.get(ExportSetting, city_by_key(session, "ettlingen").id)
        setting.params = {**setting.params, "client_number": 4711}
        session.add(setting)
    (env.outbox("ettlingen") / name).unlink()
    with pytest.raises(ExportError) as err:
        export_again("ettlingen", name, engine=env.engine, store=env.store, outbox_root=env.root)
    assert err.value.code == "export.not_reproducible"
    assert not (env.outbox("ettlingen") / name).exists()


def test_an_invoice_that_cannot_be_exported_is_reported_and_the_rest_goes_out(env):
    good = env.add(EINFACH)
    bad = env.add(SKONTO, assignments=[AccountAssignment(gl_account="4711", net_amount=Decimal("1.00"))])
    result = env.export()
    assert result.invoice_ids == [good]
    assert "Kontierung ergibt netto 1,00 EUR" in result.skipped[bad]
    assert [r.invoice_id for r in records(env)] == [good]
    with pytest.raises(ExportError) as err:
        export_invoice(bad, engine=env.engine, store=env.store, outbox_root=env.root)
    assert err.value.code == "export.invoice_failed" and err.value.invoice_id == bad


def test_bad_parameters_write_nothing(env):
    env.add(EINFACH)
    with session_scope(env.engine) as session:
        setting = session.get(ExportSetting, city_by_key(session, "ettlingen").id)
        setting.params = {}
        session.add(setting)
    with pytest.raises(ExportError) as err:
        env.export()
    assert err.value.code == "export.params_invalid"
    assert set(env.listing("ettlingen")) == {".export.lock"} and records(env) == []


def test_leftovers_of_a_crashed_run_are_finished_or_removed(env):
    env.add(EINFACH)
    result = env.export()
    [name] = result.files
    box = env.outbox("ettlingen")
    # crash after the commit, before the rename: the recorded file is put in place by the next run
    (box / name).rename(box / f".pending-{name}.part")
    # crash before the commit: nothing recorded, the half-written file never appears
    (box / ".pending-EXTF_Buchungsstapel_ettlingen_x_001.csv.part").write_bytes(b"EXTF;halb")
    env.export()
    assert sorted(p.name for p in box.iterdir()) == sorted([".export.lock", name, result.manifest])
    manifest_ok(box, result.manifest)


def test_two_workers_exporting_the_same_invoice_write_one_file(env):
    invoice_id = env.add(SKONTO)
    results, errors = [], []

    def work():
        try:
            results.append(export_invoice(invoice_id, engine=env.engine, store=env.store, outbox_root=env.root))
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(r is not None for r in results) == 1
    assert len(records(env)) == 1
    assert len([n for n in env.listing("ettlingen") if n.endswith(".csv")]) == 1


def test_command_line(env, database, monkeypatch, capsys, tmp_path):  # noqa: F811
    monkeypatch.setenv("DATABASE_URL", database.url)
    monkeypatch.setenv("RECHNUNGSLAUF_DOCUMENTS", str(tmp_path / "documents"))
    monkeypatch.setenv("RECHNUNGSLAUF_OUTBOX", str(env.root))
    env.add(EINFACH)
    assert cli.main(["export", "--city", "ettlingen"]) == 0
    out = capsys.readouterr().out
    [name] = [n for n in env.listing("ettlingen") if n.endswith(".csv")]
    assert "1 Rechnung(en) in 1 Datei(en)" in out and name in out
    content = (env.outbox("ettlingen") / name).read_bytes()
    (env.outbox("ettlingen") / name).unlink()
    assert cli.main(["export", "--city", "ettlingen", "--again", name]) == 0
    assert (env.outbox("ettlingen") / name).read_bytes() == content
    assert cli.main(["export", "--city", "ettlingen"]) == 0
    assert "Keine neuen angeordneten Rechnungen" in capsys.readouterr().out
    assert cli.main(["export", "--city", "karlsruhe"]) == 1
    assert "Fehler [export.city_unknown]: Die Stadt „karlsruhe“ ist nicht konfiguriert." in capsys.readouterr().err


def test_the_workflow_activity_exports_through_this_module(env):
    from workflows.activities import ApprovalActivities

    invoice_id = env.add(EINFACH, city="bretten")
    activities = ApprovalActivities(env.engine, env.store, env.root)
    summary = activities.export_invoice(invoice_id)
    assert summary.exported and "1 Rechnung(en) in 1 Datei(en)" in summary.detail
    files = env.listing("bretten")
    assert activities.export_invoice(invoice_id).exported  # a retry writes nothing
    assert env.listing("bretten") == files
    with pytest.raises(ExportError) as err:
        ApprovalActivities(env.engine, None, env.root).export_invoice(env.add(SKONTO, city="bretten"))
    assert err.value.code == "export.no_document_store"


def test_a_run_is_always_later_than_the_city_s_last_one(env):
    """Two runs never share the time in their file names, even when the clock goes back."""
    from datetime import timedelta

    from storage.invoices import record_export
    from storage.models import utcnow

    earlier = env.add(EINFACH, status=InvoiceStatus.ARCHIVED)
    future = utcnow().replace(microsecond=0) + timedelta(hours=1)
    with session_scope(env.engine) as session:
        record_export(session, earlier, "datev", "EXTF_from_the_future.csv", "0" * 64,
                      city_id=city_by_key(session, "ettlingen").id, exported_at=future)
    invoice_id = env.add(EINFACH)
    result = export_invoice(invoice_id, engine=env.engine, store=env.store, outbox_root=env.root)
    assert records(env)[-1].exported_at == future + timedelta(milliseconds=1)
    assert exporting.stamp(future + timedelta(milliseconds=1)) in result.files[0]
