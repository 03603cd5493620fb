"""Clerk login and logout, city switch, and the personal API token page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from storage.models import User
from web.identity import Clerk, authenticate_user, load_clerk
from web.pages import flash, page, redirect
from web.security import CSRF_FIELD, check_csrf, clerk_page, csrf_form, db, issue_clerk_token

router = APIRouter(prefix="/kaemmerei", include_in_schema=False)
HOME = "/kaemmerei/eingang"


def safe_target(target: str | None, prefix: str, default: str) -> str:
    """Only paths of our own area: never an open redirect."""
    if target and target.startswith(prefix) and not target.startswith("//") and "\\" not in target:
        return target
    return default


@router.get("/anmelden", response_class=HTMLResponse)
def login_form(request: Request, weiter: str | None = None):
    return page(request, "clerk/login.html", {"weiter": weiter or ""})


@router.post("/anmelden", response_class=HTMLResponse)
def login(
    request: Request,
    session: Session = Depends(db),
    login: str = Form(""),
    password: str = Form(""),
    weiter: str = Form(""),
    csrf_token: str = Form("", alias=CSRF_FIELD),
):
    check_csrf(request, csrf_token)
    throttle = request.app.state.login_throttle
    key = f"clerk:{login.strip().lower()}"
    throttle.check(key)
    user = authenticate_user(session, login, password) if login and password else None
    clerk = load_clerk(session, user.id, None) if user else None
    if clerk is None:
        throttle.failed(key)
        return page(
            request,
            "clerk/login.html",
            {"error": "Benutzername oder Passwort ist falsch.", "login": login, "weiter": weiter},
            status_code=401,
        )
    throttle.succeeded(key)
    # a fresh session at login: nothing from before the login carries over
    request.session.clear()
    request.session["clerk"] = {"user_id": clerk.user_id, "city_id": clerk.city_id}
    return redirect(safe_target(weiter, "/kaemmerei/", HOME))


@router.post("/abmelden", dependencies=[Depends(csrf_form)])
def logout(request: Request):
    request.session.clear()
    flash(request, "Sie wurden abgemeldet.", "info")
    return redirect("/kaemmerei/anmelden")


@router.post("/stadt", dependencies=[Depends(csrf_form)])
def switch_city(request: Request, city_id: int = Form(...), clerk: Clerk = Depends(clerk_page), session: Session = Depends(db)):
    switched = load_clerk(session, clerk.user_id, city_id)
    if switched is None or switched.city_id != city_id:
        flash(request, "Für diese Stadt haben Sie keine Rolle.", "error")
    else:
        request.session["clerk"] = {"user_id": clerk.user_id, "city_id": city_id}
        flash(request, f"Sie arbeiten jetzt für {switched.city_name}.", "info")
    return redirect(HOME)


@router.get("/schluessel", response_class=HTMLResponse)
def token_page(request: Request, clerk: Clerk = Depends(clerk_page)):
    return page(request, "clerk/token.html", {"clerk": clerk, "token": None})


@router.post("/schluessel", response_class=HTMLResponse, dependencies=[Depends(csrf_form)])
def issue_token(request: Request, clerk: Clerk = Depends(clerk_page), session: Session = Depends(db)):
    user = session.get(User, clerk.user_id)
    return page(request, "clerk/token.html", {"clerk": clerk, "token": issue_clerk_token(request, user, clerk.city_id)})
