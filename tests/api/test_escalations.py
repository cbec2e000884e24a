"""Escalation with a frozen clock: level 1 then level 2, catch-up after downtime, office actions, the queue."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from safety.core.clock import frozen, now
from safety.extensions import db
from safety.hazards.models import Hazard, HazardEvent
from safety.notifications.models import Notification
from safety.scheduler.registry import run_job
from tests.api.test_inspections import submission
from tests.factories import answers, create_point, create_user, jpeg_bytes, upload_photo


@pytest.fixture
def point(world):
    point = create_point(world.school_a, code="A-1F-EXT-01")
    db.session.commit()
    return point


def open_hazard(client, world, point, key="gauge"):
    photo = upload_photo(client, world.headers("officer_a"), jpeg_bytes(seed=hash(key) % 1000)).json
    answer = {"outcome": "fail", "photos": [photo["id"]]}
    body = submission(point, results=answers(point.template.current_version, **{key: answer}))
    response = client.post("/api/v1/inspections", json=body, headers=world.headers("officer_a"))
    assert response.status_code == 201, response.json
    return response.json["hazards"][0]


def sweep(at):
    run = run_job("escalate_hazards", at)
    assert run.status == "ok", run.error
    return run.rows_affected


def level_of(hazard_id):
    db.session.expire_all()
    return db.session.get(Hazard, hazard_id).level


def test_a_general_hazard_climbs_to_the_district_then_the_city(client, world, point):
    hazard = open_hazard(client, world, point)
    opened = now()
    assert sweep(opened + timedelta(days=6)) == 0 and level_of(hazard["id"]) == 0
    assert sweep(opened + timedelta(days=7, hours=1)) == 1 and level_of(hazard["id"]) == 1
    assert sweep(opened + timedelta(days=7, hours=2)) == 0  # twice changes nothing
    assert sweep(opened + timedelta(days=20)) == 0 and level_of(hazard["id"]) == 1
    assert sweep(opened + timedelta(days=21, hours=2)) == 1 and level_of(hazard["id"]) == 2
    events = db.session.scalars(select(HazardEvent.action).where(HazardEvent.hazard_id == hazard["id"])).all()
    assert events.count("escalated") == 2
    kinds = db.session.execute(select(Notification.recipient_id, Notification.dedupe_key)
                               .where(Notification.kind == "hazards_escalated")).all()
    recipients = {r for r, _key in kinds}
    assert {world.office_a.id, world.city_office.id, world.principal_a.id} <= recipients
    assert world.office_b.id not in recipients


def test_a_week_of_downtime_is_caught_up_in_one_run(client, world, point):
    hazard = open_hazard(client, world, point)
    assert sweep(now() + timedelta(days=40)) == 2  # district and city, as continuous running would have
    assert level_of(hazard["id"]) == 2
    assert sweep(now() + timedelta(days=41)) == 0


def test_a_major_hazard_is_reported_to_the_district_at_once(client, world, point):
    hazard = open_hazard(client, world, point, key="exit_locked")
    assert hazard["level"] == 1
    note = db.session.scalar(select(Notification).where(Notification.kind == "hazard_major_reported"))
    assert note.recipient_id == world.office_a.id


def test_two_schedulers_at_once_escalate_once(client, world, point, app):
    hazard = open_hazard(client, world, point)
    db.session.commit()
    at = now() + timedelta(days=8)
    results, barrier = [], threading.Barrier(2)

    def run():
        with app.app_context():
            barrier.wait()
            results.append(run_job("escalate_hazards", at).status)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) in (["ok", "skipped"], ["ok", "ok"])  # the second either skips or finds nothing to do
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(HazardEvent)
                             .where(HazardEvent.hazard_id == hazard["id"], HazardEvent.action == "escalated")) == 1
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.kind == "hazards_escalated")) == len(set(
                                 db.session.scalars(select(Notification.recipient_id)
                                                    .where(Notification.kind == "hazards_escalated"))))


def test_the_queue_shows_the_escalated_hazard_most_urgent_first(client, world, point):
    general = open_hazard(client, world, point)
    major = open_hazard(client, world, point, key="exit_locked")
    sweep(now() + timedelta(days=8))
    with frozen(now() + timedelta(days=8)):
        queue = client.get("/api/v1/escalations", headers=world.headers("office_a")).json
        assert [i["id"] for i in queue["items"] if i["kind"] == "hazard"] == [major["id"], general["id"]]
        assert queue["counts"]["by_level"]["1"] >= 2 and queue["items"][1]["overdue_hours"] >= 24
        assert client.get("/api/v1/escalations", headers=world.headers("office_b")).json["total"] == 0
        assert client.get("/api/v1/escalations", headers=world.headers("principal_a")).status_code == 403
        only_major = client.get("/api/v1/escalations?severity=major", headers=world.headers("office_a")).json
        assert [i["id"] for i in only_major["items"]] == [major["id"]]


def test_office_actions_are_events(client, world, point):
    hazard = open_hazard(client, world, point)
    sweep(now() + timedelta(days=8))
    hid = hazard["id"]
    with frozen(now() + timedelta(days=8)):
        office = world.headers("office_a")
        r = client.post(f"/api/v1/hazards/{hid}/escalation", json={"action": "acknowledge", "note": "已知悉"},
                        headers=office)
        assert r.status_code == 200 and r.json["events"][-1]["action"] == "acknowledged"
        no_reason = client.post(f"/api/v1/hazards/{hid}/escalation", headers=office,
                                json={"action": "extend", "deadline": (now() + timedelta(days=5)).isoformat()})
        assert no_reason.status_code == 422 and "reason" in no_reason.json["error"]["fields"]
        too_far = client.post(f"/api/v1/hazards/{hid}/escalation", headers=office, json={
            "action": "extend", "deadline": (now() + timedelta(days=90)).isoformat(), "reason": "资金未到位"})
        assert too_far.status_code == 422
        new_deadline = (now() + timedelta(days=10)).replace(microsecond=0)
        r = client.post(f"/api/v1/hazards/{hid}/escalation", headers=office, json={
            "action": "extend", "deadline": new_deadline.isoformat(), "reason": "需采购配件"})
        assert r.status_code == 200 and r.json["deadline"] == new_deadline.isoformat()
        r = client.post(f"/api/v1/hazards/{hid}/escalation", headers=office, json={
            "action": "supervise", "supervisor": "李督导", "reason": "逾期未改", "plan": {
                "measures": "更换", "responsible_person": "王校长", "funding": "专项", "contingency_plan": "值守",
                "deadline": new_deadline.isoformat()}})
        assert r.status_code == 200 and r.json["events"][-1]["action"] == "supervised"
        r = client.post(f"/api/v1/hazards/{hid}/escalation", json={"action": "comment", "note": "请按期完成"},
                        headers=office)
        actions = [e["action"] for e in r.json["events"]]
        assert actions[-4:] == ["acknowledged", "extended", "supervised", "comment"]
        assert client.post(f"/api/v1/hazards/{hid}/escalation", json={"action": "comment", "note": "x"},
                           headers=world.headers("office_b")).status_code == 404
        assert client.post(f"/api/v1/hazards/{hid}/escalation", json={"action": "comment", "note": "x"},
                           headers=world.headers("principal_a")).status_code == 403
    # extended: no longer overdue, so the city is not bothered
    assert sweep(now() + timedelta(days=17)) == 0 and level_of(hid) == 1


def test_the_city_may_act_on_any_school(client, world, point):
    hazard = open_hazard(client, world, point)
    r = client.post(f"/api/v1/hazards/{hazard['id']}/escalation", json={"action": "comment", "note": "市局关注"},
                    headers=world.headers("city_office"))
    assert r.status_code == 200


def test_jobs_cli_lists_and_runs(runner, world):
    listed = runner.invoke(args=["jobs", "list"])
    names = [line.split("\t")[0] for line in listed.output.splitlines()]
    assert {"escalate_hazards", "flag_overdue_points", "purge_rate_limits"} <= set(names)
    result = runner.invoke(args=["jobs", "run", "escalate_hazards", "--at", "2027-01-01T08:00:00+08:00"])
    assert result.exit_code == 0 and "escalate_hazards: ok" in result.output
    assert runner.invoke(args=["jobs", "run", "nope"]).exit_code != 0


def test_disabled_office_users_are_not_notified(client, world, point):
    create_user("safety_office", region=world.district_a, username="gone_office", active=False)
    db.session.commit()
    open_hazard(client, world, point, key="exit_locked")
    recipients = set(db.session.scalars(select(Notification.recipient_id)))
    assert world.office_a.id in recipients and len(recipients) == 1
