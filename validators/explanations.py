"""German explanations and fixing hints for the findings suppliers hit most.

Keyed by rule id; families (code lists, decimals, arithmetic) share one text. The official
rule text stays in the finding; this is what a person at the supplier can act on.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Explanation:
    text: str
    hint: str


_BY_RULE: dict[str, Explanation] = {
    "BR-DE-15": Explanation(
        "Die Leitweg-ID (Käuferreferenz, BT-10) fehlt. Ohne sie kann die Rechnung keiner Stelle der Stadt "
        "zugeordnet werden.",
        "Tragen Sie die Leitweg-ID aus der Bestellung oder dem Auftrag der Stadt als Käuferreferenz ein "
        "(UBL: cbc:BuyerReference, CII: ram:BuyerReference), z. B. 08215017-AMT10-xx.",
    ),
    "BR-DE-1": Explanation(
        "Es fehlen die Zahlungsinformationen (Zahlungsanweisungen, BG-16).",
        "Geben Sie die Zahlungsart (BT-81) und bei Überweisung die IBAN (BT-84) an.",
    ),
    "BR-DE-2": Explanation(
        "Die Kontaktangaben des Verkäufers (BG-6) fehlen.",
        "Ergänzen Sie Ansprechpartner (BT-41), Telefonnummer (BT-42) und E-Mail-Adresse (BT-43) des Verkäufers.",
    ),
    "BR-DE-3": Explanation(
        "Der Ort des Verkäufers (BT-37) fehlt.", "Ergänzen Sie in der Anschrift des Verkäufers den Ort."
    ),
    "BR-DE-4": Explanation(
        "Die Postleitzahl des Verkäufers (BT-38) fehlt.", "Ergänzen Sie in der Anschrift des Verkäufers die PLZ."
    ),
    "BR-DE-5": Explanation(
        "Der Name des Ansprechpartners beim Verkäufer (BT-41) fehlt.", "Tragen Sie einen Ansprechpartner ein."
    ),
    "BR-DE-6": Explanation(
        "Die Telefonnummer des Ansprechpartners beim Verkäufer (BT-42) fehlt.", "Tragen Sie eine Telefonnummer ein."
    ),
    "BR-DE-7": Explanation(
        "Die E-Mail-Adresse des Ansprechpartners beim Verkäufer (BT-43) fehlt.", "Tragen Sie eine E-Mail-Adresse ein."
    ),
    "BR-DE-21": Explanation(
        "Die Spezifikationskennung (BT-24) ist nicht die der XRechnung.",
        "Verwenden Sie urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0.",
    ),
    "BR-DE-23-a": Explanation(
        "Bei Zahlung per Überweisung fehlt die Kontoverbindung (BG-17).",
        "Geben Sie die IBAN (BT-84) des Zahlungsempfängers an.",
    ),
    "BR-CO-10": Explanation(
        "Die Summe der Positionsnettobeträge (BT-106) stimmt nicht mit der Summe der einzelnen "
        "Rechnungspositionen (BT-131) überein.",
        "Rechnen Sie die Summe aller Positionsnettobeträge neu und tragen Sie sie als BT-106 ein.",
    ),
    "BR-CO-11": Explanation(
        "Die Summe der Nachlässe auf Dokumentenebene (BT-107) stimmt nicht.",
        "BT-107 muss die Summe aller Nachlässe (BT-92) sein.",
    ),
    "BR-CO-12": Explanation(
        "Die Summe der Zuschläge auf Dokumentenebene (BT-108) stimmt nicht.",
        "BT-108 muss die Summe aller Zuschläge (BT-99) sein.",
    ),
    "BR-CO-13": Explanation(
        "Der Rechnungsgesamtbetrag ohne Umsatzsteuer (BT-109) ist falsch berechnet.",
        "BT-109 = Summe Positionsnettobeträge − Nachlässe + Zuschläge.",
    ),
    "BR-CO-14": Explanation(
        "Der Umsatzsteuergesamtbetrag (BT-110) stimmt nicht mit der Summe der Steuerbeträge je "
        "Steuerkategorie (BT-117) überein.",
        "Summieren Sie die Steuerbeträge der Aufschlüsselung und tragen Sie sie als BT-110 ein.",
    ),
    "BR-CO-15": Explanation(
        "Der Bruttobetrag (BT-112) ist nicht Nettobetrag (BT-109) plus Umsatzsteuer (BT-110).",
        "Rechnen Sie den Rechnungsgesamtbetrag einschließlich Umsatzsteuer neu.",
    ),
    "BR-CO-16": Explanation(
        "Der fällige Zahlbetrag (BT-115) ist nicht Bruttobetrag − Vorauszahlung + Rundungsbetrag.",
        "Prüfen Sie BT-112, BT-113, BT-114 und BT-115.",
    ),
    "BR-CO-17": Explanation(
        "Der Steuerbetrag einer Steuerkategorie (BT-117) ist nicht Bemessungsgrundlage × Steuersatz.",
        "Berechnen Sie BT-117 = BT-116 × BT-119 / 100, auf zwei Nachkommastellen gerundet.",
    ),
    "BR-CO-25": Explanation(
        "Bei einem positiven Zahlbetrag fehlt das Fälligkeitsdatum oder die Zahlungsbedingungen.",
        "Geben Sie das Fälligkeitsdatum (BT-9) oder Zahlungsbedingungen (BT-20) an.",
    ),
    "BR-CL-23": Explanation(
        "Die Mengeneinheit ist kein Code der UN/ECE-Empfehlung 20/21.",
        "Verwenden Sie einen gültigen Einheitencode, z. B. H87 (Stück), HUR (Stunde), C62 (Eins).",
    ),
    "XSD": Explanation(
        "Das Dokument entspricht nicht dem XML-Schema der Syntax (Aufbau, Reihenfolge oder Datentyp "
        "eines Elements). Die fachlichen Regeln wurden deshalb nicht geprüft.",
        "Korrigieren Sie das genannte Element; meist hilft die Rechnungssoftware des Herstellers mit "
        "einem Update oder einer korrekten Einstellung.",
    ),
}

_BY_PREFIX: tuple[tuple[str, Explanation], ...] = (
    (
        "BR-CL-",
        Explanation(
            "Ein Code ist nicht in der vorgeschriebenen Codeliste enthalten (z. B. Währung, Land, "
            "Einheit, Steuerkategorie, Zahlungsart).",
            "Verwenden Sie nur Codes aus der in der Regel genannten Codeliste; Groß-/Kleinschreibung beachten.",
        ),
    ),
    (
        "BR-DEC-",
        Explanation(
            "Ein Betrag hat mehr als zwei Nachkommastellen.",
            "Runden Sie Beträge auf höchstens zwei Nachkommastellen.",
        ),
    ),
    (
        "BR-CO-",
        Explanation(
            "Ein berechneter Wert (Summe oder Steuer) passt nicht zu den übrigen Beträgen der Rechnung.",
            "Rechnen Sie die Summen und Steuerbeträge der Rechnung nach.",
        ),
    ),
    (
        "BR-DE-",
        Explanation(
            "Eine Vorgabe der XRechnung (nationale Regel für Deutschland) ist nicht erfüllt.",
            "Ergänzen oder korrigieren Sie die im Regeltext genannte Angabe.",
        ),
    ),
)

NO_SCENARIO = Explanation(
    "Für diese Rechnung gibt es kein passendes Prüfszenario: Syntax oder Spezifikationskennung (BT-24) "
    "werden nicht angenommen.",
    "Senden Sie die Rechnung als XRechnung 3.0 (BT-24 urn:cen.eu:en16931:2017#compliant#"
    "urn:xeinkauf.de:kosit:xrechnung_3.0) oder als ZUGFeRD/Factur-X im Profil EN 16931 oder EXTENDED.",
)
OUTDATED_XRECHNUNG = Explanation(
    "Die Rechnung ist eine XRechnung in einer veralteten Version (1.x oder 2.x); angenommen wird nur "
    "XRechnung 3.0.",
    "Stellen Sie Ihre Rechnungssoftware auf XRechnung 3.0 um und senden Sie die Rechnung erneut.",
)


def explain(rule_id: str, *, family: bool = True) -> Explanation | None:
    """The explanation of `rule_id`; with `family`, a family text stands in for unknown rules."""
    found = _BY_RULE.get(rule_id)
    if found is not None or not family:
        return found
    for prefix, explanation in _BY_PREFIX:
        if rule_id.startswith(prefix):
            return explanation
    return None
