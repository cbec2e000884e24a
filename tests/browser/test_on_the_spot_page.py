"""In a real browser: a problem the inspector saw fixed during the inspection (立行立改) is sent from the phone as
fixed on the spot, and becomes a hazard closed there, with no deadline clock."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from safety.extensions import db
from safety.hazards.models import Hazard
from tests.browser.conftest import PHONE, capture, log_in, released
from tests.browser.test_inspection_flow import _fill_checklist, _point
from tests.factories import PASSWORD, scene


def test_a_failed_item_fixed_on_the_spot_is_closed_there(browser, world):
    token, point_id, items = _point(world)
    phone = browser(PHONE, is_mobile=True, has_touch=True).new_page()
    phone.goto(f"/login?next=/q/{token}")
    log_in(phone, "officer_a", PASSWORD, landing=f"/q/{token}")
    _fill_checklist(phone, items, photo_seed=21)
    gauge = phone.locator(f"#item-{items['gauge']}")
    gauge.locator("details.on-spot summary").click()
    gauge.locator(f"textarea[name=fix-{items['gauge']}]").fill("当场更换压力正常的灭火器")
    phone.click("#checklist button[type=submit]")  # the fix without a photo of the result: refused on the phone
    expect(gauge.locator(".item-error")).to_be_visible()
    gauge.locator(".fix-photo-input").set_input_files(
        {"name": "fixed.jpg", "mimeType": "image/jpeg", "buffer": scene(22)})
    expect(gauge.locator(".fix-count")).not_to_be_empty()
    capture(phone, "q-fixed-on-the-spot")
    phone.click("#checklist button[type=submit]")
    expect(phone.locator("#result [data-state=sent]")).to_be_visible()

    hazard = db.session.scalar(select(Hazard).where(Hazard.point_id == point_id))
    assert (hazard.status.value, hazard.on_the_spot, hazard.deadline) == ("closed", True, None)
    assert [e.action for e in hazard.events] == ["opened", "fix_on_the_spot"]
    assert hazard.measures == "当场更换压力正常的灭火器"
    released()
