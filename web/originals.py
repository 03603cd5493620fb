"""The stored original of an invoice and its EN 16931 model, parsed again from the original
(originals are the truth; everything else can be recomputed). Parsed models are cached by
SHA-256, which never changes for a given original."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from sqlmodel import Session

from domain.invoice import Invoice as DomainInvoice
from parsers import ParseError, parse
from storage.errors import StorageError
from storage.models import Document, Invoice
from web.problems import Problem

CACHE_SIZE = 256


@dataclass(frozen=True)
class Original:
    document: Document
    data: bytes
    invoice: DomainInvoice | None
    pdf: bytes | None  # the visual original of a ZUGFeRD / Factur-X invoice
    error: str | None = None  # German, when the original cannot be read as an invoice


_cache: OrderedDict[str, tuple[DomainInvoice | None, bool, str | None]] = OrderedDict()
_lock = threading.Lock()


def _parsed(sha256: str, data: bytes) -> tuple[DomainInvoice | None, bool, str | None]:
    with _lock:
        if sha256 in _cache:
            _cache.move_to_end(sha256)
            return _cache[sha256]
    try:
        parsed = parse(data, max_size=max(len(data), 1))
        value = (parsed.invoice, parsed.detected.pdf is not None, None)
    except ParseError as error:
        value = (None, data.startswith(b"%PDF"), error.message)
    with _lock:
        _cache[sha256] = value
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def load_original(session: Session, store, row: Invoice) -> Original:
    document = session.get(Document, row.document_id)
    if document is None:
        raise Problem(404, "document.missing", "Das Original dieser Rechnung ist nicht vorhanden.")
    try:
        data = store.get(document.sha256)
    except StorageError as error:
        raise Problem(404, error.code, error.message) from error
    invoice, is_pdf, error = _parsed(document.sha256, data)
    return Original(document=document, data=data, invoice=invoice, pdf=data if is_pdf else None, error=error)
