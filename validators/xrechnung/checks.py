"""The few tests that are more than "is it there": IBAN, Skonto lines, decimal arithmetic.

Each reproduces the XPath 2.0 expression of the official Schematron, quirks included.
"""

from __future__ import annotations

import re
from decimal import ROUND_FLOOR, Decimal

from validators.xrechnung.codelists import (
    IBAN_SHAPE,
    LINE_BREAK,
    SKONTO,
    SKONTO_TAIL,
    normalize_space,
)

_WHITESPACE = re.compile("[ \t\n\r]")
_TERM_ENTRY = re.compile(r"#[^\n]+#")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)\Z")


def iban_ok(raw: str | None) -> bool:
    """BR-DE-19/20: shape ^[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{0,30}$ and ISO 7064 mod 97 = 1."""
    iban = _WHITESPACE.sub("", raw or "")
    if not IBAN_SHAPE.match(iban):
        return False
    rearranged = iban[4:] + iban[:2].upper() + iban[2:4]
    digits = "".join(str(ord(c) - 55) if ord(c) > 64 else str(ord(c) - 48) for c in rearranged)
    return int(digits) % 97 == 1


def skonto_ok(notes: list[str]) -> bool:
    """BR-DE-18 on the first payment-terms text: every line starting with '#' is a Skonto entry,
    and the text goes on with a line break after the last '#...#'."""
    lines = [line for note in notes for line in LINE_BREAK.split(note) if normalize_space(line).startswith("#")]
    if not lines:
        return True
    tails_ok = all(SKONTO_TAIL.match(_TERM_ENTRY.split(note)[-1]) for note in notes)
    return tails_ok and all(SKONTO.search(normalize_space(line)) for line in lines)


def decimal(text: str | None) -> Decimal | None:
    """xs:decimal(text), None where XPath would have no value or fail."""
    if text is None:
        return None
    stripped = normalize_space(text)
    return Decimal(stripped) if _DECIMAL.match(stripped) else None


def xpath_round_cents(value: Decimal) -> Decimal:
    """round(value * 100) div 100 in XPath: halves go towards positive infinity."""
    return (value * 100 + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR) / 100


def fraction_digits(text: str | None) -> int:
    """string-length(substring-after(text, '.'))."""
    text = text or ""
    return len(text.split(".", 1)[1]) if "." in text else 0
