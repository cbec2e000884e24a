"""In a real browser: the unread count in the menu, the inbox, and a notification opening its hazard."""
from __future__ import annotations

from playwright.sync_api import expect

from safety.extensions import db
from safety.hazards.models import HazardSource
from safety.hazards.services import report
from tests.browser.conftest import PHONE, capture, log_in, released
from tests.factories import PASSWORD, enqueue


def test_the_menu_counts_unread_notifications_and_one_opens_its_hazard(browser, world):
    hazard = report(None, world.school_a, {"title": "配电房门锁损坏"}, HazardSource.direct)
    db.session.flush()
    enqueue(world.principal_a.id, "hazard_major_reported", "hazard", hazard.id, world.school_a.id)
    db.session.commit()
    hazard_id = hazard.id
    released()

    page = browser(PHONE).new_page()
    log_in(page, "principal_a", PASSWORD)
    expect(page.locator("a.inbox-link .count")).to_have_text("1")
    page.click("a.inbox-link")
    expect(page.locator("ul.inbox li.unread")).to_have_count(1)
    capture(page, "inbox")
    base = page.url.split("/inbox")[0]
    page.locator("ul.inbox li.unread button").click()
    expect(page).to_have_url(f"{base}/hazards/{hazard_id}")
    expect(page.locator("a.inbox-link .count")).to_have_count(0)

    other = browser(PHONE).new_page()  # every role has the inbox; nobody sees anyone else's notifications
    log_in(other, "office_a", PASSWORD)
    other.click("a.inbox-link")
    expect(other.locator("ul.inbox li[data-id]")).to_have_count(0)
