"""A school the district closes in the middle of the season: nobody is left there to do the work, so the
office's queue stops counting it as lagging and its principal stops being reminded; the others carry on."""
from sqlalchemy import func, select

from safety.campaigns.models import CampaignLag, LagStatus
from safety.extensions import db
from safety.notifications.models import Notification
from tests.campaigns.conftest import at, campaign, run


def close(api, school, moment):
    response = api.patch(f"/api/v1/schools/{school.id}", "office_a", moment, json={"active": False})
    assert response.status_code == 200 and response.json["active"] is False


def lagging_in_queue(api, user, moment) -> list[int]:
    return [item["school_id"] for item in api.get("/api/v1/escalations?kind=campaign", user, moment).json["items"]]


def test_a_school_closed_while_lagging_leaves_the_queue_and_hears_no_more(api, world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    run("campaign_lagging", at(2027, 4, 15, 0, 30))  # A and B owe their letters
    assert sorted(lagging_in_queue(api, "office_a", at(2027, 4, 15, 9))) == [world.school_a.id, world.school_b.id]
    close(api, world.school_a, at(2027, 4, 15, 10))

    run("campaign_lagging", at(2027, 4, 15, 11, 30))
    assert lagging_in_queue(api, "office_a", at(2027, 4, 15, 12)) == [world.school_b.id]
    flags = dict(db.session.execute(select(CampaignLag.school_id, CampaignLag.status)).all())
    assert (flags[world.school_a.id], flags[world.school_b.id]) == (LagStatus.cleared, LagStatus.lagging)
    progress = api.get(f"/api/v1/campaigns/{campaign('anti_drowning').id}/progress?region_id={world.district_a.id}",
                       "office_a", at(2027, 4, 15, 12)).json
    assert [(s["code"], s["lag_status"]) for s in progress["schools"]] == [("SA", "cleared"), ("SB", "lagging")]

    told_of_a = select(func.count()).where(Notification.kind == "campaign_lagging",
                                           Notification.school_id == world.school_a.id)
    before = db.session.scalar(told_of_a)
    run("campaign_lagging", at(2027, 5, 2, 0, 30))  # the lessons fall due everywhere: A is not flagged again
    assert lagging_in_queue(api, "office_a", at(2027, 5, 2, 9)) == [world.school_b.id]
    assert db.session.scalar(told_of_a) == before


def test_a_closed_school_is_reminded_of_nothing_falling_due(api, world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    close(api, world.school_a, at(2027, 4, 10))
    run("campaign_reminders", at(2027, 4, 12, 1))  # the letters fall due on 15 April
    reminded = db.session.scalars(select(Notification.school_id).where(Notification.kind == "campaign_task_due"))
    assert sorted(reminded) == sorted([world.school_b.id, world.school_c.id])
