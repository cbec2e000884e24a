"""Missed inspections: the daily notice to the school, and coverage per school, district and city."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from safety.core.clock import frozen, now
from safety.extensions import db
from safety.notifications.models import Notification
from safety.scheduler.registry import run_job
from tests.api.test_inspections import submission
from tests.factories import create_point


@pytest.fixture
def points(world):
    daily = create_point(world.school_a, code="GATE", category="gate_security", frequency="daily")
    weekly = create_point(world.school_a, code="EXT", frequency="weekly")
    other = create_point(world.school_c, code="EXT", frequency="weekly")
    db.session.commit()
    return daily, weekly, other


def test_overdue_points_are_told_to_the_school_once_a_day(client, world, points):
    start = now()
    assert run_job("flag_overdue_points", start + timedelta(hours=12)).rows_affected == 0
    first = run_job("flag_overdue_points", start + timedelta(days=1, hours=2))
    again = run_job("flag_overdue_points", start + timedelta(days=1, hours=3))
    assert (first.rows_affected, again.rows_affected) == (2, 0)  # school A's officer and principal, once
    rows = db.session.execute(select(Notification.recipient_id, Notification.subject_id)
                              .where(Notification.kind == "inspection_overdue")).all()
    assert set(rows) == {(world.officer_a.id, world.school_a.id), (world.principal_a.id, world.school_a.id)}
    next_day = run_job("flag_overdue_points", start + timedelta(days=2, hours=3))
    assert next_day.rows_affected == 2


def test_coverage_counts_due_and_done_per_school_and_district(client, world, points):
    daily, weekly, _other = points
    since = now()
    for day in (1, 2, 3):
        with frozen(since + timedelta(days=day)):
            client.post("/api/v1/inspections", json=submission(daily), headers=world.headers("officer_a"))
    with frozen(since + timedelta(days=3)):
        client.post("/api/v1/inspections", json=submission(weekly), headers=world.headers("officer_a"))
        client.post("/api/v1/inspections", json=submission(weekly), headers=world.headers("officer_a"))  # extra
    until = since + timedelta(days=14)
    with frozen(until):
        body = client.get("/api/v1/inspections/coverage", query_string={
            "since": since.isoformat(), "until": until.isoformat()}, headers=world.headers("city_office")).json
    by_code = {s["code"]: s for s in body["schools"]}
    # daily: 14 due, 3 done; weekly: 2 due, 2 counted (the extra one does not fill another slot)
    assert (by_code["SA"]["due"], by_code["SA"]["done"]) == (16, 5)
    assert by_code["SA"]["coverage"] == pytest.approx(5 / 16, abs=1e-4)
    assert (by_code["SC"]["due"], by_code["SC"]["done"]) == (2, 0)
    assert {d["name"] for d in body["districts"]} == {"甲区", "乙区"}
    assert (body["total"]["due"], body["total"]["done"]) == (18, 5)
    with frozen(until):
        mine = client.get("/api/v1/inspections/coverage", query_string={"since": since.isoformat()},
                          headers=world.headers("principal_c")).json
    assert [s["code"] for s in mine["schools"]] == ["SC"]


def test_coverage_rejects_an_empty_range(client, world):
    at = now().isoformat()
    response = client.get("/api/v1/inspections/coverage", query_string={"since": at, "until": at},
                          headers=world.headers("office_a"))
    assert response.status_code == 422
