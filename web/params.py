"""Path and query parameters with bounds, so that no number a client sends can overflow a
database integer (that would be a 500): out-of-range values are answered with 422."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

MAX_ID = 2**62
MAX_PAGE = 100_000

InvoiceId = Annotated[int, Path(ge=1, le=MAX_ID, description="Vorgangsnummer der Rechnung")]
AttachmentIndex = Annotated[int, Path(ge=0, le=10_000)]
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE)]


def optional_id(value: str | None) -> int | None:
    """A select box's id, or None for "alle" and anything that is no id."""
    if value and value.isdigit() and int(value) <= MAX_ID:
        return int(value)
    return None
