"""The four CEN code-list rules for CII that no stylesheet in the package asserts as CEN has them.

The CEN-derived CII binding in the package replaces BR-CL-07, BR-CL-10, BR-CL-20 and BR-CL-24
by French-extended variants with wider code lists. Here they are checked on the CII tree with
the CEN code lists, which are read from the CEN UBL stylesheet where it lies (the lists are the
same in both syntaxes). BR-CO-03 is checked here too: CEN tests it per VAT breakdown across the
whole invoice (BT-7 in one breakdown, BT-8 in another fails), Factur-X's stylesheet only within
one breakdown, and the CEN-derived binding shadows it by French rules for some categories.
"""

from __future__ import annotations

import re
from functools import cache

from lxml import etree

from validators import resources
from validators.cen_flags import flags_from
from validators.findings import Finding, Severity

_NS = {
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
# rule id -> (context, the value checked: "." for the element text, "@name" for an attribute)
_RULES = {
    "BR-CL-07": ("//ram:ReferenceTypeCode", "."),
    "BR-CL-10": (
        "//ram:GlobalID[@schemeID][not(ancestor::ram:SpecifiedTradeProduct) and not(ancestor::ram:ShipToTradeParty)]",
        "@schemeID",
    ),
    "BR-CL-20": ("//ram:SpecifiedTradeAllowanceCharge[ram:ChargeIndicator/udt:Indicator = 'true']/ram:ReasonCode", "."),
    "BR-CL-24": ("//ram:AttachmentBinaryObject[@mimeCode]", "@mimeCode"),
}
_CONTEXTS = {rule_id: etree.XPath(context, namespaces=_NS) for rule_id, (context, _) in _RULES.items()}
# rule id -> (context, CEN's CII test); both plain XPath 1.0
MODEL_RULES = {
    "BR-CO-03": ("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", "not(//ram:TaxPointDate and //ram:DueDateTypeCode)"),
}
_MODEL = {
    rule_id: (etree.XPath(context, namespaces=_NS), etree.XPath(test, namespaces=_NS))
    for rule_id, (context, test) in MODEL_RULES.items()
}
_ASSERT = re.compile(r'<svrl:failed-assert test="([^"]*)">\s*<xsl:attribute name="id">([^<]+)</xsl:attribute>')
_TEXT = re.compile(r"<svrl:text>([^<]*)</svrl:text>")


@cache
def _cen_ubl_rules() -> dict[str, tuple[frozenset[str], str]]:
    """Rule id -> (allowed codes, rule text), for the rules here, from the CEN UBL stylesheet."""
    text = resources.CEN_UBL_XSLT.read_text(encoding="utf-8")
    rules = {}
    for match in _ASSERT.finditer(text):
        test, rule_id = match.groups()
        if (rule_id not in _RULES and rule_id not in MODEL_RULES) or rule_id in rules:
            continue
        listed = re.search(r"contains\('([^']*)'", test)
        codes = listed.group(1).split() if listed else re.findall(r"@mimeCode = '([^']+)'", test)
        message = _TEXT.search(text, match.end())
        rules[rule_id] = (frozenset(codes), " ".join(message.group(1).split()) if message else rule_id)
    missing = (set(_RULES) | set(MODEL_RULES)) - set(rules)
    if missing:
        raise RuntimeError(f"CEN code lists not found in {resources.CEN_UBL_XSLT}: {sorted(missing)}")
    return rules


def _value(element: etree._Element, source: str) -> str:
    raw = element.text or "" if source == "." else element.get(source[1:], "")
    return " ".join(raw.split())


def check(root: etree._Element) -> list[Finding]:
    rules = _cen_ubl_rules()
    flags = flags_from((resources.CEN_UBL_XSLT,))
    tree = root.getroottree()
    failed = [
        (rule_id, element)
        for rule_id, (_, source) in _RULES.items()
        for element in _CONTEXTS[rule_id](root)
        if _value(element, source) not in rules[rule_id][0]
    ]
    failed += [(rule_id, element) for rule_id, (context, test) in _MODEL.items() for element in context(root) if not test(element)]
    return [
        Finding(
            rule_id=rule_id,
            severity=flags.get(rule_id, Severity.FATAL),
            message=rules[rule_id][1],
            location=tree.getpath(element),
            layer="schematron",
        )
        for rule_id, element in failed
    ]
