"""Read the tenant tables: routing by Leitweg-ID, roles and approval limits, supplier tokens."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, select

from domain.leitweg import LeitwegId, LeitwegIdError
from domain.status import Role
from storage.passwords import token_hash
from storage.models import City, Department, Group, GroupMember, Supplier, SupplierCreditor, SupplierToken, User, UserRole


@dataclass(frozen=True)
class Route:
    city: City | None
    department: Department | None  # None: the city's Rechnungseingang decides


def route(session: Session, leitweg_id: str | None) -> Route:
    """City and department for a Leitweg-ID (BT-10). An unknown Feinadressierung of a known
    city routes to the city alone; an invalid or unknown id to nothing."""
    try:
        parsed = LeitwegId.parse(leitweg_id or "")
    except LeitwegIdError:
        return Route(None, None)
    department = session.exec(select(Department).where(Department.leitweg_id == str(parsed))).first()
    if department is not None:
        return Route(session.get(City, department.city_id), department)
    city = session.exec(select(City).where(City.leitweg_coarse == parsed.coarse)).first()
    return Route(city, None)


def city_by_key(session: Session, key: str) -> City | None:
    return session.exec(select(City).where(City.key == key)).first()


def user_by_login(session: Session, login: str) -> User | None:
    return session.exec(select(User).where(User.login == login)).first()


def roles_of(session: Session, user_id: int, city_id: int | None = None) -> list[UserRole]:
    query = select(UserRole).where(UserRole.user_id == user_id)
    if city_id is not None:
        query = query.where(UserRole.city_id == city_id)
    return list(session.exec(query))


def has_role(session: Session, user_id: int, city_id: int, role: Role, department_id: int | None = None) -> bool:
    """A city-wide role, or one for exactly this department."""
    for r in roles_of(session, user_id, city_id):
        if r.role == role and (r.department_id is None or r.department_id == department_id):
            return True
    return False


def may_order_payment(session: Session, user_id: int, city_id: int, amount: Decimal) -> bool:
    """Anordnungsbefugnis: a payment orderer whose Wertgrenze covers the amount, or a treasury
    admin (no limit unless one is configured)."""
    for r in roles_of(session, user_id, city_id):
        if r.role in (Role.PAYMENT_ORDERER, Role.TREASURY_ADMIN):
            if r.approval_limit is None or abs(amount) <= r.approval_limit:
                return True
    return False


def users_with_role(session: Session, city_id: int, role: Role) -> list[User]:
    query = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.city_id == city_id, UserRole.role == role.value, User.active.is_(True))
        .order_by(User.login)
        .distinct()
    )
    return list(session.exec(query))


def groups_of(session: Session, user_id: int) -> list[Group]:
    query = select(Group).join(GroupMember, GroupMember.group_id == Group.id).where(GroupMember.user_id == user_id)
    return list(session.exec(query))


def group_by_key(session: Session, city_id: int, key: str) -> Group | None:
    return session.exec(select(Group).where(Group.city_id == city_id, Group.key == key)).first()


def supplier_by_token(session: Session, token: str) -> Supplier | None:
    row = session.exec(
        select(Supplier)
        .join(SupplierToken, SupplierToken.supplier_id == Supplier.id)
        .where(SupplierToken.token_sha256 == token_hash(token), SupplierToken.revoked_at.is_(None))
    ).first()
    return row


def creditor_number(session: Session, supplier_id: int, city_id: int) -> str | None:
    row = session.get(SupplierCreditor, (supplier_id, city_id))
    return row.creditor_number if row else None
