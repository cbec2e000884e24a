"""Which points a round covers and which of them were inspected in its window, as SQL shared by the reads, the
scheduler's jobs and the monthly return (one rule, not a Python twin)."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import String, case, exists, func, literal, or_, select, type_coerce

from ..extensions import db
from ..inspections.models import Inspection
from ..points.models import Point
from .models import Round


def covers(round_=Round, point=Point):
    """The point belongs to the round: same school, one of its categories (none: all), not retired before the
    window. A point registered during or after the window counts too: the register catches up with a route that
    was already there (closed rounds keep the figures they were closed with)."""
    category = type_coerce(point.category, String)
    listed = (literal(",") + round_.categories + literal(",")).contains(literal(",") + category + literal(","))
    return (point.school_id == round_.school_id) & or_(round_.categories == "", listed) \
        & (point.retired_at.is_(None) | (point.retired_at > round_.window_start))


def inspected(round_=Round, point=Point):
    """The point was inspected inside the round's window (or at any time after its start, for kinds that may
    finish late)."""
    return exists().where(Inspection.point_id == point.id, Inspection.submitted_at >= round_.window_start,
                          round_.completes_late | (Inspection.submitted_at < round_.window_end)) \
        .correlate_except(Inspection)  # nested two levels deep in `complete`: auto-correlation reaches one


def total_points(round_=Round):
    return select(func.count(Point.id)).where(covers(round_)).correlate(round_).scalar_subquery()


def done_points(round_=Round):
    return select(func.count(Point.id)).where(covers(round_), inspected(round_)).correlate(round_).scalar_subquery()


def complete(round_=Round):
    """Every covered point inspected, and at least one point covered (a school with none never completes)."""
    point = db.aliased(Point)
    missing = exists().where(covers(round_, point), ~inspected(round_, point)).correlate_except(point)
    some = exists().where(covers(round_, point)).correlate_except(point)
    return some & ~missing


def last_inspection_at(round_=Round):
    """When the round's last point was inspected: the latest counted inspection of its points."""
    return select(func.max(Inspection.submitted_at)).join(Point, Point.id == Inspection.point_id) \
        .where(covers(round_), Inspection.submitted_at >= round_.window_start,
               round_.completes_late | (Inspection.submitted_at < round_.window_end)) \
        .correlate(round_).scalar_subquery()


def progress(round_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """round id → (points covered, points inspected), in one grouped query."""
    ids = list(round_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Round.id, func.count(Point.id), func.count(case((inspected(), Point.id))))
        .join(Point, covers()).where(Round.id.in_(ids)).group_by(Round.id)).all()
    return {round_id: (0, 0) for round_id in ids} | {row[0]: (row[1], row[2]) for row in rows}


def points_of(round_: Round) -> list[tuple[Point, object]]:
    """The round's points in walking order (its categories' order, then code) with the first time each was
    inspected in the window (None: still to do)."""
    first = select(func.min(Inspection.submitted_at)).where(
        Inspection.point_id == Point.id, Inspection.submitted_at >= round_.window_start,
        *(() if round_.completes_late else (Inspection.submitted_at < round_.window_end,))) \
        .correlate(Point).scalar_subquery()
    rows = db.session.execute(
        select(Point, first).join(Round, covers()).where(Round.id == round_.id).order_by(Point.code)).all()
    order = [c for c in round_.categories.split(",") if c]
    position = {category: n for n, category in enumerate(order)}
    return sorted(((point, at) for point, at in rows), key=lambda row: position.get(row[0].category.value, 0))
