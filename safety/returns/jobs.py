"""Scheduler job of this domain: open every school's return for each month that has ended, so "not submitted"
is a row the district sees (and, past the due day, a line in its queue). Idempotent: the unique (school, month)
with INSERT … SELECT … ON CONFLICT DO NOTHING."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, exists, literal, select

from ..core.clock import now
from ..core.sql import insert_ignoring_conflicts
from ..core.types import UTCDateTime
from ..scheduler.registry import job
from ..schools.models import Region, School
from .models import MonthlyReturn, ReturnStatus
from .rules import bounds, current_rules, due_at, month_of, parse_month


def ended_months(as_of: datetime, count: int) -> list[str]:
    """The `count` months before the one holding `as_of`, oldest first."""
    year, month = parse_month(month_of(current_rules(), as_of))
    months = []
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        months.append(f"{year}-{month:02d}")
    return months[::-1]


@job("open_monthly_returns", "cron", "Open every school's monthly safety return when a month ends", hour=0, minute=20)
def open_monthly_returns(as_of: datetime) -> int:
    rules = current_rules()
    opened = 0
    for month in ended_months(as_of, rules.backfill_months):
        end = bounds(rules, month)[1]
        taken = exists().where(MonthlyReturn.school_id == School.id, MonthlyReturn.month == month)
        rows = select(School.id, literal(month, String), due_at(rules, month),
                      literal(ReturnStatus.pending.value, String), literal(False), literal(False), literal("", String),
                      literal(now(), UTCDateTime)) \
            .join(Region, Region.id == School.region_id) \
            .where(School.active.is_(True), School.created_at < end, ~taken)
        opened += insert_ignoring_conflicts(MonthlyReturn, ["school_id", "month", "due_at", "status", "late",
                                                            "nil_return", "remarks", "created_at"], rows)
    return opened
