"""List the paths where two invoice model dumps differ."""

from __future__ import annotations

import fnmatch
from typing import Any


def differing_paths(left: Any, right: Any, path: str = "") -> list[str]:
    """Every path (e.g. `lines[0].price.gross_price`) whose values differ, in document order."""
    if isinstance(left, dict) and isinstance(right, dict):
        found = []
        for key in list(left) + [k for k in right if k not in left]:
            found += differing_paths(left.get(key), right.get(key), f"{path}.{key}" if path else key)
        return found
    if isinstance(left, list) and isinstance(right, list):
        found = []
        for index in range(max(len(left), len(right))):
            a = left[index] if index < len(left) else None
            b = right[index] if index < len(right) else None
            found += differing_paths(a, b, f"{path}[{index}]")
        return found
    return [] if left == right else [path]


def without(paths: list[str], patterns: tuple[str, ...]) -> list[str]:
    """`paths` minus those matching one of the explicit exclusion patterns (fnmatch, `[` escaped)."""
    return [p for p in paths if not any(fnmatch.fnmatchcase(p, pattern) for pattern in patterns)]
