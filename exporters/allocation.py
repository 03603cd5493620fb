"""Split an invoice over its account assignments (Kontierung): net share, VAT share, gross.

Finance systems book one line per account assignment and VAT rate. Each VAT group of the
invoice (BG-23) is split over the assignments that touch it; the group's VAT is shared in
proportion to the net parts. Parts are whole cents and add up exactly to the invoice's
figures (largest-remainder rounding), so the booked gross equals the invoice's gross.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from domain.approval import AccountAssignment
from domain.invoice import Invoice

from exporters.base import ExportError, ExportItem

CENT = Decimal("0.01")

VatKey = tuple[str, Decimal]  # (category code BT-118, rate BT-119 normalised; 0 when absent)


@dataclass(frozen=True)
class Posting:
    """One booking: an account assignment's share of one VAT group."""

    assignment: AccountAssignment
    vat_category: str
    vat_rate: Decimal
    net: Decimal
    vat: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


def to_cents(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """`total` split in proportion to `weights`, in cents, adding up exactly to `total`.

    The cents left after rounding down go to the parts with the largest remainders (ties:
    the earlier part). All-zero weights split evenly.
    """
    if not weights:
        raise ValueError("nothing to allocate to")
    cents = int(to_cents(total) * 100)
    fractions = [Fraction(w) for w in weights]
    whole = sum(fractions)
    if whole == 0:
        fractions, whole = [Fraction(1)] * len(weights), Fraction(len(weights))
    raw = [cents * f / whole for f in fractions]
    parts = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for k in range(cents - sum(parts)):
        parts[order[k % len(order)]] += 1
    return [Decimal(p) / 100 for p in parts]


def vat_key(category: str | None, rate: Decimal | None) -> VatKey:
    return (category or "", (rate or Decimal(0)).normalize())


def vat_groups(invoice: Invoice) -> dict[VatKey, tuple[Decimal, Decimal]]:
    """VAT group -> (taxable amount, tax amount), in the order of the invoice."""
    groups: dict[VatKey, tuple[Decimal, Decimal]] = {}
    for vb in invoice.vat_breakdown:
        key = vat_key(vb.category_code, vb.rate)
        taxable, tax = groups.get(key, (Decimal(0), Decimal(0)))
        groups[key] = (taxable + vb.taxable_amount, tax + vb.tax_amount)
    if not groups:
        groups[vat_key(None, None)] = (invoice.totals.tax_exclusive, invoice.totals.tax_total or Decimal(0))
    return groups


def _german(value: Decimal) -> str:
    return f"{to_cents(value):f}".replace(".", ",")


def _fail(item: ExportItem, code: str, message: str) -> ExportError:
    return ExportError(code, f"Rechnung {item.invoice.number}: {message}", invoice_id=item.invoice_id)


def postings(item: ExportItem) -> list[Posting]:
    """The bookings of one approved invoice, in the order of its account assignments."""
    invoice, assignments = item.invoice, item.approval.account_assignments
    if not assignments:
        raise _fail(item, "export.no_account_assignment", "es fehlt die Kontierung (Sachkonto).")
    groups = vat_groups(invoice)
    lines = {line.id: line for line in invoice.lines}
    catch_all = [i for i, a in enumerate(assignments) if a.line_id is None and a.net_amount is None]
    if len(catch_all) > 1:
        raise _fail(item, "export.assignment_ambiguous",
                    "mehr als eine Kontierung ohne Betrag und ohne Position – der Rest ist nicht eindeutig.")

    # shares[i][group] = net part of assignment i in that VAT group
    shares: list[dict[VatKey, Decimal]] = [{} for _ in assignments]
    derived: set[int] = set()  # shares taken from a line's amount, not typed in by a clerk
    for i, a in enumerate(assignments):
        if a.line_id is None:
            continue
        line = lines.get(a.line_id)
        if line is None:
            raise _fail(item, "export.assignment_unknown_line", f"die Kontierung nennt die Position „{a.line_id}“, die es nicht gibt.")
        key = vat_key(line.vat.category_code, line.vat.rate)
        if key not in groups:
            raise _fail(item, "export.assignment_vat_mismatch",
                        f"die Position „{a.line_id}“ hat einen Steuersatz, den die Steueraufschlüsselung nicht enthält.")
        shares[i][key] = a.net_amount if a.net_amount is not None else line.net_amount
        if a.net_amount is None:
            derived.add(i)

    bound = {key: sum((s.get(key, Decimal(0)) for s in shares), Decimal(0)) for key in groups}
    rest = {key: groups[key][0] - bound[key] for key in groups}
    for i, a in enumerate(assignments):
        if a.line_id is None and a.net_amount is not None:
            weights = [rest[k] for k in groups] if any(rest.values()) else [groups[k][0] for k in groups]
            for key, part in zip(groups, allocate(a.net_amount, weights)):
                shares[i][key] = part
    for key in groups:
        assigned = sum((s.get(key, Decimal(0)) for s in shares), Decimal(0))
        remainder = groups[key][0] - assigned
        if catch_all:
            shares[catch_all[0]][key] = remainder
            continue
        if remainder == 0:
            continue
        members = [i for i, s in enumerate(shares) if key in s]
        if members and all(i in derived for i in members) and assigned != 0:
            # document-level allowances or charges: spread them over the line assignments
            for i, part in zip(members, allocate(groups[key][0], [shares[i][key] for i in members])):
                shares[i][key] = part
        else:
            raise _fail(item, "export.assignment_mismatch",
                        f"die Kontierung ergibt netto {_german(assigned)} {invoice.currency}, die Rechnung "
                        f"{_german(groups[key][0])} {invoice.currency} (Steuersatz {key[1]:f} %).")

    result: list[Posting] = []
    vat_parts: dict[tuple[int, VatKey], Decimal] = {}
    for key, (_taxable, tax) in groups.items():
        members = [i for i, s in enumerate(shares) if key in s]
        for i, part in zip(members, allocate(tax, [shares[i][key] for i in members])):
            vat_parts[(i, key)] = part
    for i, a in enumerate(assignments):
        for key in groups:
            if key not in shares[i]:
                continue
            net, vat = to_cents(shares[i][key]), vat_parts[(i, key)]
            if net == 0 and vat == 0:
                continue
            result.append(Posting(assignment=a, vat_category=key[0], vat_rate=key[1], net=net, vat=vat))
    booked = sum((p.gross for p in result), Decimal(0))
    if booked != to_cents(invoice.totals.tax_inclusive):
        raise _fail(item, "export.totals_inconsistent",
                    f"die Steueraufschlüsselung ergibt brutto {_german(booked)} {invoice.currency}, der "
                    f"Rechnungsbetrag ist {_german(invoice.totals.tax_inclusive)} {invoice.currency}.")
    return result


def split_by_gross(amount: Decimal, parts: Sequence[Posting]) -> list[Decimal]:
    """An invoice-level amount (e.g. the Skonto) shared over its postings by their gross."""
    return allocate(amount, [p.gross for p in parts]) if parts else []
