"""The validation report: what was checked, the verdict, every finding with a German explanation.

`model_dump(mode="json")` is what storage keeps; `to_json()` is the machine-readable rendering,
`to_html()` what a supplier gets back, `jsonl_record()` one line of `rechnungslauf validate --format jsonl`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, Field

from validators.business import BusinessCheck
from validators.explanations import explain
from validators.fields import KeyFields
from validators.findings import Finding, Severity

_SEVERITY_NAMES = {
    Severity.FATAL: "error",
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "information",
}
SEVERITY_GERMAN = {"error": "Fehler", "warning": "Warnung", "information": "Hinweis"}


class ReportFinding(BaseModel):
    rule_id: str
    severity: str  # error | warning | information, after the scenario's overrides
    layer: str | None = None
    location: str | None = None  # XPath
    text: str  # the official rule text or the schema message
    explanation: str | None = None  # German, for the rules suppliers hit most
    hint: str | None = None

    @property
    def flag(self) -> str:
        """The KoSIT/schematron flag: an error is reported as "fatal"."""
        return "fatal" if self.severity == "error" else self.severity

    @classmethod
    def of(cls, finding: Finding) -> ReportFinding:
        severity = _SEVERITY_NAMES[Severity(finding.severity)]
        # a family text ("… ist nicht erfüllt") would overstate a mere note
        explanation = explain(finding.rule_id, family=severity != "information")
        return cls(
            rule_id=finding.rule_id,
            severity=severity,
            layer=finding.layer,
            location=finding.location,
            text=finding.message,
            explanation=explanation.text if explanation else None,
            hint=explanation.hint if explanation else None,
        )


class ScenarioInfo(BaseModel):
    id: str
    name: str


class LayerRun(BaseModel):
    name: str
    kind: str
    status: str  # "ausgeführt", "übersprungen (XSD-Fehler)", "nicht verfügbar"


class ValidationReport(BaseModel):
    accepted: bool
    scenario: ScenarioInfo | None = None
    scenario_set: str
    scenario_set_version: str
    syntax: str  # ubl-invoice | ubl-creditnote | cii | zugferd1 | unknown
    profile: str | None = None  # BT-24 as written
    reason_code: str | None = None  # set when the document was rejected before any rule ran
    reason: str | None = None  # German
    hint: str | None = None
    layers: list[LayerRun] = Field(default_factory=list)
    findings: list[ReportFinding] = Field(default_factory=list)
    business: list[BusinessCheck] = Field(default_factory=list)  # never changes `accepted`
    fields: KeyFields = Field(default_factory=KeyFields)
    embedded_filename: str | None = None

    @property
    def errors(self) -> list[ReportFinding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[ReportFinding]:
        return [f for f in self.findings if f.severity == "warning"]

    def fired(self) -> list[dict[str, str]]:
        """Rule ids and flags from the rule layers, as KoSIT's report lists them (schema errors excluded)."""
        return [{"id": f.rule_id, "flag": f.flag} for f in self.findings if f.layer != "xsd"]

    def jsonl_record(self, file: str) -> dict:
        return {
            "file": file,
            "syntax": self.syntax,
            "profile": self.profile,
            "accepted": self.accepted,
            "fired": self.fired(),
            "fields": self.fields.model_dump(mode="json"),
            "scenario": self.scenario.id if self.scenario else None,
            "scenario_set_version": self.scenario_set_version,
            "reason_code": self.reason_code,
            "xsd_errors": sum(1 for f in self.findings if f.layer == "xsd"),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)

    def to_html(self) -> str:
        return _template().render(report=self, severity_german=SEVERITY_GERMAN)

    def summary_german(self) -> str:
        if self.accepted:
            extra = f" mit {len(self.warnings)} Warnung(en)" if self.warnings else ""
            return f"Die Rechnung ist gültig{extra}."
        if self.reason:
            return f"Die Rechnung wurde abgelehnt: {self.reason}"
        return f"Die Rechnung wurde abgelehnt: {len(self.errors)} Fehler."


@cache
def _template():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html")
