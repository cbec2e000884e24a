"""Schools added while a season runs owe only what is still ahead of them; lag flags keep their figures."""
from datetime import date

import pytest
from sqlalchemy import select

from safety.campaigns.models import ActivityRequirement, CampaignLag, CampaignTask, LagStatus, TaskStatus
from safety.campaigns.periods import day_start
from safety.core.clock import frozen
from safety.drills.models import CalendarPeriod
from safety.extensions import db
from tests.campaigns.conftest import at, campaign, report, run, run_all
from tests.factories import create_class, create_school


def holiday_tasks(campaign_id, school) -> dict[str, CampaignTask]:
    """The reminders before each holiday (the weekly ones through the summer are tests/campaigns/test_summer.py's)."""
    tasks = db.session.scalars(select(CampaignTask).join(ActivityRequirement).where(
        CampaignTask.campaign_id == campaign_id, CampaignTask.school_id == school.id,
        CampaignTask.holiday_id.is_not(None), ActivityRequirement.key == "holiday_reminder")).all()
    names = {id_: name for id_, name in db.session.execute(select(CalendarPeriod.id, CalendarPeriod.name_zh))}
    return {names[t.holiday_id]: t for t in tasks}


@pytest.mark.parametrize("added, owed", [
    (at(2027, 4, 28, 9), {"劳动节": date(2027, 4, 28), "暑假": date(2027, 7, 3)}),  # May Day still ahead
    (at(2027, 5, 2, 9), {"暑假": date(2027, 7, 3)}),                               # in the May Day holiday
    (at(2027, 7, 20, 9), {}),                                                      # in the summer holiday
])
def test_a_school_added_mid_season_owes_reminders_only_for_holidays_still_ahead(world, season, added, owed):
    run_all(at(2027, 4, 1, 0, 30))
    drowning = campaign("anti_drowning")
    with frozen(added):
        school = create_school(world.district_a, code="SNEW", name_zh="新开办小学")
        create_class(school, grade=1, name="1班")
        db.session.commit()
    run_all(added)
    tasks = holiday_tasks(drowning.id, school)
    assert {name: task.opens_on for name, task in tasks.items()} == owed
    assert all(task.status == TaskStatus.open and task.due_at > added for task in tasks.values())
    lagging = db.session.scalars(select(CampaignLag.school_id).where(CampaignLag.status == LagStatus.lagging)).all()
    assert school.id not in lagging
    # Schools there from the start keep their reminder for May Day, opened a week before it.
    may_day = holiday_tasks(drowning.id, world.school_a)["劳动节"]
    assert (may_day.opens_on, may_day.due_at) == (date(2027, 4, 24), day_start(date(2027, 5, 1)))


def test_lag_flags_keep_the_figures_they_were_judged_on(api, world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    drowning = campaign("anti_drowning")
    run("campaign_lagging", at(2027, 4, 15, 0, 30))  # the letters (due 14 April) are undone everywhere
    lag = db.session.scalar(select(CampaignLag).where(CampaignLag.school_id == world.school_a.id))
    # School A: two lessons, two letters, two holiday reminders; the two letters are due, nothing is done.
    assert (lag.status, lag.due, lag.done, lag.total) == (LagStatus.lagging, 2, 0, 6)
    for other in db.session.scalars(select(CampaignLag)):
        assert other.due - other.done > 0.2 * other.total  # each flag is true to its own figures

    later = at(2027, 4, 16)
    for school_class in season.classes_a:
        assert report(api, drowning.id, "principal_a", later, school_id=world.school_a.id, activity="parent_letter",
                      class_id=school_class.id, held_on="2027-04-16", counts={"letters": 40}).status_code == 201
    run("campaign_lagging", at(2027, 4, 16, 13))
    db.session.refresh(lag)
    assert (lag.status, lag.due, lag.done, lag.total) == (LagStatus.cleared, 2, 2, 6)
    assert run("campaign_lagging", at(2027, 4, 16, 13)) == 0  # figures that stand are not rewritten
