"""Print-ready QR labels for inspection points: layouts from qr_templates/, PDF sheets and PNG previews."""
from .fonts import FontFace, FontMissing, find_cjk_font
from .layouts import Layout, LayoutError, available_layouts, load_layout
from .render import LabelContent, render_pages, render_pdf, render_png

__all__ = [
    "FontFace",
    "FontMissing",
    "LabelContent",
    "Layout",
    "LayoutError",
    "available_layouts",
    "find_cjk_font",
    "load_layout",
    "render_pages",
    "render_pdf",
    "render_png",
]
