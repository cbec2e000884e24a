"""An escalation sweep tells each recipient once ("3 hazards at your schools reached the district"), linking to
the queue, while every hazard keeps its own history event."""
from datetime import timedelta

from sqlalchemy import func, select

from safety.accounts.models import Role, RoleAssignment
from safety.checklists.models import Category, Grade
from safety.core.clock import now
from safety.extensions import db
from safety.hazards.models import Hazard, HazardEvent, HazardSource, HazardStatus
from safety.notifications.models import Notification
from safety.scheduler.registry import run_job


def overdue_hazards(school, count: int) -> list[int]:
    moment = now()
    hazards = [Hazard(school_id=school.id, category=Category.fire_equipment, source=HazardSource.direct,
                      grade=Grade.general, status=HazardStatus.reported, title=f"隐患{n}", level=0,
                      deadline=moment - timedelta(days=1), created_at=moment - timedelta(days=8),
                      updated_at=moment - timedelta(days=8)) for n in range(count)]
    db.session.add_all(hazards)
    db.session.flush()
    return [h.id for h in hazards]


def summaries(level: int = 1) -> dict[int, Notification]:
    """The escalation summaries announcing `level`, by recipient."""
    db.session.expire_all()
    rows = [n for n in db.session.scalars(select(Notification).where(Notification.kind == "hazards_escalated"))
            if n.data["level"] == level]
    assert len(rows) == len({n.recipient_id for n in rows}), "someone heard twice"
    return {n.recipient_id: n for n in rows}


def test_each_recipient_hears_once_per_sweep_with_the_number_of_their_hazards(client, world):
    # principal_a also heads school_b: one notification for both schools.
    world.principal_a.roles.append(RoleAssignment(role=Role.principal, school=world.school_b))
    ids = overdue_hazards(world.school_a, 2) + overdue_hazards(world.school_b, 1) + overdue_hazards(world.school_c, 1)
    db.session.commit()
    at = now()
    assert run_job("escalate_hazards", at).rows_affected == 4
    heard = summaries()
    assert heard[world.office_a.id].data["count"] == 3 and heard[world.office_a.id].school_id is None
    assert heard[world.office_b.id].data["count"] == 1 and heard[world.office_b.id].school_id == world.school_c.id
    assert heard[world.principal_a.id].data["count"] == 3 and heard[world.principal_b.id].data["count"] == 1
    assert heard[world.principal_b.id].school_id == world.school_b.id
    assert world.city_office.id not in heard  # the city hears when hazards reach the city
    events = db.session.scalar(select(func.count()).select_from(HazardEvent)
                               .where(HazardEvent.hazard_id.in_(ids), HazardEvent.action == "escalated"))
    assert events == 4  # history stays one event per hazard

    inbox = client.get("/api/v1/notifications?lang=en", headers=world.headers("office_a")).json["items"]
    summary = next(n for n in inbox if n["kind"] == "hazards_escalated")
    assert summary["body"] == "3 hazards at your schools reached the district safety office."
    assert summary["link_path"] == "/api/v1/escalations?level=1"
    theirs = client.get("/api/v1/notifications", headers=world.headers("principal_b")).json["items"]
    assert [n["link_path"] for n in theirs if n["kind"] == "hazards_escalated"] == ["/api/v1/hazards?level=1&open=true"]
    assert "1" in theirs[0]["body"]  # zh-CN by default


def test_a_repeated_sweep_notifies_nobody_twice(world):
    overdue_hazards(world.school_a, 3)
    db.session.commit()
    at = now()
    assert run_job("escalate_hazards", at).rows_affected == 3
    before = len(summaries())
    assert run_job("escalate_hazards", at).rows_affected == 0
    assert len(summaries()) == before


def test_the_city_hears_once_when_hazards_reach_it(world):
    overdue_hazards(world.school_a, 2)
    db.session.commit()
    run_job("escalate_hazards", now())
    run_job("escalate_hazards", now() + timedelta(days=30))
    to_city = summaries(level=2)
    assert to_city[world.city_office.id].data["count"] == 2 and to_city[world.principal_a.id].data["count"] == 2
    assert world.office_a.id not in to_city  # the district heard at level 1
