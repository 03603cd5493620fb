"""The tenant configuration: cities, departments, users, groups, substitutes, suppliers.

This is the shape of the TOML file (`config/demo.toml`) that `rechnungslauf config load`
reads. Keys (`key`, `login`) are the stable names the rest of the engine refers to; ids are
the database's business. Plain passwords and API tokens are allowed here for demo data only;
storage hashes them when it loads the file.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from stdnum.eu import vat

from domain.leitweg import LeitwegId
from domain.status import Role

_KEY_PATTERN = r"^[a-z0-9][a-z0-9_.\-]{0,62}$"


class ExportFormat(StrEnum):
    DATEV = "datev"
    SAP_IDOC = "sap_idoc"
    XRECHNUNG_BUNDLE = "xrechnung_bundle"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExportConfig(_Strict):
    format: ExportFormat
    outbox: str  # folder the finance system collects its files from
    params: dict[str, str | int | bool] = Field(default_factory=dict)


class DepartmentConfig(_Strict):
    """An Amt with its own Leitweg-ID (Feinadressierung)."""

    key: str = Field(pattern=_KEY_PATTERN)
    name: str
    leitweg_id: str
    head: str | None = None  # login of the Amtsleitung

    @field_validator("leitweg_id")
    @classmethod
    def _valid_leitweg_id(cls, value: str) -> str:
        parsed = LeitwegId.parse(value)  # LeitwegIdError is a ValueError: pydantic reports it
        if parsed.fine is None:
            raise ValueError(f"Die Leitweg-ID „{value}“ eines Amtes braucht eine Feinadressierung.")
        return str(parsed)


class CityConfig(_Strict):
    key: str = Field(pattern=_KEY_PATTERN)
    name: str
    ags: str = Field(pattern=r"^[0-9]{8}$")  # Amtlicher Gemeindeschlüssel
    leitweg_id: str  # the city's own Leitweg-ID (Grobadressierung, for the Rechnungseingang)
    same_person_factual_and_arithmetic_allowed: bool = True
    reminder_days: int = Field(default=5, ge=1)  # remind the assignee after this many days
    escalation_days: int = Field(default=10, ge=1)  # then escalate to the department head
    export: ExportConfig
    departments: list[DepartmentConfig] = Field(default_factory=list)

    @field_validator("leitweg_id")
    @classmethod
    def _valid_leitweg_id(cls, value: str) -> str:
        return str(LeitwegId.parse(value))

    @property
    def leitweg_coarse(self) -> str:
        return LeitwegId.parse(self.leitweg_id).coarse

    @model_validator(mode="after")
    def _consistent(self) -> CityConfig:
        if not self.leitweg_coarse.startswith(self.ags[:5]):
            raise ValueError(f"Die Leitweg-ID der Stadt {self.name} passt nicht zu ihrem AGS {self.ags}.")
        if self.escalation_days < self.reminder_days:
            raise ValueError(f"{self.name}: die Eskalation darf nicht vor der Erinnerung liegen.")
        seen: set[str] = set()
        for dept in self.departments:
            if dept.key in seen:
                raise ValueError(f"{self.name}: das Amt „{dept.key}“ ist doppelt angegeben.")
            seen.add(dept.key)
            if LeitwegId.parse(dept.leitweg_id).coarse != self.leitweg_coarse:
                raise ValueError(
                    f"{self.name}: die Leitweg-ID {dept.leitweg_id} hat nicht die Grobadressierung der Stadt."
                )
        return self


class RoleAssignment(_Strict):
    city: str
    role: Role
    department: str | None = None  # limits the role to one Amt
    approval_limit: Decimal | None = None  # Wertgrenze in EUR; None = unlimited

    @model_validator(mode="after")
    def _limit_only_for_orderers(self) -> RoleAssignment:
        if self.approval_limit is not None:
            if self.role not in (Role.PAYMENT_ORDERER, Role.TREASURY_ADMIN):
                raise ValueError(f"Eine Wertgrenze gibt es nur für Anordnungsbefugte, nicht für {self.role.label}.")
            if self.approval_limit <= 0:
                raise ValueError("Die Wertgrenze muss größer als null sein.")
        return self


class UserConfig(_Strict):
    login: str = Field(pattern=_KEY_PATTERN)
    name: str
    email: str | None = None
    password: str | None = None  # demo only: hashed on load
    password_hash: str | None = None
    roles: list[RoleAssignment] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_password(self) -> UserConfig:
        if self.password is not None and self.password_hash is not None:
            raise ValueError(f"{self.login}: entweder password oder password_hash angeben, nicht beides.")
        return self


class GroupConfig(_Strict):
    """A team that shares an inbox, e.g. the factual reviewers of one Amt."""

    city: str
    key: str = Field(pattern=_KEY_PATTERN)
    name: str
    department: str | None = None
    members: list[str] = Field(default_factory=list)  # logins


class SubstituteConfig(_Strict):
    """Vertretung: `substitute` works the inbox of `user` from `valid_from` to `valid_to`."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    user: str
    substitute: str
    valid_from: date = Field(alias="from")
    valid_to: date = Field(alias="to")

    @model_validator(mode="after")
    def _period(self) -> SubstituteConfig:
        if self.valid_to < self.valid_from:
            raise ValueError(f"Vertretung {self.user} → {self.substitute}: das Ende liegt vor dem Beginn.")
        if self.user == self.substitute:
            raise ValueError(f"{self.user} kann sich nicht selbst vertreten.")
        return self


class SupplierConfig(_Strict):
    key: str = Field(pattern=_KEY_PATTERN)
    name: str
    vat_id: str | None = None
    email: str | None = None
    creditors: dict[str, str] = Field(default_factory=dict)  # city key -> Kreditorennummer
    tokens: list[str] = Field(default_factory=list)  # demo only: plain API tokens, stored as SHA-256

    @field_validator("vat_id")
    @classmethod
    def _valid_vat_id(cls, value: str | None) -> str | None:
        if value is None:
            return None
        compact = vat.compact(value)
        if not vat.is_valid(compact):
            raise ValueError(f"„{value}“ ist keine gültige Umsatzsteuer-Identifikationsnummer.")
        return compact

    @field_validator("tokens")
    @classmethod
    def _long_tokens(cls, value: list[str]) -> list[str]:
        if any(len(token) < 16 for token in value):
            raise ValueError("Ein API-Token muss mindestens 16 Zeichen lang sein.")
        return value


class TenantConfig(_Strict):
    cities: list[CityConfig]
    users: list[UserConfig] = Field(default_factory=list)
    groups: list[GroupConfig] = Field(default_factory=list)
    substitutes: list[SubstituteConfig] = Field(default_factory=list)
    suppliers: list[SupplierConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> TenantConfig:
        cities = {c.key: c for c in self.cities}
        logins = {u.login for u in self.users}
        problems: list[str] = []
        _unique("Stadt", [c.key for c in self.cities], problems)
        _unique("Benutzer", [u.login for u in self.users], problems)
        _unique("Lieferant", [s.key for s in self.suppliers], problems)
        _unique("Gruppe", [f"{g.city}/{g.key}" for g in self.groups], problems)
        _unique("Leitweg-ID", [c.leitweg_id for c in self.cities]
                + [d.leitweg_id for c in self.cities for d in c.departments], problems)

        def check_department(city: str, dept: str | None, where: str) -> None:
            if city not in cities:
                problems.append(f"{where}: unbekannte Stadt „{city}“.")
            elif dept is not None and dept not in {d.key for d in cities[city].departments}:
                problems.append(f"{where}: unbekanntes Amt „{dept}“ in {cities[city].name}.")

        for city in self.cities:
            for dept in city.departments:
                if dept.head is not None and dept.head not in logins:
                    problems.append(f"{city.name}/{dept.key}: unbekannte Amtsleitung „{dept.head}“.")
        for user in self.users:
            for role in user.roles:
                check_department(role.city, role.department, f"Benutzer {user.login}")
        for group in self.groups:
            check_department(group.city, group.department, f"Gruppe {group.key}")
            problems += [f"Gruppe {group.key}: unbekannter Benutzer „{m}“." for m in group.members if m not in logins]
        for sub in self.substitutes:
            problems += [f"Vertretung: unbekannter Benutzer „{x}“." for x in (sub.user, sub.substitute) if x not in logins]
        for supplier in self.suppliers:
            problems += [f"Lieferant {supplier.key}: unbekannte Stadt „{c}“." for c in supplier.creditors if c not in cities]
        if problems:
            raise ValueError(" ".join(problems))
        return self


def _unique(what: str, keys: list[str], problems: list[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            problems.append(f"{what} „{key}“ ist doppelt angegeben.")
        seen.add(key)
