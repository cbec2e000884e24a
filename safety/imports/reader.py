"""Read an uploaded file into a header and rows, whether Excel, WPS or a script saved it.

Files are hostile: the format is decided from the bytes, never from the name or the client's content type;
the size, the row count and an XLSX's unzipped size are bounded; anything unreadable is a clear 4xx.
Row numbers are the ones Excel shows (the file's first line is row 1), so problems point at the right row.
"""
from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time
from xml.etree.ElementTree import iterparse

from flask_babel import gettext as _

from ..errors import ApiError, Invalid, TooLarge, UnsupportedMedia

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# An XLSX is zipped XML, typically 5–10× smaller than what it unpacks to; far beyond that is a zip bomb.
MAX_UNZIPPED_BYTES = 40 * MAX_BYTES

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (OLE2) workbook
DELIMITERS = (",", ";", "\t")
# Control characters never appear in a spreadsheet's text; in "decoded" bytes they mean binary, not CSV.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_MARKUP = re.compile(r"\s*<(!doctype|html|\?xml|table|meta)\b", re.IGNORECASE)

Cell = str | int | float | bool | datetime | date | time | None


@dataclass
class Row:
    number: int        # as Excel shows it
    cells: list[Cell]  # stripped; an empty cell is None


@dataclass
class Table:
    headers: list[str]  # as written in the file, stripped; "" for a blank header cell
    rows: list[Row]     # fully empty rows are skipped
    header_row: int = 1


def problem_key(row: int, column: str | None = None) -> str:
    """The key of a problem in the error shape's `fields`: "row 3, 类别" (machine- and human-readable)."""
    return f"row {row}, {column}" if column else f"row {row}"


def read_table(data: bytes, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> Table:
    """CSV (UTF-8 with or without BOM, else GB18030/GBK; comma, semicolon or tab) or the first sheet of an XLSX.

    Raises TooLarge (413) over the size or row limit, UnsupportedMedia (415) for anything that is neither,
    Invalid (422, code ``import_invalid``) for an empty file or merged cells.
    """
    if len(data) > max_bytes:
        raise TooLarge(_("The file is larger than %(mb)s MB.", mb=_megabytes(max_bytes)))
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data, max_rows)
    if data.startswith(XLS_MAGIC):
        raise UnsupportedMedia(_("This is an old Excel .xls workbook; save it as .xlsx or CSV and upload that."))
    text = _decode(data)
    if _MARKUP.match(text):
        # Many systems export an HTML table named .xls; it is not a CSV, whatever the name says.
        raise UnsupportedMedia(_("This is a web page or XML file, not CSV; open it in Excel and save it as .xlsx."))
    return _read_csv(text, max_rows)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def _unreadable() -> UnsupportedMedia:
    return UnsupportedMedia(_("The file is neither UTF-8 nor GBK text, nor an Excel .xlsx workbook."))


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)  # Excel's "Unicode text" (tab-separated) carries a UTF-16 byte order mark
    elif b"\x00" in data:
        raise _unreadable()
    else:
        # UTF-8 is strict enough that text in GBK almost never passes it; GB18030 is GBK's superset.
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):
            raise _unreadable()
        return text
    raise _unreadable()


def _clean(value: Cell) -> Cell:
    if isinstance(value, str):
        return value.strip() or None
    return value


class _Rows:
    """Collects non-empty rows: the first one is the header; counts data rows against the limit."""

    def __init__(self, max_rows: int):
        self.max_rows = max_rows
        self.headers: list[str] | None = None
        self.header_row = 1
        self.rows: list[Row] = []

    def add(self, number: int, values) -> None:
        cells = [_clean(v) for v in values]
        if all(c is None for c in cells):
            return
        if self.headers is None:
            while cells and cells[-1] is None:
                cells.pop()
            self.headers, self.header_row = ["" if c is None else str(c) for c in cells], number
            return
        if len(self.rows) >= self.max_rows:
            raise TooLarge(_("The file has more than %(rows)s rows; split it into smaller files.",
                             rows=f"{self.max_rows:,}"), code="too_many_rows")
        self.rows.append(Row(number, cells))

    def table(self) -> Table:
        if self.headers is None:
            raise Invalid(_("The file is empty."), code="import_invalid",
                          fields={problem_key(1): [_("The file has no header row.")]})
        return Table(self.headers, self.rows, self.header_row)


def _delimiter(text: str) -> str:
    """The separator that occurs most in the header line (Excel uses ";" where "," is the decimal point)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties keep the earlier one: comma first
    return best if counts[best] else ","


def _read_csv(text: str, max_rows: int) -> Table:
    collected = _Rows(max_rows)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        # A quoted cell may span lines; Excel shows it as one row, and so does this count.
        for number, record in enumerate(reader, start=1):
            collected.add(number, record)
    except csv.Error as error:
        raise Invalid(_("The CSV file could not be read: %(error)s", error=str(error)), code="import_invalid",
                      fields={problem_key(reader.line_num): [str(error)]}) from None
    return collected.table()


def _read_xlsx(data: bytes, max_rows: int) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise TooLarge(_("The workbook unpacks to more than %(mb)s MB.", mb=_megabytes(MAX_UNZIPPED_BYTES)))
            table, sheet_path = _read_first_sheet(data, max_rows)
            merged = _merged_ranges(archive, sheet_path)
    except ApiError:
        raise
    except Exception:  # a hostile or broken zip fails in many ways inside zipfile and openpyxl: all mean this
        raise UnsupportedMedia(_("The workbook could not be read; open it in Excel and save it again as .xlsx.")) \
            from None
    _refuse_merged_cells(merged, table)
    return table


def _read_first_sheet(data: bytes, max_rows: int) -> tuple[Table, str]:
    import openpyxl

    collected = _Rows(max_rows)
    # openpyxl warns about workbook features it ignores (data validation, unknown styles); they are not ours.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # the stored dimension may be wrong (other tools); read every row there is
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                collected.add(number, values)
        finally:
            workbook.close()
    # Read-only sheets do not expose merged cells; the caller reads them from this sheet's XML.
    return collected.table(), sheet._worksheet_path


def _merged_ranges(archive: zipfile.ZipFile, path: str) -> list[str]:
    refs = []
    with archive.open(path) as source:
        for _event, element in iterparse(source):
            if element.tag.rpartition("}")[2] == "mergeCell" and element.get("ref"):
                refs.append(element.get("ref"))
            element.clear()
    return refs


def _refuse_merged_cells(refs: list[str], table: Table) -> None:
    """Merged cells hold their value in one cell only: every other row or column would silently be blank."""
    from openpyxl.utils.cell import range_boundaries

    numbers = [row.number for row in table.rows]  # ascending
    fields: dict[str, list[str]] = {}
    for ref in refs:
        _min_col, min_row, _max_col, max_row = range_boundaries(ref)
        if min_row <= table.header_row <= max_row:
            fields[problem_key(table.header_row, ref)] = [
                _("header cells %(cells)s are merged; unmerge them", cells=ref)]
        elif bisect_right(numbers, max_row) > bisect_left(numbers, min_row):  # only merges over rows with data
            fields[problem_key(min_row, ref)] = [
                _("cells %(cells)s are merged; unmerge them and fill in every row", cells=ref)]
    if fields:
        raise Invalid(_("Problems in the file: %(count)s; nothing was imported.", count=len(fields)),
                      code="import_invalid", fields=fields)
