"""Hazards belong to their point: the same checklist item failing at two points is two hazards, a scan shows only
its own point's open hazards and last inspection, only this hazard's own discovery photos are refused as
evidence of its rectification, and its history opens at the moment it was found."""
from __future__ import annotations

from safety.extensions import db
from safety.hazards.models import Hazard
from safety.hazards.models import HazardStatus as S
from tests.api.test_inspections import submission
from tests.factories import answers, create_point, create_template, scene, upload_photo
from tests.rules.support import make_hazard

FAILED_EXIT = {"exit_locked": {"outcome": "fail"}}


def _twin_points(world):
    """Two extinguishers of one school on one checklist."""
    template = create_template()
    points = [create_point(world.school_a, template=template, code=code) for code in ("A-1F-EXT", "A-2F-EXT")]
    db.session.commit()
    return points


def _inspect(client, world, point, **answers_by_key):
    body = submission(point, results=answers(point.template.current_version, **answers_by_key))
    response = client.post("/api/v1/inspections", json=body, headers=world.headers("officer_a"))
    assert response.status_code == 201, response.json
    return response.json


def test_the_same_item_failing_at_two_points_opens_a_hazard_at_each(client, world):
    first, second = _twin_points(world)
    [upstairs] = _inspect(client, world, first, **FAILED_EXIT)["hazards"]
    [downstairs] = _inspect(client, world, second, **FAILED_EXIT)["hazards"]
    assert downstairs["id"] != upstairs["id"]
    assert (upstairs["point_id"], downstairs["point_id"]) == (first.id, second.id)
    [again] = _inspect(client, world, first, **FAILED_EXIT)["hazards"]  # the first point's own, seen again
    assert again["id"] == upstairs["id"]


def test_a_scan_shows_its_own_points_open_hazards_and_last_inspection(client, world):
    scanned, neighbour = _twin_points(world)
    mine = make_hazard(world.school_a, point=scanned, title="压力不足")
    make_hazard(world.school_a, point=scanned, status=S.closed, title="已整改")
    make_hazard(world.school_a, point=neighbour, title="邻点隐患")
    own = _inspect(client, world, scanned)
    _inspect(client, world, neighbour)  # later, and at the other point
    scan = client.get(f"/api/v1/scan/{scanned.qr_token}", headers=world.headers("officer_a")).json
    assert [h["id"] for h in scan["open_hazards"]] == [mine.id]
    assert scan["last_inspection"]["id"] == own["id"]


def test_a_scan_lists_the_points_open_hazards_oldest_first_though_the_oldest_was_assigned_since(client, world):
    """PostgreSQL hands back a changed row from wherever it now lies; the list keeps its order."""
    [point] = _twin_points(world)[:1]
    older, newer = (make_hazard(world.school_a, point=point, title=title) for title in ("压力不足", "标识脱落"))
    older.status, older.assignee_id = S.assigned, world.officer_a.id  # a new row version, and index entry, on PG
    db.session.commit()
    scan = client.get(f"/api/v1/scan/{point.qr_token}", headers=world.headers("officer_a")).json
    assert [h["id"] for h in scan["open_hazards"]] == [older.id, newer.id]


def test_a_photo_that_recorded_another_hazard_may_show_this_ones_rectification(client, world):
    """One photo of a corridor can record a new problem and show an older one fixed; only the photos that recorded
    this hazard are refused."""
    officer = world.headers("officer_a")
    [point] = _twin_points(world)[:1]
    corridor = upload_photo(client, officer, scene(71)).json["id"]
    _inspect(client, world, point, gauge={"outcome": "fail", "photos": [corridor]})
    older = make_hazard(world.school_a, status=S.rectifying, assignee=world.officer_a)
    response = client.post(f"/api/v1/hazards/{older.id}/rectify", headers=officer,
                           json={"note": "已清理通道", "photos": [corridor]})
    assert response.status_code == 200 and response.json["status"] == "awaiting_verification", response.json


def test_a_hazards_history_opens_at_the_very_moment_it_was_found(client, world):
    """The opening entry carries the hazard's own time: the record and its history agree to the microsecond."""
    [point] = _twin_points(world)[:1]
    [found] = _inspect(client, world, point, **FAILED_EXIT)["hazards"]
    hazard = db.session.get(Hazard, found["id"])
    [opening] = [e for e in hazard.events if e.action == "opened"]
    assert opening.at == hazard.created_at
