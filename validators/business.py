"""Business checks a city adds on top of the standard verdict; they never change `accepted`.

Leitweg-ID (check digits, belongs to a connected city), IBAN (schwifty), VAT ids
(python-stdnum), due date and Skonto terms, and a duplicate-suspicion hook that storage provides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pydantic import BaseModel
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.eu import vat as eu_vat

from domain.invoice import Invoice
from domain.leitweg import LeitwegId, LeitwegIdError
from domain.terms import parse_payment_terms

# Returns a German description of the suspected earlier invoice, or None.
DuplicateHook = Callable[[Invoice], "str | None"]


class BusinessCheck(BaseModel):
    code: str  # stable, e.g. leitweg_id.unknown_city
    title: str  # German
    ok: bool | None  # None: nothing to check
    message: str  # German
    value: str | None = None


def check(
    invoice: Invoice,
    *,
    known_leitweg_prefixes: Iterable[str] | None = None,
    duplicate_hook: DuplicateHook | None = None,
) -> list[BusinessCheck]:
    results = [_leitweg(invoice.buyer_reference, known_leitweg_prefixes)]
    results += _ibans(invoice)
    results += _vat_ids(invoice)
    results.append(_due_date(invoice))
    results += _skonto(invoice)
    if duplicate_hook is not None:
        results.append(_duplicate(invoice, duplicate_hook))
    return results


def _leitweg(value: str | None, prefixes: Iterable[str] | None) -> BusinessCheck:
    title = "Leitweg-ID"
    if not value:
        return BusinessCheck(code="leitweg_id.missing", title=title, ok=False, message="Keine Leitweg-ID (BT-10) angegeben.")
    try:
        leitweg = LeitwegId.parse(value)
    except LeitwegIdError as exc:
        return BusinessCheck(code=exc.code, title=title, ok=False, message=exc.message, value=value)
    if prefixes is not None:
        known = [p for p in prefixes if p]
        text = str(leitweg)
        if not any(text.startswith(prefix) or leitweg.coarse == prefix for prefix in known):
            return BusinessCheck(
                code="leitweg_id.unknown_city",
                title=title,
                ok=False,
                message=f"Die Leitweg-ID „{value}“ gehört zu keiner der angeschlossenen Städte.",
                value=value,
            )
    return BusinessCheck(code="leitweg_id.ok", title=title, ok=True, message=f"Leitweg-ID {leitweg} ist gültig.", value=value)


def _ibans(invoice: Invoice) -> list[BusinessCheck]:
    transfers = invoice.payment.credit_transfers if invoice.payment else []
    results = []
    for transfer in transfers:
        account = transfer.account_id.replace(" ", "")
        if not account[:2].isalpha():
            continue  # a proprietary account id, not an IBAN
        try:
            iban = IBAN(account)
        except SchwiftyException as exc:
            results.append(
                BusinessCheck(
                    code="iban.invalid",
                    title="IBAN",
                    ok=False,
                    message=f"Die IBAN „{transfer.account_id}“ ist ungültig ({exc}).",
                    value=transfer.account_id,
                )
            )
        else:
            results.append(
                BusinessCheck(code="iban.ok", title="IBAN", ok=True, message=f"IBAN {iban.formatted} ist gültig.", value=account)
            )
    return results


def _vat_ids(invoice: Invoice) -> list[BusinessCheck]:
    parties = [("Verkäufer", invoice.seller.vat_id), ("Käufer", invoice.buyer.vat_id)]
    if invoice.tax_representative is not None:
        parties.append(("Steuervertreter", invoice.tax_representative.vat_id))
    results = []
    for role, vat_id in parties:
        if not vat_id:
            continue
        title = f"USt-IdNr. {role}"
        if eu_vat.is_valid(vat_id):
            results.append(BusinessCheck(code="vat_id.ok", title=title, ok=True, message=f"{vat_id} ist gültig.", value=vat_id))
        else:
            results.append(
                BusinessCheck(
                    code="vat_id.invalid",
                    title=title,
                    ok=False,
                    message=f"Die Umsatzsteuer-Identifikationsnummer „{vat_id}“ ist ungültig (Format oder Prüfziffer).",
                    value=vat_id,
                )
            )
    return results


def _due_date(invoice: Invoice) -> BusinessCheck:
    title = "Fälligkeit"
    if invoice.due_date is None:
        return BusinessCheck(code="due_date.missing", title=title, ok=None, message="Kein Fälligkeitsdatum (BT-9) angegeben.")
    if invoice.due_date < invoice.issue_date:
        return BusinessCheck(
            code="due_date.before_issue",
            title=title,
            ok=False,
            message=f"Das Fälligkeitsdatum {invoice.due_date:%d.%m.%Y} liegt vor dem Rechnungsdatum.",
            value=invoice.due_date.isoformat(),
        )
    return BusinessCheck(
        code="due_date.ok",
        title=title,
        ok=True,
        message=f"Fällig am {invoice.due_date:%d.%m.%Y}.",
        value=invoice.due_date.isoformat(),
    )


def _skonto(invoice: Invoice) -> list[BusinessCheck]:
    detail = invoice.payment_terms_detail or parse_payment_terms(invoice.payment_terms)
    if detail is None:
        return []
    results = []
    for term in detail.skonto:
        deadline = term.deadline(invoice.issue_date)
        amount = term.discount_amount(invoice.totals.amount_due)
        results.append(
            BusinessCheck(
                code="skonto.term",
                title="Skonto",
                ok=True,
                message=f"{term.percent} % Skonto ({amount} {invoice.currency}) bei Zahlung bis {deadline:%d.%m.%Y}.",
                value=deadline.isoformat(),
            )
        )
    for line in detail.malformed:
        results.append(
            BusinessCheck(
                code="skonto.malformed",
                title="Skonto",
                ok=False,
                message=f"Die Zahlungsbedingung „{line}“ folgt nicht der XRechnung-Syntax #SKONTO#TAGE=…#PROZENT=…#.",
                value=line,
            )
        )
    return results


def _duplicate(invoice: Invoice, hook: DuplicateHook) -> BusinessCheck:
    title = "Doppelte Rechnung"
    earlier = hook(invoice)
    if earlier:
        return BusinessCheck(code="duplicate.suspected", title=title, ok=False, message=f"Verdacht auf Doppelrechnung: {earlier}")
    return BusinessCheck(code="duplicate.none", title=title, ok=True, message="Keine frühere Rechnung mit diesen Angaben gefunden.")
