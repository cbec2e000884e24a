"""Compose A4 documents: flowing paragraphs, ruled tables whose header repeats on each page, rows of photos,
a dashed tear-off line. Text is drawn with the CJK font the labels use (FontMissing: 503) onto 1-bit pages.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app
from PIL import Image, ImageDraw

from ..labels.fonts import SizedType, find_fonts
from .pdf import PageContent, TextRun, jpeg_picture, write_pdf

DPI = 200
MM = DPI / 25.4
A4_MM = (210, 297)
BLACK, WHITE = 0, 255
# Chinese and Latin runs may come from two faces: drawn on one baseline, an ideograph's top 0.88 em above it.
ASCENT = 0.88
LEADING = 1.6
_NO_LINE_START = "，。、；：？！）》」』】,.;:?!)]"


@dataclass(frozen=True)
class Column:
    title: str
    share: float  # of the table's width


class Paper:
    """A document being laid out top to bottom; a new page starts when the next block does not fit."""

    def __init__(self, *, landscape: bool = False, margin_mm: float = 20):
        font_path = current_app.config.get("CJK_FONT_PATH")
        self.regular, self.bold = (find_fonts(font_path, bold=b) for b in (False, True))  # FontMissing: 503
        width, height = A4_MM[::-1] if landscape else A4_MM
        self.size = (round(width * MM), round(height * MM))
        self.margin = round(margin_mm * MM)
        self.width = self.size[0] - 2 * self.margin
        self.pages: list[PageContent] = []
        self.new_page()

    # --- pages ---------------------------------------------------------------------------------------

    def new_page(self) -> None:
        self.page = PageContent(Image.new("1", self.size, WHITE))
        self.draw = ImageDraw.Draw(self.page.image)
        self.pages.append(self.page)
        self.y = self.margin

    def room(self) -> float:
        return self.size[1] - self.margin - self.y

    def keep(self, mm: float) -> None:
        """Start a new page unless `mm` more fit on this one (a heading stays with what follows it)."""
        self.ensure(mm * MM)

    def ensure(self, height: float) -> None:
        if height > self.room() and self.y > self.margin:
            self.new_page()

    # --- text ----------------------------------------------------------------------------------------

    def font(self, points: float, bold: bool = False) -> SizedType:
        return (self.bold if bold else self.regular).at(round(points / 72 * DPI))

    def write(self, x: float, baseline: float, text: str, font: SizedType) -> None:
        font.draw(self.draw, (x, baseline), text, fill=BLACK)
        self.page.runs.append(TextRun(text, x, baseline, font.size, font.length(text)))

    def paragraph(self, text: str, points: float = 12, *, bold: bool = False, centre: bool = False,
                  indent: float = 0, after: float = 0) -> None:
        font = self.font(points, bold)
        line_height = font.size * LEADING
        left = self.margin + indent * MM
        for line in wrap(text, font, self.width - indent * MM):
            self.ensure(line_height)
            x = (self.size[0] - font.length(line)) / 2 if centre else left
            self.write(x, self.y + ASCENT * font.size, line, font)
            self.y += line_height
        self.y += after * MM

    def gap(self, mm: float) -> None:
        self.y += mm * MM

    def pair(self, left: str, right: str, points: float = 12) -> None:
        """Two texts on one line: one at the left margin, one ending at the right."""
        font = self.font(points)
        self.ensure(font.size * LEADING)
        self.write(self.margin, self.y + ASCENT * font.size, left, font)
        self.write(self.margin + self.width - font.length(right), self.y + ASCENT * font.size, right, font)
        self.y += font.size * LEADING

    def tear_off(self, caption: str) -> None:
        """A dashed cutting line across the page with a caption in its middle."""
        font = self.font(9)
        self.ensure(font.size * 3)
        middle = self.y + font.size
        label = caption
        label_width = font.length(label) + 2 * MM
        centre = self.size[0] / 2
        for x in range(round(self.margin / 2), round(self.size[0] - self.margin / 2), round(3 * MM)):
            if abs(x - centre) > label_width / 2:
                self.draw.line([(x, middle), (x + 1.5 * MM, middle)], fill=BLACK, width=2)
        self.write(centre - font.length(label) / 2, middle + font.size * 0.35, label, font)
        self.y += font.size * 3

    # --- tables --------------------------------------------------------------------------------------

    def table(self, columns: Sequence[Column], rows: Sequence[Sequence[str]], points: float = 10.5) -> None:
        """A ruled table filling the width; rows never split, the header repeats on each new page."""
        font, bold = self.font(points), self.font(points, bold=True)
        pad = 1.5 * MM
        widths = [self.width * c.share / sum(c.share for c in columns) for c in columns]
        header = [wrap(c.title, bold, w - 2 * pad) for c, w in zip(columns, widths, strict=True)]

        def row_height(cells: list[list[str]], face: SizedType) -> float:
            return max(len(lines) for lines in cells) * face.size * 1.4 + 2 * pad

        def draw_row(cells: list[list[str]], face: SizedType) -> None:
            height = row_height(cells, face)
            x = self.margin
            for lines, width in zip(cells, widths, strict=True):
                self.draw.rectangle([x, self.y, x + width, self.y + height], outline=BLACK, width=2)
                for number, line in enumerate(lines):
                    self.write(x + pad, self.y + pad + (number + ASCENT) * face.size * 1.4 + 0.1 * face.size, line,
                               face)
                x += width
            self.y += height

        self.ensure(row_height(header, bold) * 2)
        draw_row(header, bold)
        for row in rows:
            cells = [wrap(str(value), font, w - 2 * pad) for value, w in zip(row, widths, strict=True)]
            if row_height(cells, font) > self.room():
                self.new_page()
                draw_row(header, bold)
            draw_row(cells, font)

    # --- pictures ------------------------------------------------------------------------------------

    def pictures(self, images: Sequence[tuple[bytes, str]], height_mm: float = 40, points: float = 9) -> None:
        """Images side by side (as many as fit a line), each with a caption under it."""
        font = self.font(points)
        height, gap = height_mm * MM, 4 * MM
        x = self.margin
        self.ensure(height + font.size * 2)
        for data, caption in images:
            try:
                with Image.open(io.BytesIO(data)) as opened:
                    image = opened.copy()
            except (OSError, ValueError, Image.DecompressionBombError):
                continue  # stored copies were validated when uploaded; an unreadable one is left out
            width = min(height * image.width / image.height, self.width)
            if x + width > self.margin + self.width:
                self.y += height + font.size * 2.2
                x = self.margin
                self.ensure(height + font.size * 2)
            self.page.pictures.append(jpeg_picture(image, (x, self.y, width, height), DPI))
            self.draw.rectangle([x, self.y, x + width, self.y + height], outline=BLACK, width=1)
            label = wrap(caption, font, max(width, 30 * MM))[0]
            self.write(x, self.y + height + font.size * 1.2, label, font)
            x += max(width, font.length(label)) + gap
        self.y += height + font.size * 2.2

    def pdf(self, title: str) -> bytes:
        return write_pdf(self.pages, DPI, title)


def wrap(text: str, font: SizedType, width: float) -> list[str]:
    """Lines of `text` no longer than `width`; explicit newlines kept, closing punctuation never starts a line."""
    lines: list[str] = []
    for paragraph in (text or "").split("\n"):
        current = ""
        for char in paragraph:
            if current and font.length(current + char) > width and char not in _NO_LINE_START:
                lines.append(current)
                current = char
            else:
                current += char
        lines.append(current)
    return lines
