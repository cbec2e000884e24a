"""Label layouts: TOML data files in `qr_templates/`, read into frozen dataclasses and checked for geometry.

All lengths are millimetres, font sizes are points; positions inside a label are measured from the label's
top-left corner. The file format is described at the top of each file in `qr_templates/`.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from safety.config import PROJECT_ROOT

LAYOUT_DIR = PROJECT_ROOT / "qr_templates"
TEXT_FIELDS = ("school_name", "point_name", "point_code", "category")  # the LabelContent fields a text may show
ERROR_CORRECTION = ("Q", "H")  # both survive a scuffed or partly torn sticker (25 % / 30 % of the code)
ALIGNMENTS = ("left", "center", "right")
# What a layout is for: its texts mean different things (a receipt slip's point_name is a class).
POINT_LABEL, PARENT_LETTER = "point-label", "parent-letter"
PURPOSES = (POINT_LABEL, PARENT_LETTER)
LINE_HEIGHT = 1.25  # line pitch as a multiple of the font size; leaves room for Latin descenders under CJK text
PT_MM = 25.4 / 72
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")  # layout names come from requests: never a path
_EPSILON = 1e-6  # mm; lets 3 × 70 mm fill a 210 mm page exactly despite float sums
_REQUIRED = object()


class LayoutError(ValueError):
    """A layout that does not exist or whose file is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def inside(self, outer: Rect) -> bool:
        return (self.x >= outer.x - _EPSILON and self.y >= outer.y - _EPSILON
                and self.right <= outer.right + _EPSILON and self.bottom <= outer.bottom + _EPSILON)

    def overlaps(self, other: Rect) -> bool:
        return (self.x < other.right - _EPSILON and other.x < self.right - _EPSILON
                and self.y < other.bottom - _EPSILON and other.y < self.bottom - _EPSILON)


@dataclass(frozen=True)
class QrSpec:
    box: Rect  # a square, quiet zone included
    error_correction: str


@dataclass(frozen=True)
class TextBox:
    """One block of text: a content field (`field`) or a fixed string (`text`), never both."""

    box: Rect
    field: str | None
    text: str | None
    size_pt: float
    min_size_pt: float  # shrink down to this before cutting the text short with "…"
    bold: bool
    max_lines: int
    align: str


@dataclass(frozen=True)
class Border:
    line_mm: float
    inset_mm: float  # from the label edge; most printers cannot print the outer ~4 mm of a page
    dash_mm: float  # 0 draws a solid line; otherwise a dashed cut line

    def inner(self, label: Rect) -> Rect:
        """The area inside the line, where nothing else may be drawn."""
        edge = self.inset_mm + self.line_mm
        return Rect(edge, edge, label.width - 2 * edge, label.height - 2 * edge)


@dataclass(frozen=True)
class Layout:
    name: str
    title: str
    purpose: str
    page_width_mm: float
    page_height_mm: float
    margin_left_mm: float
    margin_top_mm: float
    columns: int
    rows: int
    label_width_mm: float
    label_height_mm: float
    gap_x_mm: float
    gap_y_mm: float
    qr: QrSpec
    texts: tuple[TextBox, ...]
    border: Border | None

    @property
    def labels_per_page(self) -> int:
        return self.columns * self.rows

    def label_origin_mm(self, slot: int) -> tuple[float, float]:
        """Top-left corner of the `slot`-th label on a page, filled row by row."""
        row, column = divmod(slot, self.columns)
        return (self.margin_left_mm + column * (self.label_width_mm + self.gap_x_mm),
                self.margin_top_mm + row * (self.label_height_mm + self.gap_y_mm))


def available_layouts(directory: Path | str | None = None) -> list[str]:
    """Names of the layout files, for a picker; whether each one is valid shows when it is loaded."""
    folder = Path(directory) if directory else LAYOUT_DIR
    return sorted(path.stem for path in folder.glob("*.toml") if _NAME.fullmatch(path.stem))


def layouts_for(purpose: str, directory: Path | str | None = None) -> list[Layout]:
    """The layouts that print `purpose`, in name order; a broken file is left out (loading it names the fault)."""
    found = []
    for name in available_layouts(directory):
        try:
            layout = load_layout(name, directory)
        except LayoutError:
            continue
        if layout.purpose == purpose:
            found.append(layout)
    return found


def load_layout(name: str, directory: Path | str | None = None) -> Layout:
    """Read and check `<directory>/<name>.toml` (default: the project's qr_templates/); raises LayoutError."""
    folder = Path(directory) if directory else LAYOUT_DIR
    path = folder / f"{name}.toml"
    if not _NAME.fullmatch(name) or not path.is_file():
        known = ", ".join(available_layouts(folder)) or "none"
        raise LayoutError(f"There is no label layout named {name!r} (available: {known}).")
    source = f"{folder.name}/{path.name}"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise LayoutError(f"{source}: not valid TOML: {e}") from None
    layout = _parse(name, _Table(source, "", data))
    _check_geometry(source, layout)
    return layout


class _Table:
    """One TOML table being read; remembers its dotted path so errors can name the exact field."""

    def __init__(self, source: str, path: str, data: dict):
        self.source, self.path, self.data, self.used = source, path, data, set()

    def error(self, key: str, problem: str) -> LayoutError:
        return LayoutError(f"{self.source}: {self.path}{key} {problem}")

    def _get(self, key: str, default):
        self.used.add(key)
        if key in self.data:
            return self.data[key]
        if default is _REQUIRED:
            raise self.error(key, "is missing")
        return default

    def number(self, key: str, default=_REQUIRED, *, positive: bool = False) -> float:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(key, f"must be a number, not {value!r}")
        if value < 0 or (positive and value == 0):
            raise self.error(key, f"must be {'greater than 0' if positive else '0 or more'}, not {value!r}")
        return float(value)

    def integer(self, key: str, default=_REQUIRED) -> int:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.error(key, f"must be a whole number of 1 or more, not {value!r}")
        return value

    def string(self, key: str, default=_REQUIRED, *, choices: tuple[str, ...] = ()) -> str | None:
        value = self._get(key, default)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f"must be a non-empty string, not {value!r}")
        if choices and value not in choices:
            raise self.error(key, f"must be one of {', '.join(choices)}, not {value!r}")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise self.error(key, f"must be true or false, not {value!r}")
        return value

    def table(self, key: str, *, optional: bool = False) -> _Table | None:
        value = self._get(key, None if optional else _REQUIRED)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.error(key, "must be a table ([" + self.path + key + "])")
        return _Table(self.source, f"{self.path}{key}.", value)

    def tables(self, key: str) -> list[_Table]:
        value = self._get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self.error(key, f"must be a list of tables ([[{key}]])")
        return [_Table(self.source, f"{self.path}{key}.{i}.", item) for i, item in enumerate(value)]

    def done(self):
        """Reject keys nobody asked for: in a hand-edited file they are typos that would silently do nothing."""
        if unknown := sorted(set(self.data) - self.used):
            raise self.error(unknown[0], "is not a known field")


def _parse(name: str, root: _Table) -> Layout:
    title = root.string("title")
    page, grid, qr = root.table("page"), root.table("grid"), root.table("qr")
    border = root.table("border", optional=True)
    qr_size = qr.number("size_mm", positive=True)
    layout = Layout(
        name=name, title=title, purpose=root.string("purpose", choices=PURPOSES),
        page_width_mm=page.number("width_mm", positive=True), page_height_mm=page.number("height_mm", positive=True),
        margin_left_mm=page.number("margin_left_mm", 0), margin_top_mm=page.number("margin_top_mm", 0),
        columns=grid.integer("columns"), rows=grid.integer("rows"),
        label_width_mm=grid.number("label_width_mm", positive=True),
        label_height_mm=grid.number("label_height_mm", positive=True),
        gap_x_mm=grid.number("gap_x_mm", 0), gap_y_mm=grid.number("gap_y_mm", 0),
        qr=QrSpec(Rect(qr.number("x_mm"), qr.number("y_mm"), qr_size, qr_size),
                  qr.string("error_correction", "Q", choices=ERROR_CORRECTION)),
        texts=tuple(_text_box(table) for table in root.tables("text")),
        border=None if border is None else Border(border.number("line_mm", positive=True),
                                                  border.number("inset_mm", 0), border.number("dash_mm", 0)),
    )
    for table in (root, page, grid, qr, border):
        if table is not None:
            table.done()
    return layout


def _text_box(table: _Table) -> TextBox:
    field = table.string("field", None, choices=TEXT_FIELDS)
    text = table.string("text", None)
    if (field is None) == (text is None):
        raise table.error("field", "or text: give exactly one of the two")
    size = table.number("size_pt", positive=True)
    box = TextBox(
        box=Rect(table.number("x_mm"), table.number("y_mm"), table.number("width_mm", positive=True),
                 table.number("height_mm", positive=True)),
        field=field, text=text, size_pt=size, min_size_pt=table.number("min_size_pt", size, positive=True),
        bold=table.boolean("bold", False), max_lines=table.integer("max_lines", 1),
        align=table.string("align", "left", choices=ALIGNMENTS),
    )
    if box.min_size_pt > size:
        raise table.error("min_size_pt", f"must not be larger than size_pt ({size:g})")
    if box.min_size_pt * PT_MM * LINE_HEIGHT > box.box.height + _EPSILON:
        raise table.error("height_mm", f"is too small for one line at min_size_pt {box.min_size_pt:g} "
                                       f"(needs {box.min_size_pt * PT_MM * LINE_HEIGHT:.1f} mm)")
    table.done()
    return box


def _check_geometry(source: str, layout: Layout) -> None:
    """Labels must fit the page; the code and every text must fit their label, and no text may cover the code."""
    need_w = layout.margin_left_mm + layout.columns * layout.label_width_mm + (layout.columns - 1) * layout.gap_x_mm
    need_h = layout.margin_top_mm + layout.rows * layout.label_height_mm + (layout.rows - 1) * layout.gap_y_mm
    if need_w > layout.page_width_mm + _EPSILON:
        raise LayoutError(f"{source}: grid.columns × grid.label_width_mm with margins and gaps needs "
                          f"{need_w:g} mm, more than page.width_mm ({layout.page_width_mm:g})")
    if need_h > layout.page_height_mm + _EPSILON:
        raise LayoutError(f"{source}: grid.rows × grid.label_height_mm with margins and gaps needs "
                          f"{need_h:g} mm, more than page.height_mm ({layout.page_height_mm:g})")
    label = Rect(0, 0, layout.label_width_mm, layout.label_height_mm)
    usable = layout.border.inner(label) if layout.border else label
    where = "inside the border" if layout.border else "inside the label"
    if not layout.qr.box.inside(usable):
        raise LayoutError(f"{source}: qr does not fit {where} "
                          f"({layout.label_width_mm:g} × {layout.label_height_mm:g} mm)")
    for i, text in enumerate(layout.texts):
        if not text.box.inside(usable):
            raise LayoutError(f"{source}: text.{i} does not fit {where}")
        # Ink in the quiet zone stops scanners from finding the code.
        if text.box.overlaps(layout.qr.box):
            raise LayoutError(f"{source}: text.{i} overlaps the QR code and its quiet zone")
