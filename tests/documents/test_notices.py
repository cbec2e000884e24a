"""Rectification notices through HTTP: numbering per office and year, the PDF with its receipt slip, recording
the receipt, the rectification report, scoping."""
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from safety.core.clock import now
from safety.extensions import db
from tests.api.test_hazards import fail_gauge
from tests.documents.support import flat, pdf_images, pdf_text, signature_png
from tests.factories import create_point, jpeg_bytes, scene, upload_photo

CHINA = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def found(client, world):
    """An inspection of school A that found one general hazard."""
    point = create_point(world.school_a, code="A-1F-EXT-03", name_zh="一楼大厅灭火器")
    db.session.commit()
    photo = upload_photo(client, world.headers("officer_a"), jpeg_bytes(seed=80)).json
    return fail_gauge(client, world, point, photo["id"])


def issue(client, world, who="office_a", **body):
    return client.post("/api/v1/notices", json=body, headers=world.headers(who))


def year() -> int:
    return now().astimezone(CHINA).year


def local_day(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(CHINA).date().isoformat()


def test_notices_are_numbered_per_office_and_year(client, world, found):
    first = issue(client, world, inspection_id=found["id"])
    assert first.status_code == 201, first.json
    assert (first.json["number"], first.json["year"]) == (1, year())
    assert first.json["reference"] == f"甲区安整〔{year()}〕1号"
    assert [i["hazard_id"] for i in first.json["items"]] == [found["hazards"][0]["id"]]
    again = issue(client, world, inspection_id=found["id"])
    assert again.status_code == 409 and again.json["error"]["code"] == "already_issued"

    hid = found["hazards"][0]["id"]
    second = issue(client, world, school_id=world.school_a.id, hazard_ids=[hid])
    assert second.json["number"] == 2
    city = issue(client, world, "city_office", school_id=world.school_a.id, hazard_ids=[hid])
    assert (city.json["reference"], city.json["office_id"]) == (f"测试市安整〔{year()}〕1号", world.city.id)
    other = client.post("/api/v1/hazards", headers=world.headers("principal_c"),
                        json={"school_id": world.school_c.id, "title": "围墙破损"}).json
    district_b = issue(client, world, "office_b", school_id=world.school_c.id, hazard_ids=[other["id"]])
    assert district_b.json["reference"] == f"乙区安整〔{year()}〕1号"


def test_who_may_issue_and_see_notices(client, world, found):
    hid = found["hazards"][0]["id"]
    assert issue(client, world, "principal_a", inspection_id=found["id"]).status_code == 403
    assert issue(client, world, "office_b", inspection_id=found["id"]).status_code == 404
    foreign = issue(client, world, "office_b", school_id=world.school_c.id, hazard_ids=[hid])
    assert foreign.status_code == 422 and "hazard_ids.0" in foreign.json["error"]["fields"]
    notice = issue(client, world, inspection_id=found["id"]).json
    for who, status in (("principal_a", 200), ("office_a", 200), ("office_b", 404), ("principal_b", 404)):
        for path in ("", "/notice.pdf"):
            assert client.get(f"/api/v1/notices/{notice['id']}{path}", headers=world.headers(who)).status_code \
                == status, (who, path)
    listed = client.get("/api/v1/notices", headers=world.headers("principal_b")).json
    assert listed["total"] == 0


def test_the_notice_pdf_lists_every_problem_with_basis_deadline_and_receipt_slip(client, world, found):
    notice = issue(client, world, inspection_id=found["id"], inspectors="张检查、李检查").json
    raw = pdf_text(client.get(f"/api/v1/notices/{notice['id']}/notice.pdf", headers=world.headers("principal_a")).data)
    text = flat(raw)
    hazard = found["hazards"][0]
    for expected in ("校园安全隐患整改通知书", f"甲区安整〔{year()}〕1号", "甲区第一小学：", "一楼大厅灭火器",
                     "压力表指针在绿区", "一般隐患", "《测试检查表》", "第1版", local_day(hazard["deadline"]),
                     "检查人员：张检查、李检查", "签发单位：甲区教育局", "整改通知书回执", "共1项问题", "签收人："):
        assert expected in text, expected


def test_the_school_records_its_receipt_once(client, world, found):
    notice = issue(client, world, inspection_id=found["id"]).json
    path = f"/api/v1/notices/{notice['id']}/receipt"
    assert client.post(path, json={"received_by": "王校长"}, headers=world.headers("officer_a")).status_code == 403
    assert client.post(path, json={"received_by": "王校长"}, headers=world.headers("principal_b")).status_code == 404
    signed = client.post(path, headers=world.headers("principal_a"), content_type="multipart/form-data", data={
        "received_by": "王校长", "note": "已安排整改",
        "file": (io.BytesIO(signature_png(seed=11)), "sig.png", "image/png")})
    assert signed.status_code == 200, signed.json
    assert signed.json["received_by"] == "王校长" and signed.json["received_at"]
    assert [s["role"] for s in signed.json["signatures"]] == ["receiver"]
    twice = client.post(path, json={"received_by": "别人"}, headers=world.headers("principal_a"))
    assert twice.status_code == 409 and twice.json["error"]["code"] == "already_received"
    pdf = client.get(f"/api/v1/notices/{notice['id']}/notice.pdf", headers=world.headers("office_a")).data
    assert "签收人：王校长" in flat(pdf_text(pdf))
    assert any(" jpeg " in f" {line} " for line in pdf_images(pdf))  # the receiver's signature on the slip
    received = client.get("/api/v1/notices?received=true", headers=world.headers("office_a")).json
    assert [n["id"] for n in received["items"]] == [notice["id"]]


def test_a_receipt_cannot_be_dated_before_the_notice(client, world, found):
    notice = issue(client, world, inspection_id=found["id"]).json
    response = client.post(f"/api/v1/notices/{notice['id']}/receipt", headers=world.headers("principal_a"),
                           json={"received_by": "王校长", "received_at": "2020-01-01T08:00:00+08:00"})
    assert response.status_code == 422 and "received_at" in response.json["error"]["fields"]


def test_the_rectification_report_shows_what_was_done_with_photos(client, world, found):
    notice = issue(client, world, inspection_id=found["id"]).json
    reply = f"/api/v1/notices/{notice['id']}/reply.pdf"
    early = client.get(reply, headers=world.headers("principal_a"))
    assert early.status_code == 409 and early.json["error"]["code"] == "not_rectified"
    hid = found["hazards"][0]["id"]
    officer = world.headers("officer_a")
    client.post(f"/api/v1/hazards/{hid}/assign", json={"assignee_id": world.officer_a.id},
                headers=world.headers("principal_a"))
    after = upload_photo(client, officer, scene(81)).json
    rectified = client.post(f"/api/v1/hazards/{hid}/rectify", headers=officer, json={
        "note": "更换新灭火器", "photos": [after["id"]], "funds": "320元", "interim_measures": "临时借用相邻灭火器"})
    assert rectified.status_code == 200, rectified.json
    response = client.get(reply, headers=world.headers("principal_a"))
    assert response.status_code == 200
    text = flat(pdf_text(response.data))
    for expected in ("安全隐患整改情况回复", f"甲区安整〔{year()}〕1号", "压力表指针在绿区", "整改措施：更换新灭火器",
                     "整改资金：320元", "临时防范措施：临时借用相邻灭火器", "整改前", "整改后", "验收意见"):
        assert expected in text, expected
    assert len([line for line in pdf_images(response.data) if " jpeg " in f" {line} "]) == 2  # before and after
    assert client.get(reply, headers=world.headers("office_b")).status_code == 404


def test_the_single_hazard_notice_uses_the_same_renderer(client, world, found):
    hid = found["hazards"][0]["id"]
    response = client.get(f"/api/v1/hazards/{hid}/notice.pdf", headers=world.headers("office_a"))
    text = flat(pdf_text(response.data))
    assert f"ZG-SA-{hid:06d}" in text and "整改通知书回执" in text and "压力表指针在绿区" in text
