"""The Leitweg-ID (BT-10 in XRechnung): routing id of a German public buyer.

Structure: Grobadressierung (2-12 digits, the AGS-based part) `-` optional Feinadressierung
(up to 30 letters or digits) `-` two check digits, ISO 7064 MOD 97-10 over the first two
parts with letters counted A=10 … Z=35.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERN = re.compile(r"^([0-9]{2,12})(?:-([A-Za-z0-9]{1,30}))?-([0-9]{2})$")


class LeitwegIdError(ValueError):
    """A string that is not a valid Leitweg-ID; `code` is stable, `message` German."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _digits(text: str) -> str:
    return "".join(str(int(ch, 36)) for ch in text.upper())


def check_digits(coarse: str, fine: str | None = None) -> str:
    """The two check digits for a Grobadressierung and optional Feinadressierung."""
    number = int(_digits(coarse + (fine or "")) + "00")
    return f"{98 - number % 97:02d}"


@dataclass(frozen=True)
class LeitwegId:
    coarse: str  # Grobadressierung
    fine: str | None  # Feinadressierung
    check: str  # Prüfziffer

    @classmethod
    def parse(cls, text: str) -> LeitwegId:
        value = (text or "").strip()
        match = _PATTERN.match(value)
        if not match:
            raise LeitwegIdError(
                "leitweg_id.format",
                f"„{value}“ hat nicht die Form einer Leitweg-ID "
                "(Grobadressierung-Feinadressierung-Prüfziffer, z. B. 08215017-AMT10-xx).",
            )
        coarse, fine, check = match.groups()
        expected = check_digits(coarse, fine)
        if check != expected:
            raise LeitwegIdError(
                "leitweg_id.check_digits",
                f"Die Prüfziffer der Leitweg-ID „{value}“ ist falsch (erwartet {expected}, angegeben {check}).",
            )
        return cls(coarse=coarse, fine=fine.upper() if fine else None, check=check)

    @classmethod
    def build(cls, coarse: str, fine: str | None = None) -> LeitwegId:
        return cls.parse(f"{coarse}-{fine}-{check_digits(coarse, fine)}" if fine else f"{coarse}-{check_digits(coarse)}")

    @staticmethod
    def is_valid(text: str | None) -> bool:
        try:
            LeitwegId.parse(text or "")
        except LeitwegIdError:
            return False
        return True

    def __str__(self) -> str:
        return f"{self.coarse}-{self.fine}-{self.check}" if self.fine else f"{self.coarse}-{self.check}"
