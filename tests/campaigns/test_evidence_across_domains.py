"""A campaign activity whose photo is a hazard's evidence is flagged, naming the hazard (issue 11)."""
import pytest

from tests.campaigns.conftest import at, campaign, report, run


@pytest.fixture
def drowning(world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    return campaign("anti_drowning")


def test_a_hazards_photo_reported_as_a_lesson_is_flagged_reused(api, world, season, drowning):
    moment = at(2027, 4, 8, 16)
    photo = api.photo("officer_a", moment, seed=95)
    hazard = api.post("/api/v1/hazards", "officer_a", moment, json={
        "school_id": world.school_a.id, "title": "池塘护栏缺失", "photos": [photo]})
    assert hazard.status_code == 201

    def lesson(school_class, photos):
        response = report(api, drowning.id, "officer_a", moment, school_id=world.school_a.id, activity="lesson",
                          class_id=school_class.id, held_on=moment.date().isoformat(),
                          counts={"participants": 30}, photo_ids=photos)
        assert response.status_code == 201, response.json
        return response.json

    reused = lesson(season.classes_a[0], [photo])
    assert reused["flags"] == ["reused_photo"]
    assert reused["reused_in"] == [{"subject": "hazard", "id": hazard.json["id"]}]
    assert "reused_in" not in reused["flag_details"]
    assert lesson(season.classes_a[1], [api.photo("officer_a", moment, seed=96)])["flags"] == []
