"""Fonts for printed text: a face with Chinese glyphs, and a Latin face for what that one lacks.

A label printed in tofu boxes is worse than no label. Many machines' only Chinese font is Droid Sans Fallback,
which has no Latin letters or digits ("A 栋配电房" would print as "▯ 栋配电房"), so every character is drawn
with the first face whose character map has it: the Chinese face, then a Latin one (DejaVu, Liberation …).
"""
from __future__ import annotations

import logging
import shutil
import string
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext as _l
from fontTools.ttLib import TTFont, TTLibError
from PIL import Image, ImageDraw, ImageFont

from ..errors import ApiError

log = logging.getLogger(__name__)

# Tried in order where there is no fontconfig (slim containers, macOS).
_WELL_KNOWN = {
    False: ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian/Ubuntu fonts-noto-cjk
            "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch
            "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora
            "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
            "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
            "/System/Library/Fonts/PingFang.ttc"),
    True: ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
           "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
           "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc"),
}
_WELL_KNOWN_LATIN = {
    False: ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
    True: ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
           "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
}
_INSTALL_HINT = ("Install one (Debian/Ubuntu: apt-get install fonts-noto-cjk) or set CJK_FONT_PATH to a "
                 ".ttf/.otf/.ttc file with Chinese glyphs.")
# Simplified forms schools print every day; a face lacking any of them would leave boxes in names.
CHINESE_PROBE = "中国学校楼栋配电房灭火器隐患整改通知书"
LATIN_PROBE = string.ascii_letters + string.digits
# Whatever fontconfig knows for Chinese (zh-cn, zh-tw, …: Droid Sans Fallback is listed for zh-tw only).
_FC_FORMAT = "%{file}\t%{index}\t%{family[0]}\t%{weight}\t%{lang}\n"
_PROBE_PX = 48


class FontMissing(ApiError):
    """No usable font on the server: not the client's fault (503). `detail` says what to install or fix."""

    status, code = 503, "font_unavailable"
    default_message = _l("Printing is unavailable: the server has no Chinese font installed. "
                         "Please tell the system administrator.")

    def __init__(self, detail: str):
        super().__init__()
        self.detail = detail

    def __str__(self) -> str:
        return self.detail


@dataclass(frozen=True)
class FontFace:
    path: str
    index: int = 0  # the face inside a .ttc collection
    fake_bold: bool = False  # bold asked for but this face is not bold: thicken strokes when drawing

    @property
    def name(self) -> str:
        family, style = load_font(self, _PROBE_PX).getname()
        return f"{family} {style}".strip() + (" (thickened)" if self.fake_bold else "")


@dataclass(frozen=True)
class Typeface:
    """What text is drawn with: Chinese from `chinese`; characters it lacks from `latin` (None: not needed)."""

    chinese: FontFace
    latin: FontFace | None = None

    @property
    def fake_bold(self) -> bool:
        return self.chinese.fake_bold

    def face_for(self, char: str) -> FontFace:
        if self.latin is None or covers(self.chinese, char) or not covers(self.latin, char):
            return self.chinese
        return self.latin

    def runs(self, text: str) -> Iterator[tuple[FontFace, str]]:
        """The text cut into runs drawn with one face each."""
        start = 0
        for i in range(1, len(text) + 1):
            if i == len(text) or self.face_for(text[i]) != self.face_for(text[start]):
                yield self.face_for(text[start]), text[start:i]
                start = i

    def at(self, size_px: int) -> SizedType:
        return SizedType(self, size_px)

    def describe(self) -> str:
        latin = f"; Latin letters and digits: {self.latin.name} ({self.latin.path})" if self.latin else \
            " (Latin letters and digits too)"
        return f"Chinese: {self.chinese.name} ({self.chinese.path}){latin}"


@dataclass(frozen=True)
class SizedType:
    """A typeface at one pixel size: measures and draws mixed Chinese/Latin text on one baseline."""

    typeface: Typeface
    size: int

    def advance(self, char: str) -> float:
        return _advance(load_font(self.typeface.face_for(char), self.size), char)

    def length(self, text: str) -> float:
        # Summed per character: exact for basic layout without kerning, as with CJK fonts (their kerning is in
        # GPOS, which basic layout does not apply), and it turns ~100 FreeType calls per name into look-ups.
        return sum(self.advance(char) for char in text)

    def draw(self, draw: ImageDraw.ImageDraw, baseline_left: tuple[float, float], text: str, **options) -> None:
        """Draw `text` with its left end on the baseline at `baseline_left`, each run in its own face."""
        x, y = baseline_left
        for face, run in self.typeface.runs(text):
            draw.text((x, y), run, font=load_font(face, self.size), anchor="ls", **options)
            x += self.length(run)


@cache
def _advance(font: ImageFont.FreeTypeFont, char: str) -> float:
    return font.getlength(char)


@cache
def find_fonts(configured: str | None = None, *, bold: bool = False) -> Typeface:
    """The typeface for printed text: a Chinese face (CJK_FONT_PATH, else fontconfig, else well-known paths)
    and, when that face lacks Latin letters or digits, a Latin face for them.

    A configured path that does not work raises instead of falling back, so a typo in the setting shows.
    Results are cached per process; a FontMissing is not, so installing fonts fixes a running worker.
    """
    try:
        chinese = find_cjk_font(configured, bold=bold)
        if covers(chinese, LATIN_PROBE):
            return Typeface(chinese)
        latin = next((face for face in _latin_candidates(bold) if face and covers(face, LATIN_PROBE)), None)
        if latin is None:
            raise FontMissing(f"{chinese.path} has no Latin letters or digits and no font that has them was "
                              "found. Install one (Debian/Ubuntu: apt-get install fonts-dejavu-core) or "
                              "fonts-noto-cjk, which has both.")
        return Typeface(chinese, latin)
    except FontMissing as error:
        log.error("printing is unavailable: %s", error.detail)
        raise


@cache
def find_cjk_font(configured: str | None = None, *, bold: bool = False) -> FontFace:
    """The Chinese face alone (see find_fonts, which adds a Latin face when this one needs it)."""
    if configured:
        face = _face_in_file(configured, bold)
        if face is None:
            raise FontMissing(f"CJK_FONT_PATH={configured} is not a readable font with Chinese glyphs. "
                              f"Point it at another file or unset it. {_INSTALL_HINT}")
        return face
    for face in _candidates(bold):
        if face is not None and covers_chinese(face):
            return face
    raise FontMissing(f"No font with Chinese glyphs was found. {_INSTALL_HINT}")


def load_font(face: FontFace, size_px: int) -> ImageFont.FreeTypeFont:
    """One FreeType object per font file, face and pixel size, shared by every label."""
    return _truetype(face.path, face.index, size_px)


def covers_chinese(face: FontFace) -> bool:
    return covers(face, CHINESE_PROBE)


def covers(face: FontFace, text: str) -> bool:
    """True if the face's character map has every character of `text` (whitespace needs no glyph)."""
    mapped = codepoints(face)
    return all(ord(char) in mapped for char in text if not char.isspace())


@cache
def codepoints(face: FontFace) -> frozenset[int]:
    """The characters a face has glyphs for, from its character map (drawing a missing one gives .notdef)."""
    try:
        with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
            return frozenset(font.getBestCmap() or ())
    except (OSError, TTLibError, AssertionError, KeyError):  # not a font, or one without a usable cmap
        return frozenset()


def glyph_bitmap(face: FontFace, char: str) -> bytes:
    """The pixels of one character drawn at a fixed size, to compare glyphs with each other."""
    image = Image.new("L", (2 * _PROBE_PX, 2 * _PROBE_PX), 0)
    ImageDraw.Draw(image).text((0, 0), char, fill=255, font=load_font(face, _PROBE_PX))
    return image.tobytes()


@cache
def _truetype(path: str, index: int, size_px: int) -> ImageFont.FreeTypeFont:
    # Basic layout: Chinese needs no shaping, and its whole-pixel advances add up character by character,
    # which is how text is measured to fit it.
    return ImageFont.truetype(path, size_px, index=index, layout_engine=ImageFont.Layout.BASIC)


def _candidates(bold: bool) -> Iterator[FontFace | None]:
    """What fontconfig lists for Chinese; the well-known paths only where there is no fontconfig (macOS, slim
    containers), so the service and `safety doctor` see exactly what the machine's font set-up offers."""
    if shutil.which("fc-list"):
        yield from _from_fontconfig(bold)
        return
    for path in (*_WELL_KNOWN[True], *_WELL_KNOWN[False]) if bold else _WELL_KNOWN[False]:
        yield _face_in_file(path, bold)


def _latin_candidates(bold: bool) -> Iterator[FontFace | None]:
    if shutil.which("fc-match"):
        yield _fc_match("sans-serif:lang=en" + (":weight=bold" if bold else ""), bold)
        return
    for path in (*_WELL_KNOWN_LATIN[True], *_WELL_KNOWN_LATIN[False]) if bold else _WELL_KNOWN_LATIN[False]:
        yield _face(path, 0, bold) if Path(path).is_file() else None


def _fontconfig(*args: str) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=20, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def _from_fontconfig(bold: bool) -> Iterator[FontFace]:
    """Every face fontconfig lists for Chinese, best first: mainland (SC) forms, sans before serif and mono,
    the weight asked for, one that also has Latin letters. The caller still checks the character map."""
    with_latin = {tuple(line.split("\t")) for line in _fontconfig(
        "fc-list", ":lang=zh:charset=30-39 41-5a 61-7a", "-f", "%{file}\t%{index}\n").splitlines()}
    ranked = []
    for line in _fontconfig("fc-list", ":lang=zh", "-f", _FC_FORMAT).splitlines():
        try:
            path, index, family, weight, langs = line.split("\t")
            weight_value = float(weight)
        except ValueError:
            continue
        rank = ("zh-cn" not in langs.split("|"), not family.endswith((" SC", " GB", "SC")),
                "Mono" in family, "Serif" in family, (weight_value >= 200) != bold,
                (path, index) not in with_latin, path, int(index))
        ranked.append((rank, path, int(index)))
    for _, path, index in sorted(ranked):
        yield _face(path, index, bold)


def _fc_match(pattern: str, bold: bool) -> FontFace | None:
    """fc-match always answers with *some* font, so the caller checks what it covers."""
    path, _, index = _fontconfig("fc-match", "-f", "%{file}\n%{index}", pattern).partition("\n")
    try:
        return _face(path, int(index), bold) if path else None
    except (ValueError, OSError):
        return None


def _face_in_file(path: str, bold: bool) -> FontFace | None:
    """The Simplified Chinese face of a font file (a .ttc holds JP/KR/SC/TC variants), if it covers Chinese."""
    if not Path(path).is_file():
        return None
    faces = []
    for index in range(64):  # collections hold a handful of faces; stop at the first index that is not there
        try:
            faces.append((index, ImageFont.truetype(path, _PROBE_PX, index=index).getname()[0] or ""))
        except OSError:
            break
    if not faces:
        return None
    # Same code point, different glyph shapes per region: mainland schools want the SC forms.
    index = next((i for i, family in faces if family.endswith((" SC", " GB"))), faces[0][0])
    face = _face(path, index, bold)
    return face if covers_chinese(face) else None


def _face(path: str, index: int, bold: bool) -> FontFace:
    style = (load_font(FontFace(path, index), _PROBE_PX).getname()[1] or "").lower()
    return FontFace(path, index, fake_bold=bold and "bold" not in style and "heavy" not in style)
