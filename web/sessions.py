"""The session cookie: signed (itsdangerous), HttpOnly, SameSite=Lax, Secure.

With `secure_cookies=None` the Secure flag follows the request's scheme, so a plain-http
development server on localhost still works while every https deployment gets Secure cookies.
"""

from __future__ import annotations

from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from web.settings import WebSettings

COOKIE_NAME = "rechnungslauf_sitzung"


class SessionCookies:
    def __init__(self, app: ASGIApp, settings: WebSettings):
        def middleware(https_only: bool) -> SessionMiddleware:
            return SessionMiddleware(
                app,
                secret_key=settings.session_secret,
                session_cookie=COOKIE_NAME,
                max_age=settings.session_max_age,
                same_site="lax",
                https_only=https_only,
            )

        self.secure = middleware(True)
        self.plain = self.secure if settings.secure_cookies else middleware(False)
        if settings.secure_cookies is None:
            self.choose = lambda scope: self.secure if scope.get("scheme") in ("https", "wss") else self.plain
        else:
            self.choose = lambda scope: self.secure if settings.secure_cookies else self.plain

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.choose(scope)(scope, receive, send)
