"""In a real browser: a district inspector's point list is searchable, filtered by school and paginated; the
administrator lands on a page that leads to the work."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safety.extensions import db
from tests.browser.conftest import DESK, PHONE, capture, log_in, released
from tests.factories import PASSWORD, create_point

SIZES = pytest.mark.parametrize("size", [PHONE, DESK], ids=["phone", "desk"])


@SIZES
def test_a_district_inspector_searches_and_pages_through_many_points(browser, world, size):
    for n in range(40):
        create_point(world.school_a, code=f"A-{n:02d}", name_zh=f"甲校点位{n}")
    for n in range(5):
        create_point(world.school_b, code=f"B-{n:02d}", name_zh=f"乙校点位{n}")
    db.session.commit()
    school_b = world.school_b.id
    released()

    page = browser(size).new_page()
    log_in(page, "inspector_da", PASSWORD)
    expect(page.locator("a.row[href^='/inspect/points/']")).to_have_count(30)  # one page of 45
    expect(page.locator("nav.pager a")).to_have_count(2)
    page.select_option("select[name=school]", str(school_b))
    page.click("form.filters button[type=submit]")
    expect(page.locator("a.row[href^='/inspect/points/']")).to_have_count(5)
    page.fill("input[name=q]", "B-03")
    page.click("form.filters button[type=submit]")
    expect(page.locator("a.row[href^='/inspect/points/']")).to_have_count(1)
    capture(page, "inspect-home-search")
    page.click("a.row[href^='/inspect/points/']")  # on to the point's checklist
    expect(page.locator("#checklist")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("乙校点位3")


@SIZES
def test_the_administrator_lands_on_the_administration_page(browser, world, size):
    released()
    page = browser(size).new_page()
    log_in(page, "admin", PASSWORD)
    expect(page.locator("h1")).to_have_text("系统管理")
    capture(page, "admin-home")
    page.click("a.tile >> text=用户管理")
    expect(page.locator("li.user-row[data-username=principal_c]")).to_be_visible()
