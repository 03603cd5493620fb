"""Business checks: reported apart from the verdict, never changing it."""

from __future__ import annotations

from decimal import Decimal

from parsers import detect, map_invoice
from tests.validators.mutate import STANDARD, UBL, replace
from validators import validate
from validators.business import check

SKONTO = STANDARD / "01.10a-INVOICE_ubl.xml"


def invoice_of(data: bytes):
    return map_invoice(detect(data))


def by_code(results):
    return {r.code: r for r in results}


def test_valid_leitweg_id_inside_and_outside_the_connected_cities():
    invoice = invoice_of(UBL.read_bytes())
    assert by_code(check(invoice))["leitweg_id.ok"].ok is True
    assert "leitweg_id.ok" in by_code(check(invoice, known_leitweg_prefixes=["04011000"]))
    outside = by_code(check(invoice, known_leitweg_prefixes=["08215017", "08216043"]))["leitweg_id.unknown_city"]
    assert outside.ok is False and "keiner der angeschlossenen Städte" in outside.message


def test_wrong_check_digits_and_missing_leitweg_id():
    invoice = invoice_of(replace(UBL, "04011000-12345-03<", "04011000-12345-04<"))
    result = by_code(check(invoice))["leitweg_id.check_digits"]
    assert result.ok is False and "Prüfziffer" in result.message
    invoice = invoice_of(replace(UBL, "<cbc:BuyerReference>04011000-12345-03</cbc:BuyerReference>", ""))
    assert by_code(check(invoice))["leitweg_id.missing"].ok is False


def test_iban_and_vat_ids_are_checked():
    invoice = invoice_of(UBL.read_bytes())
    results = by_code(check(invoice))
    assert results["iban.ok"].ok is True
    assert results["vat_id.invalid"].value == "DE 123456789"  # the test suite's placeholder
    invoice = invoice_of(replace(UBL, "DE79000000001234567890", "DE79000000001234567891").replace(b"DE 123456789", b"DE136695976"))
    results = by_code(check(invoice))
    assert results["iban.invalid"].ok is False
    assert results["vat_id.ok"].value == "DE136695976"


def test_skonto_terms_and_due_date_are_extracted():
    invoice = invoice_of(SKONTO.read_bytes())
    skonto = [r for r in check(invoice) if r.code == "skonto.term"]
    assert len(skonto) == 3
    assert "2.00 %" in skonto[0].message
    assert skonto[0].value == invoice.issue_date.fromordinal(invoice.issue_date.toordinal() + 7).isoformat()
    assert str(Decimal("0.02") * invoice.totals.amount_due)[:4] in skonto[0].message.replace(",", ".")


def test_due_date_before_issue_date_is_flagged():
    invoice = invoice_of(UBL.read_bytes()).model_copy(update={"due_date": None})
    assert by_code(check(invoice))["due_date.missing"].ok is None
    early = invoice.model_copy(update={"due_date": invoice.issue_date.replace(year=invoice.issue_date.year - 1)})
    assert by_code(check(early))["due_date.before_issue"].ok is False


def test_duplicate_hook_and_the_verdict_stays_untouched():
    seen = []

    def hook(invoice):
        seen.append(invoice.number)
        return "Rechnung 123456XX vom 04.04.2016 wurde bereits am 05.04.2016 eingereicht."

    report = validate(UBL.read_bytes(), known_leitweg_prefixes=["99999999"], duplicate_hook=hook)
    assert seen == ["123456XX"]
    assert report.accepted
    results = by_code(report.business)
    assert results["duplicate.suspected"].ok is False
    assert results["leitweg_id.unknown_city"].ok is False
    assert "Doppelrechnung" in report.to_html()
