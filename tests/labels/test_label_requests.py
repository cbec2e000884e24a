"""Labels through the API and the pages: layouts for their purpose, and a missing font as the server's fault."""
import re
from pathlib import Path

import pytest

from safety.extensions import db
from safety.hazards.models import HazardSource
from safety.hazards.services import report
from safety.labels.layouts import PARENT_LETTER, POINT_LABEL, layouts_for
from tests.browser.conftest import page_login
from tests.conftest import require_tool
from tests.factories import PASSWORD, create_point

POINT_LAYOUTS = ["a4-stickers-3x8", "a5-placard", "thermal-50x30"]


@pytest.fixture
def point(world):
    point = create_point(world.school_a, code="A-1F-EXT-01")
    db.session.commit()
    return point


@pytest.fixture
def no_font(app, monkeypatch):
    """The server's CJK_FONT_PATH names a file that is not there (as after a botched font upgrade)."""
    monkeypatch.setitem(app.config, "CJK_FONT_PATH", "/nonexistent/NotoSansCJK-Regular.ttc")


def page_client(app, user):
    client = app.test_client()
    assert page_login(client, user.username, PASSWORD).status_code == 303
    return client


def test_layouts_say_what_they_print():
    assert [layout.name for layout in layouts_for(POINT_LABEL)] == POINT_LAYOUTS
    assert [layout.name for layout in layouts_for(PARENT_LETTER)] == ["parent-letter-receipt"]


@pytest.mark.parametrize("path", ["/api/v1/schools/{school}/qr-labels.pdf", "/api/v1/points/{point}/qr-label.png"])
def test_a_point_label_in_a_letter_layout_is_a_422(client, world, point, path):
    url = path.format(school=world.school_a.id, point=point.id) + "?template=parent-letter-receipt"
    response = client.get(url, headers={**world.headers("principal_a"), "Accept-Language": "en"})
    assert response.status_code == 422
    [problem] = response.json["error"]["fields"]["template"]
    assert all(name in problem for name in POINT_LAYOUTS) and "parent-letter-receipt" not in problem.split(":")[1]


def test_the_pages_offer_point_layouts_by_their_chinese_titles(app, world, point):
    client = page_client(app, world.principal_a)
    page = client.get(f"/school/{world.school_a.id}/points").get_data(as_text=True)
    offered = re.findall(r'<option value="([a-z0-9-]+)"[^>]*>([^<]*)</option>', page)
    layouts = [(value, title) for value, title in offered if value in [*POINT_LAYOUTS, "parent-letter-receipt"]]
    assert [value for value, _ in layouts] == POINT_LAYOUTS
    assert ("a4-stickers-3x8", "A4 不干胶 3 × 8（70 × 37 mm）") in layouts
    assert client.get(f"/school/{world.school_a.id}/labels.pdf?template=parent-letter-receipt").status_code == 422
    assert client.get(f"/school/{world.school_a.id}/labels.pdf?template=a5-placard").data.startswith(b"%PDF")


@pytest.mark.parametrize(("language", "message"), [
    ("zh-CN", "暂时无法打印：服务器未安装中文字体，请联系系统管理员。"),
    ("en", "Printing is unavailable: the server has no Chinese font installed. Please tell the system administrator.")])
def test_without_a_font_the_api_answers_503_in_the_one_error_shape(client, world, point, no_font, language, message):
    headers = {**world.headers("principal_a"), "Accept-Language": language}
    hazard = report(None, world.school_a, {"title": "配电箱门未上锁", "description": "A 栋"}, HazardSource.direct)
    db.session.commit()
    for url in (f"/api/v1/points/{point.id}/qr-label.png", f"/api/v1/schools/{world.school_a.id}/qr-labels.pdf",
                f"/api/v1/hazards/{hazard.id}/notice.pdf"):
        response = client.get(url, headers=headers)
        assert response.status_code == 503, url
        assert response.json == {"error": {"code": "font_unavailable", "message": message}}


@pytest.mark.parametrize(("query", "shown"), [("", "暂时无法打印：服务器未安装中文字体"),
                                              ("&lang=en", "the server has no Chinese font installed")])
def test_without_a_font_the_pages_show_a_plain_error_page(app, world, point, no_font, query, shown):
    client = page_client(app, world.principal_a)
    response = client.get(f"/school/{world.school_a.id}/labels.pdf?template=a4-stickers-3x8{query}",
                          headers={"Accept": "text/html"})
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert shown in page
    assert "CJK_FONT_PATH" not in page and "apt-get" not in page and "/nonexistent" not in page


def test_the_cli_tells_the_operator_what_to_fix(runner, world, point, no_font, tmp_path):
    result = runner.invoke(args=["labels", "--school", "SA", "--out", str(tmp_path / "labels.pdf")])
    assert result.exit_code == 1
    assert "CJK_FONT_PATH=/nonexistent/NotoSansCJK-Regular.ttc" in result.output and "fonts-noto-cjk" in result.output
    assert not (tmp_path / "labels.pdf").exists()


def test_a_notice_prints_with_a_chinese_font_that_lacks_latin_letters(app, client, world, monkeypatch):
    droid = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
    require_tool("fonts-droid-fallback", Path(droid).is_file(), "the Latin fallback is tested with it")
    monkeypatch.setitem(app.config, "CJK_FONT_PATH", droid)
    hazard = report(None, world.school_a, {"title": "A 栋配电房门未上锁", "description": "B2 层"}, HazardSource.direct)
    db.session.commit()
    response = client.get(f"/api/v1/hazards/{hazard.id}/notice.pdf", headers=world.headers("principal_a"))
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
