"""What offices file: a campaign's ledger (专项行动台账: a row per school, a sheet per activity) and the
dangerous-waters ledger (危险水域台账), as XLSX written with openpyxl's write-only mode."""
from __future__ import annotations

import io
import re
from datetime import datetime

from flask_babel import force_locale
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import Select, case, func, select

from ..core.clock import now
from ..core.spreadsheets import append_row
from ..extensions import db
from ..points.models import Frequency
from ..schools.models import Region, School
from .kinds import COUNT_NAMES, kind_spec, kinds_of
from .models import Campaign, CampaignActivity, RiskGrade
from .periods import timezone
from .runs.progress import progress, requirement_rows
from .waters import equipment

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LAG_ZH = {None: "否", "lagging": "是", "cleared": "已赶上", "closed": "活动结束时滞后"}
RISK_ZH = {RiskGrade.high: "高风险", RiskGrade.medium: "中风险", RiskGrade.low: "低风险"}
FREQUENCY_ZH = {Frequency.daily: "每日", Frequency.weekly: "每周", Frequency.monthly: "每月", Frequency.term: "每学期"}
SUMMARY_COLUMNS = [("学校代码", 12), ("学校", 28), ("区县", 10), ("任务数", 8), ("应完成", 8), ("已完成", 8),
                   ("逾期未完成", 10), ("完成率%", 9), ("应达进度%", 10)]
TASK_COLUMNS = [("学校代码", 12), ("学校", 28), ("区县", 10), ("任务数", 8), ("已完成", 8), ("逾期未完成", 10),
                ("未完成（已结束）", 14), ("最近完成时间", 17), ("报告数", 8), ("有疑点报告", 10)]
WATER_COLUMNS = [("学校代码", 12), ("学校", 28), ("区县", 10), ("点位编码", 16), ("水域名称", 20), ("位置", 24),
                 ("水域类型", 10), ("风险等级", 9), ("距校门（米）", 11), ("权属主体", 16), ("水深（米）", 10),
                 ("警示标志（块）", 13), ("救援设施", 24), ("责任单位", 16), ("责任人", 10), ("联系电话", 14),
                 ("巡查频次", 9), ("当前频次", 9), ("上次巡查", 17), ("下次应查", 17), ("备注", 30)]


def _local(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(timezone()).strftime("%Y-%m-%d %H:%M")


def new_sheet(book: Workbook, title: str, columns: list[tuple[str, int]]):
    sheet = book.create_sheet(re.sub(r"[\[\]:*?/\\]", "", title)[:31])
    for index, (_title, width) in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for name, _width in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    append_row(sheet, header)
    return sheet


def _saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@force_locale("zh_Hans_CN")
def campaign_ledger_xlsx(campaign: Campaign, schools: Select) -> bytes:
    """The campaign's figures for every school in scope: a summary sheet with the columns of the campaign's kinds,
    then one sheet per required activity with tasks (and the sheets its kinds add, such as incident counts)."""
    moment, kinds = now(), kinds_of(campaign.definition)
    figures = progress(campaign, schools, moment)
    districts = dict(db.session.execute(select(Region.id, Region.name_zh)).all())
    book = Workbook(write_only=True)
    columns = [c for k in kinds for c in k.summary_columns]
    summary = new_sheet(book, "汇总", SUMMARY_COLUMNS + [(c.title, c.width) for c in columns] + [("是否滞后", 12)])
    for s in figures["schools"]:
        append_row(summary, [s["code"], s["name_zh"], districts.get(s["region_id"], ""), s["tasks"], s["due"],
                             s["done"], s["overdue"], s["completion_rate"], s["expected_rate"],
                             *(c.value(s) for c in columns), LAG_ZH[s["lag_status"]]])
    names = {s["school_id"]: s for s in figures["schools"]}
    tasks = requirement_rows(campaign, schools, moment, by_school=True)
    reports = _report_sums(campaign, schools)
    for requirement in (r for r in campaign.definition.requirements if r.has_tasks):
        extra = kind_spec(requirement.kind).ledger_columns
        sheet = new_sheet(book, requirement.name_zh, TASK_COLUMNS + [(c.title, c.width) for c in extra])
        for row in (t for t in tasks if t["id"] == requirement.id and t["school_id"] in names):
            school = names[row["school_id"]]
            sums = reports.get((row["school_id"], requirement.id), {})
            append_row(sheet, [school["code"], school["name_zh"], districts.get(school["region_id"], ""),
                               row["tasks"], row["done"], row["overdue"], row["missed"], _local(row["last_done_at"]),
                               sums.get("count", 0), sums.get("flagged", 0), *(c.value(sums) or 0 for c in extra)])
    for kind in kinds:
        if kind.ledger_sheet is not None:
            kind.ledger_sheet(book, campaign, figures["schools"], districts)
    return _saved(book)


def _report_sums(campaign: Campaign, schools: Select) -> dict:
    rows = db.session.execute(
        select(CampaignActivity.school_id, CampaignActivity.requirement_id, func.count().label("count"),
               func.count(case((CampaignActivity.flags != "", 1))).label("flagged"),
               *(func.sum(getattr(CampaignActivity, name)).label(name) for name in COUNT_NAMES))
        .where(CampaignActivity.campaign_id == campaign.id, CampaignActivity.school_id.in_(schools))
        .group_by(CampaignActivity.school_id, CampaignActivity.requirement_id)).all()
    return {(r.school_id, r.requirement_id): dict(r._mapping) for r in rows}


def _water_facts(ledger) -> list:
    """The surveyed facts, from 水域类型 to 联系电话 (a water body not on the ledger yet says so)."""
    if ledger is None:
        return ["", "未登记", *[None] * 8]
    return [ledger.water_type, RISK_ZH[ledger.risk_grade], ledger.distance_m, ledger.owner, ledger.depth_m,
            ledger.warning_signs, "、".join(equipment.names(ledger.rescue_equipment or [], "zh")) or "无",
            ledger.responsible_unit, ledger.responsible_person, ledger.responsible_phone]


@force_locale("zh_Hans_CN")
def water_ledger_xlsx(rows: list) -> bytes:
    """One row per water-body point (already scoped), with its ledger facts: (point, ledger or None) pairs."""
    schools = {s.id: s for s in db.session.scalars(select(School).where(School.id.in_({point.school_id
                                                                                      for point, _ in rows})))}
    districts = dict(db.session.execute(select(Region.id, Region.name_zh)).all())
    book = Workbook(write_only=True)
    sheet = new_sheet(book, "危险水域台账", WATER_COLUMNS)
    for point, ledger in rows:
        school = schools[point.school_id]
        append_row(sheet, [school.code, school.name_zh, districts.get(school.region_id, ""), point.code, point.name_zh,
                           point.location, *_water_facts(ledger), FREQUENCY_ZH[point.frequency],
                           FREQUENCY_ZH[point.effective_frequency], _local(point.last_inspected_at),
                           _local(point.next_due_at), ledger.notes if ledger else ""])
    return _saved(book)
