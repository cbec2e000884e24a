"""A letter to parents (致家长的一封信) per class, confirmed per child online or on paper (see letters/)."""
from __future__ import annotations

from sqlalchemy import and_, case, func, select

from ...schools.models import SchoolClass
from ..models import CampaignTask, ClassLetter, ParentReceipt, TaskUnit
from . import Column, Figures, KindSpec, percent, register, tasks_of

NAME = "parent_letter"


def received(campaign):
    """Per class owing the letter: its school, size and receipts (online + paper, not capped) as a subquery."""
    online = select(ParentReceipt.letter_id, func.count().label("n")).group_by(ParentReceipt.letter_id).subquery()
    return tasks_of(campaign, NAME, CampaignTask.school_id, CampaignTask.class_id,
                    SchoolClass.student_count.label("students"),
                    (func.coalesce(ClassLetter.paper_receipts, 0) + func.coalesce(online.c.n, 0)).label("received")) \
        .join(SchoolClass, SchoolClass.id == CampaignTask.class_id) \
        .outerjoin(ClassLetter, and_(ClassLetter.campaign_id == campaign.id,
                                     ClassLetter.class_id == CampaignTask.class_id)) \
        .outerjoin(online, online.c.letter_id == ClassLetter.id).subquery()


def _per_school(campaign, _as_of):
    """Students of the classes owing a letter, and receipts, at most each class's size."""
    per_class = received(campaign)
    capped = case((per_class.c.received > per_class.c.students, per_class.c.students), else_=per_class.c.received)
    return select(per_class.c.school_id, func.sum(per_class.c.students).label("students"),
                  func.sum(capped).label("receipts")).group_by(per_class.c.school_id).subquery()


def _class_fields(row: dict, students: int) -> dict:
    receipts = None if row["received"] is None else min(row["received"], students)
    return {"receipts": receipts, "receipt_rate": None if receipts is None else percent(receipts, students)}


register(KindSpec(
    name=NAME, units=(TaskUnit.school_class,), counts=("letters",),
    figures=Figures(per_school=_per_school, counts=("students", "receipts"),
                    rates={"receipt_rate": ("receipts", "students")},
                    per_class=received, class_fields=_class_fields),
    summary_columns=(Column("学生数", 8, lambda s: s["students"]), Column("回执数", 8, lambda s: s["receipts"]),
                     Column("回执率%", 9, lambda s: s["receipt_rate"])),
    ledger_columns=(Column("发放份数", 10, lambda r: r.get("letters")),),
))
