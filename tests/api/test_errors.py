"""Every error leaves in one shape; nothing a client sends produces a 500."""
import json

import pytest
from sqlalchemy import func, select, update

from safety.extensions import db
from tests.factories import create_point


def assert_error(response, status, code=None):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    error = response.json["error"]
    assert set(error) <= {"code", "message", "fields"} and error["message"]
    if code:
        assert error["code"] == code
    return error


def test_routing_404_and_405(client, world):
    assert_error(client.get("/api/v1/no/such/thing"), 404, "not_found")
    response = client.delete("/api/v1/health")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_malformed_json_is_400(client, world):
    response = client.post("/api/v1/users", data=b'{"username": ', content_type="application/json",
                           headers=world.headers("admin"))
    assert_error(response, 400, "malformed_json")


@pytest.mark.parametrize("body,field", [
    ({"username": 12, "password": "x"}, "username"),
    ({"username": "a", "password": None}, "password"),
    ({"username": "a", "password": "b", "extra": 1}, "extra"),
    ([1, 2], "_schema"),
])
def test_wrong_types_and_unknown_fields_are_422_with_field_paths(client, body, field):
    error = assert_error(client.post("/api/v1/auth/login", json=body), 422, "validation_failed")
    assert field in error["fields"]


def test_nested_errors_use_dotted_paths(client, world):
    response = client.post("/api/v1/users", headers=world.headers("admin"), json={
        "username": "abc", "password": "long-enough-password",
        "roles": [{"role": "admin"}, {"role": "emperor"}]})
    error = assert_error(response, 422, "validation_failed")
    assert list(error["fields"]) == ["roles.1.role"]


@pytest.mark.parametrize("path", [
    "/api/v1/schools/99999999999999999999", "/api/v1/schools/2147483648", "/api/v1/schools/-1",
    "/api/v1/users/99999999999999999999", "/api/v1/classes/0",
])
def test_huge_and_negative_ids_are_404(client, world, path):
    headers = world.headers("admin")
    method = client.patch if "classes" in path else client.get
    assert_error(method(path, headers=headers, json={}), 404)


@pytest.mark.parametrize("query", ["page=-1", "page=0", "per_page=201", "per_page=0", "page=abc",
                                   "region_id=99999999999999999999", "type=castle"])
def test_bad_query_arguments_are_422(client, world, query):
    assert_error(client.get(f"/api/v1/schools?{query}", headers=world.headers("admin")), 422)


def test_no_token_is_401_and_forbidden_is_403(client, world):
    assert_error(client.get("/api/v1/schools"), 401, "unauthorized")
    assert_error(client.get("/api/v1/audit", headers=world.headers("principal_a")), 403, "forbidden")


def test_conflict_is_409(client, world):
    body = {"grade": 1, "name": "1班", "student_count": 30}
    headers = world.headers("principal_a")
    client.post(f"/api/v1/schools/{world.school_a.id}/classes", json=body, headers=headers)
    assert_error(client.post(f"/api/v1/schools/{world.school_a.id}/classes", json=body, headers=headers), 409)


def test_too_large_body_is_413(app, client, world):
    size = app.config["MAX_CONTENT_LENGTH"] + 1
    response = client.post("/api/v1/auth/login", data=b"x" * size, content_type="application/json")
    assert_error(response, 413, "too_large")


def test_rate_limit_is_429(client, world):
    for _ in range(5):
        client.post("/api/v1/auth/login", json={"username": "x", "password": "y"})
    assert_error(client.post("/api/v1/auth/login", json={"username": "x", "password": "y"}), 429, "rate_limited")


def test_messages_follow_accept_language(client, world):
    zh = client.get("/api/v1/nothing", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).json["error"]["message"]
    en = client.get("/api/v1/nothing", headers={"Accept-Language": "en-US,en;q=0.8"}).json["error"]["message"]
    assert en == "Not found." and zh == "未找到。"
    default = client.get("/api/v1/nothing").json["error"]["message"]
    assert default == zh  # zh-CN is this product's default


def test_pagination_envelope_and_header(client, world):
    response = client.get("/api/v1/schools?page=2&per_page=2", headers=world.headers("admin"))
    assert response.status_code == 200
    body = response.json
    assert (body["page"], body["per_page"], body["total"]) == (2, 2, 3)
    assert [s["code"] for s in body["items"]] == ["SC"]
    assert response.headers["X-Total-Count"] == "3"


# --- hostile input: each class at one operation; tests/api/test_hostile_input.py walks them over every operation


@pytest.fixture
def point(world):
    point = create_point(world.school_a, code="A-1F-EXT-01")
    db.session.commit()
    return point


@pytest.mark.parametrize("body", [
    "[" * 100_000 + "]" * 100_000,  # the parser would recurse until the interpreter gives up
    '{"username": ' + "9" * 5000 + ', "password": "x"}',  # beyond what Python turns into an int
    '{"username": "a", "password": NaN}', '{"username": "a", "password": Infinity}', '{"username": 1e999}',
    '{"username": "a", "password": "x"',
    "[" * 40 + "]" * 40,  # valid JSON, but deeper than any request of this API
])
def test_malformed_deep_or_huge_json_is_400(client, body):
    assert_error(client.post("/api/v1/auth/login", data=body, content_type="application/json"), 400,
                 "malformed_json")


def test_json_in_another_format_is_415(client, world, point):
    body = '{"username": "a", "password": "b"}'
    assert_error(client.post("/api/v1/auth/login", data=body, content_type="text/plain"), 415, "unsupported_media")
    assert_error(client.post(f"/api/v1/public/reports/{point.qr_token}", data='{"description": "围栏有个大洞"}',
                             content_type="text/plain"), 415, "unsupported_media")
    assert_error(client.post("/api/v1/photos", data=body, content_type="application/json",
                             headers=world.headers("officer_a")), 415, "unsupported_media")


@pytest.mark.parametrize("text", ["abc\x00def", "abc\ud800def", "\udfff"])
def test_text_no_database_can_store_is_422_even_anonymously(client, world, point, text):
    from safety.hazards.models import Hazard
    escaped = json.dumps(text)  # lone surrogates as JSON escapes, as a hostile client sends them
    response = client.post(f"/api/v1/public/reports/{point.qr_token}", content_type="application/json",
                           data=f'{{"description": {escaped}, "phone": "13800000000"}}')
    assert assert_error(response, 422, "validation_failed")["fields"] == {
        "description": ["包含无法保存的字符（NUL 或不成对的代理字符）。"]}
    form = client.post(f"/api/v1/public/reports/{point.qr_token}", data={"description": "abc\x00 围栏有个洞"})
    assert "description" in assert_error(form, 422)["fields"]
    nested = client.post("/api/v1/inspections", headers=world.headers("officer_a"), content_type="application/json",
                         data=json.dumps({"results": [{"item_id": 1, "note": "ok"}, {"item_id": 2, "note": text}]}))
    assert "results.1.note" in assert_error(nested, 422)["fields"]
    key = client.post("/api/v1/auth/login", content_type="application/json",
                      data=f'{{"username": "a", "password": "b", {escaped}: 1}}')
    assert assert_error(key, 422)["fields"] == {"_schema": ["字段名包含无法保存的字符。"]}
    assert db.session.scalar(select(func.count()).select_from(Hazard)) == 0


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00",
                                    "1899-12-31T23:59:59Z", "2200-01-01T00:00:00Z"])
def test_date_times_beyond_a_sane_calendar_are_422(client, world, moment):
    office = world.headers("office_a")
    for path in ("/api/v1/hazards", "/api/v1/inspections", "/api/v1/hazards/counts"):
        for name in ("since", "until"):
            response = client.get(path, headers=office, query_string={name: moment})
            assert assert_error(response, 422)["fields"] == {name: ["必须在 1900 年至 2199 年之间。"]}
    hazard = client.post("/api/v1/hazards", headers=world.headers("officer_a"),
                         json={"school_id": world.school_a.id, "title": "漏水"}).json
    plan = {"measures": "x", "responsible_person": "x", "funding": "x", "contingency_plan": "x", "deadline": moment}
    response = client.post(f"/api/v1/hazards/{hazard['id']}/five-fixed", json=plan,
                           headers=world.headers("principal_a"))
    assert list(assert_error(response, 422)["fields"]) == ["deadline"]


def test_the_calendar_bounds_themselves_are_accepted(client, world):
    office = world.headers("office_a")
    for since, until in [("1900-01-01T00:00:00Z", "2199-12-31T23:59:59Z"),
                         ("1900-01-01T08:00:00+08:00", "2199-12-31T23:59:59+08:00")]:
        response = client.get("/api/v1/hazards", headers=office, query_string={"since": since, "until": until})
        assert response.status_code == 200, response.json


def test_a_fraction_is_refused_never_truncated(client, world):
    from safety.drills.models import Drill
    from safety.schools.models import School
    from tests.drills.test_drills_api import ASSIGN, add_calendar, drill, local, post_report, run
    add_calendar(world.city)
    db.session.execute(update(School).values(created_at=local(2026, 8, 1)))
    db.session.commit()
    run(ASSIGN, local(2026, 11, 10))
    november = drill(world.school_a, "2026-11")
    for students in (1.5, "1.5", 2.0, True, "1e3", 2**31):
        response = post_report(client, world, "principal_a", november.id, local(2026, 11, 10),
                               student_count=students)
        assert list(assert_error(response, 422)["fields"]) == ["student_count"], students
    assert db.session.get(Drill, november.id).student_count is None
    class_body = {"grade": 1.5, "name": "1班", "student_count": 30.5}
    response = client.post(f"/api/v1/schools/{world.school_a.id}/classes", json=class_body,
                           headers=world.headers("principal_a"))
    assert set(assert_error(response, 422)["fields"]) == {"grade", "student_count"}
    for query in ("page=2.5", "per_page=1.0", "school_id=1.5", "page=%EF%BC%91"):  # the last: a full-width 1
        assert_error(client.get(f"/api/v1/hazards?{query}", headers=world.headers("office_a")), 422)
    assert client.get("/api/v1/hazards?page=1&per_page=%2B2", headers=world.headers("office_a")).status_code == 200


def test_unknown_and_repeated_query_parameters_are_422(client, world):
    office = world.headers("office_a")
    assert assert_error(client.get("/api/v1/hazards?stauts=open", headers=office), 422)["fields"] == {
        "stauts": ["未知字段。"]}
    assert assert_error(client.get(f"/api/v1/schools/{world.school_a.id}?x=1", headers=office), 422)["fields"] == {
        "x": ["未知字段。"]}
    repeated = client.get(f"/api/v1/hazards?school_id={world.school_a.id}&school_id={world.school_b.id}",
                          headers=office)
    assert list(assert_error(repeated, 422)["fields"]) == ["school_id"]
    assert client.get("/api/v1/hazards?lang=en", headers=office).status_code == 200  # everyone's parameter
    assert client.get(f"/api/v1/schools/{world.school_a.id}?lang=en", headers=office).status_code == 200


def test_multi_value_filters_take_both_forms(client, world):
    officer, office = world.headers("officer_a"), world.headers("office_a")
    for title in ("漏水", "插座松动"):
        client.post("/api/v1/hazards", headers=officer, json={"school_id": world.school_a.id, "title": title})
    first = client.get("/api/v1/hazards", headers=office).json["items"][0]
    client.post(f"/api/v1/hazards/{first['id']}/dismiss", json={"reason": "误报"}, headers=world.headers("principal_a"))
    totals = [client.get(f"/api/v1/hazards?{query}", headers=office).json["total"] for query in
              ("status=reported", "status=dismissed", "status=reported,dismissed",
               "status=reported&status=dismissed", "status=reported,closed&status=dismissed")]
    assert totals == [1, 1, 2, 2, 2]
    assert_error(client.get("/api/v1/hazards?status=reported&status=castle", headers=office), 422)


def test_field_messages_follow_the_request_language(client):
    zh = assert_error(client.post("/api/v1/auth/login", json={"username": 1, "extra": 2}), 422)["fields"]
    assert zh == {"username": ["不是有效的字符串。"], "password": ["缺少必填字段。"], "extra": ["未知字段。"]}
    en = assert_error(client.post("/api/v1/auth/login?lang=en", json={"username": 1, "extra": 2}), 422)["fields"]
    assert en == {"username": ["Not a valid string."], "password": ["Missing data for required field."],
                  "extra": ["Unknown field."]}


def test_messages_with_values_keep_them_in_translation(client, world):
    long_title = {"school_id": world.school_a.id, "title": "x" * 301, "grade": "castle"}
    fields = assert_error(client.post("/api/v1/hazards", json=long_title, headers=world.headers("officer_a")),
                          422)["fields"]
    assert fields["title"] == ["长度必须在 1 到 300 之间。"]
    assert fields["grade"][0].startswith("必须是以下之一：") and "major" in fields["grade"][0]
