"""Parse speed: documents per second over the shared test data, per syntax and in total.

    .venv/bin/python bench/parse.py                 # about 2 s per syntax
    .venv/bin/python bench/parse.py --seconds 10

Each file is read into memory once; the figure counts whole `parsers.parse` calls (size check,
detection, PDF extraction, secure XML parse, mapping to the model). One process, one core.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from parsers import parse  # noqa: E402

SHARED = Path(os.environ.get("RECHNUNGSLAUF_SHARED", REPO.parent / "shared"))
TESTDATA = SHARED / "testdata"


def corpus() -> dict[str, list[bytes]]:
    """Test documents by kind: 'UBL', 'CII', 'PDF (Factur-X/ZUGFeRD)'."""
    groups: dict[str, list[bytes]] = defaultdict(list)
    for path in sorted(TESTDATA.rglob("*")):
        if path.suffix not in (".xml", ".pdf") or not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".pdf":
            groups["PDF (Factur-X/ZUGFeRD)"].append(data)
        else:
            groups[parse(data).syntax.value.split("-")[0].upper()].append(data)
    return dict(groups)


def measure(documents: list[bytes], seconds: float) -> tuple[int, float]:
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for data in documents:
            parse(data)
        count += len(documents)
        now = time.perf_counter()
        if now >= deadline:
            return count, now - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="Messdauer je Syntax")
    args = parser.parse_args()
    groups = corpus()
    if not groups:
        print(f"keine Testdaten unter {TESTDATA}", file=sys.stderr)
        return 1
    total_docs = total_time = 0.0
    print(f"parse throughput over {TESTDATA} (one process)")
    for name, documents in groups.items():
        count, elapsed = measure(documents, args.seconds)
        total_docs += count
        total_time += elapsed
        size = sum(map(len, documents)) / len(documents) / 1024
        print(f"  {name:<24} {len(documents):>4} files, avg {size:7.1f} KiB: {count / elapsed:8.1f} documents/s")
    print(f"  {'total':<24} {sum(map(len, groups.values())):>4} files: {total_docs / total_time:8.1f} documents/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
