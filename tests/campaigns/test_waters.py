"""The dangerous waters: the ledger's survey facts and their checks, the danger map's GeoJSON (valid RFC 7946,
scoped), the map and ledger pages, and the water patrol's time window (午后、傍晚)."""
from __future__ import annotations

import json
import math
import uuid
from datetime import timedelta

import pytest

from safety.checklists.models import Category
from safety.extensions import db
from tests.browser.conftest import form_token, page_login
from tests.campaigns.conftest import at, campaign, run
from tests.factories import PASSWORD, answers, create_point

GEOJSON = "application/geo+json"


def valid_feature_collection(collection: dict) -> list[dict]:
    """Checks RFC 7946 by hand for what the map writes (Point or null geometries); returns the features."""
    assert set(collection) == {"type", "features"} and collection["type"] == "FeatureCollection"
    ids = []
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and set(feature) == {"type", "id", "geometry", "properties"}
        assert isinstance(feature["id"], str | int) and isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        if geometry is not None:
            assert set(geometry) == {"type", "coordinates"} and geometry["type"] == "Point"
            lon, lat = geometry["coordinates"]  # exactly two positions: longitude first (§3.1.1, §4)
            assert all(isinstance(v, float | int) and math.isfinite(v) for v in (lon, lat))
            assert -180 <= lon <= 180 and -90 <= lat <= 90
        ids.append(feature["id"])
    assert len(ids) == len(set(ids))
    return collection["features"]


@pytest.fixture
def places(world, season):
    """School A placed on the map with a gate point and a pond; school C's river has no coordinates yet."""
    gate = create_point(world.school_a, code="A-GATE-01", latitude=30.2741, longitude=120.1551)
    pond = create_point(world.school_a, code="A-WAT-01", category=Category.water_body.value, name_zh="村口鱼塘",
                        latitude=30.2801, longitude=120.1602)
    db.session.commit()
    return gate, pond


def test_the_ledger_refuses_what_no_survey_can_say(api, world, season):
    moment, point = at(2027, 4, 2), season.water_c.id
    problems = [({"depth_m": -1}, "depth_m"), ({"depth_m": "deep"}, "depth_m"),
                ({"warning_signs": -2}, "warning_signs"),
                ({"rescue_equipment": ["boat"]}, "rescue_equipment"),
                ({"rescue_equipment": ["life_ring", "life_ring"]}, "rescue_equipment"),
                ({"owner": "村" * 101}, "owner"), ({"colour": "blue"}, "colour")]
    for body, field in problems:
        response = api.patch(f"/api/v1/water-bodies/{point}", "principal_c", moment, json=body)
        assert response.status_code == 422 and field in response.json["error"]["fields"], (body, response.json)
    items = api.get("/api/v1/water-bodies/equipment", "principal_c", moment).json
    assert [i["code"] for i in items] == ["life_ring", "rescue_rope", "rescue_pole", "fence", "camera"]
    assert all("教基厅函〔2022〕18号" in i["source"] for i in items)
    assert api.get("/api/v1/water-bodies/equipment", None, moment).status_code == 401
    school = api.patch(f"/api/v1/schools/{world.school_a.id}", "principal_a", moment, json={"latitude": 91})
    assert school.status_code == 422 and "latitude" in school.json["error"]["fields"]


def test_the_danger_map_is_valid_geojson_of_what_the_caller_may_see(api, world, season, places):
    gate, pond = places
    moment = at(2027, 4, 2)
    placed = api.patch(f"/api/v1/schools/{world.school_a.id}", "principal_a", moment,
                       json={"latitude": 30.2755, "longitude": 120.1566})
    assert placed.status_code == 200 and placed.json["longitude"] == 120.1566
    assert api.patch(f"/api/v1/water-bodies/{pond.id}", "principal_a", moment,
                     json={"risk_grade": "high", "owner": "石桥村村民委员会", "depth_m": 3.0, "warning_signs": 1,
                           "rescue_equipment": ["life_ring"]}).status_code == 200

    def features(user, query=""):
        response = api.get(f"/api/v1/map.geojson{query}", user, moment)
        assert response.status_code == 200 and response.mimetype == GEOJSON
        return {f["id"]: f for f in valid_feature_collection(json.loads(response.data))}

    school_a = features("principal_a")
    assert set(school_a) == {f"school-{world.school_a.id}", f"point-{gate.id}", f"water_body-{pond.id}"}
    assert school_a[f"school-{world.school_a.id}"]["geometry"]["coordinates"] == [120.1566, 30.2755]
    water = school_a[f"water_body-{pond.id}"]
    assert water["geometry"]["coordinates"] == [120.1602, 30.2801]  # [lon, lat]
    assert {k: water["properties"][k] for k in ("kind", "risk_grade", "owner", "depth_m", "warning_signs",
                                               "rescue_equipment", "rescue_equipment_names")} == {
        "kind": "water_body", "risk_grade": "high", "owner": "石桥村村民委员会", "depth_m": 3.0, "warning_signs": 1,
        "rescue_equipment": ["life_ring"], "rescue_equipment_names": ["救生圈"]}

    school_c = features("office_b")  # the other district: school C alone; its river is not placed yet
    assert set(school_c) == {f"school-{world.school_c.id}", f"water_body-{season.water_c.id}"}
    assert school_c[f"water_body-{season.water_c.id}"]["geometry"] is None
    assert school_c[f"school-{world.school_c.id}"]["geometry"] is None
    assert features("principal_a", f"?school_id={world.school_c.id}") == {}
    assert set(features("city_office", f"?region_id={world.district_b.id}")) == set(school_c)
    assert set(features("city_office")) >= set(school_a) | set(school_c)
    assert api.get("/api/v1/map.geojson", None, moment).status_code == 401
    assert api.get("/api/v1/map.geojson?school_id=x", "principal_a", moment).status_code == 422


def _patrol(api, point, user, moment):
    version = point.template.current_version
    body = {"client_uuid": str(uuid.uuid4()), "point_id": point.id, "template_version_id": version.id,
            "started_at": (moment - timedelta(minutes=10)).isoformat(), "submitted_at": moment.isoformat(),
            "results": answers(version)}
    response = api.post("/api/v1/inspections", user, moment, json=body)
    assert response.status_code == 201, response.json


def test_a_patrol_counts_in_the_afternoon_and_evening_window_only(api, world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    drowning = campaign("anti_drowning")
    water = season.water_c
    for moment in (at(2027, 4, 3, 15, 30), at(2027, 4, 4, 19, 59), at(2027, 4, 5, 9, 0), at(2027, 4, 6, 20, 0)):
        _patrol(api, water, "principal_c", moment)
    answer = api.get(f"/api/v1/campaigns/{drowning.id}/progress", "office_b", at(2027, 4, 7)).json
    figures = {s["code"]: (s["patrols"], s["patrols_outside_window"]) for s in answer["schools"]}
    assert figures["SC"] == (2, 2)  # 15:30 and 19:59 count; 09:00 and 20:00 (the window's end) do not
    assert (answer["overall"]["patrols"], answer["overall"]["patrols_outside_window"]) == (2, 2)
    shipped = api.get("/api/v1/campaign-definitions", "office_b", at(2027, 4, 7)).json["items"]
    requirements = next(d for d in shipped if d["code"] == "anti_drowning")["requirements"]
    assert {r["key"]: r["window"] for r in requirements}["water_patrol"] == {"start": "14:00", "end": "20:00"}
    assert {r["key"]: r["window"] for r in requirements}["lesson"] is None


def test_a_window_belongs_to_water_patrols_and_ends_after_it_starts(api, world, season):
    def definition(**requirement):
        return {"code": "river_watch", "region_id": world.district_b.id, "name_zh": "河道巡查", "cadence": "season",
                "season_start": "05-01", "season_end": "10-31",
                "requirements": [{"key": "patrol", "kind": "water_patrol", "unit": "water_body", "name_zh": "巡河",
                                  "season_frequency": "daily", **requirement}]}
    moment = at(2027, 4, 2)
    late = api.post("/api/v1/campaign-definitions", "office_b", moment,
                    json=definition(window_start="20:00", window_end="14:00"))
    assert late.status_code == 422 and "requirements.0.window_end" in late.json["error"]["fields"]
    bad = api.post("/api/v1/campaign-definitions", "office_b", moment, json=definition(window_start="25:00"))
    assert bad.status_code == 422 and "requirements.0.window_start" in bad.json["error"]["fields"]
    lesson = definition(window_start="08:00")
    lesson["requirements"][0].update(kind="lesson", unit="class")
    lesson["requirements"][0].pop("season_frequency")
    refused = api.post("/api/v1/campaign-definitions", "office_b", moment, json=lesson)
    assert refused.status_code == 422 and "requirements.0.window_start" in refused.json["error"]["fields"]
    created = api.post("/api/v1/campaign-definitions", "office_b", moment,
                       json=definition(window_start="13:00", window_end="21:30"))
    assert created.status_code == 201, created.json
    assert [(r["window_start"], r["window_end"]) for r in created.json["requirements"]] == [("13:00", "21:30")]
    assert created.json["requirements"][0]["window"] == {"start": "13:00", "end": "21:30"}
    half = api.post("/api/v1/campaign-definitions", "office_b", moment,
                    json={**definition(window_end="21:00"), "code": "pond_watch"})
    assert half.json["requirements"][0]["window"] == {"start": "14:00", "end": "21:00"}  # the default's start


def test_the_waters_page_shows_the_ledger_and_saves_the_form(app, world, season, places):
    _gate, pond = places
    client = app.test_client()
    assert page_login(client, "principal_a", PASSWORD).status_code == 303
    page = client.get("/waters")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "村口鱼塘" in html and "校门外河塘" not in html
    assert "<script>" not in html and 'id="danger-map"' in html and "img-src 'self' blob: data:;" in \
        page.headers["Content-Security-Policy"]
    data = client.get("/waters/map.geojson")
    assert data.mimetype == GEOJSON
    assert {f["id"] for f in valid_feature_collection(data.get_json(force=True))} == {
        f"school-{world.school_a.id}", f"point-{places[0].id}", f"water_body-{pond.id}"}
    assert client.get(f"/waters/{season.water_c.id}").status_code == 404
    for query in (f"?school={world.school_c.id}", "?school=99999999999", f"?region={world.district_b.id}"):
        assert client.get(f"/waters{query}").status_code == 404, query
        assert client.get(f"/waters/map.geojson{query}").status_code == 404, query

    token = form_token(client.get(f"/waters/{pond.id}"))
    form = {"csrf_token": token, "risk_grade": "high", "water_type": "池塘", "owner": "石桥村村民委员会",
            "depth_m": "2.5", "distance_m": "300", "warning_signs": "2", "rescue_equipment": ["life_ring", "fence"],
            "responsible_unit": "石桥镇水利站", "responsible_person": "王站长", "responsible_phone": "0571-1234567",
            "notes": ""}
    wrong = client.post(f"/waters/{pond.id}", data={**form, "depth_m": "-3"})
    assert wrong.status_code == 422 and "石桥镇水利站" in wrong.get_data(as_text=True)
    saved = client.post(f"/waters/{pond.id}", data=form)
    assert saved.status_code == 303
    facts = client.get(f"/api/v1/water-bodies/{pond.id}", headers=world.headers("principal_a")).json
    assert (facts["depth_m"], facts["rescue_equipment"], facts["responsible_unit"]) == (
        2.5, ["life_ring", "fence"], "石桥镇水利站")
    assert "救生圈、防护栏或隔离带" in client.get("/waters").get_data(as_text=True)


def test_configured_tiles_are_the_only_outside_images_the_map_page_allows(app, world, season, places):
    app.config["MAP_TILE_URL"] = "https://t{s}.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=k"
    try:
        client = app.test_client()
        page_login(client, "office_a", PASSWORD)
        page = client.get("/waters")
        assert "img-src 'self' https://*.tianditu.gov.cn blob: data:" in page.headers["Content-Security-Policy"]
        assert "tianditu" not in client.get("/calendar").headers["Content-Security-Policy"]
    finally:
        app.config["MAP_TILE_URL"] = ""
