"""Definitions as data (shipped, overridden, new), the dangerous-waters ledger, the XLSX ledgers, receipt labels."""
import io
import re

import pytest
import zxingcpp
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import func, select

from safety.campaigns.models import ActivityRequirement, Campaign, CampaignDefinition, CampaignTask
from safety.campaigns.runs.definitions import load_default_definitions, sync_default_definitions
from safety.extensions import db
from safety.labels import FontMissing, LabelContent, find_cjk_font, load_layout, render_png
from tests.campaigns.conftest import at, campaign, report, run
from tests.conftest import require_tool

TRAFFIC = {"code": "traffic_safety", "name_zh": "交通安全月", "cadence": "term", "lag_margin": 0.3,
           "requirements": [{"key": "lesson", "kind": "lesson", "unit": "class", "name_zh": "交通安全主题班会",
                             "due_days": 20},
                            {"key": "bus_check", "kind": "custom", "unit": "school", "name_zh": "接送车辆排查"}]}


def test_shipped_definitions_load_and_validate(app):
    codes = {d["code"]: d for d in load_default_definitions()}
    assert set(codes) == {"anti_drowning", "anti_bullying"}
    patrol = codes["anti_drowning"]["requirements"][-1]
    assert (patrol["season_frequency"].value, patrol["holiday_frequency"].value) == ("weekly", "daily")


def test_a_newer_release_adds_its_new_requirements_to_installed_definitions_and_keeps_the_rest(app, world):
    sync_default_definitions()
    bullying = db.session.scalar(select(CampaignDefinition).where(CampaignDefinition.code == "anti_bullying",
                                                                  CampaignDefinition.region_id.is_(None)))
    shipped = [r["key"] for r in next(d for d in load_default_definitions()
                                      if d["code"] == "anti_bullying")["requirements"]]
    # as installed by an older release: no staff training yet, and an edited lesson deadline
    [training] = [r for r in bullying.requirements if r.key == "staff_training"]
    bullying.requirements.remove(training)
    [lesson] = [r for r in bullying.requirements if r.key == "lesson"]
    lesson.due_days = 45
    db.session.commit()

    assert sync_default_definitions() == 0
    db.session.commit()
    db.session.expire_all()
    keys = db.session.scalars(select(ActivityRequirement.key).where(ActivityRequirement.definition_id == bullying.id)
                              .order_by(ActivityRequirement.position)).all()
    assert sorted(keys) == sorted(shipped) and keys[-1] == "staff_training"
    assert db.session.get(ActivityRequirement, lesson.id).due_days == 45
    assert sync_default_definitions() == 0  # nothing more to add: the second run writes nothing
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ActivityRequirement)
                             .where(ActivityRequirement.definition_id == bullying.id)) == len(shipped)


def test_a_district_replaces_the_season_and_offices_define_their_own_campaigns(api, world, season):
    moment = at(2027, 3, 1)
    shipped = api.get("/api/v1/campaign-definitions", "principal_a", moment).json["items"]
    assert [d["code"] for d in shipped] == ["anti_bullying", "anti_drowning"]
    drowning = next(d for d in shipped if d["code"] == "anti_drowning")
    own = {**{k: drowning[k] for k in ("code", "name_zh", "name_en", "cadence", "lag_margin")},
           "region_id": world.district_a.id, "season_start": "05-01", "season_end": "09-15",
           "requirements": [{k: v for k, v in r.items() if k not in ("id", "name", "description", "window")}
                            for r in drowning["requirements"]]}
    assert api.post("/api/v1/campaign-definitions", "principal_a", moment, json=own).status_code == 403
    assert api.post("/api/v1/campaign-definitions", "office_b", moment, json=own).status_code == 404
    created = api.post("/api/v1/campaign-definitions", "office_a", moment, json=own)
    assert created.status_code == 201, created.json
    assert api.post("/api/v1/campaign-definitions", "office_a", moment, json=own).status_code == 409
    for change, field in [({"season_end": "02-30"}, "season_end"),
                          ({"requirements": [{**own["requirements"][0], "unit": "holiday"}]}, "requirements.0.unit")]:
        invalid = api.post("/api/v1/campaign-definitions", "office_a", moment, json={**own, **change})
        assert invalid.status_code == 422 and field in invalid.json["error"]["fields"], invalid.json
    traffic = api.post("/api/v1/campaign-definitions", "office_b", moment,
                       json={**TRAFFIC, "region_id": world.district_b.id})
    assert traffic.status_code == 201, traffic.json

    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    city_run = campaign("anti_drowning")
    assert city_run.region_id == world.city.id
    schools = set(db.session.scalars(select(CampaignTask.school_id).where(CampaignTask.campaign_id == city_run.id)))
    assert schools == {world.school_c.id}  # district A keeps its own season
    traffic_run = campaign("traffic_safety")
    traffic_tasks = db.session.scalars(select(CampaignTask).where(CampaignTask.campaign_id == traffic_run.id)).all()
    assert sorted(t.subject_key for t in traffic_tasks)[-1] == "school" and len(traffic_tasks) == 3
    run("campaign_calendar", at(2027, 5, 1, 0, 30))
    district_run = db.session.scalar(select(Campaign).where(Campaign.region_id == world.district_a.id))
    assert (district_run.starts_on.isoformat(), district_run.ends_on.isoformat()) == ("2027-05-01", "2027-09-15")
    listed = api.get("/api/v1/campaigns?code=anti_drowning&region_id=" + str(world.district_b.id), "city_office",
                     at(2027, 5, 2)).json
    assert [c["id"] for c in listed["items"]] == [city_run.id]

    definition = created.json["id"]
    assert api.patch(f"/api/v1/campaign-definitions/{definition}", "office_b", moment,
                     json={"lag_margin": 0.1}).status_code == 404
    patched = api.patch(f"/api/v1/campaign-definitions/{definition}", "office_a", moment, json={"lag_margin": 0.1})
    assert patched.json["lag_margin"] == 0.1
    assert api.patch(f"/api/v1/campaign-definitions/{drowning['id']}", "office_a", moment,
                     json={"season_start": "03-15"}).status_code == 403  # the shipped one is the admins'
    assert api.patch(f"/api/v1/campaign-definitions/{drowning['id']}", "admin", moment,
                     json={"season_start": "03-15"}).status_code == 200


def test_the_dangerous_waters_ledger(api, world, season):
    moment = at(2027, 4, 2)
    point = season.water_c.id
    listed = api.get("/api/v1/water-bodies", "principal_c", moment).json
    assert [(w["point_id"], w["on_ledger"], w["risk_grade"]) for w in listed["items"]] == [(point, False, None)]
    assert api.get("/api/v1/water-bodies", "principal_a", moment).json["total"] == 0
    facts = {"risk_grade": "high", "water_type": "池塘", "distance_m": 120, "owner": "石桥村村民委员会",
             "responsible_unit": "石桥村村民委员会", "depth_m": 2.5, "warning_signs": 2,
             "rescue_equipment": ["life_ring", "rescue_pole"], "responsible_person": "陈村长",
             "responsible_phone": "138 0000 0000"}
    assert api.patch(f"/api/v1/water-bodies/{point}", "principal_a", moment, json=facts).status_code == 404
    updated = api.patch(f"/api/v1/water-bodies/{point}", "principal_c", moment, json=facts)
    assert updated.status_code == 200, updated.json
    assert updated.json["on_ledger"] is True
    assert {key: updated.json[key] for key in facts} == facts
    assert api.get(f"/api/v1/water-bodies/{point}", "office_b", moment).json["rescue_equipment"] == [
        "life_ring", "rescue_pole"]
    assert api.get("/api/v1/water-bodies?risk_grade=low", "office_b", moment).json["total"] == 0

    assert api.get("/api/v1/water-bodies/ledger.xlsx", "principal_c", moment).status_code == 403
    download = api.get("/api/v1/water-bodies/ledger.xlsx", "city_office", moment)
    assert download.status_code == 200
    rows = list(load_workbook(io.BytesIO(download.data)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("学校代码", "学校", "区县", "点位编码")
    row = dict(zip(rows[0], rows[1], strict=True))
    columns = ("学校代码", "风险等级", "权属主体", "水深（米）", "警示标志（块）", "救援设施",
               "责任单位", "责任人", "距校门（米）")
    assert [row[column] for column in columns] == [
        "SC", "高风险", "石桥村村民委员会", 2.5, 2, "救生圈、救生杆", "石桥村村民委员会", "陈村长", 120]


def test_the_campaign_ledger_has_a_row_per_school_and_a_sheet_per_activity(api, world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    drowning = campaign("anti_drowning")
    moment = at(2027, 4, 9)
    assert report(api, drowning.id, "officer_a", moment, school_id=world.school_a.id, activity="lesson",
                  class_id=season.classes_a[0].id, held_on="2027-04-09", counts={"participants": 39},
                  photo_ids=[api.photo("officer_a", moment, seed=11)]).status_code == 201
    path = f"/api/v1/campaigns/{drowning.id}/ledger.xlsx"
    assert api.get(path, "principal_a", moment).status_code == 403
    download = api.get(path, "office_a", moment)
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(download.data))
    assert book.sheetnames == ["汇总", "防溺水主题班会（“六不”“四知道”）", "《致家长的一封信》及回执",
                               "节假日前防溺水安全提醒", "暑期每周防溺水提醒"]
    summary = list(book["汇总"].iter_rows(values_only=True))
    assert [row[0] for row in summary[1:]] == ["SA", "SB"]  # district A's schools only
    lessons = list(book["防溺水主题班会（“六不”“四知道”）"].iter_rows(values_only=True))
    assert lessons[1][:5] == ("SA", "甲区第一小学", "甲区", 2, 1) and lessons[1][-1] == 39


def test_receipt_codes_print_one_sticker_per_student(api, world, season):
    layout = load_layout("parent-letter-receipt")
    assert (layout.columns, layout.rows) == (2, 5)
    try:
        find_cjk_font()
    except FontMissing:
        require_tool("a CJK font", False, "receipt labels are printed in Chinese")
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    drowning = campaign("anti_drowning")
    path = f"/api/v1/campaigns/{drowning.id}/letters.pdf?school_id={world.school_b.id}"
    assert api.get(path, "officer_a", at(2027, 4, 2)).status_code == 404  # another school
    pdf = api.get(path, "principal_b", at(2027, 4, 2))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf.data)) == 3  # 30 pupils, 10 stickers a sheet

    # What a parent's phone reads from the sticker is the class's receipt address.
    letter = api.get(f"/api/v1/campaigns/{drowning.id}/letters?school_id={world.school_b.id}", "principal_b",
                     at(2027, 4, 2)).json["items"][0]
    png = render_png(LabelContent(url=letter["url"], school_name="测试学校", point_name=letter["class_name"],
                                  point_code=drowning.name_zh), layout)
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    assert [code.text for code in decoded] == [letter["url"]]


@pytest.mark.parametrize("template", ["../secrets", "a4-stickers-3x8x"])
def test_receipt_codes_need_a_known_layout(api, world, season, template):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    drowning = campaign("anti_drowning")
    response = api.get(f"/api/v1/campaigns/{drowning.id}/letters.pdf?school_id={world.school_b.id}&template={template}",
                       "principal_b", at(2027, 4, 2))
    assert response.status_code == 422
