"""Identifiers, patterns and code lists the XRechnung 3.0 rules test against.

Values as the KoSIT XRechnung Schematron 2.5.0 (XRechnung 3.0.2) declares them. The code
lists are kept as the official space-separated strings because the rules test membership
with `contains(list, concat(' ', code, ' '))`, and that substring test has its own quirks
(an empty code is "found" where two lists are joined) which the verdict must reproduce.
"""

from __future__ import annotations

import re

SCHEMATRON_VERSION = "2.5.0"
XRECHNUNG_VERSION = "3.0.2"

CIUS_ID = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
EXTENSION_ID = CIUS_ID + "#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0"
CVD_ID = CIUS_ID + "#compliant#urn:xeinkauf.de:kosit:xrechnung:cvd_0.9"
SPECIFICATION_IDS = (CIUS_ID, EXTENSION_ID, CVD_ID)

# The patterns as written in the Schematron (XPath regex syntax), shown in BR-DE-18's text.
SKONTO_PATTERN = r"(^|\r?\n)#(SKONTO)#TAGE=([0-9]+#PROZENT=[0-9]+\.[0-9]{2})(#BASISBETRAG=-?[0-9]+\.[0-9]{2})?#$"

# Python equivalents. XPath's `\s` is [ \t\n\r], its `.` excludes \n and \r, its `$` is the
# very end of the string; `matches()` searches, it does not anchor.
_WS = "[ \t\n\r]"
_XML_WS = re.compile(f"{_WS}+")
SKONTO = re.compile(r"(^|\r?\n)#(SKONTO)#TAGE=([0-9]+#PROZENT=[0-9]+\.[0-9]{2})(#BASISBETRAG=-?[0-9]+\.[0-9]{2})?#\Z")
SKONTO_TAIL = re.compile(rf"^{_WS}*\n")
SKONTO_ENTRY = re.compile(r"#[^\n\r]+#")
LINE_BREAK = re.compile(r"\r?\n")
EMAIL = re.compile(rf"^[^@ \t\n\r]+@([^@. \t\n\r]+\.)+[^@. \t\n\r]+\Z")
TELEPHONE = re.compile(r"[0-9].*[0-9].*[0-9]", re.DOTALL)
URL = re.compile(r"^([a-zA-Z])([a-zA-Z0-9+.-])+:")
IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{0,30}\Z")

DE16_VAT_CATEGORIES = frozenset({"S", "Z", "E", "AE", "K", "G", "L", "M"})
DE17_TYPE_CODES = frozenset({"326", "380", "384", "389", "381", "875", "876", "877"})
CREDIT_TRANSFER_CODES = frozenset({"30", "58"})
CARD_CODES = frozenset({"48", "54", "55"})
DIRECT_DEBIT_CODES = frozenset({"59"})

EXTENSION_MIME_CODES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/xml",
    }
)

DIGA_CODES = " XR01 XR02 XR03 "
ISO_6523_ICD_CODES = " " + " ".join(
    f"{n:04d}" for n in [*range(2, 92), *range(93, 103), *range(104, 181), *range(183, 245)]
)  # no trailing space: the official list ends "0243 0244'", so " 0244 " is not in it
ISO_6523_ICD_EXT_CODES = DIGA_CODES + ISO_6523_ICD_CODES
CEF_EAS_CODES = (
    " 0002 0007 0009 0037 0060 0088 0096 0097 0106 0130 0135 0142 0147 0151 0154 0158 0170 0177"
    " 0183 0184 0188 0190 0191 0192 0193 0194 0195 0196 0198 0199 0200 0201 0202 0203 0204 0205"
    " 0208 0209 0210 0211 0212 0213 0215 0216 0217 0218 0219 0220 0221 0225 0230 0235 0240 0244"
    " 9910 9913 9914 9915 9918 9919 9920 9922 9923 9924 9925 9926 9927 9928 9929 9930 9931 9932"
    " 9933 9934 9935 9936 9937 9938 9939 9940 9941 9942 9943 9944 9945 9946 9947 9948 9949 9950"
    " 9951 9952 9953 9957 9959 AN AQ AS AU EM "
)
CEF_EAS_EXT_CODES = DIGA_CODES + CEF_EAS_CODES

UNTDID_7143_CODES = (
    " AA AB AC AD AE AF AG AH AI AJ AK AL AM AN AO AP AQ AR AS AT AU AV AW AX AY AZ BA BB BC BD BE"
    " BF BG BH BI BJ BK BL BM BN BO BP BQ BR BS BT BU BV BW BX BY BZ CC CG CL CR CV DR DW EC EF EMD"
    " EN FS GB GN GMN GS HS IB IN IS IT IZ MA MF MN MP NB ON PD PL PO PPI PV QS RC RN RU RY SA SG SK"
    " SN SRS SRT SRU SRV SRW SRX SRY SRZ SS SSA SSB SSC SSD SSE SSF SSG SSH SSI SSJ SSK SSL SSM SSN"
    " SSO SSP SSQ SSR SSS SST SSU SSV SSW SSX SSY SSZ ST STA STB STC STD STE STF STG STH STI STJ STK"
    " STL STM STN STO STP STQ STR STS STT STU STV STW STX STY STZ SUA SUB SUC SUD SUE SUF SUG SUH SUI"
    " SUJ SUK SUL SUM TG TSN TSO TSP TSQ TSR TSS TST TSU UA UP VN VP VS VX ZZZ "
)
UNTDID_7143_CVD_CODES = " CVD " + UNTDID_7143_CODES
CVD_VEHICLE_CATEGORIES = frozenset({"M1", "M2", "M3", "N1", "N2", "N3"})
CVA_CODES = frozenset({"clean", "zero-emission", "other"})


def in_code_list(code: str | None, codes: str) -> bool:
    """The Schematron's membership test: no inner space, and ` code ` is a substring of the list."""
    normalized = normalize_space(code)
    return " " not in normalized and f" {normalized} " in codes


def normalize_space(text: str | None) -> str:
    """XPath normalize-space(): trim and collapse runs of space, tab, CR and LF."""
    return " ".join(part for part in _XML_WS.split(text or "") if part)
