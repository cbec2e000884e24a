"""Every campaign GET × school A's side: nothing of school C's campaign work leaks, whatever the query asks for."""
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from safety.campaigns.models import ClassLetter
from safety.extensions import db
from tests.campaigns.conftest import at, build_season, campaign, report, run

MARKER = "SC-SECRET"
ROLES = ["principal_a", "officer_a", "office_a", "district_inspector_a", "principal_b"]


@pytest.fixture
def secrets(api, world):
    """Both campaigns open; school C's reports, committee, incident, receipts and ledger carry the marker."""
    season = build_season(world)
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    drowning, bullying = campaign("anti_drowning"), campaign("anti_bullying")
    moment = at(2027, 4, 5)
    photo = api.photo("principal_c", moment, seed=77)
    assert report(api, drowning.id, "principal_c", moment, school_id=world.school_c.id, activity="lesson",
                  class_id=season.classes_c[0].id, held_on="2027-04-05", counts={"participants": 3},
                  notes=f"{MARKER} 笔记", photo_ids=[photo]).status_code == 201
    member = api.post(f"/api/v1/schools/{world.school_c.id}/bullying-committee", "principal_c", moment,
                      json={"name": f"{MARKER}委员", "role": "chair"}).json
    incident = api.post(f"/api/v1/campaigns/{bullying.id}/incidents", "principal_c", moment,
                        json={"school_id": world.school_c.id, "occurred_on": "2027-04-04",
                              "summary": f"{MARKER} 事件"}).json
    letter = db.session.scalar(select(ClassLetter).where(ClassLetter.class_id == season.classes_c[0].id))
    api.post(f"/api/v1/public/receipts/{letter.token}", None, moment, json={"child": f"{MARKER}孩子"})
    api.patch(f"/api/v1/water-bodies/{season.water_c.id}", "principal_c", moment,
              json={"responsible_person": f"{MARKER}村长"})
    return {"drowning": drowning.id, "bullying": bullying.id, "school": world.school_c.id, "member": member["id"],
            "incident": incident["id"], "class": season.classes_c[0].id, "point": season.water_c.id}


def _text(response) -> str:
    if response.mimetype.endswith("spreadsheetml.sheet") and response.status_code == 200:
        book = load_workbook(io.BytesIO(response.data))
        return " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row)
    return response.get_data().decode("utf-8", "replace")


@pytest.mark.parametrize("who", ROLES)
def test_school_c_campaign_work_never_reaches_school_a_side(api, world, secrets, who):
    s, moment = secrets, at(2027, 4, 6)
    shared = [  # lists and figures school A's side may ask for, even naming school C: never C's details
        "/api/v1/campaigns", f"/api/v1/campaigns/{s['drowning']}",
        f"/api/v1/campaigns/{s['drowning']}/progress", f"/api/v1/campaigns/{s['drowning']}/activities",
        f"/api/v1/campaigns/{s['drowning']}/tasks", f"/api/v1/campaigns/{s['bullying']}/incidents",
        f"/api/v1/campaigns/{s['drowning']}/ledger.xlsx", f"/api/v1/campaigns/{s['bullying']}/ledger.xlsx",
        "/api/v1/water-bodies", "/api/v1/water-bodies/ledger.xlsx", "/api/v1/campaign-definitions"]
    for path in shared:
        for query in ({}, {"school_id": s["school"]}, {"region_id": world.district_b.id}):
            response = api.get(path, who, moment, query_string=query)
            assert MARKER not in _text(response), f"{who} GET {path} {query}: leaks"
            if response.status_code == 422:  # a list that takes no such filter says so
                assert set(response.json["error"]["fields"]) == set(query), f"{who} GET {path} {query}"
            else:
                assert response.status_code in (200, 403, 404), f"{who} GET {path} {query}: {response.status_code}"
    owned = [  # school C's own things: not even there for school A's side
        f"/api/v1/campaigns/{s['drowning']}/progress?school_id={s['school']}",
        f"/api/v1/campaigns/{s['drowning']}/letters?school_id={s['school']}",
        f"/api/v1/campaigns/{s['drowning']}/letters.pdf?school_id={s['school']}",
        f"/api/v1/campaigns/{s['drowning']}/classes/{s['class']}/receipts",
        f"/api/v1/bullying-incidents/{s['incident']}", f"/api/v1/schools/{s['school']}/bullying-committee",
        f"/api/v1/water-bodies/{s['point']}"]
    for path in owned:
        response = api.get(path, who, moment)
        assert response.status_code in (403, 404), f"{who} GET {path}: {response.status_code}"
        assert MARKER not in _text(response)
    assert api.call("delete", f"/api/v1/bullying-committee/{s['member']}", who, moment).status_code == 404


def test_the_owner_and_the_offices_over_it_do_see_it(api, world, secrets):
    s, moment = secrets, at(2027, 4, 6)
    for who in ["principal_c", "office_b", "city_office"]:
        assert MARKER in _text(api.get(f"/api/v1/bullying-incidents/{s['incident']}", who, moment))
        assert MARKER in _text(api.get(f"/api/v1/campaigns/{s['drowning']}/activities", who, moment))
    assert MARKER in _text(api.get(f"/api/v1/campaigns/{s['drowning']}/classes/{s['class']}/receipts",
                                   "principal_c", moment))
    assert MARKER in _text(api.get("/api/v1/water-bodies/ledger.xlsx", "office_b", moment))
