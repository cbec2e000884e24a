"""In a real browser on a phone: the escalation queue is compact, and an office acknowledges many hazards at once."""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import func, select

from safety.core.clock import now
from safety.extensions import db
from safety.hazards.models import Hazard, HazardSource
from safety.hazards.services import report
from tests.browser.conftest import PHONE, capture, log_in, released
from tests.factories import PASSWORD

QUEUE_PAGE = 50


def test_a_phone_queue_is_compact_and_acknowledges_the_selected_hazards(browser, world):
    for n in range(QUEUE_PAGE):
        hazard = report(None, world.school_a, {"title": f"教学楼{n}号栏杆松动，需要尽快更换固定螺栓"},
                        HazardSource.direct)
        hazard.level, hazard.escalated_at, hazard.deadline = 1, now() - timedelta(days=2), now() - timedelta(days=2)
    db.session.commit()
    released()

    page = browser(PHONE).new_page()
    log_in(page, "office_a", PASSWORD)
    page.goto("/office/queue")
    expect(page.locator("li.queue-row")).to_have_count(QUEUE_PAGE)
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"queue of {QUEUE_PAGE} at 360 px: {height} px tall")
    assert height < 8000, height  # it was about 15,000 px
    capture(page, "office-queue-phone")

    page.check("input[data-check-all]")
    page.click("form#bulk button[type=submit]")
    expect(page.locator("p.note.ok")).to_contain_text(str(QUEUE_PAGE))
    expect(page.locator("[data-acknowledged]")).to_have_count(QUEUE_PAGE)
    assert db.session.scalar(select(func.count(Hazard.id)).where(Hazard.acknowledged_at.is_not(None))) == QUEUE_PAGE
