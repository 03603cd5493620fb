"""What every exporter takes and gives: items in, files out, and the one error it raises."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from domain.approval import ApprovalRecord
from domain.invoice import Invoice


class ExportError(Exception):
    """An invoice or a configuration that cannot be exported; `code` stable, `message` German."""

    def __init__(self, code: str, message: str, *, invoice_id: int | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.invoice_id = invoice_id


@dataclass(frozen=True)
class ExportItem:
    """One approved invoice: the model, the original as received, and what the approval added.
    `xml` is the invoice XML when the original is a PDF (ZUGFeRD / Factur-X), else None."""

    invoice: Invoice
    original: bytes
    original_filename: str
    approval: ApprovalRecord
    xml: bytes | None = None

    @property
    def invoice_id(self) -> int:
        return self.approval.invoice_id


@dataclass(frozen=True)
class ExportFile:
    """A file for the outbox. `name` is relative to the outbox and may contain '/' (a folder);
    `invoice_ids` are the invoices whose data it carries."""

    name: str
    content: bytes
    invoice_ids: tuple[int, ...] = field(default=())


class Exporter(Protocol):
    format: str  # "datev", "sap_idoc", "xrechnung_bundle"

    def render(
        self, items: list[ExportItem], params: Mapping[str, Any], *, created_at: datetime
    ) -> list[ExportFile]:
        """Files for `items`, in their order. Same items, params and `created_at` -> same bytes."""
        ...


P = TypeVar("P", bound=BaseModel)


def load_params(model: type[P], params: Mapping[str, Any], format_name: str) -> P:
    """The city's export parameters, checked; a wrong one is an ExportError, not a crash."""
    try:
        return model.model_validate(dict(params))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'params'}: {err['msg']}" for err in exc.errors()
        )
        raise ExportError(
            "export.params_invalid", f"Die Exportparameter für {format_name} sind ungültig ({problems})."
        ) from None
