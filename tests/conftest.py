"""Shared test set-up: where the official test data lies, and a clean exit.

temporalio's native runtime can abort while the interpreter shuts down
(sdk-python#300, `PyGILState_Release`). That must never turn a green run red, so once
pytest has its final status we flush and leave with exactly that status.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("RECHNUNGSLAUF_SHARED", REPO.parent / "shared"))
TESTDATA = SHARED / "testdata"
TESTSUITE = TESTDATA / "xrechnung-testsuite" / "src" / "test"
XML_RECHNUNG = TESTDATA / "xml-rechnung"

_final_status: list[int] = []


@pytest.fixture(scope="session")
def testdata() -> Path:
    assert TESTDATA.is_dir(), f"shared test data missing at {TESTDATA}"
    return TESTDATA


def pytest_collection_modifyitems(session, config, items):
    # Playwright's sync API keeps an event loop running in the main thread for as long as its
    # session fixture lives; asyncio tests collected after it could not start their own loop.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def pytest_sessionfinish(session, exitstatus):
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        # "no tests" is a broken suite, not a pass and not a special code
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    _final_status.append(int(session.exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    if _final_status and not hasattr(config, "workerinput"):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_final_status[-1])
