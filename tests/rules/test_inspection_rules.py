"""Inspection records as offices read them: every list filter and the order asserted by ids, a late-arriving
older inspection that cannot move a point's schedule back, and replays that create nothing."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from safety.core.clock import now
from safety.extensions import db
from tests.api.test_inspections import submission
from tests.factories import create_point


@pytest.fixture
def points(world):
    made = {"a1": create_point(world.school_a, code="INS-A1"), "a2": create_point(world.school_a, code="INS-A2"),
            "b": create_point(world.school_b, code="INS-B")}
    db.session.commit()
    return made


def _at(client, world, point, minutes_ago, who="officer_a", **overrides):
    started = now() - timedelta(minutes=minutes_ago)
    body = submission(point, started_at=started.isoformat(),
                      submitted_at=(started + timedelta(minutes=1)).isoformat(), **overrides)
    response = client.post("/api/v1/inspections", json=body, headers=world.headers(who))
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def made(client, world, points):
    """Four inspections at known times: three at school A (two points, two inspectors), one at school B."""
    return {"old_a1": _at(client, world, points["a1"], 300), "new_a1": _at(client, world, points["a1"], 60),
            "a2": _at(client, world, points["a2"], 120, who="principal_a"),
            "b": _at(client, world, points["b"], 30, who="district_inspector_a")}


def _ids(client, world, who="office_a", **query):
    response = client.get("/api/v1/inspections", query_string=query, headers=world.headers(who))
    assert response.status_code == 200, response.json
    return [i["id"] for i in response.json["items"]]


def test_lists_are_newest_submitted_first(client, world, made):
    assert _ids(client, world) == [made[k]["id"] for k in ("b", "new_a1", "a2", "old_a1")]


def test_a_principal_lists_only_their_schools_inspections(client, world, made):
    assert _ids(client, world, "principal_a") == [made[k]["id"] for k in ("new_a1", "a2", "old_a1")]


def test_each_filter_keeps_exactly_its_inspections(client, world, points, made):
    def ids(**query):
        return sorted(_ids(client, world, **query))

    def of(*keys):
        return sorted(made[k]["id"] for k in keys)
    assert ids(school_id=world.school_b.id) == of("b")
    assert ids(point_id=points["a1"].id) == of("old_a1", "new_a1")
    assert ids(inspector_id=world.principal_a.id) == of("a2")
    assert ids(status="complete") == of("old_a1", "new_a1", "a2", "b")
    assert ids(status="awaiting_photos") == []
    moment = datetime.fromisoformat(made["a2"]["submitted_at"])
    assert ids(since=moment.isoformat()) == of("a2", "new_a1", "b")        # since: from that moment on
    assert ids(until=moment.isoformat()) == of("old_a1")                   # until: before that moment
    assert ids(since=moment.isoformat(), until=(moment + timedelta(seconds=1)).isoformat()) == of("a2")


def test_a_late_older_inspection_does_not_move_the_schedule_back(client, world, points):
    headers = world.headers("officer_a")
    newer = _at(client, world, points["a1"], 10)
    _at(client, world, points["a1"], 600)  # an offline phone's older inspection, arriving afterwards
    shown = client.get(f"/api/v1/points/{points['a1'].id}", headers=headers).json
    submitted = datetime.fromisoformat(newer["submitted_at"])
    assert datetime.fromisoformat(shown["last_inspected_at"]) == submitted
    assert datetime.fromisoformat(shown["next_due_at"]) == submitted + timedelta(days=7)  # weekly


def test_the_first_inspection_schedules_the_next_one(client, world, points):
    first = _at(client, world, points["a2"], 90)
    shown = client.get(f"/api/v1/points/{points['a2'].id}", headers=world.headers("officer_a")).json
    assert datetime.fromisoformat(shown["next_due_at"]) == \
        datetime.fromisoformat(first["submitted_at"]) + timedelta(days=7)


def test_a_replay_creates_nothing_and_returns_the_same_inspection(client, world, points):
    headers = world.headers("officer_a")
    body = submission(points["a1"])
    first = client.post("/api/v1/inspections", json=body, headers=headers)
    again = client.post("/api/v1/inspections", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"]
    assert _ids(client, world, point_id=points["a1"].id) == [first.json["id"]]


def test_a_replay_still_names_the_photos_the_server_waits_for(client, world):
    from tests.factories import create_template
    from tests.rules.test_checklist_edges import PHOTO_CHECKLIST
    point = create_point(world.school_a, template=create_template(items=PHOTO_CHECKLIST), code="INS-PHOTO")
    db.session.commit()
    version = point.template.current_version
    results = [{"item_id": version.items[0].id, "outcome": "pass", "photos": ["ef" * 32]},
               {"item_id": version.items[1].id, "outcome": "pass"}]
    body = submission(point, results=results)
    headers = world.headers("officer_a")
    first = client.post("/api/v1/inspections", json=body, headers=headers)
    again = client.post("/api/v1/inspections", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    for response in (first, again):
        assert response.json["status"] == "awaiting_photos"
        assert response.json["missing_photos"] == ["ef" * 32]
