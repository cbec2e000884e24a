"""In a real browser: the office's escalation queue and dashboard, the school's other pages, the public report."""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from safety.core.clock import now
from safety.demo.drills import plan_pdf
from safety.drills.models import Drill, DrillKind, DrillStatus
from safety.extensions import db
from safety.hazards.models import Hazard, HazardSource
from safety.hazards.services import report
from tests.browser.conftest import PHONE, capture, log_in, open_campaign, released
from tests.factories import PASSWORD, create_point, jpeg_bytes


def test_the_queue_shows_an_escalated_hazard_and_an_office_action_changes_it(browser, world):
    hazard = report(None, world.school_a, {"title": "教学楼二楼栏杆松动", "description": "东侧楼梯口"},
                    HazardSource.direct)
    hazard.level, hazard.escalated_at, hazard.deadline = 1, now() - timedelta(days=2), now() - timedelta(days=2)
    quiet = report(None, world.school_b, {"title": "食堂地面湿滑"}, HazardSource.direct)  # not escalated
    foreign = report(None, world.school_c, {"title": "围墙裂缝"}, HazardSource.direct)  # another district
    db.session.commit()
    hazard_id, quiet_id, foreign_id, district_id = hazard.id, quiet.id, foreign.id, world.district_a.id
    released()

    page = browser().new_page()
    log_in(page, "office_a", PASSWORD)
    page.goto("/office/queue")
    row = page.locator(f"li.queue-row[data-kind=hazard][data-id='{hazard_id}']")
    expect(row).to_be_visible()
    expect(page.locator(f"li.queue-row[data-id='{quiet_id}']")).to_have_count(0)
    expect(row.locator("[data-acknowledged]")).to_have_count(0)
    capture(page, "office-queue")
    row.locator("form button[type=submit]").click()
    expect(page).to_have_url(f"{page.url.split('/office')[0]}/office/queue")
    expect(row.locator("[data-acknowledged]")).to_be_visible()

    page.select_option("select[name=acknowledged]", "false")  # the filter hides what was acknowledged
    page.click("form.filters button[type=submit]")
    expect(page.locator(f"li.queue-row[data-id='{hazard_id}']")).to_have_count(0)

    page.goto(f"/hazards/{hazard_id}?next=/office/queue")
    page.click("summary >> nth=1")  # extend the deadline
    new_day = (now() + timedelta(days=10)).astimezone().strftime("%Y-%m-%d")
    extend = page.locator("form[action$='/extend']")
    extend.locator("input[name=deadline]").fill(new_day)
    extend.locator("textarea[name=reason]").fill("需采购新栏杆，等待施工")
    base = page.url.split("/hazards")[0]
    extend.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{base}/office/queue")  # back where the office came from
    page.goto(f"/hazards/{hazard_id}")
    expect(page.locator("ol.history li")).to_have_count(3)  # opened, acknowledged, extended
    capture(page, "hazard-office-actions")

    hazard = db.session.get(Hazard, hazard_id)
    assert hazard.acknowledged_at is not None and hazard.extensions == 1
    assert hazard.deadline > now() + timedelta(days=9)
    assert [e.action for e in hazard.events][-2:] == ["acknowledged", "extended"]
    released()

    page.goto(f"/office?region={district_id}")  # drill down: the district's schools
    expect(page.locator(f"a.row[href='/school/{world.school_a.id}']")).to_be_visible()
    capture(page, "office-dashboard-district")
    page.goto(f"/hazards/{foreign_id}")  # another district's hazard: the 404 page
    expect(page.locator("h1")).to_have_text("404")
    capture(page, "error-404")


def test_the_schools_points_a_drill_report_and_a_public_report(browser, world):
    point = create_point(world.school_a, code="A-2F-EXT-02")
    drill = Drill(school_id=world.school_a.id, kind=DrillKind.fire, requirement="evacuation", period_key="2026-11",
                  window_start=now() - timedelta(days=20), window_end=now() + timedelta(days=10),
                  status=DrillStatus.assigned)
    db.session.add(drill)
    db.session.commit()
    open_campaign(world)
    token, drill_id, school_id = point.qr_token, drill.id, world.school_a.id
    released()

    desk = browser().new_page()
    log_in(desk, "principal_a", PASSWORD)
    desk.click("#campaigns h3 a")
    expect(desk.locator("h1")).to_contain_text("防欺凌专项治理")
    capture(desk, "school-campaign")
    desk.goto(f"/school/{school_id}/points")
    expect(desk.locator("ul.rows li")).to_have_count(1)
    capture(desk, "school-points")
    desk.goto(f"/drills/{drill_id}")
    held = (now() - timedelta(days=1)).astimezone().strftime("%Y-%m-%dT%H:%M")
    desk.fill("input[name=conducted_at]", held)
    desk.fill("textarea[name=scenario]", "二楼实验室起火")
    desk.select_option("select[name=time_of_day]", "break_time")
    desk.fill("input[name=staff_count]", "40")
    desk.fill("input[name=student_count]", "860")
    desk.check("input[name=head_count_done]")
    desk.fill("input[name=building]", "教学楼")
    desk.fill("input[name=evacuation_seconds]", "95")
    desk.fill("textarea[name=review]", "全校疏散演练，秩序良好")
    desk.set_input_files("input[name=plan]", {"name": "方案.pdf", "mimeType": "application/pdf",
                                              "buffer": plan_pdf("演练方案", ["一、演练目的"])})
    desk.set_input_files("input[name=photos]", {"name": "drill.jpg", "mimeType": "image/jpeg",
                                                "buffer": jpeg_bytes(seed=31)})
    desk.click("summary >> text=需要改进的问题")
    desk.fill("input[name=improvement_text]", "三楼东侧楼梯疏散指示灯不亮")
    desk.check("input[name=improvement_action]")
    desk.click("form[action$='/report'] button[type=submit]")
    expect(desk.locator(".photos img")).to_have_count(1)
    expect(desk.locator("p.note.ok").first).to_have_text("演练记录已提交。")
    expect(desk.locator("a.hazard-link")).to_have_count(1)  # the improvement, opened as a hazard, linked
    capture(desk, "drill-reported")
    reported = db.session.get(Drill, drill_id)
    assert reported.status == DrillStatus.reported and reported.student_count == 860
    assert reported.plan is not None and reported.flag_list == []
    released()

    # Anyone with the code: the public report, with a photo.
    phone = browser(PHONE, is_mobile=True, has_touch=True).new_page()
    phone.goto(f"/q/{token}/report")
    phone.fill("textarea[name=description]", "灭火器箱门坏了，关不上")
    phone.set_input_files("input[name=file]", {"name": "box.jpg", "mimeType": "image/jpeg",
                                               "buffer": jpeg_bytes(seed=32)})
    expect(phone.locator(".previews img")).to_have_count(1)
    capture(phone, "q-report")
    phone.click("#report button[type=submit]")
    expect(phone.locator("#report-done")).to_be_visible()
    capture(phone, "q-report-sent")
    reported = db.session.scalar(select(Hazard).where(Hazard.source == HazardSource.public))
    assert reported.point_id == point.id and reported.description == "灭火器箱门坏了，关不上"
    assert f"H{reported.id:06d}" in phone.locator("#report-done").inner_text()
    released()

    # Someone from another school scans the code: told plainly, and offered the report form.
    stranger = browser(PHONE, is_mobile=True).new_page()
    stranger.goto(f"/login?next=/q/{token}")
    log_in(stranger, "principal_c", PASSWORD, landing=f"/q/{token}")
    expect(stranger.locator("#checklist")).to_have_count(0)
    expect(stranger.locator(f"a[href='/q/{token}/report']")).to_be_visible()
    capture(stranger, "q-not-allowed")
    stranger.goto("/offline")
    capture(stranger, "offline")
