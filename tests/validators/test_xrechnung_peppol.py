"""The Peppol rules merged into XRechnung: silent on the official test suite, each one firing alone
(with its official id and flag) on a test-suite invoice mutated to break exactly that rule."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from parsers import detect
from tests.conftest import TESTSUITE
from validators.findings import Severity
from validators.xrechnung.peppol import NS, check_peppol

UBL_FILE = TESTSUITE / "business-cases" / "standard" / "01.01a-INVOICE_ubl.xml"
CII_FILE = TESTSUITE / "business-cases" / "standard" / "01.01a-INVOICE_uncefact.xml"
FATAL, WARNING = Severity.FATAL, Severity.WARNING


def _all_testsuite_files() -> list[Path]:
    return sorted(TESTSUITE.rglob("*.xml"))


def q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def el(name: str, text: str | None = None, *children: etree._Element, **attrs: str) -> etree._Element:
    element = etree.Element(q(name), attrs)
    element.text = text
    element.extend(children)
    return element


def one(root: etree._Element, path: str) -> etree._Element:
    found = root.xpath(path, namespaces=NS)
    assert found, f"test data lacks {path}"
    return found[0]


def insert_before(anchor: etree._Element, *new: etree._Element) -> None:
    for element in new:
        anchor.addprevious(element)


def insert_after(anchor: etree._Element, *new: etree._Element) -> None:
    for element in reversed(new):
        anchor.addnext(element)


def load(path: Path) -> etree._Element:
    return etree.fromstring(path.read_bytes())


def fired(root: etree._Element) -> list[tuple[str, Severity]]:
    findings = check_peppol(detect(etree.tostring(root, xml_declaration=True, encoding="UTF-8")))
    assert all(f.layer == "xrechnung" and f.message and f.location for f in findings)
    return sorted((f.rule_id, f.severity) for f in findings)


# --- the official test suite -----------------------------------------------------------------


def test_testsuite_is_there():
    assert len(_all_testsuite_files()) == 86


@pytest.mark.parametrize("path", _all_testsuite_files(), ids=lambda p: p.name)
def test_valid_testsuite_files_fire_nothing(path: Path):
    assert check_peppol(detect(path.read_bytes())) == []


def test_base_files_fire_nothing():
    assert fired(load(UBL_FILE)) == []
    assert fired(load(CII_FILE)) == []


# --- UBL mutations ---------------------------------------------------------------------------


def ubl_first_line(root):
    return one(root, "cac:InvoiceLine")


def ubl_add_allowance(root, *children):
    insert_before(one(root, "cac:TaxTotal"), el("cac:AllowanceCharge", None, *children))


def ubl_r005(root):
    insert_after(one(root, "cbc:DocumentCurrencyCode"), el("cbc:TaxCurrencyCode", "EUR"))
    insert_after(one(root, "cac:TaxTotal"), el("cac:TaxTotal", None, el("cbc:TaxAmount", "22.04", currencyID="EUR")))


def ubl_r008(root):
    one(root, "cbc:BuyerReference").text = "  "


def ubl_r040(root):
    ubl_add_allowance(
        root,
        el("cbc:ChargeIndicator", "false"),
        el("cbc:AllowanceChargeReason", "Rabatt"),
        el("cbc:MultiplierFactorNumeric", "10"),
        el("cbc:Amount", "5.00", currencyID="EUR"),
        el("cbc:BaseAmount", "100.00", currencyID="EUR"),
    )


def ubl_r041(root):
    # an allowance checked by R041 is no longer checked by R040/R043 (first matching rule only)
    ubl_add_allowance(
        root,
        el("cbc:ChargeIndicator", "nein"),
        el("cbc:MultiplierFactorNumeric", "10"),
        el("cbc:Amount", "5.00", currencyID="EUR"),
    )


def ubl_r042(root):
    ubl_add_allowance(
        root,
        el("cbc:ChargeIndicator", "false"),
        el("cbc:Amount", "5.00", currencyID="EUR"),
        el("cbc:BaseAmount", "100.00", currencyID="EUR"),
    )


def ubl_r043(root):
    ubl_add_allowance(root, el("cbc:ChargeIndicator", "TRUE"), el("cbc:Amount", "5.00", currencyID="EUR"))


def ubl_price_allowance(root, indicator, amount, base=None):
    price = one(ubl_first_line(root), "cac:Price")
    allowance = el("cac:AllowanceCharge", None, el("cbc:ChargeIndicator", indicator), el("cbc:Amount", amount, currencyID="EUR"))
    if base is not None:
        allowance.append(el("cbc:BaseAmount", base, currencyID="EUR"))
    price.append(allowance)


def ubl_r044(root):
    ubl_price_allowance(root, "true", "1.00")


def ubl_r046(root):
    ubl_price_allowance(root, "false", "1.00", base="300.00")  # net price is 288.79


def ubl_r053(root):
    tax_total = one(root, "cac:TaxTotal")
    insert_after(tax_total, etree.fromstring(etree.tostring(tax_total)))


def ubl_r054(root):
    insert_after(one(root, "cac:TaxTotal"), el("cac:TaxTotal", None, el("cbc:TaxAmount", "22.04", currencyID="EUR")))


def ubl_r055(root):
    insert_after(one(root, "cbc:DocumentCurrencyCode"), el("cbc:TaxCurrencyCode", "USD"))
    insert_after(one(root, "cac:TaxTotal"), el("cac:TaxTotal", None, el("cbc:TaxAmount", "-25.00", currencyID="USD")))


def ubl_r061(root):
    one(root, "cac:PaymentMeans/cbc:PaymentMeansCode").text = "59"


def ubl_r101(root):
    line = ubl_first_line(root)
    insert_before(one(line, "cac:Item"), el("cac:DocumentReference", None, el("cbc:ID", "X-1"), el("cbc:DocumentTypeCode", "916")))


def ubl_header_period(root, start, end):
    period = el("cac:InvoicePeriod", None, el("cbc:StartDate", start), el("cbc:EndDate", end))
    insert_before(one(root, "cac:AccountingSupplierParty"), period)


def ubl_r110(root):
    ubl_header_period(root, "2016-02-01", "2016-12-31")  # the line period starts 2016-01-01


def ubl_r111(root):
    ubl_header_period(root, "2016-01-01", "2016-11-30")  # the line period ends 2016-12-31


def ubl_r120(root):
    one(ubl_first_line(root), "cbc:LineExtensionAmount").text = "289.79"


def ubl_base_quantity(root, value, unit="XPP"):
    one(ubl_first_line(root), "cac:Price").append(el("cbc:BaseQuantity", value, unitCode=unit))


def ubl_r121(root):
    ubl_base_quantity(root, "0")


def ubl_r130(root):
    ubl_base_quantity(root, "1", unit="H87")


def remove(path: str) -> Callable:
    def mutate(root):
        node = one(root, path)
        node.getparent().remove(node)

    return mutate


UBL_CASES = {
    "PEPPOL-EN16931-R001": (remove("cbc:ProfileID"), FATAL),
    "PEPPOL-EN16931-R005": (ubl_r005, FATAL),
    "PEPPOL-EN16931-R008": (ubl_r008, FATAL),
    "PEPPOL-EN16931-R010": (remove("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID"), FATAL),
    "PEPPOL-EN16931-R020": (remove("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID"), FATAL),
    "PEPPOL-EN16931-R040": (ubl_r040, FATAL),
    "PEPPOL-EN16931-R041": (ubl_r041, FATAL),
    "PEPPOL-EN16931-R042": (ubl_r042, FATAL),
    "PEPPOL-EN16931-R043": (ubl_r043, FATAL),
    "PEPPOL-EN16931-R044": (ubl_r044, FATAL),
    "PEPPOL-EN16931-R046": (ubl_r046, FATAL),
    "PEPPOL-EN16931-R053": (ubl_r053, FATAL),
    "PEPPOL-EN16931-R054": (ubl_r054, FATAL),
    "PEPPOL-EN16931-R055": (ubl_r055, FATAL),
    "PEPPOL-EN16931-R061": (ubl_r061, FATAL),
    "PEPPOL-EN16931-R101": (ubl_r101, FATAL),
    "PEPPOL-EN16931-R110": (ubl_r110, FATAL),
    "PEPPOL-EN16931-R111": (ubl_r111, FATAL),
    "PEPPOL-EN16931-R120": (ubl_r120, WARNING),
    "PEPPOL-EN16931-R121": (ubl_r121, FATAL),
    "PEPPOL-EN16931-R130": (ubl_r130, FATAL),
}


@pytest.mark.parametrize("rule_id", sorted(UBL_CASES))
def test_ubl_mutation_fires_exactly_its_rule(rule_id):
    mutate, flag = UBL_CASES[rule_id]
    root = load(UBL_FILE)
    mutate(root)
    assert fired(root) == [(rule_id, flag)]


# --- CII mutations ---------------------------------------------------------------------------

SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
LINE = "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem"


def cii_first_line(root):
    return one(root, LINE)


def cii_add_allowance(root, *children):
    insert_before(one(root, f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms"), el("ram:SpecifiedTradeAllowanceCharge", None, *children))


def indicator(value: str) -> etree._Element:
    return el("ram:ChargeIndicator", None, el("udt:Indicator", value))


def cii_tax_currency(root, code):
    insert_after(one(root, f"{SETTLEMENT}/ram:InvoiceCurrencyCode"), el("ram:TaxCurrencyCode", code))


def cii_add_tax_total(root, amount, currency):
    insert_after(one(root, f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount"), el("ram:TaxTotalAmount", amount, currencyID=currency))


def cii_r005(root):
    cii_tax_currency(root, "EUR")
    cii_add_tax_total(root, "25.00", "USD")  # R054 wants one amount in a currency other than BT-5


def cii_r008(root):
    one(root, "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:BuyerReference").text = ""


def cii_remove_uri(party):
    def mutate(root):
        node = one(root, f"rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:{party}/ram:URIUniversalCommunication")
        node.getparent().remove(node)

    return mutate


def cii_r040(root):
    cii_add_allowance(
        root,
        indicator("false"),
        el("ram:CalculationPercent", "10"),
        el("ram:BasisAmount", "100.00"),
        el("ram:ActualAmount", "5.00"),
    )


def cii_r041(root):
    cii_add_allowance(root, indicator("1"), el("ram:CalculationPercent", "10"), el("ram:ActualAmount", "5.00"))


def cii_r042(root):
    cii_add_allowance(root, indicator("false"), el("ram:BasisAmount", "100.00"), el("ram:ActualAmount", "5.00"))


def cii_r043_1(root):
    cii_add_allowance(root, indicator("1"), el("ram:ActualAmount", "5.00"))


def cii_gross_price(root, charge, *allowances):
    agreement = one(cii_first_line(root), "ram:SpecifiedLineTradeAgreement")
    gross = el("ram:GrossPriceProductTradePrice", None, el("ram:ChargeAmount", charge), *allowances)
    insert_before(one(agreement, "ram:NetPriceProductTradePrice"), gross)


def cii_r043_2(root):
    cii_gross_price(root, "288.79", el("ram:AppliedTradeAllowanceCharge", None, indicator("0")))


def cii_r044(root):
    cii_gross_price(root, "289.79", el("ram:AppliedTradeAllowanceCharge", None, indicator("true"), el("ram:ActualAmount", "1.00")))


def cii_r046(root):
    cii_gross_price(root, "290.79")  # net price is 288.79, no price allowance given


def cii_r053(root):
    cii_add_tax_total(root, "22.04", "EUR")


def cii_r054(root):
    cii_add_tax_total(root, "25.00", "USD")


def cii_r055(root):
    cii_tax_currency(root, "USD")
    cii_add_tax_total(root, "-25.00", "USD")


def cii_r061(root):
    one(root, f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode").text = "59"


def cii_r101(root):
    settlement = one(cii_first_line(root), "ram:SpecifiedLineTradeSettlement")
    settlement.append(el("ram:AdditionalReferencedDocument", None, el("ram:IssuerAssignedID", "X-1"), el("ram:TypeCode", "916")))


def date_time(tag, value):
    return el(tag, None, el("udt:DateTimeString", value, format="102"))


def cii_header_period(root, start, end):
    period = el("ram:BillingSpecifiedPeriod", None, date_time("ram:StartDateTime", start), date_time("ram:EndDateTime", end))
    insert_before(one(root, f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms"), period)


def cii_r110(root):
    cii_header_period(root, "20160201", "20161231")  # the line period starts 20160101


def cii_r111(root):
    cii_header_period(root, "20160101", "20161130")  # the line period ends 20161231


def cii_r120(root):
    one(cii_first_line(root), "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount").text = "289.79"


def cii_basis_quantity(root, value, unit="XPP"):
    one(cii_first_line(root), "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice").append(el("ram:BasisQuantity", value, unitCode=unit))


def cii_r121(root):
    cii_basis_quantity(root, "0")


def cii_r130(root):
    cii_basis_quantity(root, "1", unit="H87")


CII_CASES = {
    "PEPPOL-EN16931-R001": (remove("rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter"), FATAL),
    "PEPPOL-EN16931-R005": (cii_r005, FATAL),
    "PEPPOL-EN16931-R008": (cii_r008, FATAL),
    "PEPPOL-EN16931-R010": (cii_remove_uri("BuyerTradeParty"), FATAL),
    "PEPPOL-EN16931-R020": (cii_remove_uri("SellerTradeParty"), FATAL),
    "PEPPOL-EN16931-R040": (cii_r040, FATAL),
    "PEPPOL-EN16931-R041": (cii_r041, FATAL),
    "PEPPOL-EN16931-R042": (cii_r042, FATAL),
    "PEPPOL-EN16931-R043-1": (cii_r043_1, FATAL),
    "PEPPOL-EN16931-R043-2": (cii_r043_2, FATAL),
    "PEPPOL-EN16931-R044": (cii_r044, FATAL),
    "PEPPOL-EN16931-R046": (cii_r046, FATAL),
    "PEPPOL-EN16931-R053": (cii_r053, FATAL),
    "PEPPOL-EN16931-R054": (cii_r054, FATAL),
    "PEPPOL-EN16931-R055": (cii_r055, FATAL),
    "PEPPOL-EN16931-R061": (cii_r061, FATAL),
    "PEPPOL-EN16931-R101": (cii_r101, FATAL),
    "PEPPOL-EN16931-R110": (cii_r110, FATAL),
    "PEPPOL-EN16931-R111": (cii_r111, FATAL),
    "PEPPOL-EN16931-R120": (cii_r120, WARNING),
    "PEPPOL-EN16931-R121": (cii_r121, FATAL),
    "PEPPOL-EN16931-R130": (cii_r130, FATAL),
}


@pytest.mark.parametrize("rule_id", sorted(CII_CASES))
def test_cii_mutation_fires_exactly_its_rule(rule_id):
    mutate, flag = CII_CASES[rule_id]
    root = load(CII_FILE)
    mutate(root)
    assert fired(root) == [(rule_id, flag)]
