"""The hazard lifecycle through HTTP, from a failed item to closure, with history."""
import hashlib
import uuid
from datetime import timedelta

import pytest

from safety.core.clock import now
from safety.extensions import db
from tests.api.test_inspections import submission
from tests.factories import answers, create_point, create_template, jpeg_bytes, scene, upload_photo


@pytest.fixture
def point(world):
    point = create_point(world.school_a, code="A-1F-EXT-01")
    db.session.commit()
    return point


def fail_gauge(client, world, point, photo_ref, who="officer_a"):
    version = point.template.current_version
    body = submission(point, results=answers(version, gauge={"outcome": "fail", "note": "指针在红区",
                                                              "photos": [photo_ref]}))
    response = client.post("/api/v1/inspections", json=body, headers=world.headers(who))
    assert response.status_code == 201, response.json
    return response.json


def test_scan_upload_submit_assign_rectify_reject_rectify_verify_closed(client, world, point):
    officer, principal = world.headers("officer_a"), world.headers("principal_a")
    scanned = client.get(f"/api/v1/scan/{point.qr_token}", headers=officer).json
    assert scanned["point"]["id"] == point.id
    photo = upload_photo(client, officer, jpeg_bytes(seed=1)).json
    inspection = fail_gauge(client, world, point, photo["id"])
    [hazard] = inspection["hazards"]
    assert (hazard["status"], hazard["grade"], hazard["source"]) == ("reported", "general", "inspection")
    assert hazard["title"] == "不符合：压力表指针在绿区"
    deadline = hazard["deadline"]
    hid = hazard["id"]

    assert client.get(f"/api/v1/scan/{point.qr_token}", headers=officer).json["open_hazards"][0]["id"] == hid
    r = client.post(f"/api/v1/hazards/{hid}/assign", json={"assignee_id": world.officer_a.id, "note": "请更换"},
                    headers=principal)
    assert r.status_code == 200 and r.json["status"] == "assigned"
    fix1 = upload_photo(client, officer, scene(2)).json
    r = client.post(f"/api/v1/hazards/{hid}/rectify", json={"note": "已更换灭火器", "photos": [fix1["id"]]},
                    headers=officer)
    assert r.status_code == 200 and r.json["status"] == "awaiting_verification"
    r = client.post(f"/api/v1/hazards/{hid}/verify", json={"accepted": False, "note": "照片看不清"}, headers=principal)
    assert r.status_code == 200 and r.json["status"] == "rectifying"
    fix2 = upload_photo(client, officer, scene(3)).json
    r = client.post(f"/api/v1/hazards/{hid}/rectify", json={"note": "补拍照片", "photos": [fix2["sha256"]]},
                    headers=officer)
    assert r.json["status"] == "awaiting_verification"
    r = client.post(f"/api/v1/hazards/{hid}/verify", json={"accepted": True, "note": "合格"}, headers=principal)
    assert r.status_code == 200 and r.json["status"] == "closed" and r.json["closed_at"]

    history = client.get(f"/api/v1/hazards/{hid}", headers=principal).json
    steps = [(e["action"], e["from_status"], e["to_status"]) for e in history["events"]]
    assert steps == [("opened", None, "reported"), ("assign", "reported", "assigned"),
                     ("rectify", "assigned", "awaiting_verification"),
                     ("reject", "awaiting_verification", "rectifying"),
                     ("rectify", "rectifying", "awaiting_verification"),
                     ("accept", "awaiting_verification", "closed")]
    actors = [e["actor_id"] for e in history["events"]]
    assert actors == [world.officer_a.id, world.principal_a.id, world.officer_a.id, world.principal_a.id,
                      world.officer_a.id, world.principal_a.id]
    assert [p["id"] for p in history["events"][0]["photos"]] == [photo["id"]]
    assert [p["id"] for p in history["events"][4]["photos"]] == [fix2["id"]]
    assert all(e["at"] for e in history["events"]) and history["deadline"] == deadline
    audit = client.get("/api/v1/audit?action=hazard.accept", headers=world.headers("admin")).json["items"]
    assert audit[0]["object_id"] == str(hid)
    # the evidence is visible to the office in scope, not to other schools
    with client.get(f"/api/v1/photos/{fix2['id']}?size=thumb", headers=world.headers("office_a")) as shown:
        assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    assert client.get(f"/api/v1/photos/{fix2['id']}", headers=world.headers("principal_c")).status_code == 404


def test_wrong_state_is_409(client, world, point):
    photo = upload_photo(client, world.headers("officer_a"), jpeg_bytes(seed=4)).json
    hid = fail_gauge(client, world, point, photo["id"])["hazards"][0]["id"]
    principal = world.headers("principal_a")
    r = client.post(f"/api/v1/hazards/{hid}/verify", json={"accepted": True}, headers=principal)
    assert r.status_code == 409 and r.json["error"]["code"] == "wrong_state"
    assert client.post(f"/api/v1/hazards/{hid}/start", json={}, headers=principal).status_code == 409


def test_the_rectifier_may_not_verify(client, world, point):
    principal = world.headers("principal_a")
    photo = upload_photo(client, principal, jpeg_bytes(seed=5)).json
    hid = fail_gauge(client, world, point, photo["id"], who="principal_a")["hazards"][0]["id"]
    client.post(f"/api/v1/hazards/{hid}/assign", json={"assignee_id": world.principal_a.id}, headers=principal)
    fixed = upload_photo(client, principal, scene(5)).json
    client.post(f"/api/v1/hazards/{hid}/rectify", json={"note": "修好了", "photos": [fixed["id"]]}, headers=principal)
    r = client.post(f"/api/v1/hazards/{hid}/verify", json={"accepted": True}, headers=principal)
    assert r.status_code == 403 and r.json["error"]["code"] == "same_person"
    assert client.post(f"/api/v1/hazards/{hid}/verify", json={"accepted": True},
                       headers=world.headers("office_a")).json["status"] == "closed"


@pytest.mark.parametrize("body", [{"note": "", "photos": [1]}, {"note": "ok", "photos": []}, {"note": "ok"}])
def test_rectification_needs_a_note_and_photos(client, world, point, body):
    photo = upload_photo(client, world.headers("officer_a"), jpeg_bytes(seed=6)).json
    hid = fail_gauge(client, world, point, photo["id"])["hazards"][0]["id"]
    client.post(f"/api/v1/hazards/{hid}/assign", json={"assignee_id": world.officer_a.id},
                headers=world.headers("principal_a"))
    assert client.post(f"/api/v1/hazards/{hid}/rectify", json=body,
                       headers=world.headers("officer_a")).status_code == 422


def test_a_major_hazard_needs_five_fixed_and_the_office_to_verify(client, world, point):
    officer, principal, office = world.headers("officer_a"), world.headers("principal_a"), world.headers("office_a")
    body = submission(point, results=answers(point.template.current_version, exit_locked={"outcome": "fail"}))
    [hazard] = client.post("/api/v1/inspections", json=body, headers=officer).json["hazards"]
    assert hazard["grade"] == "major" and hazard["interim_deadline"]
    hid = hazard["id"]
    client.post(f"/api/v1/hazards/{hid}/assign", json={"assignee_id": world.officer_a.id}, headers=principal)
    r = client.post(f"/api/v1/hazards/{hid}/start", json={}, headers=officer)
    assert r.status_code == 409 and r.json["error"]["code"] == "five_fixed_required"
    deadline = (now() + timedelta(days=10)).replace(microsecond=0)
    r = client.post(f"/api/v1/hazards/{hid}/five-fixed", headers=principal, json={
        "measures": "更换门锁为推闩", "responsible_person": "王校长", "funding": "学校公用经费 2000 元",
        "deadline": deadline.isoformat(), "contingency_plan": "整改期间专人值守"})
    assert r.status_code == 200 and r.json["deadline"] == deadline.isoformat()
    assert client.post(f"/api/v1/hazards/{hid}/start", json={"note": "开工"}, headers=officer).status_code == 200
    photo = upload_photo(client, officer, scene(7)).json
    client.post(f"/api/v1/hazards/{hid}/rectify", json={"note": "已更换", "photos": [photo["id"]]}, headers=officer)
    r = client.post(f"/api/v1/hazards/{hid}/five-fixed", headers=principal, json={  # rectified under this plan
        "measures": "改为只换锁芯", "responsible_person": "王校长", "funding": "无", "deadline": deadline.isoformat(),
        "contingency_plan": "无"})
    assert r.status_code == 409 and r.json["error"]["code"] == "wrong_state"
    assert client.post(f"/api/v1/hazards/{hid}/verify", json={"accepted": True},
                       headers=principal).status_code == 403  # a major hazard is the office's to verify
    assert client.post(f"/api/v1/hazards/{hid}/verify", json={"accepted": True},
                       headers=office).json["status"] == "closed"


def test_repeat_failures_add_to_the_open_hazard(client, world, point):
    photo = upload_photo(client, world.headers("officer_a"), jpeg_bytes(seed=8)).json
    first = fail_gauge(client, world, point, photo["id"])["hazards"][0]
    second = fail_gauge(client, world, point, photo["id"])["hazards"][0]
    assert first["id"] == second["id"] and second["recurrences"] == 1
    events = client.get(f"/api/v1/hazards/{first['id']}", headers=world.headers("principal_a")).json["events"]
    assert [e["action"] for e in events] == ["opened", "observed_again"]


def test_a_report_can_be_dismissed_with_a_reason(client, world, point):
    principal = world.headers("principal_a")
    hazard = client.post("/api/v1/hazards", headers=world.headers("officer_a"), json={
        "school_id": world.school_a.id, "point_id": point.id, "title": "疑似漏水", "description": "墙角有水迹"}).json
    assert hazard["source"] == "direct" and hazard["status"] == "reported"
    assert client.post(f"/api/v1/hazards/{hazard['id']}/dismiss", json={}, headers=principal).status_code == 422
    r = client.post(f"/api/v1/hazards/{hazard['id']}/dismiss", json={"reason": "是空调冷凝水，非隐患"},
                    headers=principal)
    assert r.status_code == 200 and r.json["status"] == "dismissed"
    assert r.json["events"][-1]["note"] == "是空调冷凝水，非隐患"


def test_another_schools_hazard_is_404_everywhere(client, world, point):
    photo = upload_photo(client, world.headers("officer_a"), jpeg_bytes(seed=9)).json
    hid = fail_gauge(client, world, point, photo["id"])["hazards"][0]["id"]
    outsider = world.headers("principal_c")
    assert client.get(f"/api/v1/hazards/{hid}", headers=outsider).status_code == 404
    for action, body in [("assign", {"assignee_id": world.principal_c.id}), ("start", {}),
                         ("rectify", {"note": "x", "photos": [1]}), ("verify", {"accepted": True}),
                         ("dismiss", {"reason": "x"}), ("five-fixed", {
                             "measures": "x", "responsible_person": "x", "funding": "x",
                             "deadline": now().isoformat(), "contingency_plan": "x"})]:
        assert client.post(f"/api/v1/hazards/{hid}/{action}", json=body, headers=outsider).status_code == 404, action
    assert client.get("/api/v1/hazards", headers=outsider).json["total"] == 0
    assert client.get("/api/v1/hazards/counts", headers=outsider).json["reported"] == 0


def test_lists_filter_and_count(client, world, point):
    officer = world.headers("officer_a")
    photo = upload_photo(client, officer, jpeg_bytes(seed=10)).json
    fail_gauge(client, world, point, photo["id"])
    body = submission(point, results=answers(point.template.current_version, exit_locked={"outcome": "fail"}))
    client.post("/api/v1/inspections", json=body, headers=officer)
    office = world.headers("office_a")
    assert client.get("/api/v1/hazards?severity=major", headers=office).json["total"] == 1
    assert client.get("/api/v1/hazards?status=reported,assigned", headers=office).json["total"] == 2
    assert client.get(f"/api/v1/hazards?region_id={world.district_a.id}", headers=office).json["total"] == 2
    assert client.get("/api/v1/hazards/counts", headers=office).json["reported"] == 2
    from safety.core.clock import frozen
    with frozen(now() + timedelta(days=8)):  # past the general hazard's 7 days, within the major one's 30
        assert client.get("/api/v1/hazards?overdue=true", headers=world.headers("office_a")).json["total"] == 1


def test_photos_named_by_hash_before_upload_complete_the_inspection_when_they_arrive(client, world, point):
    officer = world.headers("officer_a")
    data = jpeg_bytes(seed=11)
    digest = hashlib.sha256(data).hexdigest()
    inspection = fail_gauge(client, world, point, digest)
    assert inspection["status"] == "awaiting_photos" and inspection["missing_photos"] == [digest]
    assert upload_photo(client, officer, data).status_code == 201
    again = client.get(f"/api/v1/inspections/{inspection['id']}", headers=officer).json
    assert again["status"] == "complete" and again["missing_photos"] == []
    assert upload_photo(client, officer, data).status_code == 200  # twice: the same photo, nothing changes


def test_public_report_lands_unverified_and_reveals_nothing(client, world, point):
    response = client.post(f"/api/v1/public/reports/{point.qr_token}",
                           json={"description": "围栏有个大洞，小孩能钻过去", "phone": "13800000000"})
    assert response.status_code == 202
    assert set(response.json) == {"received", "reference"}
    hazards = client.get("/api/v1/hazards?source=public", headers=world.headers("principal_a")).json["items"]
    assert len(hazards) == 1 and hazards[0]["status"] == "reported"
    detail = client.get(f"/api/v1/hazards/{hazards[0]['id']}", headers=world.headers("principal_a")).json
    assert detail["reporter_phone"] == "13800000000" and detail["reporter_id"] is None


def test_public_report_with_a_photo_and_rate_limit(client, world, point):
    import io
    form = {"description": "灭火器不见了", "file": (io.BytesIO(jpeg_bytes(seed=12)), "x.jpg")}
    assert client.post(f"/api/v1/public/reports/{point.qr_token}", data=form,
                       content_type="multipart/form-data").status_code == 202
    for _ in range(9):  # ten reports an hour per point (PUBLIC_REPORTS_PER_POINT_HOUR); tests/api/test_throttling.py
        client.post(f"/api/v1/public/reports/{point.qr_token}", json={"description": "重复报告一下"})
    limited = client.post(f"/api/v1/public/reports/{point.qr_token}", json={"description": "再报一次"})
    assert limited.status_code == 429
    assert client.post("/api/v1/public/reports/unknown", json={"description": "随便说说"},
                       environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 404


def test_a_reused_client_uuid_never_opens_hazards_twice(client, world, point):
    body = submission(point, client_uuid=str(uuid.uuid4()),
                      results=answers(point.template.current_version, exit_locked={"outcome": "fail"}))
    for _ in range(3):
        client.post("/api/v1/inspections", json=body, headers=world.headers("officer_a"))
    assert client.get("/api/v1/hazards", headers=world.headers("officer_a")).json["total"] == 1


def test_the_list_is_sorted_as_asked(client, world, point):
    from safety.core.clock import frozen
    officer = world.headers("officer_a")
    start, ids = now(), []
    for hours, grade in ((0, "general"), (1, "major"), (2, "general")):  # deadlines: 7, 30 and 7 days on
        with frozen(start + timedelta(hours=hours)):
            r = client.post("/api/v1/hazards", headers=officer, json={
                "school_id": world.school_a.id, "point_id": point.id, "grade": grade, "title": f"隐患{hours}"})
            assert r.status_code == 201, r.json
            ids.append(r.json["id"])
    first, major, last = ids

    def order(query=""):
        response = client.get(f"/api/v1/hazards?{query}", headers=world.headers("office_a"))
        assert response.status_code == 200, response.json
        return [h["id"] for h in response.json["items"]]

    assert order() == [first, last, major]  # unchanged default: open, then overdue, then by deadline
    assert order("sort=created_at") == [first, major, last]
    assert order("sort=-created_at") == [last, major, first]
    assert order("sort=deadline") == [first, last, major]
    assert order("sort=-deadline") == [major, last, first]
    assert order("sort=grade") == [first, last, major]
    assert order("sort=-grade") == [major, last, first]
    assert order("sort=-level") == [major, last, first]
    assert order("sort=-created_at&per_page=2&page=2") == [first]
    with frozen(start + timedelta(days=8)):  # the general ones are overdue: they lead by default, not by sort
        assert order() == [first, last, major]
        assert order("sort=-deadline") == [major, last, first]
    bad = client.get("/api/v1/hazards?sort=title", headers=world.headers("office_a"))
    assert bad.status_code == 422 and "sort" in bad.json["error"]["fields"]


def test_a_hazard_says_the_item_failed_and_a_long_item_still_opens_one(client, world):
    """Items say what should be true; the hazard's title says it is not. An item as long as a template allows
    (500 characters) opens a hazard whose title is shortened visibly, on either database."""
    long_text = "消防通道" * 125
    point = create_point(world.school_a, code="A-LONG-01", template=create_template(
        items=[{"key": "lane", "kind": "pass_fail", "text_zh": long_text, "text_en": "Fire lane clear"}]))
    db.session.commit()
    version = point.template.current_version
    body = submission(point, results=answers(version, lane={"outcome": "fail", "note": "堆放杂物"}))
    response = client.post("/api/v1/inspections", json=body, headers=world.headers("officer_a"))
    assert response.status_code == 201, response.json
    [hazard] = response.json["hazards"]
    assert len(hazard["title"]) == 300 and hazard["title"].startswith("不符合：消防通道")
    assert hazard["title"].endswith("…")
