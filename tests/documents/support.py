"""Helpers for the documents' tests: canvas-like signatures, reading PDFs back with poppler."""
import io
import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw

from tests.conftest import require_tool, which


def signature_png(seed: int = 0, size=(360, 140)) -> bytes:
    """What a signing pad sends: a transparent canvas with a stroke on it."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(20, 100 - seed % 40), (120, 30), (200, 110), (330, 40 + seed % 30)], fill=(0, 0, 0, 255), width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def sign(client, headers, inspection_id: int, role: str, data: bytes | None = None, name: str | None = None):
    form = {"role": role, "file": (io.BytesIO(data or signature_png()), "signature.png", "image/png")}
    if name:
        form["name"] = name
    return client.post(f"/api/v1/inspections/{inspection_id}/signatures", data=form, headers=headers,
                       content_type="multipart/form-data")


def pdf_text(data: bytes) -> str:
    require_tool("pdftotext", which("pdftotext"), "PDF contents are read back with poppler-utils")
    assert data.startswith(b"%PDF")
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode()


def pdf_images(data: bytes) -> list[str]:
    """One line per image of the PDF (pdfimages -list): page images and placed photos."""
    require_tool("pdfimages", which("pdfimages"), "PDF images are listed with poppler-utils")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(data)
        listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, check=True, text=True)
    return listing.stdout.splitlines()[2:]


def flat(text: str) -> str:
    """Text without the spaces and line breaks pdftotext puts where the page wraps or spaces columns."""
    return "".join(text.split())
