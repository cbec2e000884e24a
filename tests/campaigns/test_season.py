"""An anti-drowning season walked through with a frozen clock: opening, reports, lagging, rhythm, closing."""
from datetime import timedelta

from sqlalchemy import func, select

from safety.campaigns.models import CampaignLag, CampaignStatus, CampaignTask, ClassLetter, LagStatus, TaskStatus
from safety.extensions import db
from safety.notifications.models import Notification
from safety.points.models import Frequency, Point
from tests.campaigns.conftest import at, campaign, report, run, run_all
from tests.factories import create_class


def tasks_of(campaign_id, school):
    return db.session.scalar(select(func.count(CampaignTask.id)).where(CampaignTask.campaign_id == campaign_id,
                                                                       CampaignTask.school_id == school.id))


def test_opening_the_season_creates_each_schools_tasks(api, world, season):
    run_all(at(2027, 3, 31))
    assert campaign("anti_drowning") is None  # the season has not begun
    assert run("campaign_calendar", at(2027, 4, 1, 0, 30)) > 0
    drowning = campaign("anti_drowning")
    assert (drowning.period_key, drowning.status) == ("2027", CampaignStatus.open)
    assert (drowning.starts_on.isoformat(), drowning.ends_on.isoformat()) == ("2027-04-01", "2027-09-30")
    # Per class: a lesson and a letter; per school: a reminder before May Day and before the summer holiday.
    assert tasks_of(drowning.id, world.school_a) == 2 + 2 + 2
    assert tasks_of(drowning.id, world.school_b) == 1 + 1 + 2
    assert tasks_of(drowning.id, world.school_c) == 2 + 2 + 2
    assert db.session.scalar(select(func.count(ClassLetter.id)).where(ClassLetter.campaign_id == drowning.id)) == 5
    assert run("campaign_calendar", at(2027, 4, 1, 1, 30)) == 0  # a second run changes nothing

    moment = at(2027, 4, 2)
    listed = api.get("/api/v1/campaigns?code=anti_drowning", "principal_c", moment).json
    assert [c["id"] for c in listed["items"]] == [drowning.id]
    assert listed["items"][0]["requirements"][0]["key"] == "lesson"
    tasks = api.get(f"/api/v1/campaigns/{drowning.id}/tasks?school_id={world.school_a.id}&activity=parent_letter",
                    "officer_a", moment).json
    assert tasks["total"] == 2
    assert tasks["items"][0]["due_at"] == "2027-04-14T16:00:00+00:00"  # the end of 14 April, local time
    assert api.get(f"/api/v1/campaigns/{drowning.id}/tasks?school_id={world.school_c.id}", "officer_a",
                   moment).status_code == 404


def test_reports_move_progress(api, world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    drowning = campaign("anti_drowning")
    moment = at(2027, 4, 8, 15)
    photo = api.photo("officer_a", moment, seed=1)
    base = f"/api/v1/campaigns/{drowning.id}/progress?school_id={world.school_a.id}"
    before = api.get(base, "principal_a", moment).json
    assert before["overall"]["classes_covered"] == 0 and before["overall"]["tasks"] == 6

    lesson = report(api, drowning.id, "officer_a", moment, school_id=world.school_a.id, activity="lesson",
                    class_id=season.classes_a[0].id, held_on="2027-04-08", counts={"participants": 38},
                    photo_ids=[photo])
    assert lesson.status_code == 201, lesson.json
    assert lesson.json["flags"] == [] and lesson.json["photos"][0]["id"] == photo
    letter = report(api, drowning.id, "principal_a", moment, school_id=world.school_a.id, activity="parent_letter",
                    class_id=season.classes_a[0].id, held_on="2027-04-08", counts={"letters": 40})
    assert letter.status_code == 201, letter.json

    after = api.get(base, "principal_a", moment).json
    assert after["overall"]["classes_covered"] == 1 and after["overall"]["done"] == 2
    assert after["overall"]["completion_rate"] == round(100 * 2 / 6, 1)
    assert [(c["name"], c["lesson_done"]) for c in after["classes"]] == [("1班", True), ("2班", False)]
    lessons = next(r for r in after["requirements"] if r["key"] == "lesson")
    assert (lessons["tasks"], lessons["done"]) == (2, 1)
    city = api.get(f"/api/v1/campaigns/{drowning.id}/progress", "city_office", moment).json
    assert [d["code"] for d in city["districts"]] == ["DA", "DB"]
    assert city["districts"][0]["done"] == 2 and city["overall"]["schools"] == 3

    problems = [
        ({"class_id": season.classes_c[0].id}, "class_id"),     # another school's class
        ({"counts": {}}, "counts.participants"),                # a lesson needs its count
        ({"photo_ids": []}, "photo_ids"),                       # and evidence
        ({"held_on": "2027-04-09"}, "held_on"),                 # tomorrow
        ({"activity": "water_patrol"}, "activity"),             # patrols are inspections
    ]
    for change, field in problems:
        body = {"school_id": world.school_a.id, "activity": "lesson", "class_id": season.classes_a[1].id,
                "held_on": "2027-04-08", "counts": {"participants": 30}, "photo_ids": [photo], **change}
        response = report(api, drowning.id, "officer_a", moment, **body)
        assert response.status_code == 422 and field in response.json["error"]["fields"], (change, response.json)
    outsider = report(api, drowning.id, "principal_c", moment, school_id=world.school_a.id, activity="lesson",
                      class_id=season.classes_a[1].id, held_on="2027-04-08", counts={"participants": 30},
                      photo_ids=[photo])
    assert outsider.status_code == 404


def test_a_silent_school_is_flagged_lagging_when_its_letters_fall_due_and_reaches_the_queue(api, world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    drowning = campaign("anti_drowning")
    moment = at(2027, 4, 10)
    for user, school, classes in [("principal_b", world.school_b, [season.class_b]),
                                  ("principal_c", world.school_c, season.classes_c)]:
        for school_class in classes:
            response = report(api, drowning.id, user, moment, school_id=school.id, activity="parent_letter",
                              class_id=school_class.id, held_on="2027-04-10", counts={"letters": 30})
            assert response.status_code == 201, response.json

    # School A has owed nothing yet: not lagging on the last evening before its letters are due …
    assert run("campaign_lagging", at(2027, 4, 14, 23, 30)) == 0
    queue = api.get("/api/v1/escalations?kind=campaign", "office_a", at(2027, 4, 14, 23, 40)).json
    assert queue["items"] == []
    # … and lagging just after midnight: both letters are due and undone (2 of 6 tasks > the 20 % margin).
    assert run("campaign_lagging", at(2027, 4, 15, 0, 30)) >= 1
    lag = db.session.scalar(select(CampaignLag))
    assert (lag.school_id, lag.status) == (world.school_a.id, LagStatus.lagging)
    queue = api.get("/api/v1/escalations", "office_a", at(2027, 4, 15, 9)).json
    item = next(i for i in queue["items"] if i["kind"] == "campaign")
    assert (item["id"], item["school_id"], item["title"], item["level"]) == (lag.id, world.school_a.id,
                                                                             drowning.name_zh, 1)
    assert queue["counts"]["by_kind"]["campaign"] == 1
    assert api.get("/api/v1/escalations?kind=campaign", "office_b", at(2027, 4, 15, 9)).json["items"] == []
    told = set(db.session.scalars(select(Notification.recipient_id).where(Notification.kind == "campaign_lagging")))
    assert told == {world.principal_a.id, world.office_a.id}
    inbox = api.get("/api/v1/notifications", "principal_a", at(2027, 4, 15, 9)).json
    assert any(n["kind"] == "campaign_lagging" and "甲区第一小学" in n["body"] for n in inbox["items"])
    run("campaign_lagging", at(2027, 4, 15, 1, 30))
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == "campaign_lagging")) == 2
    progress = api.get(f"/api/v1/campaigns/{drowning.id}/progress?region_id={world.district_a.id}", "office_a",
                       at(2027, 4, 15, 9)).json
    assert [(s["code"], s["lag_status"]) for s in progress["schools"]] == [("SA", "lagging"), ("SB", None)]

    # School A catches up: the flag clears and leaves the queue.
    later = at(2027, 4, 16)
    for school_class in season.classes_a:
        assert report(api, drowning.id, "principal_a", later, school_id=world.school_a.id, activity="parent_letter",
                      class_id=school_class.id, held_on="2027-04-16", counts={"letters": 40}).status_code == 201
    run("campaign_lagging", at(2027, 4, 16, 13))
    assert db.session.scalar(select(CampaignLag.status)) == LagStatus.cleared
    assert api.get("/api/v1/escalations?kind=campaign", "office_a", later + timedelta(hours=2)).json["items"] == []


def test_reminders_go_to_principals_once_per_activity_and_day(api, world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    assert run("campaign_reminders", at(2027, 4, 11, 23)) == 0  # letters due 15 April 00:00: not yet 3 days ahead
    assert run("campaign_reminders", at(2027, 4, 12, 1)) > 0
    kinds = db.session.execute(select(Notification.recipient_id, Notification.school_id)
                               .where(Notification.kind == "campaign_task_due")).all()
    assert sorted(kinds) == sorted([(world.principal_a.id, world.school_a.id), (world.principal_b.id,
                                    world.school_b.id), (world.principal_c.id, world.school_c.id)])
    assert run("campaign_reminders", at(2027, 4, 12, 2)) == 0
    inbox = api.get("/api/v1/notifications?lang=en", "principal_a", at(2027, 4, 12, 9)).json["items"]
    assert [n["title"] for n in inbox] == ["Campaign task due soon"]
    assert "is due by the end of 2027-04-14" in inbox[0]["body"]
    run("campaign_reminders", at(2027, 4, 15, 1))
    overdue = db.session.scalar(select(func.count(CampaignTask.id)).where(CampaignTask.status == TaskStatus.overdue))
    assert overdue == 5  # every class's letter


def test_water_body_rhythm_rises_in_season_and_falls_after_and_the_season_closes(world, season):
    point_id = season.water_c.id

    def rhythm():
        point = db.session.get(Point, point_id)
        interval = point.next_due_at - (point.last_inspected_at or point.created_at)
        return point.frequency_override, timedelta(days=round(interval.total_seconds() / 86400))

    run("campaign_calendar", at(2027, 3, 31))
    assert rhythm() == (None, timedelta(days=30))
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    assert rhythm() == (Frequency.weekly, timedelta(days=7))
    run("campaign_calendar", at(2027, 5, 2))  # the May Day holiday
    assert rhythm() == (Frequency.daily, timedelta(days=1))
    run("campaign_calendar", at(2027, 5, 6))
    assert rhythm() == (Frequency.weekly, timedelta(days=7))
    run("campaign_calendar", at(2027, 7, 20))  # the summer holiday
    assert rhythm()[0] == Frequency.daily

    run("campaign_calendar", at(2027, 10, 1, 0, 30))
    assert rhythm() == (None, timedelta(days=30))
    drowning = campaign("anti_drowning")
    assert drowning.status == CampaignStatus.closed
    statuses = set(db.session.scalars(select(CampaignTask.status).where(CampaignTask.campaign_id == drowning.id)))
    assert statuses == {TaskStatus.missed}


def test_the_lagging_notice_says_how_far_behind_and_counts_each_time_it_falls_behind(api, world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    drowning = campaign("anti_drowning")

    def notice() -> str:
        inbox = api.get("/api/v1/notifications", "principal_a", at(2027, 5, 2)).json["items"]
        return next(n["body"] for n in inbox if n["kind"] == "campaign_lagging")

    run("campaign_lagging", at(2027, 4, 15, 0, 30))  # A's two letters are due and undone, of its six items
    assert "截至目前应完成 2 项，已完成 0 项（共 6 项）" in notice()
    assert "次落后" not in notice()
    for school_class in season.classes_a:
        assert report(api, drowning.id, "principal_a", at(2027, 4, 16), school_id=world.school_a.id,
                      activity="parent_letter", class_id=school_class.id, held_on="2027-04-16",
                      counts={"letters": 40}).status_code == 201
    run("campaign_lagging", at(2027, 4, 16, 13))
    assert "已完成 2 项" in notice()  # read as the figures stand: caught up, the letters done
    run("campaign_lagging", at(2027, 5, 1, 0, 30))  # the lessons fall due and nobody has held them
    lag = db.session.scalar(select(CampaignLag).where(CampaignLag.school_id == world.school_a.id))
    assert (lag.status, lag.episodes) == (LagStatus.lagging, 2)
    assert f"截至目前应完成 {lag.due} 项，已完成 2 项（共 6 项）" in notice() and lag.due > 2
    assert "本次活动中已第 2 次落后" in notice()


def test_a_lagging_schools_figures_follow_a_class_added_later(api, world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    run("campaign_lagging", at(2027, 4, 15, 0, 30))
    lag = db.session.scalar(select(CampaignLag).where(CampaignLag.school_id == world.school_a.id))
    assert (lag.due, lag.done, lag.total) == (2, 0, 6)
    create_class(world.school_a, grade=5, name="9班")  # owes a lesson and a letter, the letter at once
    db.session.commit()
    run("campaign_calendar", at(2027, 4, 15, 1))
    run("campaign_lagging", at(2027, 4, 15, 1, 30))
    db.session.refresh(lag)
    assert (lag.due, lag.done, lag.total) == (3, 0, 8)


def test_a_flags_figures_follow_a_total_that_grows_while_nothing_more_is_due(api, world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    run("campaign_lagging", at(2027, 4, 15, 0, 30))
    lag = db.session.scalar(select(CampaignLag).where(CampaignLag.school_id == world.school_a.id))
    assert (lag.due, lag.done, lag.total) == (2, 0, 6)
    added = create_class(world.school_a, grade=5, name="9班")  # new this morning: owes its two from today on
    added.created_at = at(2027, 4, 15, 0, 45)
    db.session.commit()
    run("campaign_calendar", at(2027, 4, 15, 1))
    run("campaign_lagging", at(2027, 4, 15, 1, 30))
    db.session.refresh(lag)
    assert (lag.status, lag.due, lag.done, lag.total) == (LagStatus.lagging, 2, 0, 8)
