"""The audit trail: append-only events, hash-chained per invoice.

Each event's `hash` is the SHA-256 of its canonical JSON form, which includes the hash of
the previous event of the same chain; `audit_head` remembers each chain's last event. So an
edited, inserted, deleted or cut-off event breaks the chain and `verify_chains` names it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, select

from storage.models import AuditEvent, AuditHead, utcnow

GENESIS = "0" * 64
SYSTEM_CHAIN = "system"


def chain_of(invoice_id: int | None) -> str:
    return f"invoice:{invoice_id}" if invoice_id is not None else SYSTEM_CHAIN


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"not JSON-able in the audit trail: {type(value).__name__}")


def to_json_value(value: Any) -> Any:
    """The form stored in the before/after columns: plain JSON (Decimal as string)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=_plain))


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def event_hash(event: AuditEvent) -> str:
    canonical = json.dumps(
        {
            "chain": event.chain,
            "invoice_id": event.invoice_id,
            "seq": event.seq,
            "at": event.at.isoformat(timespec="microseconds"),
            "actor": event.actor,
            "action": event.action,
            "before": event.before,
            "after": event.after,
            "prev_hash": event.prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def append_event(
    session: Session,
    invoice_id: int | None,
    actor: str,
    action: str,
    before: Any = None,
    after: Any = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event to the invoice's chain (or the system chain for `invoice_id=None`).

    Two sessions appending to one chain at once cannot fork it: the head row is locked
    (PostgreSQL) and (chain, seq) is unique, so the loser's transaction fails and retries.
    """
    chain = chain_of(invoice_id)
    head = session.exec(select(AuditHead).where(AuditHead.chain == chain).with_for_update()).first()
    event = AuditEvent(
        chain=chain,
        invoice_id=invoice_id,
        seq=(head.seq + 1) if head else 1,
        at=_naive_utc(at) if at else utcnow(),
        actor=actor,
        action=action,
        before=to_json_value(before),
        after=to_json_value(after),
        prev_hash=head.hash if head else GENESIS,
        hash="",
    )
    event.hash = event_hash(event)
    session.add(event)
    if head is None:
        session.add(AuditHead(chain=chain, seq=event.seq, hash=event.hash))
    else:
        head.seq, head.hash = event.seq, event.hash
        session.add(head)
    session.flush()
    return event


def events_of(session: Session, invoice_id: int | None) -> list[AuditEvent]:
    chain = chain_of(invoice_id)
    return list(session.exec(select(AuditEvent).where(AuditEvent.chain == chain).order_by(AuditEvent.seq)))


@dataclass(frozen=True)
class BrokenLink:
    chain: str
    seq: int  # the first event (sequence number) that does not fit
    event_id: int | None  # None when the event is missing
    code: str
    message: str  # German

    def __str__(self) -> str:
        return f"{self.chain} #{self.seq}: {self.message}"


def verify_chains(session: Session, batch: int = 5000) -> list[BrokenLink]:
    """Recompute every chain; one BrokenLink per broken chain, naming its first bad event."""
    heads = {h.chain: h for h in session.exec(select(AuditHead))}
    broken: list[BrokenLink] = []
    seen: set[str] = set()
    chain = None
    expected_seq, prev_hash, failed = 1, GENESIS, False

    def close(name: str, last_seq: int, last_hash: str, failed_: bool) -> None:
        head = heads.get(name)
        if failed_:
            return
        if head is None:
            broken.append(BrokenLink(name, last_seq, None, "audit.head_missing",
                                     "Der Kettenkopf fehlt: die Kette wurde nachträglich angelegt oder verändert."))
        elif head.seq != last_seq or head.hash != last_hash:
            broken.append(BrokenLink(name, last_seq + 1, None, "audit.truncated",
                                     f"Die Kette endet bei Ereignis {last_seq}, "
                                     f"der Kettenkopf nennt Ereignis {head.seq}: Ereignisse wurden gelöscht."))

    rows = session.exec(
        select(AuditEvent).order_by(AuditEvent.chain, AuditEvent.seq).execution_options(yield_per=batch)
    )
    for event in rows:
        if event.chain != chain:
            if chain is not None:
                close(chain, expected_seq - 1, prev_hash, failed)
            chain, expected_seq, prev_hash, failed = event.chain, 1, GENESIS, False
            seen.add(chain)
        if failed:
            continue
        problem = _check(event, expected_seq, prev_hash)
        if problem:
            broken.append(BrokenLink(chain, min(event.seq, expected_seq), event.id if event.seq == expected_seq else None, *problem))
            failed = True
            continue
        expected_seq, prev_hash = event.seq + 1, event.hash
    if chain is not None:
        close(chain, expected_seq - 1, prev_hash, failed)
    for name, head in heads.items():
        if name not in seen:
            broken.append(BrokenLink(name, 1, None, "audit.chain_deleted",
                                     f"Alle {head.seq} Ereignisse dieser Kette wurden gelöscht."))
    return broken


def _check(event: AuditEvent, expected_seq: int, prev_hash: str) -> tuple[str, str] | None:
    if event.seq != expected_seq:
        return "audit.missing", f"Ereignis {expected_seq} fehlt (gelöscht); als nächstes folgt Ereignis {event.seq}."
    if event.prev_hash != prev_hash:
        return "audit.prev_hash", f"Ereignis {event.seq} (id {event.id}) verweist nicht auf den Hash seines Vorgängers."
    if event_hash(event) != event.hash:
        return "audit.hash", f"Ereignis {event.seq} (id {event.id}) wurde nachträglich verändert."
    return None
