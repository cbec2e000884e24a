"""Hazards put straight into a given state, so a table can cover every state without walking the lifecycle."""
from __future__ import annotations

from datetime import timedelta

from safety.checklists.models import Grade
from safety.core.clock import now
from safety.extensions import db
from safety.hazards.models import Hazard, HazardSource, HazardStatus
from safety.hazards.services import report


def make_hazard(school, *, status=HazardStatus.reported, grade=Grade.general, level=0, deadline_in=None,
                title="测试隐患", rectifier=None, assignee=None, source=HazardSource.direct, point=None,
                five_fixed=None, created_ago=None) -> Hazard:
    """A hazard at `school` as reported, then moved to `status` (and level, deadline …) directly in the table."""
    hazard = report(None, school, {"title": title, "grade": grade, "point": point}, source)
    hazard.status, hazard.level = status, level
    if level:
        hazard.escalated_at = hazard.escalated_at or now()
    if deadline_in is not None:
        hazard.deadline = now() + deadline_in
    if created_ago is not None:
        hazard.created_at = now() - created_ago
    hazard.rectifier_id = rectifier.id if rectifier else None
    hazard.assignee_id = assignee.id if assignee else None
    if five_fixed:
        hazard.five_fixed = five_fixed
    if status in (HazardStatus.closed, HazardStatus.dismissed):
        hazard.closed_at = now()
    db.session.commit()
    return hazard


def reload(hazard_id: int) -> Hazard:
    db.session.expire_all()
    return db.session.get(Hazard, hazard_id)


PLAN = {"measures": "设置警戒线, 更换配电箱", "responsible_person": "张主任", "funding": "学校公用经费 2 万元",
        "contingency_plan": "停电检修预案"}


def plan(days: int = 10) -> dict:
    return {**PLAN, "deadline": (now() + timedelta(days=days)).isoformat()}


DAY = timedelta(days=1)
