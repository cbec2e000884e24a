"""Checks an office launches for every school of its region (开学前, 节假日前, 专项): launch, list, completion.

Each school's part is a round of the check's kind (period `check-<id>`): the same coverage rule and the same
`close_rounds` job decide done, late (missed, still finishable) and done late.
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, String, func, literal, select

from ..accounts.models import User
from ..accounts.scope import Capability, may_region, school_ids
from ..audit.services import record
from ..core.clock import now
from ..core.sql import insert_ignoring_conflicts
from ..core.types import UTCDateTime
from ..errors import Forbidden, Invalid, NotFound
from ..extensions import db
from ..schools.models import Region, School
from ..schools.services import get_region
from .coverage import progress
from .jobs import INSERT_COLUMNS, responsible
from .kinds import current_rules
from .models import Check, Round, RoundStatus


def launch(actor: User, data: dict) -> Check:
    """An office launches a check for every active school at or below its region, with a window and a deadline."""
    region = get_region(actor, data["region_id"])
    if not may_region(actor, Capability.oversee, region.id):
        raise Forbidden()
    kind = current_rules().kinds.get(data["kind"])
    if kind is None or not kind.launched:
        raise Invalid(fields={"kind": [_("Not a kind of check an office launches.")]})
    deadline = data["deadline"]
    starts_at = data.get("starts_at") or min(now(), deadline - timedelta(days=kind.window_days))
    if deadline <= now() or starts_at >= deadline:
        raise Invalid(fields={"deadline": [_("The deadline must be in the future and after the start.")]})
    categories = ",".join(sorted({c.value for c in data.get("categories") or ()})) \
        if data.get("categories") else kind.category_text
    check = Check(region_id=region.id, kind=kind.key, title=data.get("title") or kind.name_zh,
                  description=data.get("description", ""), categories=categories, starts_at=starts_at,
                  deadline=deadline, launched_by_id=actor.id)
    db.session.add(check)
    db.session.flush()
    schools = _insert_rounds(check, kind)
    record("check.launched", actor, object_type="check", object_id=check.id, region_id=region.id, kind=kind.key,
           deadline=deadline.isoformat(), schools=schools)
    return check


def _insert_rounds(check: Check, kind) -> int:
    below = select(Region.id).where(Region.path.startswith(check.region.path, autoescape=True))
    rows = select(School.id, literal(kind.key, String), literal(f"check-{check.id}", String), literal(check.id),
                  literal(check.categories, String), literal(True), literal(check.starts_at, UTCDateTime),
                  literal(check.deadline, UTCDateTime), literal(RoundStatus.open.value, String), responsible(kind),
                  literal(now(), UTCDateTime)) \
        .where(School.region_id.in_(below), School.active.is_(True))
    return insert_ignoring_conflicts(Round, INSERT_COLUMNS, rows)


def visible_checks(actor: User, filters: dict) -> Select:
    """Checks that include a school the actor sees, the latest deadline first."""
    query = select(Check).where(Check.id.in_(select(Round.check_id).where(Round.school_id.in_(school_ids(actor)))))
    if region_id := filters.get("region_id"):
        query = query.where(Check.region_id == get_region(actor, region_id).id)
    if kind := filters.get("kind"):
        query = query.where(Check.kind == kind)
    return query.order_by(Check.deadline.desc(), Check.id.desc())


def get_check(actor: User, check_id: int) -> Check:
    check = db.session.scalar(visible_checks(actor, {}).where(Check.id == check_id))
    if check is None:
        raise NotFound()
    return check


def completion(actor: User, check: Check) -> Check:
    """The check with each visible school's part (status, points, when done, late) and the counts by status."""
    rounds = db.session.scalars(
        select(Round).where(Round.check_id == check.id, Round.school_id.in_(school_ids(actor)))
        .join(School, School.id == Round.school_id).order_by(School.code)).all()
    figures = progress(r.id for r in rounds)
    check.schools = [{"school_id": r.school_id, "school": r.school, "round_id": r.id, "status": r.status,
                      "late": r.late or r.status == RoundStatus.missed, "done_at": r.done_at,
                      "points_covered": figures[r.id][0], "points_inspected": figures[r.id][1]} for r in rounds]
    counts = dict(db.session.execute(
        select(Round.status, func.count(Round.id)).where(Round.check_id == check.id,
                                                         Round.school_id.in_(school_ids(actor)))
        .group_by(Round.status)).all())
    late = sum(1 for r in rounds if r.late)
    check.counts = {"schools": len(rounds), "done": counts.get(RoundStatus.done, 0), "done_late": late,
                    "late": counts.get(RoundStatus.missed, 0), "open": counts.get(RoundStatus.open, 0)}
    return check
