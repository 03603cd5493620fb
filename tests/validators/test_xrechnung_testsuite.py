"""The XRechnung CIUS layer on the official test suite: no fatal finding anywhere, and the same
findings for the UBL and the CII file of one business case."""

from __future__ import annotations

import pytest

from parsers import detect
from tests.conftest import TESTSUITE
from validators.findings import Severity
from validators.xrechnung import check

FILES = sorted(TESTSUITE.rglob("*.xml"))
PAIRS = sorted(
    (path, path.with_name(path.name.replace("_ubl.xml", "_uncefact.xml")))
    for path in FILES
    if path.name.endswith("_ubl.xml") and path.with_name(path.name.replace("_ubl.xml", "_uncefact.xml")).exists()
)


def _variant(path) -> str:
    return "extension" if "extension" in path.parts else "cvd" if "cvd" in path.parts else "standard"


def test_the_test_suite_is_there():
    assert len(FILES) == 86
    assert len(PAIRS) >= 40


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_official_test_invoice_has_no_fatal_finding(path):
    findings = check(detect(path.read_bytes()), _variant(path))
    assert [f for f in findings if f.severity.rejects] == []
    # KoSIT reports nothing else for these files but the "information" on the delivery date
    assert {(f.rule_id, f.severity) for f in findings} <= {("BR-DE-TMP-32", Severity.INFORMATION)}


@pytest.mark.parametrize(("ubl", "cii"), PAIRS, ids=lambda p: p.name)
def test_ubl_and_cii_of_one_case_get_the_same_findings(ubl, cii):
    assert sorted(f.rule_id for f in check(detect(ubl.read_bytes()))) == sorted(
        f.rule_id for f in check(detect(cii.read_bytes()))
    )
