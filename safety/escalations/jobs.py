"""The escalation sweep: a few INSERT … SELECT and UPDATE statements, never a loop over hazards."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, insert, literal, select, update

from ..accounts.models import Role
from ..accounts.scope import people_at_schools
from ..audit.models import AuditEvent
from ..checklists.models import Grade
from ..core.sql import add_days
from ..extensions import db
from ..hazards.models import OPEN_STATUSES, Hazard, HazardEvent
from ..notifications.services import enqueue_summary
from ..scheduler.registry import job
from .policy import OFFICE_OF_LEVEL, policy


def _overdue_at_school(as_of: datetime) -> ColumnElement:
    return and_(Hazard.level == 0, Hazard.status.in_(OPEN_STATUSES), Hazard.deadline < as_of)


def _overdue_at_district(as_of: datetime) -> ColumnElement:
    days = policy()["city_after_days"]
    limit = case((Hazard.grade == Grade.major, days["major"]), else_=days["general"])
    return and_(Hazard.level == 1, Hazard.status.in_(OPEN_STATUSES), Hazard.deadline < as_of,
                add_days(Hazard.escalated_at, limit) < as_of)


def escalate(condition: ColumnElement, level: int, since: ColumnElement, as_of: datetime) -> int:
    """Move every hazard meeting `condition` to `level`, with its history event, audit row and notifications."""
    data = literal({"level": level, "reason": "overdue"}, type_=HazardEvent.data.type)
    db.session.execute(insert(HazardEvent).from_select(
        ["hazard_id", "at", "action", "from_status", "to_status", "note", "data"],
        select(Hazard.id, literal(as_of, type_=HazardEvent.at.type), literal("escalated"), Hazard.status,
               Hazard.status, literal(""), data).where(condition)))
    # Each recipient hears once per sweep and level ("12 hazards at your schools reached the district"),
    # however many hazards moved; each hazard's own history still has its event.
    for role, office_level in ((Role.safety_office, OFFICE_OF_LEVEL[level]), (Role.principal, None)):
        people = people_at_schools(role, office_level).subquery()
        enqueue_summary("hazards_escalated",
                        select(people.c.user_id, Hazard.school_id, Hazard.id)
                        .join(people, people.c.school_id == Hazard.school_id).where(condition),
                        key=f"level{level}:{as_of.isoformat()}",
                        data={"level": level, "office": int(role == Role.safety_office)})
    moved = db.session.execute(update(Hazard).where(condition).values(level=level, escalated_at=since,
                                                                       updated_at=as_of)
                               .execution_options(synchronize_session=False)).rowcount
    if moved:  # each hazard's own history has its event; the audit trail gets one row for the sweep
        db.session.add(AuditEvent(at=as_of, action="hazard.escalated", object_type="hazard", details={
            "level": level, "hazards": moved}))
    return moved


@job("escalate_hazards", "interval", "Escalate overdue hazards: school → district → city", minutes=5)
def escalate_hazards(as_of: datetime) -> int:
    """Levels computed from deadlines and time alone: after days of downtime one run catches up, because a
    hazard reaches the district as of its deadline, and that is when the city's clock starts."""
    to_district = escalate(_overdue_at_school(as_of), 1, Hazard.deadline, as_of)
    to_city = escalate(_overdue_at_district(as_of), 2, literal(as_of, type_=Hazard.escalated_at.type), as_of)
    return to_district + to_city
