"""Cases where our verdict once differed from KoSIT's (found against the expected results of
KoSIT's own unit tests and the CEN CII schematron), rebuilt by mutating official test files."""

from __future__ import annotations

import pytest

from tests.validators.mutate import CII, UBL, replace
from validators import validate

PAYEE_AFTER = "<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>"


def rule_ids(data: bytes) -> set[str]:
    return {f.rule_id for f in validate(data).findings}


def cii_with_payee(name: str) -> bytes:
    return replace(CII, PAYEE_AFTER, f"{PAYEE_AFTER}<ram:PayeeTradeParty><ram:Name>{name}</ram:Name></ram:PayeeTradeParty>")


def ubl_with_payee(name: str) -> bytes:
    return replace(
        UBL,
        "</cac:AccountingCustomerParty>",
        f"</cac:AccountingCustomerParty><cac:PayeeParty><cac:PartyName><cbc:Name>{name}</cbc:Name></cac:PartyName></cac:PayeeParty>",
    )


@pytest.mark.parametrize(
    ("build", "seller_name"),
    [(cii_with_payee, "[Seller name]"), (ubl_with_payee, "[Seller trading name]")],
    ids=["CII", "UBL"],
)
def test_br_17_a_payee_that_is_the_seller_is_rejected(build, seller_name):
    # CEN compares the payee (BG-10) with the seller; Factur-X's CII binding compared it with a
    # path that never exists and so let it pass.
    report = validate(build(seller_name))
    assert not report.accepted
    assert "BR-17" in {f.rule_id for f in report.findings if f.severity == "error"}
    assert "BR-17" not in rule_ids(build("Factoring AG"))
    assert validate(build("Factoring AG")).accepted


@pytest.mark.parametrize(
    ("document", "name_element"),
    [(CII, "<ram:Name>[Seller name]</ram:Name>"), (UBL, "<cbc:RegistrationName>[Seller name]</cbc:RegistrationName>")],
    ids=["CII", "UBL"],
)
def test_br_06_a_seller_name_of_blanks_is_missing(document, name_element):
    # CEN tests mandatory texts with normalize-space(); Factur-X's CII binding let blanks pass.
    blank = name_element.replace("[Seller name]", "   ")
    report = validate(replace(document, name_element, blank))
    assert not report.accepted
    assert "BR-06" in {f.rule_id for f in report.findings if f.severity == "error"}
