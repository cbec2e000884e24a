"""Administration through the API: regions, schools, classes, users."""
import pytest

from tests.api.test_auth import login

SCHOOL = {"code": "DA-NEW", "name_zh": "甲区新建小学", "name_en": "New Primary", "type": "primary",
          "boarding": False, "has_school_bus": True, "address": "甲区 1 号", "enrolment": 500}


def test_office_creates_a_school_in_its_district(client, world):
    response = client.post("/api/v1/schools", json={**SCHOOL, "region_id": world.district_a.id},
                           headers=world.headers("office_a"))
    assert response.status_code == 201
    assert response.json["code"] == "DA-NEW" and response.json["region_code"] == "DA"
    assert response.json["name"] == "甲区新建小学"  # zh-CN unless asked otherwise


def test_office_cannot_create_a_school_in_another_district(client, world):
    response = client.post("/api/v1/schools", json={**SCHOOL, "region_id": world.district_b.id},
                           headers=world.headers("office_a"))
    assert response.status_code == 404


def test_school_must_belong_to_a_district(client, world):
    response = client.post("/api/v1/schools", json={**SCHOOL, "region_id": world.city.id},
                           headers=world.headers("city_office"))
    assert response.status_code == 422 and "region" in response.json["error"]["fields"]


def test_duplicate_school_code_is_409(client, world):
    response = client.post("/api/v1/schools", json={**SCHOOL, "code": "SA", "region_id": world.district_a.id},
                           headers=world.headers("office_a"))
    assert response.status_code == 409 and response.json["error"]["code"] == "code_taken"


def test_principal_cannot_move_their_school(client, world):
    response = client.patch(f"/api/v1/schools/{world.school_a.id}", json={"region_id": world.district_b.id},
                            headers=world.headers("principal_a"))
    assert response.status_code == 403


def test_region_tree_rules(client, world):
    headers = world.headers("city_office")
    ok = client.post("/api/v1/regions", json={"code": "DC", "name_zh": "丙县", "level": "district",
                                              "parent_id": world.city.id}, headers=headers)
    assert ok.status_code == 201
    bad = client.post("/api/v1/regions", json={"code": "DD", "name_zh": "丁", "level": "city",
                                               "parent_id": world.city.id}, headers=headers)
    assert bad.status_code == 422
    assert client.post("/api/v1/regions", json={"code": "X", "name_zh": "省", "level": "province"},
                       headers=headers).status_code == 403


def test_office_creates_a_principal_who_then_sees_only_that_school(client, world):
    created = client.post("/api/v1/users", headers=world.headers("office_a"), json={
        "username": "new.principal", "password": "a-long-enough-pass", "display_name": "新校长",
        "roles": [{"role": "principal", "school_code": "SB"}]})
    assert created.status_code == 201
    token = login(client, "new.principal", "a-long-enough-pass").json["access_token"]
    schools = client.get("/api/v1/schools", headers={"Authorization": f"Bearer {token}"}).json["items"]
    assert [s["code"] for s in schools] == ["SB"]


@pytest.mark.parametrize("roles,status", [
    ([{"role": "principal", "school_code": "SC"}], 403),  # another district's school
    ([{"role": "admin"}], 403),
    ([{"role": "principal"}], 422),  # a principal needs a school
    ([{"role": "inspector", "school_code": "SA", "region_code": "DA"}], 422),  # one scope, not both
    ([{"role": "principal", "school_code": "NOPE"}], 422),
    ([], 422),
])
def test_office_grants_roles_only_inside_its_scope(client, world, roles, status):
    response = client.post("/api/v1/users", headers=world.headers("office_a"), json={
        "username": "someone", "password": "a-long-enough-pass", "roles": roles})
    assert response.status_code == status


@pytest.mark.parametrize("password", ["short", "someone-else", "12345678901234"])
def test_password_policy(client, world, password):
    response = client.post("/api/v1/users", headers=world.headers("admin"), json={
        "username": "someone-else", "password": password, "roles": [{"role": "admin"}]})
    assert response.status_code == 422 and "password" in response.json["error"]["fields"]


def test_role_change_is_audited_and_revokes_tokens(client, world):
    old = world.headers("officer_a")
    response = client.patch(f"/api/v1/users/{world.officer_a.id}", headers=world.headers("office_a"),
                            json={"roles": [{"role": "inspector", "school_code": "SB"}]})
    assert response.status_code == 200
    assert client.get("/api/v1/me", headers=old).status_code == 401
    events = client.get("/api/v1/audit?action=user.roles_changed", headers=world.headers("admin")).json["items"]
    assert events[0]["details"] == {"before": ["inspector@SA"], "after": ["inspector@SB"]}
    assert events[0]["actor"] == "office_a"


def test_nobody_changes_their_own_roles_or_disables_themselves(client, world):
    headers = world.headers("office_a")
    assert client.patch(f"/api/v1/users/{world.office_a.id}", headers=headers,
                        json={"active": False}).status_code == 403
    assert client.patch(f"/api/v1/users/{world.office_a.id}", headers=headers,
                        json={"roles": [{"role": "admin"}]}).status_code == 403


def test_me_language_preference(client, world):
    headers = world.headers("principal_a")
    assert client.patch("/api/v1/me", json={"locale": "en"}, headers=headers).json["locale"] == "en"
    school = client.get(f"/api/v1/schools/{world.school_a.id}", headers=headers).json
    assert school["name"] == "District A No.1 Primary"


def test_audit_is_scoped_for_offices(client, world):
    client.patch(f"/api/v1/schools/{world.school_c.id}", json={"address": "乙区 9 号"},
                 headers=world.headers("principal_c"))
    assert client.get("/api/v1/audit?action=school.updated", headers=world.headers("office_a")).json["total"] == 0
    assert client.get("/api/v1/audit?action=school.updated", headers=world.headers("office_b")).json["total"] == 1
    assert client.get("/api/v1/audit", headers=world.headers("principal_c")).status_code == 403


@pytest.mark.parametrize("who,users,audit", [("admin", 200, 200), ("office_a", 200, 200), ("city_office", 200, 200),
                                             ("principal_a", 200, 403), ("officer_a", 403, 403),
                                             ("district_inspector_a", 403, 403)])
def test_who_administers_users_and_reads_the_audit_trail(client, world, who, users, audit):
    """Offices and admins administer users and read the audit trail; a principal administers the school's staff
    (GET /users lists only them) and reads no audit trail; inspectors neither."""
    assert client.get("/api/v1/users", headers=world.headers(who)).status_code == users
    assert client.get("/api/v1/audit", headers=world.headers(who)).status_code == audit
