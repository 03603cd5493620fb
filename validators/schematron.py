"""The schematron layers: compiled XSLT stylesheets run by Saxon (saxonche), SVRL read back.

One Saxon processor per process; each stylesheet is compiled once and shared, every thread
works on its own cheap clone of the compiled executable (an executable carries per-run state).
The document is handed to Saxon as received (decoded text of the original bytes), never
re-serialised from lxml.
"""

from __future__ import annotations

import codecs
import threading
from collections.abc import Mapping
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


def _executable(path: Path):
    key = str(path)
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
                    shared = compiler.compile_stylesheet(stylesheet_file=key)
                except Exception as exc:  # saxonche raises PySaxonApiError
                    raise StylesheetError(f"Stylesheet {key} lässt sich nicht übersetzen: {exc}") from exc
                _compiled[key] = shared
            executable = shared.clone()
        per_thread[key] = executable
    return executable


def precompile(paths: list[Path]) -> None:
    """Compile stylesheets ahead of the first document (a worker calls this at start)."""
    for path in paths:
        _executable(path)


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


def run(path: Path, document, layer: str = "schematron", default_flags: Mapping[str, Severity] | None = None) -> list[Finding]:
    """Fired assertions and reports of the stylesheet at `path` on a parsed Saxon document.

    An assertion without a flag gets its flag from `default_flags`, else it is fatal.
    """
    svrl = _executable(path).transform_to_string(xdm_node=document)
    return parse_svrl(svrl.encode("utf-8"), layer, default_flags or {})


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
