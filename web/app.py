"""The FastAPI app factory: `create_app(settings)` wires services, sessions, errors and routes."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

import validators
from web import problems, security
from web.pages import page
from web.routes import clerk_api, clerk_auth, clerk_invoice, clerk_lists, portal, supplier_api
from web.headers import SecurityHeaders
from web.services import Services
from web.sessions import SessionCookies
from web.settings import WebSettings
from web.templating import make_templates
from web.throttle import LoginThrottle

STATIC_DIR = Path(__file__).parent / "static"

DESCRIPTION = (
    "Schnittstelle des re@di Rechnungslaufs. Lieferanten reichen XRechnungen (UBL, CII) und "
    "ZUGFeRD-/Factur-X-PDFs mit ihrem API-Schlüssel ein (Authorization: Bearer …) und fragen den "
    "Bearbeitungsstand ab. Sachbearbeitungen treffen Prüfentscheidungen mit einem persönlichen "
    "Schlüssel (rlc_…). Fehler werden als Problem Details (RFC 9457, application/problem+json) mit "
    "deutschem detail und stabilem code beantwortet."
)


def create_app(settings: WebSettings | None = None, *, engine=None) -> FastAPI:
    settings = settings or WebSettings.from_env()
    svc = Services(settings, engine=engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # compile the validation stylesheets before the first upload, not during it
        await asyncio.to_thread(validators.warm_up)
        yield
        svc.close()

    app = FastAPI(
        title="re@di Rechnungslauf",
        description=DESCRIPTION,
        version="1.0",
        lifespan=lifespan,
        docs_url=None,  # our own page: the stock one loads its JavaScript from a CDN
        redoc_url=None,
    )
    app.state.services = svc
    app.state.templates = make_templates()
    app.state.login_throttle = LoginThrottle()
    app.add_middleware(SessionCookies, settings=settings)
    app.add_middleware(SecurityHeaders)
    problems.install(app)
    security.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request):
        return page(request, "index.html")

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs(request: Request):
        return page(request, "docs.html", {"api": app.openapi()})

    for module in (supplier_api, clerk_api, portal, clerk_auth, clerk_lists, clerk_invoice):
        app.include_router(module.router)
    return app
