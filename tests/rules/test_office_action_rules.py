"""Which escalated hazards each office acts on (its own level: the district office level 0–1, the city level 2;
an admin any), as the queue page offers them and the API allows them, and the queue's bulk acknowledgement:
each listed hazard once, what was already acknowledged kept as it was, all or none."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from safety.accounts.models import Role, RoleAssignment
from safety.core.clock import frozen, now
from safety.extensions import db
from safety.hazards.models import HazardEvent
from tests.browser.conftest import form_token, page_login
from tests.factories import PASSWORD, create_user
from tests.rules.support import DAY, make_hazard, plan, reload

PICKED = re.compile(r'name="hazard_id" value="(\d+)"')


@pytest.fixture
def levels(world):
    """An unacknowledged escalated hazard at each level in district A, and one already acknowledged."""
    hazards = {"district": make_hazard(world.school_a, level=1, deadline_in=-2 * DAY),
               "city": make_hazard(world.school_b, level=2, deadline_in=-20 * DAY),
               "seen": make_hazard(world.school_a, level=1, deadline_in=-3 * DAY)}
    seen = reload(hazards["seen"].id)
    seen.acknowledged_at, seen.acknowledged_by_id = now() - DAY, world.city_office.id
    db.session.commit()
    return {name: hazard.id for name, hazard in hazards.items()}


def two_roles(world, second: Role):
    """The city office's person who is also a district's office (both levels) or a district's inspector (not an
    office there: the city's level only)."""
    user = create_user(username="two_roles")
    user.roles = [RoleAssignment(role=second, region=world.district_a),
                  RoleAssignment(role=Role.safety_office, region=world.city)]
    db.session.commit()
    return user


def _offered(client, user) -> set[int]:
    assert page_login(client, user.username, PASSWORD).status_code == 303
    response = client.get("/office/queue")
    assert response.status_code == 200
    return {int(i) for i in PICKED.findall(response.get_data(as_text=True))}


@pytest.mark.parametrize(("who", "offered"), [
    ("office_a", {"district"}),           # a district office: its level only, not the city's
    ("city_office", {"city"}),            # the city office: level 2 only
    ("admin", {"district", "city"}),      # an admin acts at any level
    ("both", {"district", "city"}),       # one person in both offices
    ("city_and_inspector", {"city"}),     # a city office who inspects in a district: no district office
])
def test_the_queue_page_offers_to_acknowledge_only_what_the_office_acts_on(client, world, levels, who, offered):
    seconds = {"both": Role.safety_office, "city_and_inspector": Role.inspector}
    user = two_roles(world, seconds[who]) if who in seconds else getattr(world, who)
    assert _offered(client, user) == {levels[name] for name in offered}  # never the one already acknowledged


@pytest.mark.parametrize(("who", "level", "expected"), [
    ("office_a", 1, 200), ("office_a", 2, 403), ("city_office", 1, 403), ("city_office", 2, 200),
    ("admin", 1, 200), ("admin", 2, 200),
    ("office_b", 1, 200),  # district B's only school
])
def test_acknowledging_belongs_to_the_office_of_the_hazards_level(client, world, who, level, expected):
    hazard = make_hazard(world.school_c if who == "office_b" else world.school_a, level=level, deadline_in=-DAY)
    response = client.post(f"/api/v1/hazards/{hazard.id}/escalation", json={"action": "acknowledge", "note": "已阅"},
                           headers=world.headers(who))
    assert response.status_code == expected, response.json
    if expected == 403:
        assert response.json["error"]["code"] == "other_level"
    row = reload(hazard.id)
    assert row.acknowledged_by_id == (getattr(world, who).id if expected == 200 else None)
    office = {"office_a": world.district_a, "office_b": world.district_b, "city_office": world.city}.get(who)
    events = db.session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id,
                                                          HazardEvent.action == "acknowledged")).all()
    assert [e.data.get("office_region_id") for e in events] == ([office.id if office else None]
                                                                 if expected == 200 else [])


def _bulk(client, user, ids):
    assert page_login(client, user.username, PASSWORD).status_code == 303
    token = form_token(client.get("/office/queue"))
    return client.post("/office/queue/acknowledge", data={"csrf_token": token, "hazard_id": [str(i) for i in ids],
                                                          "next": "/office/queue?level=1"})


def _acknowledgements(hazard_id):
    return db.session.scalars(select(HazardEvent.actor_id).where(HazardEvent.hazard_id == hazard_id,
                                                                 HazardEvent.action == "acknowledged")).all()


def test_bulk_acknowledgement_takes_each_hazard_once_and_keeps_an_earlier_acknowledgement(client, world, levels):
    other = make_hazard(world.school_b, level=1, deadline_in=-DAY)
    response = _bulk(client, world.admin, [levels["district"], levels["seen"], levels["district"], other.id])
    assert response.status_code == 303 and response.headers["Location"].endswith("/office/queue?level=1")
    assert [_acknowledgements(h) for h in (levels["district"], other.id, levels["seen"])] == [
        [world.admin.id], [world.admin.id], []]
    seen = reload(levels["seen"])
    assert seen.acknowledged_by_id == world.city_office.id and seen.acknowledged_at < now() - DAY / 2
    page = client.get("/office/queue").get_data(as_text=True)
    assert "已签收 2 条隐患。" in page


@pytest.mark.parametrize(("who", "foreign", "expected"), [
    ("office_a", "city", 403),      # another level's hazard in the lot
    ("office_b", "district", 404),  # another district's hazard in the lot
])
def test_one_refusal_in_a_bulk_acknowledgement_acknowledges_none(client, world, levels, who, foreign, expected):
    own = make_hazard(world.school_a if who == "office_a" else world.school_c, level=1, deadline_in=-DAY)
    response = _bulk(client, getattr(world, who), [own.id, levels[foreign]])
    assert response.status_code == expected
    assert _acknowledgements(own.id) == [] and _acknowledgements(levels[foreign]) == []
    assert reload(own.id).acknowledged_at is None


@pytest.mark.parametrize(("who", "level", "offered"), [
    ("office_a", 0, True), ("office_a", 1, True), ("office_a", 2, False),
    ("city_office", 1, False), ("city_office", 2, True), ("admin", 1, True), ("admin", 2, True),
])
def test_the_hazard_page_offers_extension_and_supervision_to_the_office_at_its_level(client, world, who, level,
                                                                                   offered):
    hazard = make_hazard(world.school_a, level=level, deadline_in=-DAY)
    assert page_login(client, getattr(world, who).username, PASSWORD).status_code == 303
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert (f'action="/hazards/{hazard.id}/extend"' in page) == offered
    assert (f'action="/hazards/{hazard.id}/supervise"' in page) == offered
    assert f'action="/hazards/{hazard.id}/comment"' in page  # any office overseeing the school may comment


def _supervise(client, world, who, hazard_id):
    body = {"action": "supervise", "supervisor": "督导组", "reason": "逾期未整改", "plan": plan(days=20)}
    return client.post(f"/api/v1/hazards/{hazard_id}/escalation", json=body, headers=world.headers(who))


def test_each_level_supervises_a_hazard_once(client, world):
    hazard = make_hazard(world.school_a, level=1, deadline_in=-DAY)
    assert _supervise(client, world, "office_a", hazard.id).status_code == 200
    again = _supervise(client, world, "office_a", hazard.id)
    assert again.status_code == 409 and again.json["error"]["code"] == "already_supervised"
    reload(hazard.id).level = 2  # still not fixed: the city takes it on
    db.session.commit()
    assert _supervise(client, world, "city_office", hazard.id).status_code == 200
    assert _supervise(client, world, "city_office", hazard.id).status_code == 409
    supervised = db.session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id,
                                                              HazardEvent.action == "supervised")
                                    .order_by(HazardEvent.id)).all()
    assert [(e.actor_id, e.data["level"]) for e in supervised] == [(world.office_a.id, 1), (world.city_office.id, 2)]


@pytest.mark.parametrize(("hours", "expected"), [(-1, 200), (1, 422)])  # around 30 days from now
def test_a_hazard_without_a_deadline_is_extended_from_today(client, world, hours, expected):
    hazard = make_hazard(world.school_a, level=1)
    reload(hazard.id).deadline = None
    db.session.commit()
    to = now().replace(microsecond=0) + 30 * DAY + hours * DAY / 24
    response = client.post(f"/api/v1/hazards/{hazard.id}/escalation", headers=world.headers("office_a"),
                           json={"action": "extend", "deadline": to.isoformat(), "reason": "等待采购"})
    assert response.status_code == expected, response.json
    assert reload(hazard.id).deadline == (to if expected == 200 else None)


@pytest.mark.parametrize(("after", "expected"), [
    (0 * DAY, 422),                                 # this very moment is not in the future
    (DAY / 86400, 200),                             # one second ahead
    (90 * DAY, 200),                                # the last day the policy allows
    (90 * DAY + DAY / 86400, 422),                  # one second more
])
def test_a_supervision_plan_ends_in_the_future_and_at_most_90_days_ahead(client, world, after, expected):
    hazard = make_hazard(world.school_a, level=1, deadline_in=-DAY)
    moment = now().replace(microsecond=0)
    body = {"action": "supervise", "supervisor": "督导组", "reason": "逾期未整改",
            "plan": {**plan(), "deadline": (moment + after).isoformat()}}
    with frozen(moment):
        response = client.post(f"/api/v1/hazards/{hazard.id}/escalation", json=body,
                               headers=world.headers("office_a"))
    assert response.status_code == expected, response.json
    assert (reload(hazard.id).supervised_at is not None) == (expected == 200)
