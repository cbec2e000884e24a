"""In a real browser: a QR scan to a closed hazard, and the offline path of the phone form.

Chromium (Debian's) is driven by Playwright against the app on localhost. Screenshots of every page are saved
at 360×740 and 1280×800 under test-artifacts/screenshots/, and no page may be wider than a 360 px phone.
"""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select

from safety.extensions import db
from safety.hazards.models import Hazard, HazardEvent
from safety.inspections.models import Inspection, InspectionStatus
from safety.photos.models import Photo, PhotoSubject, PhotoUse
from tests.browser.conftest import PHONE, capture, log_in, released
from tests.factories import PASSWORD, create_point, jpeg_bytes, scene


def _point(world):
    point = create_point(world.school_a, code="A-1F-EXT-01")
    db.session.commit()
    items = {item.key: item.id for item in point.template.current_version.items}
    token, point_id = point.qr_token, point.id
    released()
    return token, point_id, items


def _photo(name: str, seed: int) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": jpeg_bytes(seed=seed)}


def _fill_checklist(page, items: dict, *, photo_seed: int) -> None:
    """The small test checklist: the gauge fails (with a note and a photo), everything else passes."""
    gauge = page.locator(f"#item-{items['gauge']}")
    gauge.locator("input[value=fail]").check()
    expect(gauge.locator(".fail-panel")).to_be_visible()
    gauge.locator(f"textarea[name=note-{items['gauge']}]").fill("压力表指针在红区")
    gauge.locator(".photo-input").set_input_files(_photo("gauge.jpg", photo_seed))
    expect(gauge.locator(".previews img")).to_have_count(1)
    pressure = page.locator(f"#item-{items['pressure']}")
    pressure.locator("input[type=number]").fill("1.1")
    expect(pressure.locator("[data-computed]")).to_have_class("computed good")
    page.locator(f"#item-{items['access']} input[value=clear]").check()
    page.locator(f"#item-{items['exit_locked']} input[value=pass]").check()
    remarks = page.locator(f"#item-{items['remarks']}")
    remarks.locator("textarea").first.fill("无其他问题")
    remarks.locator("input[value=pass]").check()


def test_a_scan_becomes_a_hazard_the_principal_rectifies_and_the_office_verifies(browser, world):
    token, point_id, items = _point(world)
    officer_id, school_id = world.officer_a.id, world.school_a.id
    released()

    # The inspector's phone: the camera opens the label's address; log in once, back to the checklist.
    phone = browser(PHONE, is_mobile=True, has_touch=True).new_page()
    phone.goto(f"/q/{token}")
    capture(phone, "q-landing")
    phone.click(f"a[href^='/login?next=/q/{token}']")
    capture(phone, "login")
    log_in(phone, "officer_a", PASSWORD, landing=f"/q/{token}")
    expect(phone.locator("#checklist")).to_be_visible()
    capture(phone, "q-checklist")

    phone.click("#checklist button[type=submit]")  # nothing answered: every item says so
    expect(phone.locator("fieldset.item.invalid")).to_have_count(len(items))
    _fill_checklist(phone, items, photo_seed=11)
    capture(phone, "q-checklist-failed-item")
    phone.click("#checklist button[type=submit]")
    expect(phone.locator("#result [data-state=sent]")).to_be_visible()
    expect(phone.locator("#result li")).to_have_count(1)
    capture(phone, "q-submitted")

    inspection = db.session.scalar(select(Inspection).where(Inspection.point_id == point_id))
    hazard = db.session.scalar(select(Hazard).where(Hazard.point_id == point_id))
    assert (inspection.status, inspection.failed_count, inspection.inspector_id) == \
        (InspectionStatus.complete, 1, officer_id)
    assert hazard.status.value == "reported" and hazard.title == "不符合：压力表指针在绿区"
    hazard_id = hazard.id
    released()

    # The principal at a desk: the board lists it; assign, then record the rectification with a photo.
    desk = browser().new_page()
    log_in(desk, "principal_a", PASSWORD)
    assert desk.url.endswith(f"/school/{school_id}")
    expect(desk.locator(f"a.row[href='/hazards/{hazard_id}']")).to_be_visible()
    capture(desk, "school-board")
    desk.click(f"a.row[href='/hazards/{hazard_id}']")
    expect(desk.locator("ol.history .photos img")).to_have_count(1)
    capture(desk, "hazard-reported")
    desk.select_option("select[name=assignee_id]", str(officer_id))
    desk.click("form[action$='/assign'] button[type=submit]")
    rectify = desk.locator("form[action$='/rectify']")
    rectify.locator("textarea[name=note]").fill("已更换合格灭火器")
    rectify.locator("input[type=file]").set_input_files(  # a photo of the result, not of the problem
        {"name": "fixed.jpg", "mimeType": "image/jpeg", "buffer": scene(12)})
    expect(rectify.locator(".previews img")).to_have_count(1)
    rectify.locator("button[type=submit]").click()
    expect(desk.locator(".badge.st-awaiting_verification").first).to_be_visible()
    expect(desk.locator("form[action$='/verify']")).to_have_count(0)  # the rectifier may not verify
    capture(desk, "hazard-rectified")

    # The district office verifies and the hazard is closed.
    office = browser().new_page()
    log_in(office, "office_a", PASSWORD)
    capture(office, "office-dashboard-city")
    office.goto(f"/hazards/{hazard_id}")
    office.click("form[action$='/verify'] button[value=true]")
    expect(office.locator(".badge.st-closed").first).to_be_visible()
    capture(office, "hazard-closed")

    hazard = db.session.get(Hazard, hazard_id)
    assert hazard.status.value == "closed"
    assert [e.action for e in hazard.events] == ["opened", "assign", "rectify", "accept"]
    rectified = next(e for e in hazard.events if e.action == "rectify")
    assert db.session.scalar(select(func.count()).select_from(PhotoUse).where(
        PhotoUse.subject_type == PhotoSubject.hazard, PhotoUse.part_id == rectified.id)) == 1
    released()


def test_offline_a_submission_waits_on_the_phone_and_is_sent_exactly_once(browser, world):
    token, point_id, items = _point(world)
    context = browser(PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"/login?next=/q/{token}")
    log_in(page, "officer_a", PASSWORD, landing=f"/q/{token}")
    expect(page.locator("body[data-offline-ready]")).to_have_count(1)
    page.goto("/inspect")  # opened once online: both pages are kept for offline use
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    capture(page, "inspect-home")
    page.goto(f"/q/{token}")
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    context.set_offline(True)
    page.reload()  # from the service worker's copy
    expect(page.locator("#checklist")).to_be_visible()
    expect(page.locator("#offline-note")).to_be_visible()
    _fill_checklist(page, items, photo_seed=21)
    page.click("#checklist button[type=submit]")
    expect(page.locator("#result [data-state=waiting]")).to_be_visible()
    expect(page.locator("#outbox-banner")).to_be_visible()
    capture(page, "q-submitted-offline")
    page.goto("/inspect")
    expect(page.locator("#queue-list [data-state=waiting]")).to_have_count(1)
    capture(page, "inspect-queue-offline")
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 0
    released()

    context.set_offline(False)  # the connection returns: the queue empties by itself
    expect(page.locator("#queue-empty")).to_be_visible(timeout=15_000)
    page.evaluate("import('/static/pages/outbox.js').then((outbox) => outbox.flush())")  # a second send: no-op
    page.reload()
    expect(page.locator("#queue-empty")).to_be_visible()

    [inspection] = db.session.scalars(select(Inspection)).all()
    assert inspection.point_id == point_id and inspection.failed_count == 1
    assert inspection.status == InspectionStatus.complete  # its photo arrived too
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 1
    assert db.session.scalar(select(func.count()).select_from(HazardEvent)) == 1
    released()
