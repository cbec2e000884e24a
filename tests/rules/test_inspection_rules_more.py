"""Inspection rules at their exact edges, through HTTP with a frozen clock: the ten minutes a phone clock may run
fast, a start at the very moment of submission, photos exactly as old as the allowance and one second older,
the distance allowance and both settings offices can change."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from safety.core.clock import frozen, now
from safety.extensions import db
from safety.photos.models import Photo
from tests.api.test_inspections import submission
from tests.factories import answers, create_point, create_template, jpeg_bytes, upload_photo
from tests.rules.test_checklist_edges import PHOTO_CHECKLIST

SECOND = timedelta(seconds=1)
METRES_PER_DEGREE = 6_371_000 * 3.141592653589793 / 180  # of latitude, on the service's sphere


@pytest.fixture
def point(world):
    point = create_point(world.school_a, code="EDGE-2", latitude=30.27, longitude=120.15)
    db.session.commit()
    return point


def _post(client, world, body, moment):
    with frozen(moment):
        return client.post("/api/v1/inspections", json=body, headers=world.headers("officer_a"))


@pytest.mark.parametrize(("ahead", "status"), [(timedelta(minutes=10) - SECOND, 201), (timedelta(minutes=10), 201),
                                               (timedelta(minutes=10) + SECOND, 422)])
def test_a_phone_clock_may_run_ten_minutes_fast_and_not_a_second_more(client, world, point, ahead, status):
    moment = now().replace(microsecond=0)
    body = submission(point, started_at=(moment - timedelta(minutes=3)).isoformat(),
                      submitted_at=(moment + ahead).isoformat())
    response = _post(client, world, body, moment)
    assert response.status_code == status, response.json
    if status == 422:
        assert set(response.json["error"]["fields"]) == {"submitted_at"}


@pytest.mark.parametrize(("started", "status"), [(-SECOND, 201), (timedelta(0), 201), (SECOND, 422)])
def test_an_inspection_may_start_the_moment_it_is_submitted_but_not_after(client, world, point, started, status):
    moment = now().replace(microsecond=0)
    submitted = moment - timedelta(minutes=1)
    body = submission(point, started_at=(submitted + started).isoformat(), submitted_at=submitted.isoformat())
    response = _post(client, world, body, moment)
    assert response.status_code == status, response.json
    if status == 422:
        assert list(response.json["error"]["fields"]) == ["started_at"]


@pytest.fixture
def photo_point(world):
    point = create_point(world.school_a, template=create_template(items=PHOTO_CHECKLIST), code="EDGE-PHOTO-2")
    db.session.commit()
    return point


def _with_photo_taken(client, world, photo_point, before_start: timedelta, seed: int):
    headers = world.headers("officer_a")
    photo = upload_photo(client, headers, jpeg_bytes(seed=seed)).json
    moment = now().replace(microsecond=0)
    started = moment - timedelta(minutes=5)
    row = db.session.scalar(select(Photo).where(Photo.id == photo["id"]))
    row.taken_at = started - before_start
    db.session.commit()
    body = submission(photo_point, results=answers(photo_point.template.current_version,
                                                   sign={"outcome": "pass", "photos": [photo["id"]]}),
                      started_at=started.isoformat(), submitted_at=(started + timedelta(minutes=2)).isoformat())
    response = _post(client, world, body, moment)
    assert response.status_code == 201, response.json
    return response.json["flags"]


@pytest.mark.parametrize(("before_start", "flagged"), [(timedelta(hours=24), False),
                                                       (timedelta(hours=24) + SECOND, True)])
def test_a_photo_exactly_a_day_older_than_the_start_is_not_flagged(client, world, photo_point, before_start,
                                                                    flagged):
    flags = _with_photo_taken(client, world, photo_point, before_start, seed=71 + flagged)
    assert flags == (["old_photos"] if flagged else [])


@pytest.mark.parametrize(("hours", "flagged"), [(1, False), (3, True)])
def test_the_photo_age_allowance_is_a_setting(app, monkeypatch, client, world, photo_point, hours, flagged):
    monkeypatch.setitem(app.config, "PHOTO_MAX_AGE_HOURS", 2)
    flags = _with_photo_taken(client, world, photo_point, timedelta(hours=hours), seed=80 + hours)
    assert flags == (["old_photos"] if flagged else [])


@pytest.mark.parametrize(("metres", "setting", "flags"), [
    (499.5, None, []), (500.5, None, ["far_from_point"]),          # the shipped 500 m
    (700, 1000, []), (1000.5, 1000, ["far_from_point"]),           # an office's own allowance
    (0, 0, []),                                                    # at the point itself, even with none
])
def test_the_distance_allowance(app, monkeypatch, client, world, point, metres, setting, flags):
    if setting is not None:
        monkeypatch.setitem(app.config, "INSPECTION_MAX_DISTANCE_M", setting)
    latitude = 30.27 + metres / METRES_PER_DEGREE  # due north of the point
    body = submission(point, location={"latitude": latitude, "longitude": 120.15})
    response = _post(client, world, body, now())
    assert response.status_code == 201 and response.json["flags"] == flags, response.json
