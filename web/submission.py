"""Handing an upload to the intake (workflows.intake.submit) and turning its outcome into the
HTTP answer: 201 accepted, 422 rejected (stored, with its report), 409 duplicate,
415 not an invoice at all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from temporalio.service import RPCError

from storage.db import read_scope
from storage.models import Invoice
from web.identity import SupplierIdentity
from web.problems import Problem
from web.services import Services
from web.supplier_view import supplier_invoice
from web.upload import Upload
from workflows.intake import IntakeResult, submit

# parse errors that mean "this is no invoice at all" rather than "a broken invoice"
NOT_AN_INVOICE = {"parse.not_xml", "parse.unsupported_root", "parse.pdf_without_invoice", "parse.empty"}


@dataclass
class Submission:
    status_code: int
    body: dict[str, Any]


def _parse_error_code(report: dict | None) -> str | None:
    """The parse error that stopped validation before any rule ran, if that is what happened."""
    code = (report or {}).get("reason_code")
    return code if code and code.startswith("parse.") else None


async def submit_upload(svc: Services, upload: Upload, supplier: SupplierIdentity) -> Submission:
    try:
        result = await submit(
            upload.data,
            filename=upload.filename,
            media_type=upload.media_type,
            supplier_id=supplier.supplier_id,
            engine=svc.engine,
            store=svc.store,
            temporal_client=await svc.temporal(),
        )
    except RPCError as error:
        # stored, but the approval could not start: the same file again makes up for it
        raise Problem(
            503,
            "temporal.unavailable",
            "Der Freigabe-Dienst ist gerade nicht erreichbar. Bitte senden Sie dieselbe Datei später erneut; "
            "sie wird nicht doppelt erfasst.",
        ) from error
    return await run_in_threadpool(_outcome, svc, result, supplier)


def _outcome(svc: Services, result: IntakeResult, supplier: SupplierIdentity) -> Submission:
    invoice_id = result.invoice_id
    duplicate = result.duplicate
    with read_scope(svc.engine) as session:
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
            existing=_without_status(body),
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
        **_without_status(body),
    )


def _without_status(body: dict[str, Any]) -> dict[str, Any]:
    # in a problem, "status" is the HTTP status: the invoice's goes by another name
    rest = {k: v for k, v in body.items() if k != "status"}
    rest["invoice_status"] = body["status"]
    return rest
