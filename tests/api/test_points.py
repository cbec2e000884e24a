"""Inspection points, QR tokens, scanning."""
import pytest

from safety.extensions import db
from tests.factories import create_point, create_template


@pytest.fixture
def point(world):
    point = create_point(world.school_a, code="A-1F-EXT-01", latitude=30.0, longitude=120.0)
    db.session.commit()
    return point


def test_principal_creates_a_point_with_a_category_default_template(client, world):
    response = client.post(f"/api/v1/schools/{world.school_a.id}/points", headers=world.headers("principal_a"),
                           json={"code": "A-3F-EXT-02", "name_zh": "三楼东侧灭火器", "category": "fire_equipment",
                                 "frequency": "monthly", "location": "教学楼 A 三楼东"})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["qr_url"] == f"https://safety.example.cn/q/{body['qr_token']}"
    assert len(body["qr_token"]) >= 22  # ≥ 128 bits, URL-safe
    template = client.get(f"/api/v1/checklists/{body['template_id']}", headers=world.headers("principal_a")).json
    assert template["is_default"] and template["category"] == "fire_equipment"
    assert len(template["current_version"]["items"]) >= 6


def test_qr_tokens_only_for_those_who_manage_the_school(client, world, point):
    as_principal = client.get(f"/api/v1/points/{point.id}", headers=world.headers("principal_a")).json
    as_officer = client.get(f"/api/v1/points/{point.id}", headers=world.headers("officer_a")).json
    assert as_principal["qr_token"] == point.qr_token
    assert as_officer["qr_token"] is None and as_officer["qr_url"] is None


@pytest.mark.parametrize("body,field", [
    ({"code": "X", "name_zh": "x", "category": "volcano"}, "category"),
    ({"code": "X", "name_zh": "x", "category": "canteen", "frequency": "hourly"}, "frequency"),
    ({"code": "bad code!", "name_zh": "x", "category": "canteen"}, "code"),
    ({"code": "X", "name_zh": "x", "category": "canteen", "latitude": 91}, "latitude"),
])
def test_bad_point_input_names_the_field(client, world, body, field):
    response = client.post(f"/api/v1/schools/{world.school_a.id}/points", json=body,
                           headers=world.headers("principal_a"))
    assert response.status_code == 422 and field in response.json["error"]["fields"]


def test_duplicate_code_in_a_school_is_409_but_fine_elsewhere(client, world, point):
    body = {"code": "A-1F-EXT-01", "name_zh": "重复", "category": "fire_equipment"}
    assert client.post(f"/api/v1/schools/{world.school_a.id}/points", json=body,
                       headers=world.headers("principal_a")).status_code == 409
    assert client.post(f"/api/v1/schools/{world.school_b.id}/points", json=body,
                       headers=world.headers("principal_b")).status_code == 201


def test_template_of_another_category_is_refused(client, world):
    canteen = create_template("canteen")
    db.session.commit()
    response = client.post(f"/api/v1/schools/{world.school_a.id}/points", headers=world.headers("principal_a"),
                           json={"code": "X1", "name_zh": "灭火器", "category": "fire_equipment",
                                 "template_id": canteen.id})
    assert response.status_code == 422 and "template_id" in response.json["error"]["fields"]


def test_scan_opens_the_point_its_school_and_checklist(client, world, point):
    response = client.get(f"/api/v1/scan/{point.qr_token}", headers=world.headers("officer_a"))
    assert response.status_code == 200
    body = response.json
    assert body["point"]["code"] == "A-1F-EXT-01" and body["school"]["code"] == "SA"
    assert [i["key"] for i in body["checklist"]["items"]] == ["gauge", "pressure", "access", "exit_locked", "remarks"]
    assert body["checklist"]["items"][1]["unit"] == "MPa"
    assert body["open_hazards"] == [] and body["last_inspection"] is None


@pytest.mark.parametrize("who,status", [("officer_a", 200), ("district_inspector_a", 200), ("principal_a", 200),
                                        ("office_a", 200), ("principal_b", 404), ("office_b", 404),
                                        ("principal_c", 404)])
def test_scan_only_where_one_may_inspect(client, world, point, who, status):
    assert client.get(f"/api/v1/scan/{point.qr_token}", headers=world.headers(who)).status_code == status


def test_rotating_the_token_kills_the_old_label_and_is_audited(client, world, point):
    old = point.qr_token
    response = client.post(f"/api/v1/points/{point.id}/rotate-qr", headers=world.headers("principal_a"))
    assert response.status_code == 200 and response.json["qr_token"] != old
    assert client.get(f"/api/v1/scan/{old}", headers=world.headers("officer_a")).status_code == 404
    new = response.json["qr_token"]
    assert client.get(f"/api/v1/scan/{new}", headers=world.headers("officer_a")).status_code == 200
    events = client.get("/api/v1/audit?action=point.qr_rotated", headers=world.headers("admin")).json["items"]
    assert events[0]["object_id"] == str(point.id) and events[0]["actor"] == "principal_a"
    assert old not in str(events)


def test_inspector_may_not_rotate_or_retire(client, world, point):
    assert client.post(f"/api/v1/points/{point.id}/rotate-qr", headers=world.headers("officer_a")).status_code == 403
    assert client.post(f"/api/v1/points/{point.id}/retire", headers=world.headers("officer_a")).status_code == 403
    assert client.post(f"/api/v1/points/{point.id}/retire", headers=world.headers("principal_b")).status_code == 404


def test_a_retired_point_no_longer_scans_but_keeps_its_record(client, world, point):
    assert client.post(f"/api/v1/points/{point.id}/retire", headers=world.headers("principal_a")).status_code == 200
    assert client.get(f"/api/v1/scan/{point.qr_token}", headers=world.headers("officer_a")).status_code == 404
    assert client.get(f"/api/v1/points/{point.id}", headers=world.headers("principal_a")).json["retired_at"]
    listed = client.get(f"/api/v1/schools/{world.school_a.id}/points", headers=world.headers("principal_a")).json
    assert listed["total"] == 0
    with_retired = client.get(f"/api/v1/schools/{world.school_a.id}/points?include_retired=true",
                              headers=world.headers("principal_a")).json
    assert with_retired["total"] == 1


def test_unknown_token_is_404(client, world):
    assert client.get("/api/v1/scan/not-a-real-token", headers=world.headers("officer_a")).status_code == 404


def test_filter_by_category_and_overdue(client, world):
    from datetime import timedelta

    from safety.core.clock import frozen, now
    create_point(world.school_a, category="fire_equipment", frequency="daily")
    create_point(world.school_a, category="canteen", frequency="monthly")
    db.session.commit()
    headers = world.headers("principal_a")
    by_category = client.get("/api/v1/points?category=canteen", headers=headers).json
    assert [p["category"] for p in by_category["items"]] == ["canteen"]
    with frozen(now() + timedelta(days=2)):
        overdue = client.get("/api/v1/points?overdue=true", headers=world.headers("principal_a")).json
    assert [p["category"] for p in overdue["items"]] == ["fire_equipment"]


def test_points_of_other_schools_never_leak(client, world):
    create_point(world.school_c)
    db.session.commit()
    assert client.get("/api/v1/points", headers=world.headers("office_a")).json["total"] == 0
    assert client.get("/api/v1/points", headers=world.headers("office_b")).json["total"] == 1
    assert client.get(f"/api/v1/schools/{world.school_c.id}/points",
                      headers=world.headers("principal_a")).status_code == 404


def test_the_camera_address_names_the_point_and_how_to_log_in(client, world, point):
    response = client.get(f"/q/{point.qr_token}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "一楼走廊灭火器" in page and "甲区第一小学" in page and "登录" in page
    assert client.get("/q/unknown-token").status_code == 404


def test_a_new_point_is_due_one_interval_after_it_was_set_up_and_a_new_frequency_reschedules_it(client, world):
    from datetime import datetime, timedelta

    from safety.core.clock import frozen, now
    principal = world.headers("principal_a")
    set_up = now().replace(microsecond=0)
    with frozen(set_up):
        created = client.post(f"/api/v1/schools/{world.school_a.id}/points", headers=principal,
                              json={"code": "A-DUE-01", "name_zh": "配电房", "category": "fire_equipment",
                                    "frequency": "monthly"}).json
    assert datetime.fromisoformat(created["next_due_at"]) == set_up + timedelta(days=30)
    changed = client.patch(f"/api/v1/points/{created['id']}", headers=principal, json={"frequency": "daily"}).json
    assert datetime.fromisoformat(changed["next_due_at"]) == set_up + timedelta(days=1)
    renamed = client.patch(f"/api/v1/points/{created['id']}", headers=principal, json={"name_zh": "配电房一"}).json
    assert renamed["next_due_at"] == changed["next_due_at"]
