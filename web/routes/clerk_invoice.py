"""One invoice for a clerk: visualisation, original PDF, attachments, validation report,
recomputation, history, and the actions of the current step."""

from __future__ import annotations

import re
from itertools import zip_longest
from decimal import Decimal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import Session, select

from domain.arithmetic import recompute
from domain.status import Step
from storage.audit import events_of
from storage.models import Department, Task, TaskState
from storage.tasks import inbox_scope
from web.decisions import DecisionRequest, send_decision
from web.formatting import parse_amount
from web.identity import Clerk
from web.originals import load_original
from web.pages import flash, page, redirect
from web.params import AttachmentIndex, InvoiceId
from web.problems import Problem, not_found
from web.queries import city_invoice_row
from web.report_view import report_response, report_summary
from web.security import CSRF_FIELD, check_csrf, clerk_page, db
from web.services import services
from workflows.rules import STEP_ACTIONS

router = APIRouter(prefix="/kaemmerei/rechnungen", include_in_schema=False)
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _download_name(name: str | None, fallback: str) -> str:
    cleaned = _SAFE_NAME.sub("_", name or "").strip("._")
    return cleaned or fallback


def _open_task(session: Session, invoice_id: int) -> Task | None:
    return session.exec(
        select(Task).where(Task.invoice_id == invoice_id, Task.state == TaskState.OPEN.value).order_by(Task.id.desc())
    ).first()


def _recomputation(invoice):
    if invoice is None:
        return None
    try:
        return recompute(invoice)
    except ArithmeticError:  # e.g. a base quantity of zero: the page still shows everything else
        return None


def _in_inbox(session: Session, clerk: Clerk, task: Task) -> bool:
    """A task in the clerk's inbox (also as a substitute) may be decided, role or not: the
    workflow has the last word."""
    scope = inbox_scope(session, clerk.user_id)
    return task.assignee_user_id in scope.user_ids or task.assignee_group_id in scope.group_ids


@router.get("/{invoice_id}", response_class=HTMLResponse)
def invoice_page(request: Request, invoice_id: InvoiceId, clerk: Clerk = Depends(clerk_page), session: Session = Depends(db)):
    row = city_invoice_row(session, clerk.city_id, invoice_id)
    original = load_original(session, services(request).store, row)
    task = _open_task(session, invoice_id)
    step = Step(task.step) if task else None
    departments = list(session.exec(select(Department).where(Department.city_id == clerk.city_id).order_by(Department.name)))
    department = next((d for d in departments if d.id == row.department_id), None)
    return page(
        request,
        "clerk/invoice.html",
        {
            "clerk": clerk,
            "row": row,
            "inv": original.invoice,
            "parse_error": original.error,
            "has_pdf": original.pdf is not None,
            "attachment_url": lambda index: f"/kaemmerei/rechnungen/{invoice_id}/anhaenge/{index}",
            "report": report_summary(row.validation_report),
            "show_business": True,
            "recomputation": _recomputation(original.invoice),
            "history": events_of(session, invoice_id),
            "task": task,
            "step": step,
            "may_decide": step is not None and (clerk.may(step) or _in_inbox(session, clerk, task)),
            "actions": {a.value for a in STEP_ACTIONS[step]} if step else set(),
            "departments": departments,
            "department": department,
            "approval": row.approval or {},
        },
    )


@router.get("/{invoice_id}/original")
def original_document(request: Request, invoice_id: InvoiceId, clerk: Clerk = Depends(clerk_page), session: Session = Depends(db)):
    row = city_invoice_row(session, clerk.city_id, invoice_id)
    original = load_original(session, services(request).store, row)
    media_type = "application/pdf" if original.data.startswith(b"%PDF") else "application/xml"
    # PDFs show inline beside the data; XML always downloads (never rendered by the browser)
    disposition = "inline" if media_type == "application/pdf" else "attachment"
    name = _download_name(original.document.filename, f"rechnung-{invoice_id}")
    headers = {"Content-Disposition": f'{disposition}; filename="{name}"'}
    if media_type != "application/pdf":
        headers["Content-Security-Policy"] = "sandbox"  # browsers' PDF viewers refuse to run sandboxed
    return Response(original.data, media_type=media_type, headers=headers)


@router.get("/{invoice_id}/anhaenge/{index}")
def attachment(request: Request, invoice_id: InvoiceId, index: AttachmentIndex, clerk: Clerk = Depends(clerk_page), session: Session = Depends(db)):
    row = city_invoice_row(session, clerk.city_id, invoice_id)
    original = load_original(session, services(request).store, row)
    attachments = original.invoice.attachments if original.invoice else []
    if not 0 <= index < len(attachments) or attachments[index].content is None:
        raise not_found("Der Anhang")
    item = attachments[index]
    name = _download_name(item.filename, f"anhang-{index + 1}")
    return Response(
        item.content,
        # whatever the supplier claims, the browser must download it, not run it
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Content-Security-Policy": "sandbox"},
    )


@router.get("/{invoice_id}/pruefbericht", response_class=HTMLResponse)
def report(invoice_id: InvoiceId, clerk: Clerk = Depends(clerk_page), session: Session = Depends(db)):
    return report_response(city_invoice_row(session, clerk.city_id, invoice_id).validation_report)


def _amount(value: str) -> Decimal | None:
    try:
        return parse_amount(value)
    except ValueError:
        raise Problem(422, "decision.invalid_amount", f"„{value}“ ist kein gültiger Betrag.") from None


def _assignments(form) -> list[dict]:
    rows = zip_longest(
        *(form.getlist(name) for name in ("gl_account", "cost_center", "product", "net_amount")), fillvalue=""
    )
    result = []
    for gl_account, cost_center, product, net_amount in rows:
        if not gl_account.strip():
            continue
        result.append(
            {
                "gl_account": gl_account.strip(),
                "cost_center": cost_center.strip() or None,
                "product": product.strip() or None,
                "net_amount": _amount(net_amount),
            }
        )
    return result


@router.post("/{invoice_id}/entscheidung")
async def decide_form(request: Request, invoice_id: InvoiceId, clerk: Clerk = Depends(clerk_page)):
    form = await request.form()
    check_csrf(request, form.get(CSRF_FIELD))
    target = f"/kaemmerei/rechnungen/{invoice_id}"
    try:
        body = DecisionRequest(
            step=form.get("step", ""),
            action=form.get("action", ""),
            comment=form.get("comment") or None,
            account_assignment=_assignments(form),
            target_department=form.get("target_department") or None,
        )
    except ValidationError:
        raise Problem(422, "decision.invalid", "Die Entscheidung ist unvollständig (Schritt oder Aktion fehlt).") from None
    try:
        result = await send_decision(services(request), clerk, invoice_id, body)
    except Problem as problem:
        if problem.status == 404:
            raise
        flash(request, f"Abgelehnt: {problem.detail} ({problem.code})", "error")
        return redirect(target)
    flash(request, result.message, "ok")
    return redirect(target)
