"""A campaign's moments to the second, through the scheduler jobs and HTTP: a task is overdue at its due moment
and not a second before, a reminder goes exactly `reminder_days` ahead, a season closes at its closing moment,
a closed season's letter refuses receipts while what was received stays counted, and a school added as a
holiday begins owes no reminder for it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from safety.campaigns.models import CampaignStatus, CampaignTask, ClassLetter, ParentReceipt, TaskStatus
from safety.drills.models import CalendarPeriod
from safety.extensions import db
from tests.campaigns.conftest import api, at, build_season, campaign, run, season  # noqa: F401 (fixtures)
from tests.factories import create_school

SECOND = timedelta(seconds=1)
LETTERS_DUE = at(2027, 4, 15, 0, 0)  # the end of 14 April, local time: the parent letters' due moment


@pytest.fixture
def drowning(world, season):  # noqa: F811
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    return campaign("anti_drowning")


def _letter_tasks(campaign_id, status=None):
    query = select(func.count(CampaignTask.id)).where(CampaignTask.campaign_id == campaign_id,
                                                      CampaignTask.due_at == LETTERS_DUE)
    return db.session.scalar(query if status is None else query.where(CampaignTask.status == status))


@pytest.mark.parametrize(("offset", "overdue"), [(-SECOND, False), (timedelta(0), True), (SECOND, True)])
def test_a_task_is_overdue_from_its_due_moment(drowning, offset, overdue):
    letters = _letter_tasks(drowning.id)
    assert letters == 5
    run("campaign_reminders", LETTERS_DUE + offset)
    assert _letter_tasks(drowning.id, TaskStatus.overdue) == (letters if overdue else 0)


@pytest.mark.parametrize(("offset", "reminded"), [(-SECOND, False), (timedelta(0), True), (SECOND, True)])
def test_a_reminder_goes_exactly_reminder_days_ahead(drowning, offset, reminded):
    lead = timedelta(days=drowning.definition.reminder_days)
    run("campaign_reminders", LETTERS_DUE - lead + offset)
    marked = db.session.scalar(select(func.count(CampaignTask.id)).where(CampaignTask.campaign_id == drowning.id,
                                                                          CampaignTask.due_at == LETTERS_DUE,
                                                                          CampaignTask.reminded_at.is_not(None)))
    assert marked == (5 if reminded else 0)


def test_a_reminder_is_not_sent_for_a_task_already_due(drowning):
    run("campaign_reminders", LETTERS_DUE)
    reminded = db.session.scalar(select(func.count(CampaignTask.id)).where(CampaignTask.due_at == LETTERS_DUE,
                                                                           CampaignTask.reminded_at.is_not(None)))
    assert reminded == 0


@pytest.mark.parametrize(("offset", "status"), [(-SECOND, CampaignStatus.open), (timedelta(0), CampaignStatus.closed)])
def test_a_season_closes_at_its_closing_moment(drowning, offset, status):
    closes_at = drowning.closes_at
    run("campaign_calendar", closes_at + offset)
    db.session.expire_all()
    assert campaign("anti_drowning").status == status
    open_tasks = db.session.scalar(select(func.count(CampaignTask.id)).where(
        CampaignTask.campaign_id == drowning.id, CampaignTask.status.in_([TaskStatus.open, TaskStatus.overdue])))
    assert (open_tasks == 0) is (status == CampaignStatus.closed)


def test_a_closed_seasons_letter_refuses_receipts_and_keeps_what_it_had(api, season, drowning):  # noqa: F811
    letter = db.session.scalar(select(ClassLetter).where(ClassLetter.campaign_id == drowning.id,
                                                         ClassLetter.class_id == season.classes_a[0].id))
    token = letter.token
    path = f"/api/v1/public/receipts/{token}"
    assert api.post(path, None, at(2027, 4, 3), json={"child": "王小红"}).status_code == 200
    run("campaign_calendar", drowning.closes_at)
    refused = api.post(path, None, drowning.closes_at + SECOND, json={"child": "李小刚"})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "campaign_closed"
    assert api.get(path, None, drowning.closes_at + SECOND).json["open"] is False
    assert db.session.scalar(select(func.count(ParentReceipt.id))) == 1


def test_the_calendar_job_installs_the_shipped_campaigns_itself(world):
    build_season(world)  # a fresh install: nobody has loaded the campaign definitions
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    opened = campaign("anti_drowning")
    assert opened is not None and opened.status == CampaignStatus.open


def test_the_calendar_job_counts_a_water_body_rhythm_change(world, drowning):
    assert run("campaign_calendar", at(2027, 4, 1, 1, 30)) == 0  # nothing left to do
    assert run("campaign_calendar", at(2027, 5, 2)) == 1  # May Day: the water body goes daily, nothing else
    assert run("campaign_calendar", at(2027, 5, 6)) == 1  # and back to weekly


@pytest.mark.parametrize(("added", "may_day_owed"), [(-SECOND, True), (timedelta(0), False)])
def test_a_school_added_as_a_holiday_begins_owes_no_reminder_for_it(world, drowning, added, may_day_owed):
    may_day = db.session.scalar(select(CalendarPeriod).where(CalendarPeriod.name_zh == "劳动节"))
    school = create_school(world.district_a, code="SD")
    school.created_at = at(2027, 5, 1, 0, 0) + added  # the holiday begins at local midnight
    db.session.commit()
    run("campaign_calendar", at(2027, 5, 3))
    owed = set(db.session.scalars(select(CampaignTask.holiday_id).where(CampaignTask.school_id == school.id,
                                                                       CampaignTask.holiday_id.is_not(None))))
    assert (may_day.id in owed) is may_day_owed
    assert len(owed - {may_day.id}) == 1  # the summer holiday's reminder is owed either way
