"""Scenarios as the KoSIT validator knows them: a match, layers, severity overrides, an accept rule.

A `ScenarioSet` is an ordered list; the first scenario whose match holds decides how a document
is checked. The built-in set lives in `validators.builtin`; an official KoSIT configuration is
read by `validators.kosit_config` into the same structures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from parsers.document import Detected, Syntax
from validators.findings import Severity

UBL_NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
CII_NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}
ZUGFERD1_NS = {
    "rsm": "urn:ferd:CrossIndustryDocument:invoice:1p0",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12",
}

# BT-24 exactly as KoSIT's match expressions compare it, untrimmed: the string value of
# cbc:CustomizationID for UBL ([. = '…']), the text nodes of ram:ID for CII (/text() = '…').
_UBL_SPEC_ID = etree.XPath("cbc:CustomizationID", namespaces=UBL_NS)
_STRING_VALUE = etree.XPath("string()")
_SPEC_IDS = {
    Syntax.CII: etree.XPath(
        "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID/text()",
        namespaces=CII_NS,
    ),
    Syntax.ZUGFERD1: etree.XPath(
        "rsm:SpecifiedExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID/text()",
        namespaces=ZUGFERD1_NS,
    ),
}

LEVELS = {
    "error": Severity.ERROR,
    "fatal": Severity.ERROR,
    "warning": Severity.WARNING,
    "information": Severity.INFORMATION,
    "info": Severity.INFORMATION,
}


def spec_ids(detected: Detected) -> list[str]:
    if detected.syntax in (Syntax.UBL_INVOICE, Syntax.UBL_CREDIT_NOTE):
        return [_STRING_VALUE(element) for element in _UBL_SPEC_ID(detected.root)]
    path = _SPEC_IDS.get(detected.syntax)
    return [str(text) for text in path(detected.root)] if path is not None else []


@dataclass(frozen=True)
class ProfileMatch:
    """Syntax plus BT-24 compared for equality, as KoSIT's built-in XRechnung scenarios do."""

    syntaxes: frozenset[Syntax]
    profiles: frozenset[str] | None = None  # None: any BT-24 (e.g. every ZUGFeRD 1.0 document)

    def __call__(self, detected: Detected, saxon_document=None) -> bool:
        if detected.syntax not in self.syntaxes:
            return False
        if self.profiles is None:
            return True
        return any(value in self.profiles for value in spec_ids(detected))


@dataclass(frozen=True)
class XPathMatch:
    """A KoSIT `<match>` expression (XPath 2.0+), evaluated by Saxon on the document."""

    expression: str
    namespaces: Mapping[str, str] = field(default_factory=dict)

    def __call__(self, detected: Detected, saxon_document=None) -> bool:
        from validators import schematron

        if saxon_document is None:
            saxon_document = schematron.parse_document(
                schematron.document_text(detected.xml, detected.root.getroottree().docinfo.encoding)
            )
        xpath = schematron.processor().new_xpath_processor()
        for prefix, uri in self.namespaces.items():
            xpath.declare_namespace(prefix, uri)
        xpath.set_context(xdm_item=saxon_document)
        return bool(xpath.effective_boolean_value(self.expression))


@dataclass(frozen=True)
class Layer:
    kind: str  # "xsd", "schematron" or "xrechnung" (our CIUS rules in validators.xrechnung)
    name: str
    resource: Path | None = None
    variant: str | None = None  # XRechnung variant: standard, extension, cvd
    # When set, only assertions whose id starts with one of these belong to the scenario.
    only_prefixes: tuple[str, ...] = ()
    # Stylesheets whose assertion flags apply where this one's assertions carry none.
    flags_from: tuple[Path, ...] = ()
    # The stylesheet renames some rules in its ids; the id its text names in brackets counts.
    ids_from_text: bool = False
    # Assertions the stylesheet states differently from CEN; another layer checks them as CEN does.
    except_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Refusal:
    """A scenario that recognises a document only to reject it, with a stable code and German reason."""

    code: str
    reason: str


@dataclass(frozen=True)
class Scenario:
    id: str
    name: str
    match: ProfileMatch | XPathMatch
    layers: tuple[Layer, ...] = ()
    custom_levels: Mapping[str, Severity] = field(default_factory=dict)
    refusal: Refusal | None = None
    accept_match: str | None = None  # recorded from KoSIT configurations; our rule: no error finding
    option: str | None = None  # only active when the caller enables this option (e.g. "zugferd1")


@dataclass(frozen=True)
class ScenarioSet:
    name: str
    version: str
    scenarios: tuple[Scenario, ...]
    source: str = "eingebaut"

    @property
    def needs_saxon_match(self) -> bool:
        return any(isinstance(s.match, XPathMatch) for s in self.scenarios)

    def select(self, detected: Detected, *, options: frozenset[str] = frozenset(), saxon_document=None):
        for scenario in self.scenarios:
            if scenario.option is not None and scenario.option not in options:
                continue
            if scenario.match(detected, saxon_document):
                return scenario
        return None
