from decimal import Decimal
import random

import pytest

from domain.approval import AccountAssignment
from exporters import ExportError
from exporters.allocation import allocate, postings
from tests.exporters.items import EINFACH, RABATTE, SKONTO, make_item


def test_allocate_adds_up_exactly_and_stays_proportional():
    rng = random.Random(7)
    for _ in range(500):
        total = Decimal(rng.randint(-10**7, 10**7)) / 100
        weights = [Decimal(rng.randint(0, 10**6)) / 100 for _ in range(rng.randint(1, 7))]
        parts = allocate(total, weights)
        assert sum(parts) == total
        whole = sum(weights)
        for part, weight in zip(parts, weights):
            exact = total * weight / whole if whole else total / len(weights)
            assert abs(part - exact) < Decimal("0.01")
            assert part == part.quantize(Decimal("0.01"))


def test_allocate_gives_the_spare_cents_to_the_largest_remainders():
    assert allocate(Decimal("1.00"), [Decimal(1)] * 3) == [Decimal("0.34"), Decimal("0.33"), Decimal("0.33")]
    assert allocate(Decimal("10"), [Decimal(0), Decimal(0)]) == [Decimal(5), Decimal(5)]


def test_one_assignment_books_each_vat_group_separately():
    parts = postings(make_item(EINFACH))
    assert [(p.vat_rate, p.net, p.vat, p.gross) for p in parts] == [
        (Decimal(7), Decimal("275.00"), Decimal("19.25"), Decimal("294.25")),
        (Decimal(19), Decimal("198.00"), Decimal("37.62"), Decimal("235.62")),
    ]


def test_split_by_amount_rounds_vat_so_parts_sum_to_the_gross():
    item = make_item(SKONTO, assignments=[
        AccountAssignment(gl_account="4711", cost_center="A", net_amount=Decimal("1000.00")),
        AccountAssignment(gl_account="4712", cost_center="B", net_amount=Decimal("180.33")),
        AccountAssignment(gl_account="4713", cost_center="C"),
    ])
    parts = postings(item)
    assert [p.net for p in parts] == [Decimal("1000.00"), Decimal("180.33"), Decimal("999.67")]
    assert sum(p.vat for p in parts) == Decimal("414.20")
    assert sum(p.gross for p in parts) == item.invoice.totals.tax_inclusive
    for p in parts:  # each share's VAT is its net at 19 %, to the cent
        assert abs(p.vat - p.net * Decimal("0.19")) <= Decimal("0.01")


def test_line_assignments_carry_document_allowances_and_charges():
    item = make_item(RABATTE, assignments=[
        AccountAssignment(gl_account=str(4000 + n), line_id=line.id) for n, line in enumerate(item_lines())
    ])
    parts = postings(item)
    totals = item.invoice.totals
    assert sum(p.net for p in parts) == totals.tax_exclusive
    assert sum(p.gross for p in parts) == totals.tax_inclusive
    assert {p.assignment.line_id for p in parts} == {"1", "2", "3", "4"}


def item_lines():
    return make_item(RABATTE).invoice.lines


def test_amounts_that_do_not_cover_the_invoice_are_refused_with_a_german_message():
    item = make_item(SKONTO, assignments=[AccountAssignment(gl_account="4711", net_amount=Decimal("100.00"))])
    with pytest.raises(ExportError) as err:
        postings(item)
    assert err.value.code == "export.assignment_mismatch"
    assert "Kontierung ergibt netto 100,00 EUR, die Rechnung 2180,00 EUR" in err.value.message


@pytest.mark.parametrize("assignments, code", [
    ([], "export.no_account_assignment"),
    ([AccountAssignment(gl_account="1"), AccountAssignment(gl_account="2")], "export.assignment_ambiguous"),
    ([AccountAssignment(gl_account="1", line_id="99")], "export.assignment_unknown_line"),
])
def test_bad_assignments_get_a_stable_code(assignments, code):
    with pytest.raises(ExportError) as err:
        postings(make_item(EINFACH, assignments=assignments))
    assert err.value.code == code
    assert err.value.invoice_id == 1
