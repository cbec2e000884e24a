"""Anti-drowning through the summer: parents reminded every week of the holiday, not only before it, and a southern
district running its season into October by replacing the shipped definition (POST /campaign-definitions)."""
from sqlalchemy import select

from safety.campaigns.models import ActivityRequirement, Campaign, CampaignTask
from safety.drills.models import CalendarPeriod
from safety.extensions import db
from tests.campaigns.conftest import at, campaign, report, run_all


def weekly(campaign_id: int, school) -> list[CampaignTask]:
    return list(db.session.scalars(select(CampaignTask).join(ActivityRequirement).where(
        CampaignTask.campaign_id == campaign_id, CampaignTask.school_id == school.id,
        ActivityRequirement.key == "weekly_reminder").order_by(CampaignTask.opens_on)))


def holiday_id(name: str) -> int:
    return db.session.scalar(select(CalendarPeriod.id).where(CalendarPeriod.name_zh == name))


def test_parents_are_reminded_every_week_of_the_summer_holiday(api, world, season):
    run_all(at(2027, 4, 1, 0, 30))
    drowning = campaign("anti_drowning")
    assert weekly(drowning.id, world.school_a) == []   # a week's task appears as the week begins
    run_all(at(2027, 7, 10, 0, 30))
    first = weekly(drowning.id, world.school_a)
    assert [(t.opens_on.isoformat(), t.due_at) for t in first] == [("2027-07-10", at(2027, 7, 17, 0, 0))]
    moment = at(2027, 7, 12)
    reminded = report(api, drowning.id, "principal_a", moment, school_id=world.school_a.id,
                      activity="weekly_reminder", held_on="2027-07-12", counts={},
                      notes="家长群发送防溺水提醒，落实“四知道”", photo_ids=[api.photo("principal_a", moment, seed=21)])
    assert reminded.status_code == 201, reminded.json
    assert reminded.json["task_id"] == first[0].id
    run_all(at(2027, 7, 25))
    assert [t.status.value for t in weekly(drowning.id, world.school_a)] == ["done", "overdue", "open"]
    run_all(at(2027, 8, 31))
    summer = holiday_id("暑假")  # 07-10 … 08-31: seven whole weeks; May Day (5 days) has none
    assert [(t.subject_key, t.opens_on.isoformat()) for t in weekly(drowning.id, world.school_a)] == [
        (f"holiday:{summer}:w{n}", f"2027-{day}") for n, day in enumerate(
            ("07-10", "07-17", "07-24", "07-31", "08-07", "08-14", "08-21"), start=1)]


def test_a_southern_district_runs_its_season_into_october(api, world, season):
    moment = at(2027, 3, 1)
    shipped = next(d for d in api.get("/api/v1/campaign-definitions", "office_b", moment).json["items"]
                   if d["code"] == "anti_drowning")
    southern = {**{k: shipped[k] for k in ("code", "name_zh", "name_en", "cadence", "lag_margin", "season_start",
                                           "reminder_days", "late_report_days")},
                "region_id": world.district_b.id, "season_end": "10-31",
                "requirements": [{k: v for k, v in r.items() if k not in ("id", "name", "description", "window")}
                                 for r in shipped["requirements"]]}
    created = api.post("/api/v1/campaign-definitions", "office_b", moment, json=southern)
    assert created.status_code == 201, created.json
    for moment in (at(2027, 4, 1, 0, 30), at(2027, 8, 31), at(2027, 10, 1, 0, 30)):
        run_all(moment)
    runs = {c.region_id: c for c in db.session.scalars(select(Campaign))}
    assert runs[world.district_b.id].ends_on.isoformat() == "2027-10-31"
    assert runs[world.city.id].ends_on.isoformat() == "2027-09-30"
    national_day = holiday_id("国庆节")
    south = [t.subject_key for t in weekly(runs[world.district_b.id].id, world.school_c)]
    assert south[-1] == f"holiday:{national_day}:w1" and len(south) == 8
    assert len(weekly(runs[world.city.id].id, world.school_a)) == 7   # district A's season ends with September
    assert db.session.get(Campaign, runs[world.district_b.id].id).status.value == "open"
    assert db.session.get(Campaign, runs[world.city.id].id).status.value == "closed"
