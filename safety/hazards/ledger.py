"""The hazard ledger (隐患台账) as offices keep it: the columns they file, before/after photos as thumbnails,
printable on A4 landscape. Built from a fixed number of statements whatever its length (one for the rows, one
for the photos)."""
from __future__ import annotations

import io
from dataclasses import dataclass

from flask_babel import force_locale
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased, selectinload

from ..accounts.models import User
from ..core.spreadsheets import printable
from ..extensions import db
from ..photos.models import Photo, PhotoSubject, PhotoUse
from ..photos.services import read_copy
from ..schools.models import School
from .labels import GRADE, STATUS, filed, filed_time
from .models import Hazard, HazardEvent

BEFORE_ACTIONS = ("opened", "observed_again")
AFTER_ACTIONS = ("rectify", "fix_on_the_spot")
COLUMNS = [("序号", 5), ("隐患编号", 9), ("学校", 16), ("排查时间", 11), ("排查部位", 14), ("排查人", 8),
           ("隐患描述", 24), ("隐患等级", 7), ("整改措施", 18), ("整改责任人", 8), ("整改资金", 8), ("整改时限", 11),
           ("临时防范措施", 14), ("整改完成时间", 11), ("验收人", 8), ("验收意见", 12), ("验收日期", 11),
           ("挂牌督办", 9), ("延期次数", 5), ("状态/销号日期", 11), ("整改前照片", 13), ("整改后照片", 13)]
PHOTO_COLUMNS = (len(COLUMNS) - 1, len(COLUMNS))  # 1-based: the last two
THUMB_PX = 80      # row height of a photo row, in pixels; the thumbnail fits it
MAX_PHOTO_ROWS = 2000  # beyond this a ledger lists without pictures (file size; the records keep them all)


@dataclass(frozen=True)
class Evidence:
    sha256: str
    taken_at: object
    after: bool


def evidence(hazard_ids: list[int]) -> dict[int, list[Evidence]]:
    """The uploaded photos that showed each hazard as found and as rectified, in one statement."""
    if not hazard_ids:
        return {}
    rows = db.session.execute(
        select(PhotoUse.subject_id, Photo.sha256, Photo.taken_at, HazardEvent.action)
        .join(HazardEvent, HazardEvent.id == PhotoUse.part_id).join(Photo, Photo.sha256 == PhotoUse.sha256)
        .where(PhotoUse.subject_type == PhotoSubject.hazard, PhotoUse.subject_id.in_(hazard_ids),
               HazardEvent.action.in_(BEFORE_ACTIONS + AFTER_ACTIONS))
        .order_by(PhotoUse.subject_id, PhotoUse.id)).all()
    found: dict[int, list[Evidence]] = {}
    for hazard_id, sha256, taken_at, action in rows:
        found.setdefault(hazard_id, []).append(Evidence(sha256, taken_at, action in AFTER_ACTIONS))
    return found


def _rows(query: Select):
    reporter, acceptor, assignee = aliased(User), aliased(User), aliased(User)
    rectified = select(HazardEvent.hazard_id, func.max(HazardEvent.at).label("at")) \
        .where(HazardEvent.action.in_(AFTER_ACTIONS)).group_by(HazardEvent.hazard_id).subquery()
    return db.session.execute(
        query.order_by(None).add_columns(School.name_zh, reporter.display_name, acceptor.display_name,
                                         assignee.display_name, rectified.c.at)
        .join(School, School.id == Hazard.school_id)
        .outerjoin(reporter, reporter.id == Hazard.reporter_id)
        .outerjoin(acceptor, acceptor.id == Hazard.accepted_by_id)
        .outerjoin(assignee, assignee.id == Hazard.assignee_id)
        .outerjoin(rectified, rectified.c.hazard_id == Hazard.id)
        .order_by(School.code, Hazard.created_at, Hazard.id).options(selectinload(Hazard.point))).all()


def _values(number: int, hazard: Hazard, school: str, reporter, acceptor, assignee, rectified_at) -> list:
    plan = hazard.five_fixed or {}
    supervised = f"是（{hazard.supervisor}）" if hazard.supervised_at and hazard.supervisor else \
        ("是" if hazard.supervised_at else "否")
    if hazard.on_the_spot:
        state = f"立行立改 {filed_time(hazard.closed_at)[:10]}"
    elif hazard.closed_at:
        state = f"{filed(STATUS, hazard.status)} {filed_time(hazard.closed_at)[:10]}"
    else:
        state = filed(STATUS, hazard.status) + ("（逾期）" if hazard.overdue else "")
    description = hazard.title if hazard.description in ("", hazard.title) else f"{hazard.title}：{hazard.description}"
    return [number, f"H{hazard.id:06d}", school, filed_time(hazard.created_at),
            hazard.point.name_zh if hazard.point else "", reporter or ("群众举报" if hazard.reporter_phone else ""),
            description, filed(GRADE, hazard.grade), hazard.measures or plan.get("measures", ""),
            plan.get("responsible_person") or assignee or "", hazard.funds or plan.get("funding", ""),
            "立行立改" if hazard.on_the_spot else filed_time(hazard.deadline)[:10],
            hazard.interim_measures or plan.get("interim_measures", ""),
            filed_time(rectified_at), acceptor or "", hazard.acceptance_opinion or "",
            filed_time(hazard.accepted_at)[:10],
            supervised, hazard.extensions, state]


@force_locale("zh_Hans_CN")
def ledger_xlsx(query: Select, title: str = "隐患排查治理台账") -> bytes:
    """One row per hazard of the (already scoped and filtered) query, with the offices' columns and photos."""
    rows = _rows(query)
    photos = evidence([row[0].id for row in rows]) if len(rows) <= MAX_PHOTO_ROWS else {}
    book = Workbook(write_only=True)
    sheet = book.create_sheet("隐患台账")
    _print_setup(sheet)
    for index, (_name, width) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([_styled(sheet, title, Font(bold=True, size=14))])
    sheet.append([_styled(sheet, name, Font(bold=True), border=True) for name, _width in COLUMNS])
    boxed = _styled(sheet, None, border=True)._style  # shared by every body cell: styling each anew costs 3×
    for number, (hazard, *names) in enumerate(rows, 1):
        row_index = number + 2
        shown = photos.get(hazard.id, [])
        if shown:
            sheet.row_dimensions[row_index].height = THUMB_PX * 0.75 + 4  # points
        sheet.append([_boxed(sheet, printable(v), boxed) for v in _values(number, hazard, *names)])
        for column, after in zip(PHOTO_COLUMNS, (False, True), strict=True):
            if pick := next((p for p in shown if p.after == after), None):
                _place(sheet, pick, f"{get_column_letter(column)}{row_index}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _print_setup(sheet) -> None:
    """A4 landscape, all columns on the page width, the title and header rows repeated on every page."""
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:2"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.freeze_panes = "A3"


_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAPPED = Alignment(wrap_text=True, vertical="top")


def _styled(sheet, value, font: Font | None = None, border: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if font:
        cell.font = font
    if border:
        cell.border, cell.alignment = _BOX, _WRAPPED
    return cell


def _boxed(sheet, value, style: StyleArray) -> Cell:
    """A write-only cell (as `WriteOnlyCell` makes it) wearing an existing cell's style, shared, not rebuilt."""
    return Cell(sheet, row=1, column=1, value=value, style_array=style)


def _place(sheet, photo: Evidence, anchor: str) -> None:
    """A small copy of the stored thumbnail, anchored in its cell (a missing file leaves the cell empty)."""
    data = read_copy(photo.sha256, "thumb")
    if data is None:
        return
    with Image.open(io.BytesIO(data)) as image:  # our own JPEG, made when the photo was validated
        image.thumbnail((THUMB_PX * 4 // 3, THUMB_PX))
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=70)
    picture = SheetImage(io.BytesIO(out.getvalue()))
    picture.anchor = anchor
    sheet.add_image(picture)
