"""Who may do what where: inspectors inspect but do not run a school, a user's several roles each count only
where they hold, an office's region powers stop at its district's edge, and people who have left are no longer
told anything."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from safety.accounts.models import Role, RoleAssignment
from safety.core.clock import now
from safety.extensions import db
from safety.notifications.models import Notification
from safety.scheduler.registry import run_job
from tests.api.test_inspections import submission
from tests.factories import auth_headers, create_point, create_user
from tests.rules.support import DAY, make_hazard


@pytest.fixture
def points(world):
    made = {name: create_point(getattr(world, name), code=f"SCOPE-{name}")
            for name in ("school_a", "school_b", "school_c")}
    db.session.commit()
    return made


@pytest.mark.parametrize(("who", "school", "status"), [
    ("officer_a", "school_a", 201), ("district_inspector_a", "school_a", 201),
    ("district_inspector_a", "school_b", 201), ("principal_a", "school_a", 201), ("office_a", "school_b", 201),
    ("admin", "school_c", 201),
    ("officer_a", "school_b", 404), ("district_inspector_a", "school_c", 404), ("principal_b", "school_a", 404),
    ("office_b", "school_a", 404),
])
def test_who_may_record_an_inspection_where(client, world, points, who, school, status):
    response = client.post("/api/v1/inspections", json=submission(points[school]), headers=world.headers(who))
    assert response.status_code == status, response.json


@pytest.fixture
def two_roles(world):
    """Principal of school B and inspector at school A."""
    user = create_user(Role.principal, school=world.school_b, username="two_roles")
    user.roles.append(RoleAssignment(role=Role.inspector, school=world.school_a))
    db.session.commit()
    return auth_headers(user)


def test_a_user_with_two_roles_manages_only_where_they_are_principal(client, world, two_roles):
    patch = {"address": "新地址 2 号"}
    assert client.patch(f"/api/v1/schools/{world.school_b.id}", json=patch, headers=two_roles).status_code == 200
    assert client.patch(f"/api/v1/schools/{world.school_a.id}", json=patch, headers=two_roles).status_code == 403
    assert client.patch(f"/api/v1/schools/{world.school_c.id}", json=patch, headers=two_roles).status_code == 404
    listed = client.get("/api/v1/schools", headers=two_roles).json["items"]
    assert {s["id"] for s in listed} == {world.school_a.id, world.school_b.id}


def test_a_user_with_two_roles_inspects_at_both_schools(client, world, points, two_roles):
    for school in ("school_a", "school_b"):
        response = client.post("/api/v1/inspections", json=submission(points[school]), headers=two_roles)
        assert response.status_code == 201, (school, response.json)
    assert client.post("/api/v1/inspections", json=submission(points["school_c"]),
                       headers=two_roles).status_code == 404


@pytest.mark.parametrize(("who", "parent", "status"), [
    ("admin", "district_b", 201), ("city_office", "district_a", 201), ("office_a", "district_a", 201),
    ("office_a", "district_b", 403), ("office_b", "district_a", 403),
    ("principal_a", "district_a", 403), ("district_inspector_a", "district_a", 403),
])
def test_only_an_office_over_a_region_adds_schools_to_it(client, world, who, parent, status):
    region = getattr(world, parent)
    body = {"code": f"NEW-{who}", "name_zh": "新建学校", "type": "primary", "region_id": region.id}
    response = client.post("/api/v1/schools", json=body, headers=world.headers(who))
    assert response.status_code in ((status,) if status == 201 else (403, 404)), response.json


def _told(kind):
    return set(db.session.scalars(select(Notification.recipient_id).where(Notification.kind == kind)))


def test_a_school_inspector_or_principal_who_has_left_is_not_told_of_overdue_points(world):
    create_point(world.school_a, code="LEFT-1", category="gate_security", frequency="daily")
    world.officer_a.active = False
    db.session.commit()
    assert run_job("flag_overdue_points", now() + timedelta(days=1, hours=2)).status == "ok"
    assert _told("inspection_overdue") == {world.principal_a.id}


def test_an_office_member_who_has_left_is_not_told_of_escalated_hazards(world):
    make_hazard(world.school_a, deadline_in=-DAY)
    make_hazard(world.school_c, deadline_in=-DAY)
    world.office_a.active = False
    db.session.commit()
    assert run_job("escalate_hazards", now()).status == "ok"
    assert _told("hazards_escalated") == {world.principal_a.id, world.principal_c.id, world.office_b.id}
