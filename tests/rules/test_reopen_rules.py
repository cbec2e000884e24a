"""Reopening a closed hazard: who may, what it clears (closed_at), the fresh deadline the sweep then counts from
(not the old one, long passed), and the refusal when the point already has a newer open hazard for the item."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from safety.checklists.models import Grade
from safety.core.clock import frozen, now, parse_aware
from safety.extensions import db
from safety.hazards.models import HazardEvent
from safety.hazards.models import HazardStatus as S
from safety.scheduler.registry import run_job
from tests.browser.conftest import form_token, page_login
from tests.factories import PASSWORD, create_point
from tests.rules.support import DAY, make_hazard, reload

SECOND = timedelta(seconds=1)
REASON = {"reason": "复查发现灭火器压力仍不足"}


def _sweep(at) -> None:
    run = run_job("escalate_hazards", at)
    assert run.status == "ok", run.error
    db.session.expire_all()


def _closed_through_the_api(client, world, *, days_late: int):
    """A general hazard verified and closed `days_late` days after its deadline (no sweep ran meanwhile)."""
    hazard = make_hazard(world.school_a, status=S.awaiting_verification, rectifier=world.officer_a,
                         deadline_in=-days_late * DAY)
    response = client.post(f"/api/v1/hazards/{hazard.id}/verify", json={"accepted": True},
                           headers=world.headers("principal_a"))
    assert response.status_code == 200 and response.json["closed_at"] is not None
    return hazard.id


def test_reopening_clears_closed_at_and_the_sweep_counts_from_the_new_deadline(client, world):
    hazard_id = _closed_through_the_api(client, world, days_late=20)
    old_deadline = reload(hazard_id).deadline
    moment = now().replace(microsecond=0)
    with frozen(moment):
        response = client.post(f"/api/v1/hazards/{hazard_id}/reopen", json=REASON,
                               headers=world.headers("principal_a"))
    assert response.status_code == 200, response.json
    assert (response.json["status"], response.json["closed_at"]) == ("rectifying", None)
    hazard = reload(hazard_id)
    assert hazard.closed_at is None and hazard.deadline == moment + 7 * DAY  # the policy of a general hazard
    event = db.session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard_id)
                               .order_by(HazardEvent.id.desc())).first()
    assert (event.action, event.from_status, event.to_status, event.actor_id, event.note) == (
        "reopen", "closed", "rectifying", world.principal_a.id, REASON["reason"])
    assert parse_aware(event.data["old_deadline"]) == old_deadline
    assert parse_aware(event.data["new_deadline"]) == hazard.deadline
    _sweep(moment + SECOND)  # the old deadline passed 20 days ago: the hazard stays at the school
    assert reload(hazard_id).level == 0
    _sweep(hazard.deadline + SECOND)  # its new deadline passed: the district hears
    assert reload(hazard_id).level == 1


WHO = [  # (grade, level, who, status): whoever may verify the hazard may reopen it
    (Grade.general, 0, "principal_a", 200), (Grade.general, 0, "office_a", 200),
    (Grade.general, 0, "officer_a", 403), (Grade.general, 0, "principal_b", 404),
    (Grade.general, 1, "principal_a", 403), (Grade.general, 1, "office_a", 200),
    (Grade.major, 1, "principal_a", 403), (Grade.major, 1, "office_a", 200), (Grade.major, 1, "office_b", 404),
]


@pytest.mark.parametrize(("grade", "level", "who", "expected"), WHO)
def test_who_may_reopen(client, world, grade, level, who, expected):
    hazard = make_hazard(world.school_a, status=S.closed, grade=grade, level=level)
    response = client.post(f"/api/v1/hazards/{hazard.id}/reopen", json=REASON, headers=world.headers(who))
    assert response.status_code == expected, response.json
    after = reload(hazard.id)
    assert (after.status, after.closed_at is None) == ((S.rectifying, True) if expected == 200 else (S.closed, False))


def test_a_reopen_needs_a_reason(client, world):
    hazard = make_hazard(world.school_a, status=S.closed)
    response = client.post(f"/api/v1/hazards/{hazard.id}/reopen", json={"reason": ""},
                           headers=world.headers("principal_a"))
    assert response.status_code == 422 and "reason" in response.json["error"]["fields"]
    assert reload(hazard.id).status == S.closed


def test_no_reopen_when_the_point_has_a_newer_open_hazard_for_the_item(client, world):
    point = create_point(world.school_a)
    old = make_hazard(world.school_a, status=S.closed, point=point)
    newer = make_hazard(world.school_a, status=S.assigned, point=point)
    for hazard in (reload(old.id), reload(newer.id)):
        hazard.item_key = "extinguisher_pressure"
    db.session.commit()
    response = client.post(f"/api/v1/hazards/{old.id}/reopen", json=REASON, headers=world.headers("principal_a"))
    assert response.status_code == 409 and response.json["error"]["code"] == "already_open"
    after = reload(old.id)
    assert (after.status, after.deadline == old.deadline) == (S.closed, True)
    newer_row = reload(newer.id)
    newer_row.status = S.closed
    db.session.commit()
    response = client.post(f"/api/v1/hazards/{old.id}/reopen", json=REASON, headers=world.headers("principal_a"))
    assert response.status_code == 200 and response.json["status"] == "rectifying"


def test_the_page_offers_reopen_on_a_closed_hazard_and_sends_it_to_the_same_service(client, world):
    hazard = make_hazard(world.school_a, status=S.closed)
    open_one = make_hazard(world.school_a, status=S.assigned)
    page_login(client, world.principal_a.username, PASSWORD)
    assert "/reopen" not in client.get(f"/hazards/{open_one.id}").get_data(as_text=True)
    page = client.get(f"/hazards/{hazard.id}")
    assert f'action="/hazards/{hazard.id}/reopen"' in page.get_data(as_text=True)
    response = client.post(f"/hazards/{hazard.id}/reopen", data={"reason": "", "csrf_token": form_token(page)})
    assert response.status_code == 422 and reload(hazard.id).status == S.closed
    response = client.post(f"/hazards/{hazard.id}/reopen", data={**REASON, "csrf_token": form_token(page)})
    assert response.status_code == 303
    after = reload(hazard.id)
    assert (after.status, after.closed_at) == (S.rectifying, None)
