"""What offices file on paper: the hazard ledger (隐患台账, XLSX) and a rectification notice (整改通知书, PDF)."""
from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Response, current_app
from flask_babel import force_locale
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from PIL import Image, ImageDraw
from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from ..checklists.models import CATEGORY_NAMES
from ..core.clock import now
from ..core.spreadsheets import append_row
from ..extensions import db
from ..labels.fonts import find_fonts
from ..schools.models import Region, School
from .labels import GRADE, LEVEL, SOURCE, STATUS, filed
from .models import OPEN_STATUSES, Hazard

LEDGER_COLUMNS = [("编号", 10), ("学校代码", 12), ("学校", 28), ("区县", 10), ("点位", 24), ("类别", 12),
                  ("等级", 10), ("来源", 10), ("隐患描述", 40), ("发现时间", 17), ("整改期限", 17), ("状态", 12),
                  ("是否逾期", 9), ("督办层级", 9), ("复发次数", 9), ("销号时间", 17)]


def _local(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).strftime("%Y-%m-%d %H:%M")


@force_locale("zh_Hans_CN")
def ledger_xlsx(query: Select) -> bytes:
    """One row per hazard of the (already scoped and filtered) query, streamed into a write-only workbook."""
    rows = db.session.execute(
        query.order_by(None).add_columns(School.code, School.name_zh, Region.name_zh)
        .join(School, School.id == Hazard.school_id).join(Region, Region.id == School.region_id)
        .order_by(School.code, Hazard.id).options(selectinload(Hazard.point))).all()  # not one query per row
    book = Workbook(write_only=True)
    sheet = book.create_sheet("隐患台账")
    for index, (_title, width) in enumerate(LEDGER_COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_bold(sheet, title) for title, _width in LEDGER_COLUMNS])
    moment = now()
    for hazard, school_code, school_name, district in rows:
        late = hazard.status in OPEN_STATUSES and hazard.deadline is not None and hazard.deadline < moment
        append_row(sheet, [
            f"H{hazard.id:06d}", school_code, school_name, district,
            f"{hazard.point.name_zh}（{hazard.point.code}）" if hazard.point else "",
            str(CATEGORY_NAMES[hazard.category]), filed(GRADE, hazard.grade), filed(SOURCE, hazard.source),
            hazard.title if hazard.description in ("", hazard.title) else f"{hazard.title}：{hazard.description}",
            _local(hazard.created_at), _local(hazard.deadline), filed(STATUS, hazard.status), "是" if late else "否",
            filed(LEVEL, hazard.level), hazard.recurrences, _local(hazard.closed_at)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bold(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


# --- the notice -----------------------------------------------------------------------------------------

DPI = 200
A4 = (round(210 / 25.4 * DPI), round(297 / 25.4 * DPI))
MARGIN = round(25 / 25.4 * DPI)


def _notice_lines(hazard: Hazard) -> list[tuple[str, int, bool]]:
    """(text, size in pt, bold) for each paragraph of the notice."""
    school = hazard.school
    district = school.region
    point = f"{hazard.point.name_zh}（点位编码 {hazard.point.code}）" if hazard.point else "—"
    lines = [
        ("校园安全隐患整改通知书", 20, True),
        (f"编号：ZG-{school.code}-{hazard.id:06d}", 10, False),
        ("", 8, False),
        (f"{school.name_zh}：", 12, True),
        (f"经{_local(hazard.created_at)[:10]}{filed(SOURCE, hazard.source)}发现，你校存在以下安全隐患：", 12, False),
        (f"隐患位置：{point}", 12, False),
        (f"隐患类别：{CATEGORY_NAMES[hazard.category]}　　隐患等级：{filed(GRADE, hazard.grade)}", 12, False),
        (f"隐患描述：{hazard.title}" + (f"。{hazard.description}" if hazard.description not in ("", hazard.title)
                                   else ""), 12, False),
        (f"整改要求：请于 {_local(hazard.deadline)[:10]} 前完成整改，并将整改情况（附整改前后照片）"
         f"通过系统报送{district.name_zh}教育局安全管理部门。", 12, False),
    ]
    if hazard.grade.value == "major":
        lines.append(("本隐患为重大隐患，须落实“五定”（定措施、定责任人、定资金、定时限、定预案），"
                      "整改完成前须采取临时防护措施并安排专人值守。", 12, False))
    lines += [("整改期间须采取必要的防范措施，确保师生安全。逾期未整改的，将按规定逐级上报督办。", 12, False),
              ("", 12, False),
              (f"签发单位：{district.name_zh}教育局（安全管理部门）", 12, False),
              (f"签发日期：{_local(now())[:10]}", 12, False)]
    return lines


def _wrap(text: str, font, width: int) -> list[str]:
    lines, current = [], ""
    for char in text:
        if font.length(current + char) > width:
            lines.append(current)
            current = char
        else:
            current += char
    return [*lines, current]


@force_locale("zh_Hans_CN")
def notice_pdf(hazard: Hazard) -> bytes:
    """A one-page A4 notice in Chinese, rendered with the same CJK font as the labels."""
    regular, bold = (find_fonts(current_app.config.get("CJK_FONT_PATH"), bold=b) for b in (False, True))
    page = Image.new("1", A4, 1)
    draw = ImageDraw.Draw(page)
    y = MARGIN
    for text, points, is_bold in _notice_lines(hazard):
        font = (bold if is_bold else regular).at(round(points / 72 * DPI))
        line_height = round(points / 72 * DPI * 1.7)
        wrapped = _wrap(text, font, A4[0] - 2 * MARGIN)
        for line in wrapped:
            centred = points >= 20
            x = (A4[0] - font.length(line)) / 2 if centred else MARGIN
            # Chinese and Latin runs may come from two faces: drawn on one baseline (an ideograph's top is
            # 0.88 em above it), each run in the face that has its characters.
            font.draw(draw, (x, y + 0.88 * font.size), line, fill=0)
            y += line_height
    out = io.BytesIO()
    page.save(out, "PDF", resolution=DPI, title=f"整改通知书 H{hazard.id:06d}")
    return out.getvalue()


def notice_response(hazard: Hazard) -> Response:
    """The notice as a download, for the API and the pages alike (FontMissing: 503, the server's to fix)."""
    return Response(notice_pdf(hazard), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="notice-H{hazard.id:06d}.pdf"'})
