"""Problem details (RFC 9457) for every error the web answers: a stable `code`, a German `detail`.

API clients get `application/problem+json`; a person in a browser gets the same facts as an
HTML page. Nothing a client sends may end in a 500: unexpected exceptions are logged and
answered with a problem too, but those are our bugs, never the client's input.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"

TITLES = {
    400: "Ungültige Anfrage",
    401: "Anmeldung erforderlich",
    403: "Keine Berechtigung",
    404: "Nicht gefunden",
    405: "Methode nicht erlaubt",
    409: "Konflikt",
    411: "Länge erforderlich",
    413: "Datei zu groß",
    415: "Nicht unterstütztes Format",
    422: "Nicht verarbeitbar",
    429: "Zu viele Anfragen",
    500: "Interner Fehler",
    503: "Dienst nicht verfügbar",
}

# Starlette raises HTTPException for routing failures; give each a stable code and German text.
_ROUTING = {
    404: ("not_found", "Die angeforderte Seite oder Ressource gibt es nicht."),
    405: ("method_not_allowed", "Diese Methode ist für diese Adresse nicht erlaubt."),
}


class Problem(Exception):
    """An error answer: raise it anywhere in a request and the handler renders it."""

    def __init__(self, status: int, code: str, detail: str, *, headers: dict[str, str] | None = None, **extra: Any):
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra

    def body(self, instance: str | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": f"urn:rechnungslauf:problem:{self.code}",
            "title": TITLES.get(self.status, "Fehler"),
            "status": self.status,
            "code": self.code,
            "detail": self.detail,
        }
        if instance:
            data["instance"] = instance
        data.update(self.extra)
        return data


def documented(description: str) -> dict:
    """An OpenAPI response entry for an error answer."""
    return {"description": description, "content": {PROBLEM_MEDIA_TYPE: {}}}


def not_found(what: str = "Die Rechnung") -> Problem:
    """The one answer for anything a caller may not see: it must not reveal that it exists."""
    return Problem(404, "not_found", f"{what} wurde nicht gefunden.")


def wants_html(request: Request) -> bool:
    if request.url.path.startswith("/api/"):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept


def render(request: Request, problem: Problem) -> Response:
    if wants_html(request):
        templates = getattr(request.app.state, "templates", None)
        if templates is not None:
            response = templates.TemplateResponse(
                request,
                "problem.html",
                {"problem": problem.body(), "status": problem.status},
                status_code=problem.status,
                headers=problem.headers,
            )
            return response
    return JSONResponse(
        problem.body(request.url.path),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=problem.headers,
    )


def _describe_validation(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    described = []
    for error in errors:
        where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body",))
        described.append({"field": where or "body", "code": str(error.get("type", "invalid"))})
    return described


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        return render(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code, detail = _ROUTING.get(exc.status_code, ("http_error", TITLES.get(exc.status_code, "Fehler") + "."))
        return render(request, Problem(exc.status_code, code, detail, headers=dict(exc.headers or {})))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        fields = _describe_validation(list(exc.errors()))
        names = ", ".join(f["field"] for f in fields)
        return render(
            request,
            Problem(
                422,
                "request.invalid",
                f"Die Anfrage ist unvollständig oder fehlerhaft (betroffen: {names}).",
                errors=fields,
            ),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return render(request, Problem(500, "internal", "Ein interner Fehler ist aufgetreten. Bitte später erneut versuchen."))
