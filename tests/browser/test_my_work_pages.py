"""In a real browser: the safety officer's phone sends its location with a checklist, sees the hazard the
checklist opened (with its link), finds it again under "My hazards", and the hazard page names its verifier."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from safety.extensions import db
from safety.hazards.models import Hazard
from safety.hazards.services import assign
from safety.inspections.models import Inspection
from tests.browser.conftest import PHONE, capture, log_in, released
from tests.browser.test_inspection_flow import _fill_checklist, _point
from tests.factories import PASSWORD


def test_a_checklist_sends_the_location_and_its_hazard_waits_under_my_hazards(browser, world):
    token, point_id, items = _point(world)
    phone = browser(PHONE, is_mobile=True, has_touch=True, geolocation={"latitude": 30.59, "longitude": 114.31},
                    permissions=["geolocation"]).new_page()
    log_in(phone, "officer_a", PASSWORD)
    phone.goto(f"/q/{token}")
    expect(phone.locator("#location-status")).to_have_text("位置：已获取（随巡查记录一并提交）。")
    _fill_checklist(phone, items, photo_seed=21)
    phone.click("#checklist button[type=submit]")
    expect(phone.locator("#result [data-state=sent]")).to_be_visible()
    opened = phone.locator("#result li a")
    expect(opened).to_have_count(1)
    capture(phone, "q-submitted-with-hazard")

    inspection = db.session.scalar(select(Inspection).where(Inspection.point_id == point_id))
    assert (round(inspection.latitude, 2), round(inspection.longitude, 2)) == (30.59, 114.31)
    hazard = db.session.scalar(select(Hazard).where(Hazard.point_id == point_id))
    assign(world.principal_a, hazard, world.officer_a, "请本周内处理")
    db.session.commit()
    hazard_id = hazard.id
    released()

    phone.click("nav >> text=我的隐患")
    expect(phone.locator(f"a.row[href='/hazards/{hazard_id}']")).to_be_visible()
    capture(phone, "my-hazards")
    phone.click(f"a.row[href='/hazards/{hazard_id}']")
    expect(phone.locator("dl.facts")).to_contain_text("验收人")
    expect(phone.locator("dl.facts")).to_contain_text(world.principal_a.display_name)
    phone.goto(f"/q/{token}")  # the point's page links its open hazard
    expect(phone.locator(f"a[href='/hazards/{hazard_id}']")).to_be_visible()

