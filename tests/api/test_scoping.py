"""The scoping matrix: every role × a school in scope / out of scope → 200 / 404, and lists never leak."""
import pytest

# who → (schools they see, schools they do not)
VISIBILITY = {
    "admin": ({"SA", "SB", "SC"}, set()),
    "city_office": ({"SA", "SB", "SC"}, set()),
    "office_a": ({"SA", "SB"}, {"SC"}),
    "office_b": ({"SC"}, {"SA", "SB"}),
    "principal_a": ({"SA"}, {"SB", "SC"}),
    "principal_c": ({"SC"}, {"SA", "SB"}),
    "officer_a": ({"SA"}, {"SB", "SC"}),
    "district_inspector_a": ({"SA", "SB"}, {"SC"}),
}


def _school_ids(world):
    return {"SA": world.school_a.id, "SB": world.school_b.id, "SC": world.school_c.id}


@pytest.mark.parametrize("who", VISIBILITY)
def test_school_list_holds_exactly_the_visible_schools(client, world, who):
    response = client.get("/api/v1/schools", headers=world.headers(who))
    assert response.status_code == 200
    codes = {s["code"] for s in response.json["items"]}
    assert codes == VISIBILITY[who][0]
    assert response.json["total"] == len(codes) == int(response.headers["X-Total-Count"])


@pytest.mark.parametrize("who", VISIBILITY)
@pytest.mark.parametrize("path", ["/api/v1/schools/{id}", "/api/v1/schools/{id}/classes"])
def test_school_reads_are_200_in_scope_and_404_outside(client, world, who, path):
    ids = _school_ids(world)
    visible, hidden = VISIBILITY[who]
    headers = world.headers(who)
    for code in visible:
        assert client.get(path.format(id=ids[code]), headers=headers).status_code == 200, code
    for code in hidden:
        response = client.get(path.format(id=ids[code]), headers=headers)
        assert response.status_code == 404, code
        assert response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize("who,expected", [
    ("admin", 200), ("city_office", 200), ("office_a", 200), ("principal_a", 200),
    ("officer_a", 403), ("district_inspector_a", 403),  # visible, but may only look
    ("office_b", 404), ("principal_b", 404), ("principal_c", 404),  # not theirs: not even there
])
def test_changing_a_school_needs_manage_rights(client, world, who, expected):
    response = client.patch(f"/api/v1/schools/{world.school_a.id}", json={"address": "新地址 1 号"},
                            headers=world.headers(who))
    assert response.status_code == expected


@pytest.mark.parametrize("who,expected", [
    ("principal_a", 201), ("office_a", 201), ("officer_a", 403), ("principal_b", 404), ("office_b", 404),
])
def test_a_principal_manages_their_own_schools_classes(client, world, who, expected):
    response = client.post(f"/api/v1/schools/{world.school_a.id}/classes",
                           json={"grade": 3, "name": "2班", "student_count": 41}, headers=world.headers(who))
    assert response.status_code == expected


def test_class_of_another_school_is_404(client, world):
    created = client.post(f"/api/v1/schools/{world.school_c.id}/classes",
                          json={"grade": 7, "name": "1班", "student_count": 45}, headers=world.headers("principal_c"))
    class_id = created.json["id"]
    response = client.patch(f"/api/v1/classes/{class_id}", json={"student_count": 1},
                            headers=world.headers("principal_a"))
    assert response.status_code == 404
    assert client.delete(f"/api/v1/classes/{class_id}", headers=world.headers("principal_a")).status_code == 404


@pytest.mark.parametrize("who,codes", [
    ("admin", {"CITY", "DA", "DB"}), ("office_a", {"DA"}), ("principal_c", {"DB"}),
    ("city_office", {"CITY", "DA", "DB"}),
])
def test_region_list_is_scoped(client, world, who, codes):
    response = client.get("/api/v1/regions", headers=world.headers(who))
    assert {r["code"] for r in response.json["items"]} == codes


# A principal administers only their school's staff (safety officers, class teachers): a principal is not one.
@pytest.mark.parametrize("who,expected", [("admin", 200), ("city_office", 200), ("office_a", 200),
                                          ("office_b", 404), ("principal_a", 404), ("officer_a", 403)])
def test_user_admin_is_for_offices_in_scope(client, world, who, expected):
    response = client.get(f"/api/v1/users/{world.principal_a.id}", headers=world.headers(who))
    assert response.status_code == expected


def test_a_principal_administers_their_schools_staff_only(client, world):
    headers = world.headers("principal_a")
    assert client.get(f"/api/v1/users/{world.officer_a.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/users/{world.principal_b.id}", headers=headers).status_code == 404


def test_user_list_of_an_office_holds_only_its_people(client, world):
    response = client.get("/api/v1/users?per_page=200", headers=world.headers("office_b"))
    assert {u["username"] for u in response.json["items"]} == {"office_b", "principal_c"}


def test_renaming_a_class_onto_another_is_409(client, world):
    headers = world.headers("principal_a")
    url = f"/api/v1/schools/{world.school_a.id}/classes"
    client.post(url, json={"grade": 2, "name": "1班", "student_count": 40}, headers=headers)
    second = client.post(url, json={"grade": 2, "name": "2班", "student_count": 40}, headers=headers).json
    response = client.patch(f"/api/v1/classes/{second['id']}", json={"name": "1班"}, headers=headers)
    assert response.status_code == 409 and response.json["error"]["code"] == "class_exists"
