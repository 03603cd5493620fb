"""The engine loads an official-style KoSIT configuration; the test builds a tiny one itself."""

from __future__ import annotations

import zipfile

import pytest

import cli
from tests.validators.mutate import CII, UBL, replace
from validators import validate
from validators.engine import active_scenario_set
from validators.kosit_config import ConfigError, load
from validators.rules_store import RULES_DIR_ENV

SCENARIOS = """<?xml version="1.0" encoding="UTF-8"?>
<scenarios xmlns="http://www.xoev.de/de/validator/framework/1/scenarios" frameworkVersion="1.0.0">
  <name>Testkonfiguration</name>
  <author>Test</author>
  <date>2026-01-31</date>
  <scenario>
    <name>Test XRechnung (UBL Invoice)</name>
    <namespace prefix="cbc">urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2</namespace>
    <namespace prefix="invoice">urn:oasis:names:specification:ubl:schema:xsd:Invoice-2</namespace>
    <match>exists(/invoice:Invoice/cbc:CustomizationID[. = 'urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0'])</match>
    <validateWithXmlSchema><resource><name>Schema</name><location>resources/invoice.xsd</location></resource></validateWithXmlSchema>
    <validateWithSchematron><resource><name>Regeln</name><location>resources/rules.xsl</location></resource></validateWithSchematron>
    <createReport>
      <resource><name>Bericht</name><location>resources/report.xsl</location></resource>
      <customLevel level="error">T-SUMME</customLevel>
      <customLevel level="information">T-INFO</customLevel>
    </createReport>
    <acceptMatch>/rep:report/rep:assessment[1]/rep:accept[1]</acceptMatch>
  </scenario>
  <scenario>
    <name>Test Fallback (UBL Invoice)</name>
    <namespace prefix="invoice">urn:oasis:names:specification:ubl:schema:xsd:Invoice-2</namespace>
    <match>exists(/invoice:Invoice)</match>
    <validateWithSchematron><resource><name>Regeln</name><location>resources/rules.xsl</location></resource></validateWithSchematron>
    <createReport><resource><name>Bericht</name><location>resources/report.xsl</location></resource></createReport>
  </scenario>
</scenarios>
"""

XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
  targetNamespace="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" elementFormDefault="qualified">
  <xs:element name="Invoice">
    <xs:complexType>
      <xs:sequence><xs:any processContents="skip" namespace="##other" minOccurs="1" maxOccurs="unbounded"/></xs:sequence>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""

RULES = """<?xml version="1.0" encoding="UTF-8"?>
<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:svrl="http://purl.oclc.org/dsdl/svrl"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2">
  <xsl:template match="/">
    <svrl:schematron-output>
      <xsl:if test="not(/*/cbc:BuyerReference)">
        <svrl:failed-assert id="T-LEITWEG" flag="fatal" location="/Invoice">
          <svrl:text>[T-LEITWEG] Käuferreferenz fehlt.</svrl:text>
        </svrl:failed-assert>
      </xsl:if>
      <xsl:if test="number(/*/cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount) gt 1000">
        <svrl:failed-assert id="T-SUMME" flag="warning" location="/Invoice/cac:LegalMonetaryTotal">
          <svrl:text>[T-SUMME] Betrag über 1000.</svrl:text>
        </svrl:failed-assert>
      </xsl:if>
      <svrl:successful-report id="T-INFO" flag="warning" location="/Invoice"><svrl:text>geprüft</svrl:text></svrl:successful-report>
    </svrl:schematron-output>
  </xsl:template>
</xsl:stylesheet>
"""


def build_config(root):
    (root / "resources").mkdir(parents=True)
    (root / "scenarios.xml").write_text(SCENARIOS, encoding="utf-8")
    (root / "resources" / "invoice.xsd").write_text(XSD, encoding="utf-8")
    (root / "resources" / "rules.xsl").write_text(RULES, encoding="utf-8")
    (root / "resources" / "report.xsl").write_text("<unused/>", encoding="utf-8")
    return root


@pytest.fixture
def config(tmp_path):
    return build_config(tmp_path / "config")


def test_configuration_is_read(config):
    scenario_set = load(config)
    assert scenario_set.name == "Testkonfiguration"
    assert scenario_set.version.startswith("2026-01-31 (")
    first, second = scenario_set.scenarios
    assert first.name == "Test XRechnung (UBL Invoice)"
    assert [layer.kind for layer in first.layers] == ["xsd", "schematron"]
    assert first.custom_levels["T-SUMME"] == "error"
    assert first.accept_match == "/rep:report/rep:assessment[1]/rep:accept[1]"
    assert second.custom_levels == {}


def test_valid_document_is_accepted_by_the_loaded_scenario(config):
    report = validate(UBL.read_bytes(), scenario_set=load(config), business=False)
    assert report.scenario.name == "Test XRechnung (UBL Invoice)"
    assert report.scenario_set == "Testkonfiguration"
    assert report.accepted
    assert report.fired() == [{"id": "T-INFO", "flag": "information"}]


def test_rules_and_custom_levels_of_the_loaded_scenario_apply(config):
    data = replace(UBL, "<cbc:BuyerReference>04011000-12345-03</cbc:BuyerReference>", "")
    data = data.replace(b'TaxInclusiveAmount currencyID="EUR">336.9<', b'TaxInclusiveAmount currencyID="EUR">3336.9<')
    report = validate(data, scenario_set=load(config), business=False)
    assert not report.accepted
    assert {f.rule_id: f.severity for f in report.findings} == {
        "T-LEITWEG": "error",
        "T-SUMME": "error",  # warning in the stylesheet, raised by customLevel
        "T-INFO": "information",
    }


def test_first_matching_scenario_wins_and_no_match_is_reported(config):
    scenario_set = load(config)
    other_profile = replace(UBL, "xrechnung_3.0<", "xrechnung_2.3<")
    assert validate(other_profile, scenario_set=scenario_set, business=False).scenario.name == "Test Fallback (UBL Invoice)"
    report = validate(CII.read_bytes(), scenario_set=scenario_set, business=False)
    assert report.scenario is None
    assert report.reason_code == "scenario.none"
    assert not report.accepted


def test_broken_configurations_are_refused_in_german(tmp_path, config):
    (config / "resources" / "rules.xsl").unlink()
    with pytest.raises(ConfigError, match="fehlt"):
        load(config)
    with pytest.raises(ConfigError, match="scenarios.xml"):
        load(tmp_path)


def test_cli_installs_a_directory_and_the_engine_uses_it(tmp_path, config, monkeypatch, capsys):
    monkeypatch.setenv(RULES_DIR_ENV, str(tmp_path / "rules"))
    assert active_scenario_set().source == "eingebaut"
    assert cli.main(["rules", "install", str(config)]) == 0
    assert "Testkonfiguration" in capsys.readouterr().out
    assert active_scenario_set().name == "Testkonfiguration"
    assert validate(UBL.read_bytes(), business=False).scenario.name == "Test XRechnung (UBL Invoice)"


def test_cli_installs_a_zip(tmp_path, config, monkeypatch):
    monkeypatch.setenv(RULES_DIR_ENV, str(tmp_path / "rules"))
    archive = tmp_path / "config.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in config.rglob("*"):
            zf.write(path, "validator-configuration/" + str(path.relative_to(config)))
    assert cli.main(["rules", "install", str(archive)]) == 0
    assert active_scenario_set().name == "Testkonfiguration"


def test_cli_refuses_a_zip_with_escaping_paths(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(RULES_DIR_ENV, str(tmp_path / "rules"))
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../evil.txt", "x")
    assert cli.main(["rules", "install", str(archive)]) == 2
    assert "unzulässigen Pfad" in capsys.readouterr().err
    assert not (tmp_path / "evil.txt").exists()
    assert active_scenario_set().source == "eingebaut"
