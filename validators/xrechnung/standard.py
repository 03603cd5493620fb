"""The XRechnung 3.0 CIUS rules every XRechnung document is asked: BR-DE-*, BR-DE-TMP-32, BR-TMP-2/3.

Texts and flags are those of the KoSIT XRechnung Schematron 2.5.0 (XRechnung 3.0.2), the release
in the validator configuration for XRechnung 3.0.2. Its successor 2.6.0 adds BR-TMP-6 (UBL dates
written YYYY-MM-DD, warning) and makes BR-TMP-2 fatal in UBL; neither is in 2.5.0.
"""

from __future__ import annotations

from validators.findings import Severity
from validators.xrechnung.checks import iban_ok, skonto_ok
from validators.xrechnung.codelists import (
    DE17_TYPE_CODES,
    EMAIL,
    SKONTO_PATTERN,
    SPECIFICATION_IDS,
    TELEPHONE,
    URL,
    normalize_space,
)
from validators.xrechnung.rule import Document, Node, Rule
from validators.xrechnung.terms import Family

FATAL, WARNING, INFORMATION = Severity.FATAL, Severity.WARNING, Severity.INFORMATION


def _present(term: str):
    return lambda doc, node: doc.exists(term, node)


def _type_code_in(codes):
    return lambda doc, node: any(normalize_space(code) in codes for code in doc.strings("invoice_type_code", node))


def _vat_ids_when_needed(doc: Document, node: Node) -> bool:
    return not doc.exists("de16_vat_category_used", node) or doc.exists("seller_tax_identification", node)


def _skonto(doc: Document, node: Node) -> bool:
    return skonto_ok(doc.strings("payment_terms", node))


def _corrected_invoice_refers(doc: Document, node: Node) -> bool:
    return not _type_code_in({"384"})(doc, node) or doc.exists("preceding_invoice", node)


def _delivery_date_given(doc: Document, node: Node) -> bool:
    return (
        doc.exists("actual_delivery_date", node)
        or doc.exists("invoicing_period", node)
        or not doc.exists("line_without_period", node)
    )


def _code_is(code: str):
    return lambda doc, node: doc.normalized("payment_means_code", node) == code


def _absent(*terms: str):
    return lambda doc, node: not any(doc.exists(term, node) for term in terms)


def _price_base_quantities_agree(doc: Document, node: Node) -> bool:
    gross = doc.nodes("gross_price_base_quantity", node)
    net = doc.nodes("net_price_base_quantity", node)
    if not (gross and net):
        return True
    same_quantity = bool({g.text or "" for g in gross} & {n.text or "" for n in net})
    gross_units = {g.get("unitCode") for g in gross if g.get("unitCode") is not None}
    net_units = {n.get("unitCode") for n in net if n.get("unitCode") is not None}
    return same_quantity and (not (gross_units and net_units) or bool(gross_units & net_units))


_SKONTO_TEXT = (
    ' diesem regulärem Ausdruck entsprechen: {pattern}. Die Informationen zur Gewährung von Skonto müssen wie folgt'
    ' im Element "Payment terms" (BT-20) übermittelt werden: Anzugeben ist im ersten Segment "SKONTO", im zweiten'
    ' "TAGE=n", im dritten "PROZENT=n". Prozentzahlen sind ohne Vorzeichen sowie mit Punkt getrennt von zwei'
    ' Nachkommastellen anzugeben. Liegt dem zu berechnenden Betrag nicht BT-115, "fälliger Betrag" zugrunde, sondern'
    " nur ein Teil des fälligen Betrags der Rechnung, ist der Grundwert zur Berechnung von Skonto als viertes Segment"
    ' "BASISBETRAG=n" gemäß dem semantischen Datentypen Amount anzugeben. Jeder Eintrag beginnt mit einer #, die'
    " Segmente sind mit einer # getrennt und eine Zeile schließt mit einer # ab. Am Ende einer vollständigen"
    " Skontoangabe muss ein XML-konformer Zeilenumbruch folgen. Alle Angaben zur Gewährung von Skonto müssen in"
    " Großbuchstaben gemacht werden. Zusätzliches Whitespace (Leerzeichen, Tabulatoren oder Zeilenumbrüche) ist nicht"
    " zulässig. Andere Zeichen oder Texte als in den oberen Vorgaben genannt sind nicht zulässig."
).replace("{pattern}", SKONTO_PATTERN.replace("{", "{{").replace("}", "}}"))

RULES: tuple[Rule, ...] = (
    Rule(
        "BR-DE-1",
        FATAL,
        "invoice",
        _present("payment_instructions"),
        '[BR-DE-1] Eine Rechnung (INVOICE) muss Angaben zu "PAYMENT INSTRUCTIONS" (BG-16) enthalten.',
    ),
    Rule(
        "BR-DE-15",
        FATAL,
        "invoice",
        _present("buyer_reference"),
        '[BR-DE-15] Das Element "Buyer reference" (BT-10) muss übermittelt werden.',
    ),
    Rule(
        "BR-DE-16",
        FATAL,
        "invoice",
        _vat_ids_when_needed,
        "[BR-DE-16] Wenn in einer Rechnung die Steuercodes S, Z, E, AE, K, G, L oder M verwendet werden, muss"
        ' mindestens eines der Elemente "Seller VAT identifier" (BT-31), "Seller tax registration identifier" (BT-32)'
        ' oder "SELLER TAX REPRESENTATIVE PARTY" (BG-11) übermittelt werden.',
    ),
    Rule(
        "BR-DE-17",
        WARNING,
        "invoice",
        _type_code_in(DE17_TYPE_CODES),
        '[BR-DE-17] Mit dem Element "Invoice type code" (BT-3) sollen ausschließlich folgende Codes aus der Codeliste'
        " UNTDID 1001 übermittelt werden: 326 (Partial invoice), 380 (Commercial invoice), 384 (Corrected invoice),"
        " 389 (Self-billed invoice) und 381 (Credit note),875 (Partial construction invoice), 876 (Partial final"
        " construction invoice), 877 (Final construction invoice).",
    ),
    Rule(
        "BR-DE-18",
        FATAL,
        "invoice",
        _skonto,
        {
            Family.UBL: "[BR-DE-18] Skonto Zeilen in {name} müssen" + _SKONTO_TEXT,
            Family.CII: "[BR-DE-18] Skonto Zeilen in {name} muessen" + _SKONTO_TEXT,
        },
    ),
    Rule(
        "BR-DE-21",
        WARNING,
        "specification_holder",
        lambda doc, node: any(s in SPECIFICATION_IDS for s in doc.strings("specification_identifier", node)),
        '[BR-DE-21] Das Element "Specification identifier" (BT-24) soll syntaktisch der Kennung des Standards'
        " XRechnung entsprechen.",
    ),
    Rule(
        "BR-DE-22",
        FATAL,
        "invoice",
        lambda doc, node: not doc.exists("duplicate_attachment_filename", node),
        {
            Family.UBL: '[BR-DE-22] Das "filename"-Attribut aller "EmbeddedDocumentBinaryObject"-Elemente muss eindeutig sein',
            Family.CII: "[BR-DE-22] Not all filename attributes of the embeddedDocumentBinaryObject elements are unique",
        },
    ),
    Rule(
        "BR-DE-26",
        WARNING,
        "invoice",
        _corrected_invoice_refers,
        {
            Family.UBL: '[BR-DE-26] Wenn im Element "Invoice type code" (BT-3) der Code 384 (Corrected invoice)'
            " übergeben wird, soll PRECEDING INVOICE REFERENCE BG-3 mind. einmal vorhanden sein.",
            Family.CII: "[BR-DE-26] Wenn im Element Invoice type code (BT-3) der Code 384 (Corrected invoice)"
            " übergeben wird, soll PRECEDING INVOICE REFERENCE BG-3 mind. einmal vorhanden sein.",
        },
    ),
    Rule(
        "BR-DE-30",
        FATAL,
        "invoice",
        lambda doc, node: not doc.exists("direct_debit_present", node) or doc.exists("creditor_identifier_given", node),
        '[BR-DE-30] Wenn "DIRECT DEBIT" BG-19 vorhanden ist, dann muss "Bank assigned creditor identifier" BT-90'
        " übermittelt werden.",
    ),
    Rule(
        "BR-DE-31",
        FATAL,
        "invoice",
        lambda doc, node: not doc.exists("direct_debit_present", node) or doc.exists("debited_account_given", node),
        '[BR-DE-31] Wenn "DIRECT DEBIT" BG-19 vorhanden ist, dann muss "Debited account identifier" BT-91'
        " übermittelt werden.",
    ),
    Rule(
        "BR-DE-TMP-32",
        INFORMATION,
        "delivery_date_holder",
        _delivery_date_given,
        '[BR-DE-TMP-32] Eine Rechnung sollte zur Angabe des Liefer-/Leistungsdatums entweder BT-72 "Actual delivery'
        ' date", BG-14 "Invoicing period" oder in jeder Rechnungsposition BG-26 "Invoice line period" enthalten.',
    ),
    Rule(
        "BR-DE-2",
        FATAL,
        "seller",
        _present("contact_group"),
        '[BR-DE-2] Die Gruppe "SELLER CONTACT" (BG-6) muss übermittelt werden.',
    ),
    Rule(
        "BR-DE-3",
        FATAL,
        "seller_address",
        _present("city"),
        '[BR-DE-3] Das Element "Seller city" (BT-37) muss übermittelt werden.',
    ),
    Rule(
        "BR-DE-4",
        FATAL,
        "seller_address",
        _present("post_code"),
        '[BR-DE-4] Das Element "Seller post code" (BT-38) muss übermittelt werden.',
    ),
    Rule(
        "BR-DE-5",
        FATAL,
        "seller_contact",
        _present("contact_point"),
        '[BR-DE-5] Das Element "Seller contact point" (BT-41) muss übermittelt werden.',
    ),
    Rule(
        "BR-DE-6",
        FATAL,
        "seller_contact",
        lambda doc, node: any(normalize_space(t) for t in doc.strings("contact_telephone", node)),
        '[BR-DE-6] Das Element "Seller contact telephone number" (BT-42) muss übermittelt werden.',
    ),
    Rule(
        "BR-DE-7",
        FATAL,
        "seller_contact",
        lambda doc, node: any(normalize_space(t) for t in doc.strings("contact_email", node)),
        '[BR-DE-7] Das Element "Seller contact email address" (BT-43) muss übermittelt werden.',
    ),
    Rule(
        "BR-DE-27",
        WARNING,
        "seller_contact",
        lambda doc, node: bool(TELEPHONE.search(doc.normalized("contact_telephone", node))),
        "[BR-DE-27] In BT-42 sollen mindestens drei Ziffern enthalten sein.",
    ),
    Rule(
        "BR-DE-28",
        WARNING,
        "seller_contact",
        lambda doc, node: bool(EMAIL.search(doc.normalized("contact_email", node))),
        "[BR-DE-28] In BT-43 soll genau ein @-Zeichen enthalten sein, welches nicht von einem Leerzeichen, einem"
        " Punkt, aber mindestens zwei Zeichen auf beiden Seiten flankiert werden soll. Ein Punkt sollte nicht am"
        " Anfang oder am Ende stehen.",
    ),
    Rule(
        "BR-DE-8",
        FATAL,
        "buyer_address",
        _present("city"),
        '[BR-DE-8] Das Element "Buyer city" (BT-52) muss übermittelt werden.',
    ),
    Rule(
        "BR-DE-9",
        FATAL,
        "buyer_address",
        _present("post_code"),
        '[BR-DE-9] Das Element "Buyer post code" (BT-53) muss übermittelt werden.',
    ),
    Rule(
        "BR-DE-10",
        FATAL,
        "deliver_to_address",
        _present("city"),
        '[BR-DE-10] Das Element "Deliver to city" (BT-77) muss übermittelt werden, wenn die Gruppe "DELIVER TO'
        ' ADDRESS" (BG-15) übermittelt wird.',
    ),
    Rule(
        "BR-DE-11",
        FATAL,
        "deliver_to_address",
        _present("post_code"),
        '[BR-DE-11] Das Element "Deliver to post code" (BT-78) muss übermittelt werden, wenn die Gruppe "DELIVER TO'
        ' ADDRESS" (BG-15) übermittelt wird.',
    ),
    Rule(
        "BR-DE-19",
        WARNING,
        "credit_transfer_means",
        lambda doc, node: not _code_is("58")(doc, node) or iban_ok(doc.first("payment_account", node)),
        '[BR-DE-19] "Payment account identifier" (BT-84) soll eine korrekte IBAN enthalten, wenn in "Payment means'
        ' type code" (BT-81) mit dem Code 58 SEPA als Zahlungsmittel gefordert wird.',
    ),
    Rule(
        "BR-DE-23-a",
        FATAL,
        "credit_transfer_means",
        _present("credit_transfer"),
        '[BR-DE-23-a] Wenn BT-81 "Payment means type code" einen Schlüssel für Überweisungen enthält (30, 58), muss'
        ' BG-17 "CREDIT TRANSFER" übermittelt werden.',
    ),
    Rule(
        "BR-DE-23-b",
        FATAL,
        "credit_transfer_means",
        _absent("payment_card", "direct_debit"),
        '[BR-DE-23-b] Wenn BT-81 "Payment means type code" einen Schlüssel für Überweisungen enthält (30, 58),'
        " dürfen BG-18 und BG-19 nicht übermittelt werden.",
    ),
    Rule(
        "BR-DE-24-a",
        FATAL,
        "card_means",
        _present("payment_card"),
        '[BR-DE-24-a] Wenn BT-81 "Payment means type code" einen Schlüssel für Kartenzahlungen enthält (48, 54, 55),'
        ' muss genau BG-18 "PAYMENT CARD INFORMATION" übermittelt werden.',
    ),
    Rule(
        "BR-DE-24-b",
        FATAL,
        "card_means",
        _absent("credit_transfer", "direct_debit"),
        '[BR-DE-24-b] Wenn BT-81 "Payment means type code" einen Schlüssel für Kartenzahlungen enthält (48, 54, 55),'
        " dürfen BG-17 und BG-19 nicht übermittelt werden.",
    ),
    Rule(
        "BR-DE-20",
        WARNING,
        "direct_debit_means",
        lambda doc, node: not _code_is("59")(doc, node) or iban_ok(doc.first("debited_account", node)),
        '[BR-DE-20] "Debited account identifier" (BT-91) soll eine korrekte IBAN enthalten, wenn in "Payment means'
        ' type code" (BT-81) mit dem Code 59 SEPA als Zahlungsmittel gefordert wird.',
    ),
    Rule(
        "BR-DE-25-a",
        FATAL,
        "direct_debit_means",
        _present("direct_debit"),
        '[BR-DE-25-a] Wenn BT-81 "Payment means type code" einen Schlüssel für Lastschriften enthält (59), muss'
        ' genau BG-19 "DIRECT DEBIT" übermittelt werden.',
    ),
    Rule(
        "BR-DE-25-b",
        FATAL,
        "direct_debit_means",
        _absent("not_with_direct_debit"),
        '[BR-DE-25-b] Wenn BT-81 "Payment means type code" einen Schlüssel für Lastschriften enthält (59), dürfen'
        " BG-17 und BG-18 nicht übermittelt werden.",
    ),
    Rule(
        "BR-DE-14",
        FATAL,
        "vat_breakdown",
        _present("vat_rate"),
        '[BR-DE-14] Das Element "VAT category rate" (BT-119) muss übermittelt werden.',
    ),
    Rule(
        "BR-TMP-2",
        WARNING,
        "external_document",
        lambda doc, node: (
            not doc.exists("external_document_location", node) and doc.family is Family.CII
        )
        or bool(URL.search(doc.first("external_document_location", node) or "")),
        '[BR-TMP-2] BT-124 "External document location" muss eine absolute URL mit gültigem Schema enthalten.',
    ),
    Rule(
        "BR-TMP-3",
        FATAL,
        "cii_line",
        _price_base_quantities_agree,
        "[BR-TMP-3] Wenn BT-149 (Item price base quantity) sowohl in GrossPriceProductTradePrice als auch in"
        " NetPriceProductTradePrice vorhanden ist, müssen die Werte identisch sein. Wenn BT-150 (unit of measure code)"
        " auf dem NetPrice-Pfad vorhanden ist, muss es auch auf dem GrossPrice-Pfad vorhanden und identisch sein.",
    ),
)
