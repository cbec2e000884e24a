"""A themed lesson (主题班会): per class (or per school), with how many took part and a photo as evidence."""
from __future__ import annotations

from sqlalchemy import case, func

from ..models import CampaignTask, TaskStatus, TaskUnit
from . import Column, Figures, KindSpec, count_if, register, tasks_of

NAME = "lesson"
DONE = CampaignTask.status == TaskStatus.done


def _per_school(campaign, _as_of):
    """Classes owing the lesson, and those that have held it."""
    return tasks_of(campaign, NAME, CampaignTask.school_id, func.count().label("classes"),
                    count_if(DONE).label("classes_covered")) \
        .where(CampaignTask.class_id.is_not(None)).group_by(CampaignTask.school_id).subquery()


def _per_class(campaign):
    return tasks_of(campaign, NAME, CampaignTask.class_id, func.min(case((DONE, 1), else_=0))
                    .label("lesson_done")) \
        .where(CampaignTask.class_id.is_not(None)).group_by(CampaignTask.class_id).subquery()


register(KindSpec(
    name=NAME, units=(TaskUnit.school_class, TaskUnit.school), counts=("participants",), photo_required=True,
    figures=Figures(per_school=_per_school, counts=("classes", "classes_covered"), per_class=_per_class,
                    class_fields=lambda row, _students: {
                        "lesson_done": None if row["lesson_done"] is None else bool(row["lesson_done"])}),
    summary_columns=(Column("应开展班级", 10, lambda s: s["classes"]),
                     Column("已开展班级", 10, lambda s: s["classes_covered"])),
    ledger_columns=(Column("参与人次", 10, lambda r: r.get("participants")),),
))
