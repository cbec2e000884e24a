"""Every error leaves in one shape; nothing a client sends produces a 500."""
import pytest


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
