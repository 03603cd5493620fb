"""Supplier API: hand in invoices, read their status and report. A supplier sees only its own."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from sqlmodel import Session

from web.clerk_view import clerk_invoice
from web.identity import Clerk, SupplierIdentity
from web.params import InvoiceId, PageNumber
from web.problems import documented
from web.queries import SearchQuery, city_invoice_row, search_invoices, supplier_invoice_row, supplier_invoices
from web.security import api_caller, db, supplier_api
from web.services import services
from web.submission import submit_upload
from web.supplier_view import supplier_invoice
from web.upload import read_uploads

router = APIRouter(prefix="/api/v1", tags=["Lieferanten"])


UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/xml": {"schema": {"type": "string", "format": "binary"}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}, "required": ["file"]}
            },
        },
    }
}


@router.post(
    "/invoices",
    status_code=201,
    summary="Rechnung einreichen",
    description="XRechnung (UBL/CII) als `application/xml`, ZUGFeRD/Factur-X als `application/pdf`, "
    "oder als Formularfeld `file`. Die Rechnung wird gespeichert, geprüft und bei Annahme in die Freigabe gegeben.",
    openapi_extra=UPLOAD_BODY,
    responses={
        201: {"description": "angenommen; Freigabe gestartet"},
        401: documented("API-Schlüssel fehlt oder ist ungültig"),
        403: documented("Schlüssel gehört keinem Lieferanten"),
        409: documented("Rechnung wurde bereits eingereicht (mit `id` der vorhandenen)"),
        413: documented("Datei zu groß"),
        415: documented("kein Rechnungsformat oder falscher Inhaltstyp"),
        422: documented("geprüft und zurückgewiesen (mit Prüfbericht `report`)"),
    },
)
async def submit_invoice(request: Request, supplier: SupplierIdentity = Depends(supplier_api)):
    svc = services(request)
    (upload,) = await read_uploads(request, svc.settings.max_upload_bytes)
    submission = await submit_upload(svc, upload, supplier)
    return JSONResponse(
        submission.body, status_code=submission.status_code, headers={"Location": f"/api/v1/invoices/{submission.body['id']}"}
    )


READ_RESPONSES = {
    401: documented("nicht angemeldet"),
    422: documented("Parameter fehlerhaft"),
}


@router.get(
    "/invoices",
    summary="Rechnungen mit Bearbeitungsstand (Lieferant: eigene; Sachbearbeitung: der Stadt)",
    responses={200: {"description": "eine Seite der Rechnungen, neueste zuerst"}, **READ_RESPONSES},
)
def list_invoices(
    caller: SupplierIdentity | Clerk = Depends(api_caller),
    session: Session = Depends(db),
    page: PageNumber = 1,
    page_size: int = Query(50, ge=1, le=500),
):
    if isinstance(caller, Clerk):
        rows, total = search_invoices(session, caller.city_id, SearchQuery(), page=page, page_size=page_size)
        items = [clerk_invoice(row) for row in rows]
    else:
        rows, total = supplier_invoices(session, caller.supplier_id, page=page, page_size=page_size)
        items = [supplier_invoice(row, with_report=False) for row in rows]
    return {"items": items, "total": total, "page": page, "page_size": page_size}


@router.get(
    "/invoices/{invoice_id}",
    summary="Eine Rechnung mit Stand und Prüfbericht",
    responses={
        200: {"description": "die Rechnung mit Stand, Grund einer Zurückweisung und Prüfbericht"},
        404: documented("nicht gefunden (oder nicht die eigene)"),
        **READ_RESPONSES,
    },
)
def get_invoice(invoice_id: InvoiceId, caller: SupplierIdentity | Clerk = Depends(api_caller), session: Session = Depends(db)):
    if isinstance(caller, Clerk):
        return clerk_invoice(city_invoice_row(session, caller.city_id, invoice_id), with_report=True)
    return supplier_invoice(supplier_invoice_row(session, caller.supplier_id, invoice_id))
