"""Campaigns side by side, as schools live them: the anti-bullying term runs through the anti-drowning season in the
same classes, and last year's closed season stays in the database. Each campaign's letters, receipts, paper slips,
tasks and closing are its own."""
import pytest
from sqlalchemy import select

from safety.campaigns.models import Campaign, ClassLetter, TaskStatus
from safety.campaigns.runs.definitions import sync_default_definitions
from safety.core.clock import frozen
from safety.extensions import db
from tests.browser.conftest import page_login
from tests.campaigns.conftest import at, build_season, campaign, report, run
from tests.factories import PASSWORD

MOMENT = at(2027, 4, 6, 10)


@pytest.fixture
def both(world):
    """Every shipped campaign: the spring term's anti-bullying run opens in February, the season in April."""
    built = build_season(world)
    sync_default_definitions()
    db.session.commit()
    run("campaign_calendar", at(2027, 2, 22, 0, 30))
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    run("campaign_calendar", at(2027, 4, 1, 1, 30))  # the hour after: each run sees the other's tasks
    return built


@pytest.fixture
def last_year(world, season):
    """The 2026 season, opened and closed, then this year's opened: the drowning runs of 2026 and 2027."""
    for moment in (at(2026, 4, 1, 0, 30), at(2026, 10, 1, 0, 30), at(2027, 4, 1, 0, 30)):
        run("campaign_calendar", moment)
    runs = {c.period_key: c for c in db.session.scalars(select(Campaign))}
    return runs["2026"], runs["2027"]


def letters_of(campaign_id) -> dict[int, ClassLetter]:
    return {letter.class_id: letter for letter in
            db.session.scalars(select(ClassLetter).where(ClassLetter.campaign_id == campaign_id))}


def listed(api, campaign_id, school, user="principal_a"):
    response = api.get(f"/api/v1/campaigns/{campaign_id}/letters?school_id={school.id}", user, MOMENT)
    assert response.status_code == 200, response.json
    return response.json["items"]


def confirm(api, letter, child):
    answer = api.post(f"/api/v1/public/receipts/{letter.token}", None, MOMENT, json={"child": child})
    assert answer.status_code == 200, answer.json


# --- letters ---------------------------------------------------------------------------------------------


def test_a_campaign_without_a_parent_letter_gets_no_letters_from_the_others_tasks(api, world, both):
    bullying, drowning = campaign("anti_bullying"), campaign("anti_drowning")
    assert listed(api, bullying.id, world.school_a) == []
    assert [row["class_id"] for row in listed(api, drowning.id, world.school_a)] == [c.id for c in both.classes_a]


def test_this_seasons_letters_are_written_though_last_season_had_letters_for_the_same_classes(world, season,
                                                                                             last_year):
    old, new = last_year
    classes = {*(c.id for c in season.classes_a), season.class_b.id, *(c.id for c in season.classes_c)}
    assert set(letters_of(old.id)) == set(letters_of(new.id)) == classes
    assert not {v.token for v in letters_of(old.id).values()} & {v.token for v in letters_of(new.id).values()}


def test_a_seasons_letter_list_holds_its_own_letters_not_last_seasons(api, world, season, last_year):
    old, new = last_year
    rows = listed(api, new.id, world.school_a)
    assert [row["id"] for row in rows] == [letters_of(new.id)[c.id].id for c in season.classes_a]
    assert [row["id"] for row in listed(api, old.id, world.school_a)] == [
        letters_of(old.id)[c.id].id for c in season.classes_a]


# --- receipts and paper slips ----------------------------------------------------------------------------


def test_paper_slips_entered_this_season_go_on_this_seasons_letter(api, world, season, last_year):
    old, new = last_year
    school_class = season.classes_a[0]
    answer = api.put(f"/api/v1/campaigns/{new.id}/classes/{school_class.id}/paper-receipts", "principal_a", MOMENT,
                     json={"count": 12})
    assert answer.status_code == 200, answer.json
    assert (answer.json["id"], answer.json["paper_receipts"]) == (letters_of(new.id)[school_class.id].id, 12)
    db.session.expire_all()
    assert (letters_of(old.id)[school_class.id].paper_receipts, letters_of(new.id)[school_class.id].paper_receipts) \
        == (0, 12)


def test_a_class_has_no_receipts_in_a_campaign_that_sent_no_letter(api, world, both):
    bullying, drowning = campaign("anti_bullying"), campaign("anti_drowning")
    school_class = both.classes_a[0]
    confirm(api, letters_of(drowning.id)[school_class.id], "张小明")
    path = "/api/v1/campaigns/{}/classes/" + str(school_class.id) + "/receipts"
    assert api.get(path.format(bullying.id), "principal_a", MOMENT).status_code == 404
    assert [r["child"] for r in api.get(path.format(drowning.id), "principal_a", MOMENT).json["items"]] == ["张小明"]


def test_a_class_sees_only_its_own_parents_receipts(api, world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    drowning = campaign("anti_drowning")
    first, second = season.classes_a
    confirm(api, letters_of(drowning.id)[first.id], "张小明")
    confirm(api, letters_of(drowning.id)[second.id], "李小红")
    seen = api.get(f"/api/v1/campaigns/{drowning.id}/classes/{second.id}/receipts", "principal_a", MOMENT)
    assert [r["child"] for r in seen.json["items"]] == ["李小红"]


def test_the_class_page_shares_its_own_letters_link(client, world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    drowning = campaign("anti_drowning")
    first, second = (letters_of(drowning.id)[c.id] for c in season.classes_a)
    with frozen(MOMENT):
        page_login(client, "principal_a", PASSWORD)
        page = client.get(f"/classes/{second.class_id}/campaigns/{drowning.id}").get_data(as_text=True)
    assert f"/r/{second.token}" in page and f"/r/{first.token}" not in page


# --- closing ---------------------------------------------------------------------------------------------


def test_the_term_closing_leaves_the_seasons_tasks_to_do(api, world, both):
    run("campaign_reminders", at(2027, 5, 2))  # the lessons fall overdue
    run("campaign_calendar", at(2027, 7, 10, 0, 30))  # the spring term has ended
    bullying, drowning = campaign("anti_bullying"), campaign("anti_drowning")
    assert (bullying.status.value, drowning.status.value) == ("closed", "open")
    tasks = api.get(f"/api/v1/campaigns/{drowning.id}/tasks", "city_office", at(2027, 7, 10, 9),
                    query_string={"per_page": 100, "school_id": world.school_a.id}).json["items"]
    assert [t["status"] for t in tasks if t["activity"] == "lesson"] == ["overdue", "overdue"]
    assert TaskStatus.missed.value not in {t["status"] for t in tasks}


def test_work_done_stays_done_when_the_season_closes(api, world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    drowning = campaign("anti_drowning")
    done = report(api, drowning.id, "principal_a", at(2027, 4, 8), school_id=world.school_a.id,
                  activity="parent_letter", class_id=season.classes_a[0].id, held_on="2027-04-08",
                  counts={"letters": 40})
    assert done.status_code == 201, done.json
    run("campaign_calendar", at(2027, 10, 1, 0, 30))
    tasks = api.get(f"/api/v1/campaigns/{drowning.id}/tasks", "city_office", at(2027, 10, 2),
                    query_string={"per_page": 100, "school_id": world.school_a.id, "activity": "parent_letter"}).json
    assert sorted((t["class_id"], t["status"]) for t in tasks["items"]) == [
        (season.classes_a[0].id, "done"), (season.classes_a[1].id, "missed")]


def test_a_second_calendar_run_after_the_season_closed_changes_nothing(world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    assert run("campaign_calendar", at(2027, 10, 1, 0, 30)) > 0
    assert run("campaign_calendar", at(2027, 10, 1, 1, 30)) == 0
