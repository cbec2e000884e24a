"""Real fonts, real fontconfig: a machine whose only Chinese font is Droid Sans Fallback prints without tofu."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from safety.labels import LabelContent, fonts, load_layout, render_png
from safety.labels.fonts import LATIN_PROBE, FontMissing, Typeface, covers, find_cjk_font, find_fonts
from safety.labels.render import _text_mask
from tests.conftest import require_tool, which

DROID = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"  # Debian: fonts-droid-fallback
DEJAVU_DIR = "/usr/share/fonts/truetype/dejavu"  # fonts-dejavu-core, which fontconfig itself pulls in
NOT_IN_ANY_FONT = "\U0010fffd"  # private use: every face draws its missing-glyph box (.notdef)


@pytest.fixture
def droid():
    require_tool("fonts-droid-fallback", Path(DROID).is_file(), "the Latin fallback is tested with it")
    return DROID


@pytest.fixture
def fresh_font_cache():
    """find_fonts caches per process; these tests change what the machine offers."""
    fonts.find_fonts.cache_clear()
    fonts.find_cjk_font.cache_clear()
    yield
    fonts.find_fonts.cache_clear()
    fonts.find_cjk_font.cache_clear()


def fontconfig_with(tmp_path, *folders) -> dict:
    """An environment whose fontconfig knows only the fonts in `folders`, as on a freshly installed machine."""
    require_tool("fontconfig (fc-list)", which("fc-list"), "the service asks fontconfig for Chinese fonts")
    config = tmp_path / "fonts.conf"
    dirs = "".join(f"<dir>{folder}</dir>" for folder in folders if Path(folder).is_dir())
    # The system's rules (sans-serif → DejaVu Sans …) but only these folders' fonts.
    config.write_text(f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>{dirs}'
                      f'<include ignore_missing="yes">/etc/fonts/conf.d</include>'
                      f'<cachedir>{tmp_path / "fc-cache"}</cachedir></fontconfig>')
    return {"FONTCONFIG_FILE": str(config)}


def point_name_box():
    return next(text for text in load_layout("a4-stickers-3x8").texts if text.field == "point_name")


def drawn(text, typeface):
    return _text_mask(text, point_name_box(), (typeface, typeface))


def test_droid_sans_fallback_has_no_latin_letters_so_they_come_from_a_latin_face(droid, fresh_font_cache):
    typeface = find_fonts(droid)
    assert typeface.chinese.path == droid and not covers(typeface.chinese, "A")
    assert typeface.latin is not None and covers(typeface.latin, LATIN_PROBE)
    assert [(face.path, run) for face, run in typeface.runs("A 栋配电房 2")] == [
        (typeface.latin.path, "A"), (droid, " 栋配电房 "), (typeface.latin.path, "2")]


@pytest.mark.parametrize("char", ["A", "z", "7"])
def test_latin_letters_and_digits_never_print_as_tofu(droid, fresh_font_cache, char):
    tofu = drawn(NOT_IN_ANY_FONT, find_fonts(droid)).tobytes()
    alone = Typeface(find_cjk_font(droid))
    # Droid alone draws the letter as its missing-glyph box: what this test guards against is real.
    assert drawn(char, alone).tobytes() == tofu
    printed = drawn(char, find_fonts(droid))
    assert printed.tobytes() != tofu and printed.histogram()[255] > 0


def test_a_mixed_label_prints_every_character_and_still_scans(droid, fresh_font_cache):
    label = LabelContent(url="https://safety.example.cn/q/abc123", school_name="临江市第一中学",
                         point_name="A 栋配电房", point_code="LJ-0001")
    image = Image.open(__import__("io").BytesIO(render_png(label, load_layout("thermal-50x30"), font_path=droid)))
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [label.url]
    typeface = find_fonts(droid)
    # "A 栋配电房" as printed differs from the same line with its "A" replaced by the missing-glyph box.
    assert drawn("A 栋配电房", typeface).tobytes() != drawn(NOT_IN_ANY_FONT + " 栋配电房", typeface).tobytes()


def test_the_two_faces_share_one_baseline(droid, fresh_font_cache):
    sized = find_fonts(droid).at(100)
    image = Image.new("L", (400, 200), 0)
    sized.draw(ImageDraw.Draw(image), (10, 150), "A栋", fill=255)
    latin_bottom = image.crop((10, 0, 10 + round(sized.advance("A")), 200)).getbbox()[3]
    chinese_bottom = image.crop((10 + round(sized.advance("A")), 0, 400, 200)).getbbox()[3]
    assert abs(latin_bottom - 150) <= 2  # "A" sits on the baseline
    assert chinese_bottom > latin_bottom  # the ideograph reaches a little below it, as it should


def test_fontconfig_with_only_droid_and_dejavu_is_enough(droid, fresh_font_cache, tmp_path, monkeypatch):
    for name, value in fontconfig_with(tmp_path, os.path.dirname(droid), DEJAVU_DIR).items():
        monkeypatch.setenv(name, value)
    typeface = find_fonts()
    assert typeface.chinese.path == droid
    assert typeface.latin is not None and typeface.latin.path.startswith(DEJAVU_DIR)


def doctor_fonts(env: dict) -> subprocess.CompletedProcess:
    safety = Path(sys.executable).with_name("safety")
    return subprocess.run([str(safety), "doctor", "--fonts"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env, "SECRET_KEY": "doctor-test"})


def test_the_doctor_and_the_service_agree_on_a_droid_only_machine(droid, tmp_path):
    result = doctor_fonts(fontconfig_with(tmp_path, os.path.dirname(droid), DEJAVU_DIR))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Droid Sans Fallback" in result.stdout and "DejaVu Sans" in result.stdout


def test_the_doctor_fails_where_no_font_draws_chinese(tmp_path):
    result = doctor_fonts(fontconfig_with(tmp_path, DEJAVU_DIR))
    assert result.returncode == 1
    assert "FAIL  fonts" in result.stdout and "apt-get install fonts-noto-cjk" in result.stdout


def test_a_missing_font_is_the_servers_fault_with_a_plain_message(fresh_font_cache):
    with pytest.raises(FontMissing) as caught:
        find_fonts("/nonexistent/NoSuchFont.ttf")
    assert caught.value.status == 503 and caught.value.code == "font_unavailable"
    assert "CJK_FONT_PATH=/nonexistent/NoSuchFont.ttf" in caught.value.detail  # for the operator's log
    assert "CJK_FONT_PATH" not in str(caught.value.message)  # what people are shown
