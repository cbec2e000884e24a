"""Missed inspections: points past their due time, told to the school once a day (not once a point)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import literal, select, union_all

from ..accounts.models import Role
from ..accounts.scope import people_at_schools
from ..notifications.services import enqueue_select
from ..scheduler.registry import job
from .models import Point


@job("flag_overdue_points", "interval", "Tell schools which points are past their inspection time", minutes=30)
def flag_overdue_points(as_of: datetime) -> int:
    """One notification per school per local day to its safety officers and principal (set-based)."""
    late_schools = select(Point.school_id).where(Point.next_due_at < as_of, Point.retired_at.is_(None)).distinct() \
        .subquery()
    # District inspectors see many schools; the school's own officers and principal are the ones to act.
    officers = people_at_schools(Role.inspector, through_regions=False).subquery()
    principals = people_at_schools(Role.principal).subquery()  # SQLite cannot nest a UNION directly
    people = union_all(select(officers), select(principals)).subquery()
    day = as_of.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date().isoformat()
    rows = select(people.c.user_id, late_schools.c.school_id, late_schools.c.school_id) \
        .join(people, people.c.school_id == late_schools.c.school_id)
    return enqueue_select("inspection_overdue", "school", rows, key_suffix=lambda _source: literal(day))


