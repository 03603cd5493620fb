"""The Jinja2 environment of the web app: templates folder, German filters, label helpers."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates

from domain.status import InvoiceStatus, Role, Step
from web import codes
from web.formatting import FILTERS
from web.history import action_label, actor_label

TEMPLATES_DIR = Path(__file__).parent / "templates"


def _label(enum: type[StrEnum], attribute: str = "label"):
    """A filter: the German label of a stored enum value; unknown values as written."""

    def label(value: str | None) -> str:
        try:
            return getattr(enum(value), attribute)
        except ValueError:
            return value or ""

    return label


def url_with(request: Request, **changes: object) -> str:
    """The current page's URL with some query parameters replaced (pagination, sorting)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    params += [(k, str(v)) for k, v in changes.items() if v not in (None, "")]
    return f"{request.url.path}?{urlencode(params)}" if params else request.url.path


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.globals["url_with"] = url_with
    env.filters.update(FILTERS)
    env.filters.update(
        status_label=_label(InvoiceStatus),
        supplier_status=_label(InvoiceStatus, "supplier_label"),
        step_label=_label(Step),
        role_label=_label(Role),
        invoice_type=lambda code: codes.label(codes.INVOICE_TYPES, code),
        payment_means=lambda code: codes.label(codes.PAYMENT_MEANS, code),
        vat_category=lambda code: codes.label(codes.VAT_CATEGORIES, code),
        note_subject=lambda code: codes.label(codes.NOTE_SUBJECTS, code),
        allowance_reason=lambda code: codes.label(codes.ALLOWANCE_REASONS, code),
        unit=codes.unit,
        audit_action=action_label,
        audit_actor=actor_label,
    )
    return templates
