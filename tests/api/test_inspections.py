"""Submitting inspections from the phone: validation, exactly once, photos that arrive later, /sync."""
import hashlib
import uuid
from datetime import datetime, timedelta

import pytest

from safety.core.clock import now
from safety.extensions import db
from tests.factories import answers, create_point, jpeg_bytes, upload_photo


@pytest.fixture
def point(world):
    point = create_point(world.school_a, code="A-1F-EXT-01", latitude=30.27, longitude=120.15)
    db.session.commit()
    return point


def submission(point, **overrides):
    version = point.template.current_version
    started = now() - timedelta(minutes=5)
    body = {"client_uuid": str(uuid.uuid4()), "point_id": point.id, "template_version_id": version.id,
            "started_at": started.isoformat(), "submitted_at": (started + timedelta(minutes=3)).isoformat(),
            "results": answers(version)}
    body.update(overrides)
    return body


def item_id(point, key):
    return next(i.id for i in point.template.current_version.items if i.key == key)


def test_a_passing_inspection_is_recorded_and_reschedules_the_point(client, world, point):
    response = client.post("/api/v1/inspections", json=submission(point), headers=world.headers("officer_a"))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "complete" and body["failed_count"] == 0 and body["hazards"] == []
    assert body["template_version_id"] == point.template.current_version.id
    assert len(body["results"]) == 5 and body["received_at"]
    scanned = client.get(f"/api/v1/scan/{point.qr_token}", headers=world.headers("officer_a")).json
    assert scanned["last_inspection"]["id"] == body["id"]
    assert scanned["point"]["last_inspected_at"] == body["submitted_at"]


def test_submitting_by_qr_token_works_too(client, world, point):
    body = submission(point, qr_token=point.qr_token)
    del body["point_id"]
    assert client.post("/api/v1/inspections", json=body, headers=world.headers("officer_a")).status_code == 201


def test_replay_with_same_content_is_200_and_creates_nothing(client, world, point):
    body = submission(point, results=answers(point.template.current_version, gauge={"outcome": "fail",
                                                                                   "photos": ["a" * 64]}))
    headers = world.headers("officer_a")
    first = client.post("/api/v1/inspections", json=body, headers=headers)
    second = client.post("/api/v1/inspections", json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json["id"] == second.json["id"]
    assert [h["id"] for h in second.json["hazards"]] == [h["id"] for h in first.json["hazards"]]
    assert client.get("/api/v1/inspections", headers=headers).json["total"] == 1
    assert client.get("/api/v1/hazards", headers=headers).json["total"] == 1


def test_same_uuid_with_different_content_is_409(client, world, point):
    body = submission(point)
    headers = world.headers("officer_a")
    client.post("/api/v1/inspections", json=body, headers=headers)
    changed = {**body, "note": "改过了"}
    response = client.post("/api/v1/inspections", json=changed, headers=headers)
    assert response.status_code == 409 and response.json["error"]["code"] == "client_uuid_reused"


def test_another_user_cannot_replay_someone_elses_uuid(client, world, point):
    body = submission(point)
    client.post("/api/v1/inspections", json=body, headers=world.headers("officer_a"))
    assert client.post("/api/v1/inspections", json=body, headers=world.headers("principal_a")).status_code == 409


@pytest.mark.parametrize("key,answer,field", [
    ("pressure", {"outcome": "pass", "value": 2.5}, "outcome"),        # out of range yet "pass"
    ("pressure", {"outcome": "pass", "value": "high"}, "value"),       # not a number
    ("access", {"outcome": "pass", "value": "maybe"}, "value"),        # not a choice
    ("access", {"outcome": "pass", "value": "blocked"}, "outcome"),    # a failing choice marked pass
    ("gauge", {"outcome": "fail"}, "photos"),                          # failure needs a photo here
    ("gauge", {"outcome": "maybe"}, "outcome"),
])
def test_answers_must_fit_their_items(client, world, point, key, answer, field):
    version = point.template.current_version
    results = answers(version, **{key: answer})
    index = [i.key for i in version.items].index(key)
    response = client.post("/api/v1/inspections", json=submission(point, results=results),
                           headers=world.headers("officer_a"))
    assert response.status_code == 422
    assert f"results.{index}.{field}" in response.json["error"]["fields"], response.json


def test_every_item_must_be_answered_once(client, world, point):
    results = answers(point.template.current_version)
    headers = world.headers("officer_a")
    missing = client.post("/api/v1/inspections", json=submission(point, results=results[:-1]), headers=headers)
    assert missing.status_code == 422 and "results" in missing.json["error"]["fields"]
    twice = client.post("/api/v1/inspections", json=submission(point, results=[*results, results[0]]),
                        headers=headers)
    assert twice.status_code == 422 and "results.5.item_id" in twice.json["error"]["fields"]


def test_not_applicable_needs_no_value(client, world, point):
    results = answers(point.template.current_version, pressure={"outcome": "na"}, access={"outcome": "na"})
    assert client.post("/api/v1/inspections", json=submission(point, results=results),
                       headers=world.headers("officer_a")).status_code == 201


def test_an_item_from_another_version_is_refused(client, world, point):
    other = create_point(world.school_a)
    db.session.commit()
    response = client.post("/api/v1/inspections", headers=world.headers("officer_a"),
                           json=submission(point, template_version_id=other.template.current_version.id))
    assert response.status_code == 422 and "template_version_id" in response.json["error"]["fields"]


def test_times_far_in_the_future_are_refused(client, world, point):
    later = (now() + timedelta(hours=2)).isoformat()
    response = client.post("/api/v1/inspections", json=submission(point, submitted_at=later),
                           headers=world.headers("officer_a"))
    assert response.status_code == 422 and "submitted_at" in response.json["error"]["fields"]


def test_far_from_the_point_is_flagged_not_refused(client, world, point):
    body = submission(point, location={"latitude": 31.23, "longitude": 121.47})  # Shanghai, not Hangzhou
    response = client.post("/api/v1/inspections", json=body, headers=world.headers("officer_a"))
    assert response.status_code == 201 and response.json["flags"] == ["far_from_point"]
    flagged = client.get("/api/v1/inspections?flagged=true", headers=world.headers("office_a")).json
    assert flagged["total"] == 1


@pytest.mark.parametrize("who,status", [("officer_a", 201), ("principal_b", 404), ("office_b", 404)])
def test_only_those_who_may_inspect_the_school_submit(client, world, point, who, status):
    assert client.post("/api/v1/inspections", json=submission(point),
                       headers=world.headers(who)).status_code == status


def test_lists_filter_and_never_leak(client, world, point):
    headers = world.headers("officer_a")
    failing = answers(point.template.current_version, exit_locked={"outcome": "fail"})
    client.post("/api/v1/inspections", json=submission(point), headers=headers)
    client.post("/api/v1/inspections", json=submission(point, results=failing), headers=headers)
    assert client.get("/api/v1/inspections?with_failures=true", headers=headers).json["total"] == 1
    assert client.get(f"/api/v1/inspections?point_id={point.id}", headers=headers).json["total"] == 2
    assert client.get("/api/v1/inspections", headers=world.headers("office_b")).json["total"] == 0
    first = client.get("/api/v1/inspections", headers=headers).json["items"][0]["id"]
    assert client.get(f"/api/v1/inspections/{first}", headers=world.headers("principal_c")).status_code == 404


def test_sync_reports_per_item_and_one_bad_item_sinks_nothing(client, world, point):
    good, replay = submission(point), submission(point)
    headers = world.headers("officer_a")
    client.post("/api/v1/inspections", json=replay, headers=headers)
    bad = submission(point, results=[])
    wrong = {**submission(point), "point_id": 999999}
    response = client.post("/api/v1/sync", json={"inspections": [good, bad, replay, wrong, "nonsense"]},
                           headers=headers)
    assert response.status_code == 200
    outcomes = [(r["outcome"], r["status"]) for r in response.json["results"]]
    assert outcomes == [("created", 201), ("rejected", 422), ("already_had", 200), ("rejected", 404),
                        ("rejected", 422)]
    assert response.json["results"][1]["error"]["fields"]
    assert (response.json["created"], response.json["already_had"], response.json["rejected"]) == (1, 1, 3)
    assert client.get("/api/v1/inspections", headers=headers).json["total"] == 2


def test_sync_twice_changes_nothing_the_second_time(client, world, point):
    queue = {"inspections": [submission(point), submission(point)]}
    headers = world.headers("officer_a")
    assert client.post("/api/v1/sync", json=queue, headers=headers).json["created"] == 2
    assert client.post("/api/v1/sync", json=queue, headers=headers).json["already_had"] == 2
    assert client.get("/api/v1/inspections", headers=headers).json["total"] == 2


def test_the_last_awaited_photo_completes_the_inspection_with_its_audit_row(client, world, point):
    officer = world.headers("officer_a")
    first, last = jpeg_bytes(seed=21), jpeg_bytes(seed=22)
    hashes = [hashlib.sha256(data).hexdigest() for data in (first, last)]
    body = submission(point, results=answers(point.template.current_version,
                                             gauge={"outcome": "fail", "photos": hashes}))
    inspection = client.post("/api/v1/inspections", json=body, headers=officer).json
    assert inspection["status"] == "awaiting_photos"

    def completions():
        return client.get("/api/v1/audit?action=inspection.completed", headers=world.headers("admin")).json["items"]

    assert upload_photo(client, officer, first).status_code == 201
    assert client.get(f"/api/v1/inspections/{inspection['id']}", headers=officer).json["status"] == "awaiting_photos"
    assert completions() == []
    assert upload_photo(client, officer, last).status_code == 201
    assert client.get(f"/api/v1/inspections/{inspection['id']}", headers=officer).json["status"] == "complete"
    [event] = completions()
    assert (event["object_type"], event["object_id"], event["school_id"]) == \
        ("inspection", str(inspection["id"]), world.school_a.id)
    assert event["actor_id"] == world.officer_a.id and event["details"]["photo"] == hashes[1]
    assert event["details"]["from_status"] == "awaiting_photos" and event["details"]["to_status"] == "complete"


def test_each_inspection_counts_the_next_due_time_from_the_newest_submission(client, world, point):
    officer = world.headers("officer_a")
    assert point.frequency.value == "weekly"
    newer = now() - timedelta(hours=1)
    older = newer - timedelta(days=2)
    for moment in (newer, older):  # the older one arrives last (an offline phone) and moves nothing back
        body = submission(point, started_at=(moment - timedelta(minutes=3)).isoformat(),
                          submitted_at=moment.isoformat())
        assert client.post("/api/v1/inspections", json=body, headers=officer).status_code == 201
    shown = client.get(f"/api/v1/points/{point.id}", headers=officer).json
    assert shown["last_inspected_at"] == newer.isoformat()
    assert abs(datetime.fromisoformat(shown["next_due_at"]) - (newer + timedelta(days=7))) < timedelta(seconds=1)
