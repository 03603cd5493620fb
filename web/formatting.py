"""German display of amounts, quantities and dates (Jinja filters). Decimal in, text out."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Berlin")
MAX_AMOUNT_DIGITS = 14  # no invoice is worth 10^15 EUR; bigger numbers are typing errors


def _to_decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        raise TypeError("amounts are Decimal, never float")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def number(value: object, min_places: int = 0) -> str:
    """1234.5 -> "1.234,5"; keeps every written decimal place, pads to `min_places`."""
    amount = _to_decimal(value)
    if amount is None:
        return ""
    exponent = amount.as_tuple().exponent
    places = max(min_places, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    text = f"{amount:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def parse_amount(text: str | None) -> Decimal | None:
    """What a person types: "1.234,56", "1234,56" or "1234.56". Raises ValueError."""
    cleaned = (text or "").strip().replace(" ", "")
    if not cleaned:
        return None
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not amount.is_finite() or amount.adjusted() > MAX_AMOUNT_DIGITS:
        raise ValueError(text)
    return amount


def money(value: object, currency: str | None = None) -> str:
    text = number(value, 2)
    if not text:
        return ""
    return f"{text} {currency}" if currency else text


def percent(value: object) -> str:
    text = number(value)
    return f"{text} %" if text else ""


def german_date(value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        return local_datetime(value)
    return value.strftime("%d.%m.%Y")


def local_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:  # the database hands back naive UTC
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(LOCAL_TZ).strftime("%d.%m.%Y %H:%M")


FILTERS = {
    "number": number,
    "money": money,
    "percent": percent,
    "de_date": german_date,
    "de_datetime": local_datetime,
}
