"""Every API GET × every role of school A's side × school C's objects: nothing of school C in any response.

Objects of school C carry marker strings; a route with a path parameter this test cannot fill fails the test,
so a new endpoint is covered the day it is added.
"""
import re

import pytest

from safety.extensions import db
from tests.api.test_inspections import submission
from tests.documents.support import sign
from tests.factories import answers, create_class, create_point, create_user, jpeg_bytes, upload_photo

MARKERS = ("SC-SECRET", "乙区保密点位", "保密隐患描述")
ROLES = ["principal_a", "officer_a", "office_a", "district_inspector_a", "principal_b", "class_teacher_a"]
# Routes whose parameter is not an object of a school (or whose answer is a fixed document).
NOT_SCHOOL_DATA = {"/api/v1/docs/assets/<path:filename>"}
# Shared things (system checklists, a city-wide campaign, definitions), lists, and the parent's public letter page.
SHARED = {"template_id", "version_id", "kind", "fmt", "campaign_id", "definition_id", "receipt_token"}


@pytest.fixture
def secret(client, world):
    """School C with a point, an inspection with a photo, a hazard, a class with its roster: all marked."""
    from safety.schools.models import RosterEntry
    point = create_point(world.school_c, code="SC-SECRET-01", name_zh="乙区保密点位")
    school_class = create_class(world.school_c, grade=7, name="保密班")
    db.session.add(RosterEntry(class_id=school_class.id, position=0, name="SC-SECRET 学生"))
    db.session.commit()
    headers = world.headers("principal_c")
    photo = upload_photo(client, headers, jpeg_bytes(seed=99)).json
    results = answers(point.template.current_version, gauge={"outcome": "fail", "note": "保密隐患描述",
                                                             "photos": [photo["id"]]})
    inspection = client.post("/api/v1/inspections", json=submission(point, results=results), headers=headers).json
    more = _school_c_records(world, school_class, inspection["hazards"][0]["id"])
    notice = client.post("/api/v1/notices", json={"inspection_id": inspection["id"], "inspectors": "SC-SECRET 检查组"},
                         headers=world.headers("office_b")).json
    signature = sign(client, headers, inspection["id"], "inspector").json
    return {**more, **_school_c_rounds(world), "notice_id": notice["id"], "signature_id": signature["id"],
        "school_id": world.school_c.id, "point_id": point.id, "inspection_id": inspection["id"],
        "hazard_id": inspection["hazards"][0]["id"], "photo_id": photo["id"], "class_id": school_class.id,
        "qr_token": point.qr_token, "region_id": world.district_b.id, "user_id": world.principal_c.id,
        "template_id": point.template_id, "version_id": point.template.current_version.id,
        "kind": "points", "fmt": "csv",
    }


def _school_c_records(world, school_class, hazard_id) -> dict:
    """A drill, a webhook, a notification, a campaign's task, activity, letter, committee member and incident, a
    key student with a home visit."""
    from datetime import date, timedelta

    from safety.campaigns.models import (
        ActivityRequirement,
        Campaign,
        CampaignActivity,
        CampaignDefinition,
        CampaignTask,
        ClassLetter,
        CommitteeMember,
        CommitteeRole,
        Incident,
    )
    from safety.campaigns.runs.definitions import sync_default_definitions
    from safety.core.clock import now
    from safety.drills.models import Drill, DrillImprovement, DrillKind, DrillStatus, ImprovementAction
    from safety.notifications.models import Notification
    from safety.notifications.services import create_webhook
    from safety.students.models import HomeVisit, KeyStudent, VisitForm
    from tests.factories import enqueue

    school = world.school_c
    drill = Drill(school_id=school.id, kind=DrillKind.fire, requirement="evacuation", period_key="2026-11",
                  window_start=now() - timedelta(days=30), window_end=now() - timedelta(days=1),
                  status=DrillStatus.overdue, notes="SC-SECRET 演练")
    webhook = create_webhook(world.principal_c, {"school_id": school.id, "name": "SC-SECRET 群",
                                                 "url": "https://robot.example.cn/SC-SECRET"})
    enqueue(world.principal_c.id, "hazard_major_reported", "hazard", hazard_id, school.id)
    sync_default_definitions()
    definition = db.session.scalars(db.select(CampaignDefinition).order_by(CampaignDefinition.id)).first()
    requirement = db.session.scalars(db.select(ActivityRequirement)
                                     .where(ActivityRequirement.definition_id == definition.id)).first()
    campaign = Campaign(definition_id=definition.id, region_id=world.city.id, period_key="2026",
                        name_zh="全市专项行动", starts_on=date.today() - timedelta(days=30),
                        ends_on=date.today() + timedelta(days=60), opens_at=now() - timedelta(days=30),
                        closes_at=now() + timedelta(days=60))
    db.session.add_all([drill, campaign])
    db.session.flush()
    task = CampaignTask(campaign_id=campaign.id, requirement_id=requirement.id, school_id=school.id,
                        subject_key="school", opens_on=date.today(), due_at=now() + timedelta(days=5))
    db.session.add(task)
    db.session.flush()
    db.session.add_all([
        CampaignActivity(campaign_id=campaign.id, task_id=task.id, requirement_id=requirement.id,
                         kind=requirement.kind, school_id=school.id, held_on=date.today(), notes="SC-SECRET 活动"),
        ClassLetter(campaign_id=campaign.id, school_id=school.id, class_id=school_class.id, token="sc-secret-letter"),
        member := CommitteeMember(school_id=school.id, name="SC-SECRET 委员", role=CommitteeRole.chair),
        incident := Incident(school_id=school.id, campaign_id=campaign.id, occurred_on=date.today(),
                                     summary="SC-SECRET 欺凌事件"),
    ])
    student = KeyStudent(school_id=school.id, class_id=school_class.id, name="SC-SECRET 重点学生", flags="left_behind")
    db.session.add(student)
    db.session.flush()
    db.session.add(HomeVisit(key_student_id=student.id, school_id=school.id, visited_on=date.today(),
                             form=VisitForm.home, visitor="SC-SECRET 班主任", notes="SC-SECRET 家访"))
    improvement = DrillImprovement(drill_id=drill.id, school_id=school.id, text="SC-SECRET 整改",
                                   action=ImprovementAction.task, owner_id=world.principal_c.id,
                                   due_on=date.today() + timedelta(days=7))
    db.session.add(improvement)
    db.session.commit()
    notification = db.session.scalar(db.select(Notification.id)
                                     .where(Notification.recipient_id == world.principal_c.id))
    return {"drill_id": drill.id, "webhook_id": webhook.id, "notification_id": notification,
            "campaign_id": campaign.id, "definition_id": definition.id, "incident_id": incident.id,
            "member_id": member.id, "receipt_token": "sc-secret-letter",
            "improvement_id": improvement.id, "student_id": student.id}


def _school_c_rounds(world) -> dict:
    """A round covering every point, a check launched for its district and a submitted return, all marked."""
    from datetime import timedelta

    from safety.core.clock import now
    from safety.returns.models import MonthlyReturn, ReturnStatus
    from safety.rounds.models import Check, Round

    check = Check(region_id=world.district_b.id, kind="special_check", title="SC-SECRET 检查",
                  starts_at=now() - timedelta(days=1), deadline=now() + timedelta(days=1))
    db.session.add(check)
    db.session.flush()
    db.session.add_all([
        patrol := Round(school_id=world.school_c.id, kind="weekly_sweep", period_key="2026-W48",
                        window_start=now() - timedelta(days=1), window_end=now() + timedelta(days=1)),
        Round(school_id=world.school_c.id, kind="special_check", period_key=f"check-{check.id}", check_id=check.id,
              window_start=check.starts_at, window_end=check.deadline),
        MonthlyReturn(school_id=world.school_c.id, month="2026-10", due_at=now(), status=ReturnStatus.submitted,
                      remarks="SC-SECRET 月报"),
    ])
    db.session.commit()
    return {"round_id": patrol.id, "check_id": check.id, "month": "2026-10"}


def _api_get_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and "GET" in rule.methods and rule.rule not in NOT_SCHOOL_DATA:
            yield rule


def _params(rule) -> set[str]:
    return {name.split(":")[-1] for name in re.findall(r"<([^>]+)>", rule.rule)}


def _fill(rule, ids):
    def value(match):
        name = match.group(1).split(":")[-1]
        if name not in ids:
            pytest.fail(f"{rule.rule}: no school-C object for <{name}>; add one to the `secret` fixture")
        return str(ids[name])
    return re.sub(r"<([^>]+)>", value, rule.rule)


@pytest.fixture
def class_teacher(world):
    """A class teacher (班主任) of a class of school A: they see even less than its principal."""
    from safety.accounts.models import Role, RoleAssignment
    teacher = create_user(username="class_teacher_a")
    own = create_class(world.school_a, grade=3, name="甲班")
    teacher.roles = [RoleAssignment(role=Role.class_teacher, school_id=own.school_id, class_id=own.id)]
    db.session.commit()
    world.class_teacher_a = teacher
    return teacher


@pytest.mark.parametrize("who", ROLES)
def test_no_response_carries_another_schools_data(app, client, world, secret, class_teacher, who):
    headers = world.headers(who)
    checked = 0
    for rule in _api_get_rules(app):
        path = _fill(rule, secret)
        query = {"school_id": secret["school_id"]} if not _params(rule) - SHARED else {}
        with client.get(path, headers=headers, query_string=query) as response:
            body = response.get_data(as_text=True) if response.mimetype.startswith(("application/json", "text")) \
                else response.get_data().decode("latin-1")
            leaked = [m for m in MARKERS if m in body]
            assert not leaked, f"{who} GET {path}: {response.status_code} leaks {leaked}"
            assert response.status_code != 500, f"{who} GET {path}: 500"
            if _params(rule) - SHARED:  # names one of school C's objects: not even there for others
                assert response.status_code in (403, 404, 422), f"{who} GET {path}: {response.status_code}"
        checked += 1
    assert checked > 20


def test_the_owner_does_see_the_marked_objects(client, world, secret):
    """The check above would pass vacuously if the markers never appeared at all."""
    headers = world.headers("principal_c")
    body = client.get(f"/api/v1/hazards/{secret['hazard_id']}", headers=headers).get_data(as_text=True)
    assert "保密隐患描述" in body
    for path in (f"/api/v1/points/{secret['point_id']}", f"/api/v1/drills/{secret['drill_id']}",
                 f"/api/v1/bullying-incidents/{secret['incident_id']}", f"/api/v1/webhooks/{secret['webhook_id']}",
                 f"/api/v1/campaigns/{secret['campaign_id']}/activities",
                 f"/api/v1/schools/{secret['school_id']}/bullying-committee",
                 f"/api/v1/classes/{secret['class_id']}/roster",
                 f"/api/v1/classes/{secret['class_id']}/key-students",
                 f"/api/v1/key-students/{secret['student_id']}/visits"):
        response = client.get(path, headers=headers)
        assert response.status_code == 200 and "SC-SECRET" in response.get_data(as_text=True), path
