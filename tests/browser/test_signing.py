"""In a real browser: the inspector signs a sent inspection on the pad, the head of the place countersigns on
the same phone, and the record (PDF) names both."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from safety.extensions import db
from safety.inspections.models import Inspection
from safety.signatures.models import Signature, SignedSubject
from tests.browser.conftest import PHONE, capture, log_in, released
from tests.browser.test_inspection_flow import _fill_checklist, _point
from tests.documents.support import flat, pdf_text
from tests.factories import PASSWORD


def _draw(page, canvas) -> None:
    canvas.scroll_into_view_if_needed()
    page.wait_for_function("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * box["width"] / 14, box["y"] + box["height"] * (0.3 + 0.4 * (step % 2)))
    page.mouse.up()


def test_the_inspector_and_the_head_of_the_place_sign_on_the_phone(browser, world):
    token, point_id, items = _point(world)
    phone = browser(PHONE, is_mobile=True, has_touch=True).new_page()
    phone.goto(f"/login?next=/q/{token}")
    log_in(phone, "officer_a", PASSWORD, landing=f"/q/{token}")
    _fill_checklist(phone, items, photo_seed=41)
    phone.click("#checklist button[type=submit]")
    expect(phone.locator("#result [data-state=sent]")).to_be_visible()
    phone.wait_for_timeout(800)  # the result scrolls into view smoothly: draw once the page stands still

    inspector = phone.locator(".signer[data-role=inspector]")
    inspector.locator("button.primary").click()  # nothing drawn yet: it says so and sends nothing
    expect(inspector.locator(".sign-status")).not_to_be_empty()
    _draw(phone, inspector.locator("canvas"))
    inspector.locator("button.primary").click()
    expect(inspector).to_have_attribute("data-signed", "1")
    counter = phone.locator(".signer[data-role=countersigner]")
    counter.locator("input[name=countersigner-name]").fill("后勤处 王主任")
    _draw(phone, counter.locator("canvas"))
    counter.locator("button.primary").click()
    expect(counter).to_have_attribute("data-signed", "1")
    capture(phone, "q-signed")

    record = phone.request.get(phone.locator("a.record-link").get_attribute("href"))
    assert record.status == 200
    text = flat(pdf_text(record.body()))
    inspection_id = db.session.scalar(select(Inspection.id).where(Inspection.point_id == point_id))
    signed = db.session.scalars(select(Signature).where(Signature.subject_type == SignedSubject.inspection,
                                                       Signature.subject_id == inspection_id)).all()
    assert sorted(s.role.value for s in signed) == ["countersigner", "inspector"]
    assert "后勤处王主任" in text and world.officer_a.display_name in text
    released()
