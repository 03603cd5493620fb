"""Rendering an HTML page: the template plus what every page shows (who is logged in, CSRF
token, a one-time message carried over a redirect)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from web.security import csrf_token


def flash(request: Request, text: str, kind: str = "ok") -> None:
    request.session["flash"] = {"text": text, "kind": kind}


def page(request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    values = {"csrf_token": csrf_token(request), "flash": request.session.pop("flash", None)}
    values.update(context or {})
    return request.app.state.templates.TemplateResponse(request, template, values, status_code=status_code)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
