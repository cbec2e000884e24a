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


def test_coverage_of_a_short_range_asks_one_inspection_of_each_point_and_sums_per_district(client, world):
    from safety.core.clock import frozen
    weekly = create_point(world.school_a, code="COV-W", frequency="weekly")
    daily = create_point(world.school_b, code="COV-D", category="gate_security", frequency="daily")
    create_point(world.school_c, code="COV-C", frequency="weekly")
    db.session.commit()
    since = now()
    with frozen(since + timedelta(days=1)):
        assert client.post("/api/v1/inspections", json=submission(daily),
                           headers=world.headers("district_inspector_a")).status_code == 201
    until = since + timedelta(days=3)
    query = {"since": since.isoformat(), "until": until.isoformat()}
    with frozen(until):
        body = client.get("/api/v1/inspections/coverage", query_string=query, headers=world.headers("office_a")).json
        only_b = client.get("/api/v1/inspections/coverage", query_string={**query, "school_id": world.school_b.id},
                            headers=world.headers("office_a")).json
    assert weekly.id
    by_code = {s["code"]: (s["points"], s["due"], s["done"], s["coverage"]) for s in body["schools"]}
    assert by_code == {"SA": (1, 1, 0, 0.0), "SB": (1, 3, 1, 0.3333)}  # three days of a weekly point: one due
    assert [(d["name"], d["points"], d["due"], d["done"]) for d in body["districts"]] == [("甲区", 2, 4, 1)]
    assert (body["total"]["points"], body["total"]["due"], body["total"]["done"], body["total"]["coverage"]) == \
        (2, 4, 1, 0.25)
    assert [s["code"] for s in only_b["schools"]] == ["SB"]


def test_an_inspection_is_read_back_by_its_own_id(client, world, made):
    for key, inspection in made.items():
        shown = client.get(f"/api/v1/inspections/{inspection['id']}", headers=world.headers("office_a"))
        assert shown.status_code == 200 and shown.json["id"] == inspection["id"], key
    assert client.get(f"/api/v1/inspections/{made['b']['id']}", headers=world.headers("principal_a")).status_code == 404
