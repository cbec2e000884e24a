"""Small things seen in the browser (issue 15), each pinned: the hazard page on a phone keeps its dates on one
line, a major hazard awaiting verification offers nobody at the school its 五落实 form, and the supervise form
takes the office back where it came from."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from safety.core.clock import now
from safety.extensions import db
from safety.hazards.models import Hazard
from tests.browser.conftest import PHONE, form_token, log_in
from tests.browser.test_every_page import scene  # noqa: F401 (the fixture)
from tests.browser.test_pages_http import hazard_at, logged_in
from tests.factories import PASSWORD

DATE = r"^\d{4}-\d\d-\d\d( \d\d:\d\d)?$"


def test_on_a_phone_the_hazard_facts_keep_each_date_on_one_line(browser, scene):  # noqa: F811
    page = browser(PHONE).new_page()
    log_in(page, "principal_a", PASSWORD)
    page.goto(f"/hazards/{scene['hazard_id']}")
    lines = page.evaluate("""(pattern) => [...document.querySelectorAll('dl.facts dd')]
        .filter((dd) => new RegExp(pattern).test(dd.textContent.trim()))
        .map((dd) => {
          const range = document.createRange();
          range.selectNodeContents(dd);
          return [dd.textContent.trim(), new Set([...range.getClientRects()].map((r) => r.top)).size];
        })""", DATE)
    assert len(lines) >= 4 and all(count == 1 for _text, count in lines), lines
    label, value = page.evaluate("""() => [...document.querySelector('dl.facts').children].slice(0, 2)
        .map((cell) => cell.getBoundingClientRect().width)""")
    assert label < value  # the values get the wider column


def test_a_major_hazard_awaiting_verification_shows_its_plan_but_offers_no_form(app, world, scene):  # noqa: F811
    for user in (world.principal_a, world.officer_a):
        client = app.test_client()
        logged_in(client, user)
        html = client.get(f"/hazards/{scene['hazard_id']}").get_data(as_text=True)
        assert "拆除门锁，改装推闩" in html  # the plan, read-only
        assert "/five-fixed" not in html and 'name="responsible_person"' not in html, user.username
    client = app.test_client()
    logged_in(client, world.principal_a)
    token = form_token(client.get(f"/hazards/{scene['hazard_id']}"))
    sent = client.post(f"/hazards/{scene['hazard_id']}/five-fixed", data={
        "csrf_token": token, "measures": "改为只换锁芯", "responsible_person": "王校长", "funding": "无",
        "plan_deadline": (now() + timedelta(days=5)).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d"),
        "contingency_plan": "无"})
    assert sent.status_code == 409
    assert db.session.get(Hazard, scene["hazard_id"]).five_fixed["measures"] == "拆除门锁，改装推闩"


def test_the_supervise_form_keeps_next_when_sent_and_when_refused(client, world):
    hazard = hazard_at(world.school_a, level=1, days_late=3)
    hazard_id = hazard.id
    logged_in(client, world.office_a)
    page = client.get(f"/hazards/{hazard_id}?next=/office/queue")
    html = page.get_data(as_text=True)
    supervise = html[html.index(f"/hazards/{hazard_id}/supervise"):].split("</form>")[0]
    assert '<input type="hidden" name="next" value="/office/queue">' in supervise
    form = {"csrf_token": form_token(page), "next": "/office/queue", "supervisor": "李督导", "measures": "更换扶手",
            "responsible_person": "王校长", "funding": "专项", "contingency_plan": "专人值守",
            "plan_deadline": (now() + timedelta(days=20)).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d")}
    refused = client.post(f"/hazards/{hazard_id}/supervise", data=form)  # no reason: the form comes back
    assert refused.status_code == 422
    assert '<input type="hidden" name="next" value="/office/queue">' in refused.get_data(as_text=True)
    done = client.post(f"/hazards/{hazard_id}/supervise", data={**form, "reason": "逾期三天未整改"})
    assert done.status_code == 303 and done.headers["Location"] == "/office/queue"


def test_a_deadline_moved_from_early_morning_shows_its_local_day(client, world):
    local = ZoneInfo("Asia/Shanghai")
    hazard = hazard_at(world.school_a, level=1)
    early = (now() + timedelta(days=3)).astimezone(local).replace(hour=6, minute=0, second=0, microsecond=0)
    hazard.deadline = early  # 06:00 local is the day before in UTC
    db.session.commit()
    hazard_id = hazard.id
    logged_in(client, world.office_a)
    page = client.get(f"/hazards/{hazard_id}")
    new_day = (early + timedelta(days=5)).strftime("%Y-%m-%d")
    done = client.post(f"/hazards/{hazard_id}/extend", data={"csrf_token": form_token(page), "deadline": new_day,
                                                             "reason": "等待材料"})
    assert done.status_code == 303
    html = client.get(f"/hazards/{hazard_id}").get_data(as_text=True)
    assert f"{early:%Y-%m-%d} → {new_day}" in html
