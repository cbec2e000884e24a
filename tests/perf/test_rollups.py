"""The dashboards' rollups: what the scheduler counts is what the pages and the API show, until the next count.

Coverage of the last 30 days (the API without a chosen range, the dashboard) and the weekly hazard chart read
tables the scheduler refreshes; a chosen range is still counted live. Statement budgets for the dashboard,
so a figure that starts asking the database per district or per school shows up as a failure.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from safety.core.clock import frozen, now
from safety.extensions import db
from safety.hazards.models import HazardSource
from safety.hazards.services import report
from safety.scheduler.registry import run_job
from tests.api.test_inspections import submission
from tests.browser.conftest import page_login
from tests.factories import PASSWORD, create_point, create_school
from tests.perf.test_statement_budgets import counted


@pytest.fixture
def daily(world):
    point = create_point(world.school_a, code="GATE", category="gate_security", frequency="daily")
    db.session.commit()
    return point


def inspect(client, world, point) -> None:
    response = client.post("/api/v1/inspections", json=submission(point), headers=world.headers("officer_a"))
    assert response.status_code == 201, response.json


def rolling(client, world, who="city_office") -> dict:
    response = client.get("/api/v1/inspections/coverage", headers=world.headers(who))
    assert response.status_code == 200, response.json
    return response.json


def test_rolling_coverage_is_the_schedulers_count_until_the_next_one(client, world, daily):
    inspect(client, world, daily)
    live = {s["code"]: s["done"] for s in rolling(client, world)["schools"]}
    assert live["SA"] == 1  # no count made yet: counted live
    counted_at = now()
    run = run_job("roll_up_coverage", counted_at)
    assert run.status == "ok", run.error
    with frozen(counted_at + timedelta(minutes=5)):
        inspect(client, world, daily)
        body = rolling(client, world)
        chosen = client.get("/api/v1/inspections/coverage", query_string={
            "since": (counted_at - timedelta(days=30)).isoformat()}, headers=world.headers("city_office")).json
    assert {s["code"]: s["done"] for s in body["schools"]}["SA"] == 1  # the second one waits for the next count
    window_end = datetime.fromisoformat(body["until"].replace("Z", "+00:00"))
    assert abs(window_end - counted_at) < timedelta(seconds=1)  # the window the count was made for, not now
    assert {s["code"]: s["done"] for s in chosen["schools"]}["SA"] == 2  # a chosen range is live
    assert run_job("roll_up_coverage", counted_at + timedelta(minutes=10)).status == "ok"
    with frozen(counted_at + timedelta(minutes=11)):
        again = rolling(client, world)
        mine = rolling(client, world, "principal_c")
    by_code = {s["code"]: s for s in again["schools"]}
    assert (by_code["SA"]["done"], by_code["SA"]["due"]) == (2, 30)
    assert {s["code"] for s in mine["schools"]} <= {"SC"}  # the rollup is read through the caller's scope


def this_weeks_bars(client) -> tuple[int, int]:
    """The weekly chart's last two bars: this week's opened and closed."""
    html = client.get("/office").get_data(as_text=True)
    values = [int(v) for v in re.findall(r'<rect class="ch-(?:opened|closed)"[^>]*><title>[^<]*: (\d+)</title>',
                                         html)]
    assert len(values) == 24, html[:500]  # twelve weeks, two bars each
    return values[-2], values[-1]


def test_the_weekly_chart_is_the_schedulers_count_until_the_next_one(client, world):
    report(None, world.school_a, {"title": "灭火器过期", "description": ""}, HazardSource.direct)
    db.session.commit()
    assert page_login(client, "city_office", PASSWORD).status_code == 303
    assert this_weeks_bars(client) == (1, 0)  # no count made yet: counted live
    assert run_job("roll_up_hazard_weeks").status == "ok"
    report(None, world.school_c, {"title": "消防通道堵塞", "description": ""}, HazardSource.direct)
    db.session.commit()
    assert this_weeks_bars(client) == (1, 0)  # the second waits for the next count
    assert run_job("roll_up_hazard_weeks").status == "ok"
    assert this_weeks_bars(client) == (2, 0)
    other = client.application.test_client()
    assert page_login(other, "office_b", PASSWORD).status_code == 303
    assert this_weeks_bars(other) == (1, 0)  # district B's office counts only its own schools' hazards


def counted_after_adding(client, world, schools: int, path: str, **headers) -> list[str]:
    """The statements of one GET after adding `schools` schools with a point each and refreshing the rollups."""
    for n in range(schools):
        create_point(create_school(world.district_a, f"X{schools}-{n}"), code="EXT")
    db.session.commit()
    assert run_job("roll_up_coverage").status == "ok" and run_job("roll_up_hazard_weeks").status == "ok"
    with counted() as statements:
        response = client.get(path, headers=headers)
    assert response.status_code == 200
    return statements


def test_the_dashboard_costs_the_same_for_2_schools_or_40(client, world):
    assert page_login(client, "city_office", PASSWORD).status_code == 303
    small = counted_after_adding(client, world, 2, "/office")
    large = counted_after_adding(client, world, 38, "/office")
    assert len(large) == len(small) <= DASHBOARD_BUDGET, "\n\n".join(large)


def test_rolling_coverage_costs_three_statements_for_2_schools_or_40(client, world):
    headers = world.headers("city_office")
    small = counted_after_adding(client, world, 2, "/api/v1/inspections/coverage", **headers)
    large = counted_after_adding(client, world, 38, "/api/v1/inspections/coverage", **headers)
    assert len(large) == len(small) <= 3, "\n\n".join(large)  # token and user, the window, the figures


# session user and roles, region, breadcrumbs, schools, districts, open hazards, coverage window and figures,
# drills per school and per district, weeks rolled? and weeks, queue counts, campaigns, unread notifications (menu)
DASHBOARD_BUDGET = 16
