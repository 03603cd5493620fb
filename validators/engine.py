"""The scenario engine: secure parse → first matching scenario → XSD → rule layers → severity
overrides → accept iff no error → report. XSD errors skip the rule layers, as in KoSIT."""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from parsers import Detected, ParseError, Syntax, detect, map_invoice
from validators import business as business_checks
from validators import cen_cii_codes, cen_flags, fields, schematron, xsd
from validators.explanations import NO_SCENARIO, OUTDATED_XRECHNUNG
from validators.findings import Finding
from validators.report import LayerRun, ReportFinding, ScenarioInfo, ValidationReport
from validators.scenarios import Layer, Scenario, ScenarioSet, spec_ids

log = logging.getLogger(__name__)
T = TypeVar("T")
_OLD_XRECHNUNG = re.compile(r"xrechnung_[12]\.", re.IGNORECASE)


def active_scenario_set() -> ScenarioSet:
    from validators.rules_store import installed_scenario_set

    installed = installed_scenario_set()
    if installed is not None:
        return installed
    from validators.builtin import scenario_set

    return scenario_set()


def warm_up(scenario_set: ScenarioSet | None = None) -> None:
    """Compile every stylesheet of the scenario set now, not on the first invoice (a server calls
    this at start; it takes a few seconds)."""
    for scenario in (scenario_set or active_scenario_set()).scenarios:
        for layer in scenario.layers:
            if layer.kind == "schematron":
                schematron.precompile([layer.resource], layer.only_prefixes)


def validate(data: bytes, *, scenario_set: ScenarioSet | None = None, **options) -> ValidationReport:
    """Validate invoice bytes (XML or PDF with embedded XML); bad input gives a rejected report.

    `options` are those of `validate_detected`.
    """
    sset = scenario_set or active_scenario_set()
    try:
        detected = detect(data)
    except ParseError as exc:
        return ValidationReport(
            accepted=False,
            scenario_set=sset.name,
            scenario_set_version=sset.version,
            syntax=Syntax.UNKNOWN.value,
            reason_code=exc.code,
            reason=exc.message,
        )
    return validate_detected(detected, scenario_set=sset, **options)


def validate_detected(
    detected: Detected,
    *,
    scenario_set: ScenarioSet | None = None,
    allow_zugferd1: bool = False,
    known_leitweg_prefixes: Iterable[str] | None = None,
    duplicate_hook: business_checks.DuplicateHook | None = None,
    business: bool = True,
) -> ValidationReport:
    """Validate a detected document. `allow_zugferd1`: the city accepts ZUGFeRD 1.0 (schema only);
    `known_leitweg_prefixes`, `duplicate_hook`: for the business checks, which `business=False` skips."""
    sset = scenario_set or active_scenario_set()
    run = _Run(detected)
    options = frozenset({"zugferd1"} if allow_zugferd1 else ())
    scenario = sset.select(detected, options=options, saxon_document=run.saxon_document() if sset.needs_saxon_match else None)
    report = ValidationReport(
        accepted=False,
        scenario=ScenarioInfo(id=scenario.id, name=scenario.name) if scenario else None,
        scenario_set=sset.name,
        scenario_set_version=sset.version,
        syntax=detected.syntax.value,
        profile=detected.profile,
        fields=fields.extract(detected),
        embedded_filename=detected.embedded_filename,
    )
    if scenario is None:
        raw = spec_ids(detected)
        shown = raw[0] if raw else (detected.profile or "(keine)")
        outdated = bool(_OLD_XRECHNUNG.search(shown))
        explanation = OUTDATED_XRECHNUNG if outdated else NO_SCENARIO
        report.reason_code = "scenario.outdated_xrechnung" if outdated else "scenario.none"
        report.reason = f"kein passendes Prüfszenario für die Spezifikationskennung (BT-24) „{shown}“. {explanation.text}"
        report.hint = explanation.hint
        return report
    if scenario.refusal is not None:
        report.reason_code = scenario.refusal.code
        report.reason = scenario.refusal.reason
        return report

    def business_checks_now():
        return _business(detected, known_leitweg_prefixes, duplicate_hook) if business else []

    try:
        findings, report.layers, report.business = run.layers(scenario, alongside=business_checks_now)
    except Exception as exc:  # a document Saxon cannot read, a broken rules installation
        log.exception("validation of %s failed in scenario %s", detected.syntax, scenario.id)
        report.reason_code = "validation.failed"
        report.reason = f"Die Prüfung konnte nicht durchgeführt werden: {exc}"
        return report
    findings = [_with_level(f, scenario) for f in findings]
    report.findings = [ReportFinding.of(f) for f in findings]
    report.accepted = not any(f.severity.rejects for f in findings)
    return report


def _with_level(finding: Finding, scenario: Scenario) -> Finding:
    level = scenario.custom_levels.get(finding.rule_id)
    return dataclasses.replace(finding, severity=level) if level is not None else finding


class _Run:
    """State of one validation: the Saxon document is built at most once, on first need."""

    def __init__(self, detected: Detected):
        self.detected = detected
        self._saxon = None

    def saxon_document(self):
        if self._saxon is None:
            encoding = self.detected.root.getroottree().docinfo.encoding
            self._saxon = schematron.parse_document(schematron.document_text(self.detected.xml, encoding))
        return self._saxon

    def layers(self, scenario: Scenario, alongside: Callable[[], T]) -> tuple[list[Finding], list[LayerRun], T]:
        """Run the scenario's layers in order; `alongside` runs while Saxon works.

        Saxon releases the GIL, so the schematron layers run on a worker thread while this
        thread does the Python layers and `alongside` (the business checks).
        """
        results: list[tuple[list[Finding], str] | None] = [None] * len(scenario.layers)
        schema_failed = False
        for i, layer in enumerate(scenario.layers):
            if layer.kind == "xsd":
                results[i] = self._layer(layer)
                schema_failed = schema_failed or bool(results[i][0])
        if schema_failed:
            for i, layer in enumerate(scenario.layers):
                if results[i] is None:
                    results[i] = ([], "übersprungen (XSD-Fehler)")
            extra = alongside()
        else:
            saxon_layers = [i for i, layer in enumerate(scenario.layers) if layer.kind == "schematron"]
            background = _saxon_pool().submit(lambda: [self._layer(scenario.layers[i]) for i in saxon_layers])
            try:
                for i, layer in enumerate(scenario.layers):
                    if results[i] is None and layer.kind != "schematron":
                        results[i] = self._layer(layer)
                extra = alongside()
            finally:
                saxon_results = background.result()
            for i, result in zip(saxon_layers, saxon_results, strict=True):
                results[i] = result
        findings: list[Finding] = []
        seen: set[tuple[str, str | None]] = set()
        for found, _ in results:
            for finding in found:
                key = (finding.rule_id, finding.location)
                if key not in seen:  # two stylesheets of one scenario may share a rule
                    seen.add(key)
                    findings.append(finding)
        runs = [LayerRun(name=layer.name, kind=layer.kind, status=status) for layer, (_, status) in zip(scenario.layers, results, strict=True)]
        return findings, runs, extra

    def _layer(self, layer: Layer) -> tuple[list[Finding], str]:
        if layer.kind == "xsd":
            return xsd.check(self.detected.root, layer.resource), "ausgeführt"
        if layer.kind == "schematron":
            defaults = cen_flags.flags_from(layer.flags_from) if layer.flags_from else None
            found = schematron.run(
                layer.resource, self.saxon_document(), "schematron", defaults, layer.only_prefixes, layer.ids_from_text
            )
            if layer.except_ids:
                found = [f for f in found if f.rule_id not in layer.except_ids]
            return found, "ausgeführt"
        if layer.kind == "cen-cii-codes":
            return cen_cii_codes.check(self.detected.root), "ausgeführt"
        if layer.kind == "xrechnung":
            check = _cius_check()
            if check is None:
                return [], "nicht verfügbar"
            return list(check(self.detected, layer.variant or "standard")), "ausgeführt"
        raise ValueError(f"unknown layer kind {layer.kind!r}")


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _forget_pool_in_child() -> None:
    # A forked process (a batch worker) inherits the pool object but none of its threads.
    global _pool
    _pool = None


os.register_at_fork(after_in_child=_forget_pool_in_child)


def _saxon_pool() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2), thread_name_prefix="saxon")
    return _pool


def _cius_check():
    try:
        from validators import xrechnung
    except ImportError:
        xrechnung = None
    check = getattr(xrechnung, "check", None)
    if check is None:
        log.warning("validators.xrechnung.check is not available; the XRechnung CIUS layer is skipped")
    return check


def _business(detected: Detected, prefixes, hook) -> list[business_checks.BusinessCheck]:
    try:
        invoice = map_invoice(detected)
    except ParseError as exc:
        return [
            business_checks.BusinessCheck(
                code="business.not_mapped", title="Fachliche Prüfungen", ok=None, message=f"Nicht möglich: {exc.message}"
            )
        ]
    except Exception as exc:  # the standard verdict stands even if the model cannot be built
        log.warning("business checks skipped: %s", exc)
        return [
            business_checks.BusinessCheck(
                code="business.not_mapped", title="Fachliche Prüfungen", ok=None, message="Nicht möglich: Rechnung nicht lesbar."
            )
        ]
    return business_checks.check(invoice, known_leitweg_prefixes=prefixes, duplicate_hook=hook)
