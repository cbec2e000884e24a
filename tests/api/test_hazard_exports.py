"""The ledger and the notice an office files, in Chinese whatever the caller's language."""
import io

from openpyxl import load_workbook

from tests.api.test_hazards import fail_gauge, point  # noqa: F401  (fixture)
from tests.factories import jpeg_bytes, upload_photo


def test_ledger_lists_the_scoped_hazards_in_chinese(client, world, point):  # noqa: F811
    photo = upload_photo(client, world.headers("officer_a"), jpeg_bytes(seed=20)).json
    hid = fail_gauge(client, world, point, photo["id"])["hazards"][0]["id"]
    response = client.get(f"/api/v1/hazards/ledger.xlsx?region_id={world.district_a.id}",
                          headers={**world.headers("office_a"), "Accept-Language": "en"})
    assert response.status_code == 200 and "hazard-ledger" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("序号", "隐患编号", "学校")
    assert len(rows) == 3 and rows[2][1] == f"H{hid:06d}" and rows[2][2] == "甲区第一小学"
    assert rows[2][7] == "一般隐患" and rows[2][19] == "已上报"
    other = client.get("/api/v1/hazards/ledger.xlsx", headers=world.headers("office_b"))
    assert len(list(load_workbook(io.BytesIO(other.data)).active.iter_rows())) == 2  # the title and header only


def test_notice_is_a_pdf_only_for_those_who_see_the_hazard(client, world, point):  # noqa: F811
    photo = upload_photo(client, world.headers("officer_a"), jpeg_bytes(seed=21)).json
    hid = fail_gauge(client, world, point, photo["id"])["hazards"][0]["id"]
    response = client.get(f"/api/v1/hazards/{hid}/notice.pdf", headers=world.headers("office_a"))
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert f"notice-H{hid:06d}.pdf" in response.headers["Content-Disposition"]
    assert client.get(f"/api/v1/hazards/{hid}/notice.pdf", headers=world.headers("office_b")).status_code == 404


def test_control_characters_in_user_text_do_not_break_the_ledger(client, world, point):  # noqa: F811
    response = client.post("/api/v1/hazards", headers=world.headers("officer_a"), json={
        "school_id": world.school_a.id, "title": "水管\x01漏水\x1f", "description": "墙角\x0b有水"})
    assert response.status_code == 201
    ledger = client.get("/api/v1/hazards/ledger.xlsx", headers=world.headers("office_a"))
    assert ledger.status_code == 200
    rows = list(load_workbook(io.BytesIO(ledger.data)).active.iter_rows(values_only=True))
    assert rows[2][6] == "水管漏水：墙角有水"
