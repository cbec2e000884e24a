"""How far schools have got in a campaign, counted in SQL (GROUP BY per school), and who is lagging.

Per school: tasks (due by now, done, overdue), and the figures each kind of activity the campaign requires adds
(see kinds/: classes covered by the themed lesson, parent receipts against students, water bodies patrolled
within their interval, survey coverage, committee status …); a campaign shows only its own kinds' figures.
Districts and the city add the schools' figures up.

Lagging: a school is behind where it should be by now when
    behind = (tasks due by now − tasks done) + water bodies overdue for a patrol
is positive and more than the definition's `lag_margin` × (its tasks + its water bodies). Tasks done early
make up for ones due: what counts is the pace.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, func, literal, select

from ...extensions import db
from ...schools.models import Region, School, SchoolClass
from ..kinds import KindSpec, count_if, kinds_of, percent
from ..models import ActivityRequirement, Campaign, CampaignLag, CampaignTask, LagStatus, TaskStatus
from ..periods import schools_following

TASK_COUNTS = ("tasks", "due", "done", "overdue")


def participants(campaign: Campaign) -> Select:
    """Schools taking part: those following the definition now, and any that have tasks in the campaign."""
    with_tasks = select(CampaignTask.school_id).where(CampaignTask.campaign_id == campaign.id)
    return select(School.id).where(School.id.in_(schools_following(campaign.definition, campaign.region))
                                   | School.id.in_(with_tasks))


def task_counts(campaign: Campaign, as_of: datetime):
    done = CampaignTask.status == TaskStatus.done
    return select(CampaignTask.school_id, func.count().label("tasks"),
                  count_if(CampaignTask.due_at <= as_of).label("due"), count_if(done).label("done"),
                  count_if(and_(CampaignTask.due_at <= as_of, ~done)).label("overdue")) \
        .where(CampaignTask.campaign_id == campaign.id).group_by(CampaignTask.school_id).subquery()


def _with_figures(kinds: list[KindSpec]) -> list[KindSpec]:
    return [k for k in kinds if k.figures.per_school is not None]


def _counts(kinds: list[KindSpec]) -> tuple[str, ...]:
    return (*TASK_COUNTS, *(name for k in _with_figures(kinds) for name in k.figures.counts))


def school_rows(campaign: Campaign, schools: Select, as_of: datetime) -> list:
    """One row per school taking part and in `schools`, with every figure of its kinds (0 where none apply)."""
    tasks = task_counts(campaign, as_of)
    lags = select(CampaignLag.school_id, CampaignLag.status).where(CampaignLag.campaign_id == campaign.id).subquery()
    columns = [func.coalesce(tasks.c[n], 0).label(n) for n in TASK_COUNTS]
    query = select(School.id, School.code, School.name_zh, School.name_en, School.region_id,
                   lags.c.status.label("lag_status")) \
        .outerjoin(tasks, tasks.c.school_id == School.id).outerjoin(lags, lags.c.school_id == School.id)
    for kind in _with_figures(kinds_of(campaign.definition)):
        figures = kind.figures.per_school(campaign, as_of)
        columns += [func.coalesce(figures.c[n], 0).label(n) for n in kind.figures.counts]
        query = query.outerjoin(figures, figures.c.school_id == School.id)
    return db.session.execute(query.add_columns(*columns)
                              .where(School.id.in_(participants(campaign)), School.id.in_(schools))
                              .order_by(School.code)).all()


def _figures(totals: dict, kinds: list[KindSpec]) -> dict:
    figures = {**totals, "completion_rate": percent(totals["done"], totals["tasks"]),
               "expected_rate": percent(totals["due"], totals["tasks"])}
    for kind in kinds:
        figures.update({rate: percent(totals[part], totals[whole])
                        for rate, (part, whole) in kind.figures.rates.items()})
    return figures


def _school(row, kinds: list[KindSpec]) -> dict:
    totals = {name: int(getattr(row, name)) for name in _counts(kinds)}
    totals.update(schools=1, lagging=int(row.lag_status == LagStatus.lagging))
    school = {**_figures(totals, kinds), "school_id": row.id, "code": row.code, "name_zh": row.name_zh,
              "name_en": row.name_en, "region_id": row.region_id, "lag_status": row.lag_status}
    for kind in kinds:
        if kind.figures.school_fields is not None:
            school.update(kind.figures.school_fields(school))
    return school


def _sum(rows: list[dict], kinds: list[KindSpec]) -> dict:
    return {key: sum(r[key] for r in rows) for key in (*_counts(kinds), "schools", "lagging")}


def progress(campaign: Campaign, schools: Select, as_of: datetime, school_id: int | None = None) -> dict:
    """Figures per school, per district and for everything in scope; per class when one school is asked for."""
    kinds = kinds_of(campaign.definition)
    rows = [_school(row, kinds) for row in school_rows(campaign, schools, as_of)]
    by_region: dict[int, list[dict]] = {}
    for row in rows:
        by_region.setdefault(row["region_id"], []).append(row)
    regions = db.session.scalars(select(Region).where(Region.id.in_(by_region)).order_by(Region.code)).all()
    districts = [{**_figures(_sum(by_region[r.id], kinds), kinds), "region_id": r.id, "code": r.code,
                  "name_zh": r.name_zh, "name_en": r.name_en} for r in regions]
    return {"campaign": campaign, "as_of": as_of, "overall": _figures(_sum(rows, kinds), kinds),
            "districts": districts, "schools": rows, "requirements": requirement_rows(campaign, schools, as_of),
            "classes": class_rows(campaign, school_id) if school_id else []}


def requirement_rows(campaign: Campaign, schools: Select, as_of: datetime, by_school: bool = False) -> list[dict]:
    """Tasks per requirement (and per school, for the ledger): how many, done, overdue, missed."""
    done = CampaignTask.status == TaskStatus.done
    columns = [ActivityRequirement.position, ActivityRequirement.id, ActivityRequirement.key, ActivityRequirement.kind,
               ActivityRequirement.name_zh, ActivityRequirement.name_en]
    if by_school:
        columns.append(CampaignTask.school_id)
    rows = db.session.execute(
        select(*columns, func.count().label("tasks"), count_if(done).label("done"),
               count_if(and_(CampaignTask.due_at <= as_of, ~done)).label("overdue"),
               count_if(CampaignTask.status == TaskStatus.missed).label("missed"),
               func.max(CampaignTask.done_at).label("last_done_at"))
        .join(ActivityRequirement, ActivityRequirement.id == CampaignTask.requirement_id)
        .where(CampaignTask.campaign_id == campaign.id, CampaignTask.school_id.in_(schools))
        .group_by(*columns).order_by(*columns)).all()
    return [dict(row._mapping) for row in rows]


def class_rows(campaign: Campaign, school_id: int) -> list[dict]:
    """Each class of one school, with what the campaign's kinds say of it (its lesson held, its receipts …)."""
    kinds = [k for k in kinds_of(campaign.definition) if k.figures.per_class is not None]
    query = select(SchoolClass.id, SchoolClass.grade, SchoolClass.name, SchoolClass.student_count) \
        .where(SchoolClass.school_id == school_id).order_by(SchoolClass.grade, SchoolClass.name)
    per_kind = []
    for index, kind in enumerate(kinds):
        figures = kind.figures.per_class(campaign).alias(f"k{index}")
        per_kind.append((kind, figures))
        query = query.outerjoin(figures, figures.c.class_id == SchoolClass.id) \
            .add_columns(*(c.label(f"k{index}_{c.name}") for c in figures.c if c.name != "class_id"))
    result = []
    for row in db.session.execute(query).all():
        fields = {"class_id": row.id, "grade": row.grade, "name": row.name, "students": row.student_count}
        for index, (kind, figures) in enumerate(per_kind):
            values = {c.name: getattr(row, f"k{index}_{c.name}") for c in figures.c if c.name != "class_id"}
            fields.update(kind.figures.class_fields(values, row.student_count))
        result.append(fields)
    return result


# --- lagging --------------------------------------------------------------------------------------------


def lag_figures(campaign: Campaign, as_of: datetime) -> Select:
    """Per open school taking part: what is due by now, what is done, of how many: its tasks, plus what its kinds
    add (water bodies count due, and done when patrolled within their interval) — what a lagging flag is judged
    on. A closed school is judged on nothing: nobody is left there to catch up, so its flag clears."""
    tasks = task_counts(campaign, as_of)
    due, done, total = (func.coalesce(tasks.c[n], 0) for n in ("due", "done", "tasks"))
    query = select(School.id.label("school_id")).outerjoin(tasks, tasks.c.school_id == School.id)
    for kind in kinds_of(campaign.definition):
        if kind.figures.lag is not None:
            extra = kind.figures.lag(campaign, as_of)
            query = query.outerjoin(extra, extra.c.school_id == School.id)
            due, done, total = (due + func.coalesce(extra.c.due, 0), done + func.coalesce(extra.c.done, 0),
                                total + func.coalesce(extra.c.total, 0))
    return query.add_columns(due.label("due"), done.label("done"), total.label("total")) \
        .where(School.id.in_(participants(campaign)), School.active.is_(True))


def lagging_schools(campaign: Campaign, figures) -> Select:
    """Ids of the schools behind by more than the margin, from `lag_figures` as a subquery (see the module doc)."""
    behind = figures.c.due - figures.c.done
    return select(figures.c.school_id).where(behind > 0, behind > literal(campaign.definition.lag_margin)
                                             * figures.c.total)
