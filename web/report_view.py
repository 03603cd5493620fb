"""The stored validation report (JSON in the invoice row) shown to people: the validator's own
German HTML report, and a short summary for the invoice pages."""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from validators.report import ValidationReport

MISSING = "<!doctype html><html lang=de><meta charset=utf-8><body><p>Für diese Rechnung liegt noch kein Prüfbericht vor.</p></body></html>"


def report_model(report: dict[str, Any] | None) -> ValidationReport | None:
    if not report:
        return None
    try:
        return ValidationReport.model_validate(report)
    except ValidationError:
        return None


def report_html(report: dict[str, Any] | None) -> str:
    model = report_model(report)
    return model.to_html() if model is not None else MISSING


def report_response(report: dict[str, Any] | None) -> HTMLResponse:
    # the report is our own rendering, but it quotes the document: no scripts, no framing by others
    return HTMLResponse(
        report_html(report),
        headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"},
    )


def report_summary(report: dict[str, Any] | None) -> dict[str, Any] | None:
    model = report_model(report)
    if model is None:
        return None
    return {
        "accepted": model.accepted,
        "summary": model.summary_german(),
        "reason": model.reason,
        "hint": model.hint,
        "scenario": model.scenario.name if model.scenario else None,
        "errors": model.errors,
        "warnings": model.warnings,
        "business": [check for check in model.business if check.ok is not None],
    }
