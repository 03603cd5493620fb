"""Small builders shared by the storage tests."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlmodel import Session

from storage.documents import FileSystemDocumentStore, store_document
from storage.invoices import create_invoice

REPO = Path(__file__).resolve().parents[2]
DEMO_CONFIG = REPO / "config" / "demo.toml"


def make_invoice(session: Session, store: FileSystemDocumentStore, content: bytes, **fields):
    document, _ = store_document(session, store, content, "rechnung.xml", "application/xml")
    fields.setdefault("number", f"R-{document.id}")
    fields.setdefault("amount_due", Decimal("100.00"))
    invoice, _ = create_invoice(session, document.id, **fields)
    return invoice
