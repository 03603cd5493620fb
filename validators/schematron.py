"""The schematron layers: compiled XSLT stylesheets run by Saxon (saxonche), SVRL read back.

One Saxon processor per process; each stylesheet is compiled once and shared, every thread
works on its own cheap clone of the compiled executable (an executable carries per-run state).
The document is handed to Saxon as received (decoded text of the original bytes), never
re-serialised from lxml.
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import re
import threading
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from lxml import etree
from saxonche import PySaxonProcessor

from validators.findings import Finding, Severity

SVRL = "http://purl.oclc.org/dsdl/svrl"
_FIRED = (f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report")
_TEXT = f"{{{SVRL}}}text"

_lock = threading.Lock()
_processor: PySaxonProcessor | None = None
_compiled: dict[str, object] = {}
_local = threading.local()
_SVRL_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)



def _new_lock_in_child() -> None:
    global _lock
    _lock = threading.Lock()  # a forked child must not inherit a lock held by another thread


os.register_at_fork(after_in_child=_new_lock_in_child)

_FLAGS = {
    "warning": Severity.WARNING,
    "information": Severity.INFORMATION,
    "info": Severity.INFORMATION,
}


class StylesheetError(RuntimeError):
    """A configured stylesheet cannot be compiled (a broken rules installation)."""


def processor() -> PySaxonProcessor:
    global _processor
    if _processor is None:
        with _lock:
            if _processor is None:
                _processor = PySaxonProcessor(license=False)
    return _processor


# The ISO schematron skeleton: the root template runs each pattern as a mode over the document.
_ROOT_PATTERN = re.compile(r'<xsl:apply-templates (?:mode="(M\d+)" select="/"|select="/" mode="(M\d+)")\s*/>')
_MODE_TEMPLATE = re.compile(r'<xsl:template [^>]*mode="(M\d+)"')
_ASSERT_ID = re.compile(r'<xsl:attribute name="id">([^<]+)</xsl:attribute>|<svrl:text>\s*\[([A-Z][A-Z0-9-]*)\]')
_TEXT_ID = re.compile(r"\[([A-Z][A-Z0-9-]*)\]")


@cache
def pattern_modes(path: Path) -> tuple[tuple[str, frozenset[str]], ...]:
    """(mode, assertion ids) of every pattern the stylesheet's root template runs, in order;
    empty when the stylesheet is not built by the ISO skeleton. The ids include those the
    assertion texts name in brackets."""
    text = path.read_text(encoding="utf-8")
    order = [a or b for a, b in _ROOT_PATTERN.findall(text)]
    ids: dict[str, set[str]] = {mode: set() for mode in order}
    current = None
    for match in re.finditer(f"{_MODE_TEMPLATE.pattern}|{_ASSERT_ID.pattern}", text):
        if match.group(1):
            current = match.group(1)
        elif current in ids:
            ids[current].add(match.group(2) or match.group(3))
    return tuple((mode, frozenset(ids[mode])) for mode in order)


def _selected_modes(path: Path, only_prefixes: tuple[str, ...]) -> tuple[str, ...] | None:
    """The patterns that can fire a kept assertion, or None to run the whole stylesheet."""
    if not only_prefixes:
        return None
    patterns = pattern_modes(path)
    if not patterns:
        return None
    return tuple(mode for mode, ids in patterns if any(i.startswith(only_prefixes) for i in ids))


def _wrapper(path: Path, modes: tuple[str, ...]) -> str:
    """A stylesheet that imports the original in place and runs only the given patterns,
    without the skeleton's extra default-mode pass per pattern."""
    calls = "".join(f'<xsl:apply-templates select="/" mode="{mode}"/>' for mode in modes)
    return (
        '<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" '
        f'xmlns:svrl="{SVRL}"><xsl:import href="{path.resolve().as_uri()}"/>'
        f'<xsl:template match="/" priority="1000"><svrl:schematron-output>{calls}</svrl:schematron-output>'
        "</xsl:template></xsl:stylesheet>"
    )


def _executable(path: Path, modes: tuple[str, ...] | None = None):
    key = (str(path), modes)
    per_thread = getattr(_local, "executables", None)
    if per_thread is None:
        per_thread = _local.executables = {}
    executable = per_thread.get(key)
    if executable is None:
        proc = processor()
        with _lock:
            shared = _compiled.get(key)
            if shared is None:
                compiler = proc.new_xslt30_processor()
                try:
                    if modes is None:
                        shared = compiler.compile_stylesheet(stylesheet_file=str(path))
                    else:
                        shared = compiler.compile_stylesheet(stylesheet_text=_wrapper(path, modes))
                except Exception as exc:  # saxonche raises PySaxonApiError
                    raise StylesheetError(f"Stylesheet {path} lässt sich nicht übersetzen: {exc}") from exc
                _compiled[key] = shared
            executable = shared.clone()
        per_thread[key] = executable
    return executable


def precompile(paths: list[Path], only_prefixes: tuple[str, ...] = ()) -> None:
    """Compile stylesheets ahead of the first document (a server or an installation calls this)."""
    for path in paths:
        _executable(path, _selected_modes(path, only_prefixes))


def document_text(xml: bytes, encoding: str | None) -> str:
    """The original bytes as text, in the encoding the parser found, without a byte-order mark."""
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if xml.startswith(bom):
            return xml.decode(name)
    return xml.decode(encoding or "utf-8")


def parse_document(text: str):
    return processor().parse_xml(xml_text=text)


def run(
    path: Path,
    document,
    layer: str = "schematron",
    default_flags: Mapping[str, Severity] | None = None,
    only_prefixes: tuple[str, ...] = (),
    ids_from_text: bool = False,
) -> list[Finding]:
    """Fired assertions and reports of the stylesheet at `path` on a parsed Saxon document.

    With `only_prefixes`, only assertions with such ids are reported, and patterns that have
    none are not run at all. With `ids_from_text`, an assertion is reported under the id its
    text names (`[CII-SR-004] …`) where the stylesheet's own id differs. An assertion without
    a flag gets its flag from `default_flags`, else it is fatal.
    """
    svrl = _executable(path, _selected_modes(path, only_prefixes)).transform_to_string(xdm_node=document)
    findings = parse_svrl(svrl.encode("utf-8"), layer, default_flags or {})
    if ids_from_text:
        findings = [_renamed(f) for f in findings]
    return [f for f in findings if f.rule_id.startswith(only_prefixes)] if only_prefixes else findings


def _renamed(finding: Finding) -> Finding:
    """The finding under the id its text names, where the stylesheet's id attribute differs."""
    named = _TEXT_ID.match(finding.message)
    if named is None or named.group(1) == finding.rule_id:
        return finding
    return dataclasses.replace(finding, rule_id=named.group(1))


def parse_svrl(svrl: bytes, layer: str, default_flags: Mapping[str, Severity]) -> list[Finding]:
    findings: list[Finding] = []
    for element in etree.fromstring(svrl, parser=_SVRL_PARSER).iter(*_FIRED):
        text = element.findtext(_TEXT) or ""
        rule_id = element.get("id") or "?"
        flag = element.get("flag")
        severity = _FLAGS.get(flag.lower(), Severity.FATAL) if flag else default_flags.get(rule_id, Severity.FATAL)
        findings.append(
            Finding(
                rule_id=rule_id,
                severity=severity,
                message=" ".join(text.split()),
                location=element.get("location"),
                layer=layer,
            )
        )
    return findings
