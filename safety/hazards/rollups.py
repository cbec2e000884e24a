"""Hazards opened and closed per school and week, for the dashboards' weekly chart.

The scheduler counts the last WEEKS weeks into `hazard_week_rollups` every few minutes; a dashboard then adds up
a few rows per school instead of scanning a quarter's hazards on every view. Until the first count exists the
same figures are counted live.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, delete, func, insert, literal, select, union_all

from ..core.types import UTCDateTime
from ..extensions import db
from .models import Hazard, HazardStatus, HazardWeekRollup

WEEKS = 12


def week_starts(as_of: datetime) -> list[datetime]:
    """Mondays 00:00 in the display time zone, oldest first; the last is the week of `as_of`."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    today = as_of.astimezone(zone).date()
    monday = datetime.combine(today - timedelta(days=today.weekday()), time(0), zone)
    return [monday - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]


def _per_school_week(starts: list[datetime], schools: Select | None = None) -> Select:
    """(school_id, week_start, opened, closed) counted from the hazards, in one pass over the weeks' rows."""
    bounds = [*starts, starts[-1] + timedelta(weeks=1)]
    weeks = union_all(*(select(literal(a, type_=UTCDateTime()).label("start"), literal(b, type_=UTCDateTime())
                               .label("end")) for a, b in pairwise(bounds))).subquery()
    opened = select(Hazard.school_id, Hazard.created_at.label("at"), literal(1).label("opened"),
                    literal(0).label("closed")).where(Hazard.created_at >= bounds[0])
    closed = select(Hazard.school_id, Hazard.closed_at, literal(0), literal(1)) \
        .where(Hazard.status == HazardStatus.closed, Hazard.closed_at >= bounds[0])
    if schools is not None:
        opened, closed = opened.where(Hazard.school_id.in_(schools)), closed.where(Hazard.school_id.in_(schools))
    events = union_all(opened, closed).subquery()
    return select(events.c.school_id, weeks.c.start.label("week_start"), func.sum(events.c.opened).label("opened"),
                  func.sum(events.c.closed).label("closed")) \
        .join(weeks, (events.c.at >= weeks.c.start) & (events.c.at < weeks.c.end)) \
        .group_by(events.c.school_id, weeks.c.start)


def refresh_rollup(as_of: datetime) -> int:
    """Replace the counts in one DELETE and one INSERT … SELECT (readers see the previous counts until the job
    commits). Derived figures: nothing to audit."""
    db.session.execute(delete(HazardWeekRollup))
    statement = insert(HazardWeekRollup).from_select(["school_id", "week_start", "opened", "closed"],
                                                     _per_school_week(week_starts(as_of)))
    return db.session.execute(statement.execution_options(preserve_rowcount=True)).rowcount


def weekly_counts(schools: Select, starts: list[datetime]) -> list[tuple[datetime, int, int]]:
    """(week start, opened, closed) for each of `starts`, over the given schools."""
    rolled = db.session.scalar(select(HazardWeekRollup.school_id).limit(1)) is not None
    source = (select(HazardWeekRollup) if rolled else _per_school_week(starts, schools)).subquery()
    counts = {start: (int(opened), int(closed)) for start, opened, closed in db.session.execute(
        select(source.c.week_start, func.sum(source.c.opened), func.sum(source.c.closed))
        .where(source.c.school_id.in_(schools), source.c.week_start >= starts[0]).group_by(source.c.week_start))}
    return [(start, *counts.get(start, (0, 0))) for start in starts]
