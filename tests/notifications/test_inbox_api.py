"""The in-app inbox, preferences and webhook management over HTTP: one's own only, scoped, rendered per language."""
from datetime import UTC, datetime, timedelta

import pytest

from safety.checklists.models import Category, Grade
from safety.core.clock import frozen
from safety.extensions import db
from safety.hazards.models import Hazard, HazardSource, HazardStatus
from safety.notifications.models import Notification
from tests.factories import create_point, enqueue

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def create_hazard(school, title="消防通道堵塞", level=0, grade=Grade.general) -> Hazard:
    hazard = Hazard(school_id=school.id, category=Category.fire_equipment, source=HazardSource.direct, grade=grade,
                    status=HazardStatus.reported, title=title, level=level)
    db.session.add(hazard)
    db.session.flush()
    return hazard


def send(user, kind, subject_type, subject_id, school=None, at=T0) -> Notification:
    with frozen(at):
        enqueue(user.id, kind, subject_type, subject_id, school.id if school else None, suffix=at.isoformat())
    db.session.commit()
    return db.session.query(Notification).order_by(Notification.id.desc()).first()


@pytest.fixture
def inbox(world):
    """office_a: three notifications (one read), newest last; principal_a: one of their own."""
    major = create_hazard(world.school_a, title="教学楼外墙脱落", grade=Grade.major)
    first = send(world.office_a, "inspection_overdue", "school", world.school_a.id, world.school_a)
    second = send(world.office_a, "hazard_major_reported", "hazard", major.id, world.school_a,
                  at=T0 + timedelta(minutes=5))
    third = send(world.office_a, "drill_due", "drill", 77, world.school_a, at=T0 + timedelta(minutes=10))
    theirs = send(world.principal_a, "hazard_major_reported", "hazard", major.id, world.school_a)
    first.read_at = T0 + timedelta(minutes=1)
    db.session.commit()
    return {"major": major, "first": first, "second": second, "third": third, "theirs": theirs}


def test_the_inbox_lists_only_ones_own_newest_first_with_the_unread_count(client, world, inbox):
    response = client.get("/api/v1/notifications", headers=world.headers("office_a"))
    assert response.status_code == 200
    body = response.json
    assert [n["id"] for n in body["items"]] == [inbox["third"].id, inbox["second"].id, inbox["first"].id]
    assert inbox["theirs"].id not in [n["id"] for n in body["items"]]
    assert body["total"] == 3 and body["unread_count"] == 2
    assert [n["read"] for n in body["items"]] == [False, False, True]

    unread = client.get("/api/v1/notifications?unread=true&per_page=1", headers=world.headers("office_a")).json
    assert [n["id"] for n in unread["items"]] == [inbox["third"].id]
    assert unread["total"] == 2 and unread["unread_count"] == 2
    other_school = client.get(f"/api/v1/notifications?school_id={world.school_b.id}",
                              headers=world.headers("office_a")).json
    assert other_school["items"] == [] and other_school["unread_count"] == 2


def test_texts_are_rendered_in_the_request_language(client, world, inbox):
    english = client.get("/api/v1/notifications?lang=en", headers=world.headers("office_a")).json["items"]
    overdue, major, unknown = english[2], english[1], english[0]
    assert overdue["title"] == "Inspections overdue"
    assert overdue["body"] == "District A No.1 Primary: every inspection point has been inspected on time again."
    assert overdue["link_path"] == f"/api/v1/points?school_id={world.school_a.id}&overdue=true"
    assert major["title"] == "Major hazard reported"
    assert "教学楼外墙脱落" in major["body"]
    assert unknown["title"] == "New notification"  # a kind nobody registered: the generic text
    assert "drill #77" in unknown["body"] and unknown["link_path"] is None

    chinese = client.get("/api/v1/notifications", headers=world.headers("office_a")).json["items"]
    assert "甲区第一小学" in chinese[2]["body"] and "District A" not in chinese[2]["body"]


def test_overdue_inspections_are_counted_for_the_school(client, world):
    for _ in range(2):
        point = create_point(world.school_a)
        point.next_due_at = T0 - timedelta(days=1)
    create_point(world.school_a).next_due_at = T0 + timedelta(days=3)
    db.session.commit()
    send(world.principal_a, "inspection_overdue", "school", world.school_a.id, world.school_a)
    with frozen(T0):
        item = client.get("/api/v1/notifications?lang=en", headers=world.headers("principal_a")).json["items"][0]
    assert item["title"] == "Inspections overdue"
    assert item["body"] == "District A No.1 Primary: 2 inspection points are overdue for inspection."


def test_marking_read_one_and_all(client, world, inbox):
    headers = world.headers("office_a")
    response = client.post(f"/api/v1/notifications/{inbox['second'].id}/read", headers=headers)
    assert response.status_code == 200 and response.json["read"] is True
    first_read = response.json["read_at"]
    again = client.post(f"/api/v1/notifications/{inbox['second'].id}/read", headers=headers)
    assert again.json["read_at"] == first_read  # the first reading time stays

    response = client.post("/api/v1/notifications/read-all", headers=headers)
    assert response.json == {"marked": 1, "unread_count": 0}
    # principal_a's own is untouched
    assert client.get("/api/v1/notifications", headers=world.headers("principal_a")).json["unread_count"] == 1


@pytest.mark.parametrize("who", ["principal_a", "admin", "city_office"])
def test_someone_elses_notification_is_not_found(client, world, inbox, who):
    response = client.post(f"/api/v1/notifications/{inbox['first'].id}/read", headers=world.headers(who))
    assert response.status_code == 404
    ids = [n["id"] for n in client.get("/api/v1/notifications", headers=world.headers(who)).json["items"]]
    assert inbox["first"].id not in ids
    db.session.expire_all()
    assert db.session.get(Notification, inbox["second"].id).read_at is None


def test_the_inbox_needs_a_token(client):
    assert client.get("/api/v1/notifications").status_code == 401


# --- preferences -----------------------------------------------------------------------------------------

def test_preferences_default_to_a_daily_digest_and_can_be_changed(client, world):
    headers = world.headers("principal_a")
    assert client.get("/api/v1/notifications/preferences", headers=headers).json == {
        "in_app": True, "email": True, "digest": True, "quiet_kinds": []}
    response = client.patch("/api/v1/notifications/preferences", headers=headers,
                            json={"digest": False, "quiet_kinds": ["drill_due", "drill_due", "inspection_overdue"]})
    assert response.status_code == 200
    assert response.json == {"in_app": True, "email": True, "digest": False,
                             "quiet_kinds": ["drill_due", "inspection_overdue"]}
    assert client.get("/api/v1/notifications/preferences", headers=headers).json["digest"] is False
    # someone else's stay the defaults
    assert client.get("/api/v1/notifications/preferences", headers=world.headers("office_a")).json["digest"] is True


@pytest.mark.parametrize("body,field", [
    ({"in_app": False}, "in_app"),
    ({"quiet_kinds": ["Not A Kind"]}, "quiet_kinds.0"),
    ({"email": "sometimes"}, "email"),
])
def test_invalid_preferences_are_rejected(client, world, body, field):
    response = client.patch("/api/v1/notifications/preferences", headers=world.headers("principal_a"), json=body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


# --- webhooks --------------------------------------------------------------------------------------------

ROBOT = "https://oapi.dingtalk.com/robot/send?access_token=abc"


@pytest.mark.parametrize("who,scope,expected", [
    ("office_a", "district_a", 201), ("city_office", "district_a", 201), ("admin", "city", 201),
    ("office_b", "district_a", 404),                                # not theirs: not even there
    ("principal_a", "district_a", 403), ("district_inspector_a", "district_a", 403),  # visible, not overseen
    ("principal_a", "school_a", 201), ("office_a", "school_a", 201),
    ("officer_a", "school_a", 403), ("principal_b", "school_a", 404), ("office_b", "school_a", 404),
])
def test_who_may_add_a_robot_where(client, world, who, scope, expected):
    target = getattr(world, scope)
    key = "school_id" if scope.startswith("school") else "region_id"
    response = client.post("/api/v1/webhooks", headers=world.headers(who),
                           json={key: target.id, "url": ROBOT, "format": "dingtalk", "name": "安全工作群"})
    assert response.status_code == expected, response.json
    if expected == 201:
        assert response.json[key] == target.id and response.json["format"] == "dingtalk"


def test_a_generic_webhook_gets_a_secret_shown_once(client, world):
    headers = world.headers("office_a")
    created = client.post("/api/v1/webhooks", headers=headers, json={
        "region_id": world.district_a.id, "url": "http://10.0.0.5/hooks/safety", "kinds": ["hazard_escalated"]})
    assert created.status_code == 201
    assert len(created.json["secret"]) >= 32 and created.json["has_secret"] is True
    listed = client.get("/api/v1/webhooks", headers=headers).json["items"]
    assert [w["id"] for w in listed] == [created.json["id"]]
    assert "secret" not in listed[0] and listed[0]["kinds"] == ["hazard_escalated"]


@pytest.mark.parametrize("body,field", [
    ({"url": ROBOT}, "school_id"),                                          # no scope
    ({"url": "ftp://example.cn/x", "school_id": 1}, "url"),
    ({"url": ROBOT, "school_id": 1, "region_id": 1}, "school_id"),          # both
    ({"url": ROBOT, "school_id": 1, "format": "slack"}, "format"),
    ({"url": ROBOT, "school_id": 1, "secret": "short"}, "secret"),
    ({"url": ROBOT, "school_id": 1, "colour": "red"}, "colour"),
])
def test_invalid_webhooks_are_rejected(client, world, body, field):
    response = client.post("/api/v1/webhooks", headers=world.headers("admin"), json=body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_robots_are_changed_and_removed_only_within_scope(client, world):
    created = client.post("/api/v1/webhooks", headers=world.headers("office_a"),
                          json={"school_id": world.school_a.id, "url": ROBOT, "format": "wecom"}).json
    path = f"/api/v1/webhooks/{created['id']}"
    for outsider in ("office_b", "principal_b", "principal_c"):
        headers = world.headers(outsider)
        assert client.get(path, headers=headers).status_code == 404
        assert client.patch(path, headers=headers, json={"active": False}).status_code == 404
        assert client.delete(path, headers=headers).status_code == 404
        assert client.get("/api/v1/webhooks", headers=headers).json["items"] == []
    assert client.get("/api/v1/webhooks", headers=world.headers("officer_a")).json["items"] == []

    headers = world.headers("principal_a")  # the school's own principal manages the school's robot
    response = client.patch(path, headers=headers, json={"active": False, "kinds": ["hazard_major_reported"],
                                                         "secret": "a-new-secret-1234"})
    assert response.status_code == 200
    assert response.json["active"] is False and response.json["has_secret"] is True
    assert client.delete(path, headers=headers).status_code == 204
    assert client.get(path, headers=headers).status_code == 404
