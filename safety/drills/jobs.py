"""Scheduler jobs of this domain (see safety/scheduler): assignment from the calendar, reminders, overdue.

Both compute from state and `as_of`, never from how often they ran: after a week of scheduler downtime one run
catches up, a second run changes nothing, and two schedulers at once never duplicate a drill (the unique
(school, requirement, period) with INSERT … SELECT … WHERE NOT EXISTS, ON CONFLICT DO NOTHING) nor a
notification (rows are claimed by a conditional UPDATE before anyone is told).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Select, String, case, exists, false, literal, or_, select, update

from ..accounts.models import Role
from ..accounts.scope import people_at_schools
from ..core.clock import now
from ..core.sql import chunks, insert_ignoring_conflicts
from ..core.types import UTCDateTime
from ..extensions import db
from ..notifications.services import enqueue_select
from ..scheduler.registry import job
from ..schools.models import Region, RegionLevel, School
from .models import CalendarPeriod, Drill, DrillStatus
from .rules import (
    CADENCES,
    Rules,
    SchoolCalendar,
    TermRule,
    Window,
    current_rules,
    due_windows,
    evacuation_windows,
    local_day,
    term_windows,
    window_bounds,
)
from .services import period_of

INSERT_COLUMNS = ["school_id", "kind", "requirement", "period_key", "window_start", "window_end", "status", "notes",
                  "flags", "created_at"]


@job("assign_drills", "cron", "Create every school's drill windows from the compliance calendar", hour=1, minute=5)
def assign_drills(as_of: datetime) -> int:
    """Windows opened by `as_of` and the next upcoming one, for every active school, per calendar region.

    Who owes what is decided here in SQL from the one set of rules: the evacuation cadence by school type
    (in term time, or all year for schools open through the holidays) and the once-a-term drills.
    """
    rules = current_rules()
    today = local_day(rules, as_of)
    seasonal_paths = _seasonal_region_paths(rules)
    created = 0
    for region, periods, deeper in _calendar_regions(rules, today):
        in_term, following = SchoolCalendar(periods), _schools_following(region, deeper)
        for school_calendar, open_in_holidays in ((in_term, False), (in_term.year_round(), True)):
            for cadence, condition in cadence_conditions(rules):
                for window in due_windows(rules, evacuation_windows(rules, school_calendar, cadence), today):
                    created += _insert(rules, window, following & (School.open_in_holidays.is_(open_in_holidays)),
                                       condition, seasonal_paths)
        for rule in rules.term_rules():
            for window in due_windows(rules, term_windows(rule, in_term), today):
                created += _insert(rules, window, following, term_condition(rule), seasonal_paths)
    return created


def cadence_conditions(rules: Rules):
    """(cadence, the schools on it) for every cadence some school type has."""
    for cadence in CADENCES:
        types = sorted(t for t, c in rules.cadence.items() if c == cadence)
        if types and cadence != "none":
            yield cadence, School.type.in_(types)


def term_condition(rule: TermRule):
    """The schools that owe a once-a-term drill: of the listed types, boarding, or running a school bus."""
    condition = School.type.in_(sorted(rule.types)) if rule.types else false()
    if rule.boarding:
        condition = condition | School.boarding.is_(True)
    if rule.school_bus:
        condition = condition | School.has_school_bus.is_(True)
    return condition


@job("drill_reminders_and_overdue", "interval", "Remind schools of closing drill windows; mark missed drills overdue",
     minutes=30)
def drill_reminders_and_overdue(as_of: datetime) -> int:
    rules = current_rules()
    # Overdue first: a window that closed while the scheduler was down gets an overdue notice, not a reminder.
    # overdue_at is when the window closed, so escalation timing does not depend on when this job ran.
    overdue = db.session.scalars(
        update(Drill).where(Drill.status == DrillStatus.assigned, Drill.window_end < as_of)
        .values(status=DrillStatus.overdue, overdue_at=Drill.window_end).returning(Drill.id)
        .execution_options(synchronize_session=False)).all()
    lead = timedelta(days=rules.reminder_days)
    reminded = db.session.scalars(
        update(Drill).where(Drill.status == DrillStatus.assigned, Drill.reminded_at.is_(None),
                            Drill.window_start <= as_of, Drill.window_end <= as_of + lead)
        .values(reminded_at=as_of).returning(Drill.id).execution_options(synchronize_session=False)).all()
    changed = len(overdue) + len(reminded)
    principals, district_offices = people_at_schools(Role.principal), \
        people_at_schools(Role.safety_office, RegionLevel.district)
    for chunk in chunks(reminded):
        changed += enqueue_select("drill_due", "drill", _recipients(principals, chunk))
    for chunk in chunks(overdue):
        changed += enqueue_select("drill_overdue", "drill", _recipients(principals, chunk))
        changed += enqueue_select("drill_overdue", "drill", _recipients(district_offices, chunk))
    return changed


# --- pieces -----------------------------------------------------------------------------------------------

def _calendar_regions(rules: Rules, today):
    """(region, its periods, paths of deeper regions with their own calendar) for each region with periods.

    Periods that ended long before the backfill horizon cannot shape a window still to be created.
    """
    horizon = today - timedelta(days=rules.backfill_days + 120)
    periods = db.session.scalars(select(CalendarPeriod).where(CalendarPeriod.ends_on >= horizon)).all()
    by_region: dict[int, list] = {}
    for period in periods:
        by_region.setdefault(period.region_id, []).append(period_of(period))
    regions = db.session.scalars(select(Region).where(Region.id.in_(by_region)).order_by(Region.path)).all()
    for region in regions:
        deeper = [r.path for r in regions if r.id != region.id and r.path.startswith(region.path)]
        yield region, by_region[region.id], deeper


def _schools_following(region: Region, deeper: Sequence[str]):
    """Schools whose nearest region with a calendar is `region` (a deeper calendar overrides it)."""
    return School.region_id.in_(select(Region.id).where(
        Region.path.startswith(region.path, autoescape=True),
        *(~Region.path.startswith(path, autoescape=True) for path in deeper)))


def _seasonal_region_paths(rules: Rules) -> dict[str, str]:
    """Region code → path for every region a seasonal rule names (looked up once per run)."""
    codes = {code for season in rules.seasonal for code in season.regions}
    if not codes:
        return {}
    return dict(db.session.execute(select(Region.code, Region.path).where(Region.code.in_(codes))).all())


def _kind_expression(window: Window, paths: dict[str, str]):
    """The window's kind, or a CASE giving regional seasonal kinds to the schools below those regions."""
    whens = []
    for kind, region_codes in window.regional:
        enabled = [paths[c] for c in region_codes if c in paths]
        if enabled:
            below = select(Region.id).where(or_(*(Region.path.startswith(p, autoescape=True) for p in enabled)))
            whens.append((School.region_id.in_(below), literal(kind.value, String)))
    if not whens:
        return literal(window.kind.value, String)
    return case(*whens, else_=literal(window.kind.value, String))


def _insert(rules: Rules, window: Window, following, condition, seasonal_paths: dict[str, str]) -> int:
    start, end = window_bounds(rules, window)
    taken = exists().where(Drill.school_id == School.id, Drill.requirement == window.requirement,
                           Drill.period_key == window.period_key)
    rows = select(School.id, _kind_expression(window, seasonal_paths), literal(window.requirement, String),
                  literal(window.period_key, String), literal(start, UTCDateTime), literal(end, UTCDateTime),
                  literal(DrillStatus.assigned.value, String), literal("", String), literal("", String),
                  literal(now(), UTCDateTime)) \
        .where(following, School.active.is_(True), condition,
               School.created_at < end,  # a school registered later owes nothing for windows before it existed
               ~taken)
    return insert_ignoring_conflicts(Drill, INSERT_COLUMNS, rows)


def _recipients(people: Select, drill_ids: Sequence[int]) -> Select:
    people = people.subquery()
    return select(people.c.user_id, Drill.id, Drill.school_id) \
        .join(people, people.c.school_id == Drill.school_id).where(Drill.id.in_(drill_ids))
