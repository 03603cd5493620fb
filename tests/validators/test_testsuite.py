"""Every file of the official XRechnung test suite is accepted with no error finding."""

from __future__ import annotations

import pytest

from tests.conftest import TESTSUITE
from validators import validate

FILES = sorted(TESTSUITE.rglob("*.xml"))


def test_the_whole_testsuite_is_there():
    assert len(FILES) == 86


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_testsuite_file_is_accepted(path):
    report = validate(path.read_bytes())
    assert report.scenario is not None, report.reason
    assert report.scenario.id.startswith("xrechnung-3.0-")
    assert report.accepted, [(f.rule_id, f.text) for f in report.errors]
    assert report.errors == []
    assert all(layer.status == "ausgeführt" for layer in report.layers if layer.kind != "xrechnung")
