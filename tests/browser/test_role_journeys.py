"""In a real browser, the journeys the other browser tests walk at one size only, walked at the other: the city
office on a phone and at a desk, the principal assigning on a phone, the school's safety officer rectifying at a
desk, the class teacher at a desk. (The inspectors, principal, district office and administrator walk theirs in the
other files.)"""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from safety.campaigns.models import ClassLetter
from safety.core.clock import now
from safety.extensions import db
from safety.hazards.models import Hazard, HazardSource, HazardStatus
from safety.hazards.services import assign, report
from tests.browser.conftest import DESK, PHONE, capture, log_in, open_drowning_season, released
from tests.factories import PASSWORD, create_class, create_user, scene

SIZES = pytest.mark.parametrize("size", [PHONE, DESK], ids=["phone", "desk"])


@SIZES
def test_the_city_office_finds_a_hazard_escalated_to_the_city_and_acknowledges_it(browser, world, size):
    hazard = report(None, world.school_c, {"title": "围墙倾斜，有倒塌危险", "description": "操场北侧"},
                    HazardSource.direct)
    hazard.level, hazard.escalated_at, hazard.deadline = 2, now() - timedelta(days=1), now() - timedelta(days=9)
    district = report(None, world.school_a, {"title": "楼梯扶手松动"}, HazardSource.direct)
    district.level, district.escalated_at = 1, now() - timedelta(days=1)  # the district's to act on
    db.session.commit()
    hazard_id, district_id = hazard.id, district.id
    released()

    page = browser(size).new_page()
    log_in(page, "city_office", PASSWORD)
    expect(page.locator("main")).to_contain_text("甲区")
    expect(page.locator("main")).to_contain_text("乙区")
    capture(page, "city-office-dashboard")
    page.click("nav >> text=督办队列")
    row = page.locator(f"li.queue-row[data-kind=hazard][data-id='{hazard_id}']")
    expect(row).to_contain_text("围墙倾斜")
    capture(page, "city-office-queue")
    row.locator("form.row-action button[type=submit]").click()
    expect(row.locator("[data-acknowledged]")).to_be_visible()
    page.goto(f"/hazards/{district_id}")  # a district's hazard: the city reads it, comments, does not act
    expect(page.locator("form[action$='/acknowledge']")).to_have_count(0)
    capture(page, "city-office-district-hazard")
    assert db.session.get(Hazard, hazard_id).acknowledged_at is not None
    assert db.session.get(Hazard, district_id).acknowledged_at is None
    released()


def test_the_principal_assigns_a_reported_hazard_on_a_phone(browser, world):
    hazard = report(None, world.school_a, {"title": "教室插座松脱", "description": "三年级一班"}, HazardSource.direct)
    db.session.commit()
    hazard_id, officer_id, school_id = hazard.id, world.officer_a.id, world.school_a.id
    released()

    page = browser(PHONE, is_mobile=True, has_touch=True).new_page()
    log_in(page, "principal_a", PASSWORD)
    page.click(f"nav.tabs a[href='/school/{school_id}?status=reported']")
    page.click(f"a.row[href='/hazards/{hazard_id}']")
    assign_form = page.locator("form[action$='/assign']")
    assign_form.locator("select[name=assignee_id]").select_option(str(officer_id))
    rectify_by = (now() + timedelta(days=3)).astimezone().strftime("%Y-%m-%d")
    assign_form.locator("input[name=rectify_by]").fill(rectify_by)
    assign_form.locator("button[type=submit]").click()
    expect(page.locator("p.note.ok")).to_contain_text("已交办")
    expect(page.locator("dl.facts")).to_contain_text(rectify_by)
    capture(page, "principal-phone-assigned")
    hazard = db.session.get(Hazard, hazard_id)
    assert hazard.assignee_id == officer_id and hazard.status == HazardStatus.assigned
    released()


def test_the_safety_officer_rectifies_an_assigned_hazard_at_a_desk(browser, world):
    hazard = report(None, world.school_a, {"title": "消防通道堆放杂物", "description": "食堂后门"},
                    HazardSource.direct)
    assign(world.principal_a, hazard, world.officer_a, "今天清理")
    db.session.commit()
    hazard_id = hazard.id
    released()

    page = browser(DESK).new_page()
    log_in(page, "officer_a", PASSWORD)
    page.click("nav >> text=我的隐患")
    page.click(f"a.row[href='/hazards/{hazard_id}']")
    page.click("form[action$='/start'] button[type=submit]")
    expect(page.locator("p.note.ok")).to_be_visible()
    rectify = page.locator("form[action$='/rectify']")
    rectify.locator("textarea[name=note]").fill("杂物已清理，通道畅通")
    rectify.locator("input[type=file]").set_input_files({"name": "clear.jpg", "mimeType": "image/jpeg",
                                                        "buffer": scene(41)})
    expect(rectify.locator(".previews img")).to_have_count(1)
    rectify.locator("button[type=submit]").click()
    expect(page.locator(".badge.st-awaiting_verification").first).to_be_visible()
    expect(page.locator("form[action$='/verify']")).to_have_count(0)  # not their own work
    capture(page, "officer-desk-rectified")
    assert db.session.get(Hazard, hazard_id).status == HazardStatus.awaiting_verification
    released()


def test_the_class_teacher_keeps_the_roster_and_counts_paper_slips_at_a_desk(browser, world):
    from safety.accounts.models import Role, RoleAssignment
    own = create_class(world.school_a, grade=5, name="2班", student_count=2)
    teacher = create_user(username="teacher_a")
    teacher.roles = [RoleAssignment(role=Role.class_teacher, school_id=own.school_id, class_id=own.id)]
    db.session.commit()
    open_drowning_season()
    letter = db.session.scalar(select(ClassLetter).where(ClassLetter.class_id == own.id))
    own_id, campaign_id = own.id, letter.campaign_id
    released()

    page = browser(DESK).new_page()
    log_in(page, "teacher_a", PASSWORD)
    expect(page.locator("h1")).to_have_text("我的班级")
    capture(page, "teacher-desk-classes")
    page.goto(f"/classes/{own_id}/roster")
    page.fill("textarea[name=roster]", "2027101 陈一\n2027102 林二")
    page.click("main form button[type=submit]")
    expect(page.locator("p.note.ok")).to_be_visible()
    page.goto(f"/classes/{own_id}/campaigns/{campaign_id}")
    expect(page.locator("ul.chase li")).to_have_count(2)
    paper = page.locator("form[action$='/paper-receipts']")
    paper.locator("input[name=count]").fill("2")
    paper.locator("button[type=submit]").click()
    expect(page.locator("p.lead")).to_contain_text("2")
    capture(page, "teacher-desk-class-campaign")
    db.session.expire_all()
    assert db.session.get(ClassLetter, letter.id).paper_receipts == 2
    released()
