"""The ledger offices file (columns, photos, print set-up) and on-the-spot fixes (立行立改), through HTTP."""
import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook

from safety.core.clock import now
from safety.extensions import db
from tests.api.test_hazards import fail_gauge
from tests.api.test_inspections import submission
from tests.factories import answers, create_point, jpeg_bytes, scene, upload_photo

HEADER = ["序号", "隐患编号", "学校", "排查时间", "排查部位", "排查人", "隐患描述", "隐患等级", "整改措施",
          "整改责任人", "整改资金", "整改时限", "临时防范措施", "整改完成时间", "验收人", "验收意见", "验收日期",
          "挂牌督办", "延期次数", "状态/销号日期", "整改前照片", "整改后照片"]


@pytest.fixture
def point(world):
    point = create_point(world.school_a, code="A-3F-EXT-02", name_zh="三楼楼梯口灭火器")
    db.session.commit()
    return point


def ledger(client, world, who="office_a", query=""):
    response = client.get(f"/api/v1/hazards/ledger.xlsx{query}", headers=world.headers(who))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data)).active


def fix_on_spot(client, world, point, seed: int, **fix):
    officer = world.headers("officer_a")
    before = upload_photo(client, officer, jpeg_bytes(seed=seed)).json
    after = upload_photo(client, officer, scene(seed + 1)).json
    version = point.template.current_version
    body = submission(point, results=answers(version, gauge={
        "outcome": "fail", "note": "灭火器被杂物遮挡", "photos": [before["id"]],
        "fixed_on_spot": {"note": "当场清理杂物", "photos": [after["id"]], **fix}}))
    return client.post("/api/v1/inspections", json=body, headers=officer)


def test_an_on_the_spot_fix_is_a_hazard_closed_at_once_without_a_clock(client, world, point):
    response = fix_on_spot(client, world, point, 90)
    assert response.status_code == 201, response.json
    [hazard] = response.json["hazards"]
    detail = client.get(f"/api/v1/hazards/{hazard['id']}", headers=world.headers("principal_a")).json
    assert (detail["status"], detail["on_the_spot"], detail["deadline"], detail["interim_deadline"]) == (
        "closed", True, None, None)
    assert [e["action"] for e in detail["events"]] == ["opened", "fix_on_the_spot"]
    assert len(detail["events"][1]["photos"]) == 1 and detail["measures"] == "当场清理杂物"
    still_open = client.get("/api/v1/hazards?open=true", headers=world.headers("office_a")).json
    assert still_open["total"] == 0
    overdue = client.get("/api/v1/hazards?overdue=true", headers=world.headers("office_a")).json
    assert overdue["total"] == 0
    rows = list(ledger(client, world).iter_rows(min_row=3, values_only=True))
    assert len(rows) == 1 and rows[0][11] == "立行立改" and rows[0][19].startswith("立行立改")
    assert rows[0][8] == "当场清理杂物" and rows[0][14] == world.officer_a.display_name


@pytest.mark.parametrize(("key", "change"), [
    ("exit_locked", {}),                                   # a major item cannot be fixed on the spot
    ("gauge", {"outcome": "pass"}),                        # nothing failed, nothing to fix
])
def test_on_the_spot_fixes_only_for_failed_general_items(client, world, point, key, change):
    officer = world.headers("officer_a")
    before = upload_photo(client, officer, jpeg_bytes(seed=95)).json
    after = upload_photo(client, officer, scene(96)).json
    version = point.template.current_version
    answer = {"outcome": "fail", "photos": [before["id"]],
              "fixed_on_spot": {"note": "已处理", "photos": [after["id"]]}, **change}
    response = client.post("/api/v1/inspections", json=submission(point, results=answers(version, **{key: answer})),
                           headers=officer)
    assert response.status_code == 422
    assert any(field.endswith("fixed_on_spot") for field in response.json["error"]["fields"])
    assert client.get("/api/v1/hazards", headers=world.headers("office_a")).json["total"] == 0


def test_whoever_confirms_a_general_hazard_sets_its_deadline_within_the_policy(client, world, point):
    photo = upload_photo(client, world.headers("officer_a"), jpeg_bytes(seed=97)).json
    hid = fail_gauge(client, world, point, photo["id"])["hazards"][0]["id"]
    path, principal = f"/api/v1/hazards/{hid}/assign", world.headers("principal_a")
    too_late = client.post(path, headers=principal, json={"assignee_id": world.officer_a.id,
                                                         "deadline": (now() + timedelta(days=45)).isoformat()})
    assert too_late.status_code == 422 and "deadline" in too_late.json["error"]["fields"]
    past = client.post(path, headers=principal, json={"assignee_id": world.officer_a.id,
                                                     "deadline": (now() - timedelta(hours=1)).isoformat()})
    assert past.status_code == 422
    chosen = (now() + timedelta(days=3)).replace(microsecond=0)
    response = client.post(path, headers=principal, json={"assignee_id": world.officer_a.id,
                                                          "deadline": chosen.isoformat()})
    assert response.status_code == 200 and datetime.fromisoformat(response.json["deadline"]) == chosen
    assert any(e["action"] == "deadline_set" for e in response.json["events"])


def test_the_ledger_has_the_offices_columns_photos_and_prints_on_a4_landscape(client, world, point):
    officer, principal = world.headers("officer_a"), world.headers("principal_a")
    photo = upload_photo(client, officer, jpeg_bytes(seed=98)).json
    hid = fail_gauge(client, world, point, photo["id"])["hazards"][0]["id"]
    client.post(f"/api/v1/hazards/{hid}/assign", json={"assignee_id": world.officer_a.id}, headers=principal)
    after = upload_photo(client, officer, scene(99)).json
    client.post(f"/api/v1/hazards/{hid}/rectify", headers=officer, json={
        "note": "更换灭火器", "photos": [after["id"]], "funds": "280元", "interim_measures": "放置备用灭火器"})
    verified = client.post(f"/api/v1/hazards/{hid}/verify", json={"accepted": True, "note": "复查合格"},
                           headers=principal)
    assert verified.status_code == 200
    sheet = ledger(client, world, query=f"?school_id={world.school_a.id}")
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "隐患排查治理台账" and list(rows[1]) == HEADER
    row = dict(zip(HEADER, rows[2], strict=True))
    assert (row["序号"], row["隐患编号"], row["学校"], row["排查部位"]) == (
        1, f"H{hid:06d}", "甲区第一小学", "三楼楼梯口灭火器")
    assert (row["排查人"], row["隐患等级"], row["整改措施"], row["整改资金"]) == (
        world.officer_a.display_name, "一般隐患", "更换灭火器", "280元")
    assert (row["临时防范措施"], row["验收人"], row["验收意见"]) == (
        "放置备用灭火器", world.principal_a.display_name, "复查合格")
    assert row["整改责任人"] == world.officer_a.display_name and row["挂牌督办"] == "否" and row["延期次数"] == 0
    assert row["状态/销号日期"].startswith("已销号") and row["整改完成时间"] and row["验收日期"]
    anchors = sorted(image.anchor._from.col for image in sheet._images)
    assert anchors == [HEADER.index("整改前照片"), HEADER.index("整改后照片")]  # a thumbnail in each photo column
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9  # A4
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert str(sheet.print_title_rows) == "$1:$2"
    # Printed and signed as a grid: the header and every row boxed, long text wrapped within its column.
    written = HEADER.index("状态/销号日期") + 1  # the photo columns hold pictures, not cells
    for cell in (*sheet[2], *sheet[3][:written]):
        assert {cell.border.left.style, cell.border.right.style, cell.border.top.style,
                cell.border.bottom.style} == {"thin"}, cell.coordinate
    assert all(cell.alignment.wrap_text for cell in sheet[3][:written])
    assert sheet["A2"].font.b and not sheet["A3"].font.b


def test_the_ledger_covers_a_district_or_the_city_and_a_date_range(client, world, point):
    photo = upload_photo(client, world.headers("officer_a"), jpeg_bytes(seed=100)).json
    fail_gauge(client, world, point, photo["id"])
    client.post("/api/v1/hazards", headers=world.headers("principal_c"),
                json={"school_id": world.school_c.id, "title": "围墙破损"})
    city = ledger(client, world, "city_office")
    assert sorted(r[2] for r in city.iter_rows(min_row=3, values_only=True)) == sorted(
        [world.school_a.name_zh, world.school_c.name_zh])
    district = ledger(client, world, "city_office", f"?region_id={world.district_b.id}")
    assert [r[2] for r in district.iter_rows(min_row=3, values_only=True)] == [world.school_c.name_zh]
    later = (now() + timedelta(days=1)).isoformat().replace("+", "%2B")
    assert list(ledger(client, world, "city_office", f"?since={later}").iter_rows(min_row=3)) == []
