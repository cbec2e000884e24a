"""The aggregate as an XLSX in the layout of a 月报表: a title, the reporting unit and month, one row per school
(or, for a city, per district), a total row, and the signature lines offices fill in by hand."""
from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..core.spreadsheets import append_row
from .figures import FIGURES, NAMES

STATUS_ZH = {"pending": "未报", "submitted": "已报"}


def _title(report: dict) -> str:
    year, month = report["month"].split("-")
    return f"{report['region'].name_zh}{year}年{int(month)}月校园安全隐患排查治理情况月报表"


def _school_rows(report: dict):
    for line in report["schools"]:
        figures = line["figures"] or {}
        flags = "零报告" if line["nil_return"] else ""
        if line["late"]:
            flags = "逾期" + (f"、{flags}" if flags else "")
        yield [line["school"].code, line["school"].name_zh, STATUS_ZH[line["status"].value], flags,
               *(figures.get(name, "") if figures else "" for name in NAMES)]


def _district_rows(report: dict):
    for line in report["districts"]:
        forwarded = "已报市" if line["forwarded_at"] else "未报市"
        yield [line["region"].code, line["region"].name_zh,
               f"{line['schools_submitted']}/{line['schools_total']}", forwarded, *(line[name] for name in NAMES)]


def report_xlsx(report: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "月报表"
    width = 4 + len(FIGURES)
    append_row(sheet, [_title(report)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font, sheet["A1"].alignment = Font(bold=True, size=14), Alignment(horizontal="center")
    append_row(sheet, [f"填报单位：{report['region'].name_zh}", "", "", f"报表月份：{report['month']}"])
    by_district = bool(report["districts"])
    append_row(sheet, ["代码", "区县" if by_district else "学校", "报送情况", "备注",
                       *(figure.label_zh for figure in FIGURES)])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in (_district_rows(report) if by_district else _school_rows(report)):
        append_row(sheet, row)
    totals = report["totals"]
    append_row(sheet, ["合计", "", f"{totals['schools_submitted']}/{totals['schools_total']}",
                       f"逾期{totals['schools_late']}、零报告{totals['schools_nil']}", *(totals[n] for n in NAMES)])
    append_row(sheet, [])
    append_row(sheet, ["单位负责人：", "", "审核人：", "", "填报人：", "", "报送日期："])
    for column in range(1, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 14 if column != 2 else 30
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
