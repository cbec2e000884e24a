"""A campaign definition names the school types it is for: the shipped anti-bullying one leaves kindergartens out
(《加强中小学生欺凌综合治理方案》: 中小学 and 中等职业学校), and an office may scope its own campaigns the same way."""
import json

from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from safety import create_app
from safety.campaigns.models import CampaignTask
from safety.extensions import db
from tests.campaigns.conftest import at, campaign, report, run
from tests.campaigns.test_definitions_and_ledgers import TRAFFIC
from tests.conftest import fresh_database_url

MOMENT = at(2027, 3, 5)


def _schools_owing(campaign_id) -> set[int]:
    return set(db.session.scalars(db.select(CampaignTask.school_id).where(CampaignTask.campaign_id == campaign_id)))


def test_the_anti_bullying_term_leaves_kindergartens_out(api, world, term):
    run("campaign_calendar", at(2027, 2, 22, 0, 30))
    bullying = campaign("anti_bullying")
    assert _schools_owing(bullying.id) == {world.school_a.id, world.school_c.id}  # school B is a kindergarten
    shipped = next(d for d in api.get("/api/v1/campaign-definitions", "office_a", MOMENT).json["items"]
                   if d["code"] == "anti_bullying")
    assert "kindergarten" not in shipped["school_types"] and "primary" in shipped["school_types"]
    refused = report(api, bullying.id, "principal_b", MOMENT, school_id=world.school_b.id, activity="survey",
                     held_on="2027-03-05", counts={"surveyed": 10, "enrolled": 10})
    assert refused.status_code == 422 and list(refused.json["error"]["fields"]) == ["activity"], refused.json


def test_an_office_scopes_its_own_campaign_to_kindergartens_and_widens_it_later(api, world, term):
    own = {**TRAFFIC, "region_id": world.district_a.id, "school_types": ["kindergarten"]}
    for wrong in (["kindergarten", "kindergarten"], ["nursery"], "kindergarten"):
        response = api.post("/api/v1/campaign-definitions", "office_a", MOMENT, json={**own, "school_types": wrong})
        assert response.status_code == 422 and "school_types" in str(response.json["error"]["fields"]), wrong
    created = api.post("/api/v1/campaign-definitions", "office_a", MOMENT, json=own)
    assert created.status_code == 201 and created.json["school_types"] == ["kindergarten"], created.json
    run("campaign_calendar", at(2027, 2, 22, 0, 30))
    traffic = campaign("traffic_safety")
    assert _schools_owing(traffic.id) == {world.school_b.id}
    widened = api.patch(f"/api/v1/campaign-definitions/{created.json['id']}", "office_a", MOMENT,
                        json={"school_types": []})
    assert widened.status_code == 200 and widened.json["school_types"] == []
    run("campaign_calendar", at(2027, 2, 23, 0, 30))
    assert _schools_owing(traffic.id) == {world.school_a.id, world.school_b.id}


def test_the_upgrade_scopes_an_installed_anti_bullying_definition(tmp_path):
    """A deployment installed before definitions had school types: its shipped anti-bullying definition is scoped
    by the upgrade; a region's own definition of the same code is left to its office."""
    url, drop = fresh_database_url(tmp_path, "school_types_upgrade")
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(revision="0012")
            engine = create_engine(url)
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO regions (id, code, name_zh, name_en, level, path, created_at) "
                                  "VALUES (1, 'C', '市', '', 'city', '/1/', :t)"), {"t": MOMENT})
                for code, region, default in (("anti_bullying", None, True), ("anti_bullying", 1, False),
                                              ("anti_drowning", None, True)):
                    conn.execute(text(
                        "INSERT INTO campaign_definitions (code, region_id, name_zh, name_en, description_zh, "
                        "description_en, cadence, lag_margin, reminder_days, late_report_days, active, is_default, "
                        "created_at, updated_at) VALUES (:code, :region, 'x', '', '', '', 'term', 0.2, 3, 7, "
                        ":active, :default, :t, :t)"),
                        {"code": code, "region": region, "active": True, "default": default, "t": MOMENT})
            upgrade()
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT code, region_id, school_types FROM campaign_definitions "
                                         "ORDER BY id")).all()
            engine.dispose()
            downgrade(revision="base")
            db.engine.dispose()
    finally:
        drop()
    types = [(code, region, value if isinstance(value, list) else json.loads(value)) for code, region, value in rows]
    assert [(code, region, "kindergarten" in value, len(value)) for code, region, value in types] == [
        ("anti_bullying", None, False, 7), ("anti_bullying", 1, False, 0), ("anti_drowning", None, False, 0)]
