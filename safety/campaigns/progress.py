"""How far schools have got in a campaign, counted in SQL (GROUP BY per school), and who is lagging.

Per school: tasks (due by now, done, overdue), classes covered by the themed lesson, parent receipts (online +
paper, at most each class's size) against students, water bodies patrolled within their interval and patrols
held, survey coverage (surveyed / enrolled as reported), committee status. Districts and the city add the
schools' figures up.

Lagging: a school is behind where it should be by now when
    behind = (tasks due by now − tasks done) + water bodies overdue for a patrol
is positive and more than the definition's `lag_margin` × (its tasks + its water bodies). Tasks done early
make up for ones due: what counts is the pace.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, case, false, func, literal, select
from sqlalchemy.sql import ColumnElement

from ..checklists.models import Category
from ..extensions import db
from ..inspections.models import Inspection
from ..points.models import Point
from ..schools.models import Region, School, SchoolClass
from .models import (
    ActivityKind,
    ActivityRequirement,
    Campaign,
    CampaignActivity,
    CampaignLag,
    CampaignTask,
    ClassLetter,
    CommitteeMember,
    CommitteeRole,
    LagStatus,
    ParentReceipt,
    TaskStatus,
)
from .periods import schools_following

COUNTS = ("tasks", "due", "done", "overdue", "classes", "classes_covered", "students", "receipts", "water_bodies",
          "water_bodies_on_time", "patrols", "surveyed", "enrolled")


def has_kind(campaign: Campaign, kind: ActivityKind) -> bool:
    return any(r.kind == kind for r in campaign.definition.requirements)


def participants(campaign: Campaign) -> Select:
    """Schools taking part: those following the definition now, and any that have tasks in the campaign."""
    with_tasks = select(CampaignTask.school_id).where(CampaignTask.campaign_id == campaign.id)
    return select(School.id).where(School.id.in_(schools_following(campaign.definition, campaign.region))
                                   | School.id.in_(with_tasks))


def _count(condition: ColumnElement):
    return func.count(case((condition, 1)))


def task_counts(campaign: Campaign, as_of: datetime):
    lesson = and_(ActivityRequirement.kind == ActivityKind.lesson, CampaignTask.class_id.is_not(None))
    done = CampaignTask.status == TaskStatus.done
    return select(CampaignTask.school_id, func.count().label("tasks"),
                  _count(CampaignTask.due_at <= as_of).label("due"), _count(done).label("done"),
                  _count(and_(CampaignTask.due_at <= as_of, ~done)).label("overdue"),
                  _count(lesson).label("classes"), _count(and_(lesson, done)).label("classes_covered")) \
        .join(ActivityRequirement, ActivityRequirement.id == CampaignTask.requirement_id) \
        .where(CampaignTask.campaign_id == campaign.id).group_by(CampaignTask.school_id).subquery()


def water_counts(campaign: Campaign, as_of: datetime):
    live = and_(Point.category == Category.water_body, Point.retired_at.is_(None))
    if not has_kind(campaign, ActivityKind.water_patrol):
        live = and_(live, false())
    return select(Point.school_id, func.count().label("water_bodies"),
                  _count(Point.next_due_at >= as_of).label("water_bodies_on_time")) \
        .where(live).group_by(Point.school_id).subquery()


def _patrols(campaign: Campaign, as_of: datetime):
    until = min(as_of, campaign.closes_at)
    condition = and_(Point.category == Category.water_body, Inspection.submitted_at >= campaign.opens_at,
                     Inspection.submitted_at < until)
    if not has_kind(campaign, ActivityKind.water_patrol):
        condition = and_(condition, false())
    return select(Inspection.school_id, func.count().label("patrols")) \
        .join(Point, Point.id == Inspection.point_id).where(condition).group_by(Inspection.school_id).subquery()


def _receipts(campaign: Campaign):
    online = select(ParentReceipt.letter_id, func.count().label("n")).group_by(ParentReceipt.letter_id).subquery()
    received = func.coalesce(ClassLetter.paper_receipts, 0) + func.coalesce(online.c.n, 0)
    per_class = select(CampaignTask.school_id, SchoolClass.student_count.label("students"),
                       case((received > SchoolClass.student_count, SchoolClass.student_count),
                            else_=received).label("received")) \
        .join(ActivityRequirement, ActivityRequirement.id == CampaignTask.requirement_id) \
        .join(SchoolClass, SchoolClass.id == CampaignTask.class_id) \
        .outerjoin(ClassLetter, and_(ClassLetter.campaign_id == campaign.id,
                                     ClassLetter.class_id == CampaignTask.class_id)) \
        .outerjoin(online, online.c.letter_id == ClassLetter.id) \
        .where(CampaignTask.campaign_id == campaign.id, ActivityRequirement.kind == ActivityKind.parent_letter) \
        .subquery()
    return select(per_class.c.school_id, func.sum(per_class.c.students).label("students"),
                  func.sum(per_class.c.received).label("receipts")).group_by(per_class.c.school_id).subquery()


def _reports(campaign: Campaign):
    survey = CampaignActivity.kind == ActivityKind.survey
    return select(CampaignActivity.school_id,
                  func.sum(case((survey, CampaignActivity.surveyed), else_=0)).label("surveyed"),
                  func.sum(case((survey, CampaignActivity.enrolled), else_=0)).label("enrolled"),
                  _count(CampaignActivity.kind == ActivityKind.committee_meeting).label("meetings")) \
        .where(CampaignActivity.campaign_id == campaign.id).group_by(CampaignActivity.school_id).subquery()


def _committees():
    return select(CommitteeMember.school_id, func.count().label("members"),
                  _count(CommitteeMember.role == CommitteeRole.chair).label("chairs")) \
        .where(CommitteeMember.removed_at.is_(None)).group_by(CommitteeMember.school_id).subquery()


def school_rows(campaign: Campaign, schools: Select, as_of: datetime) -> list:
    """One row per school taking part and in `schools`, with every figure (0 where nothing applies)."""
    tasks, water, patrols = task_counts(campaign, as_of), water_counts(campaign, as_of), _patrols(campaign, as_of)
    receipts, reports, committees = _receipts(campaign), _reports(campaign), _committees()
    lags = select(CampaignLag.school_id, CampaignLag.status).where(CampaignLag.campaign_id == campaign.id).subquery()

    def zero(column):
        return func.coalesce(column, 0)

    return db.session.execute(
        select(School.id, School.code, School.name_zh, School.name_en, School.region_id,
               *(zero(tasks.c[n]).label(n) for n in ("tasks", "due", "done", "overdue", "classes",
                                                      "classes_covered")),
               zero(receipts.c.students).label("students"), zero(receipts.c.receipts).label("receipts"),
               zero(water.c.water_bodies).label("water_bodies"),
               zero(water.c.water_bodies_on_time).label("water_bodies_on_time"),
               zero(patrols.c.patrols).label("patrols"),
               zero(reports.c.surveyed).label("surveyed"), zero(reports.c.enrolled).label("enrolled"),
               zero(reports.c.meetings).label("meetings"), zero(committees.c.chairs).label("chairs"),
               lags.c.status.label("lag_status"))
        .outerjoin(tasks, tasks.c.school_id == School.id).outerjoin(water, water.c.school_id == School.id)
        .outerjoin(patrols, patrols.c.school_id == School.id).outerjoin(receipts, receipts.c.school_id == School.id)
        .outerjoin(reports, reports.c.school_id == School.id)
        .outerjoin(committees, committees.c.school_id == School.id).outerjoin(lags, lags.c.school_id == School.id)
        .where(School.id.in_(participants(campaign)), School.id.in_(schools))
        .order_by(School.code)).all()


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _figures(totals: dict, campaign: Campaign) -> dict:
    figures = {**totals,
               "completion_rate": _rate(totals["done"], totals["tasks"]),
               "expected_rate": _rate(totals["due"], totals["tasks"]),
               "receipt_rate": _rate(totals["receipts"], totals["students"]),
               "patrol_rate": _rate(totals["water_bodies_on_time"], totals["water_bodies"]),
               "survey_coverage": _rate(totals["surveyed"], totals["enrolled"])}
    if not has_kind(campaign, ActivityKind.committee_meeting):
        figures["committees"] = figures["committees_met"] = 0
    return figures


def _committee_status(row, campaign: Campaign) -> str | None:
    if not has_kind(campaign, ActivityKind.committee_meeting):
        return None
    if not row.chairs:
        return "none"
    return "active" if row.meetings else "constituted"


def _school(row, campaign: Campaign) -> dict:
    totals = {name: int(getattr(row, name)) for name in COUNTS}
    status = _committee_status(row, campaign)
    totals.update(schools=1, committees=int(status in ("constituted", "active")),
                  committees_met=int(status == "active"), lagging=int(row.lag_status == LagStatus.lagging))
    return {**_figures(totals, campaign), "school_id": row.id, "code": row.code, "name_zh": row.name_zh,
            "name_en": row.name_en, "region_id": row.region_id, "committee_status": status,
            "lag_status": row.lag_status}


def _sum(rows: list[dict]) -> dict:
    keys = (*COUNTS, "schools", "committees", "committees_met", "lagging")
    return {key: sum(r[key] for r in rows) for key in keys}


def progress(campaign: Campaign, schools: Select, as_of: datetime, school_id: int | None = None) -> dict:
    """Figures per school, per district and for everything in scope; per class when one school is asked for."""
    rows = [_school(row, campaign) for row in school_rows(campaign, schools, as_of)]
    by_region: dict[int, list[dict]] = {}
    for row in rows:
        by_region.setdefault(row["region_id"], []).append(row)
    regions = db.session.scalars(select(Region).where(Region.id.in_(by_region)).order_by(Region.code)).all()
    districts = [{**_figures(_sum(by_region[r.id]), campaign), "region_id": r.id, "code": r.code,
                  "name_zh": r.name_zh, "name_en": r.name_en} for r in regions]
    return {"campaign": campaign, "as_of": as_of, "overall": _figures(_sum(rows), campaign), "districts": districts,
            "schools": rows, "requirements": requirement_rows(campaign, schools, as_of),
            "classes": class_rows(campaign, school_id) if school_id else []}


def requirement_rows(campaign: Campaign, schools: Select, as_of: datetime, by_school: bool = False) -> list[dict]:
    """Tasks per requirement (and per school, for the ledger): how many, done, overdue, missed."""
    done = CampaignTask.status == TaskStatus.done
    columns = [ActivityRequirement.position, ActivityRequirement.id, ActivityRequirement.key, ActivityRequirement.kind,
               ActivityRequirement.name_zh, ActivityRequirement.name_en]
    if by_school:
        columns.append(CampaignTask.school_id)
    rows = db.session.execute(
        select(*columns, func.count().label("tasks"), _count(done).label("done"),
               _count(and_(CampaignTask.due_at <= as_of, ~done)).label("overdue"),
               _count(CampaignTask.status == TaskStatus.missed).label("missed"),
               func.max(CampaignTask.done_at).label("last_done_at"))
        .join(ActivityRequirement, ActivityRequirement.id == CampaignTask.requirement_id)
        .where(CampaignTask.campaign_id == campaign.id, CampaignTask.school_id.in_(schools))
        .group_by(*columns).order_by(*columns)).all()
    return [dict(row._mapping) for row in rows]


def class_rows(campaign: Campaign, school_id: int) -> list[dict]:
    """Each class of one school: its themed lesson done or not, its parent receipts."""
    online = select(ParentReceipt.letter_id, func.count().label("n")).group_by(ParentReceipt.letter_id).subquery()
    lesson = select(CampaignTask.class_id, func.min(case((CampaignTask.status == TaskStatus.done, 1), else_=0))
                    .label("done")) \
        .join(ActivityRequirement, ActivityRequirement.id == CampaignTask.requirement_id) \
        .where(CampaignTask.campaign_id == campaign.id, ActivityRequirement.kind == ActivityKind.lesson,
               CampaignTask.class_id.is_not(None)).group_by(CampaignTask.class_id).subquery()
    letter = select(CampaignTask.class_id, (func.coalesce(ClassLetter.paper_receipts, 0)
                                            + func.coalesce(online.c.n, 0)).label("received")) \
        .join(ActivityRequirement, ActivityRequirement.id == CampaignTask.requirement_id) \
        .outerjoin(ClassLetter, and_(ClassLetter.campaign_id == campaign.id,
                                     ClassLetter.class_id == CampaignTask.class_id)) \
        .outerjoin(online, online.c.letter_id == ClassLetter.id) \
        .where(CampaignTask.campaign_id == campaign.id, ActivityRequirement.kind == ActivityKind.parent_letter) \
        .subquery()
    rows = db.session.execute(
        select(SchoolClass.id, SchoolClass.grade, SchoolClass.name, SchoolClass.student_count, lesson.c.done,
               letter.c.received)
        .outerjoin(lesson, lesson.c.class_id == SchoolClass.id).outerjoin(letter, letter.c.class_id == SchoolClass.id)
        .where(SchoolClass.school_id == school_id).order_by(SchoolClass.grade, SchoolClass.name)).all()
    result = []
    for row in rows:
        receipts = None if row.received is None else min(row.received, row.student_count)
        result.append({"class_id": row.id, "grade": row.grade, "name": row.name, "students": row.student_count,
                       "lesson_done": None if row.done is None else bool(row.done), "receipts": receipts,
                       "receipt_rate": None if receipts is None else _rate(receipts, row.student_count)})
    return result


# --- lagging --------------------------------------------------------------------------------------------


def lag_figures(campaign: Campaign, as_of: datetime) -> Select:
    """Per school taking part: what is due by now, what is done, of how many (tasks, and water bodies counted due
    and done when patrolled within their interval) — the figures a lagging flag is judged on and keeps."""
    tasks, water = task_counts(campaign, as_of), water_counts(campaign, as_of)
    water_bodies = func.coalesce(water.c.water_bodies, 0)
    return select(School.id.label("school_id"),
                  (func.coalesce(tasks.c.due, 0) + water_bodies).label("due"),
                  (func.coalesce(tasks.c.done, 0) + func.coalesce(water.c.water_bodies_on_time, 0)).label("done"),
                  (func.coalesce(tasks.c.tasks, 0) + water_bodies).label("total")) \
        .outerjoin(tasks, tasks.c.school_id == School.id).outerjoin(water, water.c.school_id == School.id) \
        .where(School.id.in_(participants(campaign)))


def lagging_schools(campaign: Campaign, figures) -> Select:
    """Ids of the schools behind by more than the margin, from `lag_figures` as a subquery (see the module doc)."""
    behind = figures.c.due - figures.c.done
    return select(figures.c.school_id).where(behind > 0, behind > literal(campaign.definition.lag_margin)
                                             * figures.c.total)
