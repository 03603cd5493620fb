"""The demo invoices are what a city really receives: valid XRechnung and ZUGFeRD, routable."""

from decimal import Decimal

import pytest

import cli
import parsers
import validators
from domain.leitweg import LeitwegId
from web.demo import demo_files, load_tenants


@pytest.fixture(scope="module")
def files():
    return demo_files(12, load_tenants(), seed=7)


def test_every_demo_file_is_accepted_without_any_finding(files):
    for item in files:
        report = validators.validate(item.content)
        assert report.accepted, (item.filename, report.findings)
        assert report.findings == [], item.filename


def test_the_three_syntaxes_are_all_there(files):
    syntaxes = {parsers.detect(item.content).syntax for item in files}
    assert syntaxes == {parsers.Syntax.UBL_INVOICE, parsers.Syntax.CII}
    assert sum(item.media_type == "application/pdf" for item in files) == 4


def test_parsed_back_the_invoice_is_the_generated_one(files):
    for item in files:
        parsed = parsers.parse(item.content).invoice
        source = item.invoice
        assert parsed.number == source.number
        assert parsed.buyer_reference == source.buyer_reference
        assert parsed.totals.amount_due == source.totals.amount_due
        assert [line.net_amount for line in parsed.lines] == [line.net_amount for line in source.lines]
        assert parsed.payment_terms_detail.skonto[0].percent == Decimal("2.00")


def test_every_invoice_goes_to_a_configured_department(files):
    config = load_tenants()
    department_ids = {d.leitweg_id for c in config.cities for d in c.departments}
    for item in files:
        assert LeitwegId.is_valid(item.invoice.buyer_reference)
        assert item.invoice.buyer_reference in department_ids
        assert item.token in {t for s in config.suppliers for t in s.tokens}


def test_totals_add_up(files):
    for item in files:
        invoice = item.invoice
        assert sum(line.net_amount for line in invoice.lines) == invoice.totals.line_net_total
        assert sum(v.tax_amount for v in invoice.vat_breakdown) == invoice.totals.tax_total
        assert invoice.totals.tax_inclusive == invoice.totals.tax_exclusive + invoice.totals.tax_total


def test_demo_command_writes_files(tmp_path):
    assert cli.main(["demo", "--count", "3", "--out", str(tmp_path)]) == 0
    written = sorted(p.suffix for p in tmp_path.iterdir())
    assert written == [".pdf", ".xml", ".xml"]
