"""Speed of the XRechnung CIUS rule layer alone: milliseconds per document, per syntax.

    .venv/bin/python bench/xrechnung_rules.py              # 20 rounds over the official test suite
    .venv/bin/python bench/xrechnung_rules.py --rounds 200

Each file is parsed once (`parsers.detect`, outside the timing); the figure is the time of
`validators.xrechnung.check` on the parsed tree, with and without the merged Peppol assertions,
and the resident memory before and after, to show it stays flat. One process, one core.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from parsers import detect  # noqa: E402
from parsers.document import Syntax  # noqa: E402
from validators.xrechnung import RULES, check  # noqa: E402
from validators.xrechnung.rule import Document  # noqa: E402
from validators.xrechnung.terms import FAMILY_OF  # noqa: E402

SUITE = REPO.parent / "shared" / "testdata" / "xrechnung-testsuite" / "src" / "test"


def _cius_only(detected) -> None:
    document = Document(detected.root, FAMILY_OF[detected.syntax])
    for rule in RULES:
        rule.run(document)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    documents = [detect(path.read_bytes()) for path in sorted(SUITE.rglob("*.xml"))]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for label, family in (("UBL", {Syntax.UBL_INVOICE, Syntax.UBL_CREDIT_NOTE}), ("CII", {Syntax.CII})):
        chosen = [d for d in documents if d.syntax in family]
        for name, run in (("CIUS rules", _cius_only), ("CIUS + Peppol (check)", check)):
            start = time.perf_counter()
            for _ in range(args.rounds):
                for detected in chosen:
                    run(detected)
            elapsed = time.perf_counter() - start
            count = args.rounds * len(chosen)
            print(f"{label} {name:22s} {1000 * elapsed / count:6.3f} ms/document  ({count} documents)")
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"max RSS {rss_before / 1024:.1f} MB before, {rss_after / 1024:.1f} MB after")


if __name__ == "__main__":
    main()
