"""The demo follows the rules it shows: drills held and reported on school days in school hours (night drills at
night, in the dormitory, at every boarding school), key students with home visits that offices see only as
numbers, staff and parent trainings on record."""
from datetime import time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from safety.campaigns.models import CampaignActivity
from safety.drills.models import Drill, DrillPlace, DrillTime
from safety.extensions import db
from safety.schools.models import School
from safety.students.models import HomeVisit, HomeVisitTask, KeyStudent, VisitStatus
from tests.api.test_auth import login

LOCAL = ZoneInfo("Asia/Shanghai")


def _bearer(client, username):
    return {"Authorization": f"Bearer {login(client, username, 'demo-pass-2026').json['access_token']}"}


def test_the_demo_city_keeps_school_hours_boarding_night_drills_and_key_students(runner, client):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    drills = db.session.scalars(select(Drill).where(Drill.reported_at.is_not(None))
                                .order_by(Drill.id)).all()
    assert len(drills) > 50
    for drill in drills:
        held, filed = drill.conducted_at.astimezone(LOCAL), drill.reported_at.astimezone(LOCAL)
        assert held.weekday() < 5 and filed >= held, (drill.id, held, filed)
        assert time(7, 30) <= filed.time() <= time(18, 0), (drill.id, filed)  # filed in office hours
        if drill.requirement == "night":
            assert time(19) <= held.time() <= time(23) and drill.place == DrillPlace.dormitory, (drill.id, held)
            assert drill.time_of_day == DrillTime.night
        else:
            assert time(7, 30) <= held.time() <= time(17, 30), (drill.id, held)
    boarding = set(db.session.scalars(select(School.id).where(School.boarding.is_(True))))
    night = {d.school_id for d in drills if d.requirement == "night"}
    assert boarding and night == boarding  # every boarding school shows its night drill, no other school has one

    students = db.session.scalars(select(KeyStudent).order_by(KeyStudent.id)).all()
    assert len(students) > 20 and all(s.flag_list for s in students)
    statuses = set(db.session.scalars(select(HomeVisitTask.status)))
    assert {VisitStatus.done, VisitStatus.overdue} <= statuses
    assert db.session.scalar(select(HomeVisit.id).limit(1)) is not None
    school = db.session.get(School, students[0].school_id)
    counts = client.get(f"/api/v1/schools/{school.id}/key-student-counts", headers=_bearer(client, "office.city"))
    assert counts.status_code == 200 and counts.json["students"] >= 1
    assert students[0].name not in counts.get_data(as_text=True)
    listed = client.get(f"/api/v1/classes/{students[0].class_id}/key-students",
                        headers=_bearer(client, f"principal.{school.code.lower()}"))
    assert students[0].name in [s["name"] for s in listed.json["students"]]
    assert client.get(f"/api/v1/classes/{students[0].class_id}/key-students",
                      headers=_bearer(client, "office.city")).status_code == 404
    trainings = db.session.scalars(select(CampaignActivity.requirement_id).where(CampaignActivity.kind == "training"))
    assert len(set(trainings)) == 2  # staff and parent trainings both on record
