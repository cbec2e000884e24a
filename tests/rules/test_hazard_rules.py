"""The hazard lifecycle's refusals, as tables: every action from every state, who may act inside a visible
school, what a major hazard needs first, the deadline policy and the list's filters and order (by ids)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from safety.accounts.models import Role, RoleAssignment
from safety.checklists.models import Grade
from safety.core.clock import now, parse_aware
from safety.extensions import db
from safety.hazards.models import HazardEvent, HazardSource
from safety.hazards.models import HazardStatus as S
from safety.notifications.models import Notification
from tests.factories import create_point, create_user, jpeg_bytes, upload_photo
from tests.rules.support import DAY, make_hazard, plan, reload

# Which states each action may start from: written out here, not read from the code under test.
ALLOWED_FROM = {
    "assign": {S.reported, S.assigned},
    "start": {S.assigned},
    "rectify": {S.assigned, S.rectifying},
    "accept": {S.awaiting_verification},
    "reject": {S.awaiting_verification},
    "dismiss": {S.reported, S.assigned},
    "reopen": {S.closed},
}
TARGET = {"assign": S.assigned, "start": S.rectifying, "rectify": S.awaiting_verification, "accept": S.closed,
          "reject": S.rectifying, "dismiss": S.dismissed, "reopen": S.rectifying}
ENDPOINT = {"accept": "verify", "reject": "verify"}


def _body(client, world, action: str, headers) -> dict:
    if action == "assign":
        return {"assignee_id": world.officer_a.id, "note": "请处理"}
    if action == "rectify":
        photo = upload_photo(client, headers, jpeg_bytes(seed=len(action) * 7)).json
        return {"note": "已整改", "photos": [photo["id"]]}
    if action in ("accept", "reject"):
        return {"accepted": action == "accept", "note": "复查"}
    if action == "dismiss":
        return {"reason": "误报"}
    if action == "reopen":
        return {"reason": "复查发现灭火器仍未更换"}
    return {"note": ""}


def _events(hazard_id: int) -> list[HazardEvent]:
    return list(db.session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard_id)
                                   .order_by(HazardEvent.id)))


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("action", list(ALLOWED_FROM))
def test_every_action_from_every_state(client, world, action, state):
    hazard = make_hazard(world.school_a, status=state, rectifier=world.officer_a)
    headers = world.headers("principal_a")
    before = len(_events(hazard.id))
    response = client.post(f"/api/v1/hazards/{hazard.id}/{ENDPOINT.get(action, action)}",
                           json=_body(client, world, action, headers), headers=headers)
    after = reload(hazard.id)
    if state in ALLOWED_FROM[action]:
        assert response.status_code == 200, response.json
        assert response.json["status"] == TARGET[action].value == after.status.value
        last = _events(hazard.id)[-1]
        assert (last.action, last.from_status, last.to_status, last.actor_id) == (
            action, state.value, TARGET[action].value, world.principal_a.id)
        assert (after.closed_at is not None) == (TARGET[action] in (S.closed, S.dismissed))
    else:
        assert response.status_code == 409 and response.json["error"]["code"] == "wrong_state", response.json
        assert after.status == state and len(_events(hazard.id)) == before


@pytest.mark.parametrize("state", [S.closed, S.dismissed])
def test_no_five_fixed_plan_for_a_finished_hazard(client, world, state):
    hazard = make_hazard(world.school_a, status=state, grade=Grade.major, level=1)
    response = client.post(f"/api/v1/hazards/{hazard.id}/five-fixed", json=plan(),
                           headers=world.headers("principal_a"))
    assert response.status_code == 409 and response.json["error"]["code"] == "wrong_state"
    assert reload(hazard.id).five_fixed is None


@pytest.mark.parametrize("action", ["start", "rectify"])
def test_a_major_hazard_is_not_rectified_without_its_plan_even_when_start_is_skipped(client, world, action):
    hazard = make_hazard(world.school_a, status=S.assigned, grade=Grade.major, level=1)
    headers = world.headers("principal_a")
    response = client.post(f"/api/v1/hazards/{hazard.id}/{action}", json=_body(client, world, action, headers),
                           headers=headers)
    assert response.status_code == 409 and response.json["error"]["code"] == "five_fixed_required"
    assert reload(hazard.id).status == S.assigned
    with_plan = make_hazard(world.school_a, status=S.assigned, grade=Grade.major, level=1,
                            five_fixed={"measures": "停用"})
    response = client.post(f"/api/v1/hazards/{with_plan.id}/{action}",
                           json=_body(client, world, action, headers), headers=headers)
    assert response.status_code == 200 and response.json["status"] == TARGET[action].value


def test_a_general_hazard_needs_no_plan(client, world):
    hazard = make_hazard(world.school_a, status=S.assigned)
    headers = world.headers("principal_a")
    response = client.post(f"/api/v1/hazards/{hazard.id}/rectify", json=_body(client, world, "rectify", headers),
                           headers=headers)
    assert response.status_code == 200 and reload(hazard.id).rectifier_id == world.principal_a.id


# --- who verifies ----------------------------------------------------------------------------------------

VERIFIERS = [  # (grade, level, who, status code)
    (Grade.general, 0, "principal_a", 200), (Grade.general, 0, "office_a", 200),
    (Grade.general, 0, "officer_a", 403), (Grade.general, 0, "district_inspector_a", 403),
    (Grade.general, 0, "principal_b", 404), (Grade.general, 0, "office_b", 404),
    (Grade.general, 1, "principal_a", 403), (Grade.general, 1, "office_a", 200),
    (Grade.major, 1, "principal_a", 403), (Grade.major, 1, "office_a", 200),
    (Grade.major, 1, "district_inspector_a", 403), (Grade.major, 1, "office_b", 404),
]


@pytest.mark.parametrize(("grade", "level", "who", "expected"), VERIFIERS)
def test_who_may_verify(client, world, grade, level, who, expected):
    hazard = make_hazard(world.school_a, status=S.awaiting_verification, grade=grade, level=level,
                         rectifier=world.principal_b)
    response = client.post(f"/api/v1/hazards/{hazard.id}/verify", json={"accepted": True},
                           headers=world.headers(who))
    assert response.status_code == expected, response.json
    assert reload(hazard.id).status == (S.closed if expected == 200 else S.awaiting_verification)


# --- may see, may not act --------------------------------------------------------------------------------

def _case(world, action):
    """(hazard in the state the action needs, path, body) at school A, someone else's work."""
    state = {"assign": S.reported, "dismiss": S.reported, "verify": S.awaiting_verification, "start": S.assigned,
             "rectify": S.assigned, "five-fixed": S.reported}[action]
    grade = Grade.major if action == "five-fixed" else Grade.general
    hazard = make_hazard(world.school_a, status=state, grade=grade, rectifier=world.principal_a,
                         assignee=world.principal_a if state == S.assigned else None)
    body = {"assign": {"assignee_id": world.officer_a.id}, "dismiss": {"reason": "不是隐患"},
            "verify": {"accepted": True}, "start": {}, "rectify": None, "five-fixed": plan()}[action]
    return hazard, body


ACTIONS = ["assign", "dismiss", "verify", "start", "rectify", "five-fixed"]


@pytest.mark.parametrize(("who", "expected"), [("officer_a", 403), ("district_inspector_a", 403),
                                               ("principal_b", 404), ("office_b", 404)])
@pytest.mark.parametrize("action", ACTIONS)
def test_seeing_a_hazard_is_not_acting_on_it(client, world, action, who, expected):
    hazard, body = _case(world, action)
    headers = world.headers(who)
    if body is None:
        body = _body(client, world, "rectify", headers)
    before = len(_events(hazard.id))
    response = client.post(f"/api/v1/hazards/{hazard.id}/{action}", json=body, headers=headers)
    assert response.status_code == expected, response.json
    after = reload(hazard.id)
    assert len(_events(hazard.id)) == before and after.five_fixed is None and after.assignee_id in (
        None, world.principal_a.id)


def test_the_assignee_may_start_and_rectify_their_own_hazard(client, world):
    hazard = make_hazard(world.school_a, status=S.assigned, assignee=world.officer_a)
    officer = world.headers("officer_a")
    assert client.post(f"/api/v1/hazards/{hazard.id}/start", json={}, headers=officer).status_code == 200
    response = client.post(f"/api/v1/hazards/{hazard.id}/rectify", json=_body(client, world, "rectify", officer),
                           headers=officer)
    assert response.status_code == 200 and response.json["rectifier_id"] == world.officer_a.id
    # …but not dismiss or assign it
    other = make_hazard(world.school_a, status=S.assigned, assignee=world.officer_a)
    assert client.post(f"/api/v1/hazards/{other.id}/dismiss", json={"reason": "x"}, headers=officer).status_code == 403
    assert client.post(f"/api/v1/hazards/{other.id}/assign", json={"assignee_id": world.officer_a.id},
                       headers=officer).status_code == 403


@pytest.mark.parametrize(("assignee", "expected"), [("officer_a", 200), ("district_inspector_a", 200),
                                                    ("office_a", 200), ("principal_c", 422), ("office_b", 422)])
def test_only_someone_who_can_see_the_school_can_be_assigned(client, world, assignee, expected):
    hazard = make_hazard(world.school_a)
    response = client.post(f"/api/v1/hazards/{hazard.id}/assign",
                           json={"assignee_id": getattr(world, assignee).id}, headers=world.headers("principal_a"))
    assert response.status_code == expected, response.json
    after = reload(hazard.id)
    if expected == 200:
        assert after.assignee_id == getattr(world, assignee).id and after.status == S.assigned
        assert _events(hazard.id)[-1].data["assignee_id"] == getattr(world, assignee).id
    else:
        assert "assignee_id" in response.json["error"]["fields"] and after.assignee_id is None


def test_an_inactive_user_cannot_be_assigned(client, world):
    hazard = make_hazard(world.school_a)
    gone = create_user(Role.inspector, school=world.school_a, active=False)
    db.session.commit()
    response = client.post(f"/api/v1/hazards/{hazard.id}/assign", json={"assignee_id": gone.id},
                           headers=world.headers("principal_a"))
    assert response.status_code == 422 and reload(hazard.id).status == S.reported


def test_a_user_with_two_roles_acts_only_where_each_role_allows(client, world):
    both = create_user(Role.inspector, school=world.school_a)
    both.roles.append(RoleAssignment(role=Role.principal, school=world.school_b))
    db.session.commit()
    at_a, at_b = make_hazard(world.school_a), make_hazard(world.school_b)
    headers = {"Authorization": world.headers("admin")["Authorization"]}
    from tests.factories import auth_headers
    headers = auth_headers(both)
    assert client.post(f"/api/v1/hazards/{at_a.id}/dismiss", json={"reason": "x"}, headers=headers).status_code == 403
    assert client.post(f"/api/v1/hazards/{at_b.id}/dismiss", json={"reason": "x"}, headers=headers).status_code == 200
    assert client.get(f"/api/v1/hazards/{at_a.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/hazards/{make_hazard(world.school_c).id}", headers=headers).status_code == 404


# --- deadlines ---------------------------------------------------------------------------------------------

def _reported(client, world, grade):
    response = client.post("/api/v1/hazards", json={"school_id": world.school_a.id, "title": "配电箱门损坏",
                                                    "grade": grade}, headers=world.headers("officer_a"))
    assert response.status_code == 201, response.json
    body = response.json
    opened = parse_aware(body["created_at"])
    interim = body["interim_deadline"] and parse_aware(body["interim_deadline"]) - opened
    return parse_aware(body["deadline"]) - opened, interim, body


@pytest.mark.parametrize(("configured", "general", "major", "interim"), [
    (None, 7 * DAY, 30 * DAY, timedelta(hours=24)),
    ({"general": {"deadline_days": 3}, "major": {"interim_hours": 12}}, 3 * DAY, 30 * DAY, timedelta(hours=12)),
    ({"major": {"deadline_days": 15}}, 7 * DAY, 15 * DAY, timedelta(hours=24)),
])
def test_deadlines_follow_the_policy_and_its_configuration(app, client, world, monkeypatch, configured, general,
                                                            major, interim):
    monkeypatch.setitem(app.config, "HAZARD_POLICY", configured)
    assert _reported(client, world, "general")[:2] == (general, None)
    assert _reported(client, world, "major")[:2] == (major, interim)


def test_a_major_hazard_goes_to_the_district_office_at_once_a_general_one_does_not(client, world):
    _, _, general = _reported(client, world, "general")
    _, _, major = _reported(client, world, "major")
    assert (general["level"], major["level"]) == (0, 1)
    assert [e["action"] for e in general["events"]] == ["opened"]
    assert [(e["action"], e["data"]) for e in major["events"]] == [("opened", {"source": "direct"}),
                                                                   ("escalated", {"level": 1, "reason": "major"})]
    told = db.session.scalars(select(Notification.recipient_id).where(Notification.kind == "hazard_major_reported")
                              .where(Notification.subject_id == major["id"])).all()
    assert sorted(told) == [world.office_a.id]


# --- the list: filters and order, by ids --------------------------------------------------------------------

@pytest.fixture
def listed(world):
    point = create_point(world.school_a, code="LIST-1")
    h = {
        "reported": make_hazard(world.school_a, deadline_in=3 * DAY, point=point, source=HazardSource.inspection),
        "assigned": make_hazard(world.school_a, status=S.assigned, grade=Grade.major, level=1, deadline_in=-2 * DAY),
        "closed": make_hazard(world.school_a, status=S.closed, deadline_in=-5 * DAY),
        "rectifying": make_hazard(world.school_a, status=S.rectifying, deadline_in=-1 * DAY,
                                  source=HazardSource.public),
        "dismissed": make_hazard(world.school_a, status=S.dismissed, deadline_in=8 * DAY),
        "awaiting": make_hazard(world.school_a, status=S.awaiting_verification, grade=Grade.major, level=1,
                                deadline_in=10 * DAY),
        "school_b": make_hazard(world.school_b, deadline_in=4 * DAY),
    }
    return {name: hazard.id for name, hazard in h.items()} | {"point": point.id}


def _ids(client, headers, **query):
    response = client.get("/api/v1/hazards", query_string={"per_page": 100, **query}, headers=headers)
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


@pytest.mark.parametrize(("query", "expected"), [
    ({}, ["assigned", "rectifying", "reported", "awaiting", "closed", "dismissed"]),
    ({"status": "reported"}, ["reported"]),
    ({"status": "assigned,rectifying"}, ["assigned", "rectifying"]),
    ({"severity": "major"}, ["assigned", "awaiting"]),
    ({"severity": "general"}, ["rectifying", "reported", "closed", "dismissed"]),
    ({"overdue": "true"}, ["assigned", "rectifying"]),
    ({"overdue": "false"}, ["reported", "awaiting", "closed", "dismissed"]),
    ({"open": "true"}, ["assigned", "rectifying", "reported", "awaiting"]),
    ({"level": 1}, ["assigned", "awaiting"]),
    ({"level": 0}, ["rectifying", "reported", "closed", "dismissed"]),
    ({"source": "public"}, ["rectifying"]),
    ({"category": "fire_equipment"}, ["reported"]),
    ({"point_id": "point"}, ["reported"]),
])
def test_filters_and_order_by_ids(client, world, listed, query, expected):
    query = {k: listed[v] if v == "point" else v for k, v in query.items()}
    assert _ids(client, world.headers("principal_a"), **query) == [listed[name] for name in expected]


def test_office_lists_by_school_and_counts_by_status(client, world, listed):
    office = world.headers("office_a")
    assert _ids(client, office, school_id=world.school_b.id) == [listed["school_b"]]
    assert listed["school_b"] in _ids(client, office) and listed["school_b"] not in _ids(
        client, world.headers("principal_a"))
    counts = client.get("/api/v1/hazards/counts", headers=world.headers("principal_a")).json
    assert counts == {"reported": 1, "assigned": 1, "rectifying": 1, "awaiting_verification": 1, "closed": 1,
                      "dismissed": 1}
    assert client.get("/api/v1/hazards/counts", headers=office).json["reported"] == 2
    assert client.get("/api/v1/hazards/counts", query_string={"severity": "major"},
                      headers=office).json == {"reported": 0, "assigned": 1, "rectifying": 0,
                                               "awaiting_verification": 1, "closed": 0, "dismissed": 0}


def test_since_includes_its_moment_and_until_excludes_it(client, world):
    hazard = make_hazard(world.school_a, created_ago=3 * DAY)
    newer = make_hazard(world.school_a)
    at = reload(hazard.id).created_at.isoformat()
    headers = world.headers("principal_a")
    assert _ids(client, headers, since=at) == [newer.id, hazard.id] or sorted(_ids(client, headers, since=at)) == \
        sorted([newer.id, hazard.id])
    assert _ids(client, headers, until=at) == []
    later = (reload(hazard.id).created_at + timedelta(seconds=1)).isoformat()
    assert _ids(client, headers, until=later) == [hazard.id]
    assert _ids(client, headers, since=later) == [newer.id]


def test_without_a_deadline_comes_after_deadlines_and_newest_first_among_equals(client, world):
    late = make_hazard(world.school_a, deadline_in=5 * DAY)
    first, second = make_hazard(world.school_a, deadline_in=2 * DAY), make_hazard(world.school_a)
    second_row = reload(second.id)
    second_row.deadline = reload(first.id).deadline
    untracked = make_hazard(world.school_a)
    reload(untracked.id).deadline = None
    db.session.commit()
    assert _ids(client, world.headers("principal_a")) == [second.id, first.id, late.id, untracked.id]
    assert now()  # the clock was not frozen: the order above is what a user sees today


def test_every_status_grade_source_level_and_action_has_its_labels(app):
    """One table per enum (hazards/labels.py), complete, so neither the pages nor the ledger ever fall back."""
    from safety.hazards import labels
    from safety.hazards.models import HazardSource
    from safety.hazards.policy import TRANSITIONS
    for table, values in ((labels.STATUS, list(S)), (labels.GRADE, list(Grade)), (labels.SOURCE, list(HazardSource)),
                          (labels.LEVEL, [0, 1, 2])):
        assert sorted(map(str, table)) == sorted(map(str, values))
        assert all(labels.shown(table, v) and labels.filed(table, v) for v in values)
    assert set(TRANSITIONS) | {"opened", "observed_again", "escalated", "five_fixed", "acknowledged", "extended",
                               "supervised", "comment", "deadline_set"} == set(labels.EVENT)
    with pytest.raises(KeyError):
        labels.filed(labels.LEVEL, 3)
