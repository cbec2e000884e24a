"""Scope with two hats: a region role acts only on its own region, even where a second role lets the person see
another."""
from __future__ import annotations

from safety.accounts.models import Role, RoleAssignment
from safety.extensions import db
from tests.factories import auth_headers, create_user


def test_an_office_that_also_leads_a_school_elsewhere_adds_schools_only_to_its_own_district(client, world):
    """District B's office is also principal of school A: it sees district A (its school's) but does not oversee it."""
    user = create_user(Role.safety_office, region=world.district_b)
    user.roles.append(RoleAssignment(role=Role.principal, school=world.school_a))
    db.session.commit()
    headers = auth_headers(user)
    for district, status in ((world.district_a, 403), (world.district_b, 201)):
        body = {"code": f"NEW-{district.code}", "name_zh": "新建学校", "type": "primary", "region_id": district.id}
        response = client.post("/api/v1/schools", json=body, headers=headers)
        assert response.status_code == status, (district.code, response.json)
