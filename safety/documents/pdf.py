"""A small PDF writer: each page is a 1-bit page image (text and lines drawn with the CJK font), photos placed
on it as JPEG images, and an invisible text layer over the drawn text.

The text layer is what a scanned-and-recognised document carries: the page looks exactly as drawn, and the text
can be searched, copied and read back (pdftotext). Its font needs no glyphs (text render mode 3 draws
nothing): character codes are the Unicode code points and a ToUnicode map says so, so nothing of the font file
is embedded and any CJK font the labels can print with works.
"""
from __future__ import annotations

import io
import zlib
from dataclasses import dataclass, field

from PIL import Image

POINTS_PER_INCH = 72


@dataclass
class Picture:
    """A photo placed on a page, in page pixels (top-left origin), already scaled for print."""

    jpeg: bytes
    width: int
    height: int
    box: tuple[float, float, float, float]  # left, top, width, height in page pixels
    grey: bool = False


@dataclass
class TextRun:
    """Drawn text at its baseline (page pixels), with the length it was drawn at."""

    text: str
    x: float
    baseline: float
    size: float
    length: float


@dataclass
class PageContent:
    image: Image.Image  # mode "1"
    pictures: list[Picture] = field(default_factory=list)
    runs: list[TextRun] = field(default_factory=list)


def jpeg_picture(image: Image.Image, box: tuple[float, float, float, float], dpi: int) -> Picture:
    """Scale an image to its box at `dpi` (never up) and encode it for the page."""
    target = (max(1, round(box[2] / dpi * 150)), max(1, round(box[3] / dpi * 150)))  # 150 dpi suffices for print
    grey = image.mode in ("1", "L", "LA")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:  # a signature pad's canvas: on paper
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    image = image.convert("L" if grey else "RGB")
    if image.width > target[0] or image.height > target[1]:
        image = image.resize(target, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return Picture(out.getvalue(), image.width, image.height, box, grey)


class _Objects:
    def __init__(self):
        self.bodies: list[bytes] = []

    def add(self, body: bytes) -> int:
        self.bodies.append(body)
        return len(self.bodies)

    def reserve(self) -> int:
        return self.add(b"")

    def set(self, number: int, body: bytes) -> None:
        self.bodies[number - 1] = body

    def stream(self, data: bytes, entries: str = "", compress: bool = True) -> int:
        if compress:
            data, entries = zlib.compress(data, 9), entries + " /Filter /FlateDecode"
        return self.add(f"<< /Length {len(data)}{entries} >>\nstream\n".encode() + data + b"\nendstream")


def _units(text: str) -> list[str]:
    """The text's UTF-16 code units as hex: the character codes of the text layer."""
    data = text.encode("utf-16-be")
    return [data[i:i + 2].hex().upper() for i in range(0, len(data), 2)]


def _utf16_hex(text: str) -> str:
    return "".join(_units(text))


def _font(objects: _Objects, texts: set[str]) -> int:
    """A glyph-less Type0 font whose codes are UTF-16 units and whose ToUnicode maps each code to itself."""
    units = sorted({unit for text in texts for unit in _units(text)})
    lines = [f"<{unit}> <{unit}>" for unit in units]
    chunks = [lines[i:i + 100] for i in range(0, len(lines), 100)]
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) "
            "/Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def "
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            + "".join(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar\n" for chunk in chunks)
            + "endcmap CMapName currentdict /CMap defineresource pop end end")
    to_unicode = objects.stream(cmap.encode())
    descriptor = objects.add(b"<< /Type /FontDescriptor /FontName /GlyphLessFont /Flags 5 /FontBBox [0 0 1000 1000] "
                             b"/ItalicAngle 0 /Ascent 1000 /Descent 0 /CapHeight 1000 /StemV 80 >>")
    cid_font = objects.add(f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont /CIDSystemInfo "
                           f"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor "
                           f"{descriptor} 0 R /DW 1000 /CIDToGIDMap /Identity >>".encode())
    return objects.add(f"<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont /Encoding /Identity-H "
                       f"/DescendantFonts [{cid_font} 0 R] /ToUnicode {to_unicode} 0 R >>".encode())


def write_pdf(pages: list[PageContent], dpi: int, title: str) -> bytes:
    """The pages as one PDF (page size from the page images at `dpi`)."""
    objects = _Objects()
    catalog, page_tree = objects.reserve(), objects.reserve()
    font = _font(objects, {run.text for page in pages for run in page.runs})
    scale = POINTS_PER_INCH / dpi
    kids = []
    for page in pages:
        width, height = page.image.width * scale, page.image.height * scale
        bits = objects.stream(page.image.tobytes(), f" /Type /XObject /Subtype /Image /Width {page.image.width} "
                              f"/Height {page.image.height} /ColorSpace /DeviceGray /BitsPerComponent 1")
        names = {"Page": bits}
        ops = [f"q {width:.2f} 0 0 {height:.2f} 0 0 cm /Page Do Q"]
        for number, picture in enumerate(page.pictures):
            space = "/DeviceGray" if picture.grey else "/DeviceRGB"
            names[f"P{number}"] = objects.stream(
                picture.jpeg, f" /Type /XObject /Subtype /Image /Width {picture.width} /Height {picture.height} "
                f"/ColorSpace {space} /BitsPerComponent 8 /Filter /DCTDecode", compress=False)
            left, top, w, h = (v * scale for v in picture.box)
            ops.append(f"q {w:.2f} 0 0 {h:.2f} {left:.2f} {height - top - h:.2f} cm /P{number} Do Q")
        ops.append("BT 3 Tr")
        for run in page.runs:
            if not run.text:
                continue
            # Every code is 1 em wide (DW 1000): stretched so the invisible run covers the drawn one, selection
            # and reading order follow the page.
            stretch = 100 * run.length / (run.size * len(_units(run.text)))
            ops.append(f"/F1 {run.size * scale:.2f} Tf {stretch:.2f} Tz 1 0 0 1 {run.x * scale:.2f} "
                       f"{height - run.baseline * scale:.2f} Tm <{_utf16_hex(run.text)}> Tj")
        ops.append("ET")
        content = objects.stream("\n".join(ops).encode())
        xobjects = " ".join(f"/{name} {number} 0 R" for name, number in names.items())
        kids.append(objects.add(f"<< /Type /Page /Parent {page_tree} 0 R /MediaBox [0 0 {width:.2f} {height:.2f}] "
                                f"/Resources << /XObject << {xobjects} >> /Font << /F1 {font} 0 R >> >> "
                                f"/Contents {content} 0 R >>".encode()))
    objects.set(page_tree, f"<< /Type /Pages /Count {len(kids)} /Kids [{' '.join(f'{k} 0 R' for k in kids)}] >>"
                .encode())
    objects.set(catalog, f"<< /Type /Catalog /Pages {page_tree} 0 R >>".encode())
    info = objects.add(f"<< /Title <FEFF{_utf16_hex(title)}> /Producer (safety) >>".encode())
    return _serialise(objects, catalog, info)


def _serialise(objects: _Objects, catalog: int, info: int) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects.bodies, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode())
    out.write("".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode())
    out.write(f"trailer\n<< /Size {len(offsets) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\nstartxref\n{xref}\n"
              f"%%EOF\n".encode())
    return out.getvalue()
