"""`rechnungslauf parse FILE… [--json]`: read invoices and print the model."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from parsers import ParsedDocument, ParseError, parse


def _summary(path: str, parsed: ParsedDocument) -> str:
    invoice = parsed.invoice
    totals = invoice.totals
    kind = "Gutschrift" if invoice.is_credit_note else "Rechnung"
    rows = [
        f"{path}: {kind} {invoice.number} vom {invoice.issue_date.isoformat()}",
        f"  Format: {parsed.syntax.value}, Profil: {parsed.profile or '-'}",
        f"  Verkäufer: {invoice.seller.name or '-'}",
        f"  Käufer: {invoice.buyer.name or '-'}, Leitweg-ID: {invoice.buyer_reference or '-'}",
        f"  Positionen: {len(invoice.lines)}",
        f"  Netto: {totals.tax_exclusive} {invoice.currency}, USt: {totals.tax_total if totals.tax_total is not None else '-'}"
        f", Brutto: {totals.tax_inclusive}, Zahlbetrag: {totals.amount_due}",
    ]
    if parsed.detected.embedded_filename:
        rows.append(f"  aus PDF, eingebettete Datei: {parsed.detected.embedded_filename}")
    rows.extend(f"  Hinweis: {warning}" for warning in parsed.warnings)
    return "\n".join(rows)


def _record(path: str, parsed: ParsedDocument) -> dict:
    return {
        "file": path,
        "syntax": parsed.syntax.value,
        "profile": parsed.profile,
        "embedded_filename": parsed.detected.embedded_filename,
        "warnings": parsed.warnings,
        # mode="json": Decimal and dates as strings, attachment content as base64
        "invoice": parsed.invoice.model_dump(mode="json"),
    }


def _error_record(path: str, error: ParseError) -> dict:
    return {"file": path, "error": {"code": error.code, "message": error.message}}


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ParseError("parse.unreadable_file", f"Die Datei kann nicht gelesen werden: {exc.strerror}.") from exc


def run(args) -> int:
    as_json = bool(getattr(args, "json", False))
    failed = False
    records = []
    for path in args.files:
        try:
            parsed = parse(_read(path))
        except ParseError as error:
            failed = True
            if as_json:
                records.append(_error_record(path, error))
            else:
                print(f"{path}: Fehler {error.code}: {error.message}", file=sys.stderr)
            continue
        if as_json:
            records.append(_record(path, parsed))
        else:
            print(_summary(path, parsed))
    if as_json:
        json.dump(records if len(records) != 1 else records[0], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        for record in records:
            if "error" in record:
                print(f"{record['file']}: Fehler {record['error']['code']}: {record['error']['message']}", file=sys.stderr)
    return 1 if failed else 0
