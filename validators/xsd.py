"""The XSD layer: each schema compiled once per process; validation on the tree the parser built."""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

from lxml import etree

from validators.findings import Finding, Severity

_compile_lock = threading.Lock()
# An lxml XMLSchema keeps its error log on the object: one validator object per thread.
_local = threading.local()


_SCHEMA_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@cache
def _schema_doc(path: str) -> etree._ElementTree:
    return etree.parse(path, parser=_SCHEMA_PARSER)


def _schema(path: Path) -> etree.XMLSchema:
    cached = getattr(_local, "schemas", None)
    if cached is None:
        cached = _local.schemas = {}
    key = str(path)
    schema = cached.get(key)
    if schema is None:
        with _compile_lock:
            schema = etree.XMLSchema(_schema_doc(key))
        cached[key] = schema
    return schema


def compile_schema(path: Path) -> etree.XMLSchema:
    """Compile (and cache for this thread) the schema at `path`; raises on a broken schema."""
    return _schema(path)


def check(root: etree._Element, xsd: Path) -> list[Finding]:
    """Schema errors of the document whose root is `root`; empty when it is valid."""
    schema = _schema(xsd)
    if schema.validate(root.getroottree()):
        return []
    findings = []
    for error in schema.error_log:
        findings.append(
            Finding(
                rule_id="XSD",
                severity=Severity.ERROR,
                message=f"Zeile {error.line}: {error.message}",
                location=error.path or None,
                layer="xsd",
            )
        )
    return findings
