"""The rules of XRechnung CVD (Clean Vehicles Directive): asked only of a document whose BT-24
names the CVD specification, as the official Schematron gates them. Texts and flags of 2.5.0."""

from __future__ import annotations

from validators.findings import Severity
from validators.xrechnung.codelists import (
    CVA_CODES,
    CVD_VEHICLE_CATEGORIES,
    UNTDID_7143_CVD_CODES,
    in_code_list,
    normalize_space,
)
from validators.xrechnung.rule import Document, Node, Rule, Scope, string_value

FATAL = Severity.FATAL


def _present(term: str):
    return lambda doc, node: doc.exists(term, node)


def _exactly_one_if(trigger: str, counted: str):
    def test(doc: Document, node: Node) -> bool:
        return not doc.exists(trigger, node) or len(doc.nodes(counted, node)) == 1

    return test


def _vehicle_category_listed(doc: Document, node: Node) -> bool:
    return normalize_space(node.get("listID")) != "CVD" or normalize_space(string_value(node)) in CVD_VEHICLE_CATEGORIES


RULES: tuple[Rule, ...] = (
    Rule(
        "BR-DE-CVD-01",
        FATAL,
        "cvd_reference_holder",
        _present("contract_reference"),
        '[BR-DE-CVD-01] Das Element {name} "Contract reference" (BT-12) muss übermittelt werden.',
        Scope.CVD,
    ),
    Rule(
        "BR-DE-CVD-02",
        FATAL,
        "cvd_reference_holder",
        _present("tender_reference"),
        '[BR-DE-CVD-02] Das Element {name} "Tender or lot reference" (BT-17) muss übermittelt werden.',
        Scope.CVD,
    ),
    Rule(
        "BR-DE-CVD-03",
        FATAL,
        "cvd_vehicle_holder",
        _present("cvd_vehicle_line"),
        "[BR-DE-CVD-03] In einer Rechnung muss mindestens eine {name} INVOICE LINE (BG-25) enthalten sein, in der der"
        ' Scheme identifier von {name} "Item classification identifier" (BT-158) den Wert \'CVD\' und der {name}'
        ' "Item attribute name" (BT-160) den Wert \'cva\' enthält.',
        Scope.CVD,
    ),
    Rule(
        "BR-DE-CVD-06-a",
        FATAL,
        "cvd_item",
        _exactly_one_if("item_cvd_classification", "item_cva_attribute"),
        '[BR-DE-CVD-06-a] Wenn der Scheme identifier von {name} "Item classification identifier" (BT-158) mit dem'
        " Wert 'CVD' angegeben ist, muss in derselben Rechnungszeile genau ein {name} \"Item attribute name\""
        " (BT-160) mit dem Wert 'cva' vorhanden sein.",
        Scope.CVD,
    ),
    Rule(
        "BR-DE-CVD-06-b",
        FATAL,
        "cvd_item",
        _exactly_one_if("item_cva_attribute", "item_cvd_classification"),
        '[BR-DE-CVD-06-b] Wenn {name} "Item attribute name" (BT-160) mit dem Wert \'cva\' angegeben ist, muss in'
        ' derselben Rechnungszeile genau ein {name} "Item classification identifier" (BT-158) mit dem Scheme'
        " identifier 'CVD' vorhanden sein.",
        Scope.CVD,
    ),
    Rule(
        "BR-TMP-CVD-01",
        FATAL,
        "cvd_classification",
        lambda doc, node: in_code_list(node.get("listID"), UNTDID_7143_CVD_CODES),
        '[BR-TMP-CVD-01] Das Bildungsschema für {name} "Item classification identifier" (BT-158) ist aus der'
        " Codeliste UNTDID 7143 zu wählen.",
        Scope.CVD,
    ),
    Rule(
        "BR-DE-CVD-04",
        FATAL,
        "cvd_classification",
        _vehicle_category_listed,
        '[BR-DE-CVD-04] Ein {name} "Item classification identifier" (BT-158) mit dem Scheme identifier \'CVD\' muss'
        " einen Wert aus der Liste der zulässigen Fahrzeugkategorien enthalten.",
        Scope.CVD,
    ),
    Rule(
        "BR-DE-CVD-05",
        FATAL,
        "cvd_attribute",
        lambda doc, node: doc.normalized("attribute_value", node) in CVA_CODES,
        '[BR-DE-CVD-05] Wenn innerhalb von {name} ITEM ATTRIBUTES (BG-32) der {name} "Item attribute name" (BT-160)'
        " den Wert 'cva' hat, muss der {name} \"Item attribute value\" (BT-161) einen der zulässigen Werte enthalten.",
        Scope.CVD,
    ),
)
