"""Column types both databases store exactly: money as NUMERIC, never float."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Numeric
from sqlalchemy.types import TypeDecorator, UserDefinedType

_CENT = Decimal("0.01")


class _SqliteNumeric(UserDefinedType):
    """NUMERIC affinity on SQLite without SQLAlchemy's float conversion of Numeric."""

    cache_ok = True

    def get_col_spec(self, **kw) -> str:
        return "NUMERIC"


class Money(TypeDecorator):
    """A Decimal amount. PostgreSQL keeps it as written (unconstrained NUMERIC); SQLite's
    NUMERIC affinity keeps at least 15 significant digits, and we hand it text, never float."""

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_SqliteNumeric())
        return dialect.type_descriptor(Numeric(asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("Geldbeträge sind Decimal, nie float.")
        value = value if isinstance(value, Decimal) else Decimal(value)
        return str(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
        # SQLite hands back 100 for "100.00": amounts show at least cents
        if amount.as_tuple().exponent > -2:
            amount = amount.quantize(_CENT)
        return amount

    def coerce_compared_value(self, op, value):
        return self
