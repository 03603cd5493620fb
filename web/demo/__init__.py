"""`rechnungslauf demo`: realistic XRechnung (UBL, CII) and ZUGFeRD invoices for the nine cities.

The invoices are generated from the tenant configuration (every department's Leitweg-ID,
every demo supplier) and either written to a folder or uploaded over the supplier API with
the suppliers' demo tokens, so the clerks' inboxes are not empty on first start.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from domain.invoice import Invoice
from domain.tenants import TenantConfig
from web.demo.cii import FACTURX_EN16931, to_cii
from web.demo.generator import DemoSupplier, Recipient, build_invoices, demo_supplier
from web.demo.pdf import to_zugferd_pdf
from web.demo.ubl import to_ubl

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "config" / "demo.toml"


@dataclass(frozen=True)
class DemoFile:
    supplier: DemoSupplier
    token: str | None
    filename: str
    media_type: str
    content: bytes
    invoice: Invoice


def load_tenants(path: Path = DEFAULT_CONFIG) -> TenantConfig:
    return TenantConfig.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))


def recipients(config: TenantConfig) -> list[Recipient]:
    result = []
    for city in config.cities:
        for dept in city.departments:
            result.append(Recipient(city=city.name, name=f"Stadt {city.name} – {dept.name}",
                                    leitweg_id=dept.leitweg_id, street="Rathausplatz 1", postal_code="76000"))
    return result


def demo_files(count: int, config: TenantConfig, *, seed: int = 2026) -> list[DemoFile]:
    """`count` documents, cycling through UBL, CII and ZUGFeRD PDF."""
    suppliers = [demo_supplier(s.key, s.name, s.vat_id, s.email, i) for i, s in enumerate(config.suppliers)]
    tokens = {s.key: (s.tokens[0] if s.tokens else None) for s in config.suppliers}
    files = []
    for n, (supplier, invoice) in enumerate(build_invoices(count, recipients(config), suppliers, seed=seed)):
        kind = n % 3
        if kind == 0:
            name, media, content = f"{invoice.number}.xml", "application/xml", to_ubl(invoice)
        elif kind == 1:
            name, media, content = f"{invoice.number}-cii.xml", "application/xml", to_cii(invoice)
        else:
            pdf = to_zugferd_pdf(invoice, to_cii(invoice, guideline=FACTURX_EN16931))
            name, media, content = f"{invoice.number}.pdf", "application/pdf", pdf
        files.append(DemoFile(supplier, tokens[supplier.key], name, media, content, invoice))
    return files


def run(args) -> int:
    from tqdm import tqdm

    files = demo_files(args.count, load_tenants())
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for f in tqdm(files, desc="Demo-Rechnungen schreiben", unit="Datei"):
            (out / f.filename).write_bytes(f.content)
        print(f"{len(files)} Demo-Rechnungen in {out} geschrieben.")
        return 0

    import httpx

    accepted = rejected = failed = 0
    with httpx.Client(base_url=args.url, timeout=60) as client:
        for f in tqdm(files, desc="Demo-Rechnungen hochladen", unit="Rechnung"):
            response = client.post("/api/v1/invoices", content=f.content,
                                   headers={"Authorization": f"Bearer {f.token}", "Content-Type": f.media_type})
            if response.status_code in (201, 409):
                accepted += 1
            elif response.status_code == 422:
                rejected += 1
            else:
                failed += 1
                tqdm.write(f"{f.filename}: HTTP {response.status_code} {response.text[:200]}")
    print(f"Hochgeladen: {accepted} angenommen, {rejected} zurückgewiesen, {failed} Fehler.")
    return 1 if failed else 0
