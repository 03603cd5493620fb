"""The storage commands of `rechnungslauf`: migrate, config load, audit verify."""

from __future__ import annotations

import sys

from sqlalchemy.exc import OperationalError

from storage.db import make_engine, session_scope
from storage.errors import StorageError


def run_migrate(args) -> int:
    from storage.migrate import upgrade

    try:
        upgrade()
    except OperationalError as exc:
        print(f"Die Datenbank ist nicht erreichbar: {exc.orig}", file=sys.stderr)
        return 1
    print("Datenbankschema ist auf dem neuesten Stand.")
    return 0


def run_config_load(args) -> int:
    from storage.config_loader import load_config
    from storage.migrate import upgrade

    engine = make_engine()
    try:
        upgrade(engine=engine)
        with session_scope(engine) as session:
            report = load_config(session, args.file)
    except StorageError as exc:
        print(f"Fehler ({exc.code}): {exc.message}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


def run_audit_verify(args) -> int:
    from sqlmodel import func, select

    from storage.audit import verify_chains
    from storage.models import AuditHead

    engine = make_engine()
    with session_scope(engine) as session:
        broken = verify_chains(session)
        chains = session.exec(select(func.count()).select_from(AuditHead)).one()
    if broken:
        print(f"Prüfpfad verletzt: {len(broken)} von {chains} Ketten sind gebrochen.", file=sys.stderr)
        for link in broken:
            event = f" (Ereignis-id {link.event_id})" if link.event_id else ""
            print(f"  {link.chain}, Ereignis {link.seq}{event}: {link.message} [{link.code}]", file=sys.stderr)
        return 1
    print(f"Prüfpfad in Ordnung: {chains} Ketten geprüft.")
    return 0
