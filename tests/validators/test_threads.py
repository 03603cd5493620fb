"""One process, many threads (a web server): same verdicts as one after the other."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.validators.mutate import CII, UBL, replace
from validators import validate

DOCUMENTS = [
    UBL.read_bytes(),
    CII.read_bytes(),
    replace(UBL, 'TaxInclusiveAmount currencyID="EUR">336.9<', 'TaxInclusiveAmount currencyID="EUR">336.0<'),
    replace(CII, "<ram:GrandTotalAmount>336.9<", "<ram:GrandTotalAmount>336.0<"),
    replace(UBL, "<cbc:DocumentCurrencyCode>", "<cbc:Unbekannt/><cbc:DocumentCurrencyCode>"),
]


def verdict(data: bytes):
    report = validate(data, business=False)
    return report.accepted, sorted((f["id"], f["flag"]) for f in report.fired()), len(report.findings)


def test_threads_give_the_serial_verdicts():
    expected = [verdict(d) for d in DOCUMENTS]
    assert [e[0] for e in expected] == [True, True, False, False, False]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(verdict, DOCUMENTS * 6))
    assert results == expected * 6
