"""Handing an upload to the intake (workflows.intake.submit) and turning its outcome into the
HTTP answer: 201 accepted, 422 rejected (stored, with its report), 409 duplicate,
415 not an invoice at all."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool

from storage.db import session_scope
from storage.models import Invoice
from web.identity import SupplierIdentity
from web.problems import Problem
from web.services import Services
from web.supplier_view import supplier_invoice
from web.upload import Upload

# parse errors that mean "this is no invoice at all" rather than "a broken invoice"
NOT_AN_INVOICE = {"parse.not_xml", "parse.unsupported_root", "parse.pdf_without_invoice", "parse.empty"}


@dataclass
class Submission:
    status_code: int
    body: dict[str, Any]


def _parse_error_code(report: dict | None) -> str | None:
    if not report:
        return None
    for key in ("parse_error", "error"):
        value = report.get(key)
        if isinstance(value, dict) and value.get("code"):
            return value["code"]
    for finding in report.get("findings") or []:
        rule = str(finding.get("rule_id", ""))
        if rule.startswith("parse."):
            return rule
    return None


async def submit_upload(svc: Services, upload: Upload, supplier: SupplierIdentity) -> Submission:
    from workflows.intake import submit

    client = await svc.temporal()
    kwargs = dict(
        filename=upload.filename,
        media_type=upload.media_type,
        supplier_id=supplier.supplier_id,
        engine=svc.engine,
        store=svc.store,
        temporal_client=client,
    )
    if inspect.iscoroutinefunction(submit):
        result = await submit(upload.data, **kwargs)
    else:
        result = await run_in_threadpool(submit, upload.data, **kwargs)
    return await run_in_threadpool(_outcome, svc, result, supplier)


def _outcome(svc: Services, result: Any, supplier: SupplierIdentity) -> Submission:
    invoice_id = result.invoice_id
    duplicate = bool(getattr(result, "duplicate", False))
    with session_scope(svc.engine) as session:
        row = session.get(Invoice, invoice_id)
        if row is None or (row.supplier_id is not None and row.supplier_id != supplier.supplier_id):
            # the same bytes were handed in by another supplier: say nothing about that invoice
            raise Problem(409, "upload.duplicate", "Diese Rechnung wurde bereits eingereicht.")
        body = supplier_invoice(row)
    if duplicate:
        raise Problem(
            409,
            "upload.duplicate",
            f"Diese Rechnung wurde bereits eingereicht (Vorgang {invoice_id}).",
            id=invoice_id,
            existing=body,
        )
    if body["accepted"]:
        return Submission(201, body)
    code = _parse_error_code(body.get("report"))
    if code in NOT_AN_INVOICE:
        raise Problem(
            415,
            "upload.not_an_invoice",
            "Die Datei ist keine elektronische Rechnung (XRechnung, ZUGFeRD oder Factur-X). "
            "Sie wurde als Vorgang {0} abgelegt und zurückgewiesen.".format(invoice_id),
            id=invoice_id,
            parse_error=code,
            report=body.get("report"),
        )
    raise Problem(
        422,
        "invoice.rejected",
        "Die Rechnung wurde geprüft und zurückgewiesen. Sie ist als Vorgang {0} gespeichert; "
        "die Gründe stehen im Prüfbericht.".format(invoice_id),
        **body,
    )
