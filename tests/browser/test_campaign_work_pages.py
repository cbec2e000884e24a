"""In a real browser, the principal does the school's campaign work, on a phone and at a desk: reports the survey
and a class's themed lesson with a photo, puts the anti-bullying committee together and records its meeting,
logs an incident and takes it along its clock to closing, records a class's paper slips and downloads every
class's letter codes. Each page is captured at 360 px and desk size with the axe-core check."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from safety.accounts.models import Role, RoleAssignment
from safety.campaigns.models import (
    Campaign,
    CampaignActivity,
    CampaignDefinition,
    ClassLetter,
    CommitteeMember,
    Incident,
    IncidentStatus,
)
from safety.extensions import db
from tests.browser.conftest import DESK, PHONE, capture, log_in, open_campaign, open_drowning_season, released
from tests.factories import PASSWORD, create_class, create_user, scene

SIZES = pytest.mark.parametrize("size", [PHONE, DESK], ids=["phone", "desk"])


def _bullying_campaign(world) -> int:
    open_campaign(world)
    return db.session.scalar(select(Campaign.id).join(CampaignDefinition)
                             .where(CampaignDefinition.code == "anti_bullying"))


def _open(page, summary_text: str):
    """Open a folded form (its <details>) by the text of its summary."""
    summary = page.locator("summary", has_text=summary_text).first
    if summary.locator("xpath=..").get_attribute("open") is None:
        summary.click()


def _principal_in_campaign(browser, world, size):
    """The bullying campaign opened at school A, and a page logged in as its principal."""
    campaign_id, school_id = _bullying_campaign(world), world.school_a.id
    released()
    page = browser(size).new_page()
    log_in(page, "principal_a", PASSWORD)
    return campaign_id, school_id, page


@SIZES
def test_the_principal_reports_the_survey_and_a_lesson_with_a_photo(browser, world, tmp_path, size):
    campaign_id, school_id, page = _principal_in_campaign(browser, world, size)
    page.goto(f"/school/{school_id}")
    page.locator("#campaigns a", has_text="防欺凌专项治理").first.click()
    expect(page.locator("h1")).to_contain_text("防欺凌专项治理")
    capture(page, "principal-campaign-work")

    _open(page, "学生欺凌问卷调查")
    survey = page.locator("form[data-activity=survey]")
    survey.locator("input[name=count_surveyed]").fill("330")
    survey.locator("input[name=count_enrolled]").fill("320")
    survey.locator("button[type=submit]").click()
    expect(page.locator("div.note.bad")).to_contain_text("问卷人数超过在校人数")
    survey = page.locator("form[data-activity=survey]")
    survey.locator("input[name=count_surveyed]").fill("300")
    survey.locator("button[type=submit]").click()
    expect(page.locator("p.note.ok[role=status]")).to_contain_text("学生欺凌问卷调查")

    _open(page, "防欺凌主题班会")
    lesson = page.locator("form[data-activity=lesson]")
    lesson.locator("select[name=class_id]").select_option(index=1)
    lesson.locator("input[name=count_participants]").fill("36")
    photo = tmp_path / "lesson.jpg"
    photo.write_bytes(scene(61))
    lesson.locator("input[type=file]").set_input_files(str(photo))
    expect(lesson.locator("xpath=..").locator(".previews img")).to_have_count(1)
    lesson.locator("button[type=submit]").click()
    expect(page.locator("p.note.ok[role=status]")).to_contain_text("防欺凌主题班会")
    expect(page.locator("#reported")).to_contain_text("参加学生人数：36")
    expect(page.locator("#reported .photos img")).to_have_count(1)
    capture(page, "principal-campaign-reported")
    released()
    kinds = db.session.execute(select(CampaignActivity.kind, CampaignActivity.surveyed, CampaignActivity.participants)
                               .where(CampaignActivity.campaign_id == campaign_id)
                               .order_by(CampaignActivity.id)).all()
    assert [tuple(row) for row in kinds] == [("survey", 300, None), ("lesson", None, 36)]


@SIZES
def test_the_principal_puts_the_committee_together_and_records_its_meeting(browser, world, tmp_path, size):
    campaign_id, school_id, page = _principal_in_campaign(browser, world, size)
    page.goto(f"/school/{school_id}/campaigns/{campaign_id}")
    page.locator("a.btn", has_text="欺凌治理委员会及会议").click()
    expect(page.locator("h1")).to_have_text("学生欺凌治理委员会")
    expect(page.locator("#composition")).to_contain_text("委员会尚不完整")
    for name, role, seat in (("李校长", "chair", "staff"), ("王家长", "member", "parent"),
                             ("赵专家", "member", "expert")):
        _open(page, "添加成员")
        add = page.locator(f"form[action='/school/{school_id}/committee']")
        add.locator("input[name=name]").fill(name)
        add.locator("select[name=role]").select_option(role)
        add.locator("select[name=seat]").select_option(seat)
        add.locator("button[type=submit]").click()
        expect(page.locator("p.note.ok[role=status]")).to_contain_text(name)
    expect(page.locator("#composition")).to_contain_text("委员会组成完整")
    expect(page.locator("ul.members li")).to_have_count(3)
    page.locator("ul.members li", has_text="赵专家").locator("button").click()
    expect(page.locator("#composition")).to_contain_text("成员来自：社区工作者 / 校外专家 / 法治副校长")
    expect(page.locator("ul.members li")).to_have_count(2)

    _open(page, "学生欺凌防治工作委员会会议")
    meeting = page.locator("form[data-activity=committee_meeting]")
    meeting.locator("textarea[name=minutes]").fill("部署本学期防欺凌工作，明确分工。")
    photo = tmp_path / "meeting.jpg"
    photo.write_bytes(scene(62))
    meeting.locator("input[type=file]").set_input_files(str(photo))
    meeting.locator("button[type=submit]").click()
    expect(page.locator("p.note.ok[role=status]")).to_contain_text("会议已登记")
    expect(page.locator("#meetings")).to_contain_text("部署本学期防欺凌工作")
    capture(page, "principal-committee")
    released()
    assert sorted(db.session.scalars(select(CommitteeMember.name).where(CommitteeMember.removed_at.is_(None)))) \
        == ["李校长", "王家长"]


@SIZES
def test_the_principal_logs_an_incident_and_takes_it_to_closing(browser, world, size):
    campaign_id, school_id, page = _principal_in_campaign(browser, world, size)
    page.goto(f"/school/{school_id}/campaigns/{campaign_id}")
    page.locator("a.btn", has_text="欺凌事件台账").click()
    expect(page.locator("h1")).to_have_text("欺凌事件台账")
    form = page.locator("#new-incident form")
    form.locator("select[name=class_id]").select_option(index=1)
    form.locator("textarea[name=summary]").fill("课间在走廊多次推搡同一名同学。")
    form.locator("input[name=students_involved]").fill("2")
    capture(page, "principal-incident-log")
    form.locator("button[type=submit]").click()
    expect(page.locator("p.note.ok[role=status]")).to_contain_text("事件已登记")
    expect(page.locator("#incident-status")).to_have_text("已受理")

    page.locator("form[data-move=investigating] button[type=submit]").click()
    expect(page.locator("#incident-status")).to_have_text("调查中")
    expect(page.locator("#deadlines")).to_contain_text("调查截止")
    page.locator("form[data-move=determined] input[value=confirmed]").check()
    page.locator("form[data-move=determined] button[type=submit]").click()
    expect(page.locator("#deadlines")).to_contain_text("可申诉截止")
    _open(page, "登记处置情况")
    handled = page.locator("form[data-move=handled]")
    handled.locator("input[value=criticism]").check()
    handled.locator("input[value=psychological_support]").check()
    handled.locator("textarea[name=handling]").fill("约谈双方家长，开展心理辅导。")
    capture(page, "principal-incident")
    handled.locator("button[type=submit]").click()
    expect(page.locator("#incident-status")).to_have_text("已处置")
    expect(page.locator("dl.facts").first).to_contain_text("批评教育、心理辅导")
    page.locator("form[data-move=closed] button[type=submit]").click()
    expect(page.locator("#incident-status")).to_have_text("已结案")
    expect(page.locator("#moves")).to_have_count(0)
    expect(page.locator("#history li")).to_have_count(5)
    released()
    incident = db.session.scalar(select(Incident))
    assert incident.status == IncidentStatus.closed and incident.measures == ["criticism", "psychological_support"]


@SIZES
def test_the_principal_records_a_classs_paper_slips_and_downloads_every_classs_codes(browser, world, size):
    first = create_class(world.school_a, grade=5, name="1班", student_count=30)
    create_class(world.school_a, grade=5, name="2班", student_count=28)
    db.session.commit()
    open_drowning_season()
    campaign_id, first_id, school_id = db.session.scalar(select(ClassLetter.campaign_id)), first.id, world.school_a.id
    released()
    page = browser(size).new_page()
    log_in(page, "principal_a", PASSWORD)
    page.goto(f"/school/{school_id}/campaigns/{campaign_id}")
    row = page.locator("ul.letters li", has_text="5年级1班")
    row.locator("input[name=count]").fill("12")
    row.locator("button[type=submit]").click()
    expect(page.locator("p.note.ok[role=status]")).to_contain_text("5年级1班")
    expect(page.locator("ul.letters li", has_text="5年级1班")).to_contain_text("12")
    capture(page, "principal-letters")
    with page.expect_download() as download:
        page.locator("#letters a", has_text="每名学生一张回执").click()
    assert download.value.suggested_filename.endswith(".pdf")
    released()
    assert db.session.scalar(select(ClassLetter.paper_receipts).where(ClassLetter.class_id == first_id)) == 12


def test_a_class_teacher_opens_a_new_task_from_the_inbox_on_a_phone(browser, world):
    own = create_class(world.school_a, grade=6, name="2班", student_count=30)
    teacher = create_user(username="teacher_inbox")
    teacher.roles = [RoleAssignment(role=Role.class_teacher, school_id=own.school_id, class_id=own.id)]
    db.session.commit()
    open_campaign(world)  # opening the campaign gives the class its tasks, and tells its teacher
    own_id = own.id
    released()
    page = browser(PHONE).new_page()
    log_in(page, "teacher_inbox", PASSWORD)
    page.locator("nav a", has_text="通知").click()
    item = page.locator("main li", has_text="你的班级有新的专项任务").first
    expect(item).to_contain_text("6年级2班")
    capture(page, "teacher-inbox-new-task")
    item.locator("button, a").first.click()
    expect(page).to_have_url(re.compile(rf"/classes/{own_id}/campaigns/\d+$"))
    expect(page.locator("h1")).to_contain_text("6年级2班")
