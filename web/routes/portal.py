"""Supplier portal: login with the API token, upload form, own invoices with status and report."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlmodel import Session

from web.identity import SupplierIdentity, supplier_by_token
from web.pages import flash, page, redirect
from web.params import InvoiceId, PageNumber
from web.problems import Problem
from web.queries import supplier_invoice_row, supplier_invoices
from web.report_view import report_response, report_summary
from web.routes.clerk_auth import safe_target
from web.security import CSRF_FIELD, CSRF_HEADER, check_csrf, csrf_form, db, supplier_page
from web.services import services
from web.submission import submit_upload
from web.supplier_view import supplier_invoice
from web.upload import Upload, read_uploads

router = APIRouter(prefix="/portal", include_in_schema=False)
HOME = "/portal/rechnungen"


@router.get("")
@router.get("/")
def home(supplier: SupplierIdentity = Depends(supplier_page)):
    return redirect(HOME)


@router.get("/anmelden", response_class=HTMLResponse)
def login_form(request: Request, weiter: str | None = None):
    return page(request, "supplier/login.html", {"weiter": weiter or ""})


@router.post("/anmelden", response_class=HTMLResponse)
def login(
    request: Request,
    session: Session = Depends(db),
    token: str = Form(""),
    weiter: str = Form(""),
    csrf_token: str = Form(""),
):
    check_csrf(request, csrf_token)
    throttle = request.app.state.login_throttle
    key = f"supplier:{request.client.host if request.client else ''}"
    throttle.check(key)
    supplier = supplier_by_token(session, token.strip())
    if supplier is None:
        throttle.failed(key)
        return page(request, "supplier/login.html", {"error": "Der Zugangsschlüssel ist ungültig.", "weiter": weiter}, 401)
    throttle.succeeded(key)
    request.session.clear()
    request.session["supplier"] = supplier.supplier_id
    return redirect(safe_target(weiter, "/portal/", HOME))


@router.post("/abmelden", dependencies=[Depends(csrf_form)])
def logout(request: Request):
    request.session.clear()
    flash(request, "Sie wurden abgemeldet.", "info")
    return redirect("/portal/anmelden")


@router.get("/hochladen", response_class=HTMLResponse)
def upload_form(request: Request, supplier: SupplierIdentity = Depends(supplier_page)):
    max_mb = services(request).settings.max_upload_bytes // (1024 * 1024)
    return page(request, "supplier/upload.html", {"supplier": supplier, "max_mb": max_mb})


async def _submit_one(request: Request, item: Upload | Problem, supplier: SupplierIdentity) -> dict:
    if isinstance(item, Problem):
        return {"filename": item.extra.get("filename"), "ok": False, "code": item.code, "message": item.detail}
    try:
        submission = await submit_upload(services(request), item, supplier)
    except Problem as problem:
        return {
            "filename": item.filename,
            "ok": False,
            "id": problem.extra.get("id"),
            "code": problem.code,
            "message": problem.detail,
        }
    body = submission.body
    return {
        "filename": item.filename,
        "ok": True,
        "id": body["id"],
        "number": body["number"],
        "status_label": body["status_label"],
        "message": f"Rechnung {body['number'] or ''} angenommen (Vorgang {body['id']}).",
    }


@router.post("/hochladen", response_class=HTMLResponse)
async def upload(request: Request, supplier: SupplierIdentity = Depends(supplier_page)):
    fields: dict[str, str] = {}
    items = await read_uploads(request, services(request).settings.max_upload_bytes, many=True, fields=fields)
    check_csrf(request, request.headers.get(CSRF_HEADER) or fields.get(CSRF_FIELD))
    results = [await _submit_one(request, item, supplier) for item in items]
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"results": results})
    return page(request, "supplier/upload_result.html", {"supplier": supplier, "results": results})


@router.get("/rechnungen", response_class=HTMLResponse)
def invoices(
    request: Request,
    supplier: SupplierIdentity = Depends(supplier_page),
    session: Session = Depends(db),
    seite: PageNumber = 1,
):
    size = services(request).settings.page_size
    rows, total = supplier_invoices(session, supplier.supplier_id, page=seite, page_size=size)
    return page(
        request,
        "supplier/list.html",
        {
            "supplier": supplier,
            "invoices": [supplier_invoice(r, with_report=False) for r in rows],
            "total": total,
            "page": seite,
            "pages": max(1, -(-total // size)),
        },
    )


@router.get("/rechnungen/{invoice_id}", response_class=HTMLResponse)
def invoice(request: Request, invoice_id: InvoiceId, supplier: SupplierIdentity = Depends(supplier_page), session: Session = Depends(db)):
    row = supplier_invoice_row(session, supplier.supplier_id, invoice_id)
    return page(
        request,
        "supplier/invoice.html",
        {"supplier": supplier, "invoice": supplier_invoice(row), "report": report_summary(row.validation_report)},
    )


@router.get("/rechnungen/{invoice_id}/pruefbericht", response_class=HTMLResponse)
def report(invoice_id: InvoiceId, supplier: SupplierIdentity = Depends(supplier_page), session: Session = Depends(db)):
    return report_response(supplier_invoice_row(session, supplier.supplier_id, invoice_id).validation_report)
