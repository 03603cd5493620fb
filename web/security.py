"""Authentication and request protection: session logins, bearer tokens, CSRF.

Sessions live in a signed cookie (Starlette's SessionMiddleware: HttpOnly, SameSite=Lax,
Secure unless switched off for plain-http tests). Suppliers authenticate with their API
token (stored as SHA-256); clerks with their password or a personal token `rlc_…`, signed
with the app secret and bound to the password hash, so a new password revokes old tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from itsdangerous import BadSignature, URLSafeSerializer
from sqlmodel import Session

from storage.db import read_scope, session_scope
from storage.models import User
from web.identity import Clerk, SupplierIdentity, load_clerk, load_supplier, supplier_by_token
from web.problems import Problem
from web.services import services

CLERK_TOKEN_PREFIX = "rlc_"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
CLERK_LOGIN = "/kaemmerei/anmelden"
SUPPLIER_LOGIN = "/portal/anmelden"


class LoginRequired(Exception):
    def __init__(self, login_url: str):
        self.login_url = login_url


def install(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _to_login(request: Request, exc: LoginRequired):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{exc.login_url}?weiter={quote(target)}", status_code=303)


def db(request: Request) -> Iterator[Session]:
    # pages and lists only read: they must not queue behind the writers (SQLite's write lock)
    scope = read_scope if request.method in ("GET", "HEAD") else session_scope
    with scope(services(request).engine) as session:
        yield session


# ---------------------------------------------------------------- CSRF


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    expected = request.session.get("csrf")
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise Problem(
            403,
            "csrf.invalid",
            "Das Formular ist abgelaufen oder stammt nicht von dieser Seite. Bitte die Seite neu laden und erneut absenden.",
        )


async def csrf_form(request: Request) -> None:
    """Dependency for every form POST."""
    form = await request.form()
    check_csrf(request, form.get(CSRF_FIELD))


# ---------------------------------------------------------------- tokens


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(services(request).settings.session_secret, salt="clerk-api-token")


def _fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def issue_clerk_token(request: Request, user: User, city_id: int) -> str:
    return CLERK_TOKEN_PREFIX + _serializer(request).dumps({"u": user.id, "c": city_id, "f": _fingerprint(user)})


def _clerk_from_token(request: Request, session: Session, token: str) -> Clerk | None:
    try:
        data = _serializer(request).loads(token[len(CLERK_TOKEN_PREFIX):])
        user = session.get(User, int(data["u"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    if user is None or not hmac.compare_digest(str(data.get("f", "")), _fingerprint(user)):
        return None
    clerk = load_clerk(session, user.id, data.get("c"))
    return clerk if clerk is not None and clerk.city_id == data.get("c") else None


def _unauthorised(detail: str) -> Problem:
    return Problem(401, "auth.required", detail, headers={"WWW-Authenticate": 'Bearer realm="rechnungslauf"'})


# ---------------------------------------------------------------- dependencies


def clerk_from_session(request: Request, session: Session) -> Clerk | None:
    data = request.session.get("clerk")
    if not data:
        return None
    return load_clerk(session, data["user_id"], data.get("city_id"))


def supplier_from_session(request: Request, session: Session) -> SupplierIdentity | None:
    supplier_id = request.session.get("supplier")
    return load_supplier(session, supplier_id) if supplier_id else None


def _short_session(request: Request):
    # identity is looked up in a read-only transaction of its own: routes that then wait on
    # Temporal or the intake must not hold a database transaction meanwhile, and a lookup must
    # not queue behind the writers (SQLite's write lock)
    return read_scope(services(request).engine)


def clerk_page(request: Request) -> Clerk:
    with _short_session(request) as session:
        clerk = clerk_from_session(request, session)
    if clerk is None:
        raise LoginRequired(CLERK_LOGIN)
    return clerk


def supplier_page(request: Request) -> SupplierIdentity:
    with _short_session(request) as session:
        supplier = supplier_from_session(request, session)
    if supplier is None:
        raise LoginRequired(SUPPLIER_LOGIN)
    return supplier


def supplier_api(request: Request) -> SupplierIdentity:
    with _short_session(request) as session:
        return _supplier_api(request, session)


def _supplier_api(request: Request, session: Session) -> SupplierIdentity:
    token = bearer_token(request)
    if token is None:
        supplier = supplier_from_session(request, session)
        if supplier is not None and request.method in ("GET", "HEAD"):
            return supplier
        raise _unauthorised("Bitte mit dem API-Schlüssel des Lieferanten anmelden (Authorization: Bearer …).")
    if token.startswith(CLERK_TOKEN_PREFIX):
        raise Problem(403, "auth.not_a_supplier", "Dieser Schlüssel gehört einer Sachbearbeitung, nicht einem Lieferanten.")
    supplier = supplier_by_token(session, token)
    if supplier is None:
        raise _unauthorised("Der API-Schlüssel ist ungültig oder wurde widerrufen.")
    return supplier


def clerk_api(request: Request) -> Clerk:
    with _short_session(request) as session:
        return _clerk_api(request, session)


def _clerk_api(request: Request, session: Session) -> Clerk:
    token = bearer_token(request)
    if token is None:
        clerk = clerk_from_session(request, session)
        if clerk is None:
            raise _unauthorised("Bitte anmelden oder einen persönlichen API-Schlüssel senden (Authorization: Bearer rlc_…).")
        if request.method not in ("GET", "HEAD"):
            # a browser session sending JSON must prove it comes from our pages
            check_csrf(request, request.headers.get(CSRF_HEADER))
        return clerk
    if not token.startswith(CLERK_TOKEN_PREFIX):
        if supplier_by_token(session, token) is not None:
            raise Problem(403, "auth.not_a_clerk", "Lieferanten dürfen keine Prüfentscheidungen treffen.")
        raise _unauthorised("Der persönliche API-Schlüssel ist ungültig.")
    clerk = _clerk_from_token(request, session, token)
    if clerk is None:
        raise _unauthorised("Der persönliche API-Schlüssel ist ungültig oder nicht mehr gültig.")
    return clerk


def api_caller(request: Request) -> Clerk | SupplierIdentity:
    """Reading routes serve both: a supplier sees its own invoices, a clerk those of the city."""
    token = bearer_token(request)
    with _short_session(request) as session:
        if (token is not None and token.startswith(CLERK_TOKEN_PREFIX)) or (token is None and request.session.get("clerk")):
            return _clerk_api(request, session)
        return _supplier_api(request, session)
