"""The scheduler's home-visit job: a visit task per current key student before each holiday a round names (the
summer holiday by default), and tasks past their day marked overdue. Set-based and idempotent: a task is unique per
student and round, and a second run changes nothing."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Date, Select, String, false, literal, or_, select, update

from ..campaigns.periods import calendar_groups, local_day
from ..core.sql import insert_ignoring_conflicts
from ..core.types import UTCDateTime
from ..extensions import db
from ..scheduler.registry import job
from ..schools.models import Region, School
from .models import HomeVisitTask, KeyStudent, VisitStatus
from .rules import VisitRound, current_rules

COLUMNS = ["key_student_id", "school_id", "class_id", "round_key", "name_zh", "opens_on", "due_on", "status",
           "created_at"]


@job("home_visit_tasks", "interval", "Home-visit tasks for key students before the holidays the rounds name; "
     "mark late ones overdue", minutes=60)
def home_visit_tasks(as_of: datetime) -> int:
    today, created = local_day(as_of), 0
    rounds = current_rules().rounds
    for visit_round in rounds:
        keeping = _schools_keeping(visit_round, rounds)
        for group in calendar_groups():
            for holiday in group.holidays:
                opens_on = holiday.starts_on - timedelta(days=visit_round.lead_days)
                if holiday.starts_on.month not in visit_round.months or not opens_on <= today < holiday.starts_on:
                    continue
                rows = select(KeyStudent.id, KeyStudent.school_id, KeyStudent.class_id,
                              literal(f"{visit_round.key}:{holiday.id}", String),
                              literal(visit_round.name_zh, String), literal(opens_on, Date),
                              literal(holiday.starts_on - timedelta(days=1), Date),
                              literal(VisitStatus.open.value, String), literal(as_of, UTCDateTime)) \
                    .where(KeyStudent.removed_at.is_(None), KeyStudent.school_id.in_(group.schools),
                           KeyStudent.school_id.in_(keeping))
                created += insert_ignoring_conflicts(HomeVisitTask, COLUMNS, rows)
    late = db.session.execute(update(HomeVisitTask).where(HomeVisitTask.status == VisitStatus.open,
                                                          HomeVisitTask.due_on < today)
                              .values(status=VisitStatus.overdue).execution_options(synchronize_session=False))
    return created + late.rowcount


def _schools_keeping(visit_round: VisitRound, rounds: tuple[VisitRound, ...]) -> Select:
    """Schools at or below the round's regions; a round naming none: every school but those whose region has its
    own round of the same key (a region's version replaces the product default there)."""
    def below(codes) -> list:
        paths = db.session.scalars(select(Region.path).where(Region.code.in_(codes))).all() if codes else []
        return [Region.path.startswith(path, autoescape=True) for path in paths]
    query = select(School.id).join(Region, Region.id == School.region_id)
    if visit_round.regions:
        return query.where(or_(false(), *below(visit_round.regions)))
    regional = [code for r in rounds if r.key == visit_round.key for code in r.regions]
    return query.where(~or_(false(), *below(regional)))
