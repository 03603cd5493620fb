"""The rules of XRechnung Extension (BR-DEX-*): asked only of a document whose BT-24 names
the extension, as the official Schematron gates them. Texts and flags of Schematron 2.5.0."""

from __future__ import annotations

from decimal import Decimal

from validators.findings import Severity
from validators.xrechnung.checks import decimal, fraction_digits, xpath_round_cents
from validators.xrechnung.codelists import (
    CEF_EAS_EXT_CODES,
    EXTENSION_MIME_CODES,
    ISO_6523_ICD_EXT_CODES,
    in_code_list,
    normalize_space,
)
from validators.xrechnung.rule import Document, Node, Rule, Scope, string_value
from validators.xrechnung.terms import NAMESPACES

FATAL, WARNING = Severity.FATAL, Severity.WARNING
_CAC = "{%s}" % NAMESPACES["cac"]
_CBC = "{%s}" % NAMESPACES["cbc"]


def _scheme_in(codes: str, *, sepa_term: str | None = None):
    def test(doc: Document, node: Node) -> bool:
        if in_code_list(node.get("schemeID"), codes):
            return True
        return sepa_term is not None and in_code_list(node.get("schemeID"), " SEPA ") and doc.exists(sepa_term, node)

    return test


def _amount(node: Node, tag: str) -> Decimal | None:
    found = node.find(_CBC + tag)
    return None if found is None else decimal(string_value(found))


def _sum_of_sub_lines(line: Node) -> Decimal:
    return sum((_amount(sub, "LineExtensionAmount") or Decimal(0) for sub in line.iterfind(_CAC + "SubInvoiceLine")), Decimal(0))


def _sub_line_sums_agree(doc: Document, invoice: Node) -> bool:
    lines = [line for line in invoice.iterfind(_CAC + "InvoiceLine") if line.find(_CAC + "SubInvoiceLine") is not None]
    groups = [sub for sub in invoice.iter(_CAC + "SubInvoiceLine") if sub.find(_CAC + "SubInvoiceLine") is not None]
    return all(_amount(line, "LineExtensionAmount") == _sum_of_sub_lines(line) for line in [*lines, *groups])


def _sub_lines_have_one_vat_category(doc: Document, invoice: Node) -> bool:
    return all(
        len(item.findall(_CAC + "ClassifiedTaxCategory")) == 1
        for sub in invoice.iter(_CAC + "SubInvoiceLine")
        for item in sub.iterfind(_CAC + "Item")
    )


def _amount_due_with_third_party(doc: Document, total: Node) -> bool:
    payable = _amount(total, "PayableAmount")
    with_vat = _amount(total, "TaxInclusiveAmount")
    if payable is None or with_vat is None:
        return False
    prepaid = _amount(total, "PrepaidAmount") or Decimal(0)
    rounding = _amount(total, "PayableRoundingAmount") or Decimal(0)
    third_party = Decimal(0)
    parent = total.getparent()
    payments = [] if parent is None else parent.findall(_CAC + "PrepaidPayment")
    if any(normalize_space(string_value(a)) for p in payments for a in p.iterfind(_CBC + "PaidAmount")):
        third_party = sum((decimal(string_value(a)) or Decimal(0) for p in payments for a in p.iterfind(_CBC + "PaidAmount")), Decimal(0))
    return xpath_round_cents(payable - rounding) == xpath_round_cents(with_vat - prepaid + third_party)


def _child_given(tag: str):
    return lambda doc, node: any(normalize_space(string_value(c)) for c in node.iterfind(_CBC + tag))


def _paid_amount_text(node: Node) -> str | None:
    found = node.find(_CBC + "PaidAmount")
    return None if found is None else string_value(found)


def _paid_in_invoice_currency(doc: Document, payment: Node) -> bool:
    parent = payment.getparent()
    currencies = {string_value(c) for c in parent.iterfind(_CBC + "DocumentCurrencyCode")} if parent is not None else set()
    return any(a.get("currencyID") in currencies for a in payment.iterfind(_CBC + "PaidAmount"))


_ICD = "MUST be coded using one of the ISO 6523 ICD list. "

RULES: tuple[Rule, ...] = (
    Rule(
        "BR-DEX-01",
        FATAL,
        "attached_document",
        lambda doc, node: node.get("mimeCode") in EXTENSION_MIME_CODES,
        '[BR-DEX-01] Das Element {name} "Attached Document" (BT-125) benutzt einen nicht zulässigen MIME-Code:'
        " {mime}. Im Falle einer Extension darf zusätzlich zu der Liste der mime codes (definiert in Abschnitt 8.2,"
        ' "Binary Object") der MIME-Code application/xml genutzt werden.',
        Scope.EXTENSION,
        details=lambda node: {"mime": node.get("mimeCode", "")},
    ),
    Rule(
        "BR-DEX-02",
        WARNING,
        "ubl_invoice",
        _sub_line_sums_agree,
        '[BR-DEX-02] Der Wert von "Invoice line net amount" (BT-131) einer "INVOICE LINE" (BG-25) oder einer "SUB'
        ' INVOICE LINE" (BG-DEX-01) soll der Summe der "Invoice line net amount" (BT-131) der direkt darunterliegenden'
        ' "SUB INVOICE LINE" (BG-DEX-01) entsprechen.',
        Scope.EXTENSION,
    ),
    Rule(
        "BR-DEX-03",
        FATAL,
        "ubl_invoice",
        _sub_lines_have_one_vat_category,
        '[BR-DEX-03] Eine Sub Invoice Line (BG-DEX-01) muss genau eine "SUB INVOICE LINE VAT INFORMATION" (BG-DEX-06)'
        " enthalten.",
        Scope.EXTENSION,
    ),
    Rule(
        "BR-DEX-09",
        FATAL,
        "monetary_total",
        _amount_due_with_third_party,
        "[BR-DEX-09] Amount due for payment (BT-115) = Invoice total amount with VAT (BT-112) - Paid amount (BT-113)"
        " + Rounding amount (BT-114) + Σ Third party payment amount (BT-DEX-002).",
        Scope.EXTENSION,
    ),
    Rule(
        "BR-DEX-04",
        FATAL,
        "party_identifier",
        _scheme_in(ISO_6523_ICD_EXT_CODES, sepa_term="sepa_creditor_party"),
        "[BR-DEX-04] Any scheme identifier in {name} " + _ICD,
        Scope.EXTENSION,
    ),
    Rule(
        "BR-DEX-05",
        FATAL,
        "legal_registration_identifier",
        _scheme_in(ISO_6523_ICD_EXT_CODES),
        "[BR-DEX-05] Any scheme identifier in {name} " + _ICD,
        Scope.EXTENSION,
    ),
    Rule(
        "BR-DEX-06",
        FATAL,
        "item_standard_identifier",
        _scheme_in(ISO_6523_ICD_EXT_CODES),
        "[BR-DEX-06] Any scheme identifier in {name} " + _ICD,
        Scope.EXTENSION,
    ),
    Rule(
        "BR-DEX-07",
        FATAL,
        "electronic_address",
        _scheme_in(CEF_EAS_EXT_CODES),
        "[BR-DEX-07] Any scheme identifier for an Endpoint Identifier in {name} MUST belong to the CEF EAS code list. ",
        Scope.EXTENSION,
    ),
    Rule(
        "BR-DEX-08",
        FATAL,
        "delivery_location_identifier",
        _scheme_in(ISO_6523_ICD_EXT_CODES),
        "[BR-DEX-08] Any scheme identifier for a Delivery location identifier in {name} " + _ICD,
        Scope.EXTENSION,
    ),
    Rule(
        "BR-DEX-10",
        FATAL,
        "third_party_payment",
        _child_given("ID"),
        '[BR-DEX-10] Das Element "Third party payment type" BT-DEX-001 muss übermittelt werden, wenn die Gruppe'
        ' "THIRD PARTY PAYMENT" (BG-DEX-09) übermittelt wird.',
        Scope.EXTENSION,
    ),
    Rule(
        "BR-DEX-11",
        FATAL,
        "third_party_payment",
        _child_given("PaidAmount"),
        '[BR-DEX-11] Das Element "Third party payment amount" BT-DEX-002 muss übermittelt werden, wenn die Gruppe'
        ' "THIRD PARTY PAYMENT" (BG-DEX-09) übermittelt wird.',
        Scope.EXTENSION,
    ),
    Rule(
        "BR-DEX-12",
        FATAL,
        "third_party_payment",
        _child_given("InstructionID"),
        '[BR-DEX-12] Das Element "Third party payment description" BT-DEX-003 muss übermittelt werden, wenn die'
        ' Gruppe "THIRD PARTY PAYMENT" (BG-DEX-09) übermittelt wird.',
        Scope.EXTENSION,
    ),
    Rule(
        "BR-DEX-13",
        FATAL,
        "third_party_payment",
        lambda doc, node: fraction_digits(_paid_amount_text(node)) <= 2,
        '[BR-DEX-13] Die maximale Anzahl zulässiger Nachkommastellen für das Element "Third party payment amount"'
        " (BT-DEX-002) ist 2.",
        Scope.EXTENSION,
    ),
    Rule(
        "BR-DEX-14",
        FATAL,
        "third_party_payment",
        _paid_in_invoice_currency,
        '[BR-DEX-14] Die Währungsangabe von "Third party payment amount" BT-DEX-002 muss BT-5 ("Invoice currency'
        ' code") entsprechen.',
        Scope.EXTENSION,
    ),
    Rule(
        "BR-DEX-15",
        WARNING,
        "line_document",
        lambda doc, node: not doc.exists("sub_line_reference", node),
        "[BR-DEX-15] This CII file might use the concept of Sub Invoice Lines. However XRechnung does not support"
        " this.",
        Scope.EXTENSION,
    ),
)
