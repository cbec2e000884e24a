"""The class teacher (班主任): assigned to classes by the principal, does those classes' campaign work and sees
nothing else of the school; rosters stay in the school."""
import pytest
from sqlalchemy import func, select

from safety.accounts.models import Role, RoleAssignment
from safety.campaigns.models import CampaignTask, ClassLetter, TaskStatus
from safety.extensions import db
from safety.notifications.models import Notification
from tests.campaigns.conftest import at, campaign, run
from tests.factories import PASSWORD, create_user


@pytest.fixture
def drowning(world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    return campaign("anti_drowning")


def make_teacher(world, *classes, username="teacher_a"):
    user = create_user(username=username)
    user.roles = [RoleAssignment(role=Role.class_teacher, school_id=k.school_id, class_id=k.id) for k in classes]
    db.session.commit()
    world.__dict__[username] = user
    return user


def test_a_principal_creates_and_manages_class_teachers_only_at_their_school(api, world, season):
    moment, own, other = at(2027, 4, 2), season.classes_a[0], season.classes_c[0]
    body = {"username": "banzhuren.li", "password": PASSWORD, "display_name": "李老师",
            "roles": [{"role": "class_teacher", "class_id": own.id}]}
    created = api.post("/api/v1/users", "principal_a", moment, json=body)
    assert created.status_code == 201, created.json
    assert created.json["roles"] == [{"role": "class_teacher", "school_id": world.school_a.id, "school_code": "SA",
                                      "region_id": None, "region_code": None, "class_id": own.id}]
    refused = [
        ({**body, "username": "teacher2", "roles": [{"role": "class_teacher", "class_id": other.id}]}, 403),
        ({**body, "username": "teacher3", "roles": [{"role": "principal", "school_id": world.school_a.id}]}, 403),
        ({**body, "username": "teacher4", "roles": [{"role": "class_teacher", "school_id": world.school_a.id}]}, 422),
        ({**body, "username": "teacher5", "roles": [{"role": "inspector", "class_id": own.id}]}, 422),
    ]
    for payload, status in refused:
        answer = api.post("/api/v1/users", "principal_a", moment, json=payload)
        assert answer.status_code == status, (payload, answer.json)
    listed = api.get("/api/v1/users", "principal_a", moment).json["items"]
    assert sorted(u["username"] for u in listed) == ["banzhuren.li", "officer_a"]  # the school's staff only
    user_id = created.json["id"]
    assert api.patch(f"/api/v1/users/{user_id}", "principal_a", moment, json={"active": False}).json["active"] is False
    assert api.patch(f"/api/v1/users/{user_id}", "principal_b", moment, json={"active": True}).status_code == 404
    # A principal may not touch their fellow principals or the offices' people.
    assert api.patch(f"/api/v1/users/{world.office_a.id}", "principal_a", moment,
                     json={"password": "another-long-pass"}).status_code == 404
    assert api.get("/api/v1/users", "officer_a", moment).status_code == 403


def test_a_class_teacher_does_their_classes_campaign_work_and_nothing_else(api, world, season, drowning):
    own, neighbour = season.classes_a
    make_teacher(world, own)
    moment = at(2027, 4, 8)
    tasks = api.get(f"/api/v1/campaigns/{drowning.id}/tasks", "teacher_a", moment).json["items"]
    assert tasks and {t["class_id"] for t in tasks} == {own.id}
    photo = api.photo("teacher_a", moment, seed=7)
    meeting = {"school_id": world.school_a.id, "class_id": own.id, "activity": "lesson", "held_on": "2027-04-08",
               "counts": {"participants": 38}, "photo_ids": [photo]}
    reported = api.post(f"/api/v1/campaigns/{drowning.id}/activities", "teacher_a", moment, json=meeting)
    assert reported.status_code == 201, reported.json
    assert api.post(f"/api/v1/campaigns/{drowning.id}/activities", "teacher_a", moment,
                    json={**meeting, "class_id": neighbour.id}).status_code == 404  # the school is not theirs to see
    receipts = f"/api/v1/campaigns/{drowning.id}/classes/{own.id}"
    assert api.put(f"{receipts}/paper-receipts", "teacher_a", moment, json={"count": 5}).json["paper_receipts"] == 5
    assert api.get(f"{receipts}/receipts", "teacher_a", moment).status_code == 200
    other = f"/api/v1/campaigns/{drowning.id}/classes/{neighbour.id}"
    assert api.put(f"{other}/paper-receipts", "teacher_a", moment, json={"count": 5}).status_code == 404
    # Nothing school-wide: not the school, its hazards, its points, its letters list or progress figures.
    for path in (f"/api/v1/schools/{world.school_a.id}",
                 f"/api/v1/campaigns/{drowning.id}/letters?school_id={world.school_a.id}"):
        assert api.get(path, "teacher_a", moment).status_code == 404, path
    for path in ("/api/v1/points", f"/api/v1/hazards?school_id={world.school_a.id}", "/api/v1/schools"):
        assert api.get(path, "teacher_a", moment).json["items"] == [], path


def test_the_roster_stays_in_the_school(api, world, season):
    own, neighbour = season.classes_a
    make_teacher(world, own)
    moment = at(2027, 4, 8)
    path = f"/api/v1/classes/{own.id}/roster"
    students = [{"student_no": "2027001", "name": "张小明"}, {"student_no": "", "name": "李华"}]
    saved = api.put(path, "teacher_a", moment, json={"students": students})
    assert saved.status_code == 200, saved.json
    assert api.get(path, "principal_a", moment).json == {"class_id": own.id, "students": students}
    for user in ("office_a", "city_office", "officer_a", "principal_b"):
        assert api.get(path, user, moment).status_code == 404, user
    assert api.get(f"/api/v1/classes/{neighbour.id}/roster", "teacher_a", moment).status_code == 404
    assert api.put(path, "teacher_a", moment, json={"students": [{"name": ""}]}).status_code == 422


def test_only_active_class_teachers_hear_of_their_tasks_and_the_calendar_counts_what_it_told(world, season):
    active = make_teacher(world, season.classes_a[0])
    gone = make_teacher(world, season.classes_a[1], username="teacher_gone")
    gone.active = False
    db.session.commit()
    changed = run("campaign_calendar", at(2027, 4, 1, 0, 30))
    told = db.session.execute(select(Notification.recipient_id, func.count())
                              .where(Notification.kind == "campaign_task_new")
                              .group_by(Notification.recipient_id)).all()
    own_tasks = db.session.scalar(select(func.count(CampaignTask.id))
                                  .where(CampaignTask.class_id == season.classes_a[0].id))
    assert told == [(active.id, own_tasks)] and own_tasks > 0  # nothing for the deactivated teacher
    tasks = db.session.scalar(select(func.count(CampaignTask.id)))
    letters = db.session.scalar(select(func.count(ClassLetter.id)))
    # the run, its tasks, its letters, the teacher's notices, the water body's new rhythm
    assert changed == 1 + tasks + letters + own_tasks + 1


def test_a_teacher_given_a_class_late_hears_of_its_overdue_tasks_too(world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    run("campaign_reminders", at(2027, 4, 15, 0, 30))  # the parent letters were due by 14 April: now overdue
    own = season.classes_a[0]
    overdue = set(db.session.scalars(select(CampaignTask.id).where(CampaignTask.class_id == own.id,
                                                                   CampaignTask.status == TaskStatus.overdue)))
    assert overdue
    teacher = make_teacher(world, own)
    run("campaign_calendar", at(2027, 4, 15, 1))
    told = set(db.session.scalars(select(Notification.subject_id).where(Notification.kind == "campaign_task_new",
                                                                        Notification.recipient_id == teacher.id)))
    assert overdue <= told
