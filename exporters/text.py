"""Small formatting helpers the exporters share: amounts, times, names safe for files."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from exporters.allocation import to_cents

LOCAL_ZONE = ZoneInfo("Europe/Berlin")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def amount(value: Decimal, *, comma: bool = False) -> str:
    """Cents, no thousands separator: 1234.5 -> '1234.50' (or '1234,50')."""
    text = f"{to_cents(value):f}"
    return text.replace(".", ",") if comma else text


def local_time(created_at: datetime) -> datetime:
    """The export time as the city reads it; a naive time counts as UTC (how databases return it)."""
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    return created_at.astimezone(LOCAL_ZONE)


def stamp(created_at: datetime) -> str:
    """'20250131-142501123': sortable, to the millisecond, for file names."""
    local = local_time(created_at)
    return local.strftime("%Y%m%d-%H%M%S") + f"{local.microsecond // 1000:03d}"


def file_part(text: str, limit: int = 40) -> str:
    """`text` reduced to letters, digits, '.', '_' and '-' (umlauts lose their dots)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _UNSAFE.sub("_", ascii_text).strip("._-")[:limit] or "x"


def one_line(text: str | None) -> str:
    return " ".join((text or "").split())
