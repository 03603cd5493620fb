"""The storage commands of `rechnungslauf`: migrate, config load, audit verify."""

from __future__ import annotations

import functools
import sys

from sqlalchemy.exc import DBAPIError

from storage.db import make_engine, session_scope
from storage.errors import StorageError


def _clear_errors(command):
    """Bad input or an unreachable database: a German line on stderr and exit code 1."""

    @functools.wraps(command)
    def wrapper(args) -> int:
        try:
            return command(args)
        except StorageError as exc:
            print(f"Fehler ({exc.code}): {exc.message}", file=sys.stderr)
        except DBAPIError as exc:
            print(f"Fehler (storage.database): Datenbankfehler – ist die Datenbank erreichbar und migriert "
                  f"(rechnungslauf migrate)? {exc.orig}", file=sys.stderr)
        return 1

    return wrapper


@_clear_errors
def run_migrate(args) -> int:
    from storage.migrate import upgrade

    upgrade()
    print("Datenbankschema ist auf dem neuesten Stand.")
    return 0


def migrate_and_load(config_file, url: str | None = None):
    """Bring the schema to head and load the tenant configuration (idempotent): what
    `rechnungslauf serve` does before it starts. Returns the LoadReport."""
    from storage.config_loader import load_config
    from storage.migrate import upgrade

    engine = make_engine(url)
    try:
        upgrade(engine=engine)
        with session_scope(engine) as session:
            return load_config(session, config_file)
    finally:
        engine.dispose()


@_clear_errors
def run_config_load(args) -> int:
    print(migrate_and_load(args.file).summary())
    return 0


@_clear_errors
def run_audit_verify(args) -> int:
    from sqlmodel import func, select

    from storage.audit import verify_chains
    from storage.models import AuditHead

    engine = make_engine()
    try:
        with session_scope(engine) as session:
            broken = verify_chains(session)
            chains = session.exec(select(func.count()).select_from(AuditHead)).one()
    finally:
        engine.dispose()
    if broken:
        print(f"Prüfpfad verletzt: {len(broken)} von {chains} Ketten sind gebrochen.", file=sys.stderr)
        for link in broken:
            event = f" (Ereignis-id {link.event_id})" if link.event_id else ""
            print(f"  {link.chain}, Ereignis {link.seq}{event}: {link.message} [{link.code}]", file=sys.stderr)
        return 1
    print(f"Prüfpfad in Ordnung: {chains} Ketten geprüft.")
    return 0
