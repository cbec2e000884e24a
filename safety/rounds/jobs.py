"""Scheduler jobs of this domain (see safety/scheduler): create each school's rounds from the school calendar, and
close them (done, missed, repeated misses into the district's queue).

Both compute from state and `as_of`, never from how often they ran: after downtime one run catches up (within
`backfill_days`), a second run changes nothing, and two schedulers never duplicate a round (the unique (school,
kind, period) with INSERT … SELECT … ON CONFLICT DO NOTHING).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, and_, case, exists, func, literal, null, select, update

from ..accounts.models import Role, RoleAssignment, User
from ..accounts.scope import people_at_schools
from ..core.clock import now
from ..core.sql import add_days, chunks, insert_ignoring_conflicts
from ..core.types import UTCDateTime
from ..drills.jobs import _calendar_regions, _schools_following  # the school calendar's regions, shared with drills
from ..drills.rules import SchoolCalendar
from ..extensions import db
from ..notifications.services import enqueue_select
from ..points.models import Point
from ..scheduler.registry import job
from ..schools.models import Region, School
from .coverage import complete, done_points, last_inspection_at, total_points
from .kinds import RoundKind, Rules, Window, current_rules, local_day, windows
from .models import Round, RoundDuty, RoundStatus

INSERT_COLUMNS = ["school_id", "kind", "period_key", "check_id", "categories", "completes_late", "window_start",
                  "window_end", "status", "responsible_id", "created_at"]
FALLBACK_ROLE = {"duty": Role.inspector, "safety_officer": Role.inspector, "principal": Role.principal}


@job("create_rounds", "cron", "Create every school's inspection rounds for its school days", hour="*", minute=7)
def create_rounds(as_of: datetime) -> int:
    """Rounds of every scheduled kind whose window has opened by `as_of`, for every active school with points the
    kind covers, on the school days of the calendar the school follows (all year for schools open in the
    holidays)."""
    rules = current_rules()
    today = local_day(rules, as_of)
    created = 0
    for region, periods, deeper in _calendar_regions(rules, today):
        in_term, following = SchoolCalendar(periods), _schools_following(region, deeper)
        for calendar, open_in_holidays in ((in_term, False), (in_term.year_round(), True)):
            schools = following & School.open_in_holidays.is_(open_in_holidays)
            for kind in rules.scheduled():
                for window in windows(rules, kind, calendar, today):
                    created += _insert(kind, window, schools)
    return created


def responsible(kind: RoundKind, school_id=School.id):
    """Who walks the round: the person the school named for the kind, else its first safety officer (or principal,
    for kinds the principal leads)."""
    named = select(RoundDuty.user_id).where(RoundDuty.school_id == school_id, RoundDuty.kind == kind.key) \
        .scalar_subquery()
    fallback = select(func.min(RoleAssignment.user_id)).join(User, User.id == RoleAssignment.user_id) \
        .where(RoleAssignment.school_id == school_id, RoleAssignment.role == FALLBACK_ROLE[kind.responsible],
               User.active.is_(True)).scalar_subquery()
    return func.coalesce(named, fallback)


def _insert(kind: RoundKind, window: Window, schools) -> int:
    in_categories = Point.category.in_(kind.categories) if kind.categories else literal(True)
    has_points = exists().where(Point.school_id == School.id, in_categories,
                                Point.retired_at.is_(None) | (Point.retired_at > window.start))
    taken = exists().where(Round.school_id == School.id, Round.kind == kind.key,
                           Round.period_key == window.period_key)
    conditions = [schools, School.active.is_(True), School.created_at < window.end, has_points, ~taken]
    if kind.boarding_only:
        conditions.append(School.boarding.is_(True))
    rows = select(School.id, literal(kind.key, String), literal(window.period_key, String), null(),
                  literal(kind.category_text, String), literal(kind.completes_late),
                  literal(window.start, UTCDateTime), literal(window.end, UTCDateTime),
                  literal(RoundStatus.open.value, String), responsible(kind), literal(now(), UTCDateTime)) \
        .where(*conditions)
    return insert_ignoring_conflicts(Round, INSERT_COLUMNS, rows)


@job("close_rounds", "interval", "Mark rounds done when every point is inspected; missed when the window closed",
     minutes=15)
def close_rounds(as_of: datetime) -> int:
    """Done first (a round completed in its window is never missed because the job ran late), then missed, then
    the misses that make a school's misses of one kind repeated are raised into the district's queue."""
    rules = current_rules()
    finished = and_(Round.window_start <= as_of, complete())
    done = db.session.scalars(
        update(Round).where(finished, (Round.status == RoundStatus.open)
                            | ((Round.status == RoundStatus.missed) & Round.completes_late))
        .values(status=RoundStatus.done, done_at=last_inspection_at(), points_total=total_points(),
                points_done=done_points())
        .returning(Round.id).execution_options(synchronize_session=False)).all()
    missed = db.session.scalars(
        update(Round).where(Round.status == RoundStatus.open, Round.window_end <= as_of)
        .values(status=RoundStatus.missed, missed_at=Round.window_end, points_total=total_points(),
                points_done=done_points())
        .returning(Round.id).execution_options(synchronize_session=False)).all()
    return len(done) + len(missed) + _escalate_repeated(rules, missed) + _tell_missed(missed)


def _tell_missed(missed_ids: list[int]) -> int:
    """The school hears of each missed round: its principal and the person who was to walk it (once each; a
    launched check's lateness goes to the office's queue instead)."""
    told = 0
    principals = people_at_schools(Role.principal, through_regions=False).subquery()
    for chunk in chunks(missed_ids):
        ours = (Round.id.in_(chunk), Round.check_id.is_(None))
        told += enqueue_select("round_missed", "round", select(principals.c.user_id, Round.id, Round.school_id)
                               .join(principals, principals.c.school_id == Round.school_id).where(*ours))
        told += enqueue_select("round_missed", "round", select(Round.responsible_id, Round.id, Round.school_id)
                               .where(*ours, Round.responsible_id.is_not(None)))
    return told


def _escalate_repeated(rules: Rules, missed_ids: list[int]) -> int:
    if not missed_ids:
        return 0
    earlier = db.aliased(Round)
    misses = select(func.count(earlier.id)).where(
        earlier.school_id == Round.school_id, earlier.kind == Round.kind, earlier.status == RoundStatus.missed,
        earlier.window_end <= Round.window_end,
        add_days(earlier.window_end, rules.lookback_days) > Round.window_end).scalar_subquery()
    return db.session.execute(
        update(Round).where(Round.id.in_(missed_ids), Round.check_id.is_(None), misses >= _threshold(rules))
        .values(escalated_at=Round.missed_at).execution_options(synchronize_session=False)).rowcount


def _threshold(rules: Rules):
    """Misses that count as repeated for the round's school: the nearest region up its tree that set a figure,
    else the default (no rule gives one)."""
    paths = dict(db.session.execute(select(Region.code, Region.path)
                                    .where(Region.code.in_(rules.repeat_misses_by_region))).all())
    deepest_first = sorted(paths.items(), key=lambda item: -len(item[1]))
    whens = [(Region.path.startswith(path, autoescape=True), rules.repeat_misses_by_region[code])
             for code, path in deepest_first]
    figure = case(*whens, else_=rules.repeat_misses) if whens else literal(rules.repeat_misses)
    return select(figure).select_from(School).join(Region, Region.id == School.region_id) \
        .where(School.id == Round.school_id).scalar_subquery()
