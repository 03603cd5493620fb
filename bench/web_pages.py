"""Clerk pages with 200 000 invoices: whole requests (query, template, response) on SQLite.

Fills a throw-away database with `bench/inbox.py`'s generator, logs in as that benchmark's
clerk and times the inbox (several sorts and filters), the search and the dashboard.

    .venv/bin/python bench/web_pages.py [COUNT]
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import inbox  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from storage.db import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from web.app import create_app  # noqa: E402
from web.settings import WebSettings  # noqa: E402

PAGES = (
    "/kaemmerei/eingang",
    "/kaemmerei/eingang?sortierung=amount&seite=3",
    "/kaemmerei/eingang?ueberfaellig=1&sortierung=skonto",
    "/kaemmerei/suche?nummer=00001",
    "/kaemmerei/suche?betrag_von=100&betrag_bis=200&status=approved",
    "/kaemmerei/uebersicht",
)


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    folder = Path(tempfile.mkdtemp(prefix="rechnungslauf-pages-"))
    url = f"sqlite:///{folder / 'pages.db'}"
    engine = make_engine(url)
    upgrade(engine=engine)
    started = time.time()
    inbox.fill(engine, count, 0.2)
    inbox.settle(engine)
    print(f"{count} Rechnungen in {time.time() - started:.0f} s angelegt", flush=True)
    client = TestClient(create_app(WebSettings(database_url=url, documents_root=folder / "documents",
                                               secure_cookies=False)))
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/kaemmerei/anmelden").text).group(1)
    response = client.post("/kaemmerei/anmelden", data={"login": inbox.CLERK, "password": "demo", "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    for path in PAGES:
        times = []
        for _ in range(20):
            begin = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        times.sort()
        print(f"{path:66s} Median {statistics.median(times):6.1f} ms   p95 {times[int(len(times) * 0.95) - 1]:6.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
