"""Writing rows into XLSX sheets: user text may hold control characters that the XLSX format forbids."""
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE


def printable(value):
    """Text without the characters XLSX cannot hold (they come from pasted or hostile input); others as they are."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def append_row(sheet, values) -> None:
    sheet.append([printable(value) for value in values])
