"""Scheduler jobs of campaigns (see safety/scheduler): opening and closing runs with their school tasks, the
water-body rhythm, reminders, and lagging schools.

All compute from state and `as_of`: a run after downtime catches up, a second run changes nothing. Campaigns and
tasks are unique keys filled with INSERT … SELECT … WHERE NOT EXISTS (ON CONFLICT DO NOTHING), and people are told
once through the outbox's dedupe keys.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import (
    Date,
    Integer,
    Select,
    String,
    case,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError

from ...accounts.models import Role, RoleAssignment, User
from ...accounts.scope import people_at_schools
from ...core.sql import chunks, insert_ignoring_conflicts
from ...core.types import UTCDateTime
from ...extensions import db
from ...notifications.services import enqueue_select
from ...points.models import Frequency
from ...scheduler.registry import job
from ...schools.models import RegionLevel, School, SchoolClass
from ..letters.receipts import create_letters
from ..models import (
    ActivityRequirement,
    Cadence,
    Campaign,
    CampaignDefinition,
    CampaignLag,
    CampaignStatus,
    CampaignTask,
    LagStatus,
    TaskStatus,
    TaskUnit,
)
from ..periods import (
    anchors,
    calendar_groups,
    closing_moment,
    day_start,
    holidays_for_reminders,
    local_day,
    periods_around,
    schools_following,
)
from ..waters.rhythm import water_rhythm
from .definitions import sync_default_definitions
from .progress import lag_figures, lagging_schools

TASK_COLUMNS = ["campaign_id", "requirement_id", "school_id", "class_id", "holiday_id", "subject_key", "opens_on",
                "due_at", "status", "created_at"]


@job("campaign_calendar", "interval", "Open campaigns with their school tasks, close ended ones, set water-body "
     "inspection rhythms", minutes=60)
def campaign_calendar(as_of: datetime) -> int:
    sync_default_definitions()
    changed = close_ended(as_of) + open_due(as_of)
    for campaign in db.session.scalars(select(Campaign).where(Campaign.status == CampaignStatus.open)).all():
        changed += create_tasks(campaign, as_of)
        changed += create_letters(campaign)
    return changed + tell_class_teachers() + water_rhythm(as_of)


def tell_class_teachers() -> int:
    """Each class teacher hears once of every task of their classes still to do in an open campaign (a new task,
    or a class newly theirs); the outbox's dedupe key keeps it to once per teacher and task."""
    teachers = select(RoleAssignment.user_id, CampaignTask.id, CampaignTask.school_id) \
        .join(User, User.id == RoleAssignment.user_id) \
        .join(CampaignTask, CampaignTask.class_id == RoleAssignment.class_id) \
        .join(Campaign, Campaign.id == CampaignTask.campaign_id) \
        .where(RoleAssignment.role == Role.class_teacher, User.active.is_(True),
               Campaign.status == CampaignStatus.open, CampaignTask.status.in_((TaskStatus.open, TaskStatus.overdue)))
    return enqueue_select("campaign_task_new", "campaign_task", teachers)


@job("campaign_reminders", "interval", "Mark campaign tasks overdue; remind schools of tasks falling due", minutes=30)
def campaign_reminders(as_of: datetime) -> int:
    open_campaigns = select(Campaign.id).where(Campaign.status == CampaignStatus.open)
    changed = db.session.execute(
        update(CampaignTask).where(CampaignTask.status == TaskStatus.open, CampaignTask.due_at <= as_of,
                                   CampaignTask.campaign_id.in_(open_campaigns))
        .values(status=TaskStatus.overdue).execution_options(synchronize_session=False)).rowcount
    principals = people_at_schools(Role.principal).subquery()
    open_schools = select(School.id).where(School.active.is_(True))  # a closed school is reminded of nothing
    for campaign in db.session.scalars(select(Campaign).where(Campaign.status == CampaignStatus.open)).all():
        lead = timedelta(days=campaign.definition.reminder_days)
        reminded = db.session.scalars(
            update(CampaignTask).where(CampaignTask.campaign_id == campaign.id,
                                       CampaignTask.status == TaskStatus.open, CampaignTask.reminded_at.is_(None),
                                       CampaignTask.due_at > as_of, CampaignTask.due_at <= as_of + lead,
                                       CampaignTask.school_id.in_(open_schools))
            .values(reminded_at=as_of).returning(CampaignTask.id).execution_options(synchronize_session=False)).all()
        changed += len(reminded)
        for chunk in chunks(reminded):
            # One reminder per school, activity and due date (not one per class) to each principal.
            rows = select(principals.c.user_id, func.min(CampaignTask.id), CampaignTask.school_id) \
                .join(principals, principals.c.school_id == CampaignTask.school_id) \
                .where(CampaignTask.id.in_(chunk)) \
                .group_by(principals.c.user_id, CampaignTask.school_id, CampaignTask.requirement_id,
                          CampaignTask.due_at)
            changed += enqueue_select("campaign_task_due", "campaign_task", rows)
    return changed


@job("campaign_lagging", "interval", "Flag schools lagging behind in open campaigns; clear those that caught up",
     minutes=60)
def campaign_lagging(as_of: datetime) -> int:
    changed = 0
    for campaign in db.session.scalars(select(Campaign).where(Campaign.status == CampaignStatus.open,
                                                              Campaign.opens_at <= as_of)).all():
        changed += _flag_lagging(campaign, as_of)
    principals = people_at_schools(Role.principal).subquery()  # SQLite cannot nest a UNION directly
    offices = people_at_schools(Role.safety_office, RegionLevel.district).subquery()
    people = union_all(select(principals), select(offices)).subquery()
    rows = select(people.c.user_id, CampaignLag.id, CampaignLag.school_id, CampaignLag.episodes) \
        .join(people, people.c.school_id == CampaignLag.school_id).where(CampaignLag.status == LagStatus.lagging)
    return changed + enqueue_select("campaign_lagging", "campaign_lag", rows,
                                    key_suffix=lambda source: source.c[3].cast(String))


# --- opening and closing --------------------------------------------------------------------------------


def close_ended(as_of: datetime) -> int:
    """Runs past their last day close: what was owed is missed, lagging flags leave the queue."""
    ended = list(db.session.scalars(select(Campaign.id).where(Campaign.status == CampaignStatus.open,
                                                              Campaign.closes_at <= as_of)))
    if not ended:
        return 0
    changed = db.session.execute(
        update(CampaignTask).where(CampaignTask.campaign_id.in_(ended),
                                   CampaignTask.status.in_([TaskStatus.open, TaskStatus.overdue]))
        .values(status=TaskStatus.missed).execution_options(synchronize_session=False)).rowcount
    changed += db.session.execute(
        update(CampaignLag).where(CampaignLag.campaign_id.in_(ended), CampaignLag.status == LagStatus.lagging)
        .values(status=LagStatus.closed, cleared_at=as_of).execution_options(synchronize_session=False)).rowcount
    changed += db.session.execute(
        update(Campaign).where(Campaign.id.in_(ended))
        .values(status=CampaignStatus.closed, closed_at=Campaign.closes_at)
        .execution_options(synchronize_session=False)).rowcount
    return changed


def open_due(as_of: datetime) -> int:
    """A run for each active definition, anchor region and season or term containing today, once."""
    today, created = local_day(as_of), 0
    definitions = db.session.scalars(select(CampaignDefinition).where(CampaignDefinition.active.is_(True))
                                     .order_by(CampaignDefinition.id)).all()
    for definition in definitions:
        seasonal = definition.cadence == Cadence.season
        for anchor in anchors(definition):
            for period in periods_around(definition, anchor, today):
                key = (Campaign.definition_id == definition.id, Campaign.region_id == anchor.id,
                       Campaign.period_key == period.key)
                if db.session.scalar(select(Campaign.id).where(*key)) is not None:
                    continue
                try:
                    with db.session.begin_nested():
                        db.session.add(Campaign(
                            definition_id=definition.id, region_id=anchor.id, period_key=period.key,
                            name_zh=period.name_zh if seasonal else f"{definition.name_zh}（{period.name_zh}）",
                            name_en=period.name_en if seasonal else
                            f"{definition.name_en or definition.name_zh} ({period.name_en})",
                            starts_on=period.starts_on, ends_on=period.ends_on,
                            opens_at=day_start(period.starts_on), closes_at=closing_moment(period.ends_on),
                            status=CampaignStatus.open, created_at=as_of))
                    created += 1
                except IntegrityError:  # another scheduler opened it a moment ago
                    continue
    return created


# --- tasks ----------------------------------------------------------------------------------------------


def _due(campaign: Campaign, opens_on: date, days: int) -> datetime:
    """Due at the end of the `days`-th day from `opens_on`, and no later than the campaign's end."""
    return day_start(min(opens_on + timedelta(days=days), campaign.ends_on + timedelta(days=1)))


def _timed(campaign: Campaign, requirement: ActivityRequirement, created_at, as_of: datetime):
    """(opens_on, due_at) as SQL: from the campaign's first day, or from today for a class or school added since."""
    later = max(campaign.starts_on, local_day(as_of))
    added_since = created_at >= campaign.opens_at
    opens_on = case((added_since, literal(later, Date)), else_=literal(campaign.starts_on, Date))
    due_at = case((added_since, literal(_due(campaign, later, requirement.due_days), UTCDateTime)),
                  else_=literal(_due(campaign, campaign.starts_on, requirement.due_days), UTCDateTime))
    return opens_on, due_at


def _row(campaign, requirement, school_id, class_id, holiday_id, subject_key, opens_on, due_at, as_of):
    return (literal(campaign.id, Integer), literal(requirement.id, Integer), school_id, class_id, holiday_id,
            subject_key, opens_on, due_at, literal(TaskStatus.open.value, String), literal(as_of, UTCDateTime))


def _not_taken(campaign, requirement, school_id, subject_key):
    return ~exists().where(CampaignTask.campaign_id == campaign.id, CampaignTask.requirement_id == requirement.id,
                           CampaignTask.school_id == school_id, CampaignTask.subject_key == subject_key)


def create_tasks(campaign: Campaign, as_of: datetime) -> int:
    """Every task the schools following the campaign owe that does not exist yet (new classes get theirs too)."""
    following = schools_following(campaign.definition, campaign.region)
    created = 0
    for requirement in campaign.definition.requirements:
        if requirement.unit == TaskUnit.school_class:
            key = literal("class:") + SchoolClass.id.cast(String)
            rows = select(*_row(campaign, requirement, SchoolClass.school_id, SchoolClass.id, null(), key,
                                *_timed(campaign, requirement, SchoolClass.created_at, as_of), as_of)) \
                .where(SchoolClass.school_id.in_(following),
                       _not_taken(campaign, requirement, SchoolClass.school_id, key))
            created += _insert(rows)
        elif requirement.unit == TaskUnit.school:
            key = literal("school", String)
            rows = select(*_row(campaign, requirement, School.id, null(), null(), key,
                                *_timed(campaign, requirement, School.created_at, as_of), as_of)) \
                .where(School.id.in_(following), _not_taken(campaign, requirement, School.id, key))
            created += _insert(rows)
        elif requirement.unit == TaskUnit.holiday:
            created += _holiday_tasks(campaign, requirement, following, as_of)
    return created


def _holiday_tasks(campaign: Campaign, requirement: ActivityRequirement, following: Select, as_of: datetime) -> int:
    """A reminder task per holiday starting inside the campaign (or, weekly, per week of it), for the schools keeping
    that calendar. A school added since the campaign opened owes reminders only for windows that had not ended when
    it was added, from the day it is first seen (it is never owed, overdue at once, a reminder already late)."""
    created, today = 0, local_day(as_of)
    added_since = School.created_at >= campaign.opens_at
    for group in calendar_groups():
        for holiday in holidays_for_reminders(group.holidays, campaign.starts_on, campaign.ends_on):
            for subject, opens_on, due_on in _reminder_windows(campaign, requirement, holiday, today):
                key = literal(subject, String)
                due = day_start(due_on)
                opens = case((added_since, literal(max(opens_on, min(today, due_on)), Date)),
                             else_=literal(opens_on, Date))
                rows = select(*_row(campaign, requirement, School.id, null(), literal(holiday.id, Integer), key,
                                    opens, literal(due, UTCDateTime), as_of)) \
                    .where(School.id.in_(following), School.id.in_(group.schools), School.created_at < due,
                           _not_taken(campaign, requirement, School.id, key))
                created += _insert(rows)
    return created


def _reminder_windows(campaign: Campaign, requirement: ActivityRequirement, holiday,
                      today: date) -> list[tuple[str, date, date]]:
    """(subject key, opens on, due on) of a holiday's reminders: one before it (opening `due_days` ahead, due when
    it starts), or with `holiday_frequency = "weekly"` one in each whole week of it inside the campaign (parents
    reminded through the summer holiday, not only before it). A week's task appears when the week begins, so
    the summer's many weeks do not thin out the lagging check in spring."""
    if requirement.holiday_frequency != Frequency.weekly:
        opens_on = max(campaign.starts_on, holiday.starts_on - timedelta(days=requirement.due_days))
        return [(f"holiday:{holiday.id}", opens_on, holiday.starts_on)]
    weeks = ((holiday.ends_on - holiday.starts_on).days + 1) // 7
    starts = (holiday.starts_on + timedelta(weeks=n) for n in range(weeks))
    return [(f"holiday:{holiday.id}:w{n}", start, start + timedelta(days=7))
            for n, start in enumerate(starts, start=1) if start <= min(today, campaign.ends_on)]


def _insert(rows: Select) -> int:
    return insert_ignoring_conflicts(CampaignTask, TASK_COLUMNS, rows)


# --- lagging --------------------------------------------------------------------------------------------


def _flag_lagging(campaign: Campaign, as_of: datetime) -> int:
    """Flag schools behind by more than the margin (a new row, or a new episode of a cleared one); clear the ones
    that caught up. The flag's time is when the job saw it; every flag keeps the figures it was last judged on."""
    figures = lag_figures(campaign, as_of).subquery()
    behind = lagging_schools(campaign, figures)
    mine = CampaignLag.campaign_id == campaign.id
    rows = select(literal(campaign.id, Integer), figures.c.school_id, literal(LagStatus.lagging.value, String),
                  literal(as_of, UTCDateTime), literal(1, Integer), figures.c.due, figures.c.done, figures.c.total) \
        .where(figures.c.school_id.in_(behind), ~exists().where(mine, CampaignLag.school_id == figures.c.school_id))
    changed = insert_ignoring_conflicts(CampaignLag, ["campaign_id", "school_id", "status", "flagged_at", "episodes",
                                                      "due", "done", "total"], rows)
    changed += db.session.execute(
        update(CampaignLag).where(mine, CampaignLag.status == LagStatus.cleared, CampaignLag.school_id.in_(behind))
        .values(status=LagStatus.lagging, flagged_at=as_of, cleared_at=None, episodes=CampaignLag.episodes + 1)
        .execution_options(synchronize_session=False)).rowcount
    changed += db.session.execute(
        update(CampaignLag).where(mine, CampaignLag.status == LagStatus.lagging, CampaignLag.school_id.not_in(behind))
        .values(status=LagStatus.cleared, cleared_at=as_of).execution_options(synchronize_session=False)).rowcount
    return changed + _refresh_lag_figures(campaign, figures)


def _refresh_lag_figures(campaign: Campaign, figures) -> int:
    """The figures of every flag of the campaign as of now, lagging or cleared; rows whose figures stand are left."""
    def now_(column: str):
        return func.coalesce(select(figures.c[column]).where(figures.c.school_id == CampaignLag.school_id)
                             .scalar_subquery(), 0)
    stale = or_(*(getattr(CampaignLag, c).is_distinct_from(now_(c)) for c in ("due", "done", "total")))
    return db.session.execute(
        update(CampaignLag).where(CampaignLag.campaign_id == campaign.id, CampaignLag.status != LagStatus.closed,
                                  stale)
        .values(due=now_("due"), done=now_("done"), total=now_("total"))
        .execution_options(synchronize_session=False)).rowcount
