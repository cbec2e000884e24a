"""The scheduler's campaign jobs with campaigns side by side: the anti-bullying term beside the anti-drowning season,
last year's closed season beside this year's, a district keeping its own school calendar. Each job tells, reminds,
flags and clears per campaign, and only of what is still to do."""
from datetime import date

from sqlalchemy import select

from safety.accounts.models import Role
from safety.campaigns.models import CampaignLag, CampaignTask, LagStatus, TaskStatus
from safety.drills.models import CalendarKind, CalendarPeriod
from safety.extensions import db
from safety.notifications.models import Notification
from tests.campaigns.conftest import at, campaign, report, run
from tests.campaigns.test_campaign_conditions import both, last_year  # noqa: F401 (fixtures)
from tests.campaigns.test_class_teachers import make_teacher
from tests.factories import create_user


def letter_tasks(campaign_id, school=None) -> set[int]:
    query = select(CampaignTask.id).where(CampaignTask.campaign_id == campaign_id, CampaignTask.due_at == at(
        2027, 4, 15, 0, 0))
    return set(db.session.scalars(query if school is None else query.where(CampaignTask.school_id == school.id)))


def reminded(campaign_id) -> set[int]:
    return set(db.session.scalars(select(CampaignTask.id).where(CampaignTask.campaign_id == campaign_id,
                                                                CampaignTask.reminded_at.is_not(None))))


def told(kind: str) -> set[tuple[int, int]]:
    """(recipient, subject) of every notification of a kind."""
    return set(db.session.execute(select(Notification.recipient_id, Notification.subject_id)
                                  .where(Notification.kind == kind)).all())


def flag(campaign_id, school) -> CampaignLag:
    return db.session.scalar(select(CampaignLag).where(CampaignLag.campaign_id == campaign_id,
                                                       CampaignLag.school_id == school.id))


def send_letters(api, drowning, world, classes, moment):
    for school_class in classes:
        sent = report(api, drowning.id, "principal_a", moment, school_id=world.school_a.id, activity="parent_letter",
                      class_id=school_class.id, held_on=moment.date().isoformat(), counts={"letters": 40})
        assert sent.status_code == 201, sent.json


# --- class teachers --------------------------------------------------------------------------------------


def test_a_class_teacher_given_a_class_hears_of_what_is_left_to_do_not_of_what_is_done(api, world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    drowning, own = campaign("anti_drowning"), season.classes_a[0]
    send_letters(api, drowning, world, [own], at(2027, 4, 8))
    teacher = make_teacher(world, own)
    run("campaign_calendar", at(2027, 4, 8, 13))
    lesson = db.session.scalar(select(CampaignTask.id).where(CampaignTask.class_id == own.id,
                                                             CampaignTask.status == TaskStatus.open))
    assert told("campaign_task_new") == {(teacher.id, lesson)}


# --- reminders -------------------------------------------------------------------------------------------


def test_the_seasons_tasks_are_reminded_on_its_own_lead_while_the_term_runs_on_a_longer_one(world, both):  # noqa: F811
    """Anti-drowning reminds 3 days ahead, anti-bullying 5: four days before the letters are due, nobody is told."""
    drowning = campaign("anti_drowning")
    run("campaign_reminders", at(2027, 4, 11, 0, 30))
    assert reminded(drowning.id) == set() and told("campaign_task_due") == set()
    run("campaign_reminders", at(2027, 4, 12, 1))
    assert reminded(drowning.id) == letter_tasks(drowning.id)


def test_a_task_done_before_its_reminder_is_not_reminded(api, world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    drowning = campaign("anti_drowning")
    send_letters(api, drowning, world, season.classes_a, at(2027, 4, 8))
    run("campaign_reminders", at(2027, 4, 12, 1))
    assert reminded(drowning.id) == letter_tasks(drowning.id) - letter_tasks(drowning.id, world.school_a)
    assert {recipient for recipient, _ in told("campaign_task_due")} == {world.principal_b.id, world.principal_c.id}


# --- lagging ---------------------------------------------------------------------------------------------


def test_last_years_closed_season_raises_no_new_flags(api, world, season, last_year):  # noqa: F811
    run("campaign_lagging", at(2027, 4, 2))
    assert db.session.scalars(select(CampaignLag)).all() == []
    assert api.get("/api/v1/escalations?kind=campaign", "office_a", at(2027, 4, 2, 9)).json["items"] == []


def test_a_school_flagged_last_season_is_flagged_again_when_it_lags_this_season(world, season):
    for name, moment in [("campaign_calendar", at(2026, 4, 1, 0, 30)), ("campaign_lagging", at(2026, 4, 15, 0, 30)),
                         ("campaign_calendar", at(2026, 10, 1, 0, 30)), ("campaign_calendar", at(2027, 4, 1, 0, 30)),
                         ("campaign_lagging", at(2027, 4, 15, 0, 30))]:
        run(name, moment)
    this_year = campaign("anti_drowning")
    flags = db.session.scalars(select(CampaignLag).where(CampaignLag.campaign_id == this_year.id)).all()
    assert sorted((f.school_id, f.status, f.episodes) for f in flags) == [
        (school.id, LagStatus.lagging, 1) for school in (world.school_a, world.school_b, world.school_c)]


def test_a_principal_who_arrives_after_the_school_caught_up_hears_nothing_of_the_old_flag(api, world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    drowning = campaign("anti_drowning")
    run("campaign_lagging", at(2027, 4, 15, 0, 30))
    send_letters(api, drowning, world, season.classes_a, at(2027, 4, 16))
    run("campaign_lagging", at(2027, 4, 16, 13))
    assert flag(drowning.id, world.school_a).status == LagStatus.cleared
    newcomer = create_user(Role.principal, school=world.school_a, username="principal_a2")
    db.session.commit()
    run("campaign_lagging", at(2027, 4, 16, 14))
    assert {recipient for recipient, _ in told("campaign_lagging")} >= {world.principal_a.id, world.principal_b.id}
    assert newcomer.id not in {recipient for recipient, _ in told("campaign_lagging")}


def test_a_school_level_in_the_term_keeps_its_lagging_flag_in_the_season(world, both):  # noqa: F811
    run("campaign_lagging", at(2027, 4, 15, 0, 30))  # letters due and undone; the term's one meeting is in margin
    run("campaign_lagging", at(2027, 4, 15, 1, 30))
    lag = flag(campaign("anti_drowning").id, world.school_a)
    assert (lag.status, lag.episodes, lag.flagged_at) == (LagStatus.lagging, 1, at(2027, 4, 15, 0, 30))
    assert flag(campaign("anti_bullying").id, world.school_a) is None


def test_falling_behind_in_the_term_does_not_reopen_the_seasons_cleared_flag(api, world, both):  # noqa: F811
    drowning = campaign("anti_drowning")
    run("campaign_lagging", at(2027, 4, 15, 0, 30))
    send_letters(api, drowning, world, both.classes_a, at(2027, 4, 16))
    run("campaign_lagging", at(2027, 4, 16, 13))
    run("campaign_lagging", at(2027, 4, 23, 0, 30))  # the term's lessons and staff training are due and undone
    assert flag(campaign("anti_bullying").id, world.school_a).status == LagStatus.lagging
    lag = flag(drowning.id, world.school_a)
    assert (lag.status, lag.episodes, lag.cleared_at) == (LagStatus.cleared, 1, at(2027, 4, 16, 13))


def test_each_campaigns_flag_carries_its_own_figures(world, both):  # noqa: F811
    run("campaign_lagging", at(2027, 4, 23, 0, 30))
    season_flag = flag(campaign("anti_drowning").id, world.school_a)
    term_flag = flag(campaign("anti_bullying").id, world.school_a)
    assert (season_flag.due, season_flag.done, season_flag.total) == (2, 0, 6)  # two letters of six items
    assert (term_flag.due, term_flag.done, term_flag.total) == (4, 0, 6)  # meeting, two lessons, staff training


def test_the_term_closing_leaves_the_seasons_flags_in_the_queue(api, world, both):  # noqa: F811
    run("campaign_lagging", at(2027, 4, 23, 0, 30))
    run("campaign_calendar", at(2027, 7, 10, 0, 30))  # the spring term has ended
    drowning, bullying = campaign("anti_drowning"), campaign("anti_bullying")
    assert flag(bullying.id, world.school_a).status == LagStatus.closed
    assert flag(drowning.id, world.school_a).status == LagStatus.lagging
    queue = api.get("/api/v1/escalations?kind=campaign", "office_a", at(2027, 7, 10, 9)).json["items"]
    assert {(item["id"], item["title"]) for item in queue if item["school_id"] == world.school_a.id} == {
        (flag(drowning.id, world.school_a).id, drowning.name_zh)}


# --- holiday reminders -----------------------------------------------------------------------------------


def test_holiday_reminders_follow_the_calendar_each_school_keeps(world, season):
    """District B keeps its own calendar: a shorter May Day and a later summer holiday than the city's."""
    own = [CalendarPeriod(region_id=world.district_b.id, kind=kind, name_zh=name, name_en=name, starts_on=starts,
                          ends_on=ends) for kind, name, starts, ends in [
        (CalendarKind.term, "乙区第二学期", date(2027, 2, 22), date(2027, 7, 14)),
        (CalendarKind.holiday, "乙区劳动节", date(2027, 5, 1), date(2027, 5, 3)),
        (CalendarKind.holiday, "乙区暑假", date(2027, 7, 15), date(2027, 8, 31))]]
    db.session.add_all(own)
    db.session.commit()
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    city = set(db.session.scalars(select(CalendarPeriod.id).where(CalendarPeriod.region_id == world.city.id,
                                                                  CalendarPeriod.kind == CalendarKind.holiday,
                                                                  CalendarPeriod.starts_on < date(2027, 9, 1))))

    def owed(school):
        return set(db.session.scalars(select(CampaignTask.holiday_id).where(
            CampaignTask.school_id == school.id, CampaignTask.holiday_id.is_not(None))))

    assert owed(world.school_c) == {own[1].id, own[2].id}
    assert owed(world.school_a) == owed(world.school_b) == city and len(city) == 2
