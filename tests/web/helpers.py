"""What the web tests share: logging in through the real forms, storing real invoices through
storage (without a workflow), and pointing an official test invoice at one of our cities."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree
from sqlmodel import select

import validators
from parsers import parse
from storage import tenants
from storage.db import session_scope
from storage.documents import FileSystemDocumentStore, store_document
from storage.invoices import create_invoice, key_fields
from storage.models import Invoice, Supplier
from tests.web.tenants import PASSWORD

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_BUYER_REFERENCE = {
    "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2": "BuyerReference",
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100": "BuyerReference",
}
_INVOICE_NUMBER_XPATHS = (
    "/*/*[local-name()='ID']",  # UBL cbc:ID directly under the root
    "/*/*[local-name()='ExchangedDocument']/*[local-name()='ID']",  # CII
)


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page without CSRF token"
    return match.group(1)


def login_clerk(client, login: str, password: str = PASSWORD):
    token = csrf_of(client.get("/kaemmerei/anmelden").text)
    return client.post(
        "/kaemmerei/anmelden",
        data={"login": login, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def login_supplier(client, token: str):
    csrf = csrf_of(client.get("/portal/anmelden").text)
    return client.post("/portal/anmelden", data={"token": token, "csrf_token": csrf}, follow_redirects=False)


def retarget(xml: bytes, leitweg_id: str, number: str | None = None) -> bytes:
    """The same invoice, addressed to `leitweg_id` (BT-10) and, if given, renumbered (BT-1)."""
    root = etree.fromstring(xml)
    found = False
    for namespace, name in _BUYER_REFERENCE.items():
        for element in root.iter(f"{{{namespace}}}{name}"):
            element.text = leitweg_id
            found = True
    if not found:
        # CII: BT-10 is the first child of the header trade agreement
        ram = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
        agreements = list(root.iter(f"{{{ram}}}ApplicableHeaderTradeAgreement"))
        if not agreements:
            raise AssertionError("test invoice without a place for BT-10")
        element = etree.Element(f"{{{ram}}}BuyerReference")
        element.text = leitweg_id
        agreements[0].insert(0, element)
    if number is not None:
        for xpath in _INVOICE_NUMBER_XPATHS:
            for element in root.xpath(xpath):
                element.text = number
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def store_invoice(engine, documents: Path, data: bytes, *, supplier: str, filename: str = "rechnung.xml",
                  media_type: str = "application/xml", status: str = "in_factual_review", validate: bool = False) -> int:
    """An invoice row as the intake would leave it, routed by its Leitweg-ID; with `validate`
    it carries the validator's real report."""
    parsed = parse(data)
    report = validators.validate(data) if validate else None
    with session_scope(engine) as session:
        document, _ = store_document(session, FileSystemDocumentStore(documents), data, filename, media_type)
        route = tenants.route(session, parsed.invoice.buyer_reference)
        supplier_id = session.exec(select(Supplier).where(Supplier.key == supplier)).one().id
        row, _ = create_invoice(
            session, document.id, actor="test", supplier_id=supplier_id,
            city_id=route.city.id if route.city else None,
            department_id=route.department.id if route.department else None,
            syntax=parsed.syntax.value, accepted=report.accepted if report else True, status=status,
            validation_report=report.model_dump(mode="json") if report else None, **key_fields(parsed.invoice),
        )
        return row.id


def invoice_row(engine, invoice_id: int) -> Invoice:
    with session_scope(engine) as session:
        return session.get(Invoice, invoice_id)
