"""The escalation sweep: which hazards reach the next level and who hears of it. The hazards domain writes the
move itself, set-based (`hazards.services.escalate_where`), never a loop over hazards."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, literal, select

from ..accounts.models import Role
from ..accounts.scope import people_at_schools
from ..checklists.models import Grade
from ..core.sql import add_days
from ..hazards.models import OPEN_STATUSES, Hazard
from ..hazards.services import escalate_where
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


def _announcer(level: int, as_of: datetime):
    """Each recipient hears once per sweep and level ("12 hazards at your schools reached the district"), however
    many hazards moved: the office of the new level and the principals."""
    def announce(moving: ColumnElement) -> None:
        for role, office_level in ((Role.safety_office, OFFICE_OF_LEVEL[level]), (Role.principal, None)):
            people = people_at_schools(role, office_level).subquery()
            enqueue_summary("hazards_escalated",
                            select(people.c.user_id, Hazard.school_id, Hazard.id)
                            .join(people, people.c.school_id == Hazard.school_id).where(moving),
                            key=f"level{level}:{as_of.isoformat()}",
                            data={"level": level, "office": int(role == Role.safety_office)})
    return announce


@job("escalate_hazards", "interval", "Escalate overdue hazards: school → district → city", minutes=5)
def escalate_hazards(as_of: datetime) -> int:
    """Levels computed from deadlines and time alone: after days of downtime one run catches up, because a
    hazard reaches the district as of its deadline, and that is when the city's clock starts."""
    to_district = escalate_where(_overdue_at_school(as_of), 1, as_of, since=Hazard.deadline,
                                 announce=_announcer(1, as_of))
    this_run = literal(as_of, type_=Hazard.escalated_at.type)
    to_city = escalate_where(_overdue_at_district(as_of), 2, as_of, since=this_run, announce=_announcer(2, as_of))
    return to_district + to_city
