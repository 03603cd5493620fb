"""Damaged documents end in a model or a ParseError, never in another exception.

Every element of two comprehensive invoices is removed in turn, and every leaf value replaced
by garbage; the parser must answer each variant with a model or a typed, German error.
"""

from __future__ import annotations

import pytest
from lxml import etree

from parsers import ParseError, parse
from tests.conftest import TESTSUITE

SOURCES = [
    TESTSUITE / "technical-cases" / "cius" / "01.01_comprehensive_test_ubl.xml",
    TESTSUITE / "technical-cases" / "cius" / "01.01_comprehensive_test_uncefact.xml",
    TESTSUITE / "business-cases" / "extension" / "04.04a-INVOICE_ubl.xml",  # sub-lines (BG-DEX-01)
    TESTSUITE / "business-cases" / "extension" / "05.01a-INVOICE_ubl.xml",  # third party payments
]


def _outcome(data: bytes) -> str:
    try:
        parse(data)
    except ParseError as error:
        assert error.code.startswith("parse.") and error.message
        return error.code
    return "ok"


def _variants(path, change) -> list[bytes]:
    root = etree.fromstring(path.read_bytes())
    count = sum(1 for _ in root.iter(etree.Element))
    variants = []
    for index in range(1, count):
        copy = etree.fromstring(path.read_bytes())
        node = list(copy.iter(etree.Element))[index]
        if change(node):
            variants.append(etree.tostring(copy))
    return variants


def _remove(node) -> bool:
    node.getparent().remove(node)
    return True


def _garble(node) -> bool:
    if len(node) or not (node.text or "").strip():
        return False
    node.text = "§x!"
    return True


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_removing_any_element_never_crashes(path):
    outcomes = {_outcome(data) for data in _variants(path, _remove)}
    assert "ok" in outcomes and "parse.missing_field" in outcomes
    assert outcomes <= {"ok", "parse.missing_field", "parse.unsupported_root"}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_garbling_any_value_never_crashes(path):
    outcomes = {_outcome(data) for data in _variants(path, _garble)}
    assert "ok" in outcomes and "parse.invalid_value" in outcomes
    assert outcomes <= {"ok", "parse.invalid_value"}


@pytest.mark.parametrize("path", SOURCES[:2], ids=lambda p: p.name)
def test_truncating_anywhere_never_crashes(path):
    data = path.read_bytes()
    step = max(1, len(data) // 300)
    for end in range(0, len(data), step):
        assert _outcome(data[:end]) in {"parse.empty", "parse.not_xml", "parse.not_well_formed", "parse.encoding"}


def test_a_charge_indicator_that_is_no_boolean_is_invalid():
    data = SOURCES[0].read_bytes()
    assert b"<cbc:ChargeIndicator>true</cbc:ChargeIndicator>" in data
    with pytest.raises(ParseError) as caught:
        parse(data.replace(b"<cbc:ChargeIndicator>true<", b"<cbc:ChargeIndicator>ja<", 1))
    assert caught.value.code == "parse.invalid_value" and "BG-20/BG-21" in caught.value.message
