"""Signed inspection records through HTTP: capture, immutability, hostile images, the record PDF read back."""
import io

import pytest
from PIL import Image

from tests.api.test_hazards import fail_gauge
from tests.documents.support import flat, pdf_images, pdf_text, sign, signature_png
from tests.factories import create_point, jpeg_bytes, upload_photo


@pytest.fixture
def inspection(client, world):
    from safety.extensions import db
    point = create_point(world.school_a, code="A-2F-EXT-07", name_zh="二楼东侧灭火器")
    db.session.commit()
    photo = upload_photo(client, world.headers("officer_a"), jpeg_bytes(seed=70)).json
    return fail_gauge(client, world, point, photo["id"])


def test_signing_makes_the_record_final(client, world, inspection):
    officer, iid = world.headers("officer_a"), inspection["id"]
    assert client.patch(f"/api/v1/inspections/{iid}", json={"note": "消防通道畅通"}, headers=officer).status_code == 200
    signed = sign(client, officer, iid, "inspector")
    assert signed.status_code == 201, signed.json
    assert (signed.json["role"], signed.json["signer_name"]) == ("inspector", world.officer_a.display_name)

    edit = client.patch(f"/api/v1/inspections/{iid}", json={"note": "改写"}, headers=officer)
    assert edit.status_code == 409 and edit.json["error"]["code"] == "signed"
    again = sign(client, officer, iid, "inspector", signature_png(seed=9))
    assert again.status_code == 409 and again.json["error"]["code"] == "already_signed"
    nameless = sign(client, officer, iid, "countersigner")
    assert nameless.status_code == 422 and "name" in nameless.json["error"]["fields"]
    counter = sign(client, officer, iid, "countersigner", signature_png(seed=3), name="后勤处 王主任")
    assert counter.status_code == 201

    detail = client.get(f"/api/v1/inspections/{iid}", headers=world.headers("principal_a")).json
    assert detail["note"] == "消防通道畅通"
    assert {(s["role"], s["signer_name"]) for s in detail["signatures"]} == {
        ("inspector", world.officer_a.display_name), ("countersigner", "后勤处 王主任")}
    counter_id = counter.json["id"]
    image = client.get(f"/api/v1/inspections/{iid}/signatures/{counter_id}", headers=world.headers("office_a"))
    assert image.status_code == 200 and image.data == signature_png(seed=3)


def test_only_the_inspector_signs_and_other_schools_see_nothing(client, world, inspection):
    iid = inspection["id"]
    assert sign(client, world.headers("principal_a"), iid, "inspector").status_code == 403
    assert client.patch(f"/api/v1/inspections/{iid}", json={"note": "x"},
                        headers=world.headers("principal_a")).status_code == 403
    for who in ("office_b", "principal_b"):
        assert sign(client, world.headers(who), iid, "inspector").status_code == 404
        assert client.get(f"/api/v1/inspections/{iid}/record.pdf", headers=world.headers(who)).status_code == 404
    signed = sign(client, world.headers("officer_a"), iid, "inspector").json
    assert client.get(f"/api/v1/inspections/{iid}/signatures/{signed['id']}",
                      headers=world.headers("office_b")).status_code == 404


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(("data", "status"), [
    (jpeg_bytes(seed=71), 415),                                          # not a PNG
    (b"%PDF-1.4 not an image", 415),
    (signature_png()[:200], 422),                                         # cut off
    (_png(Image.new("RGBA", (300, 120), (0, 0, 0, 0))), 422),            # nothing drawn
    (_png(Image.new("L", (5, 400), 0)), 422),                             # too thin to be a signature
    (signature_png() + b"\0" * (300 * 1024), 413),                        # too large (kept under the spool size)
])
def test_hostile_signature_images_are_refused(client, world, inspection, data, status):
    response = sign(client, world.headers("officer_a"), inspection["id"], "inspector", data)
    assert response.status_code == status, response.json
    detail = client.get(f"/api/v1/inspections/{inspection['id']}", headers=world.headers("officer_a")).json
    assert detail["signatures"] == []  # nothing half-written


def test_a_signature_must_come_as_a_multipart_form(client, world, inspection):
    response = client.post(f"/api/v1/inspections/{inspection['id']}/signatures", json={"role": "inspector"},
                           headers=world.headers("officer_a"))
    assert response.status_code == 415


def test_the_record_pdf_holds_every_answer_photo_hazard_and_signature(client, world, inspection):
    officer, iid = world.headers("officer_a"), inspection["id"]
    sign(client, officer, iid, "inspector")
    sign(client, officer, iid, "countersigner", signature_png(seed=5), name="总务处 李主任")
    response = client.get(f"/api/v1/inspections/{iid}/record.pdf", headers=world.headers("office_a"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = flat(pdf_text(response.data))
    hid = inspection["hazards"][0]["id"]
    for expected in ("校园安全检查记录", f"I{iid:06d}", "甲区第一小学", "二楼东侧灭火器", "A-2F-EXT-07",
                     "测试检查表（第1版）", "压力表指针在绿区", "不合格", "指针在红区", "压力读数", "1MPa",
                     f"H{hid:06d}", "一般隐患", world.officer_a.display_name, "总务处李主任", "拍摄于"):
        assert expected in text, expected
    placed = [line for line in pdf_images(response.data) if " jpeg " in f" {line} "]
    assert len(placed) == 3  # the photo of the gauge and the two signatures


def test_a_fire_check_asks_for_the_countersignature_of_the_head_of_the_place(client, world):
    from safety.checklists.models import Category
    from safety.checklists.services import default_template_for
    from safety.extensions import db
    from tests.api.test_inspections import submission
    fire = create_point(world.school_a, template=default_template_for(Category.fire_equipment), code="A-FIRE-01")
    plain = create_point(world.school_a, code="A-PLAIN-01")
    db.session.commit()
    officer = world.headers("officer_a")
    for point, needed in ((fire, True), (plain, False)):
        made = client.post("/api/v1/inspections", json=submission(point), headers=officer)
        assert made.status_code == 201, made.json
        assert made.json["needs_countersignature"] is needed
        text = flat(pdf_text(client.get(f"/api/v1/inspections/{made.json['id']}/record.pdf", headers=officer).data))
        assert ("被检查部门负责人（签名）" in text) is needed and "检查人（签名）" in text
