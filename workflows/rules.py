"""Who may decide what, when: the checks behind every decision Update's validator.

Pure and deterministic (GemKVO BW as the engine enforces it): role in the invoice's city,
the task's department, an active Vertretung, the step still open, the four-eyes rule and
the Wertgrenze. They read only the workflow's state, never the database.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.status import FINAL_STATUSES, InvoiceStatus, Role, Step
from workflows.decisions import Action, Decision, Refusal, refuse
from workflows.model import ApprovalState, CityStaff, RoleGrant, StaffMember

STEP_ACTIONS = {
    Step.INTAKE: {Action.ASSIGN, Action.FORWARD, Action.REJECT, Action.COMMENT},
    Step.FACTUAL_REVIEW: {Action.APPROVE, Action.REJECT, Action.FORWARD, Action.COMMENT},
    Step.ARITHMETIC_REVIEW: {Action.APPROVE, Action.REJECT, Action.COMMENT},
    Step.PAYMENT_ORDER: {Action.APPROVE, Action.REJECT, Action.COMMENT},
}

STEP_ROLES = {
    Step.INTAKE: (Role.INTAKE_CLERK,),
    Step.FACTUAL_REVIEW: (Role.FACTUAL_REVIEWER,),
    Step.ARITHMETIC_REVIEW: (Role.ARITHMETIC_REVIEWER,),
    Step.PAYMENT_ORDER: (Role.PAYMENT_ORDERER, Role.TREASURY_ADMIN),
}

CLOSED_STATUSES = FINAL_STATUSES | {InvoiceStatus.APPROVED, InvoiceStatus.EXPORTED}  # nothing left to decide

# roles that act for the whole city whatever the department of the grant
CITY_WIDE_ROLES = frozenset({Role.INTAKE_CLERK, Role.TREASURY_ADMIN})


def format_eur(amount: Decimal) -> str:
    text = f"{amount:,.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".") + " EUR"


def grants_for_step(member: StaffMember, step: Step, department: str | None) -> list[RoleGrant]:
    """The member's grants that let them act at `step` for `department`."""
    return [
        g
        for g in member.grants
        if g.role in STEP_ROLES[step]
        and (g.department is None or g.department == department or g.role in CITY_WIDE_ROLES)
    ]


def covers(grant: RoleGrant, amount: Decimal) -> bool:
    return grant.approval_limit is None or grant.approval_limit >= amount


def departmental_orderer_covers(staff: CityStaff, department: str | None, amount: Decimal) -> bool:
    """Whether anyone with an ordinary Anordnungsbefugnis for the department covers the amount;
    if not, the Anordnung escalates to the treasury (Kämmerei / Stadtkasse)."""
    return any(
        g.role is Role.PAYMENT_ORDERER and covers(g, amount)
        for m in staff.members.values()
        for g in grants_for_step(m, Step.PAYMENT_ORDER, department)
    )


def absent_principals(staff: CityStaff, login: str, today: date) -> list[str]:
    """Users whom `login` substitutes today."""
    return [
        s.absent for s in staff.substitutions if s.substitute == login and s.valid_from <= today <= s.valid_to
    ]


def may_act_as_head(state: ApprovalState, login: str) -> bool:
    staff = state.staff
    return bool(
        staff
        and state.escalated
        and state.step in (Step.FACTUAL_REVIEW, Step.ARITHMETIC_REVIEW)
        and staff.department_heads.get(state.department or "") == login
    )


def check_decision(state: ApprovalState, decision: Decision, today: date) -> str | None:
    """Raise a refusal, or return the login on whose behalf the user acts (a substitute's
    absent colleague), None when acting in their own right."""
    if state.status in CLOSED_STATUSES:
        raise refuse(Refusal.FINISHED, "Das Freigabeverfahren dieser Rechnung ist abgeschlossen.")
    if state.step is None or (state.busy and decision.action is not Action.COMMENT):
        raise refuse(
            Refusal.BUSY,
            "Zu dieser Rechnung wird gerade eine Entscheidung gespeichert oder der nächste Schritt eröffnet; "
            "bitte versuchen Sie es gleich noch einmal.",
        )
    if decision.step != state.step:
        raise refuse(
            Refusal.STEP_PASSED,
            f"Der Schritt „{decision.step.label}“ ist nicht offen; die Rechnung ist in „{state.step.label}“.",
        )
    staff = state.staff
    assert staff is not None  # set before a step opens
    today_principals = absent_principals(staff, decision.user, today)
    if decision.user not in staff.members and not today_principals:
        raise refuse(Refusal.OTHER_CITY, "Diese Rechnung gehört nicht zu Ihrer Stadt.")
    if decision.action not in STEP_ACTIONS[state.step]:
        raise refuse(
            Refusal.ACTION_NOT_ALLOWED,
            f"„{decision.action.label}“ ist im Schritt „{state.step.label}“ nicht möglich.",
        )
    if decision.action is Action.COMMENT:
        if not (decision.comment or "").strip():
            raise refuse(Refusal.REASON_MISSING, "Bitte geben Sie einen Kommentar ein.")
        return None

    principal = _principal(state, staff, decision.user, today_principals)
    _check_content(state, staff, decision)
    _check_four_eyes(state, decision.user)
    if state.step is Step.PAYMENT_ORDER and decision.action is Action.APPROVE:
        # a substitute orders within the absent colleague's Wertgrenze
        member = staff.members.get(principal or decision.user)
        grants = grants_for_step(member, Step.PAYMENT_ORDER, state.department) if member else []
        if not any(covers(g, state.gross_amount) for g in grants):
            limits = [g.approval_limit for g in grants if g.approval_limit is not None]
            limit = format_eur(max(limits)) if limits else "—"
            raise refuse(
                Refusal.LIMIT,
                f"Ihre Wertgrenze ({limit}) deckt den Bruttobetrag von {format_eur(state.gross_amount)} nicht.",
            )
    return principal


def _check_four_eyes(state: ApprovalState, acting: str) -> None:
    if acting != state.factual_reviewer:
        return
    if state.step is Step.PAYMENT_ORDER:
        message = "Sie haben die sachliche Prüfung vorgenommen und dürfen diese Rechnung nicht anordnen"
    elif state.step is Step.ARITHMETIC_REVIEW and not state.same_person_factual_and_arithmetic_allowed:
        message = "In Ihrer Stadt darf die rechnerische Prüfung nicht von derselben Person wie die sachliche Prüfung erfolgen"
    else:
        return
    raise refuse(Refusal.FOUR_EYES, f"{message} (Vier-Augen-Prinzip).")


def _principal(state: ApprovalState, staff: CityStaff, login: str, principals: list[str]) -> str | None:
    """Check role and assignment; a substitute acts in the name of an absent colleague."""
    step = state.step
    assert step is not None
    member = staff.members.get(login)
    if member and (grants_for_step(member, step, state.department) or may_act_as_head(state, login)):
        return None
    for absent in principals:
        other = staff.members.get(absent)
        if other and grants_for_step(other, step, state.department):
            return absent
    has_role = member is not None and any(g.role in STEP_ROLES[step] for g in member.grants)
    if not has_role and not principals:
        raise refuse(Refusal.MISSING_ROLE, f"Ihnen fehlt die Berechtigung für die {step.label}.")
    raise refuse(
        Refusal.NOT_ASSIGNEE,
        f"Die Aufgabe „{step.label}“ dieser Rechnung ist einem anderen Amt oder einer anderen Person zugewiesen.",
    )


def _check_content(state: ApprovalState, staff: CityStaff, decision: Decision) -> None:
    if decision.action is Action.REJECT and not (decision.comment or "").strip():
        raise refuse(
            Refusal.REASON_MISSING, "Bitte geben Sie einen Grund für die Zurückweisung an; der Lieferant liest ihn."
        )
    if decision.action in (Action.FORWARD, Action.ASSIGN):
        target = decision.target_department
        if not target or target not in staff.departments:
            raise refuse(Refusal.UNKNOWN_DEPARTMENT, f"Das Amt „{target or ''}“ gibt es in dieser Stadt nicht.")
        if decision.action is Action.FORWARD and state.step is Step.FACTUAL_REVIEW and target == state.department:
            raise refuse(Refusal.UNKNOWN_DEPARTMENT, "Die Rechnung liegt bereits bei diesem Amt.")
    if decision.action is Action.APPROVE and state.step is Step.FACTUAL_REVIEW:
        _check_assignment(decision.account_assignment)


def _check_assignment(assignments: list) -> None:
    if not assignments:
        raise refuse(
            Refusal.ASSIGNMENT_MISSING,
            "Bitte geben Sie die Kontierung an (Sachkonto, Kostenstelle, Produkt; je Rechnung oder Position).",
        )
    if any(not a.gl_account.strip() for a in assignments):
        raise refuse(Refusal.ASSIGNMENT_INVALID, "Jede Kontierung braucht ein Sachkonto.")
    per_line = {a.line_id is not None for a in assignments}
    if len(per_line) > 1:
        raise refuse(
            Refusal.ASSIGNMENT_INVALID,
            "Bitte kontieren Sie entweder die ganze Rechnung oder jede Position, nicht beides gemischt.",
        )
    if any(a.net_amount is not None and a.net_amount < 0 for a in assignments):
        raise refuse(Refusal.ASSIGNMENT_INVALID, "Ein Kontierungsbetrag darf nicht negativ sein.")
