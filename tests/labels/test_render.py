"""Printed labels are checked the way a phone reads them: with a real QR decoder."""
import dataclasses
import io
import random
import re
import string
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from safety.labels import (
    FontMissing,
    LabelContent,
    find_cjk_font,
    fonts,
    load_layout,
    render_pages,
    render_pdf,
    render_png,
)
from safety.labels.fonts import Typeface, covers_chinese, find_fonts, glyph_bitmap
from safety.labels.layouts import TEXT_FIELDS, Rect
from safety.labels.render import DPI, INK, _fit, _text_mask
from tests.conftest import require_tool, which

POINTS = ["一号教学楼一层东侧消火栓", "实验楼三层化学实验室灭火器", "学生宿舍楼北侧安全出口", "食堂后厨燃气阀门",
          "操场西侧荷花池防护栏", "图书馆二层疏散楼梯", "体育馆配电箱", "校门口减速带及岗亭"]
URL_CHARS = string.ascii_letters + string.digits + "-_"
LATIN_ONLY_FONTS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"]


@pytest.fixture(scope="module")
def cjk_font():
    try:
        return find_cjk_font()
    except FontMissing as e:
        require_tool("CJK font", False, str(e))


def labels(count, seed=1):
    rng = random.Random(seed)
    return [LabelContent(url="https://safety.example.cn/q/" + "".join(rng.choices(URL_CHARS, k=32)),
                         school_name="北京市海淀区第一实验小学", point_name=f"{POINTS[i % len(POINTS)]}（{i + 1}号）",
                         point_code=f"HD-{i + 1:04d}", category="消防设施" if i % 2 else None)
            for i in range(count)]


def decoded(image):
    return sorted(result.text for result in zxingcpp.read_barcodes(image))


def pixels(rect):
    return tuple(round(mm * DPI / 25.4) for mm in (rect.x, rect.y, rect.right, rect.bottom))


def as_image(png):
    return Image.open(io.BytesIO(png))


def test_every_label_on_a_full_a4_page_decodes_in_print_and_at_phone_scale(cjk_font):
    sheet, layout = labels(24), load_layout("a4-stickers-3x8")
    [page] = render_pages(sheet, layout)
    expected = sorted(label.url for label in sheet)
    assert page.mode == "1"
    assert page.size == (2480, 3508)  # A4 at 300 dpi
    assert decoded(page) == expected
    # A phone a little way off sees the sheet at roughly a quarter of the print resolution.
    assert decoded(page.convert("L").reduce(4)) == expected


def test_the_pdf_has_one_lossless_page_per_sheet_and_reports_progress(cjk_font):
    calls = []
    pdf = render_pdf(labels(50), load_layout("a4-stickers-3x8"), progress=lambda *call: calls.append(call))
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 3  # 24 + 24 + 2
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert b"/CCITTFaxDecode" in pdf
    assert b"/DCTDecode" not in pdf  # no JPEG anywhere: module edges stay sharp
    assert re.search(rb"/MediaBox \[ 0 0 595\.2\d* 841\.9\d* \]", pdf)  # A4 in points, to the pixel
    assert len(pdf) < 3 * 120_000


def test_the_pdf_itself_decodes_when_a_real_pdf_renderer_rasterises_it(cjk_font, tmp_path):
    require_tool("Ghostscript (gs)", which("gs"), "the PDF itself is then checked only through its page images")
    sheet = labels(30)
    (tmp_path / "sheet.pdf").write_bytes(render_pdf(sheet, load_layout("a4-stickers-3x8")))
    subprocess.run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pnggray", "-r150",
                    f"-sOutputFile={tmp_path / 'page-%d.png'}", str(tmp_path / "sheet.pdf")], check=True, timeout=60)
    pages = [Image.open(tmp_path / f"page-{n}.png") for n in (1, 2)]
    assert pages[0].getpixel((5, 5)) == 255  # white paper, not a negative
    assert sorted(decoded(pages[0]) + decoded(pages[1])) == sorted(label.url for label in sheet)
    assert not (tmp_path / "page-3.png").exists()


def test_pages_are_filled_in_order_and_the_last_one_may_be_partial(cjk_font):
    sheet, layout = labels(26), load_layout("a4-stickers-3x8")
    first, second = render_pages(sheet, layout)
    assert decoded(second) == sorted(label.url for label in sheet[24:])
    left_column = first.crop((0, 0, first.width // 3, first.height))
    assert set(decoded(left_column)) == {sheet[i].url for i in range(0, 24, 3)}


@pytest.mark.parametrize(("layout_name", "size_mm"), [("a5-placard", (148, 210)), ("thermal-50x30", (50, 30))])
def test_placard_and_thermal_labels_decode(cjk_font, layout_name, size_mm):
    [label] = labels(1)
    image = as_image(render_png(label, load_layout(layout_name)))
    assert image.size == tuple(round(mm * DPI / 25.4) for mm in size_mm)
    assert round(image.info["dpi"][0]) == DPI
    assert decoded(image) == [label.url]
    assert decoded(image.convert("L").reduce(4)) == [label.url]


def test_a_thermal_pdf_has_one_label_per_page(cjk_font):
    pdf = render_pdf(labels(3), load_layout("thermal-50x30"))
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 3


@pytest.mark.parametrize("layout_name", ["a4-stickers-3x8", "a5-placard", "thermal-50x30"])
def test_long_texts_stay_inside_their_boxes(cjk_font, layout_name):
    layout = load_layout(layout_name)
    long = LabelContent(url="https://safety.example.cn/q/" + "A" * 32, school_name="北京市海淀区" * 12,
                        point_name="教学楼东侧楼梯间防火门及应急照明灯" * 8, point_code="HD-" + "1234567890" * 6,
                        category="消防设施与疏散通道" * 10)
    printed = as_image(render_png(long, layout))
    assert decoded(printed) == [long.url]
    stray = printed.convert("L")
    for box in [layout.qr.box, *(text.box for text in layout.texts)]:
        stray.paste(255, pixels(box))
    if layout.border:  # the frame is the one mark outside the boxes: keep only what lies inside it
        inside = pixels(layout.border.inner(Rect(0, 0, layout.label_width_mm, layout.label_height_mm)))
        framed, stray = stray, Image.new("L", stray.size, 255)
        stray.paste(framed.crop(inside), inside[:2])
    assert stray.getextrema() == (255, 255)


def test_text_wraps_between_ideographs_and_shrinks_before_it_is_cut(cjk_font):
    point_name = next(text for text in load_layout("a4-stickers-3x8").texts if text.field == "point_name")
    font, _, lines = _fit("体育馆配电箱", point_name, Typeface(cjk_font))
    assert (lines, font.size) == (["体育馆配电箱"], round(point_name.size_pt * DPI / 72))
    font, _, lines = _fit("一号教学楼一层东侧走廊消火栓箱（2号）", point_name, Typeface(cjk_font))
    assert len(lines) == 2
    assert not lines[1].startswith(("）", "号）"))  # closing brackets stay with what they close
    font, _, lines = _fit("消防设施" * 20, point_name, Typeface(cjk_font))
    assert font.size == round(point_name.min_size_pt * DPI / 72)
    assert len(lines) == point_name.max_lines
    assert lines[-1].endswith("…")


def test_a_url_too_long_for_the_code_is_refused(cjk_font):
    [label] = labels(1)
    too_long = LabelContent(url=label.url + "x" * 600, school_name="学校", point_name="点位", point_code="P1")
    with pytest.raises(ValueError, match="too long for a 28 mm code"):
        render_png(too_long, load_layout("thermal-50x30"))


def test_no_labels_is_an_error_not_an_empty_pdf(cjk_font):
    with pytest.raises(ValueError, match="No labels"):
        render_pdf([], load_layout("a4-stickers-3x8"))


def test_text_fields_name_content_fields():
    assert set(TEXT_FIELDS) <= set(LabelContent.__dataclass_fields__) - {"url"}


def test_chinese_renders_as_real_glyphs_not_tofu(cjk_font):
    assert covers_chinese(cjk_font)
    glyphs = {char: glyph_bitmap(cjk_font, char) for char in "灭火器楼梯"}
    missing = glyph_bitmap(cjk_font, "\U0010fffd")
    assert len(set(glyphs.values())) == len(glyphs)
    assert missing not in glyphs.values()
    assert all(any(glyph) for glyph in glyphs.values())
    point_name = next(text for text in load_layout("a4-stickers-3x8").texts if text.field == "point_name")
    faces = (find_fonts(), find_fonts(bold=True))
    drawn = {text: _text_mask(text, point_name, faces).tobytes() for text in ("灭火器", "楼梯间", "\U0010fffd" * 3)}
    assert len(set(drawn.values())) == 3


def test_the_simplified_chinese_face_of_a_collection_is_chosen(cjk_font):
    if cjk_font.path.endswith(".ttc"):
        assert fonts.load_font(cjk_font, 20).getname()[0].endswith(" SC")


def test_a_configured_font_that_does_not_exist_is_reported():
    bogus = "/nonexistent/NoSuchFont.ttf"
    with pytest.raises(FontMissing, match=rf"CJK_FONT_PATH={re.escape(bogus)} .*apt-get install fonts-noto-cjk"):
        find_cjk_font(bogus)
    with pytest.raises(FontMissing):
        render_png(labels(1)[0], load_layout("thermal-50x30"), font_path=bogus)


def test_a_configured_latin_only_font_is_refused_rather_than_printing_tofu():
    latin = next((path for path in LATIN_ONLY_FONTS if Path(path).is_file()), None)
    if latin is None:
        pytest.skip("no Latin-only font installed to try")
    with pytest.raises(FontMissing, match="not a readable font with Chinese glyphs"):
        find_cjk_font(latin)


def test_no_chinese_font_anywhere_says_what_to_install(monkeypatch):
    monkeypatch.setattr(fonts, "_candidates", lambda bold: iter([None]))
    fonts.find_cjk_font.cache_clear()
    try:
        with pytest.raises(FontMissing, match=r"apt-get install fonts-noto-cjk\) or set CJK_FONT_PATH"):
            find_cjk_font()
    finally:
        fonts.find_cjk_font.cache_clear()


def test_without_a_bold_face_bold_text_is_thickened(cjk_font):
    regular_only = find_cjk_font(cjk_font.path, bold=True)
    assert regular_only.fake_bold
    point_name = next(text for text in load_layout("a4-stickers-3x8").texts if text.field == "point_name")
    faces = (Typeface(cjk_font), Typeface(regular_only))
    bold_ink = _text_mask("灭火器", point_name, faces).histogram()[INK]
    plain_ink = _text_mask("灭火器", dataclasses.replace(point_name, bold=False), faces).histogram()[INK]
    assert bold_ink > 1.2 * plain_ink
    [label] = labels(1)
    assert decoded(as_image(render_png(label, load_layout("thermal-50x30"), font_path=cjk_font.path))) == [label.url]


def test_dashed_cut_lines_frame_each_label(cjk_font, tmp_path):
    (tmp_path / "cut.toml").write_text(CUT_LINES, encoding="utf-8")
    [label] = labels(1)
    image = as_image(render_png(label, load_layout("cut", tmp_path))).convert("L")
    top_edge = image.crop((0, 0, image.width, 1)).tobytes()
    assert top_edge.count(0) > image.width / 3
    assert top_edge.count(255) > image.width / 3  # the gaps between dashes
    assert decoded(image) == [label.url]


CUT_LINES = """\
title = "Cut lines"
purpose = "point-label"
[page]
width_mm = 50
height_mm = 50
[grid]
columns = 1
rows = 1
label_width_mm = 50
label_height_mm = 50
[border]
line_mm = 0.3
dash_mm = 2
[qr]
x_mm = 5
y_mm = 5
size_mm = 40
"""
