"""Labels through the API and CLI: what is printed decodes to an address that opens the right point."""
import io
import re

import pytest
from PIL import Image

from safety.extensions import db
from tests.factories import create_point

zxingcpp = pytest.importorskip("zxingcpp")


@pytest.fixture
def points(world):
    made = [create_point(world.school_a, code=f"A-{n}F-EXT-0{n}", category="fire_equipment") for n in range(1, 4)]
    made.append(create_point(world.school_a, code="GATE-01", category="gate_security", name_zh="校门口"))
    db.session.commit()
    return made


def test_a_label_png_decodes_to_the_points_scan_address(client, world, points):
    point = points[0]
    response = client.get(f"/api/v1/points/{point.id}/qr-label.png?template=thermal-50x30",
                          headers=world.headers("principal_a"))
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    small = image.resize((image.width // 4, image.height // 4), Image.Resampling.BILINEAR)  # a phone's view
    for picture in (image, small):
        [code] = zxingcpp.read_barcodes(picture)
        assert code.text == f"https://safety.example.cn/q/{point.qr_token}"
    token = code.text.rsplit("/", 1)[1]
    scanned = client.get(f"/api/v1/scan/{token}", headers=world.headers("officer_a")).json
    assert scanned["point"]["id"] == point.id


def test_school_sheet_is_a_pdf_filtered_by_category_and_codes(client, world, points):
    headers = world.headers("principal_a")
    response = client.get(f"/api/v1/schools/{world.school_a.id}/qr-labels.pdf", headers=headers)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert 'filename="qr-labels-SA.pdf"' in response.headers["Content-Disposition"]
    only_gate = client.get(f"/api/v1/schools/{world.school_a.id}/qr-labels.pdf?category=gate_security&template="
                           "a5-placard", headers=headers)
    assert only_gate.status_code == 200
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", only_gate.data)) == 1  # one placard: one A5 page
    none = client.get(f"/api/v1/schools/{world.school_a.id}/qr-labels.pdf?points=NOPE", headers=headers)
    assert none.status_code == 422


@pytest.mark.parametrize("who,status", [("principal_a", 200), ("office_a", 200), ("officer_a", 403),
                                        ("principal_b", 404), ("office_b", 404)])
def test_only_those_who_manage_the_school_print_labels(client, world, points, who, status):
    assert client.get(f"/api/v1/schools/{world.school_a.id}/qr-labels.pdf?points=GATE-01",
                      headers=world.headers(who)).status_code == status


def test_unknown_label_template_is_422_naming_the_choices(client, world, points):
    response = client.get(f"/api/v1/schools/{world.school_a.id}/qr-labels.pdf?template=napkin",
                          headers=world.headers("principal_a"))
    assert response.status_code == 422
    assert "a4-stickers-3x8" in response.json["error"]["fields"]["template"][0]


def test_cli_writes_a_pdf_with_progress(runner, world, points, tmp_path):
    out = tmp_path / "labels.pdf"
    result = runner.invoke(args=["labels", "--school", "SA", "--template", "a4-stickers-3x8", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "page 1/1" in result.output and out.read_bytes().startswith(b"%PDF")
    missing = runner.invoke(args=["labels", "--school", "NOPE", "--out", str(out)])
    assert missing.exit_code != 0 and "NOPE" in missing.output
