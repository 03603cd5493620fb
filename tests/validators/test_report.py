"""The report: JSON round trip, German HTML a supplier can act on, explanations."""

from __future__ import annotations

import json

from tests.validators.mutate import UBL, replace
from validators import ValidationReport, validate


def test_json_round_trip_and_storage_dump():
    report = validate(UBL.read_bytes())
    stored = report.model_dump(mode="json")
    json.dumps(stored)
    assert ValidationReport.model_validate(stored) == report
    assert ValidationReport.model_validate_json(report.to_json()) == report
    assert stored["scenario_set_version"] and stored["scenario"]["id"] == "xrechnung-3.0-ubl-invoice"


def test_rejected_report_explains_in_german_with_hints():
    data = replace(UBL, 'LineExtensionAmount currencyID="EUR">288.79<', 'LineExtensionAmount currencyID="EUR">288.80<')
    data = data.replace(b"<cbc:BuyerReference>04011000-12345-03</cbc:BuyerReference>", b"")
    report = validate(data)
    by_id = {f.rule_id: f for f in report.findings}
    assert "Positionsnettobeträge" in by_id["BR-CO-10"].explanation
    assert "Leitweg-ID" in by_id["BR-DE-15"].hint
    html = report.to_html()
    assert 'lang="de"' in html
    assert "Die Rechnung wurde abgelehnt" in html
    assert "BR-CO-10" in html
    assert "Hinweis:" in html and "Fehler" in html
    assert "Prüfszenario" in html and report.scenario_set_version in html


def test_no_scenario_report_names_the_bt24_and_gives_a_hint():
    report = validate(replace(UBL, "xrechnung_3.0<", "xrechnung_2.3<"))
    html = report.to_html()
    assert "kein passendes Prüfszenario" in html
    assert "xrechnung_2.3" in html
    assert "XRechnung 3.0" in report.hint


def test_html_escapes_document_content():
    report = validate(replace(UBL, "[Seller name]", "&lt;script&gt;alert(1)&lt;/script&gt;"))
    html = report.to_html()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
