"""Inspection coverage: of the inspections each live point's frequency asked for, how many were done.

A chosen date range is counted live. The rolling window the dashboards show (the last ROLLING_DAYS) is
counted by the scheduler into `coverage_rollups` every few minutes, because counting a month of a province's
inspections on every page view costs more than the page may.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, case, delete, func, insert, literal, select

from ..accounts.models import User
from ..accounts.scope import school_ids
from ..extensions import db
from ..points.models import Point, interval_in_force
from ..schools.models import Region, School
from ..schools.services import school_ids_in_visible_region
from .models import CoverageRollup, Inspection

ROLLING_DAYS = 30


def _per_school(since: datetime, until: datetime, schools: Select | None = None) -> Select:
    """(school_id, points, due, done) counted from the inspections, at most one counted per due slot."""
    days = max(1, (until - since).days)
    # Judged by the rhythm in force now (a season's stricter one included).
    interval = interval_in_force()
    slots = case((literal(days) / interval < 1, 1), else_=literal(days) / interval)
    done_counts = select(Inspection.point_id, func.count().label("n")) \
        .where(Inspection.submitted_at >= since, Inspection.submitted_at < until).group_by(Inspection.point_id)
    done_counts = done_counts.subquery()
    done = func.coalesce(done_counts.c.n, 0)
    query = select(Point.school_id.label("school_id"), func.count(Point.id).label("points"),
                   func.sum(slots).label("due"), func.sum(case((done > slots, slots), else_=done)).label("done")) \
        .outerjoin(done_counts, done_counts.c.point_id == Point.id) \
        .where(Point.created_at < until, Point.retired_at.is_(None) | (Point.retired_at > since)) \
        .group_by(Point.school_id)
    return query if schools is None else query.where(Point.school_id.in_(schools))


def refresh_rollup(as_of: datetime) -> int:
    """Replace every school's rolling-window figures in one DELETE and one INSERT … SELECT (readers keep seeing
    the previous figures until the job's transaction commits). Derived figures: nothing to audit."""
    since = as_of - timedelta(days=ROLLING_DAYS)
    figures = _per_school(since, as_of).subquery()
    db.session.execute(delete(CoverageRollup))
    return db.session.execute(insert(CoverageRollup).from_select(
        ["school_id", "since", "until", "points", "due", "done"],
        select(figures.c.school_id, literal(since, type_=CoverageRollup.since.type),
               literal(as_of, type_=CoverageRollup.until.type), figures.c.points, figures.c.due,
               figures.c.done)).execution_options(preserve_rowcount=True)).rowcount


def _rolled_window() -> tuple[datetime, datetime] | None:
    row = db.session.execute(select(CoverageRollup.since, CoverageRollup.until).limit(1)).first()
    return (row.since, row.until) if row else None


def coverage(actor: User, filters: dict) -> dict:
    """Coverage per school, per district and overall. `rolling` asks for the last ROLLING_DAYS as of the last
    refresh (live until the scheduler has made one); otherwise `since`–`until` is counted live."""
    schools = select(School.id).where(School.id.in_(school_ids(actor)))
    if school_id := filters.get("school_id"):
        schools = schools.where(School.id == school_id)
    if region_id := filters.get("region_id"):
        schools = schools.where(School.id.in_(school_ids_in_visible_region(actor, region_id)))
    since, until = filters["since"], filters["until"]
    window = _rolled_window() if filters.get("rolling") else None
    if window:
        since, until = window
        figures = select(CoverageRollup.school_id, CoverageRollup.points, CoverageRollup.due,
                         CoverageRollup.done).subquery()
    else:
        figures = _per_school(since, until, schools).subquery()
    query = select(School.id, School.code, School.name_zh, Region.id, Region.name_zh, figures.c.points,
                   figures.c.due, figures.c.done) \
        .join(figures, figures.c.school_id == School.id).join(Region, Region.id == School.region_id) \
        .where(School.id.in_(schools)).order_by(School.code)
    rows, districts, total = [], {}, {"points": 0, "due": 0, "done": 0}
    for school_id_, code, name, district_id, district, points, due, made in db.session.execute(query):
        rows.append(_rate({"school_id": school_id_, "code": code, "name": name, "district_id": district_id,
                           "points": points, "due": int(due), "done": int(made)}))
        entry = districts.setdefault(district_id, {"region_id": district_id, "name": district, "points": 0,
                                                   "due": 0, "done": 0})
        for bucket in (entry, total):
            bucket["points"] += points
            bucket["due"] += int(due)
            bucket["done"] += int(made)
    return {"since": since, "until": until, "schools": rows,
            "districts": [_rate(d) for d in districts.values()], "total": _rate(total)}


def _rate(bucket: dict) -> dict:
    bucket["coverage"] = round(bucket["done"] / bucket["due"], 4) if bucket["due"] else None
    return bucket
