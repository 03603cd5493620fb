import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from domain.approval import AccountAssignment
from exporters import ExportError, exporter_for
from exporters.datev import COLUMNS, belegfeld
from tests.conftest import XML_RECHNUNG
from tests.exporters.items import (CREATED_AT, CREDIT_NOTE, DUE, EINFACH, EINFACH_CII, KORREKTUR, SKONTO,
                                   make_item)

PARAMS = {"consultant_number": 29098, "client_number": 55003, "chart_of_accounts": "03"}
DATEV = exporter_for("datev")
XML_DUE = XML_RECHNUNG / "UBL" / "EN16931_Einfach_DueDate.ubl.xml"


def read(content: bytes) -> tuple[list[str], list[str], list[dict[str, str]]]:
    """The file as DATEV reads it: cp1252, ';', CRLF."""
    assert content.count(b"\r\n") == content.count(b"\n"), "every line ends in CRLF"
    rows = list(csv.reader(io.StringIO(content.decode("cp1252"), newline=""), delimiter=";"))
    header, columns, bookings = rows[0], rows[1], rows[2:]
    return header, columns, [dict(zip(columns, row, strict=True)) for row in bookings]


def money(text: str) -> Decimal:
    assert "." not in text
    return Decimal(text.replace(",", "."))


def test_header_has_31_fields_and_the_columns_datev_expects():
    [file] = DATEV.render([make_item(EINFACH)], PARAMS, created_at=CREATED_AT)
    header, columns, _ = read(file.content)
    assert len(header) == 31
    assert header[:6] == ["EXTF", "700", "21", "Buchungsstapel", "13", "20250314102653589"]  # local time, ms
    assert header[10:16] == ["29098", "55003", "20180101", "4", "20180305", "20180305"]
    assert header[18:22] == ["1", "0", "0", "EUR"] and header[26] == "03"
    assert len(columns) == 125
    assert columns[:14] == [
        "Umsatz (ohne Soll/Haben-Kz)", "Soll/Haben-Kennzeichen", "WKZ Umsatz", "Kurs", "Basis-Umsatz",
        "WKZ Basis-Umsatz", "Konto", "Gegenkonto (ohne BU-Schlüssel)", "BU-Schlüssel", "Belegdatum",
        "Belegfeld 1", "Belegfeld 2", "Skonto", "Buchungstext"]
    assert columns[36:38] == ["KOST1 - Kostenstelle", "KOST2 - Kostenstelle"]
    assert columns[114] == "Leistungsdatum" and columns[116] == "Fälligkeit"
    assert file.name == "EXTF_Buchungsstapel_ettlingen_20250314-102653589_001.csv"
    assert file.invoice_ids == (1,)


def test_bookings_match_invoice_and_approval():
    item = make_item(EINFACH, due_date=DUE)
    [file] = DATEV.render([item], PARAMS, created_at=CREATED_AT)
    _, _, bookings = read(file.content)
    assert [(b["Umsatz (ohne Soll/Haben-Kz)"], b["BU-Schlüssel"]) for b in bookings] == [("294,25", "8"), ("235,62", "9")]
    assert sum(money(b["Umsatz (ohne Soll/Haben-Kz)"]) for b in bookings) == item.invoice.totals.tax_inclusive
    for b in bookings:
        assert b["Soll/Haben-Kennzeichen"] == "H"  # the creditor is credited
        assert b["WKZ Umsatz"] == "EUR"
        assert b["Konto"] == "70001" and b["Gegenkonto (ohne BU-Schlüssel)"] == "4711"
        assert b["Belegdatum"] == "0503"  # 2018-03-05
        assert b["Belegfeld 1"] == "471102"
        assert b["Buchungstext"] == "Lieferant GmbH"
        assert b["KOST1 - Kostenstelle"] == "KST100" and b["KOST2 - Kostenstelle"] == "1.1.1"
        assert b["Leistungsdatum"] == "05032018"  # BT-72
        assert b["Fälligkeit"] == "30042025"  # from the approval
        assert b["Beleginfo - Inhalt 1"] == "1"
        assert b["Beleginfo - Inhalt 2"] == "Weber 12.03.2025"
        assert b["Skonto"] == ""


def test_ubl_and_cii_of_the_same_invoice_give_the_same_file():
    ubl = DATEV.render([make_item(EINFACH)], PARAMS, created_at=CREATED_AT)
    cii = DATEV.render([make_item(EINFACH_CII)], PARAMS, created_at=CREATED_AT)
    assert ubl == cii


def test_split_assignment_with_skonto_and_cost_centres():
    item = make_item(SKONTO, assignments=[
        AccountAssignment(gl_account="4711", cost_center="KST-Ä1", net_amount=Decimal("1000.00")),
        AccountAssignment(gl_account="4712", cost_center="KST-B2"),
    ])
    [file] = DATEV.render([item], PARAMS, created_at=CREATED_AT)
    assert "KST-Ä1".encode("cp1252") in file.content  # Windows-1252, not UTF-8
    _, _, bookings = read(file.content)
    amounts = [money(b["Umsatz (ohne Soll/Haben-Kz)"]) for b in bookings]
    assert amounts == [Decimal("1190.00"), Decimal("1404.20")]
    assert sum(amounts) == Decimal("2594.20")
    skonto = [money(b["Skonto"]) for b in bookings]
    assert sum(skonto) == Decimal("51.88")  # 2 % within 7 days, of 2594.20
    assert [b["KOST1 - Kostenstelle"] for b in bookings] == ["KST-Ä1", "KST-B2"]
    assert [b["Gegenkonto (ohne BU-Schlüssel)"] for b in bookings] == ["4711", "4712"]
    assert bookings[0]["Belegfeld 1"] == "Rechnungsnummer"


def test_credit_note_debits_the_creditor():
    [file] = DATEV.render([make_item(CREDIT_NOTE)], PARAMS, created_at=CREATED_AT)
    _, _, [booking] = read(file.content)
    assert booking["Soll/Haben-Kennzeichen"] == "S"
    assert booking["Umsatz (ohne Soll/Haben-Kz)"] == "100,11"
    assert booking["BU-Schlüssel"] == ""  # VAT exempt: no automatic key
    assert booking["Belegfeld 1"] == "018304/28865"
    assert booking["Buchungstext"] == "Gutschrift My Supplier Company N.V."  # trading name (BT-28)


def test_negative_correction_books_the_absolute_amount_on_the_other_side():
    [file] = DATEV.render([make_item(KORREKTUR)], PARAMS, created_at=CREATED_AT)
    _, _, bookings = read(file.content)
    assert {b["Soll/Haben-Kennzeichen"] for b in bookings} == {"S"}
    assert sum(money(b["Umsatz (ohne Soll/Haben-Kz)"]) for b in bookings) == Decimal("8.79")


def test_batch_limit_and_fiscal_year_split_files_never_an_invoice():
    items = [make_item(EINFACH, invoice_id=n) for n in (1, 2, 3)] + [make_item(SKONTO, invoice_id=4)]
    files = DATEV.render(items, {**PARAMS, "max_lines": 4}, created_at=CREATED_AT)
    assert [f.invoice_ids for f in files] == [(1, 2), (3,), (4,)]
    assert [f.name[-7:] for f in files] == ["001.csv", "002.csv", "003.csv"]
    for f in files:
        header, _, bookings = read(f.content)
        assert len(header) == 31 and len(bookings) <= 4
    assert read(files[2].content)[0][12] == "20160101"  # 01.10a is of 2016: its own fiscal year


def test_fiscal_year_start_and_bu_keys_are_parameters():
    params = {**PARAMS, "fiscal_year_start": "0401", "bu_keys": "S:19=9, S:7=2"}
    [file] = DATEV.render([make_item(EINFACH)], params, created_at=CREATED_AT)
    header, _, bookings = read(file.content)
    assert header[12] == "20170401"
    assert [b["BU-Schlüssel"] for b in bookings] == ["2", "9"]


def test_belegfeld_keeps_only_datev_characters():
    assert belegfeld("RE 2025/ä-001_x#1$%&*+") == "RE2025/-001x1$%&*+"
    assert len(belegfeld("A" * 50)) == 36


def test_same_input_same_bytes():
    items = [make_item(SKONTO, invoice_id=7)]
    assert DATEV.render(items, PARAMS, created_at=CREATED_AT) == DATEV.render(items, PARAMS, created_at=CREATED_AT)


@pytest.mark.parametrize("params, code", [
    ({}, "export.params_invalid"),
    ({**PARAMS, "fiscal_year_start": "1301"}, "export.params_invalid"),
    ({**PARAMS, "unknown": 1}, "export.params_invalid"),
])
def test_bad_parameters_are_an_export_error(params, code):
    with pytest.raises(ExportError) as err:
        DATEV.render([make_item(EINFACH)], params, created_at=CREATED_AT)
    assert err.value.code == code and "DATEV" in err.value.message


def test_missing_creditor_is_refused():
    with pytest.raises(ExportError) as err:
        DATEV.render([make_item(EINFACH, creditor=None)], PARAMS, created_at=CREATED_AT)
    assert err.value.code == "export.account_invalid" and "Kreditorennummer" in err.value.message


def test_due_date_falls_back_to_the_invoice():
    item = make_item(XML_DUE)
    [file] = DATEV.render([item], PARAMS, created_at=CREATED_AT)
    assert {b["Fälligkeit"] for b in read(file.content)[2]} == {item.invoice.due_date.strftime("%d%m%Y")}
    assert item.invoice.due_date == date(2019, 3, 5)

