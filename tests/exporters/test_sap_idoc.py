from decimal import Decimal

import pytest
from lxml import etree

from domain.approval import AccountAssignment
from exporters import ExportError, exporter_for
from tests.exporters.items import CREATED_AT, CREDIT_NOTE, DUE, EINFACH, SKONTO, make_item

PARAMS = {"receiver_port": "SAPPRD", "receiver_partner": "PRDCLNT100", "client": "100", "message_code": "FI"}
IDOC = exporter_for("sap_idoc")


def render(item, params=PARAMS):
    [file] = IDOC.render([item], params, created_at=CREATED_AT)
    assert file.invoice_ids == (item.invoice_id,)
    return file, etree.fromstring(file.content)


def one(root, path: str) -> str:
    [value] = root.xpath(path)
    return value


def test_control_record():
    file, root = render(make_item(EINFACH, invoice_id=42))
    assert file.name == "INVOIC02_ettlingen_20250314-102653589_42.xml"
    dc = root.find("IDOC/EDI_DC40")
    values = {child.tag: child.text for child in dc}
    assert values == {
        "TABNAM": "EDI_DC40", "MANDT": "100", "DOCNUM": "0000000000000042", "DIRECT": "2",
        "IDOCTYP": "INVOIC02", "MESTYP": "INVOIC", "MESCOD": "FI", "SNDPOR": "REDI", "SNDPRT": "LS",
        "SNDPRN": "RECHNLAUF", "RCVPOR": "SAPPRD", "RCVPRT": "LS", "RCVPRN": "PRDCLNT100",
        "CREDAT": "20250314", "CRETIM": "102653", "SERIAL": "20250314102653",
    }


def test_header_partners_references_dates_and_totals_match_the_invoice():
    item = make_item(EINFACH, due_date=DUE)
    inv = item.invoice
    _, root = render(item)
    idoc = root.find("IDOC")
    tags = [child.tag for child in idoc]
    assert tags == ["EDI_DC40", "E1EDK01", "E1EDKA1", "E1EDKA1", "E1EDK02", "E1EDK03", "E1EDK03", "E1EDK03",
                    "E1EDK04", "E1EDK04", "E1EDK18", "E1EDKT1", "E1EDP01", "E1EDP01",
                    "E1EDS01", "E1EDS01", "E1EDS01", "E1EDS01"]
    assert one(idoc, "E1EDK01/BSART/text()") == "INVO"
    assert one(idoc, "E1EDK01/BELNR/text()") == "471102"
    assert one(idoc, "E1EDK01/CURCY/text()") == "EUR"
    assert one(idoc, "E1EDK01/EIGENUINR/text()") == inv.seller.vat_id
    assert one(idoc, "E1EDKA1[PARVW='RS']/PARTN/text()") == "70001"
    assert one(idoc, "E1EDKA1[PARVW='RS']/NAME1/text()") == "Lieferant GmbH"
    assert one(idoc, "E1EDKA1[PARVW='RS']/ORT01/text()") == inv.seller.address.city
    assert one(idoc, "E1EDKA1[PARVW='RE']/NAME1/text()") == inv.buyer.name
    assert one(idoc, "E1EDK02[QUALF='009']/BELNR/text()") == "471102"
    assert one(idoc, "E1EDK03[IDDAT='012']/DATUM/text()") == "20180305"
    assert one(idoc, "E1EDK03[IDDAT='028']/DATUM/text()") == "20250430"
    assert one(idoc, "E1EDK18[QUALF='003']/TAGE/text()") == str((DUE - inv.issue_date).days)
    taxes = {one(k, "MSATZ/text()"): Decimal(one(k, "MWSBT/text()")) for k in idoc.findall("E1EDK04")}
    assert taxes == {"7": Decimal("19.25"), "19": Decimal("37.62")}
    totals = {one(s, "SUMID/text()"): one(s, "SUMME/text()") for s in idoc.findall("E1EDS01")}
    assert totals == {"010": "473.00", "005": "56.87", "011": "529.87", "012": "529.87"}


def test_items_add_up_to_the_totals():
    item = make_item(SKONTO)
    _, root = render(item)
    items = root.findall("IDOC/E1EDP01")
    assert len(items) == len(item.invoice.lines)
    assert sum(Decimal(one(i, "NETWR/text()")) for i in items) == item.invoice.totals.line_net_total
    assert sum(Decimal(one(i, "E1EDP26[QUALF='003']/BETRG/text()")) for i in items) == item.invoice.totals.line_net_total
    assert sum(Decimal(one(i, "E1EDP04/MWSBT/text()")) for i in items) == item.invoice.totals.tax_total
    first, line = items[0], item.invoice.lines[0]
    assert one(first, "POSEX/text()") == line.id
    assert Decimal(one(first, "MENGE/text()")) == line.quantity
    assert one(first, "E1EDP19[QUALF='002']/KTEXT/text()") == line.item.name[:70]


def test_skonto_terms_and_account_assignment_text():
    item = make_item(SKONTO, assignments=[
        AccountAssignment(gl_account="4711", cost_center="KST1", net_amount=Decimal("1000.00")),
        AccountAssignment(gl_account="4712", cost_center="KST2"),
    ])
    _, root = render(item)
    idoc = root.find("IDOC")
    terms = [(one(t, "QUALF/text()"), one(t, "TAGE/text()"), t.findtext("PRZNT")) for t in idoc.findall("E1EDK18")]
    assert terms[:2] == [("001", "7", "2.00"), ("002", "14", "1.00")]
    lines = [t.text for t in idoc.findall("E1EDKT1[TDID='ZKON']/E1EDKT2/TDLINE")]
    assert lines == ["4711;KST1;;19;1000.00;190.00;1190.00", "4712;KST2;;19;1180.00;224.20;1404.20",
                     "Angeordnet von Weber am 12.03.2025"]


def test_credit_note_is_a_credit_memo_with_positive_amounts():
    _, root = render(make_item(CREDIT_NOTE))
    assert one(root, "IDOC/E1EDK01/BSART/text()") == "CRME"
    assert one(root, "IDOC/E1EDS01[SUMID='011']/SUMME/text()") == "100.11"


def test_receiver_is_required():
    with pytest.raises(ExportError) as err:
        IDOC.render([make_item(EINFACH)], {}, created_at=CREATED_AT)
    assert err.value.code == "export.params_invalid" and "receiver_partner" in err.value.message


def test_company_code_goes_into_e1edk14():
    _, root = render(make_item(EINFACH), {**PARAMS, "company_code": "1003"})
    assert one(root, "IDOC/E1EDK14[QUALF='011']/ORGID/text()") == "1003"
    assert root.find("IDOC/E1EDK01").getnext().tag == "E1EDK14"


def test_the_approved_skonto_comes_first_with_its_percentage():
    from datetime import timedelta

    item = make_item(SKONTO)
    deadline = item.invoice.issue_date + timedelta(days=14)  # the 1 % term
    item = make_item(SKONTO, skonto_date=deadline, skonto_amount=Decimal("25.94"))
    _, root = render(item)
    terms = [(t.findtext("QUALF"), t.findtext("TAGE"), t.findtext("PRZNT"), t.findtext("ZTERM_TXT"))
             for t in root.findall("IDOC/E1EDK18")]
    assert terms == [("001", "14", "1.00", f"Skonto 25.94 bis {deadline:%d.%m.%Y}"),
                     ("002", "7", "2.00", f"Skonto 51.88 bis {deadline - timedelta(days=7):%d.%m.%Y}")]
