"""Doubts about evidence are flagged for the offices: reused or near-identical photos, odd dates, late reports."""
import io

import pytest
from PIL import Image

from tests.campaigns.conftest import at, campaign, report, run, scene


@pytest.fixture
def drowning(world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    return campaign("anti_drowning")


def resaved(data: bytes) -> bytes:
    """The same picture re-compressed: other bytes, nearly the same perceptual hash."""
    out = io.BytesIO()
    Image.open(io.BytesIO(data)).save(out, "JPEG", quality=60)
    return out.getvalue()


def lesson(api, drowning, user, school, school_class, moment, photos, held_on=None):
    response = report(api, drowning.id, user, moment, school_id=school.id, activity="lesson", class_id=school_class.id,
                      held_on=held_on or moment.date().isoformat(), counts={"participants": 30}, photo_ids=photos)
    assert response.status_code == 201, response.json
    return response.json


def test_the_same_photo_for_another_class_or_school_is_flagged(api, world, season, drowning):
    moment = at(2027, 4, 8, 16)
    original = scene(42)
    photo = api.post("/api/v1/photos", "officer_a", moment, content_type="multipart/form-data",
                     data={"file": (io.BytesIO(original), "p.jpg")}).json
    first = lesson(api, drowning, "officer_a", world.school_a, season.classes_a[0], moment, [photo["id"]])
    assert first["flags"] == []
    second = lesson(api, drowning, "officer_a", world.school_a, season.classes_a[1], moment, [photo["id"]])
    assert second["flags"] == ["reused_photo"] and second["flag_details"]["reused_photo"] == [first["id"]]
    # Another school sends the very same bytes from its phone, then names them by SHA-256 (a hash alone, without
    # the bytes, would name a photo it may not use: tests/api/test_evidence_rules.py).
    assert api.photo("principal_b", moment, data=original) == photo["id"]
    elsewhere = lesson(api, drowning, "principal_b", world.school_b, season.class_b, moment, [photo["sha256"]])
    assert elsewhere["flags"] == ["reused_photo"]
    assert sorted(elsewhere["flag_details"]["reused_photo"]) == [first["id"], second["id"]]

    copy = api.photo("principal_c", moment, data=resaved(original))
    similar = lesson(api, drowning, "principal_c", world.school_c, season.classes_c[0], moment, [copy])
    assert similar["flags"] == ["similar_photo"]
    assert set(similar["flag_details"]["similar_photo"]) == {first["id"], second["id"], elsewhere["id"]}
    different = lesson(api, drowning, "principal_c", world.school_c, season.classes_c[1], moment,
                       [api.photo("principal_c", moment, seed=150)])
    assert different["flags"] == []

    flagged = api.get(f"/api/v1/campaigns/{drowning.id}/activities?flagged=true", "city_office", moment).json
    assert {a["id"] for a in flagged["items"]} == {second["id"], elsewhere["id"], similar["id"]}
    district = api.get(f"/api/v1/campaigns/{drowning.id}/activities?flagged=true", "office_b", moment).json
    assert [a["id"] for a in district["items"]] == [similar["id"]]


def test_dates_outside_the_season_late_reports_and_photos_older_than_the_activity_are_flagged(
        api, world, season, drowning):
    early = api.photo("officer_a", at(2027, 4, 2), seed=3)
    late_report = lesson(api, drowning, "officer_a", world.school_a, season.classes_a[0], at(2027, 4, 12),
                         [api.photo("officer_a", at(2027, 4, 12), seed=4)], held_on="2027-04-02")
    assert late_report["flags"] == ["late_report"]  # ten days after the lesson
    predates = lesson(api, drowning, "officer_a", world.school_a, season.classes_a[1], at(2027, 4, 6), [early],
                      held_on="2027-04-06")
    assert predates["flags"] == ["photo_predates"]  # the server had the photo four days before the lesson
    before = lesson(api, drowning, "principal_b", world.school_b, season.class_b, at(2027, 4, 2),
                    [api.photo("principal_b", at(2027, 4, 2), seed=5)], held_on="2027-03-30")
    assert before["flags"] == ["outside_period"]
