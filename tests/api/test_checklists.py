"""Checklist templates: immutable versions, validation, scoping."""
import pytest

from safety.extensions import db
from tests.factories import SMALL_CHECKLIST, create_template


def test_editing_writes_a_new_version_and_keeps_the_old_one(client, world):
    template = create_template(region=world.district_a)
    db.session.commit()
    old = client.get(f"/api/v1/checklists/{template.id}", headers=world.headers("office_a")).json["current_version"]
    items = [*SMALL_CHECKLIST, {"key": "signage", "kind": "pass_fail", "text_zh": "标识清晰"}]
    response = client.post(f"/api/v1/checklists/{template.id}/versions", headers=world.headers("office_a"),
                           json={"items": items, "note": "加标识项"})
    assert response.status_code == 201 and response.json["number"] == 2
    again = client.get(f"/api/v1/checklist-versions/{old['id']}", headers=world.headers("office_a")).json
    assert again == old  # the old version is exactly as it was
    current = client.get(f"/api/v1/checklists/{template.id}", headers=world.headers("office_a")).json
    assert current["current_version"]["number"] == 2 and len(current["current_version"]["items"]) == 6
    versions = client.get(f"/api/v1/checklists/{template.id}/versions", headers=world.headers("office_a")).json["items"]
    assert [v["number"] for v in versions] == [1, 2]


@pytest.mark.parametrize("who,status", [("office_a", 201), ("admin", 201), ("office_b", 404),
                                        ("principal_a", 403)])
def test_only_the_owning_office_edits_a_region_template(client, world, who, status):
    template = create_template(region=world.district_a)
    db.session.commit()
    response = client.post(f"/api/v1/checklists/{template.id}/versions", headers=world.headers(who),
                           json={"items": SMALL_CHECKLIST})
    assert response.status_code == status


@pytest.mark.parametrize("item,field", [
    ({"key": "p", "kind": "number", "text_zh": "压力", "min_value": 2, "max_value": 1}, "items.0.min_value"),
    ({"key": "p", "kind": "number", "text_zh": "压力"}, "items.0.min_value"),
    ({"key": "c", "kind": "choice", "text_zh": "状况", "choices": [{"value": "a", "zh": "甲"}]}, "items.0.choices"),
    ({"key": "t", "kind": "pass_fail", "text_zh": "x", "min_value": 1}, "items.0.min_value"),
    ({"key": "Bad Key", "kind": "pass_fail", "text_zh": "x"}, "items.0.key"),
    ({"key": "k", "kind": "dance", "text_zh": "x"}, "items.0.kind"),
])
def test_impossible_items_are_422(client, world, item, field):
    response = client.post("/api/v1/checklists", headers=world.headers("office_a"), json={
        "code": "da.custom", "category": "canteen", "name_zh": "自定义", "region_id": world.district_a.id,
        "items": [item]})
    assert response.status_code == 422
    assert field in response.json["error"]["fields"], response.json


def test_region_templates_are_visible_below_their_region_only(client, world):
    create_template(region=world.district_b, code="db.only")
    db.session.commit()
    codes_a = {t["code"] for t in client.get("/api/v1/checklists?per_page=200",
                                             headers=world.headers("principal_a")).json["items"]}
    codes_c = {t["code"] for t in client.get("/api/v1/checklists?per_page=200",
                                             headers=world.headers("principal_c")).json["items"]}
    assert "db.only" not in codes_a and "db.only" in codes_c
