"""The pages over HTTP: 今日巡查 on the phone, the office's checks and returns, the queue's new rows."""
import io

from openpyxl import load_workbook

from safety.core.clock import frozen
from tests.browser.conftest import page_login
from tests.drills.test_drills_api import local, run
from tests.factories import PASSWORD
from tests.rounds.test_rounds import inspect


def logged_in(app, user):
    client = app.test_client()
    assert page_login(client, user.username, PASSWORD).status_code == 303
    return client


def test_todays_rounds_list_the_points_in_order_with_progress(app, client, campus):
    run("create_rounds", local(2026, 9, 14, 9))
    inspect(client, campus, campus.points["corridor"], local(2026, 9, 14, 10))
    with frozen(local(2026, 9, 14, 11)):
        page = logged_in(app, campus.officer_a).get("/rounds/today")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "今日巡查" in html and "日巡查" in html and "1/2" in html
    gate = f'/inspect/points/{campus.points["gate"].id}'
    assert gate in html and html.index("A-01-GATE") < html.index("A-02-ROUTE")
    assert "周排查" in html and "月检查" not in html  # the principal leads the monthly check


def test_the_office_sees_returns_and_checks_and_downloads_the_sheet(app, client, campus):
    run("open_monthly_returns", local(2026, 9, 1, 9))
    with frozen(local(2026, 9, 10, 9)):
        office = logged_in(app, campus.office_a)
        page = office.get(f"/office/rounds?region={campus.district_a.id}&month=2026-08")
        sheet = office.get(f"/office/rounds/returns.xlsx?region={campus.district_a.id}&month=2026-08")
        queue = office.get("/office/queue?kind=return")
        principal = logged_in(app, campus.principal_a).get("/office/rounds")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "2026-08 月报" in html and html.count("未报送") == 2 and "逾期" in html
    book = load_workbook(io.BytesIO(sheet.data))
    assert book.active["A1"].value == "甲区2026年8月校园安全隐患排查治理情况月报表"
    assert queue.status_code == 200 and "月报未报送：2026-08" in queue.get_data(as_text=True)
    assert principal.status_code == 403
