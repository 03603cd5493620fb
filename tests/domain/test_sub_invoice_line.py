"""XRechnung sub-lines (BG-DEX-01) in the model: optional quantity and price, JSON round trip."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from domain.invoice import InvoiceLine, Price, SubInvoiceLine


def _line() -> InvoiceLine:
    group = SubInvoiceLine(id="1.1", net_amount=Decimal("10.00"))  # a grouping sub-line
    leaf = SubInvoiceLine(
        id="1.1.1", quantity=Decimal("2"), net_amount=Decimal("10.00"), price=Price(net_price=Decimal("5.00"))
    )
    group.sub_lines.append(leaf)
    return InvoiceLine(
        id="1", quantity=Decimal("1"), net_amount=Decimal("10.00"), price=Price(net_price=Decimal("10.00")), sub_lines=[group]
    )


def test_top_level_line_still_needs_quantity_and_price():
    with pytest.raises(ValidationError):
        InvoiceLine(id="1", net_amount=Decimal("1"))


def test_json_round_trip_keeps_the_tree():
    line = _line()
    again = InvoiceLine.model_validate_json(line.model_dump_json())
    assert again == line
    group = again.sub_lines[0]
    assert isinstance(group, SubInvoiceLine) and group.quantity is None and group.price is None
    assert group.sub_lines[0].price.net_price == Decimal("5.00")
    assert '"net_amount":"10.00"' in line.model_dump_json()
