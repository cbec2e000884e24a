"""A new activity kind is one spec in the registry plus one campaign definition (TOML): reported, checked, in
progress and in the ledger, with nothing else to change; and a campaign shows only its own kinds' figures."""
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from safety.campaigns import kinds
from safety.campaigns.kinds import Column, Figures, KindSpec
from safety.campaigns.models import CampaignActivity, TaskUnit
from safety.campaigns.runs.definitions import build_definition, load_default_definitions
from safety.campaigns.runs.progress import progress
from safety.campaigns.runs.services import scoped_schools
from safety.core.clock import frozen
from safety.extensions import db
from tests.campaigns.conftest import at, build_season, campaign, only, report, run

HERE = Path(__file__).resolve().parent


def _drilled(campaign, _as_of):
    return select(CampaignActivity.school_id, func.sum(CampaignActivity.participants).label("drilled")) \
        .where(CampaignActivity.campaign_id == campaign.id, CampaignActivity.kind == "road_drill") \
        .group_by(CampaignActivity.school_id).subquery()


def _at_least_ten(counts: dict, _minutes: str) -> dict:
    return {} if counts["participants"] >= 10 else {"counts.participants": ["A drill needs at least ten pupils."]}


ROAD_DRILL = KindSpec(
    name="road_drill", units=(TaskUnit.school,), counts=("participants",), check=_at_least_ten,
    figures=Figures(per_school=_drilled, counts=("drilled",)),
    summary_columns=(Column("演练人次", 10, lambda s: s["drilled"]),),
    ledger_columns=(Column("参与人次", 10, lambda r: r.get("participants")),))


@pytest.fixture
def road_safety(world):
    build_season(world)
    only("none")  # the shipped campaigns are switched off: this test watches its own
    kinds.register(ROAD_DRILL)
    try:
        (data,) = load_default_definitions(HERE / "kinds")
        db.session.add(build_definition(data, None, None, is_default=False))
        db.session.commit()
        run("campaign_calendar", at(2027, 2, 22, 0, 30))
        yield campaign("road_safety")
    finally:
        kinds.unregister("road_drill")


def test_a_new_kind_is_one_spec_and_one_definition(api, world, road_safety):
    moment, path = at(2027, 3, 5), f"/api/v1/campaigns/{road_safety.id}"
    body = {"school_id": world.school_a.id, "activity": "road_drill", "held_on": "2027-03-05"}
    missing = report(api, road_safety.id, "officer_a", moment, **body)
    assert missing.status_code == 422 and "counts.participants" in missing.json["error"]["fields"]
    too_few = report(api, road_safety.id, "officer_a", moment, **body, counts={"participants": 3})
    assert too_few.status_code == 422 and "counts.participants" in too_few.json["error"]["fields"]
    done = report(api, road_safety.id, "officer_a", moment, **body, counts={"participants": 42})
    assert done.status_code == 201 and done.json["kind"] == "road_drill"  # no photo: its spec asks for none

    answer = api.get(f"{path}/progress", "office_a", moment).json
    assert [(r["key"], r["kind"], r["done"]) for r in answer["requirements"]] == [("road_drill", "road_drill", 1)]
    assert "receipts" not in answer["overall"] and "committee_status" not in answer["schools"][0]
    with frozen(moment):
        figures = progress(road_safety, scoped_schools(world.office_a, {}), moment)
    assert {s["code"]: s["drilled"] for s in figures["schools"]} == {"SA": 42, "SB": 0}

    book = load_workbook(io.BytesIO(api.get(f"{path}/ledger.xlsx", "office_a", moment).data))
    assert book.sheetnames == ["汇总", "交通安全演练"]
    header, *rows = book["汇总"].iter_rows(values_only=True)
    assert header[-2:] == ("演练人次", "是否滞后") and "回执数" not in header and "防欺凌委员会" not in header
    assert {row[0]: row[-2] for row in rows} == {"SA": 42, "SB": 0}
    header, *rows = book["交通安全演练"].iter_rows(values_only=True)
    assert header[-1] == "参与人次" and {row[0]: row[-1] for row in rows} == {"SA": 42, "SB": 0}


def test_a_kind_not_in_the_registry_is_refused(api, world, road_safety):
    kinds.unregister("road_drill")
    definition = {"code": "made_up", "region_id": world.city.id, "name_zh": "虚构", "cadence": "term",
                  "requirements": [{"key": "x", "kind": "road_drill", "unit": "school", "name_zh": "虚构"}]}
    refused = api.post("/api/v1/campaign-definitions", "city_office", at(2027, 3, 5), json=definition)
    assert refused.status_code == 422 and "requirements.0.kind" in refused.json["error"]["fields"]
