"""In a real browser: a principal opens the danger map (markers drawn by the vendored Leaflet from the page's
GeoJSON, no tiles configured), fills in a water body's ledger, and sees it on the map; an office sees its region."""
from __future__ import annotations

from playwright.sync_api import expect

from safety.checklists.models import Category
from safety.extensions import db
from tests.browser.conftest import PHONE, capture, log_in, released
from tests.factories import PASSWORD, create_point


def test_a_principal_keeps_the_ledger_on_the_danger_map(browser, world, live_server):
    world.school_a.latitude, world.school_a.longitude = 30.2755, 120.1566
    pond = create_point(world.school_a, code="A-WAT-01", category=Category.water_body.value, name_zh="村口鱼塘",
                        latitude=30.2801, longitude=120.1602)
    create_point(world.school_a, code="A-GATE-01", latitude=30.2741, longitude=120.1551)
    create_point(world.school_c, code="C-WAT-09", category=Category.water_body.value, name_zh="乙区水库",
                 latitude=30.5, longitude=120.5)
    db.session.commit()
    pond_id = pond.id
    released()
    outside = []
    context = browser(size=PHONE)
    context.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server) else None)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in(page, "principal_a", PASSWORD)
    page.click("nav >> text=危险水域")
    expect(page.locator("#danger-map-status")).to_have_text("地图上共 3 个对象。")
    expect(page.locator("#danger-map .leaflet-interactive")).to_have_count(3)  # school, gate, pond; not school C's
    expect(page.locator("main")).not_to_contain_text("乙区水库")
    capture(page, "waters-map-principal")

    page.click(f"a[href='/waters/{pond_id}']")
    page.select_option("select[name=risk_grade]", "high")
    page.fill("input[name=owner]", "石桥村村民委员会")
    page.fill("input[name=depth_m]", "2.5")
    page.fill("input[name=warning_signs]", "2")
    page.check("input[value=life_ring]")
    page.check("input[value=rescue_rope]")
    page.fill("input[name=responsible_unit]", "石桥镇水利站")
    page.fill("input[name=responsible_person]", "王站长")
    capture(page, "water-body-form")
    page.click("main form button[type=submit]")
    expect(page.locator("main")).to_contain_text("救生圈、救生绳")
    page.locator("#danger-map .leaflet-interactive").nth(2).click(force=True)
    expect(page.locator(".leaflet-popup-content")).to_contain_text("权属主体：石桥村村民委员会")
    assert not errors, errors
    assert not outside, outside  # no CDN, no tiles: nothing leaves the site

    office = browser().new_page()
    log_in(office, "city_office", PASSWORD)
    office.goto(f"/waters?region={world.district_b.id}")
    expect(office.locator("#danger-map .leaflet-interactive")).to_have_count(1)
    expect(office.locator("#danger-map-status")).to_contain_text("1")
    expect(office.locator("main")).to_contain_text("乙区水库")
    capture(office, "waters-map-office")
