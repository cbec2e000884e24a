"""In a real browser, on a phone: the class teacher puts a student on the class's key-student list and records a
home visit; the principal sees the same list, another class's teacher gets a 404."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from safety.accounts.models import Role, RoleAssignment
from safety.extensions import db
from safety.students.models import HomeVisit, KeyStudent
from tests.browser.conftest import PHONE, capture, log_in, released
from tests.factories import PASSWORD, create_class, create_user


def test_a_class_teacher_keeps_key_students_and_records_a_home_visit(browser, world):
    own = create_class(world.school_a, grade=4, name="2班")
    other = create_class(world.school_a, grade=4, name="3班")
    teacher = create_user(username="teacher_a")
    teacher.display_name = "王老师"
    teacher.roles = [RoleAssignment(role=Role.class_teacher, school_id=own.school_id, class_id=own.id)]
    db.session.commit()
    own_id, other_id = own.id, other.id
    released()

    page = browser(PHONE).new_page()
    log_in(page, "teacher_a", PASSWORD)
    page.get_by_role("link", name="重点学生").click()
    expect(page.locator("h1")).to_contain_text("重点学生")
    page.fill("input[name=name]", "张小明")
    page.get_by_label("留守儿童").check()
    page.get_by_label("居住地临近水域").check()
    page.click("form.stack button[type=submit]")
    expect(page.locator("a.row")).to_contain_text("张小明")
    capture(page, "key-students")
    page.locator("a.row").first.click()
    page.get_by_label("电话").check()
    page.fill("textarea[name=notes]", "祖父母在家，已告知暑期“四知道”")
    page.fill("textarea[name=follow_up]", "暑假每周电话回访")
    page.click("form.stack button[type=submit]")
    expect(page.locator(".rows")).to_contain_text("暑假每周电话回访")
    capture(page, "key-student-visit")
    assert page.goto(f"/classes/{other_id}/key-students").status == 404

    released()
    student = db.session.scalar(select(KeyStudent).where(KeyStudent.class_id == own_id))
    assert (student.name, student.flag_list) == ("张小明", ["left_behind", "near_water"])
    visit = db.session.scalar(select(HomeVisit).where(HomeVisit.key_student_id == student.id))
    assert (visit.form.value, visit.visitor, visit.follow_up) == ("phone", "王老师", "暑假每周电话回访")
    released()
    principal = browser(PHONE).new_page()
    log_in(principal, "principal_a", PASSWORD)
    principal.goto(f"/classes/{own_id}/key-students")
    expect(principal.locator("a.row")).to_contain_text("张小明")
