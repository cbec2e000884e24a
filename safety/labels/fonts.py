"""Finding a font that really has Chinese glyphs: a label printed in tofu boxes is worse than no label."""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

# Tried in order when neither CJK_FONT_PATH nor fontconfig gives an answer (slim containers, macOS).
_WELL_KNOWN = {
    False: ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian/Ubuntu fonts-noto-cjk
            "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch
            "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora
            "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
            "/System/Library/Fonts/PingFang.ttc"),
    True: ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
           "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
           "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc"),
}
_INSTALL_HINT = ("Install one (Debian/Ubuntu: apt-get install fonts-noto-cjk) or set CJK_FONT_PATH to a "
                 ".ttf/.otf/.ttc file with Chinese glyphs.")
_PROBE = ("中", "国", "\U0010fffd")  # two distinct ideographs and a private-use code point no font draws
_PROBE_PX = 48


class FontMissing(RuntimeError):
    """No usable Chinese font; the message says what to install or which setting to fix."""


@dataclass(frozen=True)
class FontFace:
    path: str
    index: int = 0  # the face inside a .ttc collection
    fake_bold: bool = False  # bold asked for but this face is not bold: thicken strokes when drawing


@cache
def find_cjk_font(configured: str | None = None, *, bold: bool = False) -> FontFace:
    """The font for label text: the configured CJK_FONT_PATH, else fontconfig, else a few well-known paths.

    A configured path that does not work raises instead of falling back, so a typo in the setting shows.
    Results are cached per process; a FontMissing is not, so installing fonts fixes a running worker.
    """
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
    """True if the face draws two ideographs as two different glyphs, neither being its missing-glyph box."""
    first, second, missing = (glyph_bitmap(face, char) for char in _PROBE)
    return len({first, second, missing}) == 3


def glyph_bitmap(face: FontFace, char: str) -> bytes:
    """The pixels of one character drawn at a fixed size, to compare glyphs with each other."""
    image = Image.new("L", (2 * _PROBE_PX, 2 * _PROBE_PX), 0)
    ImageDraw.Draw(image).text((0, 0), char, fill=255, font=load_font(face, _PROBE_PX))
    return image.tobytes()


@cache
def _truetype(path: str, index: int, size_px: int) -> ImageFont.FreeTypeFont:
    # Basic layout: Chinese needs no shaping, and its whole-pixel advances add up character by character,
    # which is how render.py measures text to fit it.
    return ImageFont.truetype(path, size_px, index=index, layout_engine=ImageFont.Layout.BASIC)


def _candidates(bold: bool):
    """Lazily, so the well-known paths are only probed when fontconfig has no answer."""
    yield _from_fontconfig(bold)
    for path in (*_WELL_KNOWN[True], *_WELL_KNOWN[False]) if bold else _WELL_KNOWN[False]:
        yield _face_in_file(path, bold)


def _from_fontconfig(bold: bool) -> FontFace | None:
    """fc-match always answers with *some* font, so the caller still checks that it covers Chinese."""
    if shutil.which("fc-match") is None:
        return None
    pattern = "Noto Sans CJK SC:lang=zh-cn" + (":weight=bold" if bold else "")
    try:
        result = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", pattern],
                                capture_output=True, text=True, timeout=10, check=True)
        path, index = result.stdout.split("\n")
        return _face(path, int(index), bold)
    except (OSError, subprocess.SubprocessError, ValueError):
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
