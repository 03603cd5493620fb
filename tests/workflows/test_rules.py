"""The decision checks without Temporal: every refusal code and the cases around it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from temporalio.exceptions import ApplicationError

from domain.status import InvoiceStatus, Role, Step
from workflows.decisions import Action, Decision, Refusal
from workflows.model import ApprovalState, CityStaff, RoleGrant, StaffMember, Substitution
from workflows.rules import check_decision, departmental_orderer_covers, format_eur

TODAY = date(2026, 11, 23)


def member(login, *grants):
    return StaffMember(login=login, display_name=login, grants=[RoleGrant(**g) for g in grants])


STAFF = CityStaff(
    city="ettlingen",
    departments=["hauptamt", "bau"],
    department_heads={"hauptamt": "leitung"},
    members={m.login: m for m in [
        member("eingang", {"role": Role.INTAKE_CLERK}),
        member("sach", {"role": Role.FACTUAL_REVIEWER, "department": "hauptamt"}),
        member("bau", {"role": Role.FACTUAL_REVIEWER, "department": "bau"}),
        member("rech", {"role": Role.ARITHMETIC_REVIEWER}),
        member("ord5", {"role": Role.PAYMENT_ORDERER, "approval_limit": Decimal("5000")}),
        member("ord50", {"role": Role.PAYMENT_ORDERER, "department": "hauptamt", "approval_limit": Decimal("50000")}),
        member("kasse", {"role": Role.TREASURY_ADMIN}),
        member("leitung", {"role": Role.DEPARTMENT_HEAD, "department": "hauptamt"}),
    ]},
    substitutions=[
        Substitution(absent="sach", substitute="aushilfe", valid_from=date(2026, 11, 1), valid_to=date(2026, 11, 30)),
        Substitution(absent="ord50", substitute="alt", valid_from=date(2025, 1, 1), valid_to=date(2025, 1, 31)),
    ],
)


def state(step=Step.FACTUAL_REVIEW, **kw) -> ApprovalState:
    values = dict(invoice_id=1, city="ettlingen", department="hauptamt", step=step, status=InvoiceStatus.IN_FACTUAL_REVIEW,
                  gross_amount=Decimal("1190.00"), staff=STAFF, busy=False)
    values.update(kw)
    return ApprovalState(**values)


def code(st: ApprovalState, **decision) -> str | None:
    decision.setdefault("step", st.step)
    try:
        check_decision(st, Decision(**decision), TODAY)
    except ApplicationError as err:
        assert err.message and err.non_retryable
        return err.type
    return None


def test_the_department_reviewer_may_approve_with_an_assignment():
    assert code(state(), action=Action.APPROVE, user="sach", account_assignment=[{"gl_account": "4711"}]) is None
    assert code(state(), action=Action.APPROVE, user="sach") == Refusal.ASSIGNMENT_MISSING


@pytest.mark.parametrize(("user", "expected"), [
    ("bau", Refusal.NOT_ASSIGNEE),  # reviewer of another department
    ("rech", Refusal.MISSING_ROLE),
    ("fremd", Refusal.OTHER_CITY),
    ("aushilfe", None),  # substitutes the absent "sach" this month
    ("alt", Refusal.OTHER_CITY),  # substitution expired, and no role in the city of its own
    ("leitung", Refusal.MISSING_ROLE),  # the head acts only after an escalation
])
def test_who_may_decide_the_factual_review(user, expected):
    decision = dict(action=Action.APPROVE, user=user, account_assignment=[{"gl_account": "4711"}])
    assert code(state(), **decision) == expected


def test_department_head_after_escalation():
    decision = dict(action=Action.APPROVE, user="leitung", account_assignment=[{"gl_account": "4711"}])
    assert code(state(escalated=True), **decision) is None
    assert code(state(escalated=True, department="bau"), **decision) == Refusal.MISSING_ROLE


@pytest.mark.parametrize(("assignment", "expected"), [
    ([{"gl_account": "4711", "line_id": "1"}, {"gl_account": "4712", "line_id": "2"}], None),
    ([{"gl_account": "4711", "net_amount": "600"}, {"gl_account": "4712", "net_amount": "590"}], None),
    ([{"gl_account": " "}], Refusal.ASSIGNMENT_INVALID),
    ([{"gl_account": "4711"}, {"gl_account": "4712", "line_id": "2"}], Refusal.ASSIGNMENT_INVALID),
    ([{"gl_account": "4711", "net_amount": "-1"}], Refusal.ASSIGNMENT_INVALID),
])
def test_account_assignment_per_invoice_or_per_line(assignment, expected):
    assert code(state(), action=Action.APPROVE, user="sach", account_assignment=assignment) == expected


def test_step_state_and_busy():
    assert code(state(), step=Step.PAYMENT_ORDER, action=Action.APPROVE, user="ord5") == Refusal.STEP_PASSED
    assert code(state(busy=True), action=Action.REJECT, user="sach", comment="x") == Refusal.BUSY
    assert code(state(busy=True), action=Action.COMMENT, user="rech", comment="Hinweis") is None
    assert code(state(status=InvoiceStatus.REJECTED), action=Action.COMMENT, user="rech", comment="x") == Refusal.FINISHED
    assert code(state(step=None), step=Step.FACTUAL_REVIEW, action=Action.APPROVE, user="sach") == Refusal.BUSY


def test_content_of_decisions():
    assert code(state(), action=Action.REJECT, user="sach", comment="  ") == Refusal.REASON_MISSING
    assert code(state(), action=Action.COMMENT, user="rech") == Refusal.REASON_MISSING
    assert code(state(), action=Action.FORWARD, user="sach", target_department="hauptamt") == Refusal.UNKNOWN_DEPARTMENT
    assert code(state(), action=Action.FORWARD, user="sach", target_department="bau") is None
    assert code(state(), action=Action.ASSIGN, user="sach", target_department="bau") == Refusal.ACTION_NOT_ALLOWED
    arithmetic = state(step=Step.ARITHMETIC_REVIEW)
    assert code(arithmetic, action=Action.FORWARD, user="rech", target_department="bau") == Refusal.ACTION_NOT_ALLOWED


def test_four_eyes():
    arithmetic = state(step=Step.ARITHMETIC_REVIEW, factual_reviewer="rech")
    assert code(arithmetic, action=Action.APPROVE, user="rech") is None
    strict = arithmetic.model_copy(update={"same_person_factual_and_arithmetic_allowed": False})
    assert code(strict, action=Action.APPROVE, user="rech") == Refusal.FOUR_EYES
    order = state(step=Step.PAYMENT_ORDER, factual_reviewer="ord5")
    assert code(order, action=Action.APPROVE, user="ord5") == Refusal.FOUR_EYES
    assert code(order, action=Action.REJECT, user="ord5", comment="nein") == Refusal.FOUR_EYES


def test_limits_and_treasury():
    order = state(step=Step.PAYMENT_ORDER, gross_amount=Decimal("5000.01"), factual_reviewer="sach")
    assert code(order, action=Action.APPROVE, user="ord5") == Refusal.LIMIT
    assert code(order, action=Action.APPROVE, user="ord50") is None
    assert code(order.model_copy(update={"gross_amount": Decimal("5000.00")}), action=Action.APPROVE, user="ord5") is None
    # ord50's grant is for the Hauptamt only
    assert code(order.model_copy(update={"department": "bau"}), action=Action.APPROVE, user="ord50") == Refusal.NOT_ASSIGNEE
    big = order.model_copy(update={"gross_amount": Decimal("80000")})
    assert code(big, action=Action.APPROVE, user="ord50") == Refusal.LIMIT
    assert code(big, action=Action.APPROVE, user="kasse") is None
    assert departmental_orderer_covers(STAFF, "hauptamt", Decimal("50000"))
    assert not departmental_orderer_covers(STAFF, "hauptamt", Decimal("50000.01"))
    assert not departmental_orderer_covers(STAFF, "bau", Decimal("6000"))


def test_amounts_read_in_german():
    assert format_eur(Decimal("1234567.5")) == "1.234.567,50 EUR"
