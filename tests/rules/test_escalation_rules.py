"""The escalation sweep's exclusions and clocks, the policy and its configuration, the offices' queue (filters and
order by ids) and who may act on an escalated hazard."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from safety.audit.models import AuditEvent
from safety.checklists.models import Grade
from safety.core.clock import now
from safety.extensions import db
from safety.hazards.models import OPEN_STATUSES, HazardEvent
from safety.hazards.models import HazardStatus as S
from safety.notifications.models import Notification
from safety.scheduler.registry import run_job
from tests.rules.support import DAY, make_hazard, reload

SECOND = timedelta(seconds=1)


def sweep(at) -> int:
    run = run_job("escalate_hazards", at)
    assert run.status == "ok", run.error
    db.session.expire_all()
    return run.rows_affected


def _escalations(hazard_id):
    return list(db.session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard_id,
                                                             HazardEvent.action == "escalated")
                                   .order_by(HazardEvent.id)))


def _at_district(school, grade, deadline, escalated_at=None):
    hazard = make_hazard(school, grade=grade, level=1, status=S.assigned)
    row = reload(hazard.id)
    row.deadline, row.escalated_at = deadline, escalated_at or deadline
    db.session.commit()
    return hazard.id


@pytest.mark.parametrize("state", list(S))
def test_only_open_hazards_past_their_deadline_reach_the_district(world, state):
    hazard = make_hazard(world.school_a, status=state, deadline_in=-timedelta(hours=1))
    moved = sweep(now())
    expected = 1 if state in OPEN_STATUSES else 0
    assert moved == expected and reload(hazard.id).level == expected
    assert len(_escalations(hazard.id)) == expected


def test_the_deadline_itself_is_not_late_one_second_after_is(world):
    hazard = make_hazard(world.school_a, deadline_in=2 * DAY)
    deadline = reload(hazard.id).deadline
    assert sweep(deadline) == 0 and reload(hazard.id).level == 0
    assert sweep(deadline + SECOND) == 1
    row = reload(hazard.id)
    assert row.level == 1 and row.escalated_at == deadline  # the city's clock starts at the deadline
    [event] = _escalations(hazard.id)
    assert (event.at, event.data, event.from_status, event.to_status, event.actor_id) == (
        deadline + SECOND, {"level": 1, "reason": "overdue"}, "reported", "reported", None)
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "hazard.escalated")).all()
    assert [a.details for a in audit] == [{"level": 1, "hazards": 1}]


@pytest.mark.parametrize(("configured", "grade", "days"), [
    (None, Grade.general, 14), (None, Grade.major, 7),
    ({"city_after_days": {"major": 3}}, Grade.major, 3), ({"city_after_days": {"major": 3}}, Grade.general, 14),
    ({"city_after_days": {"general": 5}}, Grade.general, 5), ({"city_after_days": {"general": 5}}, Grade.major, 7),
])
def test_the_city_hears_after_the_configured_days_at_the_district(app, world, monkeypatch, configured, grade, days):
    monkeypatch.setitem(app.config, "ESCALATION_POLICY", configured)
    reached = now().replace(microsecond=0) - DAY  # whole seconds: SQLite's date arithmetic drops the fraction
    hazard_id = _at_district(world.school_a, grade, deadline=reached)
    city_at = reached + days * DAY
    assert sweep(city_at) == 0 and reload(hazard_id).level == 1
    assert sweep(city_at + SECOND) == 1
    row = reload(hazard_id)
    assert (row.level, row.escalated_at) == (2, city_at + SECOND)
    assert _escalations(hazard_id)[-1].data == {"level": 2, "reason": "overdue"}


def test_a_hazard_at_the_city_stays_there_and_a_no_longer_overdue_one_stays_at_the_district(world):
    at_city = make_hazard(world.school_a, level=2, deadline_in=-60 * DAY)
    back_on_time = _at_district(world.school_a, Grade.general, deadline=now() + 5 * DAY,
                                escalated_at=now() - 30 * DAY)
    closed = _at_district(world.school_a, Grade.general, deadline=now() - 30 * DAY)
    reload(closed).status = S.closed
    db.session.commit()
    assert sweep(now()) == 0
    assert [reload(h).level for h in (at_city.id, back_on_time, closed)] == [2, 1, 1]
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "hazard.escalated")).all()


def test_each_level_tells_its_own_office_and_the_principal(world):
    hazard = make_hazard(world.school_a, deadline_in=-DAY)
    sweep(now())
    told = lambda: {(n.recipient_id, n.data["level"], n.data["count"])  # noqa: E731
                    for n in db.session.scalars(select(Notification).where(Notification.kind == "hazards_escalated"))}
    first = told()
    assert first == {(world.office_a.id, 1, 1), (world.principal_a.id, 1, 1)}
    sweep(now() + 15 * DAY)
    assert told() - first == {(world.city_office.id, 2, 1), (world.principal_a.id, 2, 1)}
    assert reload(hazard.id).level == 2


# --- the queue ---------------------------------------------------------------------------------------------

@pytest.fixture
def queued(world):
    q = {
        "district_general": make_hazard(world.school_a, status=S.assigned, level=1, deadline_in=-3 * DAY),
        "district_major": make_hazard(world.school_a, grade=Grade.major, level=1, deadline_in=-1 * DAY),
        "city": make_hazard(world.school_a, status=S.rectifying, level=2, deadline_in=-10 * DAY),
        "closed": make_hazard(world.school_a, status=S.closed, level=1, deadline_in=-4 * DAY),
        "never_escalated": make_hazard(world.school_a, deadline_in=-2 * DAY),
        "school_b": make_hazard(world.school_b, level=1, deadline_in=-5 * DAY),
        "district_b": make_hazard(world.school_c, level=1, deadline_in=-6 * DAY),
    }
    reload(q["school_b"].id).acknowledged_at = now()
    db.session.commit()
    return {name: hazard.id for name, hazard in q.items()}


def _queue(client, headers, **query):
    response = client.get("/api/v1/escalations", query_string={"per_page": 100, **query}, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


@pytest.mark.parametrize(("query", "expected"), [
    ({}, ["city", "district_major", "school_b", "district_general"]),
    ({"level": 1}, ["district_major", "school_b", "district_general"]),
    ({"level": 2}, ["city"]),
    ({"severity": "general"}, ["city", "school_b", "district_general"]),
    ({"severity": "major"}, ["district_major"]),
    ({"school_id": "school_b"}, ["school_b"]),
    ({"acknowledged": "true"}, ["school_b"]),
    ({"acknowledged": "false"}, ["city", "district_major", "district_general"]),
    ({"kind": "hazard"}, ["city", "district_major", "school_b", "district_general"]),
    ({"kind": "drill"}, []),
    ({"kind": "campaign"}, []),
])
def test_the_district_queue_filters_and_orders_by_ids(client, world, queued, query, expected):
    query = {k: world.school_b.id if v == "school_b" else v for k, v in query.items()}
    body = _queue(client, world.headers("office_a"), **query)
    assert [item["id"] for item in body["items"]] == [queued[name] for name in expected]
    assert body["total"] == len(expected)


def test_queue_counts_and_each_office_sees_its_own_region(client, world, queued):
    counts = _queue(client, world.headers("office_a"))["counts"]
    assert counts == {"total": 4, "by_level": {"1": 3, "2": 1}, "by_kind": {"hazard": 4, "drill": 0, "campaign": 0,
                                                                               "incident": 0, "round": 0,
                                                                               "check": 0, "return": 0}}
    assert [i["id"] for i in _queue(client, world.headers("office_b"))["items"]] == [queued["district_b"]]
    city = _queue(client, world.headers("city_office"))
    assert queued["district_b"] in [i["id"] for i in city["items"]] and city["total"] == 5
    by_region = _queue(client, world.headers("city_office"), region_id=world.district_b.id)
    assert [i["id"] for i in by_region["items"]] == [queued["district_b"]]
    for who in ("principal_a", "officer_a", "district_inspector_a"):
        assert client.get("/api/v1/escalations", headers=world.headers(who)).status_code == 403


# --- acting on an escalated hazard -------------------------------------------------------------------------

@pytest.mark.parametrize("action", ["acknowledge", "comment"])
@pytest.mark.parametrize(("who", "expected"), [("office_a", 200), ("office_b", 404), ("principal_a", 403),
                                               ("officer_a", 403), ("district_inspector_a", 403),
                                               ("principal_b", 404)])
def test_only_the_overseeing_office_acts_on_an_escalated_hazard(client, world, action, who, expected):
    hazard = make_hazard(world.school_a, level=1, deadline_in=-DAY)
    response = client.post(f"/api/v1/hazards/{hazard.id}/escalation", json={"action": action, "note": "已阅"},
                           headers=world.headers(who))
    assert response.status_code == expected, response.json
    events = db.session.scalars(select(HazardEvent.action).where(HazardEvent.hazard_id == hazard.id)).all()
    done = {"acknowledge": "acknowledged", "comment": "comment"}[action]
    assert (done in events) == (expected == 200)
    row = reload(hazard.id)
    assert (row.acknowledged_by_id == world.office_a.id) == (expected == 200 and action == "acknowledge")


@pytest.mark.parametrize("state", [S.closed, S.dismissed])
@pytest.mark.parametrize("action", ["acknowledge", "comment"])
def test_a_finished_hazard_takes_no_more_office_actions(client, world, state, action):
    hazard = make_hazard(world.school_a, status=state, level=1, deadline_in=-DAY)
    response = client.post(f"/api/v1/hazards/{hazard.id}/escalation", json={"action": action, "note": "x"},
                           headers=world.headers("office_a"))
    assert response.status_code == 409 and response.json["error"]["code"] == "wrong_state"
    assert reload(hazard.id).acknowledged_at is None
