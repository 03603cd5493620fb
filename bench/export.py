"""Export speed: invoices per second, per format and for a whole run into the outbox.

    .venv/bin/python bench/export.py                # 1000 invoices rendered, 300 in the run
    .venv/bin/python bench/export.py --render 5000 --run 2000

`render`: one `exporter.render` over N approved invoices already in memory (allocation of the
account assignment, formatting, encoding). `run`: `workflows.exporting.export_city` on a fresh
SQLite database with N approved invoices of one DATEV city: reading each original from the
document store, parsing it, rendering, writing the files and recording N ExportRecords with
their audit events. One process, one core.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from domain.approval import AccountAssignment, ApprovalRecord  # noqa: E402
from domain.status import InvoiceStatus  # noqa: E402
from exporters import ExportItem, exporter_for  # noqa: E402
from parsers import parse  # noqa: E402
from storage.config_loader import load_config  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.documents import FileSystemDocumentStore, store_document  # noqa: E402
from storage.invoices import create_invoice, key_fields  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.tenants import city_by_key  # noqa: E402
from tests.conftest import XML_RECHNUNG  # noqa: E402
from workflows.exporting import export_city  # noqa: E402

SAMPLE = XML_RECHNUNG / "UBL" / "EN16931_Einfach.ubl.xml"  # two VAT rates: two DATEV bookings
PARAMS = {
    "datev": {"consultant_number": 1001, "client_number": 1},
    "sap_idoc": {"receiver_partner": "SAP"},
    "xrechnung_bundle": {},
}


def approval(invoice_id: int) -> ApprovalRecord:
    return ApprovalRecord(invoice_id=invoice_id, city="ettlingen", creditor_number="70001",
                          account_assignments=[AccountAssignment(gl_account="4711", cost_center="100")])


def bench_render(count: int) -> None:
    data = SAMPLE.read_bytes()
    invoice = parse(data).invoice
    items = [ExportItem(invoice=invoice, original=data, original_filename=SAMPLE.name, approval=approval(i))
             for i in range(1, count + 1)]
    from datetime import UTC, datetime

    for name, params in PARAMS.items():
        start = time.perf_counter()
        files = exporter_for(name).render(items, params, created_at=datetime.now(UTC))
        seconds = time.perf_counter() - start
        size = sum(len(f.content) for f in files)
        print(f"render {name:17s} {count / seconds:10.0f} invoices/s  ({count} invoices, {len(files)} files, "
              f"{size / 1e6:.1f} MB, {seconds:.2f} s)")


def bench_run(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        engine = make_engine(f"sqlite:///{root / 'bench.db'}")
        upgrade(engine=engine)
        store = FileSystemDocumentStore(root / "documents")
        demo = tomllib.loads((REPO / "config" / "demo.toml").read_text("utf-8"))
        with session_scope(engine) as session:
            load_config(session, {"cities": [{**c, "departments": []} for c in demo["cities"] if c["key"] == "ettlingen"]})
            city_id = city_by_key(session, "ettlingen").id
        base = SAMPLE.read_bytes()
        fields = key_fields(parse(base).invoice)
        with session_scope(engine) as session:
            for n in range(count):
                data = base + f"\n<!-- {n} -->\n".encode()
                document, _ = store_document(session, store, data, SAMPLE.name, "application/xml")
                create_invoice(session, document.id, city_id=city_id, status=InvoiceStatus.APPROVED.value,
                               approval=approval(0).model_dump(mode="json"), **fields)
        start = time.perf_counter()
        result = export_city("ettlingen", engine=engine, store=store, outbox_root=root / "outbox")
        seconds = time.perf_counter() - start
        assert len(result.invoice_ids) == count, result.skipped
        print(f"run    export_city (SQLite) {count / seconds:7.0f} invoices/s  ({count} invoices, "
              f"{len(result.files)} file(s), {seconds:.2f} s)")
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--render", type=int, default=1000, help="invoices per render")
    parser.add_argument("--run", type=int, default=300, help="invoices in the export run")
    args = parser.parse_args()
    bench_render(args.render)
    bench_run(args.run)


if __name__ == "__main__":
    main()
