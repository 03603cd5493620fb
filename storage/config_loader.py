"""Load the tenant configuration (TOML, see domain.tenants) into the tables, idempotently:
every row is looked up by its natural key and only written when something differs, so a
second load of the same file changes nothing."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, SQLModel, select

from domain.tenants import TenantConfig
from storage.audit import append_event
from storage.errors import ConfigError
from storage.models import (
    City,
    Department,
    ExportSetting,
    Group,
    GroupMember,
    Substitute,
    Supplier,
    SupplierCreditor,
    SupplierToken,
    User,
    UserRole,
)
from storage.passwords import hash_password, token_hash, verify_password_cached


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)

    def count(self, kind: str, table: str) -> None:
        bucket = getattr(self, kind)
        bucket[table] = bucket.get(table, 0) + 1

    def summary(self) -> str:
        if not self.changed:
            return "Keine Änderungen: die Konfiguration ist bereits geladen."
        parts = []
        for label, bucket in (("neu", self.created), ("geändert", self.updated), ("entfernt", self.deleted)):
            if bucket:
                parts.append(f"{label}: " + ", ".join(f"{n} {t}" for t, n in sorted(bucket.items())))
        return "; ".join(parts)


def read_config(source: str | Path | dict | TenantConfig) -> TenantConfig:
    if isinstance(source, TenantConfig):
        return source
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"Die Konfigurationsdatei {path} gibt es nicht.", "config.not_found") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path} ist kein gültiges TOML: {exc}", "config.toml") from None
    else:
        raw = source
    try:
        return TenantConfig.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{'.'.join(str(p) for p in err['loc']) or 'Datei'}: {err['msg']}" for err in exc.errors()]
        raise ConfigError("Die Konfiguration ist ungültig:\n" + "\n".join(lines)) from None


class _Loader:
    def __init__(self, session: Session):
        self.session = session
        self.report = LoadReport()
        self.new_hashes: dict[str, str] = {}  # plain demo password -> its hash, within one load

    def upsert(self, model: type[SQLModel], lookup: dict[str, Any], values: dict[str, Any]) -> SQLModel:
        query = select(model)
        for name, value in lookup.items():
            query = query.where(getattr(model, name) == value)
        row = self.session.exec(query).first()
        if row is None:
            row = model(**lookup, **values)
            self.session.add(row)
            self.session.flush()
            self.report.count("created", model.__tablename__)
            return row
        changed = False
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        if changed:
            self.session.add(row)
            self.session.flush()
            self.report.count("updated", model.__tablename__)
        return row

    def delete(self, row: SQLModel) -> None:
        self.session.delete(row)
        self.session.flush()
        self.report.count("deleted", row.__tablename__)

    def password_hash(self, existing: str | None, password: str) -> str:
        if existing and verify_password_cached(existing, password):
            return existing
        if password not in self.new_hashes:
            self.new_hashes[password] = hash_password(password)
        return self.new_hashes[password]


def load_config(session: Session, source: str | Path | dict | TenantConfig, actor: str = "config") -> LoadReport:
    """Bring the tables in line with the configuration. Cities, users and suppliers missing
    from the file are left alone; the roles, group members and substitutes of those in it are
    set to exactly what the file says. Writes one audit event when anything changed."""
    config = read_config(source)
    loader = _Loader(session)
    cities: dict[str, City] = {}
    departments: dict[tuple[str, str], Department] = {}
    users: dict[str, User] = {}

    for c in config.cities:
        city = loader.upsert(City, {"key": c.key}, {
            "name": c.name,
            "ags": c.ags,
            "leitweg_id": c.leitweg_id,
            "leitweg_coarse": c.leitweg_coarse,
            "same_person_factual_and_arithmetic_allowed": c.same_person_factual_and_arithmetic_allowed,
            "reminder_days": c.reminder_days,
            "escalation_days": c.escalation_days,
        })
        cities[c.key] = city
        loader.upsert(ExportSetting, {"city_id": city.id}, {
            "format": c.export.format.value,
            "outbox": c.export.outbox,
            "params": dict(c.export.params),
        })

    for u in config.users:
        existing = session.exec(select(User).where(User.login == u.login)).first()
        values: dict[str, Any] = {"display_name": u.name, "email": u.email, "active": True}
        if u.password_hash is not None:
            values["password_hash"] = u.password_hash
        elif u.password is not None:
            values["password_hash"] = loader.password_hash(existing.password_hash if existing else None, u.password)
        users[u.login] = loader.upsert(User, {"login": u.login}, values)

    for c in config.cities:
        for d in c.departments:
            departments[(c.key, d.key)] = loader.upsert(Department, {"city_id": cities[c.key].id, "key": d.key}, {
                "name": d.name,
                "leitweg_id": d.leitweg_id,
                "head_user_id": users[d.head].id if d.head else None,
            })

    for u in config.users:
        user = users[u.login]
        wanted: dict[tuple, dict] = {}
        for r in u.roles:
            dept = departments[(r.city, r.department)] if r.department else None
            wanted[(cities[r.city].id, r.role.value, r.department or "")] = {
                "department_id": dept.id if dept else None,
                "approval_limit": r.approval_limit,
            }
        for row in session.exec(select(UserRole).where(UserRole.user_id == user.id)).all():
            if (row.city_id, row.role, row.department_key) not in wanted:
                loader.delete(row)
        for (city_id, role, dept_key), values in wanted.items():
            loader.upsert(UserRole, {"user_id": user.id, "city_id": city_id, "role": role, "department_key": dept_key}, values)

    for g in config.groups:
        dept = departments[(g.city, g.department)] if g.department else None
        group = loader.upsert(Group, {"city_id": cities[g.city].id, "key": g.key}, {
            "name": g.name,
            "department_id": dept.id if dept else None,
        })
        members = {users[m].id for m in g.members}
        for row in session.exec(select(GroupMember).where(GroupMember.group_id == group.id)).all():
            if row.user_id not in members:
                loader.delete(row)
        for user_id in sorted(members):
            loader.upsert(GroupMember, {"group_id": group.id, "user_id": user_id}, {})

    wanted_subs = {(users[s.user].id, users[s.substitute].id, s.valid_from): s.valid_to for s in config.substitutes}
    user_ids = [user.id for user in users.values()]
    for row in session.exec(select(Substitute).where(Substitute.user_id.in_(user_ids))).all():
        if (row.user_id, row.substitute_id, row.valid_from) not in wanted_subs:
            loader.delete(row)
    for (user_id, substitute_id, valid_from), valid_to in wanted_subs.items():
        loader.upsert(Substitute, {"user_id": user_id, "substitute_id": substitute_id, "valid_from": valid_from},
                      {"valid_to": valid_to})

    for s in config.suppliers:
        supplier = loader.upsert(Supplier, {"key": s.key}, {"name": s.name, "vat_id": s.vat_id, "email": s.email})
        for city_key, number in s.creditors.items():
            loader.upsert(SupplierCreditor, {"supplier_id": supplier.id, "city_id": cities[city_key].id},
                          {"creditor_number": number})
        for token in s.tokens:
            # tokens only ever get added here; revoking is done in the web, not by omission
            loader.upsert(SupplierToken, {"token_sha256": token_hash(token)}, {"supplier_id": supplier.id})

    if loader.report.changed:
        append_event(session, None, actor, "config.loaded", after={
            "created": loader.report.created,
            "updated": loader.report.updated,
            "deleted": loader.report.deleted,
        })
    return loader.report
