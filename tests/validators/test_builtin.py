"""The built-in scenario set is complete and usable."""

from __future__ import annotations

from tests.validators.mutate import CII, replace
from validators import schematron, warm_up
from validators.builtin import XRECHNUNG_30, XRECHNUNG_30_CVD, XRECHNUNG_30_EXTENSION, scenario_set
from validators.findings import Severity


def test_scenario_ids_are_unique_and_resources_exist():
    scenarios = scenario_set().scenarios
    assert len({s.id for s in scenarios}) == len(scenarios)
    for scenario in scenarios:
        for layer in scenario.layers:
            assert layer.kind in {"xsd", "schematron", "xrechnung", "cen-cii-codes"}
            if layer.kind in {"xsd", "schematron"}:
                assert layer.resource.is_file(), layer.resource


def test_every_xrechnung_variant_has_ubl_and_cii_scenarios():
    by_profile = {}
    for scenario in scenario_set().scenarios:
        for profile in scenario.match.profiles or ():
            by_profile.setdefault(profile, set()).update(s.value for s in scenario.match.syntaxes)
    assert by_profile[XRECHNUNG_30] == {"ubl-invoice", "ubl-creditnote", "cii"}
    assert by_profile[XRECHNUNG_30_CVD] == {"ubl-invoice", "ubl-creditnote", "cii"}
    assert by_profile[XRECHNUNG_30_EXTENSION] == {"ubl-invoice", "cii"}  # as KoSIT: no extension credit note


def test_kosit_overrides_per_variant():
    levels = {s.id: s.custom_levels for s in scenario_set().scenarios}
    assert levels["xrechnung-3.0-ubl-invoice"]["UBL-CR-646"] == Severity.ERROR
    assert levels["xrechnung-3.0-ubl-invoice"]["BR-CL-23"] == Severity.WARNING
    assert levels["xrechnung-3.0-extension-ubl-invoice"]["UBL-CR-646"] == Severity.INFORMATION
    assert levels["xrechnung-3.0-extension-ubl-invoice"]["UBL-CR-470"] == Severity.INFORMATION
    assert levels["xrechnung-3.0-extension-ubl-invoice"]["BR-CO-16"] == Severity.INFORMATION
    assert "UBL-CR-646" not in levels["xrechnung-3.0-ubl-creditnote"]
    assert levels["xrechnung-3.0-cvd-ubl-creditnote"]["UBL-CR-646"] == Severity.ERROR
    assert "BR-CO-16" not in levels["xrechnung-3.0-extension-cii"]
    for variant in ("xrechnung-3.0-cii", "xrechnung-3.0-extension-cii", "xrechnung-3.0-cvd-cii"):
        errors = ("CII-SR-452", "CII-SR-453", "CII-SR-454", "CII-SR-465", "CII-SR-466")
        assert {levels[variant][r] for r in errors} == {Severity.ERROR}
        assert {levels[variant][r] for r in ("CII-SR-475", "CII-SR-476")} == {Severity.INFORMATION}
    assert levels["xrechnung-3.0-cvd-cii"]["BR-CL-13"] == Severity.INFORMATION
    assert levels["en16931-ubl-invoice"] == {}


def test_running_only_the_selected_patterns_finds_what_the_whole_stylesheet_finds():
    documents = [
        CII.read_bytes(),
        replace(CII, "<ram:LineTotalAmount>288.79<", "<ram:LineTotalAmount>288.80<"),
        replace(CII, "<ram:InvoiceCurrencyCode>EUR<", "<ram:InvoiceCurrencyCode>ABC<"),
        replace(CII, "<ram:Name>[Seller name]</ram:Name>", ""),
        replace(CII, 'unitCode="XPP"', 'unitCode="QQQ"'),
    ]
    selections = {(layer.resource, layer.only_prefixes) for s in scenario_set().scenarios for layer in s.layers if layer.only_prefixes}
    assert selections
    found = 0
    for data in documents:
        document = schematron.parse_document(data.decode("utf-8"))
        for path, prefixes in selections:
            whole = [f for f in schematron.run(path, document) if f.rule_id.startswith(prefixes)]
            assert schematron.run(path, document, only_prefixes=prefixes) == whole
            found += len(whole)
    assert found >= 4  # the mutations do fire rules in the selected patterns


def test_warm_up_compiles_every_stylesheet_of_the_set():
    warm_up()
    needed = {
        (str(layer.resource), schematron._selected_modes(layer.resource, layer.only_prefixes))
        for s in scenario_set().scenarios
        for layer in s.layers
        if layer.kind == "schematron"
    }
    assert needed <= set(schematron._compiled)
