"""Clerk pages over many invoices: the inbox, the search and the city dashboard."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, select

from domain.status import InvoiceStatus, Step
from storage.models import Department, Group, Supplier, User, utcnow
from storage.tasks import SORTS, InboxQuery, inbox
from web.dashboard import city_dashboard
from web.formatting import parse_amount
from web.identity import Clerk
from web.pages import page, redirect
from web.params import PageNumber, optional_id
from web.problems import Problem
from web.queries import SearchQuery, search_invoices
from web.security import clerk_page, db
from web.services import services

router = APIRouter(prefix="/kaemmerei", include_in_schema=False)


def _departments(session: Session, city_id: int) -> list[Department]:
    return list(session.exec(select(Department).where(Department.city_id == city_id).order_by(Department.name)))


def _assignees(session: Session, rows) -> dict[tuple[str, int], str]:
    """Who holds each task on the page: a person's or a group's name, in two queries."""
    user_ids = {r.task.assignee_user_id for r in rows if r.task.assignee_user_id}
    group_ids = {r.task.assignee_group_id for r in rows if r.task.assignee_group_id}
    names: dict[tuple[str, int], str] = {}
    if user_ids:
        names.update({("user", u.id): u.display_name for u in session.exec(select(User).where(User.id.in_(user_ids)))})
    if group_ids:
        names.update({("group", g.id): g.name for g in session.exec(select(Group).where(Group.id.in_(group_ids)))})
    return names


def _suppliers(session: Session) -> list[Supplier]:
    return list(session.exec(select(Supplier).order_by(Supplier.name)))


def _decimal(value: str | None, label: str) -> Decimal | None:
    try:
        return parse_amount(value)
    except ValueError:
        raise Problem(422, "search.invalid_amount", f"„{value}“ ist kein gültiger Betrag ({label}).") from None


def _date(value: str | None, label: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Problem(422, "search.invalid_date", f"„{value}“ ist kein gültiges Datum ({label}).") from None


@router.get("", include_in_schema=False)
@router.get("/", include_in_schema=False)
def home(clerk: Clerk = Depends(clerk_page)):
    return redirect("/kaemmerei/eingang")


@router.get("/eingang", response_class=HTMLResponse)
def inbox_page(
    request: Request,
    clerk: Clerk = Depends(clerk_page),
    session: Session = Depends(db),
    schritt: str | None = None,
    amt: str | None = None,
    lieferant: str | None = None,
    ueberfaellig: str | None = None,
    sortierung: str = "due",
    seite: PageNumber = 1,
):
    step = schritt if schritt in {s.value for s in Step} else None
    query = InboxQuery(
        step=Step(step) if step else None,
        city_id=clerk.city_id,
        department_id=optional_id(amt),
        supplier_id=optional_id(lieferant),
        overdue=bool(ueberfaellig),
        sort=sortierung if sortierung in SORTS else "due",
        page=seite,
        page_size=services(request).settings.page_size,
    )
    result = inbox(session, clerk.user_id, query)
    now = utcnow()
    return page(
        request,
        "clerk/inbox.html",
        {
            "clerk": clerk,
            "result": result,
            "assignees": _assignees(session, result.rows),
            "me": clerk.user_id,
            "pages": max(1, -(-result.total // result.page_size)),
            "query": query,
            "steps": list(Step),
            "departments": _departments(session, clerk.city_id),
            "suppliers": _suppliers(session),
            "now": now,
            "today": now.date(),
            "filters": {"schritt": step or "", "amt": amt or "", "lieferant": lieferant or "", "ueberfaellig": ueberfaellig or "", "sortierung": query.sort},
        },
    )


@router.get("/suche", response_class=HTMLResponse)
def search_page(
    request: Request,
    clerk: Clerk = Depends(clerk_page),
    session: Session = Depends(db),
    nummer: str | None = None,
    lieferant: str | None = None,
    betrag_von: str | None = None,
    betrag_bis: str | None = None,
    datum_von: str | None = None,
    datum_bis: str | None = None,
    status: list[str] = Query(default=[]),
    seite: PageNumber = 1,
):
    query = SearchQuery(
        number=nummer,
        supplier=lieferant,
        amount_min=_decimal(betrag_von, "Betrag von"),
        amount_max=_decimal(betrag_bis, "Betrag bis"),
        date_from=_date(datum_von, "Datum von"),
        date_to=_date(datum_bis, "Datum bis"),
        statuses=status,
    )
    size = services(request).settings.page_size
    rows, total = search_invoices(session, clerk.city_id, query, page=seite, page_size=size)
    return page(
        request,
        "clerk/search.html",
        {
            "clerk": clerk,
            "rows": rows,
            "total": total,
            "page": seite,
            "pages": max(1, -(-total // size)),
            "statuses": list(InvoiceStatus),
            "form": {
                "nummer": nummer or "", "lieferant": lieferant or "", "betrag_von": betrag_von or "",
                "betrag_bis": betrag_bis or "", "datum_von": datum_von or "", "datum_bis": datum_bis or "", "status": status,
            },
        },
    )


@router.get("/uebersicht", response_class=HTMLResponse)
def dashboard_page(request: Request, clerk: Clerk = Depends(clerk_page), session: Session = Depends(db)):
    return page(request, "clerk/dashboard.html", {"clerk": clerk, "board": city_dashboard(session, clerk.city_id)})
