"""German names of the code values an invoice carries, for display next to the code.

Facts from the code lists EN 16931 uses (UNTDID 1001, 4461, 5305, 4451, UN/ECE Rec 20, VATEX);
only the values seen in practice are named, any other code is shown as written.
"""

from __future__ import annotations

INVOICE_TYPES = {
    "71": "Anforderung einer Zahlung",
    "80": "Belastungsanzeige (Waren und Dienstleistungen)",
    "81": "Gutschrift (Waren und Dienstleistungen)",
    "82": "Rechnung für Messdienstleistungen",
    "84": "Belastungsanzeige (Finanzanpassungen)",
    "102": "Tarifrechnung",
    "218": "Abschlagsrechnung (Zahlungsanforderung)",
    "219": "Zahlungsanforderung für abgeschlossene Arbeiten",
    "261": "Selbstfakturierte Gutschrift",
    "262": "Gutschrift (Gesamtbetrag)",
    "295": "Proforma-Rechnung (Preisänderung)",
    "326": "Teilrechnung",
    "331": "Handelsrechnung mit Verpackungsliste",
    "380": "Rechnung",
    "381": "Gutschrift",
    "382": "Provisionsabrechnung",
    "383": "Belastungsanzeige",
    "384": "Korrekturrechnung",
    "385": "Konsolidierte Rechnung",
    "386": "Vorauszahlungsrechnung",
    "387": "Mietrechnung",
    "388": "Steuerrechnung",
    "389": "Selbst ausgestellte Rechnung",
    "390": "Delkredere-Rechnung",
    "393": "Factoring-Rechnung",
    "394": "Leasingrechnung",
    "395": "Konsignationsrechnung",
    "396": "Factoring-Gutschrift",
    "420": "Optikerrechnung",
    "456": "Belastungsanzeige (Korrektur)",
    "457": "Storno einer Belastung",
    "458": "Storno einer Gutschrift",
    "527": "Selbstfakturierte Belastungsanzeige",
    "532": "Gutschrift des Spediteurs",
    "553": "Reisebüro-Rechnung",
    "575": "Versicherungsrechnung",
    "623": "Speditionsrechnung",
    "633": "Hafenkostenrechnung",
    "751": "Rechnungsinformation für Buchungszwecke",
    "780": "Frachtrechnung",
    "817": "Rechnung über Reparaturleistungen",
    "870": "Rechnung über Beratungsleistungen",
    "875": "Teilrechnung für Bauleistungen",
    "876": "Teilschlussrechnung für Bauleistungen",
    "877": "Schlussrechnung für Bauleistungen",
    "935": "Zollrechnung",
}

PAYMENT_MEANS = {
    "1": "nicht festgelegt",
    "10": "Barzahlung",
    "20": "Scheck",
    "30": "Überweisung",
    "31": "Auslandsüberweisung",
    "42": "Zahlung auf Bankkonto",
    "48": "Kartenzahlung",
    "49": "Lastschrift",
    "54": "Kreditkarte",
    "55": "Debitkarte",
    "57": "Dauerauftrag",
    "58": "SEPA-Überweisung",
    "59": "SEPA-Lastschrift",
    "68": "Online-Zahlungsdienst",
    "97": "Verrechnung",
    "ZZZ": "gegenseitig vereinbart",
}

VAT_CATEGORIES = {
    "S": "Umsatzsteuer zum Normalsatz oder ermäßigten Satz",
    "Z": "nach dem Nullsatz zu versteuern",
    "E": "steuerbefreit",
    "AE": "Umkehrung der Steuerschuldnerschaft",
    "K": "innergemeinschaftliche Lieferung, steuerbefreit",
    "G": "Ausfuhr außerhalb der EU, steuerbefreit",
    "O": "nicht umsatzsteuerbar",
    "L": "IGIC (Kanarische Inseln)",
    "M": "IPSI (Ceuta und Melilla)",
}

NOTE_SUBJECTS = {
    "AAB": "Zahlungsbedingungen",
    "AAI": "allgemeine Information",
    "AAK": "Preiskonditionen",
    "ABL": "rechtliche Informationen",
    "ACB": "zusätzliche Information",
    "ADU": "Anmerkung",
    "PMT": "Zahlungsinformation",
    "PMD": "Zahlungsdetails",
    "REG": "Registerangaben",
    "SUR": "Anmerkungen des Verkäufers",
    "TXD": "Steuerangaben",
}

UNITS = {
    "C62": "Stück",
    "H87": "Stück",
    "EA": "Stück",
    "XPP": "Stück",
    "XPK": "Packung",
    "XBX": "Karton",
    "SET": "Satz",
    "LS": "pauschal",
    "HUR": "Stunde",
    "MIN": "Minute",
    "DAY": "Tag",
    "WEE": "Woche",
    "MON": "Monat",
    "ANN": "Jahr",
    "KGM": "kg",
    "GRM": "g",
    "TNE": "t",
    "MTR": "m",
    "KMT": "km",
    "MTK": "m²",
    "MTQ": "m³",
    "LTR": "l",
    "KWH": "kWh",
    "P1": "Prozent",
}

ALLOWANCE_REASONS = {
    "41": "Bonus für vorzeitige Arbeiten",
    "42": "sonstiger Bonus",
    "60": "Herstellerrabatt",
    "62": "Rabatt wegen Mitgliedschaft",
    "64": "Sondervereinbarung",
    "65": "Rabatt für Fehlerproduktion",
    "66": "Sonderpreisnachlass",
    "67": "Ermäßigung",
    "68": "Skonto / Zahlungsrabatt",
    "70": "Rabatt für Ordergröße",
    "71": "Mengenrabatt",
    "88": "Material- oder Zuschlag/Rabatt",
    "95": "Rabatt",
    "100": "Sonderrabatt",
    "102": "langfristige Vereinbarung",
    "103": "temporär",
    "104": "Standard",
    "105": "Jahresumsatz",
}


def label(table: dict[str, str], code: str | None) -> str:
    """"380" -> "380 – Rechnung"; unknown codes stay as written."""
    if not code:
        return ""
    name = table.get(code)
    return f"{code} – {name}" if name else code


def unit(code: str | None) -> str:
    if not code:
        return ""
    return UNITS.get(code, code)
