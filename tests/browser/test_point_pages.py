"""In a real browser: the principal adds a point, changes it, prints its label in a layout named in Chinese,
gives it a new QR code (the old one stops scanning) and retires it."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from safety.extensions import db
from safety.points.models import Point
from tests.browser.conftest import capture, log_in, released
from tests.factories import PASSWORD, create_template


def test_the_principal_manages_a_point_and_its_label(browser, world):
    create_template()
    db.session.commit()
    school_id = world.school_a.id
    released()

    page = browser().new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, "principal_a", PASSWORD)
    page.goto(f"/school/{school_id}/points")
    expect(page.locator("select[name=template] option").first).not_to_contain_text("a4-")
    page.click("summary >> text=新增巡查点")
    add = page.locator(f"form[action='/school/{school_id}/points']")
    add.locator("input[name=code]").fill("A-1F-EXT-09")
    add.locator("input[name=name_zh]").fill("一楼东侧灭火器")
    add.locator("button[type=submit]").click()
    expect(page.locator("p.note.ok")).to_contain_text("A-1F-EXT-09")
    expect(page.locator("h1")).to_contain_text("一楼东侧灭火器")

    page.fill("input[name=name_zh]", "一楼东侧走廊灭火器")
    page.click("form.stack button[type=submit]")
    expect(page.locator("h1")).to_contain_text("一楼东侧走廊灭火器")
    label = page.request.get(page.locator("section img").get_attribute("src"))
    assert label.status == 200 and label.headers["content-type"] == "image/png"
    expect(page.locator("section img")).to_have_js_property("complete", True)
    capture(page, "point-manage")
    options = page.locator("select[name=template] option").all_text_contents()
    assert options and all("-" not in text.split("（")[0] for text in options), options  # titles, not file names
    with page.expect_download() as download:
        page.click("text=打印此标签（PDF）")
    assert download.value.suggested_filename == "qr-label-A-1F-EXT-09.pdf"

    point = db.session.scalar(select(Point).where(Point.code == "A-1F-EXT-09"))
    old_token = point.qr_token
    released()
    page.click("text=更换二维码（旧标签失效）")
    expect(page.locator("p.note.ok")).to_contain_text("新二维码")
    assert page.request.get(f"/q/{old_token}").status == 404
    page.click("text=停用巡查点")
    expect(page.locator("h1 + p .badge.bad")).to_be_visible()
    db.session.expire_all()
    point = db.session.scalar(select(Point).where(Point.code == "A-1F-EXT-09"))
    assert point.retired_at is not None and point.qr_token != old_token
