"""Secrets at rest: passwords hashed with argon2 (argon2-cffi), supplier API tokens as SHA-256.
The web verifies logins and tokens with the same functions."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@lru_cache(maxsize=256)
def verify_password_cached(password_hash: str, password: str) -> bool:
    """For loading configuration files, where many demo users share one password: argon2 is
    deliberately slow, and the same (hash, password) pair needs checking only once."""
    return verify_password(password_hash, password)


def token_hash(token: str) -> str:
    """API tokens are long random strings: a plain SHA-256 is enough to look them up safely."""
    return hashlib.sha256(token.encode()).hexdigest()
