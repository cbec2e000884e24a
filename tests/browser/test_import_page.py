"""In a real browser: a principal checks a points spreadsheet (every problem listed by row, nothing written),
fixes it, and imports it."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select

from safety.checklists.services import sync_default_templates
from safety.extensions import db
from safety.points.models import Point
from tests.browser.conftest import capture, log_in, released
from tests.factories import PASSWORD
from tests.imports.test_import_api import POINTS_HEADER, csv_bytes


def _file(rows) -> dict:
    return {"name": "点位.csv", "mimeType": "text/csv", "buffer": csv_bytes([POINTS_HEADER, *rows], "utf-8-sig")}


def test_a_principal_checks_then_imports_points(browser, world):
    sync_default_templates()
    db.session.commit()
    released()
    page = browser().new_page()
    log_in(page, "principal_a", PASSWORD)
    page.goto("/imports?kind=points")
    bad = [["SA", "A-1F-EXT-01", "一楼走廊灭火器", "消防器材", "", "", "", "每周"],
           ["SA", "A-2F-EXT-02", "二楼走廊灭火器", "不存在的类别", "", "", "", "每周"]]
    page.set_input_files("input[name=file]", _file(bad))
    page.click("button[value='0']")
    expect(page.locator("table.problems tbody tr")).to_have_count(1)
    expect(page.locator("table.problems")).to_contain_text("3")  # the row as Excel shows it
    capture(page, "import-problems")
    assert db.session.scalar(select(func.count(Point.id))) == 0
    released()

    good = [bad[0], ["SA", "A-2F-EXT-02", "二楼走廊灭火器", "消防器材", "", "", "", "每周"]]
    page.set_input_files("input[name=file]", _file(good))
    page.click("button[value='0']")
    expect(page.locator("#import-report h2")).to_have_text("所有行均有效")
    assert db.session.scalar(select(func.count(Point.id))) == 0  # checking writes nothing
    released()
    page.set_input_files("input[name=file]", _file(good))
    page.click("button[value='1']")
    expect(page.locator("p.note.ok")).to_contain_text("2")
    assert db.session.scalar(select(func.count(Point.id))) == 2
