"""An inspection answers for itself: only its own photos can make it look old, reading it back lists only the
hazards it found, and the newest leads (an older one synced late does not become the last)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from safety.core.clock import now
from safety.extensions import db
from safety.photos.models import Photo
from tests.api.test_inspections import submission
from tests.factories import create_point, jpeg_bytes, upload_photo
from tests.rules.test_hazard_point_rules import FAILED_EXIT, _inspect, _twin_points
from tests.rules.test_inspection_rules_more import _with_photo_taken, photo_point  # noqa: F401 (a fixture)


def test_an_old_photo_on_the_server_does_not_make_a_fresh_inspection_look_old(client, world,
                                                                             photo_point):  # noqa: F811
    old = upload_photo(client, world.headers("officer_a"), jpeg_bytes(seed=90)).json
    db.session.scalar(select(Photo).where(Photo.id == old["id"])).taken_at = now() - timedelta(days=30)
    db.session.commit()
    assert _with_photo_taken(client, world, photo_point, timedelta(hours=1), seed=91) == []


def test_an_inspection_read_back_lists_only_the_hazards_it_found(client, world):
    headers = world.headers("officer_a")
    found = {}
    for point in _twin_points(world):
        inspection = _inspect(client, world, point, **FAILED_EXIT)
        found[inspection["id"]] = [h["id"] for h in inspection["hazards"]]
    assert len({tuple(ids) for ids in found.values()}) == 2
    for inspection_id, hazard_ids in found.items():
        read = client.get(f"/api/v1/inspections/{inspection_id}", headers=headers).json
        assert [h["id"] for h in read["hazards"]] == hazard_ids


def _at(client, world, point, submitted):
    body = submission(point, started_at=(submitted - timedelta(minutes=3)).isoformat(),
                      submitted_at=submitted.isoformat())
    response = client.post("/api/v1/inspections", json=body, headers=world.headers("officer_a"))
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_the_newest_inspection_leads_the_list_and_the_scan_and_a_tie_goes_to_the_later_record(client, world):
    """An older inspection synced late does not become the last one; two sent for the same moment (a phone and a
    tablet) are told apart by which the server recorded later."""
    point = create_point(world.school_a, code="B-3F-EXT")
    db.session.commit()
    moment = now().replace(microsecond=0) - timedelta(hours=1)
    earliest = _at(client, world, point, moment - timedelta(hours=2))
    first_of_two = _at(client, world, point, moment)
    synced_late = _at(client, world, point, moment - timedelta(hours=1))
    second_of_two = _at(client, world, point, moment)
    listed = client.get(f"/api/v1/inspections?point_id={point.id}", headers=world.headers("officer_a")).json
    assert [i["id"] for i in listed["items"]] == [second_of_two, first_of_two, synced_late, earliest]
    scan = client.get(f"/api/v1/scan/{point.qr_token}", headers=world.headers("officer_a")).json
    assert scan["last_inspection"]["id"] == second_of_two
