"""DATEV Buchungsstapel (EXTF format, version 700, category 21, format version 13).

A CSV file DATEV Rechnungswesen imports: a 31-field header line, the line of column names,
then one booking line per account assignment and VAT rate. Semicolons, decimal comma,
Windows-1252, CRLF. Booking lines carry the day and month only (Belegdatum TTMM), so a file
holds one fiscal year; files are also split at `max_lines` bookings (DATEV's batch limit),
never inside an invoice.

Booking: Konto = the creditor (Kreditor), Gegenkonto = the Sachkonto, Umsatz = gross with a
BU-Schlüssel that lets DATEV take the Vorsteuer out. An invoice credits the creditor ("H"),
a credit note debits it ("S"); a negative part flips the side and books the absolute amount.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from exporters.allocation import Posting, postings, split_by_gross
from exporters.base import ExportError, ExportFile, ExportItem, load_params
from exporters.payment import due_date, first_skonto
from exporters.text import amount, file_part, local_time, one_line, stamp

FORMAT = "datev"
HEADER_FIELDS = 31
BATCH_LIMIT = 99_999

# DATEV Buchungsstapel, format version 13: the 125 column names in order
COLUMNS: tuple[str, ...] = (
    "Umsatz (ohne Soll/Haben-Kz)", "Soll/Haben-Kennzeichen", "WKZ Umsatz", "Kurs", "Basis-Umsatz",
    "WKZ Basis-Umsatz", "Konto", "Gegenkonto (ohne BU-Schlüssel)", "BU-Schlüssel", "Belegdatum",
    "Belegfeld 1", "Belegfeld 2", "Skonto", "Buchungstext", "Postensperre", "Diverse Adressnummer",
    "Geschäftspartnerbank", "Sachverhalt", "Zinssperre", "Beleglink",
    *(f"Beleginfo - {kind} {n}" for n in range(1, 9) for kind in ("Art", "Inhalt")),
    "KOST1 - Kostenstelle", "KOST2 - Kostenstelle", "Kost-Menge", "EU-Land u. UStID (Bestimmung)",
    "EU-Steuersatz (Bestimmung)", "Abw. Versteuerungsart", "Sachverhalt L+L", "Funktionsergänzung L+L",
    "BU 49 Hauptfunktionstyp", "BU 49 Hauptfunktionsnummer", "BU 49 Funktionsergänzung",
    *(f"Zusatzinformation - {kind} {n}" for n in range(1, 21) for kind in ("Art", "Inhalt")),
    "Stück", "Gewicht", "Zahlweise", "Forderungsart", "Veranlagungsjahr", "Zugeordnete Fälligkeit",
    "Skontotyp", "Auftragsnummer", "Buchungstyp", "USt-Schlüssel (Anzahlungen)", "EU-Land (Anzahlungen)",
    "Sachverhalt L+L (Anzahlungen)", "EU-Steuersatz (Anzahlungen)", "Erlöskonto (Anzahlungen)",
    "Herkunft-Kz", "Buchungs GUID", "KOST-Datum", "SEPA-Mandatsreferenz", "Skontosperre",
    "Gesellschaftername", "Beteiligtennummer", "Identifikationsnummer", "Zeichnernummer",
    "Postensperre bis", "Bezeichnung SoBil-Sachverhalt", "Kennzeichen SoBil-Buchung", "Festschreibung",
    "Leistungsdatum", "Datum Zuord. Steuerperiode", "Fälligkeit", "Generalumkehr (GU)", "Steuersatz",
    "Land", "Abrechnungsreferenz", "BVV-Position", "EU-Mitgliedstaat u. UStID (Ursprung)",
    "EU-Steuersatz (Ursprung)", "Abw. Skontokonto",
)
_COL = {name: i for i, name in enumerate(COLUMNS)}

# VAT category (BT-118) and rate -> BU-Schlüssel (SKR03/SKR04 standard keys): 9 = 19 % Vorsteuer,
# 8 = 7 % Vorsteuer, 19 / 18 = innergemeinschaftlicher Erwerb 19 % / 7 %, 94 / 91 = § 13b UStG
# 19 % / 7 %. Anything not listed (exempt, zero-rated, not subject) books without a key.
DEFAULT_BU_KEYS: dict[str, str] = {"S:19": "9", "S:7": "8", "K:19": "19", "K:7": "18", "AE:19": "94", "AE:7": "91"}

_BELEGFELD_DROP = re.compile(r"[^A-Za-z0-9$%&*+\-/]")
_DIGITS = re.compile(r"^[0-9]{1,9}$")


class DatevParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    consultant_number: int = Field(ge=1001, le=9_999_999)  # Beraternummer
    client_number: int = Field(ge=1, le=99_999)  # Mandantennummer
    fiscal_year_start: str = Field("0101", pattern=r"^(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$")  # MMDD
    gl_account_length: int = Field(4, ge=4, le=8)  # Sachkontenlänge
    description: str = Field("Rechnungseingang", max_length=30)  # Bezeichnung of the batch
    dictation_code: str = Field("RE", max_length=2)  # Diktatkürzel
    origin: str = Field("RE", pattern=r"^[A-Za-z0-9]{2}$")  # Herkunft
    exported_by: str = Field("Rechnungslauf", max_length=25)
    chart_of_accounts: str = Field("", pattern=r"^([0-9]{2})?$")  # SKR, e.g. "03"
    lock: bool = False  # Festschreibung
    max_lines: int = Field(BATCH_LIMIT, ge=1, le=BATCH_LIMIT)
    bu_keys: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_BU_KEYS))
    file_prefix: str = Field("EXTF_Buchungsstapel", pattern=r"^[A-Za-z0-9_-]{1,40}$")

    @field_validator("bu_keys", mode="before")
    @classmethod
    def _bu_keys_from_text(cls, value: Any) -> Any:
        """TOML params are flat: "S:19=9, S:7=8" is read as a mapping."""
        if isinstance(value, str):
            pairs = [p.strip() for p in value.split(",") if p.strip()]
            if not all("=" in p for p in pairs):
                raise ValueError("erwartet „Kategorie:Satz=Schlüssel, …“, z. B. „S:19=9, S:7=8“")
            return {k.strip(): v.strip() for k, v in (p.split("=", 1) for p in pairs)}
        return value

    def bu_key(self, posting: Posting) -> str:
        rate = f"{posting.vat_rate:f}"
        return self.bu_keys.get(f"{posting.vat_category}:{rate}", "")

    def fiscal_year(self, day: date) -> date:
        start = date(day.year, int(self.fiscal_year_start[:2]), int(self.fiscal_year_start[2:]))
        return start if day >= start else start.replace(year=day.year - 1)


def belegfeld(number: str) -> str:
    """Belegfeld 1: letters, digits and $ % & * + - / only, at most 36 characters."""
    return _BELEGFELD_DROP.sub("", number)[:36]


def _text(value: str | None) -> str:
    if not value:
        return ""
    return '"' + one_line(value).replace('"', '""') + '"'


def _day(value: date | None) -> str:
    return value.strftime("%d%m%Y") if value else ""


def _account(value: str | None, what: str, item: ExportItem) -> str:
    if value is None or not _DIGITS.match(value):
        raise ExportError("export.account_invalid",
                          f"Rechnung {item.invoice.number}: {what} „{value or ''}“ ist keine DATEV-Kontonummer (1–9 Ziffern).",
                          invoice_id=item.invoice_id)
    return value


def _service_date(item: ExportItem) -> date | None:
    inv = item.invoice
    if inv.delivery and inv.delivery.actual_delivery_date:
        return inv.delivery.actual_delivery_date
    if inv.invoicing_period and inv.invoicing_period.end_date:
        return inv.invoicing_period.end_date
    return inv.tax_point_date


def booking_lines(item: ExportItem, params: DatevParams) -> list[str]:
    inv, approval = item.invoice, item.approval
    if inv.currency != "EUR":
        raise ExportError("export.currency_unsupported",
                          f"Rechnung {inv.number}: DATEV-Buchungsstapel nur in EUR, nicht in {inv.currency}.",
                          invoice_id=item.invoice_id)
    creditor = _account(approval.creditor_number, "die Kreditorennummer", item)
    parts = postings(item)
    skonto = first_skonto(item)
    skonto_parts = split_by_gross(skonto.amount, parts) if skonto and not inv.is_credit_note else [None] * len(parts)
    seller = inv.seller.trading_name or inv.seller.name or ""
    text = one_line(f"{'Gutschrift ' if inv.is_credit_note else ''}{seller}")[:60]
    order = approval.payment_order
    lines = []
    for part, skonto_part in zip(parts, skonto_parts):
        fields = [""] * len(COLUMNS)
        credit_side = (part.gross >= 0) != inv.is_credit_note
        fields[_COL["Umsatz (ohne Soll/Haben-Kz)"]] = amount(abs(part.gross), comma=True)
        fields[_COL["Soll/Haben-Kennzeichen"]] = _text("H" if credit_side else "S")
        fields[_COL["WKZ Umsatz"]] = _text(inv.currency)
        fields[_COL["Konto"]] = creditor
        fields[_COL["Gegenkonto (ohne BU-Schlüssel)"]] = _account(part.assignment.gl_account, "das Sachkonto", item)
        fields[_COL["BU-Schlüssel"]] = _text(params.bu_key(part))
        fields[_COL["Belegdatum"]] = inv.issue_date.strftime("%d%m")
        fields[_COL["Belegfeld 1"]] = _text(belegfeld(inv.number))
        if skonto_part:
            fields[_COL["Skonto"]] = amount(abs(skonto_part), comma=True)
        fields[_COL["Buchungstext"]] = _text(text)
        fields[_COL["Beleginfo - Art 1"]] = _text("Rechnungslauf-ID")
        fields[_COL["Beleginfo - Inhalt 1"]] = _text(str(item.invoice_id))
        if order is not None:
            fields[_COL["Beleginfo - Art 2"]] = _text("Angeordnet")
            fields[_COL["Beleginfo - Inhalt 2"]] = _text(f"{order.display_name or order.user} {order.at:%d.%m.%Y}")
        fields[_COL["KOST1 - Kostenstelle"]] = _text((part.assignment.cost_center or "")[:36])
        fields[_COL["KOST2 - Kostenstelle"]] = _text((part.assignment.product or "")[:36])
        fields[_COL["Leistungsdatum"]] = _day(_service_date(item))
        fields[_COL["Fälligkeit"]] = _day(due_date(item))
        lines.append(";".join(fields))
    return lines


def header_line(params: DatevParams, created_at: datetime, fiscal_year: date, first: date, last: date) -> str:
    local = local_time(created_at)
    fields = [
        _text("EXTF"), "700", "21", _text("Buchungsstapel"), "13",
        local.strftime("%Y%m%d%H%M%S") + f"{local.microsecond // 1000:03d}",
        "", _text(params.origin), _text(params.exported_by), "",
        str(params.consultant_number), str(params.client_number),
        fiscal_year.strftime("%Y%m%d"), str(params.gl_account_length),
        first.strftime("%Y%m%d"), last.strftime("%Y%m%d"),
        _text(params.description), _text(params.dictation_code),
        "1", "0", "1" if params.lock else "0", _text("EUR"),
        "", "", "", "", _text(params.chart_of_accounts), "", "", "", "",
    ]
    assert len(fields) == HEADER_FIELDS
    return ";".join(fields)


def _encode(lines: list[str]) -> bytes:
    return "".join(line + "\r\n" for line in lines).encode("cp1252", errors="replace")


class DatevExporter:
    format = FORMAT

    def render(self, items: list[ExportItem], params: Mapping[str, Any], *, created_at: datetime) -> list[ExportFile]:
        p = load_params(DatevParams, params, "DATEV")
        # one file per fiscal year and batch; an invoice is never split over two files
        batches: list[tuple[date, list[ExportItem], list[str]]] = []
        current: dict[date, tuple[list[ExportItem], list[str]]] = {}
        for item in items:
            lines = booking_lines(item, p)
            if len(lines) > p.max_lines:
                raise ExportError("export.batch_too_small",
                                  f"Rechnung {item.invoice.number} hat {len(lines)} Buchungszeilen, mehr als das Limit {p.max_lines}.",
                                  invoice_id=item.invoice_id)
            year = p.fiscal_year(item.invoice.issue_date)
            batch = current.get(year)
            if batch is None or len(batch[1]) + len(lines) > p.max_lines:
                batch = ([], [])
                current[year] = batch
                batches.append((year, *batch))
            batch[0].append(item)
            batch[1].extend(lines)
        files = []
        for n, (year, batch_items, lines) in enumerate(batches, start=1):
            days = [i.invoice.issue_date for i in batch_items]
            content = _encode([header_line(p, created_at, year, min(days), max(days)),
                               ";".join(COLUMNS), *lines])
            city = file_part(batch_items[0].approval.city)
            files.append(ExportFile(name=f"{p.file_prefix}_{city}_{stamp(created_at)}_{n:03d}.csv", content=content,
                                    invoice_ids=tuple(i.invoice_id for i in batch_items)))
        return files
