"""What a school owes in a campaign, read back through the tasks API after the scheduler's calendar job: when a
holiday reminder opens and falls due, what a class or school added at the very moment the campaign opened owes
(from the day it is first seen) against one added a second earlier, a task never due after the campaign's end,
and a term campaign's names in both languages."""
from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from safety.campaigns.models import Campaign, CampaignLag, CampaignTask, ClassLetter, LagStatus, TaskStatus
from safety.campaigns.runs.jobs import _reminder_windows
from safety.core.clock import parse_aware
from safety.drills.models import CalendarPeriod
from safety.extensions import db
from safety.points.models import Frequency
from safety.schools.models import RegionLevel
from tests.campaigns.conftest import api, at, campaign, report, run, season  # noqa: F401 (fixtures)
from tests.campaigns.test_definitions_and_ledgers import TRAFFIC
from tests.factories import create_class, create_region, create_school

SECOND = timedelta(seconds=1)


@pytest.fixture
def drowning(world, season):  # noqa: F811
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    return campaign("anti_drowning")


def _tasks(api, campaign_id, moment, **query):  # noqa: F811
    response = api.get(f"/api/v1/campaigns/{campaign_id}/tasks", "city_office", moment,
                       query_string={"per_page": 100, **query})
    assert response.status_code == 200, response.json
    return response.json["items"]


def _when(task) -> tuple[str, object]:
    return task["opens_on"], parse_aware(task["due_at"])


def test_a_holiday_reminder_opens_due_days_ahead_and_is_due_as_it_begins(api, world, drowning):  # noqa: F811
    holidays = {p.id: p.name_zh for p in db.session.scalars(select(CalendarPeriod))}
    owed = sorted((holidays[t["holiday_id"]], *_when(t)) for t in _tasks(
        api, drowning.id, at(2027, 4, 2), school_id=world.school_a.id, activity="holiday_reminder"))
    # 7 days ahead (the shipped due_days); National Day is after the season and owes nothing.
    assert owed == [("劳动节", "2027-04-24", at(2027, 5, 1, 0, 0)), ("暑假", "2027-07-03", at(2027, 7, 10, 0, 0))]


@pytest.mark.parametrize(("added", "opens_on", "due"), [
    (-SECOND, "2027-04-01", at(2027, 5, 1, 0, 0)),    # there before the season opened: owes from its first day
    (timedelta(0), "2027-04-03", at(2027, 5, 3, 0, 0)),  # added as it opened: 30 days from when it is first seen
])
def test_a_class_added_as_the_season_opens_owes_from_the_day_it_is_seen(
        api, world, season, drowning, added, opens_on, due):  # noqa: F811
    school_class = create_class(world.school_a, grade=5, name="1班")
    school_class.created_at = drowning.opens_at + added
    db.session.commit()
    run("campaign_calendar", at(2027, 4, 3, 12))
    [lesson] = _tasks(api, drowning.id, at(2027, 4, 3, 12), class_id=school_class.id, activity="lesson")
    assert _when(lesson) == (opens_on, due)


@pytest.mark.parametrize(("added", "opens_on"), [(-SECOND, "2027-04-24"), (timedelta(0), "2027-04-26")])
def test_a_school_added_as_the_season_opens_owes_holiday_reminders_from_the_day_it_is_seen(
        api, world, drowning, added, opens_on):  # noqa: F811
    school = create_school(world.district_a, code="SE")
    school.created_at = drowning.opens_at + added
    db.session.commit()
    run("campaign_calendar", at(2027, 4, 26, 12))
    tasks = _tasks(api, drowning.id, at(2027, 4, 26, 12), school_id=school.id, activity="holiday_reminder")
    assert sorted(_when(t) for t in tasks) == [(opens_on, at(2027, 5, 1, 0, 0)),
                                               ("2027-07-03", at(2027, 7, 10, 0, 0))]


def test_no_task_is_due_after_the_campaign_ends_and_a_term_run_is_named_for_it(api, world, season):  # noqa: F811
    moment = at(2027, 3, 1)
    long_lesson = {**TRAFFIC["requirements"][0], "due_days": 200}  # longer than the spring term
    definition = {**TRAFFIC, "region_id": world.district_b.id, "requirements": [long_lesson,
                                                                               TRAFFIC["requirements"][1]]}
    assert api.post("/api/v1/campaign-definitions", "office_b", moment, json=definition).status_code == 201
    run("campaign_calendar", moment)
    traffic = campaign("traffic_safety")
    assert (traffic.name_zh, traffic.name_en) == ("交通安全月（2026—2027学年第二学期）",
                                                  "交通安全月 (2026—2027学年第二学期)")  # no English name given
    due = {t["activity"]: _when(t) for t in _tasks(api, traffic.id, moment, school_id=world.school_c.id)}
    # The spring term runs 22 February to 9 July: the lesson is due as the term closes, the check 30 days in
    # (the default due_days).
    assert due["lesson"] == ("2027-02-22", at(2027, 7, 10, 0, 0)) == ("2027-02-22", traffic.closes_at)
    assert due["bus_check"] == ("2027-02-22", at(2027, 3, 24, 0, 0))


def test_the_calendar_job_counts_every_row_the_close_changed(world, drowning):
    owed = db.session.scalar(select(func.count(CampaignTask.id)).where(CampaignTask.campaign_id == drowning.id))
    # At the closing moment: every task still owed is missed, the run closes, the water body returns to its
    # own rhythm; nothing opens.
    assert run("campaign_calendar", drowning.closes_at) == owed + 1 + 1
    assert db.session.scalar(select(func.count(CampaignTask.id)).where(
        CampaignTask.campaign_id == drowning.id, CampaignTask.status == TaskStatus.missed)) == owed


def test_the_close_takes_lagging_schools_off_the_queue_and_leaves_cleared_flags(api, world, season, drowning):  # noqa: F811
    run("campaign_lagging", at(2027, 4, 15, 0, 30))  # the letters are undone everywhere: every school lags
    for school_class in season.classes_a:  # school A catches up, schools B and C do not
        assert report(api, drowning.id, "principal_a", at(2027, 4, 16), school_id=world.school_a.id,
                      activity="parent_letter", class_id=school_class.id, held_on="2027-04-16",
                      counts={"letters": 40}).status_code == 201
    run("campaign_lagging", at(2027, 4, 16, 13))
    queue = api.get("/api/v1/escalations?kind=campaign", "office_a", at(2027, 4, 17)).json["items"]
    assert [item["school_id"] for item in queue] == [world.school_b.id]
    cleared_at = db.session.scalar(select(CampaignLag.cleared_at).where(CampaignLag.school_id == world.school_a.id))

    run("campaign_calendar", drowning.closes_at)
    assert api.get("/api/v1/escalations?kind=campaign", "office_a", drowning.closes_at).json["items"] == []
    flags = {school_id: (status, when) for school_id, status, when in db.session.execute(
        select(CampaignLag.school_id, CampaignLag.status, CampaignLag.cleared_at))}
    assert flags == {world.school_a.id: (LagStatus.cleared, cleared_at),
                     world.school_b.id: (LagStatus.closed, drowning.closes_at),
                     world.school_c.id: (LagStatus.closed, drowning.closes_at)}


def test_two_seasonal_campaigns_of_one_region_open_in_the_same_year(api, world, season):  # noqa: F811
    heat = {"code": "summer_heat", "name_zh": "防暑降温", "cadence": "season", "season_start": "06-01",
            "season_end": "08-31", "region_id": world.city.id, "lag_margin": 0.2,
            "requirements": [{"key": "lesson", "kind": "lesson", "unit": "class", "name_zh": "防暑主题班会"}]}
    created = api.post("/api/v1/campaign-definitions", "city_office", at(2027, 3, 1), json=heat)
    assert created.status_code == 201, created.json
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    run("campaign_calendar", at(2027, 6, 1, 0, 30))
    opened = {(c.definition.code, c.period_key, c.region_id) for c in db.session.scalars(select(Campaign))}
    assert opened == {("anti_drowning", "2027", world.city.id), ("summer_heat", "2027", world.city.id)}


def test_the_shipped_season_opens_once_a_year_in_every_city(world, season):  # noqa: F811
    other_city = create_region(code="330200", level=RegionLevel.city, name_zh="另一市")
    create_school(create_region(code="330203", parent=other_city), code="OC")
    db.session.commit()
    for moment in (at(2027, 4, 1, 0, 30), at(2027, 4, 2), at(2028, 4, 1, 0, 30)):
        run("campaign_calendar", moment)
    opened = sorted((c.region_id, c.period_key) for c in db.session.scalars(select(Campaign)))
    assert opened == sorted([(world.city.id, "2027"), (other_city.id, "2027"), (world.city.id, "2028"),
                             (other_city.id, "2028")])
    # Next year's run owes school A what this year's did: last year's tasks do not stand in for them.
    owed = {key: sorted(db.session.scalars(select(CampaignTask.subject_key).join(Campaign).where(
        Campaign.period_key == key, Campaign.region_id == world.city.id,
        CampaignTask.school_id == world.school_a.id, CampaignTask.class_id.is_not(None))))
        for key in ("2027", "2028")}
    assert owed["2028"] == owed["2027"] and len(owed["2027"]) == 4  # a lesson and a letter per class


def test_the_calendar_job_counts_every_row_the_opening_wrote(world, season):  # noqa: F811
    changed = run("campaign_calendar", at(2027, 4, 1, 0, 30))
    drowning = campaign("anti_drowning")
    tasks = db.session.scalar(select(func.count(CampaignTask.id)).where(CampaignTask.campaign_id == drowning.id))
    letters = db.session.scalar(select(func.count(ClassLetter.id)).where(ClassLetter.campaign_id == drowning.id))
    assert (tasks, letters) == (5 * 2 + 3 * 2, 5)  # a lesson and a letter per class, two holidays per school
    assert changed == 1 + tasks + letters + 1  # the run, its tasks, its letters, the water body's new rhythm


def test_a_school_falling_behind_later_is_flagged_beside_one_flagged(api, world, season, drowning):  # noqa: F811
    for school_class in [season.class_b, *season.classes_c]:  # B and C send their letters in time, A does not
        school, user = (world.school_b, "principal_b") if school_class is season.class_b else (world.school_c,
                                                                                              "principal_c")
        assert report(api, drowning.id, user, at(2027, 4, 10), school_id=school.id, activity="parent_letter",
                      class_id=school_class.id, held_on="2027-04-10", counts={"letters": 30}).status_code == 201
    run("campaign_lagging", at(2027, 4, 15, 0, 30))
    assert db.session.scalars(select(CampaignLag.school_id)).all() == [world.school_a.id]
    # On 1 May the lessons and the May Day reminders fall due: nobody has done them, everyone lags.
    run("campaign_lagging", at(2027, 5, 1, 0, 30))
    flagged = set(db.session.scalars(select(CampaignLag.school_id).where(CampaignLag.status == LagStatus.lagging)))
    assert flagged == {world.school_a.id, world.school_b.id, world.school_c.id}


def test_the_lagging_job_counts_a_cleared_flag_and_its_new_figures(api, world, season, drowning):  # noqa: F811
    # Three flags; each school's principal told, and its district office once per school.
    assert run("campaign_lagging", at(2027, 4, 15, 0, 30)) == 3 + 3 + 3
    for school_class in season.classes_a:
        assert report(api, drowning.id, "principal_a", at(2027, 4, 16), school_id=world.school_a.id,
                      activity="parent_letter", class_id=school_class.id, held_on="2027-04-16",
                      counts={"letters": 40}).status_code == 201
    assert run("campaign_lagging", at(2027, 4, 16, 13)) == 1 + 1  # A's flag cleared, and its figures rewritten


@pytest.mark.parametrize(("days", "weeks"), [(6, 0), (7, 1), (13, 1), (14, 2), (20, 2), (21, 3)])
def test_weekly_holiday_reminders_come_only_for_whole_weeks(days, weeks):
    """A holiday of 13 days holds one whole week of reminders, of 14 two: a part week asks for none."""
    start = date(2027, 1, 16)
    holiday = SimpleNamespace(id=9, starts_on=start, ends_on=start + timedelta(days=days - 1))
    campaign = SimpleNamespace(starts_on=date(2027, 1, 1), ends_on=date(2027, 3, 31))
    requirement = SimpleNamespace(holiday_frequency=Frequency.weekly, due_days=3)
    windows = _reminder_windows(campaign, requirement, holiday, today=date(2027, 3, 31))
    assert [(key, opens, due - opens) for key, opens, due in windows] == [
        (f"holiday:9:w{n}", start + timedelta(weeks=n - 1), timedelta(days=7)) for n in range(1, weeks + 1)]
