"""German wording of the audit trail's actions for the invoice history."""

from __future__ import annotations

from domain.status import InvoiceStatus, Step
from workflows.decisions import Action

FIXED = {
    "invoice.created": "Rechnung eingegangen",
    "task.opened": "Aufgabe angelegt",
    "task.reminded": "Erinnerung verschickt",
    "task.escalated": "an die Amtsleitung eskaliert",
    "task.escalated_to_treasury": "an die Kämmerei abgegeben (Wertgrenze)",
    "task.skonto_near": "Skontofrist läuft bald ab",
    "workflow.routed": "zugeordnet",
    "workflow.route": "Stadt und Amt aus der Leitweg-ID ermittelt",
    "workflow.started": "Freigabeverfahren gestartet",
    "arithmetic.recomputed": "Beträge nachgerechnet",
    "workflow.exported": "ins Finanzverfahren exportiert",
    "export.recorded": "ins Finanzverfahren exportiert",
}
APPROVALS = {
    Step.INTAKE: "Amt zugeordnet",
    Step.FACTUAL_REVIEW: "sachlich richtig",
    Step.ARITHMETIC_REVIEW: "rechnerisch richtig",
    Step.PAYMENT_ORDER: "angeordnet",
}


def actor_label(actor: str) -> str:
    """Logins stay as they are; the machine actors get German names."""
    if actor == "system":
        return "System"
    if actor.startswith("supplier:") or actor == "intake":
        return "Lieferant"
    return actor


def action_label(action: str) -> str:
    if action in FIXED:
        return FIXED[action]
    kind, _, rest = action.partition(".")
    if kind == "status":
        try:
            return f"Stand: {InvoiceStatus(rest).label}"
        except ValueError:
            return action
    if kind == "decision":
        step_value, _, action_value = rest.partition(".")
        try:
            step, decided = Step(step_value), Action(action_value)
        except ValueError:
            return action
        if decided is Action.APPROVE:
            return APPROVALS[step]
        return f"{step.label}: {decided.label}"
    return action
