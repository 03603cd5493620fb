"""The Peppol BIS Billing 3.0 rules that KoSIT merges into the XRechnung 3.0 schematron.

KoSIT's xrechnung-schematron (release 2.5.0, XRechnung 3.0.2, Peppol BIS Billing 3.0.19) takes a
whitelist of PEPPOL-EN16931 assertions into its UBL and CII rule sets (src/xsl/rule-list.xml,
src/xsl/peppol-into-xr.xsl). Contexts, tests, ids, flags and texts below are those of the built
release: KoSIT uses $slackValue (0.5 for HUF, else 0.02) in R040/R120; for CII it rewrites R053,
R055 and some texts, adds R008 (not for an empty ram:ApplicableHeaderTradeDelivery) and
R044/R046 itself, numbers the two R043 assertions R043-1/R043-2, and (since 2.2.0) keeps every
flag "fatal"; R120 is a "warning" in both syntaxes (in CII since 2.5.0).

    findings = check_peppol(parsers.detect(xml_bytes))   # UBL Invoice/CreditNote or CII; else []

Schematron semantics kept: within one pattern a node is checked only by the first rule whose
context matches it (so an allowance that fires R041 is not checked by R040/R043). Tests that
XPath 1.0 evaluates exactly like XPath 2.0 run as precompiled lxml XPath; decimal arithmetic,
xs:date and string ordering comparisons are done in Python. Where the official XSLT would stop
with a dynamic error (a value that is no xs:decimal / xs:date, which the XSD layer already
rejects), the assertion is reported as fatal: KoSIT does not accept a document it cannot check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_FLOOR, Decimal, localcontext

from lxml import etree

from parsers.document import Detected, Syntax
from validators.findings import Finding, Severity
from validators.xrechnung.rule import location
from validators.xrechnung.terms import NAMESPACES

LAYER = "xrechnung"

NS = NAMESPACES

_F, _W = Severity.FATAL, Severity.WARNING


class _DynamicError(Exception):
    """The official XPath 2.0 expression would raise a dynamic error on this input."""


def _xpath(expr: str) -> etree.XPath:
    return etree.XPath(expr, namespaces=NS, smart_strings=False)


# --- XPath 2.0 value semantics -------------------------------------------------------------

_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DATE = re.compile(r"(-?\d{4,})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?")


def _string(node) -> str:
    return node if isinstance(node, str) else "".join(node.itertext())


def _decimal(nodes: Sequence) -> Decimal | None:
    """xs:decimal($nodes): () for no node, a dynamic error for several or a bad lexical form."""
    if not nodes:
        return None
    if len(nodes) > 1:
        raise _DynamicError("xs:decimal of more than one item")
    text = _string(nodes[0]).strip(" \t\r\n")
    if not _DECIMAL.fullmatch(text):
        raise _DynamicError(f"not an xs:decimal: {text!r}")
    return Decimal(text)


def _decimal_or(nodes: Sequence, default: Decimal) -> Decimal:
    value = _decimal(nodes)
    return default if value is None else value


def _xs_date(nodes: Sequence) -> datetime | None:
    """xs:date($nodes) as the instant the date starts (no timezone: UTC, Saxon's implicit one here)."""
    if not nodes:
        return None
    if len(nodes) > 1:
        raise _DynamicError("xs:date of more than one item")
    text = _string(nodes[0]).strip(" \t\r\n")
    match = _DATE.fullmatch(text)
    if not match:
        raise _DynamicError(f"not an xs:date: {text!r}")
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise _DynamicError(f"not an xs:date: {text!r}") from exc
    tz = timezone.utc
    if match[4] and match[4] != "Z":
        sign = -1 if match[4][0] == "-" else 1
        tz = timezone(sign * timedelta(hours=int(match[4][1:3]), minutes=int(match[4][4:6])))
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def _round(value: Decimal) -> Decimal:
    """fn:round: to the nearest integer, halves towards positive infinity."""
    return (value + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR)


def _slack(expected: Decimal, value: Decimal, slack: Decimal) -> bool:
    """Peppol's u:slack."""
    return expected + slack >= value and expected - slack <= value


# --- the rule model ------------------------------------------------------------------------

Test = Callable[[etree._Element, "_Doc"], bool]


@dataclass(frozen=True)
class _Assert:
    rule_id: str
    flag: Severity
    message: str
    test: Test


@dataclass(frozen=True)
class _Rule:
    context: etree.XPath
    asserts: tuple[_Assert, ...]


@dataclass(frozen=True)
class _Doc:
    root: etree._Element
    slack: Decimal  # $slackValue: 0.5 for HUF, else 0.02


def _holds(expr: str) -> Test:
    """A test XPath 1.0 evaluates as XPath 2.0 does (boolean, existential comparisons)."""
    compiled = _xpath(f"boolean({expr})")
    return lambda node, doc: compiled(node)


def _never(node, doc) -> bool:
    return False


def _assert(rule_id: str, flag: Severity, message: str, test: Test | str) -> _Assert:
    return _Assert(rule_id, flag, message, _holds(test) if isinstance(test, str) else test)


# --- tests shared by both syntaxes, over per-syntax paths -----------------------------------


def _allowance_amount_test(percent: str, base: str, amount: str) -> Test:
    """R040: not(percent and base) or u:slack(amount or 0, base * percent div 100, $slackValue)."""
    percent_x, base_x, amount_x = _xpath(percent), _xpath(base), _xpath(amount)

    def test(node, doc):
        percent_nodes, base_nodes = percent_x(node), base_x(node)
        if not (percent_nodes and base_nodes):
            return True
        actual = _decimal_or(amount_x(node), Decimal(0))
        with localcontext() as ctx:
            ctx.prec = 34
            expected = _decimal(base_nodes) * _decimal(percent_nodes) / 100
        return _slack(actual, expected, doc.slack)

    return test


def _net_price_test(guard: str, net: str, gross: str, allowance: str, allowance_or_zero: bool) -> Test:
    """R046: not(guard) or xs:decimal(net) = xs:decimal(gross) - allowance."""
    guard_x, net_x, gross_x, allowance_x = _xpath(guard), _xpath(net), _xpath(gross), _xpath(allowance)

    def test(node, doc):
        if not guard_x(node):
            return True
        net_value, gross_value = _decimal(net_x(node)), _decimal(gross_x(node))
        allowance_nodes = allowance_x(node)
        allowance_value = _decimal_or(allowance_nodes, Decimal(0)) if allowance_or_zero else _decimal(allowance_nodes)
        if net_value is None or gross_value is None or allowance_value is None:
            return False  # a comparison with the empty sequence is false
        return net_value == gross_value - allowance_value

    return test


def _positive_test(quantity: str) -> Test:
    """R121: not(quantity) or xs:decimal(quantity) > 0."""
    quantity_x = _xpath(quantity)

    def test(node, doc):
        nodes = quantity_x(node)
        return not nodes or _decimal(nodes) > 0

    return test


def _line_amount_test(
    line_amount: str,
    quantity: str,
    net_price: str,
    base_quantities: Sequence[str],
    allowances: str,
    charges: str,
) -> Test:
    """R120: line net amount = quantity * (net price / base quantity) + charges - allowances."""
    line_x, price_x = _xpath(line_amount), _xpath(net_price)
    quantity_x = _xpath(quantity)
    base_xs = [_xpath(path) for path in base_quantities]
    allowances_x, charges_x = _xpath(allowances), _xpath(charges)

    def total(amounts) -> Decimal:
        if not amounts:
            return Decimal(0)
        summed = sum((_decimal([amount]) for amount in amounts), Decimal(0))
        return _round(summed * 10 * 10) / 100

    def test(node, doc):
        line_value = _decimal_or(line_x(node), Decimal(0))
        quantity_value = _decimal_or(quantity_x(node), Decimal(1))
        price_value = _decimal_or(price_x(node), Decimal(0))
        base_value = Decimal(1)
        for base_x in base_xs:
            nodes = base_x(node)
            if nodes and _decimal(nodes) != 0:
                base_value = _decimal(nodes)
                break
        with localcontext() as ctx:
            ctx.prec = 34
            expected = quantity_value * (price_value / base_value) + total(charges_x(node)) - total(allowances_x(node))
        return _slack(line_value, expected, doc.slack)

    return test


# --- texts -----------------------------------------------------------------------------------

T_R001 = "Business process MUST be provided."
T_R005 = "VAT accounting currency code MUST be different from invoice currency code when provided."
T_R008 = "Document MUST not contain empty elements."
T_R010 = "Buyer electronic address MUST be provided"
T_R020 = "Seller electronic address MUST be provided"
T_R040 = "Allowance/charge amount must equal base amount * percentage/100 if base amount and percentage exists"
T_R041 = "Allowance/charge base amount MUST be provided when allowance/charge percentage is provided."
T_R042 = "Allowance/charge percentage MUST be provided when allowance/charge base amount is provided."
T_R043 = "Allowance/charge ChargeIndicator value MUST equal 'true' or 'false'"
T_R044 = "Charge on price level is NOT allowed. Only value 'false' allowed."
T_R046 = "Item net price MUST equal (Gross price - Allowance amount) when gross price is provided."
T_R055 = "Invoice total VAT amount and Invoice total VAT amount in accounting currency MUST have the same operational sign"
T_R061 = "Mandate reference MUST be provided for direct debit."
T_R110 = "Start date of line period MUST be within invoice period."
T_R111 = "End date of line period MUST be within invoice period."
T_R120 = (
    "Invoice line net amount MUST equal (Invoiced quantity * (Item net price/item price base quantity) "
    "+ Sum of invoice line charge amount - sum of invoice line allowance amount"
)
T_R121 = "Base quantity MUST be a positive number above zero."
T_R130 = "Unit code of price base quantity MUST be same as invoiced quantity."

T_UBL_R053 = "Only one tax total with tax subtotals MUST be provided."
T_UBL_R054 = "Only one tax total without tax subtotals MUST be provided when tax currency code is provided."
T_UBL_R101 = "Element Document reference can only be used for Invoice line object"
T_CII_R053 = "No more than one tax total amount must be provided where currency id equals document currency code."
T_CII_R054 = (
    "Only one tax total amount must be provided where currency id equals tax currency code, "
    "if tax currency code (BT-6) is provided."
)
T_CII_R101 = "Element Additional referenced document can only be used for Invoice line object."


def _id(number: str) -> str:
    return f"PEPPOL-EN16931-{number}"


# --- UBL -------------------------------------------------------------------------------------


def _ubl_line_period_test(header_date: str, later_allowed: bool) -> Test:
    """R110/R111: xs:date(text()) >= / <= xs:date(../../../cac:InvoicePeriod/<date>)."""
    own_x, header_x = _xpath("text()"), _xpath(f"../../../cac:InvoicePeriod/{header_date}")

    def test(node, doc):
        own, header = _xs_date(own_x(node)), _xs_date(header_x(node))
        if own is None or header is None:
            return False
        return own >= header if later_allowed else own <= header

    return test


_UBL_ALLOWANCES = (
    "//ubl:Invoice/cac:AllowanceCharge{p} | //ubl:Invoice/cac:InvoiceLine/cac:AllowanceCharge{p}"
    " | //cn:CreditNote/cac:AllowanceCharge{p} | //cn:CreditNote/cac:CreditNoteLine/cac:AllowanceCharge{p}"
)


def _ubl_line_date(date_name: str) -> str:
    return (
        f"//ubl:Invoice[cac:InvoicePeriod/cbc:{date_name}]/cac:InvoiceLine/cac:InvoicePeriod/cbc:{date_name}"
        f" | //cn:CreditNote[cac:InvoicePeriod/cbc:{date_name}]/cac:CreditNoteLine/cac:InvoicePeriod/cbc:{date_name}"
    )


# if (/ubl-invoice:Invoice) then cbc:InvoicedQuantity else cbc:CreditedQuantity
_UBL_QUANTITY = "cbc:InvoicedQuantity[/ubl:Invoice] | cbc:CreditedQuantity[not(/ubl:Invoice)]"


_UBL_TAX_AMOUNT = "cac:TaxTotal/cbc:TaxAmount[@currencyID=normalize-space(../../cbc:{code})]"
_UBL_R055 = (
    "not(cbc:TaxCurrencyCode)"
    " or ({tax} <= 0 and {doc} <= 0)"
    " or ({tax} >= 0 and {doc} >= 0)"
).format(tax=_UBL_TAX_AMOUNT.format(code="TaxCurrencyCode"), doc=_UBL_TAX_AMOUNT.format(code="DocumentCurrencyCode"))

_UBL_PATTERNS: tuple[tuple[_Rule, ...], ...] = (
    (
        _Rule(
            _xpath("//*[not(*) and not(normalize-space())]"),
            (_assert(_id("R008"), _F, T_R008, _never),),
        ),
    ),
    (
        _Rule(
            _xpath("//cn:CreditNote | //ubl:Invoice"),
            (
                _assert(_id("R001"), _F, T_R001, "cbc:ProfileID"),
                _assert(_id("R053"), _F, T_UBL_R053, "count(cac:TaxTotal[cac:TaxSubtotal]) = 1"),
                _assert(
                    _id("R054"),
                    _F,
                    T_UBL_R054,
                    "count(cac:TaxTotal[not(cac:TaxSubtotal)]) = number(boolean(cbc:TaxCurrencyCode))",
                ),
                _assert(_id("R055"), _F, T_R055, _UBL_R055),
            ),
        ),
        _Rule(
            _xpath("//cbc:TaxCurrencyCode"),
            (
                _assert(
                    _id("R005"),
                    _F,
                    T_R005,
                    "not(normalize-space(text()) = normalize-space(../cbc:DocumentCurrencyCode/text()))",
                ),
            ),
        ),
        _Rule(
            _xpath("//cac:AccountingCustomerParty/cac:Party"),
            (_assert(_id("R010"), _F, T_R010, "cbc:EndpointID"),),
        ),
        _Rule(
            _xpath("//cac:AccountingSupplierParty/cac:Party"),
            (_assert(_id("R020"), _F, T_R020, "cbc:EndpointID"),),
        ),
        _Rule(
            _xpath(_UBL_ALLOWANCES.format(p="[cbc:MultiplierFactorNumeric and not(cbc:BaseAmount)]")),
            (_assert(_id("R041"), _F, T_R041, _never),),
        ),
        _Rule(
            _xpath(_UBL_ALLOWANCES.format(p="[not(cbc:MultiplierFactorNumeric) and cbc:BaseAmount]")),
            (_assert(_id("R042"), _F, T_R042, _never),),
        ),
        _Rule(
            _xpath(_UBL_ALLOWANCES.format(p="")),
            (
                _assert(
                    _id("R040"),
                    _F,
                    T_R040,
                    _allowance_amount_test("cbc:MultiplierFactorNumeric", "cbc:BaseAmount", "cbc:Amount"),
                ),
                _assert(
                    _id("R043"),
                    _F,
                    T_R043,
                    "normalize-space(cbc:ChargeIndicator/text()) = 'true'"
                    " or normalize-space(cbc:ChargeIndicator/text()) = 'false'",
                ),
            ),
        ),
        _Rule(
            _xpath("//cac:PaymentMeans[normalize-space(cbc:PaymentMeansCode) = '49' or normalize-space(cbc:PaymentMeansCode) = '59']"),
            (_assert(_id("R061"), _F, T_R061, "cac:PaymentMandate/cbc:ID"),),
        ),
        _Rule(
            _xpath(_ubl_line_date("StartDate")),
            (_assert(_id("R110"), _F, T_R110, _ubl_line_period_test("cbc:StartDate", later_allowed=True)),),
        ),
        _Rule(
            _xpath(_ubl_line_date("EndDate")),
            (_assert(_id("R111"), _F, T_R111, _ubl_line_period_test("cbc:EndDate", later_allowed=False)),),
        ),
        _Rule(
            _xpath("//cac:InvoiceLine | //cac:CreditNoteLine"),
            (
                _assert(
                    _id("R120"),
                    _W,
                    T_R120,
                    _line_amount_test(
                        line_amount="cbc:LineExtensionAmount",
                        quantity=_UBL_QUANTITY,
                        net_price="cac:Price/cbc:PriceAmount",
                        base_quantities=("cac:Price/cbc:BaseQuantity",),
                        allowances="cac:AllowanceCharge[normalize-space(cbc:ChargeIndicator) = 'false']/cbc:Amount",
                        charges="cac:AllowanceCharge[normalize-space(cbc:ChargeIndicator) = 'true']/cbc:Amount",
                    ),
                ),
                _assert(_id("R121"), _F, T_R121, _positive_test("cac:Price/cbc:BaseQuantity")),
                _assert(
                    _id("R101"),
                    _F,
                    T_UBL_R101,
                    "not(cac:DocumentReference) or (cac:DocumentReference/cbc:DocumentTypeCode='130')",
                ),
            ),
        ),
        _Rule(
            _xpath("//cac:Price/cac:AllowanceCharge"),
            (
                _assert(_id("R044"), _F, T_R044, "normalize-space(cbc:ChargeIndicator) = 'false'"),
                _assert(
                    _id("R046"),
                    _F,
                    T_R046,
                    _net_price_test(
                        guard="cbc:BaseAmount",
                        net="../cbc:PriceAmount",
                        gross="cbc:BaseAmount",
                        allowance="cbc:Amount",
                        allowance_or_zero=False,
                    ),
                ),
            ),
        ),
        _Rule(
            _xpath("//cac:Price/cbc:BaseQuantity[@unitCode]"),
            (
                _assert(
                    _id("R130"),
                    _F,
                    T_R130,
                    "not(../../cbc:InvoicedQuantity or ../../cbc:CreditedQuantity)"
                    " or (/ubl:Invoice and @unitCode = ../../cbc:InvoicedQuantity/@unitCode)"
                    " or (not(/ubl:Invoice) and @unitCode = ../../cbc:CreditedQuantity/@unitCode)",
                ),
            ),
        ),
    ),
)


# --- CII -------------------------------------------------------------------------------------

_CII_SETTLEMENT = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
_CII_DOC_CURRENCY = f"{_CII_SETTLEMENT}/ram:InvoiceCurrencyCode"  # $documentCurrencyCode
_CII_TAX_CURRENCY = f"{_CII_SETTLEMENT}/ram:TaxCurrencyCode"  # $taxCurrencyCode
_CII_TAX_TOTAL = "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount"
_CII_R055 = (
    "not({settlement_tax} and {total}[@currencyID = {doc}])"
    " or ({total}[@currencyID = {tax}] < 0 and {total}[@currencyID = {doc}] < 0)"
    " or ({total}[@currencyID = {tax}] >= 0 and {total}[@currencyID = {doc}] >= 0)"
).format(settlement_tax=_CII_TAX_CURRENCY, total=_CII_TAX_TOTAL, doc=_CII_DOC_CURRENCY, tax=_CII_TAX_CURRENCY)
_CII_LINE_ALLOWANCES = (
    "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge"
    "[normalize-space(ram:ChargeIndicator/udt:Indicator) = '{}']/ram:ActualAmount"
)
_CII_INDICATOR = (
    "normalize-space(ram:ChargeIndicator/udt:Indicator/text()) = 'true'"
    " or normalize-space(ram:ChargeIndicator/udt:Indicator/text()) = 'false'"
)


def _cii_line_period_test(header_date: str, later_allowed: bool) -> Test:
    """R110/R111: udt:DateTimeString >= / <= the header's, compared as strings (untyped atomics)."""
    own_x = _xpath("udt:DateTimeString")
    header_x = _xpath(f"../../../../ram:ApplicableHeaderTradeSettlement/ram:BillingSpecifiedPeriod/{header_date}/udt:DateTimeString")

    def test(node, doc):
        own = [_string(n) for n in own_x(node)]
        header = [_string(n) for n in header_x(node)]
        if later_allowed:
            return any(a >= b for a in own for b in header)
        return any(a <= b for a in own for b in header)

    return test


def _cii_line_date(date_name: str) -> str:
    return (
        f"//rsm:SupplyChainTradeTransaction[ram:ApplicableHeaderTradeSettlement/ram:BillingSpecifiedPeriod/ram:{date_name}]"
        f"/ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod/ram:{date_name}"
    )


_CII_PATTERNS: tuple[tuple[_Rule, ...], ...] = (
    (
        _Rule(
            _xpath("//rsm:ExchangedDocumentContext"),
            (_assert(_id("R001"), _F, T_R001, "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"),),
        ),
        _Rule(
            _xpath("//ram:ApplicableHeaderTradeSettlement"),
            (
                _assert(
                    _id("R005"),
                    _F,
                    T_R005,
                    "not(ram:TaxCurrencyCode)"
                    " or normalize-space(ram:TaxCurrencyCode/text()) != normalize-space(ram:InvoiceCurrencyCode/text())",
                ),
                _assert(
                    _id("R053"),
                    _F,
                    T_CII_R053,
                    f"count({_CII_TAX_TOTAL}[@currencyID = {_CII_DOC_CURRENCY}]) <= 1",
                ),
                _assert(
                    _id("R054"),
                    _F,
                    T_CII_R054,
                    f"count({_CII_TAX_TOTAL}[@currencyID != {_CII_DOC_CURRENCY}]) = number(boolean(ram:TaxCurrencyCode))",
                ),
                _assert(_id("R055"), _F, T_R055, _CII_R055),
            ),
        ),
        _Rule(
            _xpath("//ram:BuyerTradeParty"),
            (_assert(_id("R010"), _F, T_R010, "ram:URIUniversalCommunication/ram:URIID"),),
        ),
        _Rule(
            _xpath("//ram:SellerTradeParty"),
            (_assert(_id("R020"), _F, T_R020, "ram:URIUniversalCommunication/ram:URIID"),),
        ),
        _Rule(
            _xpath("//ram:SpecifiedTradeAllowanceCharge[ram:CalculationPercent and not(ram:BasisAmount)]"),
            (_assert(_id("R041"), _F, T_R041, _never),),
        ),
        _Rule(
            _xpath("//ram:SpecifiedTradeAllowanceCharge[not(ram:CalculationPercent) and ram:BasisAmount]"),
            (_assert(_id("R042"), _F, T_R042, _never),),
        ),
        _Rule(
            _xpath("//ram:SpecifiedTradeAllowanceCharge"),
            (
                _assert(
                    _id("R040"),
                    _F,
                    T_R040,
                    _allowance_amount_test("ram:CalculationPercent", "ram:BasisAmount", "ram:ActualAmount"),
                ),
                _assert(_id("R043-1"), _F, T_R043, _CII_INDICATOR),
            ),
        ),
        _Rule(
            _xpath("//ram:AppliedTradeAllowanceCharge"),
            (_assert(_id("R043-2"), _F, T_R043, _CII_INDICATOR),),
        ),
        _Rule(
            _xpath("//ram:SpecifiedTradeSettlementPaymentMeans[normalize-space(ram:TypeCode) = '49' or normalize-space(ram:TypeCode) = '59']"),
            (_assert(_id("R061"), _F, T_R061, "../ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID"),),
        ),
        _Rule(
            _xpath(_cii_line_date("StartDateTime")),
            (_assert(_id("R110"), _F, T_R110, _cii_line_period_test("ram:StartDateTime", later_allowed=True)),),
        ),
        _Rule(
            _xpath(_cii_line_date("EndDateTime")),
            (_assert(_id("R111"), _F, T_R111, _cii_line_period_test("ram:EndDateTime", later_allowed=False)),),
        ),
        _Rule(
            _xpath("//ram:IncludedSupplyChainTradeLineItem"),
            (
                _assert(
                    _id("R120"),
                    _W,
                    T_R120,
                    _line_amount_test(
                        line_amount="ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
                        quantity="ram:SpecifiedLineTradeDelivery/ram:BilledQuantity",
                        net_price="ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount",
                        base_quantities=(
                            "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:BasisQuantity",
                            "ram:SpecifiedLineTradeAgreement/ram:GrossPriceProductTradePrice/ram:BasisQuantity",
                        ),
                        allowances=_CII_LINE_ALLOWANCES.format("false"),
                        charges=_CII_LINE_ALLOWANCES.format("true"),
                    ),
                ),
                _assert(
                    _id("R101"),
                    _F,
                    T_CII_R101,
                    "not(ram:SpecifiedLineTradeSettlement/ram:AdditionalReferencedDocument)"
                    " or (ram:SpecifiedLineTradeSettlement/ram:AdditionalReferencedDocument/ram:TypeCode='130')",
                ),
            ),
        ),
        _Rule(
            _xpath("//ram:NetPriceProductTradePrice | //ram:GrossPriceProductTradePrice"),
            (_assert(_id("R121"), _F, T_R121, _positive_test("ram:BasisQuantity")),),
        ),
        _Rule(
            _xpath(
                "//ram:NetPriceProductTradePrice/ram:BasisQuantity[@unitCode]"
                " | //ram:GrossPriceProductTradePrice/ram:BasisQuantity[@unitCode]"
            ),
            (
                _assert(
                    _id("R130"),
                    _F,
                    T_R130,
                    "@unitCode = ../../../ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode",
                ),
            ),
        ),
    ),
    (
        _Rule(
            _xpath("//*[not(name() = 'ram:ApplicableHeaderTradeDelivery') and not(*) and not(normalize-space())]"),
            (_assert(_id("R008"), _F, T_R008, _never),),
        ),
    ),
    (
        _Rule(
            _xpath(
                "//rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem"
                "/ram:SpecifiedLineTradeAgreement/ram:GrossPriceProductTradePrice"
            ),
            (
                _assert(
                    _id("R044"),
                    _F,
                    T_R044,
                    "not(ram:AppliedTradeAllowanceCharge/ram:ActualAmount)"
                    " or ram:AppliedTradeAllowanceCharge/ram:ChargeIndicator/udt:Indicator = 'false'",
                ),
                _assert(
                    _id("R046"),
                    _F,
                    T_R046,
                    _net_price_test(
                        guard="ram:ChargeAmount",
                        net="../ram:NetPriceProductTradePrice/ram:ChargeAmount",
                        gross="ram:ChargeAmount",
                        allowance="ram:AppliedTradeAllowanceCharge/ram:ActualAmount[1]",
                        allowance_or_zero=True,
                    ),
                ),
            ),
        ),
    ),
)


# --- running ---------------------------------------------------------------------------------

_PATTERNS = {
    Syntax.UBL_INVOICE: _UBL_PATTERNS,
    Syntax.UBL_CREDIT_NOTE: _UBL_PATTERNS,
    Syntax.CII: _CII_PATTERNS,
}
_CURRENCY = {
    Syntax.UBL_INVOICE: _xpath("/*/cbc:DocumentCurrencyCode = 'HUF'"),
    Syntax.UBL_CREDIT_NOTE: _xpath("/*/cbc:DocumentCurrencyCode = 'HUF'"),
    Syntax.CII: _xpath(f"{_CII_DOC_CURRENCY} = 'HUF'"),
}


def check_peppol(detected: Detected) -> list[Finding]:
    """The merged Peppol assertions that fail on the document (UBL Invoice/CreditNote or CII)."""
    patterns = _PATTERNS.get(detected.syntax)
    if patterns is None:
        return []
    root = detected.root
    doc = _Doc(root=root, slack=Decimal("0.5") if _CURRENCY[detected.syntax](root) else Decimal("0.02"))
    findings: list[Finding] = []
    for pattern in patterns:
        claimed: set[etree._Element] = set()  # a node is checked by the first matching rule only
        for rule in pattern:
            for node in rule.context(root):
                if node in claimed:
                    continue
                claimed.add(node)
                for check in rule.asserts:
                    try:
                        holds, severity = check.test(node, doc), check.flag
                    except (_DynamicError, ArithmeticError):
                        holds, severity = False, Severity.FATAL
                    if not holds:
                        findings.append(Finding(check.rule_id, severity, check.message, location(node), LAYER))
    return findings
