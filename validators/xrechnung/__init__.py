"""The XRechnung 3.0 CIUS rules (BR-DE-*, BR-DEX-*, BR-TMP-*, CVD), written from the
specification and asked of the XML tree as the official KoSIT Schematron asks them.

`check(detected, variant)` returns one `Finding` per failed assertion (layer "xrechnung").
Which rule families run is decided as the official Schematron decides it: the BR-DE and
BR-TMP rules on every document, BR-DEX only when BT-24 is the extension identifier, the CVD
rules only when BT-24 is the CVD identifier; the Peppol BIS assertions KoSIT merges into the
same Schematron (`peppol.py`) run on every document. `variant` names the scenario the engine matched
("standard", "extension", "cvd"); in the official configuration all three run the same
Schematron, so it does not change the findings.
"""

from __future__ import annotations

from parsers.document import Detected
from validators.findings import Finding
from validators.xrechnung import cvd, extension, standard
from validators.xrechnung.codelists import CVD_ID, EXTENSION_ID, SCHEMATRON_VERSION, XRECHNUNG_VERSION
from validators.xrechnung.peppol import check_peppol
from validators.xrechnung.rule import Document, Rule, Scope
from validators.xrechnung.terms import FAMILY_OF

VARIANTS = frozenset({"standard", "extension", "cvd"})
RULES: tuple[Rule, ...] = standard.RULES + extension.RULES + cvd.RULES
RULESET = f"XRechnung {XRECHNUNG_VERSION} (KoSIT Schematron {SCHEMATRON_VERSION})"


def check(detected: Detected, variant: str = "standard") -> list[Finding]:
    if variant not in VARIANTS:
        raise ValueError(f"unknown XRechnung variant {variant!r}; expected one of {sorted(VARIANTS)}")
    family = FAMILY_OF.get(detected.syntax)
    if family is None:
        return []
    document = Document(detected.root, family)
    scopes = {Scope.ALL}
    if document.exists("extension_document", spec=EXTENSION_ID):
        scopes.add(Scope.EXTENSION)
    if document.exists("cvd_document", spec=CVD_ID):
        scopes.add(Scope.CVD)
    findings = [finding for rule in RULES if rule.scope in scopes for finding in rule.run(document)]
    return findings + check_peppol(detected)


__all__ = ["RULES", "RULESET", "VARIANTS", "check"]
