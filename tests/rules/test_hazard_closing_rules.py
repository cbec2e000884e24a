"""How hazards end up closed and what the ledger then shows: an on-the-spot fix (立行立改) from every state of
the item's earlier hazard, and the 五落实 plan's measures, funds and interim measures in the hazard's record."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from safety.checklists.models import Grade
from safety.extensions import db
from safety.hazards.models import HazardEvent
from safety.hazards.models import HazardStatus as S
from tests.documents.test_ledger_and_fixes import fix_on_spot
from tests.factories import create_point
from tests.rules.support import DAY, make_hazard, plan, reload

OPEN = {S.reported, S.assigned, S.rectifying, S.awaiting_verification}


@pytest.fixture
def point(world):
    point = create_point(world.school_a, code="A-2F-EXT-05", name_zh="二楼走廊灭火器")
    db.session.commit()
    return point


def _actions(hazard_id):
    return db.session.scalars(select(HazardEvent.action).where(HazardEvent.hazard_id == hazard_id)
                              .order_by(HazardEvent.id)).all()


@pytest.mark.parametrize("state", list(S))
def test_an_on_the_spot_fix_closes_the_items_open_hazard_and_leaves_a_finished_one_alone(client, world, point,
                                                                                         state):
    earlier = make_hazard(world.school_a, status=state, point=point, deadline_in=3 * DAY)
    row = reload(earlier.id)
    row.item_key, deadline = "gauge", row.deadline
    db.session.commit()
    before = _actions(earlier.id)
    response = fix_on_spot(client, world, point, 40 + list(S).index(state))
    assert response.status_code == 201, response.json
    [fixed] = response.json["hazards"]
    row, new = reload(earlier.id), reload(fixed["id"])
    assert (new.status, new.on_the_spot, new.rectifier_id, new.accepted_by_id, new.measures) == (
        S.closed, True, world.officer_a.id, world.officer_a.id, "当场清理杂物")
    assert new.closed_at is not None and new.acceptance_opinion == "当场清理杂物"
    if state in OPEN:  # the same hazard, observed again and closed there; its deadline stays as it was
        assert fixed["id"] == earlier.id and row.deadline == deadline and row.recurrences == 1
        assert _actions(earlier.id) == [*before, "observed_again", "fix_on_the_spot"]
        last = db.session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == earlier.id)
                                  .order_by(HazardEvent.id.desc())).first()
        assert (last.from_status, last.to_status) == (state.value, "closed")
    else:  # a new hazard, found and fixed at once, without a clock; the finished one keeps its history
        assert fixed["id"] != earlier.id and (new.deadline, new.interim_deadline) == (None, None)
        assert _actions(new.id) == ["opened", "fix_on_the_spot"]
        assert (row.status, _actions(earlier.id), row.on_the_spot) == (state, before, False)


def test_the_five_fixed_plan_is_what_the_ledger_shows(client, world):
    hazard = make_hazard(world.school_a, grade=Grade.major, level=1, status=S.assigned)
    body = {**plan(days=12), "interim_measures": "设置警戒线, 专人值守"}
    response = client.post(f"/api/v1/hazards/{hazard.id}/five-fixed", json=body,
                           headers=world.headers("principal_a"))
    assert response.status_code == 200, response.json
    assert (response.json["measures"], response.json["funds"], response.json["interim_measures"]) == (
        "设置警戒线, 更换配电箱", "学校公用经费 2 万元", "设置警戒线, 专人值守")
    row = reload(hazard.id)
    assert (row.measures, row.funds, row.interim_measures) == (
        "设置警戒线, 更换配电箱", "学校公用经费 2 万元", "设置警戒线, 专人值守")
    assert row.five_fixed["responsible_person"] == "张主任"
    without = make_hazard(world.school_a, grade=Grade.major, level=1, status=S.assigned)
    response = client.post(f"/api/v1/hazards/{without.id}/five-fixed", json=plan(days=12),
                           headers=world.headers("principal_a"))
    assert response.status_code == 200 and response.json["interim_measures"] is None


SECOND = DAY / 86400


@pytest.mark.parametrize(("configured", "after_found", "expected"), [
    (None, 30 * DAY, 200),                      # the last moment the policy allows
    (None, 30 * DAY + SECOND, 422),             # one second more
    ({"general": {"max_deadline_days": 10}}, 10 * DAY, 200),
    ({"general": {"max_deadline_days": 10}}, 10 * DAY + SECOND, 422),
    (None, -DAY, 422),                          # already past
])
def test_whoever_confirms_a_general_hazard_sets_its_deadline_within_the_policy(app, client, world, monkeypatch,
                                                                               configured, after_found, expected):
    monkeypatch.setitem(app.config, "HAZARD_POLICY", configured)
    hazard = make_hazard(world.school_a)
    found, old = reload(hazard.id).created_at, reload(hazard.id).deadline
    deadline = found + after_found
    response = client.post(f"/api/v1/hazards/{hazard.id}/assign", headers=world.headers("principal_a"),
                           json={"assignee_id": world.officer_a.id, "deadline": deadline.isoformat()})
    assert response.status_code == expected, response.json
    row = reload(hazard.id)
    if expected == 200:
        assert (row.deadline, row.status, row.assignee_id) == (deadline, S.assigned, world.officer_a.id)
        assert _actions(hazard.id) == ["opened", "deadline_set", "assign"]
    else:
        assert "deadline" in response.json["error"]["fields"]
        assert (row.deadline, row.status, _actions(hazard.id)) == (old, S.reported, ["opened"])


def test_a_major_hazards_deadline_is_not_set_on_assignment(client, world):
    hazard = make_hazard(world.school_a, grade=Grade.major, level=1)
    old = reload(hazard.id).deadline
    response = client.post(f"/api/v1/hazards/{hazard.id}/assign", headers=world.headers("office_a"),
                           json={"assignee_id": world.officer_a.id, "deadline": (old - DAY).isoformat()})
    assert response.status_code == 422 and "deadline" in response.json["error"]["fields"]
    assert (reload(hazard.id).deadline, reload(hazard.id).status) == (old, S.reported)


def test_mine_lists_the_hazards_assigned_to_me(client, world):
    mine = make_hazard(world.school_a, status=S.assigned, assignee=world.officer_a)
    make_hazard(world.school_a, status=S.assigned, assignee=world.principal_a)
    make_hazard(world.school_a)
    response = client.get("/api/v1/hazards", query_string={"mine": "true"}, headers=world.headers("officer_a"))
    assert [h["id"] for h in response.json["items"]] == [mine.id]
    everyone = client.get("/api/v1/hazards", query_string={"mine": "false"}, headers=world.headers("officer_a"))
    assert everyone.json["total"] == 3
