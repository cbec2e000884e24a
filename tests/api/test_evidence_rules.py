"""Evidence that proves something (issue 11): a photo reference resolves only to a photo the caller may use,
a rectification is never proven by the photo that recorded the problem (or a copy of it), and the same photo
proving two things is flagged for the office."""
import hashlib
import io

import pytest
from PIL import Image

from safety.extensions import db
from safety.photos.models import Photo
from safety.photos.processing import hamming
from tests.api.test_inspections import submission
from tests.factories import answers, create_point, scene, upload_photo


@pytest.fixture
def point(world):
    point = create_point(world.school_a, code="A-1F-EXT-01")
    db.session.commit()
    return point


def resaved(data: bytes) -> bytes:
    """The same picture, slightly smaller and re-compressed: other bytes, nearly the same perceptual hash."""
    image = Image.open(io.BytesIO(data))
    out = io.BytesIO()
    image.resize((image.width * 9 // 10, image.height * 9 // 10)).save(out, "JPEG", quality=60)
    return out.getvalue()


def report(client, world, who, school, photos):
    return client.post("/api/v1/hazards", headers=world.headers(who), json={
        "school_id": school.id, "title": "围墙裂缝", "description": "东侧围墙", "photos": photos})


def fail_gauge(client, world, point, photos, who="officer_a"):
    body = submission(point, results=answers(point.template.current_version, gauge={
        "outcome": "fail", "note": "指针在红区", "photos": photos}))
    return client.post("/api/v1/inspections", json=body, headers=world.headers(who))


# --- photos by hash ----------------------------------------------------------------------------------------

def test_a_hash_of_a_photo_you_may_not_see_is_refused_exactly_like_its_id(client, world, point):
    theirs = upload_photo(client, world.headers("principal_c"), scene(60)).json
    assert report(client, world, "principal_c", world.school_c, [theirs["id"]]).status_code == 201
    unused = upload_photo(client, world.headers("principal_c"), scene(61)).json  # uploaded, named nowhere yet

    refusals = [report(client, world, "principal_a", world.school_a, [ref])
                for ref in (theirs["sha256"], theirs["id"], unused["sha256"])]
    assert [r.status_code for r in refusals] == [422, 422, 422]
    assert refusals[0].json == refusals[1].json == refusals[2].json  # nothing tells a hash from an id
    assert list(refusals[0].json["error"]["fields"]) == ["photos.0"]
    inspection = fail_gauge(client, world, point, [theirs["sha256"]])
    assert inspection.status_code == 422 and any(k.endswith("photos.0") for k in inspection.json["error"]["fields"])
    # nothing was attached, so the photo stays out of sight
    assert client.get("/api/v1/hazards", headers=world.headers("principal_a")).json["total"] == 0
    assert client.get(f"/api/v1/photos/{theirs['id']}", headers=world.headers("principal_a")).status_code == 404


def test_an_unknown_hash_is_a_photo_to_come_and_a_visible_one_may_be_named_by_anyone_who_sees_it(
        client, world, point):
    data = scene(62)
    to_come = hashlib.sha256(data).hexdigest()
    r = report(client, world, "principal_a", world.school_a, [to_come])
    assert r.status_code == 201 and r.json["events"][0]["photos"] == [{"sha256": to_come, "id": None,
                                                                       "uploaded": False}]
    uploaded = upload_photo(client, world.headers("principal_a"), data).json
    shown = client.get(f"/api/v1/hazards/{r.json['id']}", headers=world.headers("office_a")).json
    assert shown["events"][0]["photos"][0]["id"] == uploaded["id"]
    # the school's inspector may name it too: it is evidence at a school they see
    assert report(client, world, "officer_a", world.school_a, [to_come]).status_code == 201


def test_sending_the_same_bytes_makes_a_photo_yours_to_use(client, world):
    data = scene(63)
    theirs = upload_photo(client, world.headers("principal_c"), data).json
    assert report(client, world, "principal_a", world.school_a, [theirs["sha256"]]).status_code == 422
    again = upload_photo(client, world.headers("principal_a"), data)
    assert again.status_code == 200 and again.json["id"] == theirs["id"]
    assert report(client, world, "principal_a", world.school_a, [theirs["sha256"]]).status_code == 201


# --- rectification evidence -----------------------------------------------------------------------------

def test_the_photo_that_recorded_the_hazard_or_a_copy_cannot_prove_its_rectification(client, world, point):
    officer = world.headers("officer_a")
    found_bytes = scene(70)
    found = upload_photo(client, officer, found_bytes).json
    hazard = fail_gauge(client, world, point, [found["id"]]).json["hazards"][0]
    hid = hazard["id"]
    again = upload_photo(client, officer, scene(71)).json  # observed again, with another photo
    assert fail_gauge(client, world, point, [again["id"]]).json["hazards"][0]["id"] == hid
    client.post(f"/api/v1/hazards/{hid}/assign", json={"assignee_id": world.officer_a.id},
                headers=world.headers("principal_a"))
    copy = upload_photo(client, officer, resaved(found_bytes)).json
    assert copy["sha256"] != found["sha256"]
    assert hamming(db.session.get(Photo, found["id"]).phash, db.session.get(Photo, copy["id"]).phash) <= 6

    for ref in (found["id"], found["sha256"], again["id"], copy["id"]):
        r = client.post(f"/api/v1/hazards/{hid}/rectify", json={"note": "已更换", "photos": [ref]}, headers=officer)
        assert r.status_code == 422 and r.json["error"]["code"] == "photo_shows_the_problem", ref
        assert r.json["error"]["fields"]["photos"] == ["记录隐患的照片（或其副本）不能证明已整改：请拍摄整改后的照片。"]
    english = client.post(f"/api/v1/hazards/{hid}/rectify", json={"note": "done", "photos": [copy["id"]]},
                          headers={**officer, "Accept-Language": "en"})
    assert "take a photo of the result" in english.json["error"]["fields"]["photos"][0]
    not_here = hashlib.sha256(scene(72)).hexdigest()
    r = client.post(f"/api/v1/hazards/{hid}/rectify", json={"note": "已更换", "photos": [not_here]}, headers=officer)
    assert r.status_code == 422 and r.json["error"]["fields"]["photos"] == ["请先上传照片，再登记整改。"]
    history = client.get(f"/api/v1/hazards/{hid}", headers=officer).json
    assert history["status"] == "assigned" and [e["action"] for e in history["events"]] == [
        "opened", "observed_again", "assign"]

    result = upload_photo(client, officer, scene(73)).json
    r = client.post(f"/api/v1/hazards/{hid}/rectify", json={"note": "已更换", "photos": [result["id"]]},
                    headers=officer)
    assert r.status_code == 200 and r.json["status"] == "awaiting_verification"


def test_the_same_photo_as_evidence_of_two_hazards_is_flagged_for_the_office(client, world, point):
    photo = upload_photo(client, world.headers("officer_a"), scene(80)).json
    first = fail_gauge(client, world, point, [photo["id"]]).json["hazards"][0]
    opened = client.get(f"/api/v1/hazards/{first['id']}", headers=world.headers("office_a")).json["events"][0]
    assert opened["photos"][0]["id"] == photo["id"] and "reused_photos" not in opened["data"]  # the inspection's own
    second = report(client, world, "officer_a", world.school_a, [photo["sha256"]]).json
    assert second["events"][0]["data"]["reused_photos"] == [{"subject": "hazard", "id": first["id"]}]
    seen = client.get(f"/api/v1/hazards/{second['id']}", headers=world.headers("office_a")).json
    assert seen["events"][0]["data"]["reused_photos"] == [{"subject": "hazard", "id": first["id"]}]
