"""The offices' queue beyond hazards: missed drills, schools lagging in a campaign, late incident investigations,
repeatedly missed rounds, late launched checks and monthly returns. Which rows each source lists (and which it
leaves out), the filters and the "most urgent first" order, asserted by ids, and which office sees which."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from safety.accounts.models import Role, RoleAssignment
from safety.campaigns.models import Campaign, CampaignDefinition, CampaignLag, Incident, IncidentStatus, LagStatus
from safety.campaigns.runs.definitions import sync_default_definitions
from safety.checklists.models import Grade
from safety.core.clock import frozen, now
from safety.drills.models import Drill, DrillKind, DrillStatus
from safety.extensions import db
from safety.returns.models import MonthlyReturn, ReturnStatus
from safety.rounds.models import Check, Round, RoundStatus
from tests.factories import auth_headers, create_user
from tests.rules.support import DAY, make_hazard, reload

HOUR = timedelta(hours=1)


def _drill(school, status, ended, key):
    return Drill(school=school, kind=DrillKind.fire, requirement="evacuation", period_key=key, status=status,
                 window_start=ended - 30 * DAY, window_end=ended)


def _round(school, kind, ended, status=RoundStatus.missed, escalated=True, check=None):
    return Round(school=school, kind=kind, period_key=f"{ended:%Y-%m-%d}", window_start=ended - DAY,
                 window_end=ended, status=status, check=check, escalated_at=ended + HOUR if escalated else None)


def _return(school, month, status, due):
    return MonthlyReturn(school_id=school.id, month=month, status=status, due_at=due)


def _incident(school, campaign, status, due, escalated=True):
    return Incident(school_id=school.id, campaign_id=campaign.id, occurred_on=(due - 20 * DAY).date(),
                    summary="同学之间发生冲突", status=status, investigation_due_at=due,
                    escalated_at=due + HOUR if escalated else None)


@pytest.fixture
def sources(world):
    """Listed rows are named; rows a source must leave out are made next to them (same school, near misses)."""
    t = now().replace(microsecond=0)
    a, b, c = world.school_a, world.school_b, world.school_c
    sync_default_definitions()
    definition = db.session.scalars(select(CampaignDefinition).order_by(CampaignDefinition.id)).first()
    campaign = Campaign(definition_id=definition.id, region_id=world.city.id, period_key="2026", name_zh="防欺凌",
                        starts_on=(t - 60 * DAY).date(), ends_on=(t + 60 * DAY).date(), opens_at=t - 60 * DAY,
                        closes_at=t + 60 * DAY)
    check = Check(region_id=world.district_a.id, kind="special_check", title="汛期专项检查",
                  starts_at=t - 20 * DAY, deadline=t - 9 * DAY)
    db.session.add_all([campaign, check])
    db.session.flush()
    listed = {
        "drill_a": _drill(a, DrillStatus.overdue, t - 8 * DAY, "2026-09"),
        "drill_c": _drill(c, DrillStatus.overdue, t - 7 * DAY, "2026-09"),
        "round_a": _round(a, "fire_patrol", t - 6 * DAY),
        "round_latest": _round(a, "weekly_sweep", t - 4 * DAY),
        "check_b": _round(b, "special_check", t - 9 * DAY, check=check),
        "return_b": _return(b, "2026-08", ReturnStatus.pending, t - 5 * DAY),
        "incident_a": _incident(a, campaign, IncidentStatus.investigating, t - 3 * DAY),
        "lag_b": CampaignLag(campaign_id=campaign.id, school_id=b.id, status=LagStatus.lagging,
                             flagged_at=t - 2 * DAY),
        # same due moment as lag_b: the kind breaks the tie ("campaign" before "return")
        "return_a": _return(a, "2026-07", ReturnStatus.pending, t - 2 * DAY),
    }
    left_out = [
        _drill(a, DrillStatus.assigned, t - 8 * DAY, "2026-10"),
        _drill(a, DrillStatus.reported, t - 8 * DAY, "2026-11"),
        _round(a, "daily_patrol", t - 6 * DAY),  # a later round of its kind was done
        _round(a, "daily_patrol", t - 3 * DAY, status=RoundStatus.done, escalated=False),
        _round(a, "weekly_sweep", t - 5 * DAY),  # a later miss was escalated: only the latest is listed
        _round(a, "fire_patrol", t - 4 * DAY, escalated=False),  # a miss not (yet) escalated
        _round(a, "special_check", t - 9 * DAY, status=RoundStatus.done, check=check),
        _round(c, "special_check", t - 9 * DAY, status=RoundStatus.open, check=check),
        _return(a, "2026-09", ReturnStatus.pending, t + HOUR),  # not due yet
        _return(b, "2026-07", ReturnStatus.submitted, t - 9 * DAY),
        _incident(a, campaign, IncidentStatus.determined, t - 3 * DAY),
        _incident(b, campaign, IncidentStatus.investigating, t - 3 * DAY, escalated=False),
        CampaignLag(campaign_id=campaign.id, school_id=a.id, status=LagStatus.cleared, flagged_at=t - 2 * DAY),
        CampaignLag(campaign_id=campaign.id, school_id=c.id, status=LagStatus.closed, flagged_at=t - 2 * DAY),
    ]
    db.session.add_all([*listed.values(), *left_out])
    db.session.commit()
    return {name: (kind_of(row), row.id) for name, row in listed.items()}


def kind_of(row) -> str:
    if isinstance(row, Round):
        return "check" if row.check_id else "round"
    return {Drill: "drill", MonthlyReturn: "return", Incident: "incident", CampaignLag: "campaign"}[type(row)]


def _queue(client, world, who="office_a", **query):
    response = client.get("/api/v1/escalations", query_string={"per_page": 100, **query}, headers=world.headers(who))
    assert response.status_code == 200, response.json
    return response.json


DISTRICT_A = ["check_b", "drill_a", "round_a", "return_b", "round_latest", "incident_a", "lag_b", "return_a"]


@pytest.mark.parametrize(("query", "expected"), [
    ({}, DISTRICT_A),  # longest overdue first; a tie in due moment by kind
    ({"kind": "drill"}, ["drill_a"]),
    ({"kind": "round"}, ["round_a", "round_latest"]),
    ({"kind": "check"}, ["check_b"]),
    ({"kind": "return"}, ["return_b", "return_a"]),
    ({"kind": "incident"}, ["incident_a"]),
    ({"kind": "campaign"}, ["lag_b"]),
    ({"school_id": "b"}, ["check_b", "return_b", "lag_b"]),
    ({"level": 1}, DISTRICT_A),
    ({"level": 2}, []),
    ({"severity": "general"}, DISTRICT_A),
    ({"severity": "major"}, []),
    ({"acknowledged": "true"}, []),  # only a hazard is acknowledged
    ({"acknowledged": "false"}, DISTRICT_A),
])
def test_the_district_queue_lists_each_source_filtered_and_most_overdue_first(client, world, sources, query,
                                                                              expected):
    query = {k: world.school_b.id if v == "b" else v for k, v in query.items()}
    body = _queue(client, world, **query)
    assert [(item["kind"], item["id"]) for item in body["items"]] == [sources[name] for name in expected]
    assert body["total"] == len(expected)


def test_rows_carry_their_title_school_and_hours_overdue(client, world, sources):
    items = {(i["kind"], i["id"]): i for i in _queue(client, world)["items"]}
    round_a, check_b, return_b = items[sources["round_a"]], items[sources["check_b"]], items[sources["return_b"]]
    assert (round_a["title"], round_a["school"], round_a["level"], round_a["grade"]) == (
        "每日防火巡查", "甲区第一小学", 1, "general")
    assert (check_b["title"], check_b["status"], check_b["overdue_hours"]) == ("汛期专项检查", "missed", 9 * 24)
    assert (return_b["title"], return_b["status"], return_b["overdue_hours"]) == ("2026-08", "pending", 5 * 24)
    assert items[sources["incident_a"]]["title"] == items[sources["lag_b"]]["title"] == "防欺凌"


def test_each_office_sees_the_rows_of_its_own_region(client, world, sources):
    mine = [(i["kind"], i["id"]) for i in _queue(client, world, "office_b")["items"]]
    assert mine == [sources["drill_c"]]
    city = _queue(client, world, "city_office")
    assert [(i["kind"], i["id"]) for i in city["items"]] == [
        sources[name] for name in ["check_b", "drill_a", "drill_c", "round_a", "return_b", "round_latest",
                                   "incident_a", "lag_b", "return_a"]]
    by_region = _queue(client, world, "city_office", region_id=world.district_b.id)
    assert [(i["kind"], i["id"]) for i in by_region["items"]] == [sources["drill_c"]]
    assert city["counts"] == {"total": 9, "by_level": {"1": 9, "2": 0},
                              "by_kind": {"hazard": 0, "drill": 2, "campaign": 1, "incident": 1, "round": 2,
                                          "check": 1, "return": 2}}
    for who in ("principal_a", "officer_a", "district_inspector_a"):
        assert client.get("/api/v1/escalations", headers=world.headers(who)).status_code == 403


def test_a_row_not_yet_due_or_without_a_deadline_is_zero_hours_overdue(client, world):
    due_later = make_hazard(world.school_a, grade=Grade.major, level=1, deadline_in=5 * DAY)
    untracked = make_hazard(world.school_a, grade=Grade.major, level=1)
    reload(untracked.id).deadline = None
    late = make_hazard(world.school_a, level=1, deadline_in=-(3 * HOUR + HOUR / 2))
    db.session.commit()
    items = {i["id"]: i["overdue_hours"] for i in _queue(client, world, kind="hazard")["items"]}
    assert items == {due_later.id: 0, untracked.id: 0, late.id: 3}


def test_a_principal_who_also_works_in_another_districts_office_is_queued_only_that_district(client, world,
                                                                                                sources):
    user = create_user(username="principal_and_office")
    user.roles = [RoleAssignment(role=Role.principal, school=world.school_a),
                  RoleAssignment(role=Role.principal, school=world.school_b),
                  RoleAssignment(role=Role.safety_office, region=world.district_b)]
    own = make_hazard(world.school_a, level=1, deadline_in=-DAY)  # their own school's: not an office's business
    overseen = make_hazard(world.school_c, level=1, deadline_in=-DAY)
    db.session.commit()
    response = client.get("/api/v1/escalations", query_string={"per_page": 100}, headers=auth_headers(user))
    assert [(i["kind"], i["id"]) for i in response.json["items"]] == [sources["drill_c"], ("hazard", overseen.id)]
    assert own.id not in [i["id"] for i in response.json["items"] if i["kind"] == "hazard"]


def test_a_monthly_return_is_late_from_the_second_after_its_due_moment(client, world):
    due = now().replace(microsecond=0) + DAY
    row = _return(world.school_a, "2026-10", ReturnStatus.pending, due)
    db.session.add(row)
    db.session.commit()
    for moment, listed in ((due, []), (due + timedelta(seconds=1), [row.id])):
        with frozen(moment):
            assert [i["id"] for i in _queue(client, world, kind="return")["items"]] == listed
