import csv
import hashlib
import io
import json
import zipfile
from datetime import timedelta
from decimal import Decimal

from domain.approval import AccountAssignment
from exporters import exporter_for
from tests.exporters.items import CREATED_AT, CREDIT_NOTE, DUE, FACTURX, SKONTO, make_item

BUNDLE = exporter_for("xrechnung_bundle")


def split_item():
    return make_item(SKONTO, invoice_id=5, due_date=DUE, assignments=[
        AccountAssignment(gl_account="4711", cost_center="KST1", product="1.2.3", net_amount=Decimal("1000.00")),
        AccountAssignment(gl_account="4712", cost_center="KST2"),
    ])


def test_folder_holds_the_original_unchanged_and_the_kontierung():
    item = split_item()
    files = BUNDLE.render([item], {}, created_at=CREATED_AT)
    folder = "XRechnung_ettlingen_20250314-102653589_5_Rechnungsnummer"
    assert [f.name for f in files] == [f"{folder}/01.10a-INVOICE_ubl.xml", f"{folder}/kontierung.json",
                                       f"{folder}/kontierung.csv"]
    assert {f.invoice_ids for f in files} == {(5,)}
    original, data, table = (f.content for f in files)
    assert original == item.original

    doc = json.loads(data)
    assert doc["invoice_id"] == 5 and doc["city"] == "ettlingen" and doc["creditor_number"] == "70001"
    assert doc["original_file"]["sha256"] == hashlib.sha256(item.original).hexdigest()
    assert doc["invoice"]["number"] == "Rechnungsnummer" and doc["invoice"]["gross_total"] == "2594.20"
    assert [(a["gl_account"], a["cost_center"], a["net"], a["vat"], a["gross"]) for a in doc["account_assignments"]] == [
        ("4711", "KST1", "1000.00", "190.00", "1190.00"), ("4712", "KST2", "1180.00", "224.20", "1404.20")]
    assert doc["factual_review"]["user"] == "mueller" and doc["factual_review"]["at"].startswith("2025-03-10T10:00")
    assert doc["arithmetic_review"]["user"] == "schmidt"
    assert doc["payment_order"]["user"] == "weber"
    assert doc["due_date"] == "2025-04-30"
    deadline = item.invoice.issue_date + timedelta(days=7)  # #SKONTO#TAGE=7#PROZENT=2.00#
    assert doc["skonto"][0] == {"deadline": deadline.isoformat(), "amount": "51.88", "percent": "2.00"}

    assert table.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(table.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert [(r["Sachkonto"], r["Kostenstelle"], r["Produkt"], r["Netto"], r["USt"], r["Brutto"]) for r in rows] == [
        ("4711", "KST1", "1.2.3", "1000,00", "190,00", "1190,00"), ("4712", "KST2", "", "1180,00", "224,20", "1404,20")]
    assert sum(Decimal(r["Skonto"].replace(",", ".")) for r in rows) == Decimal("51.88")
    assert {(r["sachlich richtig"], r["sachlich richtig am"]) for r in rows} == {("Mueller", "10.03.2025 11:00")}
    assert {(r["angeordnet von"], r["Fällig am"], r["Skonto bis"]) for r in rows} == {("Weber", "30.04.2025", f"{deadline:%d.%m.%Y}")}


def test_zip_per_invoice_is_reproducible():
    items = [split_item(), make_item(CREDIT_NOTE, invoice_id=6), make_item(FACTURX, invoice_id=7)]
    first = BUNDLE.render(items, {"packaging": "zip"}, created_at=CREATED_AT)
    assert first == BUNDLE.render(items, {"packaging": "zip"}, created_at=CREATED_AT)
    assert [f.invoice_ids for f in first] == [(5,), (6,), (7,)]
    with zipfile.ZipFile(io.BytesIO(first[2].content)) as archive:
        assert archive.namelist() == ["EN16931_Einfach.pdf", "kontierung.json", "kontierung.csv"]
        assert archive.read("EN16931_Einfach.pdf") == items[2].original  # the PDF, not the extracted XML
    with zipfile.ZipFile(io.BytesIO(first[1].content)) as archive:
        doc = json.loads(archive.read("kontierung.json"))
    assert doc["invoice"]["credit_note"] is True and doc["invoice"]["type_code"] == "381"


def test_without_pdf_a_facturx_original_travels_as_its_embedded_xml():
    import parsers

    item = make_item(FACTURX, invoice_id=7)
    xml = parsers.parse(item.original).detected.xml
    item = type(item)(invoice=item.invoice, original=item.original, original_filename=item.original_filename,
                      approval=item.approval, xml=xml)
    files = BUNDLE.render([item], {"include_pdf": False}, created_at=CREATED_AT)
    assert files[0].name.endswith("/EN16931_Einfach.xml") and files[0].content == xml
    assert json.loads(files[1].content)["original_file"]["sha256"] == hashlib.sha256(xml).hexdigest()
