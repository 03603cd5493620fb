"""Every official test invoice, booked on one Sachkonto, goes through all three exporters and
reads back to its own totals."""

import csv
import io
import json
from decimal import Decimal

import pytest
from lxml import etree

from exporters import ExportError, exporter_for
from parsers import ParseError
from tests.conftest import TESTSUITE, XML_RECHNUNG
from tests.exporters.items import CREATED_AT, make_item

FILES = sorted(
    [*TESTSUITE.glob("business-cases/*/*.xml"), *(XML_RECHNUNG / "UBL").glob("*.xml"), *(XML_RECHNUNG / "CII").glob("*.xml")]
)
DATEV_PARAMS = {"consultant_number": 1001, "client_number": 1}


def signed(booking: list[str]) -> Decimal:
    value = Decimal(booking[0].replace(",", "."))
    return value if booking[1] == "H" else -value


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_all_formats_carry_the_invoice_totals(path):
    try:
        item = make_item(path)
    except ParseError:
        pytest.skip("not an invoice the parser accepts")
    inv = item.invoice
    gross = inv.totals.tax_inclusive
    breakdown = sum((v.taxable_amount + v.tax_amount for v in inv.vat_breakdown), Decimal(0))
    if breakdown != gross:  # an invoice whose VAT breakdown does not add up to its total is refused
        for name, params in [("datev", DATEV_PARAMS), ("sap_idoc", {"receiver_partner": "X"}), ("xrechnung_bundle", {})]:
            with pytest.raises(ExportError) as err:
                exporter_for(name).render([item], params, created_at=CREATED_AT)
            assert err.value.code == "export.totals_inconsistent"
        return

    try:
        datev = exporter_for("datev").render([item], DATEV_PARAMS, created_at=CREATED_AT)
    except ExportError as err:
        assert err.code in {"export.currency_unsupported"}, err.message
        assert inv.currency != "EUR"
    else:
        bookings = [row for f in datev for row in
                    list(csv.reader(io.StringIO(f.content.decode("cp1252"), newline=""), delimiter=";"))[2:]]
        total = sum(signed(b) for b in bookings)
        assert total == (-gross if inv.is_credit_note else gross)

    [idoc] = exporter_for("sap_idoc").render([item], {"receiver_partner": "X"}, created_at=CREATED_AT)
    root = etree.fromstring(idoc.content)
    assert Decimal(root.findtext("IDOC/E1EDS01[SUMID='011']/SUMME")) == gross.quantize(Decimal("0.01"))
    assert root.findtext("IDOC/E1EDK01/BELNR") == inv.number

    files = exporter_for("xrechnung_bundle").render([item], {}, created_at=CREATED_AT)
    assert files[0].content == item.original
    doc = json.loads(files[1].content)
    assert sum(Decimal(a["gross"]) for a in doc["account_assignments"]) == gross
