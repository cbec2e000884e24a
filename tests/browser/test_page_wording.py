"""Small things the pages must say right: an exclusive end shown as the last day, error pages without developer
text, form errors without the API's field names."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from safety.drills.models import Drill, DrillKind, DrillStatus
from safety.extensions import db
from tests.browser.conftest import form_token, page_login
from tests.factories import PASSWORD

LOCAL = ZoneInfo("Asia/Shanghai")


def test_a_window_ending_at_midnight_after_november_30_shows_november_30(client, world):
    drill = Drill(school_id=world.school_a.id, kind=DrillKind.fire, requirement="evacuation", period_key="2026-11",
                  window_start=datetime(2026, 11, 1, tzinfo=LOCAL), window_end=datetime(2026, 12, 1, tzinfo=LOCAL),
                  status=DrillStatus.assigned)
    db.session.add(drill)
    db.session.commit()
    page_login(client, "principal_a", PASSWORD)
    body = client.get(f"/drills/{drill.id}").get_data(as_text=True)
    assert "2026-11-01 – 2026-11-30" in body and "2026-12-01" not in body


def test_form_errors_name_no_api_field(client, world):
    page_login(client, "principal_a", PASSWORD)
    token = form_token(client.get(f"/school/{world.school_a.id}/staff"))
    response = client.post(f"/school/{world.school_a.id}/staff", data={
        "csrf_token": token, "role": "inspector", "display_name": "王", "username": "x", "password": PASSWORD})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "部分字段无效" in body
    assert "<code>username</code>" not in body and "username:" not in body
