"""Who is asking: a clerk of one city (with roles and groups) or a supplier. Loaded from storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from decimal import Decimal

from sqlmodel import Session, select

from domain.status import Role, Step, STEP_ROLE
from storage import tenants
from storage.models import City, Group, GroupMember, Supplier, User, UserRole
from storage.passwords import hash_password, verify_password



@cache
def _dummy_hash() -> str:
    # verifying against this when the login is unknown keeps the answer time the same
    return hash_password("kein-benutzer")


@dataclass(frozen=True)
class Clerk:
    user_id: int
    login: str
    display_name: str
    city_id: int
    city_key: str
    city_name: str
    roles: frozenset[Role]
    group_ids: frozenset[int] = field(default_factory=frozenset)
    approval_limit: Decimal | None = None  # highest limit of the orderer roles; None = unlimited or none
    cities: tuple[tuple[int, str], ...] = ()  # every city this user has a role in: (id, name)

    def may(self, step: Step | str) -> bool:
        """Whether one of the clerk's roles belongs to this step (the workflow checks the rest)."""
        try:
            role = STEP_ROLE[Step(step)]
        except (KeyError, ValueError):
            return False
        return role in self.roles or Role.TREASURY_ADMIN in self.roles


@dataclass(frozen=True)
class SupplierIdentity:
    supplier_id: int
    key: str
    name: str


def authenticate_user(session: Session, login: str, password: str) -> User | None:
    user = session.exec(select(User).where(User.login == login.strip().lower())).first()
    if user is None or not user.active or not user.password_hash:
        verify_password(_dummy_hash(), password)
        return None
    return user if verify_password(user.password_hash, password) else None


def user_cities(session: Session, user_id: int) -> list[City]:
    rows = session.exec(
        select(City).join(UserRole, UserRole.city_id == City.id).where(UserRole.user_id == user_id).distinct()
    ).all()
    return sorted(rows, key=lambda c: c.name)


def load_clerk(session: Session, user_id: int, city_id: int | None) -> Clerk | None:
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    cities = user_cities(session, user_id)
    if not cities:
        return None
    city = next((c for c in cities if c.id == city_id), cities[0])
    roles = session.exec(select(UserRole).where(UserRole.user_id == user_id, UserRole.city_id == city.id)).all()
    groups = session.exec(
        select(GroupMember.group_id)
        .join(Group, Group.id == GroupMember.group_id)
        .where(GroupMember.user_id == user_id, Group.city_id == city.id)
    ).all()
    limits = [r.approval_limit for r in roles if r.role in (Role.PAYMENT_ORDERER, Role.TREASURY_ADMIN)]
    return Clerk(
        user_id=user.id,
        login=user.login,
        display_name=user.display_name,
        city_id=city.id,
        city_key=city.key,
        city_name=city.name,
        roles=frozenset(Role(r.role) for r in roles),
        group_ids=frozenset(groups),
        approval_limit=None if not limits or None in limits else max(limits),
        cities=tuple((c.id, c.name) for c in cities),
    )


def supplier_by_token(session: Session, token: str) -> SupplierIdentity | None:
    row = tenants.supplier_by_token(session, token) if token else None
    return supplier_identity(row) if row else None


def load_supplier(session: Session, supplier_id: int) -> SupplierIdentity | None:
    row = session.get(Supplier, supplier_id)
    return supplier_identity(row) if row else None


def supplier_identity(row: Supplier) -> SupplierIdentity:
    return SupplierIdentity(supplier_id=row.id, key=row.key, name=row.name)
