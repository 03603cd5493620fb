"""Read an official KoSIT validator configuration (scenarios.xml + resources) into a ScenarioSet.

Supported: `<match>` (XPath, evaluated by Saxon), `<validateWithXmlSchema>`,
`<validateWithSchematron>` (compiled XSLT), `<createReport>/<customLevel>`. The report
stylesheet is not run: our report takes its place. `<acceptMatch>` is recorded; the verdict is
KoSIT's default accept rule (no finding of level error).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from lxml import etree

from validators.scenarios import LEVELS, Layer, Scenario, ScenarioSet, XPathMatch

NS = {"s": "http://www.xoev.de/de/validator/framework/1/scenarios"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class ConfigError(ValueError):
    """A KoSIT configuration that cannot be used; `message` is German."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _text(element, path: str) -> str:
    return " ".join((element.findtext(path, namespaces=NS) or "").split())


def _resource(base: Path, element, kind: str) -> Layer:
    location = _text(element, "s:resource/s:location")
    name = _text(element, "s:resource/s:name") or location
    if not location:
        raise ConfigError(f"Eine Ressource ({kind}) hat keine Angabe <location>.")
    path = (base / location).resolve()
    if not path.is_relative_to(base.resolve()):
        raise ConfigError(f"Die Ressource „{location}“ liegt außerhalb der Konfiguration.")
    if not path.is_file():
        raise ConfigError(f"Die Ressource „{location}“ fehlt in der Konfiguration.")
    return Layer(kind, name, path)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "szenario"


def load(directory: Path) -> ScenarioSet:
    """The scenario set of the configuration in `directory` (which holds scenarios.xml)."""
    directory = Path(directory)
    source = directory / "scenarios.xml"
    if not source.is_file():
        raise ConfigError(f"In „{directory}“ liegt keine scenarios.xml.")
    raw = source.read_bytes()
    try:
        root = etree.fromstring(raw, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise ConfigError(f"Die scenarios.xml ist kein wohlgeformtes XML: {exc}") from exc
    if root.tag != f"{{{NS['s']}}}scenarios":
        raise ConfigError("Die scenarios.xml ist keine KoSIT-Szenariokonfiguration (falscher Namensraum).")
    scenarios = []
    seen_ids: set[str] = set()
    for element in root.findall("s:scenario", NS):
        name = _text(element, "s:name")
        match = _text(element, "s:match")
        if not name or not match:
            raise ConfigError("Ein Szenario ohne <name> oder <match> kann nicht verwendet werden.")
        namespaces = {ns.get("prefix"): (ns.text or "").strip() for ns in element.findall("s:namespace", NS)}
        layers = [_resource(directory, e, "xsd") for e in element.findall("s:validateWithXmlSchema", NS)]
        layers += [_resource(directory, e, "schematron") for e in element.findall("s:validateWithSchematron", NS)]
        levels = {}
        for custom in element.findall("s:createReport/s:customLevel", NS):
            level = LEVELS.get((custom.get("level") or "").strip().lower())
            if level is None:
                raise ConfigError(f"Unbekannte Stufe „{custom.get('level')}“ in <customLevel>.")
            for rule_id in (custom.text or "").split():
                levels[rule_id] = level
        scenario_id = _slug(name)
        while scenario_id in seen_ids:
            scenario_id += "-2"
        seen_ids.add(scenario_id)
        scenarios.append(
            Scenario(
                id=scenario_id,
                name=name,
                match=XPathMatch(match, namespaces),
                layers=tuple(layers),
                custom_levels=levels,
                accept_match=_text(element, "s:acceptMatch") or None,
            )
        )
    if not scenarios:
        raise ConfigError("Die scenarios.xml enthält kein Szenario.")
    digest = hashlib.sha256(raw).hexdigest()[:12]
    date = _text(root, "s:date")
    return ScenarioSet(
        name=_text(root, "s:name") or "KoSIT-Konfiguration",
        version=f"{date} ({digest})" if date else digest,
        scenarios=tuple(scenarios),
        source=str(directory),
    )
