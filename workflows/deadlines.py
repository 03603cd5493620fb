"""Working-day arithmetic for reminders and escalations, and the Skonto priority mark.
Pure functions: the workflow calls them with `workflow.now()`."""

from __future__ import annotations

from datetime import date, datetime, timedelta

SKONTO_NEAR_DAYS = 3  # a task is marked when the Skonto deadline is this close (calendar days)


def add_working_days(start: datetime, days: int) -> datetime:
    """`days` working days (Monday to Friday) after `start`, at the same time of day.

    A start on a weekend counts from the following Monday morning's position, so Saturday
    plus one working day is Tuesday, as Monday plus one is.
    """
    moment = start
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    remaining = days
    while remaining > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            remaining -= 1
    return moment


def skonto_near(skonto_date: date | None, today: date, days: int = SKONTO_NEAR_DAYS) -> bool:
    return skonto_date is not None and today >= skonto_date - timedelta(days=days)


def skonto_mark_at(skonto_date: date | None, tz_sample: datetime, days: int = SKONTO_NEAR_DAYS) -> datetime | None:
    """The moment a task turns "Skonto nah": midnight `days` before the deadline."""
    if skonto_date is None:
        return None
    day = skonto_date - timedelta(days=days)
    return datetime(day.year, day.month, day.day, tzinfo=tz_sample.tzinfo)


def task_due(remind_at: datetime, due_date: date | None, skonto_date: date | None) -> datetime:
    """When a task is due: at the reminder, or earlier when the invoice's payment or Skonto
    deadline comes first (the deadline's morning), so those invoices sort to the top."""
    deadlines = [remind_at] + [
        datetime(d.year, d.month, d.day, tzinfo=remind_at.tzinfo) for d in (due_date, skonto_date) if d is not None
    ]
    return min(deadlines)


def skonto_kept(skonto_date: date | None, ordered_on: date) -> bool | None:
    """Whether the Anordnung came in time for the discount; None when there is no Skonto."""
    return None if skonto_date is None else ordered_on <= skonto_date
