"""Inspection rounds through the scheduler's jobs at chosen moments and through HTTP: school days only, progress,
done and missed, repeated misses into the district's queue, named duty persons, scoping."""
import uuid
from datetime import timedelta

from sqlalchemy import func, select

from safety.core.clock import frozen
from safety.extensions import db
from safety.notifications.models import Notification
from safety.rounds.models import Round, RoundStatus
from tests.drills.test_drills_api import local, run
from tests.factories import answers

CREATE, CLOSE = "create_rounds", "close_rounds"


def rounds(school=None, kind=None) -> set:
    query = select(Round.school_id, Round.kind, Round.period_key)
    if school is not None:
        query = query.where(Round.school_id == school.id)
    if kind is not None:
        query = query.where(Round.kind == kind)
    return {tuple(row) for row in db.session.execute(query)}


def keys(school, kind) -> set:
    return {key for _school, _kind, key in rounds(school, kind)}


def the_round(school, kind, key) -> Round:
    return db.session.scalar(select(Round).where(Round.school_id == school.id, Round.kind == kind,
                                                 Round.period_key == key))


def inspect(client, world, point, moment, who="officer_a"):
    version = point.template.current_version
    body = {"client_uuid": str(uuid.uuid4()), "point_id": point.id, "template_version_id": version.id,
            "started_at": (moment - timedelta(minutes=3)).isoformat(), "submitted_at": moment.isoformat(),
            "results": answers(version)}
    with frozen(moment):
        response = client.post("/api/v1/inspections", json=body, headers=world.headers(who))
    assert response.status_code == 201, response.json


def get(client, world, who, path, moment):
    with frozen(moment):
        return client.get(path, headers=world.headers(who))


def test_daily_rounds_fall_on_school_days_only(campus):
    run(CREATE, local(2026, 9, 14, 9))  # a Monday: the backfill reaches back to the Monday before
    assert keys(campus.school_a, "daily_patrol") == {"2026-09-07", "2026-09-08", "2026-09-09", "2026-09-10",
                                                     "2026-09-11", "2026-09-14"}  # not the weekend
    assert keys(campus.school_a, "weekly_sweep") == {"2026-W37", "2026-W38"}
    assert keys(campus.school_a, "monthly_check") == {"2026-09"}
    run(CREATE, local(2026, 10, 6, 9))  # the National Day holiday: nothing new
    assert not {k for k in keys(campus.school_a, "daily_patrol") if k.startswith("2026-10")}
    run(CREATE, local(2026, 10, 8, 9))
    assert {k for k in keys(campus.school_a, "daily_patrol") if k.startswith("2026-10")} == {"2026-10-08"}


def test_kinds_cover_their_categories_and_boarders_get_night_patrols(campus):
    run(CREATE, local(2026, 9, 14, 9))
    assert not rounds(campus.school_b)  # no points: nothing to walk
    assert keys(campus.school_c, "fire_night_patrol") and not keys(campus.school_a, "fire_night_patrol")
    assert the_round(campus.school_a, "fire_patrol", "2026-09-14").categories == \
        "fire_equipment,evacuation_route,electrical"
    night = the_round(campus.school_c, "fire_night_patrol", "2026-09-14")
    assert night.window_start == local(2026, 9, 14, 18) and night.window_end == local(2026, 9, 15, 7)


def test_running_the_job_twice_creates_nothing_more(campus):
    first = run(CREATE, local(2026, 9, 14, 9)).rows_affected
    assert first > 0 and run(CREATE, local(2026, 9, 14, 9)).rows_affected == 0


def test_a_round_is_done_when_its_points_are_inspected_in_its_window_and_missed_otherwise(client, campus):
    run(CREATE, local(2026, 9, 14, 9))
    for name in ("gate", "corridor"):  # the daily patrol covers gate and route points, not the extinguisher
        inspect(client, campus, campus.points[name], local(2026, 9, 14, 10))
    inspect(client, campus, campus.points["gate"], local(2026, 9, 15, 1))  # the next day: not this round's
    run(CLOSE, local(2026, 9, 14, 11))
    patrol = the_round(campus.school_a, "daily_patrol", "2026-09-14")
    fire = the_round(campus.school_a, "fire_patrol", "2026-09-14")
    assert patrol.status == RoundStatus.done and patrol.done_at == local(2026, 9, 14, 10)
    assert (patrol.points_total, patrol.points_done) == (2, 2)
    assert fire.status == RoundStatus.open  # the extinguisher is still to do; its day is not over
    run(CLOSE, local(2026, 9, 15, 0, 30))
    db.session.expire_all()
    assert fire.status == RoundStatus.missed and fire.missed_at == local(2026, 9, 15, 0)
    assert (fire.points_total, fire.points_done) == (2, 1)
    assert the_round(campus.school_a, "daily_patrol", "2026-09-11").status == RoundStatus.missed


def test_todays_rounds_and_a_round_with_its_points_in_order(client, campus):
    run(CREATE, local(2026, 9, 14, 9))
    inspect(client, campus, campus.points["corridor"], local(2026, 9, 14, 10))
    today = get(client, campus, "officer_a", "/api/v1/rounds/today", local(2026, 9, 14, 11))
    assert today.status_code == 200
    by_kind = {r["kind"]: r for r in today.json}
    assert {"daily_patrol", "fire_patrol", "weekly_sweep"} <= set(by_kind)
    assert "monthly_check" not in by_kind  # the principal leads it
    patrol = by_kind["daily_patrol"]
    assert (patrol["points_covered"], patrol["points_inspected"]) == (2, 1) and patrol["name"] == "日巡查"
    detail = get(client, campus, "officer_a", f"/api/v1/rounds/{patrol['id']}", local(2026, 9, 14, 11)).json
    assert [(p["code"], p["done"]) for p in detail["points"]] == [("A-01-GATE", False), ("A-02-ROUTE", True)]
    fire = get(client, campus, "principal_a", "/api/v1/rounds?kind=fire_monthly_check", local(2026, 9, 14, 11)).json
    assert fire["items"][0]["needs_countersignature"] is True
    principal = get(client, campus, "principal_a", "/api/v1/rounds/today", local(2026, 9, 14, 11)).json
    assert {r["kind"] for r in principal} == {"monthly_check", "fire_monthly_check"}


def test_another_schools_round_is_not_found(client, campus):
    run(CREATE, local(2026, 9, 14, 9))
    theirs = the_round(campus.school_a, "daily_patrol", "2026-09-14")
    assert get(client, campus, "principal_c", f"/api/v1/rounds/{theirs.id}", local(2026, 9, 14, 11)).status_code == 404
    listed = get(client, campus, "principal_c", "/api/v1/rounds?per_page=200", local(2026, 9, 14, 11)).json
    assert listed["total"] > 0 and {r["school_id"] for r in listed["items"]} == {campus.school_c.id}
    mine = get(client, campus, "office_a", f"/api/v1/rounds/{theirs.id}", local(2026, 9, 14, 11))
    assert mine.status_code == 200


def test_a_school_names_its_duty_person_and_open_rounds_pass_to_them(client, campus):
    run(CREATE, local(2026, 9, 14, 9))
    body = {"kind": "daily_patrol", "user_id": campus.principal_a.id}
    path = f"/api/v1/schools/{campus.school_a.id}/round-duties"
    with frozen(local(2026, 9, 14, 9, 30)):
        assert client.put(path, json=body, headers=campus.headers("officer_a")).status_code == 403
        assert client.put(path, json=body, headers=campus.headers("principal_c")).status_code == 404
        elsewhere = {"kind": "daily_patrol", "user_id": campus.principal_c.id}
        assert client.put(path, json=elsewhere, headers=campus.headers("principal_a")).status_code == 422
        named = client.put(path, json=body, headers=campus.headers("principal_a"))
    assert named.status_code == 200 and named.json["user_id"] == campus.principal_a.id
    assert the_round(campus.school_a, "daily_patrol", "2026-09-14").responsible_id == campus.principal_a.id
    run(CREATE, local(2026, 9, 15, 9))
    assert the_round(campus.school_a, "daily_patrol", "2026-09-15").responsible_id == campus.principal_a.id
    assert the_round(campus.school_a, "fire_patrol", "2026-09-15").responsible_id == campus.officer_a.id


def queue(client, world, kind, moment):
    response = get(client, world, "office_a", f"/api/v1/escalations?kind={kind}", moment)
    assert response.status_code == 200
    return response.json


def test_repeated_misses_land_in_the_districts_queue_until_a_round_is_done(client, campus):
    for day in (1, 2):  # the term starts on Tuesday 1 September
        run(CREATE, local(2026, 9, day, 9))
        run(CLOSE, local(2026, 9, day + 1, 0, 30))
    assert queue(client, campus, "round", local(2026, 9, 2, 9))["total"] == 0  # two misses: not yet repeated
    run(CREATE, local(2026, 9, 3, 9))
    run(CLOSE, local(2026, 9, 4, 0, 30))
    listed = queue(client, campus, "round", local(2026, 9, 4, 9))
    patrols = [r for r in listed["items"] if r["title"] == "日巡查" and r["school_id"] == campus.school_a.id]
    assert len(patrols) == 1 and listed["counts"]["by_kind"]["round"] == listed["total"]
    theirs = get(client, campus, "office_b", "/api/v1/escalations?kind=round", local(2026, 9, 4, 9)).json["items"]
    assert theirs and {r["school_id"] for r in theirs} == {campus.school_c.id}
    run(CREATE, local(2026, 9, 4, 9))  # the school walks its patrol: it leaves the queue
    for name in ("gate", "corridor"):
        inspect(client, campus, campus.points[name], local(2026, 9, 4, 10))
    run(CLOSE, local(2026, 9, 4, 11))
    left = queue(client, campus, "round", local(2026, 9, 4, 12))["items"]
    assert not [r for r in left if r["title"] == "日巡查" and r["school_id"] == campus.school_a.id]
    assert [r for r in left if r["title"] == "每日防火巡查" and r["school_id"] == campus.school_a.id]


def test_a_region_sets_its_own_number_of_misses(app, client, monkeypatch, campus):
    monkeypatch.setitem(app.config, "ROUND_RULES", {"repeated_misses": {
        "misses": 3, "lookback_days": 14, "regions": {"DA": 1}}})
    run(CREATE, local(2026, 9, 1, 9))
    run(CLOSE, local(2026, 9, 2, 0, 30))  # one miss each
    escalated = db.session.scalars(select(Round.school_id).where(Round.escalated_at.is_not(None))).all()
    assert campus.school_a.id in escalated and campus.school_c.id not in escalated




def test_the_school_hears_of_a_missed_round(client, campus):
    run(CREATE, local(2026, 9, 14, 9))
    run(CLOSE, local(2026, 9, 15, 0, 30))
    missed = the_round(campus.school_a, "daily_patrol", "2026-09-14")
    told = set(db.session.execute(select(Notification.recipient_id).where(
        Notification.kind == "round_missed", Notification.subject_id == missed.id)).scalars())
    assert told == {campus.principal_a.id, campus.officer_a.id}
    run(CLOSE, local(2026, 9, 15, 1))  # running again tells nobody twice
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.subject_id == missed.id,
                                                                       Notification.kind == "round_missed")) == 2
    inbox = get(client, campus, "principal_a", "/api/v1/notifications?per_page=200", local(2026, 9, 15, 8)).json
    texts = [n["body"] for n in inbox["items"] if n["link_path"] == f"/api/v1/rounds/{missed.id}"]
    assert texts == ["甲区第一小学：2026-09-14的日巡查未完成（已检查 0 / 2 个点位）。"]
