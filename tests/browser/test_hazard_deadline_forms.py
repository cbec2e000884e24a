"""The office's forms on the hazard page send a reason and respect the same bounds as the API (issue 11)."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from safety.core.clock import now
from safety.extensions import db
from safety.hazards.models import Hazard
from tests.browser.conftest import form_token
from tests.browser.test_pages_http import hazard_at, logged_in


def local_day(moment) -> str:
    return moment.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d")


def test_supervision_from_the_page_needs_a_reason_and_records_the_deadline_change(client, world):
    hazard = hazard_at(world.school_a, level=1, days_late=3)
    hazard_id, old_deadline = hazard.id, hazard.deadline
    logged_in(client, world.office_a)
    page = client.get(f"/hazards/{hazard_id}")
    html = page.get_data(as_text=True)
    supervise_form = html[html.index(f"/hazards/{hazard_id}/supervise"):].split("</form>")[0]
    assert 'name="reason"' in supervise_form and 'name="note"' not in supervise_form
    token = form_token(page)
    form = {"csrf_token": token, "supervisor": "李督导", "measures": "更换扶手", "responsible_person": "王校长",
            "funding": "专项", "contingency_plan": "专人值守", "plan_deadline": local_day(now() + timedelta(days=20))}
    refused = client.post(f"/hazards/{hazard_id}/supervise", data=form)
    assert refused.status_code == 422 and "reason" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Hazard, hazard_id).supervised_at is None
    done = client.post(f"/hazards/{hazard_id}/supervise", data={**form, "reason": "逾期三天未整改"})
    assert done.status_code == 303
    db.session.expire_all()
    hazard = db.session.get(Hazard, hazard_id)
    event = hazard.events[-1]
    assert (event.action, event.note, event.actor_id) == ("supervised", "逾期三天未整改", world.office_a.id)
    assert event.data["old_deadline"] == old_deadline.isoformat() and event.data["overdue_before"] is True
    assert hazard.deadline > now() + timedelta(days=19)


def test_the_extension_form_offers_only_days_within_the_bounds(client, world):
    hazard = hazard_at(world.school_a, level=1, days_late=3)
    logged_in(client, world.office_a)
    html = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    field = html[html.index('name="deadline"'):].split(">")[0]
    assert f'min="{local_day(hazard.deadline + timedelta(days=1))}"' in field
    assert f'max="{local_day(hazard.deadline + timedelta(days=29))}"' in field


def test_a_district_office_is_offered_only_comments_on_a_hazard_at_the_city(app, client, world):
    hazard = hazard_at(world.school_a, level=2, days_late=20)
    logged_in(client, world.office_a)
    html = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert f"/hazards/{hazard.id}/comment" in html
    assert all(f"/hazards/{hazard.id}/{action}" not in html for action in ("acknowledge", "extend", "supervise"))
    queue = client.get("/office/queue").get_data(as_text=True)
    assert f"H{hazard.id:06d}" in queue and f"/hazards/{hazard.id}/acknowledge" not in queue
    token = form_token(client.get(f"/hazards/{hazard.id}"))
    refused = client.post(f"/hazards/{hazard.id}/acknowledge", data={"csrf_token": token, "note": ""})
    assert refused.status_code == 403
    city = app.test_client()
    logged_in(city, world.city_office)
    assert f"/hazards/{hazard.id}/acknowledge" in city.get("/office/queue").get_data(as_text=True)


def test_the_principal_confirms_a_general_hazard_with_its_deadline_from_the_page(client, world):
    """Whoever confirms a general hazard (assigns it) may set its deadline on the page, within the policy's
    bounds like the API: 45 days is refused and nothing changes; three days is kept, with its history event."""
    hazard_id = hazard_at(world.school_a).id
    officer_id = world.officer_a.id
    logged_in(client, world.principal_a)
    token = form_token(client.get(f"/hazards/{hazard_id}"))
    too_late = local_day(now() + timedelta(days=45))
    refused = client.post(f"/hazards/{hazard_id}/assign", data={"csrf_token": token, "assignee_id": officer_id,
                                                                  "rectify_by": too_late})
    assert refused.status_code == 422
    db.session.expire_all()
    assert db.session.get(Hazard, hazard_id).assignee_id is None
    chosen = local_day(now() + timedelta(days=3))
    done = client.post(f"/hazards/{hazard_id}/assign", data={"csrf_token": token, "assignee_id": officer_id,
                                                               "rectify_by": chosen})
    assert done.status_code == 303
    db.session.expire_all()
    hazard = db.session.get(Hazard, hazard_id)
    assert local_day(hazard.deadline) == chosen and "deadline_set" in [e.action for e in hazard.events]
