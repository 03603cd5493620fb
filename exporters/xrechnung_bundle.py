""""XRechnung + Kontierung": for finance systems without an open import format (Infoma,
H&H proDoppik, Finanz+). Per invoice one folder (or zip) with the original invoice file
unchanged, `kontierung.json` and `kontierung.csv`: the account assignment with net, VAT and
gross per booking, who certified sachlich and rechnerisch richtig and when, who ordered
payment, the due date and the Skonto.

JSON keys are English identifiers, amounts are strings; the CSV is for people and for
spreadsheet-style imports: German column names, ';', decimal comma, UTF-8 with BOM.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.approval import Certification
from exporters.allocation import postings, split_by_gross
from exporters.base import ExportFile, ExportItem, load_params
from exporters.payment import due_date, first_skonto, skonto_offers
from exporters.text import amount, file_part, local_time, stamp

FORMAT = "xrechnung_bundle"
JSON_NAME = "kontierung.json"
CSV_NAME = "kontierung.csv"

CSV_COLUMNS = (
    "Rechnungs-ID", "Rechnungsnummer", "Rechnungsdatum", "Art", "Lieferant", "Kreditor", "Sachkonto",
    "Kostenstelle", "Produkt", "Position", "USt-Kategorie", "USt-Satz", "Netto", "USt", "Brutto",
    "Währung", "Fällig am", "Skonto bis", "Skonto", "sachlich richtig", "sachlich richtig am",
    "rechnerisch richtig", "rechnerisch richtig am", "angeordnet von", "angeordnet am",
)


class BundleParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    packaging: Literal["folder", "zip"] = "folder"
    # false: a ZUGFeRD / Factur-X original travels as its embedded XML (byte for byte), not as PDF
    include_pdf: bool = True
    file_prefix: str = Field("XRechnung", pattern=r"^[A-Za-z0-9_-]{1,40}$")


def _certification(c: Certification | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {"user": c.user, "display_name": c.display_name, "at": c.at.isoformat(), "comment": c.comment}


def _who(c: Certification | None) -> tuple[str, str]:
    if c is None:
        return "", ""
    return c.display_name or c.user, local_time(c.at).strftime("%d.%m.%Y %H:%M")


def invoice_file(item: ExportItem, include_pdf: bool) -> tuple[str, bytes]:
    """Name and bytes of the invoice in the bundle: the supplier's file name made safe (never
    one of ours), the original unchanged – or its embedded XML when PDFs are not wanted."""
    stem, dot, ext = item.original_filename.rpartition(".")
    if not dot:
        stem, ext = item.original_filename, ""
    data = item.original
    if not include_pdf and item.xml is not None and item.original.startswith(b"%PDF"):
        data, ext = item.xml, "xml"
    name = f"{file_part(stem, 80)}.{file_part(ext, 10)}" if ext else file_part(stem, 80)
    return (f"original_{name}" if name in (JSON_NAME, CSV_NAME) else name), data


def kontierung_json(item: ExportItem, created_at: datetime, invoice: tuple[str, bytes]) -> bytes:
    inv, approval, parts = item.invoice, item.approval, postings(item)
    t = inv.totals
    document = {
        "format": "rechnungslauf-kontierung",
        "version": 1,
        "created_at": local_time(created_at).isoformat(timespec="milliseconds"),
        "invoice_id": item.invoice_id,
        "city": approval.city,
        "department": approval.department,
        "creditor_number": approval.creditor_number,
        "original_file": {"name": invoice[0], "sha256": hashlib.sha256(invoice[1]).hexdigest()},
        "invoice": {
            "number": inv.number, "issue_date": inv.issue_date.isoformat(), "type_code": inv.type_code,
            "credit_note": inv.is_credit_note, "currency": inv.currency, "seller": inv.seller.name,
            "seller_vat_id": inv.seller.vat_id, "buyer_reference": inv.buyer_reference,
            "purchase_order_reference": inv.purchase_order_reference,
            "net_total": amount(t.tax_exclusive), "vat_total": amount(t.tax_total or 0),
            "gross_total": amount(t.tax_inclusive), "amount_due": amount(t.amount_due),
        },
        "account_assignments": [
            {"gl_account": p.assignment.gl_account, "cost_center": p.assignment.cost_center,
             "product": p.assignment.product, "line_id": p.assignment.line_id,
             "vat_category": p.vat_category, "vat_rate": f"{p.vat_rate:f}",
             "net": amount(p.net), "vat": amount(p.vat), "gross": amount(p.gross)}
            for p in parts
        ],
        "factual_review": _certification(approval.factual_review),
        "arithmetic_review": _certification(approval.arithmetic_review),
        "payment_order": _certification(approval.payment_order),
        "due_date": d.isoformat() if (d := due_date(item)) else None,
        "skonto": [
            {"deadline": o.deadline.isoformat(), "amount": amount(o.amount),
             "percent": f"{o.percent:f}" if o.percent is not None else None}
            for o in skonto_offers(item)
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def kontierung_csv(item: ExportItem) -> bytes:
    inv, approval, parts = item.invoice, item.approval, postings(item)
    skonto = first_skonto(item)
    skonto_parts = split_by_gross(skonto.amount, parts) if skonto else [None] * len(parts)
    due = due_date(item)
    factual, arithmetic, order = (_who(approval.factual_review), _who(approval.arithmetic_review),
                                  _who(approval.payment_order))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for part, skonto_part in zip(parts, skonto_parts):
        a = part.assignment
        writer.writerow([
            item.invoice_id, inv.number, inv.issue_date.strftime("%d.%m.%Y"),
            "Gutschrift" if inv.is_credit_note else "Rechnung", inv.seller.name or "",
            approval.creditor_number or "", a.gl_account, a.cost_center or "", a.product or "", a.line_id or "",
            part.vat_category, f"{part.vat_rate:f}".replace(".", ","),
            amount(part.net, comma=True), amount(part.vat, comma=True), amount(part.gross, comma=True),
            inv.currency, due.strftime("%d.%m.%Y") if due else "",
            skonto.deadline.strftime("%d.%m.%Y") if skonto else "",
            amount(skonto_part, comma=True) if skonto_part is not None else "",
            *factual, *arithmetic, *order,
        ])
    return out.getvalue().encode("utf-8-sig")


def _zip(files: list[tuple[str, bytes]], created_at: datetime) -> bytes:
    """Same content and time -> same bytes: fixed timestamps, order and permissions."""
    local = local_time(created_at)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files:
            info = zipfile.ZipInfo(name, date_time=(max(local.year, 1980), local.month, local.day,
                                                    local.hour, local.minute, local.second))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()


class BundleExporter:
    format = FORMAT

    def render(self, items: list[ExportItem], params: Mapping[str, Any], *, created_at: datetime) -> list[ExportFile]:
        p = load_params(BundleParams, params, "XRechnung + Kontierung")
        files: list[ExportFile] = []
        for item in items:
            folder = (f"{p.file_prefix}_{file_part(item.approval.city)}_{stamp(created_at)}_"
                      f"{item.invoice_id}_{file_part(item.invoice.number)}")
            invoice = invoice_file(item, p.include_pdf)
            content = [invoice, (JSON_NAME, kontierung_json(item, created_at, invoice)),
                       (CSV_NAME, kontierung_csv(item))]
            ids = (item.invoice_id,)
            if p.packaging == "zip":
                files.append(ExportFile(name=f"{folder}.zip", content=_zip(content, created_at), invoice_ids=ids))
            else:
                files.extend(ExportFile(name=f"{folder}/{name}", content=data, invoice_ids=ids) for name, data in content)
        return files
