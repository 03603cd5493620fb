"""Clerk API: decisions on an invoice of the clerk's city, for integrations and tests."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from web.decisions import DecisionRequest, send_decision
from web.identity import Clerk
from web.params import InvoiceId
from web.problems import documented
from web.security import clerk_api
from web.services import services

router = APIRouter(prefix="/api/v1", tags=["Sachbearbeitung"])


@router.post(
    "/invoices/{invoice_id}/decisions",
    summary="Prüfentscheidung treffen",
    description="Sachlich richtig (mit Kontierung), rechnerisch richtig, anordnen, zurückweisen, "
    "weiterleiten oder kommentieren. Angemeldet per Sitzung (mit Kopfzeile `X-CSRF-Token`) "
    "oder persönlichem Schlüssel (`Authorization: Bearer rlc_…`).",
    responses={
        200: {"description": "Entscheidung gespeichert; neuer Stand der Rechnung"},
        401: documented("nicht angemeldet"),
        403: documented("abgelehnt: Rolle, Zuständigkeit, Vier-Augen-Prinzip oder Wertgrenze"),
        404: documented("Rechnung nicht gefunden (oder einer anderen Stadt)"),
        409: documented("Schritt ist bereits erledigt oder das Verfahren beendet"),
        422: documented("Angaben fehlen, z. B. Grund oder Kontierung"),
        503: documented("Freigabe-Dienst nicht erreichbar"),
    },
)
async def post_decision(invoice_id: InvoiceId, body: DecisionRequest, request: Request, clerk: Clerk = Depends(clerk_api)):
    result = await send_decision(services(request), clerk, invoice_id, body)
    return result.model_dump(mode="json")
