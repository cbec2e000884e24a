"""Print-ready QR labels: 1-bit page images at 300 dpi, written out as a PDF of sheets or a PNG of one label."""
from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

import qrcode
from PIL import Image, ImageDraw, TiffImagePlugin

from .fonts import SizedType, Typeface, find_fonts
from .layouts import LINE_HEIGHT, Border, Layout, QrSpec, TextBox

DPI = 300
# Mode "1" stores whatever non-zero value it is given and treats it all as white; stick to 0 and 255.
BLACK, WHITE = 0, 255
INK = 255  # in the masks: where black goes
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
MIN_MODULE_PX = 3  # 0.25 mm at 300 dpi: smaller modules bleed together on office and thermal printers
_LEVELS = {"Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}
_OPENING = "（《「『【(["  # must not end a line
_CLOSING = "，。、；：？！）》」』】·,.;:?!)]"  # must not start a line
_TOKEN = re.compile(rf"[{re.escape(_OPENING)}]*(?:[A-Za-z0-9]+(?:[-./#][A-Za-z0-9]+)*|\S)[{re.escape(_CLOSING)}]*|\s+")
_ELLIPSIS = "…"


@dataclass(frozen=True)
class LabelContent:
    """What one sticker shows; `url` is what its QR code encodes."""

    url: str
    school_name: str
    point_name: str
    point_code: str
    category: str | None = None


def render_pdf(labels: Iterable[LabelContent], layout: Layout, *, font_path: str | None = None,
               progress: Callable[[int, int], None] | None = None) -> bytes:
    """A PDF with one page per grid-full of labels; `progress(done, total)` is called as each page is drawn
    (writing the PDF afterwards takes about a tenth of the time). Memory use does not grow with the count.

    Raises FontMissing without a Chinese font, ValueError for no labels or a URL too long for the layout.
    """
    labels = list(labels)
    if not labels:
        raise ValueError("No labels to render.")
    total = math.ceil(len(labels) / layout.labels_per_page)
    # Pillow holds a mode "1" image at a byte per pixel (8.7 MB per A4 page) and its PDF writer takes all pages
    # at once: 1,000 labels peaked at 470 MB. Parked G4-compressed (~90 kB a page) in a multi-page TIFF, the
    # pages are read back one frame at a time by the PDF writer instead, for ~15 % more time.
    sheets = io.BytesIO()
    with TiffImagePlugin.AppendingTiffWriter(sheets) as writer:
        for done, page in enumerate(render_pages(labels, layout, font_path=font_path), 1):
            page.save(writer, "TIFF", compression="group4")
            writer.newFrame()
            if progress:
                progress(done, total)
    sheets.seek(0)
    out = io.BytesIO()
    with Image.open(sheets) as pages:
        # Mode "1" pages go into the PDF CCITT G4-compressed: lossless and small. "L" and "RGB" pages would be
        # JPEG-compressed, which blurs module edges and is several times larger; printers print black or
        # nothing anyway. (G4 needs Pillow built with libtiff, as its wheels are; without it saving fails.)
        pages.save(out, "PDF", save_all=True, resolution=DPI, title=layout.title)
    return out.getvalue()


def render_png(label: LabelContent, layout: Layout, *, font_path: str | None = None) -> bytes:
    """One label as a 1-bit PNG at 300 dpi, e.g. for a preview or a label printer driver."""
    image = Image.new("1", (_px(layout.label_width_mm), _px(layout.label_height_mm)), WHITE)
    _draw_label(image, (0, 0), label, layout, _faces(font_path))
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(DPI, DPI), optimize=True)
    return out.getvalue()


def render_pages(labels: Iterable[LabelContent], layout: Layout, *,
                 font_path: str | None = None) -> Iterator[Image.Image]:
    """The PDF's pages as 1-bit images (0 black, 255 white), filled row by row; the last page may be partly empty."""
    faces = _faces(font_path)
    size = (_px(layout.page_width_mm), _px(layout.page_height_mm))
    remaining = iter(labels)
    while chunk := list(islice(remaining, layout.labels_per_page)):
        page = Image.new("1", size, WHITE)
        for slot, label in enumerate(chunk):
            x, y = layout.label_origin_mm(slot)
            _draw_label(page, (_px(x), _px(y)), label, layout, faces)
        yield page


def _faces(font_path: str | None) -> tuple[Typeface, Typeface]:
    return find_fonts(font_path), find_fonts(font_path, bold=True)


def _px(mm: float) -> int:
    return round(mm * DPI / 25.4)


def _draw_label(image: Image.Image, origin: tuple[int, int], label: LabelContent, layout: Layout,
                faces: tuple[Typeface, Typeface]) -> None:
    x, y = origin
    image.paste(BLACK, origin, _static_mask(layout, faces))
    code = _qr_image(label.url, layout.qr)
    slack = (_px(layout.qr.box.width) - code.width) // 2  # whole-pixel modules rarely fill the box exactly
    image.paste(code, (x + _px(layout.qr.box.x) + slack, y + _px(layout.qr.box.y) + slack))
    for box in layout.texts:
        if box.field and (value := getattr(label, box.field)):
            image.paste(BLACK, (x + _px(box.box.x), y + _px(box.box.y)), _text_mask(value, box, faces))


@lru_cache(maxsize=64)
def _qr_image(url: str, spec: QrSpec) -> Image.Image:
    """The code with its quiet zone, every module the same whole number of pixels so edges stay sharp.

    Cached: parents' letters repeat one class code on every slip (pasted, never changed)."""
    code = qrcode.QRCode(error_correction=_LEVELS[spec.error_correction], border=QUIET_ZONE)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    modules = len(matrix)
    module_px = _px(spec.box.width) // modules
    if module_px < MIN_MODULE_PX:
        raise ValueError(f"The URL is too long for a {spec.box.width:g} mm code ({len(url)} characters, "
                         f"{modules} modules); shorten it or use a layout with a larger code.")
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    small = Image.frombytes("L", (modules, modules), pixels).convert("1", dither=Image.Dither.NONE)
    return small.resize((modules * module_px, modules * module_px), Image.Resampling.NEAREST)


@lru_cache(maxsize=16)
def _static_mask(layout: Layout, faces: tuple[Typeface, Typeface]) -> Image.Image:
    """Ink that is the same on every label of a layout (border, fixed texts), drawn once and pasted."""
    mask = Image.new("1", (_px(layout.label_width_mm), _px(layout.label_height_mm)), 0)
    if layout.border:
        _draw_border(ImageDraw.Draw(mask), layout.border, mask.size)
    for box in layout.texts:
        if box.text:
            mask.paste(INK, (_px(box.box.x), _px(box.box.y)), _text_mask(box.text, box, faces))
    return mask


def _draw_border(draw: ImageDraw.ImageDraw, border: Border, size: tuple[int, int]) -> None:
    inset, line = _px(border.inset_mm), max(1, _px(border.line_mm))
    left, top, right, bottom = inset, inset, size[0] - 1 - inset, size[1] - 1 - inset
    if not border.dash_mm:
        draw.rectangle((left, top, right, bottom), outline=INK, width=line)
        return
    dash = max(1, _px(border.dash_mm))
    for x in range(left, right + 1, 2 * dash):
        end = min(x + dash - 1, right)
        draw.rectangle((x, top, end, top + line - 1), fill=INK)
        draw.rectangle((x, bottom - line + 1, end, bottom), fill=INK)
    for y in range(top, bottom + 1, 2 * dash):
        end = min(y + dash - 1, bottom)
        draw.rectangle((left, y, left + line - 1, end), fill=INK)
        draw.rectangle((right - line + 1, y, right, end), fill=INK)


@lru_cache(maxsize=256)
def _text_mask(text: str, box: TextBox, faces: tuple[Typeface, Typeface]) -> Image.Image:
    """The text fitted into its box, as a mask of the box's size (ink = 255); cached, as school names repeat."""
    font, stroke, lines = _fit(text, box, faces[1] if box.bold else faces[0])
    width, height = _px(box.box.width), _px(box.box.height)
    mask = Image.new("1", (width, height), 0)
    draw = ImageDraw.Draw(mask)
    pitch = font.size * LINE_HEIGHT
    for i, line in enumerate(lines):
        free = width - font.length(line) - 2 * stroke
        x = stroke + {"left": 0, "center": free / 2, "right": free}[box.align]
        # Ideographs fill an em box from 0.88 em above the baseline to 0.12 em below: centre it in the line.
        baseline = i * pitch + (pitch - font.size) / 2 + 0.88 * font.size
        font.draw(draw, (x, baseline), line, fill=INK, stroke_width=stroke, stroke_fill=INK)
    return mask


def _fit(text: str, box: TextBox, face: Typeface) -> tuple[SizedType, int, list[str]]:
    """Wrap at the layout's size; if that takes too many lines, shrink in half points; at the minimum, cut."""
    tokens = _TOKEN.findall(text)
    size_pt = box.size_pt
    while True:
        font = face.at(round(size_pt * DPI / 72))
        stroke = max(1, round(font.size / 24)) if face.fake_bold else 0
        width = _px(box.box.width) - 2 * stroke
        rows = max(1, min(box.max_lines, int(_px(box.box.height) // (font.size * LINE_HEIGHT))))
        lines = _wrap(tokens, font, width)
        if len(lines) <= rows:
            return font, stroke, _balance(tokens, font, width, len(lines)) if len(lines) > 1 else lines
        if size_pt <= box.min_size_pt:
            return font, stroke, _cut(lines[:rows], font, width)
        size_pt = max(box.min_size_pt, size_pt - 0.5)


def _wrap(tokens: list[str], font: SizedType, width: float) -> list[str]:
    """Greedy line breaking: anywhere between ideographs, between Latin words and numbers, never before
    closing or after opening punctuation; a word wider than the box is broken between letters."""
    lines, line, used = [], "", 0.0
    for token in _breakable(tokens, font, width):
        advance = font.length(token)
        if token.isspace():
            if line:
                line, used = line + token, used + advance
        elif line and used + advance > width:
            lines.append(line.rstrip())
            line, used = token, advance
        else:
            line, used = line + token, used + advance
    if line:
        lines.append(line.rstrip())
    return lines


def _balance(tokens: list[str], font: SizedType, width: float, count: int) -> list[str]:
    """The same number of lines, wrapped at the narrowest width that allows it: even lines, not an orphan."""
    low, high = int(width / count), int(width)
    while low < high:
        middle = (low + high) // 2
        if len(_wrap(tokens, font, middle)) <= count:
            high = middle
        else:
            low = middle + 1
    return _wrap(tokens, font, high)


def _breakable(tokens: list[str], font: SizedType, width: float) -> Iterator[str]:
    for token in tokens:
        if len(token) > 1 and font.length(token) > width:
            yield from token
        else:
            yield token


def _cut(lines: list[str], font: SizedType, width: float) -> list[str]:
    """The text did not fit even at the smallest size: end the last line that fits with an ellipsis."""
    last = lines[-1]
    while last and font.length(last + _ELLIPSIS) > width:
        last = last[:-1]
    return [*lines[:-1], last.rstrip() + _ELLIPSIS]
