"""The figures of a monthly return, each one SQL aggregate over the month's data (a registry: the return, the
district's sum, the XLSX columns and the schema all read this one list).

Every figure is a correlated scalar sub-select on a school id, so the figures of every school of a district come
from one statement, not a Python loop per school.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select

from ..campaigns.models import CampaignTask, TaskStatus
from ..drills.models import Drill, DrillStatus
from ..hazards.models import Hazard, HazardStatus
from ..inspections.models import Inspection
from ..rounds.models import Round, RoundStatus


@dataclass(frozen=True)
class Figure:
    name: str
    label_zh: str
    label_en: str
    # (school id column, month start, month end exclusive) → SQL counting the school's rows
    count: Callable[[ColumnElement, datetime, datetime], ColumnElement]


def closed_on_the_spot():
    """立行立改: a hazard fixed where it was found, during the inspection (hazards.services.fix_on_the_spot)."""
    return and_(Hazard.status == HazardStatus.closed, Hazard.on_the_spot.is_(True))


def _counted(model, *conditions) -> ColumnElement:
    return select(func.count(model.id)).where(*conditions).scalar_subquery()


def _rounds(status: RoundStatus):
    return lambda school, start, end: _counted(Round, Round.school_id == school, Round.status == status,
                                               Round.window_end > start, Round.window_end <= end)


def _open_at(end: datetime):
    """Open when the month ended: found before, not dismissed, not closed by then."""
    return and_(Hazard.created_at < end, Hazard.status != HazardStatus.dismissed,
                Hazard.closed_at.is_(None) | (Hazard.closed_at >= end))


FIGURES: tuple[Figure, ...] = (
    Figure("rounds_done", "完成巡查次数", "rounds done", _rounds(RoundStatus.done)),
    Figure("rounds_missed", "漏巡次数", "rounds missed", _rounds(RoundStatus.missed)),
    Figure("inspections", "点位检查次数", "inspections",
           lambda school, start, end: _counted(Inspection, Inspection.school_id == school,
                                               Inspection.submitted_at >= start, Inspection.submitted_at < end)),
    Figure("hazards_found", "发现隐患", "hazards found",
           lambda school, start, end: _counted(Hazard, Hazard.school_id == school, Hazard.created_at >= start,
                                               Hazard.created_at < end)),
    Figure("hazards_closed_on_spot", "立行立改", "closed on the spot",
           lambda school, start, end: _counted(Hazard, Hazard.school_id == school, Hazard.created_at >= start,
                                               Hazard.created_at < end, closed_on_the_spot())),
    Figure("hazards_rectified", "整改销号", "rectified and closed",
           lambda school, start, end: _counted(Hazard, Hazard.school_id == school, Hazard.closed_at >= start,
                                               Hazard.closed_at < end, Hazard.status == HazardStatus.closed,
                                               ~closed_on_the_spot())),
    Figure("hazards_open", "未整改隐患", "open at month end",
           lambda school, start, end: _counted(Hazard, Hazard.school_id == school, _open_at(end))),
    Figure("hazards_overdue", "逾期未整改", "overdue at month end",
           lambda school, start, end: _counted(Hazard, Hazard.school_id == school, _open_at(end),
                                               Hazard.deadline < end)),
    Figure("drills_held", "开展演练", "drills held",
           lambda school, start, end: _counted(Drill, Drill.school_id == school, Drill.status == DrillStatus.reported,
                                               Drill.conducted_at >= start, Drill.conducted_at < end)),
    Figure("campaign_tasks_due", "专项工作任务", "campaign tasks due",
           lambda school, start, end: _counted(CampaignTask, CampaignTask.school_id == school,
                                               CampaignTask.due_at >= start, CampaignTask.due_at < end)),
    Figure("campaign_tasks_done", "已完成任务", "campaign tasks done",
           lambda school, start, end: _counted(CampaignTask, CampaignTask.school_id == school,
                                               CampaignTask.due_at >= start, CampaignTask.due_at < end,
                                               CampaignTask.status == TaskStatus.done)),
)
NAMES = tuple(figure.name for figure in FIGURES)


def is_nil(figures: dict) -> bool:
    """零报告: nothing found in the month and nothing left open."""
    return figures["hazards_found"] == 0 and figures["hazards_open"] == 0
