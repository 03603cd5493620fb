"""The built-in scenario set: XRechnung 3.0 as KoSIT configures it, plus EN 16931, Peppol BIS 3.0,
Factur-X / ZUGFeRD 2 profiles and the documents we recognise only to refuse them.

Severity overrides follow KoSIT's validator-configuration-xrechnung (release for XRechnung 3.0.2).
"""

from __future__ import annotations

from functools import cache

from parsers.document import Syntax
from validators import cen_cii_codes
from validators import resources as res
from validators.findings import Severity
from validators.scenarios import Layer, ProfileMatch, Refusal, Scenario, ScenarioSet

XRECHNUNG_30 = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
XRECHNUNG_30_EXTENSION = XRECHNUNG_30 + "#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0"
XRECHNUNG_30_CVD = XRECHNUNG_30 + "#compliant#urn:xeinkauf.de:kosit:xrechnung:cvd_0.9"
EN16931 = "urn:cen.eu:en16931:2017"
PEPPOL_BIS_3 = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
FACTURX_BASIC = frozenset(
    {
        "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic",
        "urn:cen.eu:en16931:2017#compliant#urn:zugferd.de:2p0:basic",
    }
)
FACTURX_EXTENDED = frozenset(
    {
        "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended",
        "urn:cen.eu:en16931:2017#conformant#urn:zugferd.de:2p0:extended",
    }
)
FACTURX_NOT_INVOICES = frozenset(
    {
        "urn:factur-x.eu:1p0:minimum",
        "urn:zugferd.de:2p0:minimum",
        "urn:factur-x.eu:1p0:basicwl",
        "urn:zugferd.de:2p0:basicwl",
    }
)

_W, _I, _E = Severity.WARNING, Severity.INFORMATION, Severity.ERROR
# KoSIT customLevel per XRechnung scenario (validator-configuration-xrechnung 2026-08-31, XRechnung 3.0.2)
LEVELS_UBL_CREDIT_NOTE = {"BR-CL-23": _W, "BR-CL-21": _W}
LEVELS_UBL = {**LEVELS_UBL_CREDIT_NOTE, "UBL-CR-646": _E}
LEVELS_UBL_CVD = {**LEVELS_UBL, "BR-CL-13": _I}  # CVD Invoice and CVD CreditNote alike
LEVELS_UBL_EXTENSION = {
    "BR-CL-21": _I,
    "BR-CL-23": _W,
    "BR-CL-24": _I,
    "BR-CL-10": _I,
    "BR-CL-11": _I,
    "BR-CL-25": _I,
    "BR-CL-26": _I,
    "BR-CO-16": _I,
    "UBL-CR-470": _I,
    "UBL-CR-646": _I,
}
_CII_SYNTAX_LEVELS = {
    "CII-SR-452": _E,
    "CII-SR-453": _E,
    "CII-SR-454": _E,
    "CII-SR-465": _E,
    "CII-SR-466": _E,
    "CII-SR-475": _I,
    "CII-SR-476": _I,
}
LEVELS_CII = {"BR-CL-23": _W, "BR-CL-21": _W, **_CII_SYNTAX_LEVELS}
LEVELS_CII_CVD = {**LEVELS_CII, "BR-CL-13": _I}
LEVELS_CII_EXTENSION = {
    "BR-CL-23": _W,
    "BR-CL-21": _I,
    "BR-CL-24": _I,
    "BR-CL-11": _I,
    "BR-CL-10": _I,
    "BR-CL-25": _I,
    "BR-CL-26": _I,
    **_CII_SYNTAX_LEVELS,
}

UBL_INVOICE_XSD = Layer("xsd", "XML Schema UBL 2.1 Invoice", res.UBL_INVOICE_XSD)
UBL_CREDIT_NOTE_XSD = Layer("xsd", "XML Schema UBL 2.1 CreditNote", res.UBL_CREDIT_NOTE_XSD)
CII_XSD = Layer("xsd", "XML Schema UN/CEFACT CII D22B", res.CII_XSD)
CEN_UBL = Layer("schematron", "CEN EN 16931 Schematron (UBL)", res.CEN_UBL_XSLT)
# KoSIT runs the plain CEN CII schematron. The package has no such stylesheet, so the CEN CII
# rules are taken from two that contain them: the CEN syntax rules (CII-SR, CII-DT) and code
# lists (BR-CL) from the CEN-derived CII binding of the French CTC extended profile, and the CEN
# model rules (BR-*) from Factur-X's EN16931 stylesheet, whose own profile assertions (FX-SCH-*,
# unnamed ones) and Peppol rule are not part of the verdict. Unflagged assertions take CEN's flag.
_CEN_FLAGS = (res.CTC_FR_CII_XSLT, res.CEN_UBL_XSLT)
# Model rules Factur-X's stylesheet states differently from CEN's CII schematron (mandatory texts
# without normalize-space, so whitespace passes; BR-17 comparing the payee with a path that never
# exists; BR-65 on the wrong element). The CEN-derived binding states them as CEN does, in rules
# no French addition shadows, so they are taken from there.
CEN_CII_MODEL_FROM_BINDING = tuple(
    f"BR-{n:02d}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 17, 21, 25, 52, 55, 56, 57, 64, 65)
)
CEN_CII_SYNTAX = Layer(
    "schematron",
    "CEN EN 16931 Schematron (CII): Syntaxregeln, Codelisten und Teile der Geschäftsregeln",
    res.CTC_FR_CII_XSLT,
    # prefixes: CEN's rule families, and single rules by their full id
    only_prefixes=("CII-SR-", "CII-DT-", "BR-CL-", *CEN_CII_MODEL_FROM_BINDING),
    ids_from_text=True,  # e.g. its CII-SR-04 is CEN's CII-SR-004, CII-FREXT-SR-069 its variant of CII-SR-069
)
CEN_CII_CODES = Layer("cen-cii-codes", "CEN EN 16931 (CII): BR-CL-07, -10, -20, -24, BR-CO-03, BR-CO-15, BR-47, BR-48, BR-53")
CEN_CII = Layer(
    "schematron",
    "CEN EN 16931 Schematron (CII): Geschäftsregeln",
    res.FACTURX_EN16931_XSLT,
    only_prefixes=("BR-", "CII-SR-"),
    flags_from=_CEN_FLAGS,
    except_ids=frozenset(CEN_CII_MODEL_FROM_BINDING) | frozenset(cen_cii_codes.MODEL_RULES),
)


def _xr(variant: str) -> Layer:
    return Layer("xrechnung", f"XRechnung-CIUS-Regeln ({variant})", variant=variant)


def _match(syntax: Syntax, *profiles: str) -> ProfileMatch:
    return ProfileMatch(frozenset({syntax}), frozenset(profiles))


def _facturx(profile: str, spec_ids: frozenset[str], xsd, xslt) -> Scenario:
    """A Factur-X / ZUGFeRD 2 profile checked with that profile's own schema and schematron."""
    return Scenario(
        f"facturx-{profile.lower()}",
        f"Factur-X / ZUGFeRD {profile} (CII)",
        ProfileMatch(frozenset({Syntax.CII}), spec_ids),
        (
            Layer("xsd", f"XML Schema Factur-X {profile}", xsd),
            Layer("schematron", f"Factur-X {profile} Schematron", xslt),
        ),
    )


def _scenarios() -> tuple[Scenario, ...]:
    ubl_i, ubl_cn, cii = Syntax.UBL_INVOICE, Syntax.UBL_CREDIT_NOTE, Syntax.CII
    return (
        Scenario(
            "xrechnung-3.0-ubl-invoice",
            "EN16931 XRechnung (UBL Invoice)",
            _match(ubl_i, XRECHNUNG_30),
            (UBL_INVOICE_XSD, CEN_UBL, _xr("standard")),
            LEVELS_UBL,
        ),
        Scenario(
            "xrechnung-3.0-extension-ubl-invoice",
            "EN16931 XRechnung Extension (UBL Invoice)",
            _match(ubl_i, XRECHNUNG_30_EXTENSION),
            (UBL_INVOICE_XSD, CEN_UBL, _xr("extension")),
            LEVELS_UBL_EXTENSION,
        ),
        Scenario(
            "xrechnung-3.0-cvd-ubl-invoice",
            "EN16931 XRechnung CVD (UBL Invoice)",
            _match(ubl_i, XRECHNUNG_30_CVD),
            (UBL_INVOICE_XSD, CEN_UBL, _xr("cvd")),
            LEVELS_UBL_CVD,
        ),
        Scenario(
            "xrechnung-3.0-ubl-creditnote",
            "EN16931 XRechnung (UBL CreditNote)",
            _match(ubl_cn, XRECHNUNG_30),
            (UBL_CREDIT_NOTE_XSD, CEN_UBL, _xr("standard")),
            LEVELS_UBL_CREDIT_NOTE,
        ),
        Scenario(
            "xrechnung-3.0-cvd-ubl-creditnote",
            "EN16931 XRechnung CVD (UBL CreditNote)",
            _match(ubl_cn, XRECHNUNG_30_CVD),
            (UBL_CREDIT_NOTE_XSD, CEN_UBL, _xr("cvd")),
            LEVELS_UBL_CVD,
        ),
        Scenario(
            "xrechnung-3.0-cii",
            "EN16931 XRechnung (CII)",
            _match(cii, XRECHNUNG_30),
            (CII_XSD, CEN_CII_SYNTAX, CEN_CII_CODES, CEN_CII, _xr("standard")),
            LEVELS_CII,
        ),
        Scenario(
            "xrechnung-3.0-extension-cii",
            "EN16931 XRechnung Extension (CII)",
            _match(cii, XRECHNUNG_30_EXTENSION),
            (CII_XSD, CEN_CII_SYNTAX, CEN_CII_CODES, CEN_CII, _xr("extension")),
            LEVELS_CII_EXTENSION,
        ),
        Scenario(
            "xrechnung-3.0-cvd-cii",
            "EN16931 XRechnung CVD (CII)",
            _match(cii, XRECHNUNG_30_CVD),
            (CII_XSD, CEN_CII_SYNTAX, CEN_CII_CODES, CEN_CII, _xr("cvd")),
            LEVELS_CII_CVD,
        ),
        Scenario("en16931-ubl-invoice", "EN16931 (UBL Invoice)", _match(ubl_i, EN16931), (UBL_INVOICE_XSD, CEN_UBL)),
        Scenario(
            "en16931-ubl-creditnote", "EN16931 (UBL CreditNote)", _match(ubl_cn, EN16931), (UBL_CREDIT_NOTE_XSD, CEN_UBL)
        ),
        # Factur-X / ZUGFeRD 2 EN16931 carry the plain EN 16931 id and land here as well.
        Scenario("en16931-cii", "EN16931 (CII)", _match(cii, EN16931), (CII_XSD, CEN_CII_SYNTAX, CEN_CII_CODES, CEN_CII)),
        Scenario(
            "peppol-bis-3-ubl-invoice",
            "Peppol BIS Billing 3.0 (UBL Invoice)",
            _match(ubl_i, PEPPOL_BIS_3),
            (UBL_INVOICE_XSD, CEN_UBL),
        ),
        Scenario(
            "peppol-bis-3-ubl-creditnote",
            "Peppol BIS Billing 3.0 (UBL CreditNote)",
            _match(ubl_cn, PEPPOL_BIS_3),
            (UBL_CREDIT_NOTE_XSD, CEN_UBL),
        ),
        _facturx("BASIC", FACTURX_BASIC, res.FACTURX_BASIC_XSD, res.FACTURX_BASIC_XSLT),
        _facturx("EXTENDED", FACTURX_EXTENDED, res.FACTURX_EXTENDED_XSD, res.FACTURX_EXTENDED_XSLT),
        Scenario(
            "facturx-not-an-invoice",
            "Factur-X / ZUGFeRD MINIMUM oder BASIC WL",
            ProfileMatch(frozenset({cii}), FACTURX_NOT_INVOICES),
            refusal=Refusal(
                "scenario.not_an_invoice",
                "Das Profil MINIMUM bzw. BASIC WL von Factur-X/ZUGFeRD enthält nicht alle Pflichtangaben "
                "einer Rechnung nach EN 16931 und ist daher keine gültige E-Rechnung. Bitte senden Sie die "
                "Rechnung im Profil EN 16931 (COMFORT), EXTENDED oder als XRechnung.",
            ),
        ),
        Scenario(
            "zugferd-1.0",
            "ZUGFeRD 1.0 (nur Schema, per Konfiguration zugelassen)",
            ProfileMatch(frozenset({Syntax.ZUGFERD1})),
            (Layer("xsd", "XML Schema ZUGFeRD 1.0", res.ZUGFERD1_XSD),),
            option="zugferd1",
        ),
        Scenario(
            "zugferd-1.0-outdated",
            "ZUGFeRD 1.0",
            ProfileMatch(frozenset({Syntax.ZUGFERD1})),
            refusal=Refusal(
                "scenario.outdated_zugferd1",
                "ZUGFeRD 1.0 ist veraltet und entspricht nicht der EN 16931. Bitte senden Sie die Rechnung "
                "als XRechnung oder als ZUGFeRD/Factur-X ab Version 2.1 im Profil EN 16931 oder EXTENDED.",
            ),
        ),
    )


@cache
def scenario_set() -> ScenarioSet:
    return ScenarioSet(
        name="re@di Rechnungslauf – XRechnung 3.0.2 und EN 16931",
        version=f"2026-11 (CEN-Regeln {res.cen_ubl_version()}, factur-x {res.facturx_version()})",
        scenarios=_scenarios(),
    )
