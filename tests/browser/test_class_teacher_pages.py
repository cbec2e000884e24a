"""In a real browser, on a phone: the class teacher (班主任) records the class meeting with a photo, imports the
roster, sees whose parents have not confirmed the letter, records the paper slips and prints the class's codes;
the principal assigns the teacher to the class from the school's staff page."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from safety.accounts.models import Role, RoleAssignment
from safety.campaigns.letters.receipts import confirm
from safety.campaigns.models import CampaignActivity, ClassLetter
from safety.extensions import db
from tests.browser.conftest import PHONE, capture, log_in, open_drowning_season, released
from tests.factories import PASSWORD, create_class, create_user, scene


def test_a_class_teacher_does_the_class_campaign_work_on_a_phone(browser, world, tmp_path):
    own = create_class(world.school_a, grade=3, name="1班", student_count=3)
    create_class(world.school_a, grade=3, name="2班")
    teacher = create_user(username="teacher_a")
    teacher.roles = [RoleAssignment(role=Role.class_teacher, school_id=own.school_id, class_id=own.id)]
    db.session.commit()
    open_drowning_season()
    letter = db.session.scalar(select(ClassLetter).where(ClassLetter.class_id == own.id))
    confirm(letter, "张小明", "张伟")
    confirm(letter, "王五", "")  # not on the roster
    db.session.commit()
    own_id, campaign_id = own.id, letter.campaign_id
    released()

    page = browser(PHONE).new_page()
    log_in(page, "teacher_a", PASSWORD)
    expect(page.locator("h1")).to_have_text("我的班级")
    expect(page.locator("section.card h2")).to_have_count(1)  # only their class
    capture(page, "teacher-classes")
    page.locator("a.row").first.click()
    expect(page.locator("h1")).to_contain_text("3年级1班")

    meeting = page.locator("form[action$='/report']").filter(has=page.locator("input[value=lesson]"))
    task = page.locator("details").filter(has=meeting)
    if task.get_attribute("open") is None:
        task.locator("summary").click()
    meeting.locator("input[name=count_participants]").fill("3")
    photo = tmp_path / "meeting.jpg"
    photo.write_bytes(scene(5))
    meeting.locator("input[type=file]").set_input_files(str(photo))
    meeting.locator("button[type=submit]").click()
    expect(page.locator("p.note.ok")).to_contain_text("已记录")

    page.goto(f"/classes/{own_id}/roster")
    page.fill("textarea[name=roster]", "2027001 张小明\n2027002 李华\n赵六")
    page.click("main form button[type=submit]")
    expect(page.locator("p.note.ok")).to_be_visible()
    capture(page, "teacher-roster")

    page.goto(f"/classes/{own_id}/campaigns/{campaign_id}")
    expect(page.locator("ul.chase li")).to_have_count(2)  # 李华 and 赵六 still to chase
    expect(page.locator("ul.chase")).to_contain_text("李华")
    paper = page.locator("form[action$='/paper-receipts']")
    paper.locator("input[name=count]").fill("1")
    paper.locator("button[type=submit]").click()
    expect(page.locator("p.lead")).to_contain_text("3")  # 2 online + 1 on paper, of 3
    capture(page, "teacher-class-campaign")
    with page.expect_download() as download:
        page.locator("a[href$='/letter.pdf']").click()
    assert download.value.suggested_filename.endswith(".pdf")

    activity = db.session.scalar(select(CampaignActivity).where(CampaignActivity.class_id == own_id))
    assert activity is not None and activity.participants == 3 and activity.reported_by_id == teacher.id
    released()
    page.goto(f"/school/{world.school_a.id}")  # the school's board is not theirs
    expect(page.locator("h1")).to_have_text("404")


def test_the_principal_assigns_a_class_teacher_who_then_sees_the_class(browser, world):
    first = create_class(world.school_a, grade=4, name="1班")
    second = create_class(world.school_a, grade=4, name="2班")
    db.session.commit()
    first_id, second_id, school_id = first.id, second.id, world.school_a.id
    released()

    page = browser().new_page()
    log_in(page, "principal_a", PASSWORD)
    page.click("nav >> text=教职工")
    expect(page.locator("h1")).to_have_text("教职工")
    page.click("summary >> text=添加人员")
    add = page.locator(f"form[action='/school/{school_id}/staff']")
    add.locator("input[name=display_name]").fill("王老师")
    add.locator("input[name=username]").fill("wang.laoshi")
    add.locator("input[name=password]").fill("a-long-enough-pass")
    add.locator(f"input[name=class_id][value='{first_id}']").check()
    add.locator("button[type=submit]").click()
    expect(page.locator("p.note.ok")).to_contain_text("wang.laoshi")
    row = page.locator("li.staff-row[data-username='wang.laoshi']")
    expect(row).to_contain_text("4年级1班")
    row.locator("summary").click()
    classes = row.locator("form").filter(has=page.locator("input[value=classes]"))
    classes.locator(f"input[value='{second_id}']").check()
    classes.locator("button[type=submit]").click()
    expect(page.locator("li.staff-row[data-username='wang.laoshi']")).to_contain_text("4年级2班")
    capture(page, "principal-staff")

    teacher = browser(PHONE).new_page()
    log_in(teacher, "wang.laoshi", "a-long-enough-pass")
    expect(teacher.locator("section.card h2")).to_have_count(2)
    expect(teacher.locator("nav")).not_to_contain_text("学校看板")
