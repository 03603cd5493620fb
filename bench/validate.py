"""Validation speed and memory: documents validated per second, per syntax, over the shared test data.

Prints, per syntax (UBL, CII):
  floor     XSD + the package's CEN XSLT alone, run by Saxon on the same files (the bar to clear)
  ours      `validators.validate` with every layer (XSD, CEN, XRechnung CIUS, report, business checks)
then a batch over all cores (processes) and the resident memory before/after many validations.

    .venv/bin/python bench/validate.py [--seconds 5] [--memory-docs 10000] [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from lxml import etree  # noqa: E402

from validators import resources, schematron, validate, xsd  # noqa: E402

SHARED = Path(os.environ.get("RECHNUNGSLAUF_SHARED", REPO.parent / "shared"))
TESTDATA = SHARED / "testdata"


def corpus() -> dict[str, list[bytes]]:
    files = sorted((TESTDATA / "xrechnung-testsuite" / "src" / "test").rglob("*.xml"))
    files += sorted((TESTDATA / "xml-rechnung").glob("*/*.xml"))
    groups: dict[str, list[bytes]] = {"ubl": [], "cii": []}
    for path in files:
        data = path.read_bytes()
        root = etree.fromstring(data)
        groups["cii" if etree.QName(root).localname == "CrossIndustryInvoice" else "ubl"].append(data)
    return groups


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _round(fn, docs: list[bytes]) -> float:
    start = time.perf_counter()
    for data in docs:
        fn(data)
    return len(docs) / (time.perf_counter() - start)


def compare(floor, ours, docs: list[bytes], seconds: float) -> tuple[float, float]:
    """Best rate of each over alternating rounds, so machine load hits both alike."""
    for _ in range(2):  # compile, JIT warm-up
        _round(floor, docs)
        _round(ours, docs)
    best_floor = best_ours = 0.0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        best_floor = max(best_floor, _round(floor, docs))
        best_ours = max(best_ours, _round(ours, docs))
    return best_floor, best_ours


def floor_fn(syntax: str):
    xsd_path = resources.CII_XSD if syntax == "cii" else resources.UBL_INVOICE_XSD
    xslt_path = resources.FACTURX_EN16931_XSLT if syntax == "cii" else resources.CEN_UBL_XSLT
    credit_note = resources.UBL_CREDIT_NOTE_XSD
    parser = etree.XMLParser(resolve_entities=False, no_network=True)

    def run(data: bytes) -> None:
        root = etree.fromstring(data, parser=parser)
        schema = credit_note if root.tag.endswith("}CreditNote") else xsd_path
        if not xsd.check(root, schema):
            document = schematron.parse_document(schematron.document_text(data, "utf-8"))
            schematron.run(xslt_path, document)

    return run


def _batch_chunk(docs: list[bytes]) -> int:
    for data in docs:
        validate(data)
    return len(docs)


def _warm_worker(docs: list[bytes]) -> None:
    _batch_chunk(docs)  # compile every stylesheet this worker will need


def batch_rate(docs: list[bytes], jobs: int, rounds: int) -> float:
    """Documents per second when `jobs` worker processes share the work."""
    work = docs * rounds
    chunks = [work[i : i + 8] for i in range(0, len(work), 8)]
    with ProcessPoolExecutor(max_workers=jobs, initializer=_warm_worker, initargs=(docs,)) as pool:
        list(pool.map(_batch_chunk, [[]] * jobs * 4))  # wait until every worker is up and warm
        start = time.perf_counter()
        total = sum(pool.map(_batch_chunk, chunks))
        return total / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0, help="measuring time per figure")
    parser.add_argument("--memory-docs", type=int, default=10_000, help="validations for the memory check")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    groups = corpus()
    print(f"Test data: {len(groups['ubl'])} UBL, {len(groups['cii'])} CII files from {TESTDATA}")
    for syntax, docs in groups.items():
        floor, ours = compare(floor_fn(syntax), validate, docs, args.seconds)
        rounds = max(1, int(args.seconds * ours / len(docs)))
        batch = batch_rate(docs, args.jobs, rounds)
        verdict = "ok" if batch >= floor else "BELOW FLOOR"
        print(
            f"{syntax.upper():4} floor (XSD + package CEN XSLT, 1 process): {floor:6.1f} docs/s | ours, all layers: "
            f"{ours:6.1f} docs/s in 1 process, {batch:6.1f} docs/s over {args.jobs} processes [{verdict}]"
        )

    everything = groups["ubl"] + groups["cii"]
    before = rss_mb()
    for i in range(args.memory_docs):
        validate(everything[i % len(everything)])
        if i + 1 == min(1000, args.memory_docs):
            after_warm = rss_mb()
    after = rss_mb()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000
    print(f"memory: RSS {before:.0f} MB before, {after_warm:.0f} MB after 1000, {after:.0f} MB after "
          f"{args.memory_docs} validations (peak {peak:.0f} MB)")


if __name__ == "__main__":
    main()
