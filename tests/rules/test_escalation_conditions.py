"""Escalation's narrower conditions: a hazard long at the city goes nowhere further, and only the office at the
hazard's level over its school acts on it, whatever other roles or offices the same person holds elsewhere."""
from __future__ import annotations

import pytest

from safety.accounts.models import Role, RoleAssignment
from safety.extensions import db
from tests.factories import auth_headers, create_user
from tests.rules.support import DAY, make_hazard, reload
from tests.rules.test_escalation_rules import _escalations, sweep


def test_a_hazard_at_the_city_for_a_month_is_not_escalated_again(world):
    at_city = make_hazard(world.school_a, level=2, deadline_in=-60 * DAY)
    reload(at_city.id).escalated_at = at_city.deadline - 30 * DAY  # long past every district clock
    db.session.commit()
    assert sweep(at_city.deadline + 30 * DAY) == 0
    assert reload(at_city.id).level == 2 and _escalations(at_city.id) == []


def _city_office_also(world, role, region):
    """The city's safety office who also holds `role` over `region` (people wear two hats)."""
    user = create_user(Role.safety_office, region=world.city)
    user.roles.append(RoleAssignment(role=role, region=region))
    db.session.commit()
    return user


def _act(client, user, hazard, action, note="已阅"):
    return client.post(f"/api/v1/hazards/{hazard.id}/escalation", json={"action": action, "note": note},
                       headers=auth_headers(user))


def _recorded(response, action) -> dict:
    """The office the history names for the action just taken."""
    assert response.status_code == 200, response.json
    [event] = [e for e in response.json["events"] if e["action"] == action]
    return event["data"]


@pytest.mark.parametrize(("role", "region"), [(Role.inspector, "district_a"), (Role.safety_office, "district_b")])
def test_the_city_office_does_not_act_for_a_district_through_its_other_roles(client, world, role, region):
    """A district hazard is the district office's to acknowledge: the city office who is also district A's
    inspector, or also district B's office, is not district A's office."""
    user = _city_office_also(world, role, getattr(world, region))
    hazard = make_hazard(world.school_a, level=1, deadline_in=-DAY)
    response = _act(client, user, hazard, "acknowledge")
    assert response.status_code == 403 and response.json["error"]["code"] == "other_level", response.json
    assert reload(hazard.id).acknowledged_at is None


def test_the_city_office_acts_on_a_city_hazard_as_the_city(client, world):
    user = _city_office_also(world, Role.safety_office, world.district_b)
    hazard = make_hazard(world.school_a, level=2, deadline_in=-DAY)
    assert _recorded(_act(client, user, hazard, "acknowledge"), "acknowledged")["office_region_id"] == world.city.id


def test_a_comment_by_someone_in_both_the_city_and_the_district_office_is_the_districts(client, world):
    """Comments are open to every office over the school; the history names the nearest one the person sits in."""
    user = _city_office_also(world, Role.safety_office, world.district_a)
    hazard = make_hazard(world.school_a, level=2, deadline_in=-DAY)
    office = _recorded(_act(client, user, hazard, "comment", "请区里跟进"), "comment")
    assert (office["office_region_id"], office["office"]) == (world.district_a.id, "甲区")
