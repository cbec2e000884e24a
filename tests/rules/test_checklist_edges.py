"""Checklist answers at their edges: readings at and beyond the limits, types that only look right, photos,
items of another version, times and clocks, the flags offices see, a retired point; list filters by ids."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from safety.core.clock import now
from safety.extensions import db
from safety.photos.models import Photo
from tests.api.test_inspections import item_id, submission
from tests.factories import answers, create_point, jpeg_bytes, upload_photo

PRESSURE = {"min": 0.8, "max": 1.4}  # the small checklist's gauge reading, MPa


@pytest.fixture
def point(world):
    point = create_point(world.school_a, code="EDGE-1", latitude=30.27, longitude=120.15)
    db.session.commit()
    return point


def _submit(client, world, point, who="officer_a", **answer_overrides):
    body = submission(point, results=answers(point.template.current_version, **answer_overrides))
    return client.post("/api/v1/inspections", json=body, headers=world.headers(who))


@pytest.mark.parametrize(("value", "outcome", "accepted"), [
    (0.8, "pass", True), (1.4, "pass", True),             # exactly at the limits: within
    (0.79, "pass", False), (1.41, "pass", False),         # just beyond: the reading says fail
    (0.79, "fail", True), (1.41, "fail", True),
    (1.0, "fail", False),                                 # within: the reading says pass
    (0, "pass", False), (1, "pass", True),                 # integers are numbers too
    (True, "pass", False), (False, "fail", False),         # booleans are not readings
    (None, "pass", False), ("1.0", "pass", False),
    (None, "na", True), ("anything", "na", True),          # not applicable: no reading needed
])
def test_readings_decide_pass_or_fail(client, world, point, value, outcome, accepted):
    index = [i.key for i in point.template.current_version.items].index("pressure")
    response = _submit(client, world, point, pressure={"outcome": outcome, "value": value})
    assert response.status_code == (201 if accepted else 422), response.json
    if not accepted:
        assert set(response.json["error"]["fields"]) <= {f"results.{index}.value", f"results.{index}.outcome"}
    else:
        assert response.json["failed_count"] == (1 if outcome == "fail" else 0)


def test_a_reading_of_true_is_refused_as_not_a_number(client, world, point):
    index = [i.key for i in point.template.current_version.items].index("pressure")
    response = _submit(client, world, point, pressure={"outcome": "pass", "value": True})
    assert f"results.{index}.value" in response.json["error"]["fields"]


@pytest.mark.parametrize(("value", "outcome", "status"), [
    ("clear", "pass", 201), ("blocked", "fail", 201), ("blocked", "pass", 422), ("clear", "fail", 422),
    ("CLEAR", "pass", 422), (None, "pass", 422), (None, "na", 201),
])
def test_choices(client, world, point, value, outcome, status):
    response = _submit(client, world, point, access={"outcome": outcome, "value": value})
    assert response.status_code == status, response.json
    if status == 201:
        assert [h["title"] for h in response.json["hazards"]] == (["不符合：通道状况"] if outcome == "fail" else [])


def test_the_unit_is_named_when_a_number_is_missing(client, world, point):
    index = [i.key for i in point.template.current_version.items].index("pressure")
    response = _submit(client, world, point, pressure={"outcome": "pass", "value": "high"})
    assert "MPa" in response.json["error"]["fields"][f"results.{index}.value"][0]


PHOTO_CHECKLIST = [
    {"key": "sign", "kind": "photo", "text_zh": "拍摄疏散指示标志", "text_en": "Photograph the exit sign"},
    {"key": "door", "kind": "pass_fail", "text_zh": "防火门关闭", "text_en": "Fire door closed"},
]


@pytest.fixture
def photo_point(world):
    from tests.factories import create_template
    point = create_point(world.school_a, template=create_template(items=PHOTO_CHECKLIST), code="EDGE-PHOTO")
    db.session.commit()
    return point


@pytest.mark.parametrize(("answer", "status"), [
    ({"outcome": "pass"}, 422), ({"outcome": "pass", "photos": []}, 422), ({"outcome": "fail"}, 422),
    ({"outcome": "na"}, 201), ({"outcome": "pass", "photos": ["ab" * 32]}, 201),
])
def test_a_photo_item_is_answered_with_a_photo(client, world, photo_point, answer, status):
    response = _submit(client, world, photo_point, sign=answer)
    assert response.status_code == status, response.json
    if status == 422:
        assert "results.0.photos" in response.json["error"]["fields"]


def test_a_failed_item_without_photo_on_fail_needs_none(client, world, photo_point):
    assert _submit(client, world, photo_point, door={"outcome": "fail"}).status_code == 201


def test_photos_named_before_the_form_leave_it_awaiting_and_uploaded_first_leave_it_complete(client, world,
                                                                                             photo_point):
    headers = world.headers("officer_a")
    uploaded = upload_photo(client, headers, jpeg_bytes(seed=41)).json
    complete = _submit(client, world, photo_point, sign={"outcome": "pass", "photos": [uploaded["id"]]})
    assert complete.status_code == 201 and complete.json["status"] == "complete"
    assert complete.json["missing_photos"] == []
    pending = _submit(client, world, photo_point, sign={"outcome": "pass", "photos": ["cd" * 32]})
    assert pending.json["status"] == "awaiting_photos" and pending.json["missing_photos"] == ["cd" * 32]
    ids = lambda **q: [i["id"] for i in client.get("/api/v1/inspections", query_string=q,  # noqa: E731
                                                   headers=headers).json["items"]]
    assert ids(status="awaiting_photos") == [pending.json["id"]]
    assert ids(status="complete") == [complete.json["id"]]


def test_an_item_of_another_checklist_is_refused_not_a_server_error(client, world, point):
    other = create_point(world.school_a, code="EDGE-OTHER")
    db.session.commit()
    version = point.template.current_version
    results = answers(version)
    results[0]["item_id"] = other.template.current_version.items[0].id
    response = client.post("/api/v1/inspections", json=submission(point, results=results),
                           headers=world.headers("officer_a"))
    assert response.status_code == 422, response.json
    assert "results.0.item_id" in response.json["error"]["fields"]


def test_an_item_of_a_newer_version_is_refused(client, world, point):
    version = point.template.current_version
    newer = client.post(f"/api/v1/checklists/{point.template_id}/versions", headers=world.headers("admin"),
                        json={"items": [{"key": "only", "kind": "pass_fail", "text_zh": "新项目",
                                         "text_en": "New item"}]})
    if newer.status_code != 201:
        pytest.skip(f"no new version through the API here: {newer.status_code} {newer.json}")
    results = answers(version)
    results[0]["item_id"] = newer.json["items"][0]["id"] if "items" in newer.json else results[0]["item_id"]
    response = client.post("/api/v1/inspections", json=submission(point, results=results),
                           headers=world.headers("officer_a"))
    assert response.status_code == 422, response.json


# --- times, clocks and flags -------------------------------------------------------------------------------

@pytest.mark.parametrize(("started", "submitted", "status", "field"), [
    (-5, -2, 201, None),
    (-2, -5, 422, "started_at"),                 # started after it was submitted
    (-5, 9, 201, None),                          # a phone clock 9 minutes fast is believed
    (-5, 11, 422, "submitted_at"),               # 11 minutes is not
    (11, 12, 422, "started_at"),
])
def test_times_and_the_clock_tolerance(client, world, point, started, submitted, status, field):
    body = submission(point, started_at=(now() + timedelta(minutes=started)).isoformat(),
                      submitted_at=(now() + timedelta(minutes=submitted)).isoformat())
    response = client.post("/api/v1/inspections", json=body, headers=world.headers("officer_a"))
    assert response.status_code == status, response.json
    if field:
        assert field in response.json["error"]["fields"]


@pytest.mark.parametrize(("hours_before_start", "flagged"), [(23, False), (25, True)])
def test_photos_taken_long_before_the_inspection_are_flagged(client, world, photo_point, hours_before_start,
                                                            flagged):
    headers = world.headers("officer_a")
    photo = upload_photo(client, headers, jpeg_bytes(seed=50 + hours_before_start)).json
    started = now() - timedelta(minutes=5)
    row = db.session.scalar(select(Photo).where(Photo.id == photo["id"]))
    row.taken_at = started - timedelta(hours=hours_before_start)
    db.session.commit()
    body = submission(photo_point, results=answers(photo_point.template.current_version,
                                                   sign={"outcome": "pass", "photos": [photo["id"]]}),
                      started_at=started.isoformat(), submitted_at=(started + timedelta(minutes=2)).isoformat())
    response = client.post("/api/v1/inspections", json=body, headers=headers)
    assert response.status_code == 201 and response.json["flags"] == (["old_photos"] if flagged else [])


@pytest.mark.parametrize(("latitude", "flags"), [(30.27, []), (30.2744, []), (30.2746, ["far_from_point"])])
def test_distance_from_the_point(client, world, point, latitude, flags):
    body = submission(point, location={"latitude": latitude, "longitude": 120.15})  # 0, 489 m and 511 m north
    response = client.post("/api/v1/inspections", json=body, headers=world.headers("officer_a"))
    assert response.status_code == 201 and response.json["flags"] == flags


def test_a_retired_point_takes_no_inspections(client, world, point):
    retired = client.post(f"/api/v1/points/{point.id}/retire", json={"reason": "拆除"},
                          headers=world.headers("principal_a"))
    assert retired.status_code in (200, 204), retired.json
    response = client.post("/api/v1/inspections", json=submission(point), headers=world.headers("officer_a"))
    assert response.status_code == 404


def test_failures_and_flags_filter_by_ids(client, world, point):
    headers = world.headers("officer_a")
    clean = _submit(client, world, point).json
    failed = _submit(client, world, point, access={"outcome": "fail", "value": "blocked"}).json
    far = client.post("/api/v1/inspections", json=submission(point, location={"latitude": 31.0, "longitude": 121.0}),
                      headers=headers).json
    assert failed["failed_count"] == 1 and clean["failed_count"] == 0

    def ids(**query):
        return sorted(i["id"] for i in client.get("/api/v1/inspections", query_string=query,
                                                  headers=headers).json["items"])
    assert ids(with_failures="true") == [failed["id"]]
    assert ids(with_failures="false") == sorted([clean["id"], far["id"]])
    assert ids(flagged="true") == [far["id"]]
    assert ids(flagged="false") == sorted([clean["id"], failed["id"]])
    assert item_id(point, "access")
