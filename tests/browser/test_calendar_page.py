"""In a real browser: a district office adds a holiday to its calendar; the school's principal reads it."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import capture, log_in, released
from tests.factories import PASSWORD


def test_an_office_keeps_the_calendar_and_a_principal_reads_it(browser, world):
    school = world.school_a.id
    released()
    office = browser().new_page()
    office.on("dialog", lambda dialog: dialog.accept())
    log_in(office, "office_a", PASSWORD)
    office.click("nav >> text=校历")
    office.fill("input[name=name_zh]", "劳动节")
    office.select_option("select[name=kind]", "holiday")
    office.fill("input[name=starts_on]", "2027-05-01")
    office.fill("input[name=ends_on]", "2027-05-05")
    office.click("main form.stack button[type=submit]")
    expect(office.locator("ul.calendar li")).to_contain_text("2027-05-01 – 2027-05-05")
    office.fill("input[name=name_zh]", "重叠的假期")
    office.select_option("select[name=kind]", "holiday")
    office.fill("input[name=starts_on]", "2027-05-03")
    office.fill("input[name=ends_on]", "2027-05-04")
    office.click("main form.stack button[type=submit]")
    expect(office.locator(".note.bad")).to_be_visible()  # overlaps: refused, with the reason
    capture(office, "calendar-office")

    principal = browser().new_page()
    log_in(principal, "principal_a", PASSWORD)
    principal.click("nav >> text=校历")
    expect(principal).to_have_url(f"{principal.url.split('/calendar')[0]}/calendar?school={school}")
    expect(principal.locator("ul.calendar li")).to_contain_text("劳动节")
    expect(principal.locator("main form")).to_have_count(0)  # read only
