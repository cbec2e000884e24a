"""In a real browser: a district office finds people in its district, creates a principal, resets a password
and disables an account; another district's people never appear."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import capture, log_in, released
from tests.factories import PASSWORD


def test_a_district_office_manages_its_users(browser, world):
    released()
    page = browser().new_page()
    log_in(page, "office_a", PASSWORD)
    page.click("nav >> text=用户管理")
    expect(page.locator("li.user-row[data-username=principal_a]")).to_be_visible()
    expect(page.locator("li.user-row[data-username=principal_c]")).to_have_count(0)  # district B

    page.click("summary >> text=添加人员")
    add = page.locator("form[action='/users']")
    add.locator("input[name=display_name]").fill("赵校长")
    add.locator("input[name=username]").fill("zhao.xz")
    add.locator("input[name=password]").fill("a-long-enough-pass")
    add.locator("select[name=role]").select_option("principal")
    add.locator("input[name=scope]").fill("SB")
    add.locator("button[type=submit]").click()
    expect(page.locator("p.note.ok")).to_contain_text("zhao.xz")

    add = page.locator("form[action='/users']")  # a school of another district: refused, nothing written
    page.click("summary >> text=添加人员")
    add.locator("input[name=display_name]").fill("钱校长")
    add.locator("input[name=username]").fill("qian.xz")
    add.locator("input[name=password]").fill("a-long-enough-pass")
    add.locator("select[name=role]").select_option("principal")
    add.locator("input[name=scope]").fill("SC")
    add.locator("button[type=submit]").click()
    expect(page.locator(".note.bad")).to_be_visible()

    page.goto("/users?q=zhao")
    row = page.locator("li.user-row[data-username='zhao.xz']")
    row.locator("summary").click()
    row.locator("input[name=password]").fill("another-long-pass")
    row.locator("text=重置密码").click()
    expect(page.locator("p.note.ok")).to_be_visible()
    row = page.locator("li.user-row[data-username='zhao.xz']")
    row.locator("summary").click()
    row.locator("text=停用账号").click()
    expect(page.locator("li.user-row[data-username='zhao.xz'] .badge.bad")).to_be_visible()
    capture(page, "users")

    other = browser().new_page()
    log_in(other, "zhao.xz", "another-long-pass")
    expect(other.locator(".note.bad, .note.error")).to_be_visible()  # disabled: cannot log in
